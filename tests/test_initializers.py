"""Tests for graphkeras.initializers: values, spreads, seeds, configs and lookup."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphkeras import backend as K
from graphkeras import initializers
from graphkeras.utils.serialization import register_serializable

# A shape big enough for tight statistics (200,000 draws), cheap to draw.
BIG = (500, 400)


def cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


# Standard deviation of a standard normal truncated to [-2, 2], in closed form.
TRUNCATED_STD = math.sqrt(
    1.0 - 2.0 * 2.0 * math.exp(-2.0) / math.sqrt(2.0 * math.pi) / (2.0 * cdf(2.0) - 1.0)
)


@register_serializable(package="test_initializers")
def halves(shape, dtype=None):
    """A registered function initializer."""
    return K.full(shape, 0.5, dtype=dtype)


def numpy(x):
    return K.convert_to_numpy(x)


@pytest.fixture
def float64_default():
    previous = K.floatx()
    K.set_floatx("float64")
    yield
    K.set_floatx(previous)


ALL_CLASSES = [
    initializers.Zeros,
    initializers.Ones,
    initializers.Constant,
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotUniform,
    initializers.GlorotNormal,
    initializers.HeUniform,
    initializers.HeNormal,
    initializers.LecunUniform,
    initializers.LecunNormal,
    initializers.Orthogonal,
    initializers.Identity,
]
SEEDED_CLASSES = [cls for cls in ALL_CLASSES if "seed" in inspect.signature(cls).parameters]


# ----------------------------------------------------------------- constants


def test_zeros_fills_with_zero():
    np.testing.assert_array_equal(numpy(initializers.Zeros()((2, 3))), np.zeros((2, 3)))


def test_ones_fills_with_one():
    np.testing.assert_array_equal(numpy(initializers.Ones()((4,))), np.ones(4))


def test_constant_fills_with_its_value():
    np.testing.assert_array_equal(numpy(initializers.Constant(3.5)((2, 2))), np.full((2, 2), 3.5))


def test_constant_defaults_to_zero():
    assert initializers.Constant().value == 0.0


def test_constant_config_writes_numpy_scalar_as_python_number():
    config = initializers.Constant(np.float32(2.0)).get_config()
    assert config == {"value": 2.0}
    assert type(config["value"]) is float


def test_identity_is_gain_times_eye():
    np.testing.assert_array_equal(numpy(initializers.Identity(gain=2.0)((3, 3))), 2.0 * np.eye(3))


def test_identity_rectangular_shape_gives_rectangular_eye():
    np.testing.assert_array_equal(numpy(initializers.Identity()((2, 4))), np.eye(2, 4))


def test_identity_rejects_non_2d_shape_naming_shape():
    with pytest.raises(ValueError, match="shape"):
        initializers.Identity()((2, 2, 2))


def test_identity_initializer_is_the_identity_class():
    assert initializers.IdentityInitializer is initializers.Identity


# ---------------------------------------------------------------------- fans


@pytest.mark.parametrize(
    "shape, fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 4), (3, 4)),
        ((5, 4, 8), (20, 40)),
        ((3, 3, 16, 32), (144, 288)),
        ((2, 3, 3, 4, 6), (72, 108)),
    ],
)
def test_compute_fans_matches_keras(shape, fans):
    assert initializers.compute_fans(shape) == fans


# ------------------------------------------------------------ plain randoms


def test_random_uniform_stays_in_range_with_uniform_moments():
    values = numpy(initializers.RandomUniform(-0.5, 1.5, seed=1)(BIG))
    assert values.min() >= -0.5 and values.max() < 1.5
    assert values.mean() == pytest.approx(0.5, abs=0.01)
    assert values.var() == pytest.approx(2.0**2 / 12, rel=0.02)


def test_random_uniform_defaults_to_plus_minus_0_05():
    init = initializers.RandomUniform()
    assert (init.minval, init.maxval, init.seed) == (-0.05, 0.05, None)


def test_random_normal_has_requested_mean_and_stddev():
    values = numpy(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=2)(BIG))
    assert values.mean() == pytest.approx(1.0, abs=0.02)
    assert values.std() == pytest.approx(2.0, rel=0.01)


def test_random_normal_defaults():
    init = initializers.RandomNormal()
    assert (init.mean, init.stddev, init.seed) == (0.0, 0.05, None)


def test_truncated_normal_stays_within_two_stddev():
    values = numpy(initializers.TruncatedNormal(mean=1.0, stddev=0.5, seed=3)(BIG))
    assert values.min() >= 0.0 and values.max() <= 2.0


def test_truncated_normal_spread_is_the_truncated_fraction_of_stddev():
    values = numpy(initializers.TruncatedNormal(stddev=1.0, seed=4)(BIG))
    assert values.std() == pytest.approx(TRUNCATED_STD, rel=0.01)


def test_truncated_normal_defaults():
    init = initializers.TruncatedNormal()
    assert (init.mean, init.stddev, init.seed) == (0.0, 0.05, None)


# --------------------------------------------------------- variance scaling


def test_variance_scaling_defaults():
    init = initializers.VarianceScaling()
    assert (init.scale, init.mode, init.distribution, init.seed) == (
        1.0,
        "fan_in",
        "truncated_normal",
        None,
    )


@pytest.mark.parametrize("mode, units", [("fan_in", 500), ("fan_out", 400), ("fan_avg", 450)])
def test_variance_scaling_uniform_limit_follows_mode(mode, units):
    values = numpy(
        initializers.VarianceScaling(scale=3.0, mode=mode, distribution="uniform", seed=5)(BIG)
    )
    limit = math.sqrt(3.0 * 3.0 / units)
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.99 * limit
    assert values.var() == pytest.approx(3.0 / units, rel=0.02)


def test_variance_scaling_truncated_normal_has_variance_scale_over_n():
    init = initializers.VarianceScaling(scale=2.0, mode="fan_in", seed=6)
    values = numpy(init(BIG))
    assert values.std() == pytest.approx(math.sqrt(2.0 / 500), rel=0.01)
    # Draws are cut at two of the widened deviations.
    assert np.abs(values).max() <= 2.0 * math.sqrt(2.0 / 500) / TRUNCATED_STD * (1 + 1e-6)


def test_variance_scaling_untruncated_normal_has_variance_scale_over_n():
    init = initializers.VarianceScaling(mode="fan_out", distribution="untruncated_normal", seed=7)
    values = numpy(init(BIG))
    assert values.std() == pytest.approx(math.sqrt(1.0 / 400), rel=0.01)
    assert np.abs(values).max() > 3.0 * math.sqrt(1.0 / 400)


def test_variance_scaling_normal_means_truncated_normal():
    assert initializers.VarianceScaling(distribution="Normal").distribution == "truncated_normal"


def test_variance_scaling_fan_below_one_counts_as_one():
    values = numpy(initializers.VarianceScaling(distribution="uniform", seed=8)((0, 3)))
    assert values.shape == (0, 3)
    values = numpy(initializers.VarianceScaling(distribution="uniform", seed=8)(()))
    assert abs(float(values)) <= math.sqrt(3.0)


def test_variance_scaling_uses_conv_fans():
    shape = (3, 3, 32, 64)
    values = numpy(initializers.VarianceScaling(distribution="uniform", seed=9)(shape))
    assert np.abs(values).max() <= math.sqrt(3.0 / (9 * 32))
    assert np.abs(values).max() > 0.99 * math.sqrt(3.0 / (9 * 32))


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"mode": "bad"}, "mode"),
        ({"scale": -1.0}, "scale"),
        ({"scale": 0.0}, "scale"),
        ({"scale": "big"}, "scale"),
        ({"distribution": "cauchy"}, "distribution"),
        ({"distribution": None}, "distribution"),
        ({"seed": "abc"}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"seed": -1}, "seed"),
    ],
)
def test_variance_scaling_rejects_bad_argument_naming_it(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        initializers.VarianceScaling(**kwargs)


# ------------------------------------------------------ glorot / he / lecun

FAN_IN, FAN_OUT = BIG


@pytest.mark.parametrize(
    "cls, limit",
    [
        (initializers.GlorotUniform, math.sqrt(6.0 / (FAN_IN + FAN_OUT))),
        (initializers.HeUniform, math.sqrt(6.0 / FAN_IN)),
        (initializers.LecunUniform, math.sqrt(3.0 / FAN_IN)),
    ],
)
def test_uniform_family_limit_and_variance(cls, limit):
    values = numpy(cls(seed=10)(BIG))
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.99 * limit
    assert values.var() == pytest.approx(limit**2 / 3.0, rel=0.02)


@pytest.mark.parametrize(
    "cls, stddev",
    [
        (initializers.GlorotNormal, math.sqrt(2.0 / (FAN_IN + FAN_OUT))),
        (initializers.HeNormal, math.sqrt(2.0 / FAN_IN)),
        (initializers.LecunNormal, math.sqrt(1.0 / FAN_IN)),
    ],
)
def test_normal_family_stddev_and_truncation(cls, stddev):
    values = numpy(cls(seed=11)(BIG))
    assert values.std() == pytest.approx(stddev, rel=0.01)
    assert np.abs(values).max() <= 2.0 * stddev / TRUNCATED_STD * (1 + 1e-6)


@pytest.mark.parametrize(
    "cls, scale, mode, distribution",
    [
        (initializers.GlorotUniform, 1.0, "fan_avg", "uniform"),
        (initializers.GlorotNormal, 1.0, "fan_avg", "truncated_normal"),
        (initializers.HeUniform, 2.0, "fan_in", "uniform"),
        (initializers.HeNormal, 2.0, "fan_in", "truncated_normal"),
        (initializers.LecunUniform, 1.0, "fan_in", "uniform"),
        (initializers.LecunNormal, 1.0, "fan_in", "truncated_normal"),
    ],
)
def test_named_variance_scalings_have_keras_settings(cls, scale, mode, distribution):
    init = cls(seed=3)
    assert isinstance(init, initializers.VarianceScaling)
    assert (init.scale, init.mode, init.distribution) == (scale, mode, distribution)
    assert init.get_config() == {"seed": 3}


def test_named_variance_scaling_config_defaults_to_seed_none():
    assert initializers.GlorotUniform().get_config() == {"seed": None}


# ------------------------------------------------------------------ orthogonal


def test_orthogonal_tall_matrix_has_orthonormal_columns_times_gain():
    q = numpy(initializers.Orthogonal(gain=1.5, seed=12)((6, 4), dtype="float64"))
    np.testing.assert_allclose(q.T @ q, 1.5**2 * np.eye(4), atol=1e-12)


def test_orthogonal_wide_matrix_has_orthonormal_rows():
    q = numpy(initializers.Orthogonal(seed=13)((3, 7), dtype="float64"))
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-12)


def test_orthogonal_square_matrix_is_orthogonal_both_ways():
    q = numpy(initializers.Orthogonal(seed=14)((5, 5), dtype="float64"))
    np.testing.assert_allclose(q.T @ q, np.eye(5), atol=1e-12)
    np.testing.assert_allclose(q @ q.T, np.eye(5), atol=1e-12)


def test_orthogonal_conv_kernel_is_orthogonal_after_flattening():
    kernel = numpy(initializers.Orthogonal(seed=15)((3, 3, 4, 8), dtype="float64"))
    assert kernel.shape == (3, 3, 4, 8)
    flat = kernel.reshape(36, 8)
    np.testing.assert_allclose(flat.T @ flat, np.eye(8), atol=1e-12)


def test_orthogonal_is_qr_of_seeded_normal_with_sign_fix():
    draws = numpy(K.random_normal((6, 4), 0.0, 1.0, dtype="float64", seed=16))
    q, r = np.linalg.qr(draws)
    expected = q * np.sign(np.diag(r))
    actual = numpy(initializers.Orthogonal(seed=16)((6, 4), dtype="float64"))
    np.testing.assert_allclose(actual, expected, atol=1e-12)


def test_orthogonal_rejects_rank_one_shape_naming_shape():
    with pytest.raises(ValueError, match="shape"):
        initializers.Orthogonal()((5,))


def test_orthogonal_initializer_is_the_orthogonal_class():
    assert initializers.OrthogonalInitializer is initializers.Orthogonal


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(1, 12),
    columns=st.integers(1, 12),
    gain=st.floats(0.1, 3.0),
    seed=st.integers(0, 2**31),
)
def test_orthogonal_property_gram_matrix_is_gain_squared_identity(rows, columns, gain, seed):
    q = numpy(initializers.Orthogonal(gain=gain, seed=seed)((rows, columns), dtype="float64"))
    gram = q.T @ q if rows >= columns else q @ q.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(min(rows, columns)), atol=1e-10)


# -------------------------------------------------------------------- seeds


@pytest.mark.parametrize(
    "cls",
    SEEDED_CLASSES,
    ids=lambda cls: cls.__name__,
)
def test_seeded_initializer_repeats_bit_for_bit(cls):
    first = numpy(cls(seed=42)((8, 6)))
    np.testing.assert_array_equal(first, numpy(cls(seed=42)((8, 6))))
    init = cls(seed=42)
    np.testing.assert_array_equal(numpy(init((8, 6))), numpy(init((8, 6))))


def test_different_seeds_give_different_values():
    a = numpy(initializers.GlorotUniform(seed=1)((8, 6)))
    b = numpy(initializers.GlorotUniform(seed=2)((8, 6)))
    assert not np.array_equal(a, b)


def test_unseeded_draws_differ_between_calls():
    init = initializers.RandomNormal()
    assert not np.array_equal(numpy(init((8, 6))), numpy(init((8, 6))))


def test_unseeded_draws_repeat_after_set_random_seed():
    init = initializers.HeNormal()
    K.set_random_seed(123)
    first = numpy(init((8, 6)))
    K.set_random_seed(123)
    np.testing.assert_array_equal(first, numpy(init((8, 6))))


# -------------------------------------------------------------------- dtypes


def _instance(cls):
    return cls(seed=0) if cls in SEEDED_CLASSES else cls()


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_initializer_defaults_to_floatx(cls):
    assert K.dtype(_instance(cls)((4, 4))) == "float32"


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_initializer_returns_requested_dtype(cls):
    assert K.dtype(_instance(cls)((4, 4), dtype="float64")) == "float64"


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_initializer_follows_changed_floatx(cls, float64_default):
    assert K.dtype(_instance(cls)((4, 4))) == "float64"


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_initializer_returns_requested_shape(cls):
    assert K.int_shape(_instance(cls)([3, 5])) == (3, 5)


def test_orthogonal_float16_is_orthogonal_to_half_precision():
    q = numpy(initializers.Orthogonal(seed=17)((6, 4), dtype="float16")).astype("float64")
    assert K.dtype(initializers.Orthogonal(seed=17)((6, 4), dtype="float16")) == "float16"
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=3e-3)


# ----------------------------------------------------------- configs, clone


@pytest.mark.parametrize(
    "init",
    [
        initializers.Zeros(),
        initializers.Ones(),
        initializers.Constant(2.5),
        initializers.RandomNormal(0.5, 2.0, seed=1),
        initializers.RandomUniform(-1.0, 2.0, seed=2),
        initializers.TruncatedNormal(0.1, 0.3, seed=3),
        initializers.VarianceScaling(2.0, "fan_avg", "uniform", seed=4),
        initializers.GlorotUniform(seed=5),
        initializers.GlorotNormal(seed=6),
        initializers.HeUniform(seed=7),
        initializers.HeNormal(seed=8),
        initializers.LecunUniform(seed=9),
        initializers.LecunNormal(seed=10),
        initializers.Orthogonal(gain=2.0, seed=11),
        initializers.Identity(gain=3.0),
    ],
    ids=lambda init: type(init).__name__,
)
def test_serialize_deserialize_round_trip_gives_equal_values(init):
    config = initializers.serialize(init)
    assert config["class_name"] == type(init).__name__
    restored = initializers.deserialize(config)
    assert type(restored) is type(init)
    assert restored.get_config() == init.get_config()
    np.testing.assert_array_equal(numpy(restored((5, 5))), numpy(init((5, 5))))


def test_serialize_format_is_class_name_and_config():
    assert initializers.serialize(initializers.RandomUniform(seed=1)) == {
        "class_name": "RandomUniform",
        "config": {"seed": 1, "minval": -0.05, "maxval": 0.05},
    }


def test_variance_scaling_config_has_all_arguments():
    config = initializers.VarianceScaling(0.5, "fan_out", "untruncated_normal", 3).get_config()
    assert config == {
        "seed": 3,
        "scale": 0.5,
        "mode": "fan_out",
        "distribution": "untruncated_normal",
    }


def test_from_config_rebuilds_through_the_class():
    init = initializers.TruncatedNormal.from_config({"mean": 1.0, "stddev": 0.1, "seed": 3})
    assert (init.mean, init.stddev, init.seed) == (1.0, 0.1, 3)


def test_clone_is_a_new_equal_initializer():
    init = initializers.Orthogonal(gain=2.0, seed=4)
    copy = init.clone()
    assert copy is not init
    np.testing.assert_array_equal(numpy(copy((4, 4))), numpy(init((4, 4))))


@pytest.mark.parametrize("class_name", ["IdentityInitializer", "OrthogonalInitializer"])
def test_deserialize_reads_keras_legacy_class_names(class_name):
    init = initializers.deserialize({"class_name": class_name, "config": {"gain": 2.0}})
    assert init.gain == 2.0


def test_deserialize_reads_keras3_saved_format():
    config = {
        "module": "keras.initializers",
        "class_name": "HeUniform",
        "config": {"seed": 9},
        "registered_name": None,
    }
    init = initializers.deserialize(config)
    assert type(init) is initializers.HeUniform and init.seed == 9


def test_deserialize_unknown_class_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="Nonsense"):
        initializers.deserialize({"class_name": "Nonsense", "config": {}})


def test_deserialize_uses_custom_objects():
    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return K.full(shape, 2.0, dtype=dtype)

    init = initializers.deserialize(
        {"class_name": "Twos", "config": {}}, custom_objects={"Twos": Twos}
    )
    assert isinstance(init, Twos)


def test_serialize_registered_function_is_its_registered_name():
    assert initializers.serialize(halves) == "test_initializers>halves"
    assert initializers.get("test_initializers>halves") is halves


def test_serialize_unregistered_function_raises_asking_to_register():
    with pytest.raises(ValueError, match="register"):
        initializers.serialize(lambda shape, dtype=None: K.zeros(shape, dtype))


def test_serialize_none_is_none():
    assert initializers.serialize(None) is None


def test_base_initializer_call_is_not_implemented():
    with pytest.raises(NotImplementedError):
        initializers.Initializer()((2,))


# ------------------------------------------------------------------------ get


@pytest.mark.parametrize(
    "name, cls",
    [
        ("zeros", initializers.Zeros),
        ("ones", initializers.Ones),
        ("constant", initializers.Constant),
        ("random_normal", initializers.RandomNormal),
        ("random_uniform", initializers.RandomUniform),
        ("truncated_normal", initializers.TruncatedNormal),
        ("variance_scaling", initializers.VarianceScaling),
        ("glorot_uniform", initializers.GlorotUniform),
        ("glorot_normal", initializers.GlorotNormal),
        ("he_uniform", initializers.HeUniform),
        ("he_normal", initializers.HeNormal),
        ("lecun_uniform", initializers.LecunUniform),
        ("lecun_normal", initializers.LecunNormal),
        ("orthogonal", initializers.Orthogonal),
        ("identity", initializers.Identity),
        ("normal", initializers.RandomNormal),
        ("uniform", initializers.RandomUniform),
        ("one", initializers.Ones),
        ("zero", initializers.Zeros),
    ],
)
def test_get_snake_case_name_gives_instance(name, cls):
    init = initializers.get(name)
    assert type(init) is cls


@pytest.mark.parametrize("cls", ALL_CLASSES, ids=lambda cls: cls.__name__)
def test_get_class_name_gives_instance_with_defaults(cls):
    init = initializers.get(cls.__name__)
    assert type(init) is cls
    assert init.get_config() == cls().get_config()


def test_module_level_lowercase_aliases_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.he_normal is initializers.HeNormal
    assert initializers.zeros is initializers.Zeros


def test_get_none_is_none():
    assert initializers.get(None) is None


def test_get_dict_config():
    init = initializers.get({"class_name": "RandomNormal", "config": {"stddev": 2.0}})
    assert isinstance(init, initializers.RandomNormal) and init.stddev == 2.0


def test_get_instance_is_returned_unchanged():
    init = initializers.HeUniform(seed=1)
    assert initializers.get(init) is init


def test_get_class_is_instantiated():
    assert type(initializers.get(initializers.LecunNormal)) is initializers.LecunNormal


def test_get_function_is_returned_unchanged():
    assert initializers.get(halves) is halves


def test_get_array_returns_it_cast_for_the_same_shape():
    value = np.arange(6, dtype="float64").reshape(2, 3)
    init = initializers.get(value)
    result = init((2, 3), dtype="float32")
    assert K.dtype(result) == "float32"
    np.testing.assert_array_equal(numpy(result), value)


def test_get_array_rejects_another_shape():
    init = initializers.get(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape"):
        init((3, 2))


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="glorot_unifrom"):
        initializers.get("glorot_unifrom")


def test_get_uninterpretable_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="42"):
        initializers.get(42)
