"""gk.random: Keras 3's keras.random draws, their seeds and their argument checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import graphkeras as gk
from graphkeras import backend as K

SHAPES = st.lists(st.integers(0, 5), min_size=0, max_size=3).map(tuple)
FLOAT_DRAWS = [gk.random.normal, gk.random.uniform, gk.random.truncated_normal]


@pytest.fixture(autouse=True)
def _restore_floatx():
    floatx = K.floatx()
    yield
    K.set_floatx(floatx)


# ------------------------------------------------------------ shapes and dtypes


@settings(max_examples=30, deadline=None)
@given(shape=SHAPES, draw_index=st.integers(0, 2))
def test_float_draws_have_the_requested_shape_and_floatx(shape, draw_index):
    values = FLOAT_DRAWS[draw_index](shape, seed=0)
    assert values.shape == shape
    assert values.dtype == np.dtype(K.floatx())


@pytest.mark.parametrize("draw", FLOAT_DRAWS)
def test_float_draws_honour_a_float64_dtype(draw):
    assert draw((3, 2), dtype="float64", seed=0).dtype == np.float64


def test_a_bare_int_shape_is_a_vector():
    assert gk.random.normal(4, seed=0).shape == (4,)


def test_randint_defaults_to_int32():
    values = gk.random.randint((3, 4), minval=0, maxval=10, seed=0)
    assert values.shape == (3, 4)
    assert values.dtype == np.int32


def test_randint_honours_an_int64_dtype():
    assert gk.random.randint((5,), 0, 3, dtype="int64", seed=0).dtype == np.int64


# ------------------------------------------------------------ value ranges


@settings(max_examples=30, deadline=None)
@given(minval=st.floats(-50, 50), width=st.floats(0.01, 100), seed=st.integers(0, 2**31))
def test_uniform_stays_in_its_half_open_range(minval, width, seed):
    maxval = minval + width
    values = gk.random.uniform((200,), minval, maxval, dtype="float64", seed=seed)
    assert values.min() >= minval
    assert values.max() < maxval


@settings(max_examples=30, deadline=None)
@given(minval=st.integers(-20, 20), width=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_randint_stays_below_maxval(minval, width, seed):
    values = gk.random.randint((300,), minval, minval + width, seed=seed)
    assert values.min() >= minval
    assert values.max() <= minval + width - 1


def test_randint_reaches_every_integer_in_its_range():
    values = gk.random.randint((2000,), minval=-2, maxval=3, seed=5)
    assert sorted(set(values.tolist())) == [-2, -1, 0, 1, 2]


def test_truncated_normal_stays_within_two_standard_deviations():
    values = gk.random.truncated_normal((20000,), mean=3.0, stddev=0.5, dtype="float64", seed=1)
    assert np.all(np.abs(values - 3.0) <= 2 * 0.5)


def test_normal_has_the_requested_mean_and_stddev():
    values = gk.random.normal((100_000,), mean=2.0, stddev=3.0, dtype="float64", seed=2)
    # Standard error of the mean is 3 / sqrt(1e5), about 0.01: a 0.1 margin is ten of them.
    assert_allclose(values.mean(), 2.0, atol=0.1)
    assert_allclose(values.std(), 3.0, atol=0.1)


# ------------------------------------------------------------ reproducibility


@pytest.mark.parametrize("draw", FLOAT_DRAWS)
def test_an_int_seed_gives_the_same_draw_every_call(draw):
    assert_array_equal(draw((4, 3), seed=42), draw((4, 3), seed=42))


def test_different_int_seeds_give_different_draws():
    assert not np.array_equal(gk.random.normal((8,), seed=1), gk.random.normal((8,), seed=2))


def test_a_seed_generator_advances_with_every_draw():
    generator = gk.random.SeedGenerator(seed=7)
    first = gk.random.uniform((6,), seed=generator)
    second = gk.random.uniform((6,), seed=generator)
    assert not np.array_equal(first, second)


def test_seed_generators_with_the_same_seed_give_the_same_sequence():
    one, two = gk.random.SeedGenerator(seed=3), gk.random.SeedGenerator(seed=3)

    def sequence(generator):
        return [
            gk.random.normal((4,), seed=generator),
            gk.random.randint((4,), 0, 100, seed=generator),
            gk.random.dropout(np.ones((4,)), 0.5, seed=generator),
            gk.random.shuffle(np.arange(10), seed=generator),
        ]

    for first, second in zip(sequence(one), sequence(two), strict=True):
        assert_array_equal(first, second)


def test_set_random_seed_makes_unseeded_draws_repeat():
    gk.utils.set_random_seed(11)
    first = [gk.random.normal((5,)), gk.random.shuffle(np.arange(8))]
    gk.utils.set_random_seed(11)
    second = [gk.random.normal((5,)), gk.random.shuffle(np.arange(8))]
    for a, b in zip(first, second, strict=True):
        assert_array_equal(a, b)


def test_set_random_seed_makes_an_unseeded_seed_generator_repeat():
    gk.utils.set_random_seed(12)
    first = gk.random.uniform((5,), seed=gk.random.SeedGenerator())
    gk.utils.set_random_seed(12)
    second = gk.random.uniform((5,), seed=gk.random.SeedGenerator())
    assert_array_equal(first, second)


def test_seed_generator_config_rebuilds_the_same_sequence():
    generator = gk.random.SeedGenerator(seed=9)
    rebuilt = gk.random.SeedGenerator.from_config(generator.get_config())
    assert rebuilt.seed == 9
    assert_array_equal(gk.random.normal((3,), seed=generator), gk.random.normal((3,), seed=rebuilt))


# ------------------------------------------------------------ dropout


def test_dropout_keeps_shape_and_float_dtype():
    inputs = np.ones((4, 5), dtype="float64")
    outputs = gk.random.dropout(inputs, 0.4, seed=0)
    assert outputs.shape == (4, 5)
    assert outputs.dtype == np.float64


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(0.0, 0.95), seed=st.integers(0, 2**31))
def test_dropout_zeroes_or_scales_each_entry_by_one_over_keep(rate, seed):
    inputs = np.linspace(1.0, 2.0, 60).reshape(6, 10)
    outputs = gk.random.dropout(inputs, rate, seed=seed)
    kept = outputs != 0
    assert_allclose(outputs[kept], inputs[kept] / (1.0 - rate), rtol=1e-6)


def test_dropout_drops_about_rate_of_the_entries_and_keeps_the_mean():
    rate = 0.3
    outputs = gk.random.dropout(np.ones((100_000,)), rate, seed=4)
    # Standard errors are about 0.0015 (fraction) and 0.002 (mean): margins of 0.02 and 0.03.
    assert_allclose(np.mean(outputs == 0), rate, atol=0.02)
    assert_allclose(outputs.mean(), 1.0, atol=0.03)


def test_dropout_with_rate_zero_returns_the_inputs():
    inputs = np.arange(6.0).reshape(2, 3)
    assert_array_equal(gk.random.dropout(inputs, 0.0, seed=0), inputs)


def test_dropout_noise_shape_shares_one_draw_along_axes_of_length_one():
    outputs = gk.random.dropout(np.ones((50, 8)), 0.5, noise_shape=(1, 8), seed=3)
    assert_array_equal(outputs, np.broadcast_to(outputs[:1], (50, 8)))


def test_dropout_noise_shape_none_entries_take_the_input_size():
    outputs = gk.random.dropout(np.ones((6, 40)), 0.5, noise_shape=(None, 1), seed=3)
    assert_array_equal(outputs, np.broadcast_to(outputs[:, :1], (6, 40)))


def test_dropout_turns_integer_inputs_into_floatx():
    outputs = gk.random.dropout(np.ones((3, 3), dtype="int64"), 0.5, seed=0)
    assert outputs.dtype == np.dtype(K.floatx())


# ------------------------------------------------------------ shuffle


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), data=st.data())
def test_shuffle_permutes_whole_slices_along_the_axis(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    seed = data.draw(st.integers(0, 2**31))
    x = np.arange(int(np.prod(shape))).reshape(shape)
    shuffled = gk.random.shuffle(x, axis=axis, seed=seed)
    assert shuffled.shape == x.shape
    # Each output slice is one input slice, and every input slice appears once.
    size = x.shape[axis]
    slices = np.moveaxis(x, axis, 0).reshape(size, -1)
    shuffled_slices = np.moveaxis(shuffled, axis, 0).reshape(size, -1)
    order = [int(np.flatnonzero(slices[:, 0] == piece[0])[0]) for piece in shuffled_slices]
    assert sorted(order) == list(range(size))
    assert_array_equal(shuffled_slices, slices[order])


def test_shuffle_moves_rows_and_keeps_them_intact():
    x = np.arange(40).reshape(20, 2)
    shuffled = gk.random.shuffle(x, seed=1)
    assert not np.array_equal(shuffled, x)
    assert_array_equal(shuffled[:, 1] - shuffled[:, 0], np.ones(20))
    assert sorted(shuffled[:, 0].tolist()) == list(range(0, 40, 2))


# ------------------------------------------------------------ errors


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rejects_a_rate_outside_zero_to_one(rate):
    with pytest.raises(ValueError, match=rf"rate.*received rate={rate}"):
        gk.random.dropout(np.ones(3), rate)


def test_dropout_rejects_a_rate_that_is_not_a_number():
    with pytest.raises(ValueError, match="rate.*received '0.5'"):
        gk.random.dropout(np.ones(3), "0.5")


def test_dropout_rejects_a_noise_shape_that_does_not_broadcast():
    with pytest.raises(ValueError, match=r"noise_shape.*received noise_shape=\(2, 3\)"):
        gk.random.dropout(np.ones((4, 3)), 0.5, noise_shape=(2, 3))


@pytest.mark.parametrize(("minval", "maxval"), [(3, 3), (5, 2)])
def test_randint_rejects_minval_not_below_maxval(minval, maxval):
    with pytest.raises(ValueError, match=f"minval < maxval.*minval={minval}, maxval={maxval}"):
        gk.random.randint((2,), minval, maxval)


def test_randint_rejects_a_float_dtype():
    with pytest.raises(ValueError, match="integer dtype.*'float32'"):
        gk.random.randint((2,), 0, 4, dtype="float32")


def test_randint_rejects_float_bounds():
    with pytest.raises(ValueError, match="maxval to be an int, received 2.5"):
        gk.random.randint((2,), 0, 2.5)


@pytest.mark.parametrize("shape", [(2.0, 3), (2, -1), "23", (True, 2), None])
@pytest.mark.parametrize("draw", FLOAT_DRAWS)
def test_float_draws_reject_a_shape_that_is_not_non_negative_ints(draw, shape):
    with pytest.raises(ValueError, match=r"shape.*received"):
        draw(shape)


def test_randint_rejects_a_non_int_shape():
    with pytest.raises(ValueError, match=r"randint expects shape.*received \(1.5,\)"):
        gk.random.randint((1.5,), 0, 3)


def test_uniform_rejects_an_integer_dtype():
    with pytest.raises(ValueError, match="float dtype.*'int32'"):
        gk.random.uniform((2,), dtype="int32")


@pytest.mark.parametrize("seed", [-1, 1.5, "7", True])
def test_draws_reject_a_seed_of_the_wrong_kind(seed):
    with pytest.raises(ValueError, match="seed.*SeedGenerator, received"):
        gk.random.normal((2,), seed=seed)


@pytest.mark.parametrize("seed", [-1, 1.5, "7"])
def test_seed_generator_rejects_a_bad_seed(seed):
    with pytest.raises(ValueError, match="SeedGenerator.*seed.*received"):
        gk.random.SeedGenerator(seed=seed)


def test_shuffle_rejects_an_axis_out_of_range():
    with pytest.raises(ValueError, match="axis.*rank 2, received axis=2"):
        gk.random.shuffle(np.ones((2, 3)), axis=2)
