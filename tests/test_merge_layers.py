"""Tests for the merge layers and their lowercase functional forms.

Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate and Dot:
values by hand, shapes symbolic and eager, masks, config round trips, and the
errors that name the layer, the argument and the shapes at fault.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype="float32")
B = np.array([[2.0, 2.0, -3.0], [1.5, -4.0, 0.0]], dtype="float32")
C = np.array([[0.0, 1.0, 1.0], [-2.0, 2.0, 5.0]], dtype="float32")


class NonZeroMask(layers.Layer):
    """Passes its input through with the mask ``any(x != 0, axis=-1)``."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0.0), axis=-1)


def numpy(value):
    return K.convert_to_numpy(value)


ELEMENTWISE = [
    ("add", layers.Add, layers.add, lambda xs: sum(xs)),
    ("multiply", layers.Multiply, layers.multiply, lambda xs: np.prod(xs, axis=0)),
    ("average", layers.Average, layers.average, lambda xs: np.mean(xs, axis=0)),
    ("maximum", layers.Maximum, layers.maximum, lambda xs: np.max(xs, axis=0)),
    ("minimum", layers.Minimum, layers.minimum, lambda xs: np.min(xs, axis=0)),
]
ELEMENTWISE_IDS = [case[0] for case in ELEMENTWISE]


# --------------------------------------------------------------- element-wise


@pytest.mark.parametrize(("_", "merge", "__", "reference"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_merge_of_two_inputs_matches_numpy(_, merge, __, reference):
    np.testing.assert_allclose(numpy(merge()([A, B])), reference([A, B]), rtol=1e-6)


@pytest.mark.parametrize(("_", "merge", "__", "reference"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_merge_of_three_inputs_matches_numpy(_, merge, __, reference):
    np.testing.assert_allclose(numpy(merge()([A, B, C])), reference([A, B, C]), rtol=1e-6)


def test_hand_computed_values_of_each_elementwise_merge():
    x = np.array([[1.0, 4.0]], dtype="float32")
    y = np.array([[3.0, -2.0]], dtype="float32")
    assert numpy(layers.Add()([x, y])).tolist() == [[4.0, 2.0]]
    assert numpy(layers.Subtract()([x, y])).tolist() == [[-2.0, 6.0]]
    assert numpy(layers.Multiply()([x, y])).tolist() == [[3.0, -8.0]]
    assert numpy(layers.Average()([x, y])).tolist() == [[2.0, 1.0]]
    assert numpy(layers.Maximum()([x, y])).tolist() == [[3.0, 4.0]]
    assert numpy(layers.Minimum()([x, y])).tolist() == [[1.0, -2.0]]


def test_subtract_takes_the_first_minus_the_second():
    np.testing.assert_allclose(numpy(layers.Subtract()([A, B])), A - B)


@pytest.mark.parametrize(("_", "merge", "__", "reference"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_merge_inside_a_model_matches_numpy(_, merge, __, reference):
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    model = gk.Model([a, b], merge()([a, b]))
    np.testing.assert_allclose(model([A, B]), reference([A, B]), rtol=1e-6)


@pytest.mark.parametrize(("_", "merge", "__", "___"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_merge_symbolic_and_eager_shapes_agree(_, merge, __, ___):
    layer = merge()
    assert layer([gk.Input(shape=(3,)), gk.Input(shape=(3,))]).shape == (None, 3)
    assert numpy(layer([A, B])).shape == (2, 3)
    assert layer.compute_output_shape([(None, 3), (None, 3)]) == (None, 3)


def test_merge_broadcasts_an_axis_of_size_one():
    x = np.ones((2, 3, 1), dtype="float32")
    y = np.arange(24, dtype="float32").reshape(2, 3, 4)
    layer = layers.Add()
    assert layer([gk.Input(shape=(3, 1)), gk.Input(shape=(3, 4))]).shape == (None, 3, 4)
    np.testing.assert_allclose(numpy(layer([x, y])), x + y)


def test_merge_layers_have_no_weights():
    for merge in [layers.Add(), layers.Subtract(), layers.Concatenate(), layers.Dot(axes=1)]:
        merge([gk.Input(shape=(3,)), gk.Input(shape=(3,))])
        assert merge.weights == []


# ----------------------------------------------------------------- functional


@pytest.mark.parametrize(("_", "merge", "function", "reference"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_lowercase_form_makes_one_named_layer(_, merge, function, reference):
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    output = function([a, b], name=f"my_{_}")
    layer = output._keras_history.layer
    assert type(layer) is merge
    assert layer.name == f"my_{_}"
    np.testing.assert_allclose(gk.Model([a, b], output)([A, B]), reference([A, B]), rtol=1e-6)


def test_lowercase_subtract_concatenate_and_dot_take_their_arguments():
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    difference = layers.subtract([a, b], name="difference")
    joined = layers.concatenate([a, b], axis=1, name="joined")
    similarity = layers.dot([a, b], axes=1, normalize=True, name="similarity")
    assert difference._keras_history.layer.name == "difference"
    assert joined._keras_history.layer.axis == 1
    assert similarity._keras_history.layer.normalize is True
    model = gk.Model([a, b], [difference, joined, similarity])
    got_difference, got_joined, got_similarity = model([A, B])
    np.testing.assert_allclose(got_difference, A - B)
    np.testing.assert_allclose(got_joined, np.concatenate([A, B], axis=1))
    cosine = (A * B).sum(1) / np.linalg.norm(A, axis=1) / np.linalg.norm(B, axis=1)
    np.testing.assert_allclose(got_similarity, cosine[:, None], rtol=1e-5)


# ---------------------------------------------------------------- Concatenate


def test_concatenate_joins_on_the_last_axis_by_default():
    np.testing.assert_array_equal(numpy(layers.Concatenate()([A, B, C])), np.hstack([A, B, C]))


def test_concatenate_on_axis_one():
    x = np.arange(12, dtype="float32").reshape(2, 2, 3)
    y = np.arange(18, dtype="float32").reshape(2, 3, 3)
    layer = layers.Concatenate(axis=1)
    np.testing.assert_array_equal(numpy(layer([x, y])), np.concatenate([x, y], axis=1))
    assert layer([gk.Input(shape=(2, 3)), gk.Input(shape=(3, 3))]).shape == (None, 5, 3)


def test_concatenate_with_an_unknown_dim_on_the_axis_is_unknown():
    output = layers.Concatenate(axis=1)([gk.Input(shape=(None, 3)), gk.Input(shape=(2, 3))])
    assert output.shape == (None, None, 3)


def test_concatenate_mismatched_other_dims_raise_naming_layer_and_shapes():
    with pytest.raises(ValueError, match=r"'cat'.*\(None, 2, 3\).*\(None, 4, 5\)"):
        layers.Concatenate(name="cat")([gk.Input(shape=(2, 3)), gk.Input(shape=(4, 5))])


def test_concatenate_of_different_ranks_raises():
    with pytest.raises(ValueError, match="rank"):
        layers.Concatenate()([gk.Input(shape=(2, 3)), gk.Input(shape=(3,))])


# ------------------------------------------------------------------------ Dot


def test_dot_of_vectors_gives_a_batch_of_one_column():
    layer = layers.Dot(axes=1)
    np.testing.assert_allclose(numpy(layer([A, B])), (A * B).sum(1, keepdims=True))
    assert layer([gk.Input(shape=(3,)), gk.Input(shape=(3,))]).shape == (None, 1)


def test_dot_hand_computed_value():
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    y = np.array([[4.0, -5.0, 6.0]], dtype="float32")
    assert numpy(layers.Dot(axes=1)([x, y])).tolist() == [[12.0]]


def test_dot_normalize_gives_the_cosine_similarity():
    x = np.array([[3.0, 4.0]], dtype="float32")
    y = np.array([[4.0, 3.0]], dtype="float32")
    np.testing.assert_allclose(numpy(layers.Dot(axes=1, normalize=True)([x, y])), [[24 / 25]])


def test_dot_with_an_axes_pair_contracts_those_axes():
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    y = np.arange(24, dtype="float32").reshape(2, 4, 3)
    layer = layers.Dot(axes=(1, 2))
    expected = np.einsum("bki,bjk->bij", x, y)
    np.testing.assert_allclose(numpy(layer([x, y])), expected)
    assert layer([gk.Input(shape=(3, 2)), gk.Input(shape=(4, 3))]).shape == (None, 2, 4)


def test_dot_with_negative_axis_contracts_the_last_axes():
    x = np.arange(12, dtype="float32").reshape(2, 2, 3)
    y = np.arange(24, dtype="float32").reshape(2, 4, 3)
    layer = layers.Dot(axes=-1)
    np.testing.assert_allclose(numpy(layer([x, y])), np.einsum("bik,bjk->bij", x, y))
    assert layer([gk.Input(shape=(2, 3)), gk.Input(shape=(4, 3))]).shape == (None, 2, 4)


def test_dot_normalize_along_an_axes_pair():
    x = np.arange(1, 13, dtype="float32").reshape(2, 3, 2)
    y = np.arange(1, 25, dtype="float32").reshape(2, 4, 3)
    x_unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    y_unit = y / np.linalg.norm(y, axis=2, keepdims=True)
    output = numpy(layers.Dot(axes=(1, 2), normalize=True)([x, y]))
    np.testing.assert_allclose(output, np.einsum("bki,bjk->bij", x_unit, y_unit), rtol=1e-5)


def test_dot_axes_mismatch_raises_naming_layer_axes_and_shapes():
    with pytest.raises(ValueError, match=r"'dotty'.*axes.*\(None, 3\).*\(None, 4\)"):
        layers.Dot(axes=1, name="dotty")([gk.Input(shape=(3,)), gk.Input(shape=(4,))])


def test_dot_pair_axes_mismatch_raises():
    with pytest.raises(ValueError, match="axes"):
        layers.Dot(axes=(1, 1))([gk.Input(shape=(3, 2)), gk.Input(shape=(4, 3))])


def test_dot_malformed_axes_raise_naming_axes():
    with pytest.raises(ValueError, match="axes="):
        layers.Dot(axes=(1, 2, 3))


def test_dot_over_the_batch_axis_raises():
    with pytest.raises(ValueError, match="batch"):
        layers.Dot(axes=0)([gk.Input(shape=(3,)), gk.Input(shape=(3,))])


def test_dot_takes_exactly_two_inputs():
    with pytest.raises(ValueError, match="exactly 2"):
        layers.Dot(axes=1)([gk.Input(shape=(3,))] * 3)


# ------------------------------------------------------------ argument errors


@pytest.mark.parametrize(("_", "merge", "__", "___"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_incompatible_shapes_raise_naming_layer_and_shapes(_, merge, __, ___):
    layer = merge(name=f"bad_{_}")
    with pytest.raises(ValueError, match=rf"bad_{_}.*\(None, 3\).*\(None, 4\)"):
        layer([gk.Input(shape=(3,)), gk.Input(shape=(4,))])


def test_subtract_with_three_inputs_raises():
    a = gk.Input(shape=(3,))
    with pytest.raises(ValueError, match="'sub'.*exactly 2.*3"):
        layers.Subtract(name="sub")([a, a, a])


def test_merge_of_a_single_input_in_a_list_raises():
    with pytest.raises(ValueError, match="at least 2"):
        layers.Add()([gk.Input(shape=(3,))])


def test_merge_of_a_bare_tensor_raises():
    with pytest.raises(ValueError, match="list"):
        layers.Add()(gk.Input(shape=(3,)))


def test_failed_merge_call_leaves_the_layer_usable():
    layer = layers.Add()
    with pytest.raises(ValueError):
        layer([gk.Input(shape=(3,)), gk.Input(shape=(4,))])
    assert layer.inbound_nodes == ()
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    np.testing.assert_allclose(gk.Model([a, b], layer([a, b]))([A, B]), A + B)


# ---------------------------------------------------------------------- masks


def masked_inputs(shape=(3, 2)):
    a, b = gk.Input(shape=shape), gk.Input(shape=shape)
    return (a, b), NonZeroMask()(a), NonZeroMask()(b)


# Steps with a non-zero feature: X at steps 0 and 2, Y at steps 1 and 2.
X = np.array([[[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]], dtype="float32")
Y = np.array([[[0.0, 0.0], [2.0, 0.0], [3.0, 0.0]]], dtype="float32")


@pytest.mark.parametrize(("_", "merge", "__", "___"), ELEMENTWISE, ids=ELEMENTWISE_IDS)
def test_elementwise_merge_combines_masks_with_logical_or(_, merge, __, ___):
    # Keras 3: a step is kept when any input keeps it.
    inputs, ma, mb = masked_inputs()
    output = merge()([ma, mb])
    assert output._keras_mask.shape == (None, 3)
    model = gk.Model(list(inputs), output)
    np.testing.assert_array_equal(numpy(model.compute_mask([X, Y])), [[True, True, True]])


def test_elementwise_merge_with_an_unmasked_input_has_no_mask():
    (a, b), ma, _ = masked_inputs()
    output = layers.Add()([ma, b])
    assert output._keras_mask is None
    model = gk.Model([a, b], output)
    assert model.compute_mask([X, Y]) is None


def test_merge_mask_is_none_without_input_masks():
    output = layers.Add()([gk.Input(shape=(3,)), gk.Input(shape=(3,))])
    assert output._keras_mask is None


def test_eager_merge_compute_mask_ors_the_given_masks():
    mask = layers.Maximum().compute_mask(
        [X, Y], [np.array([[True, False, False]]), np.array([[False, True, False]])]
    )
    np.testing.assert_array_equal(numpy(mask), [[True, True, False]])


def test_concatenate_on_the_time_axis_concatenates_the_masks():
    inputs, ma, mb = masked_inputs()
    output = layers.Concatenate(axis=1)([ma, mb])
    assert output._keras_mask.shape == (None, 6)
    model = gk.Model(list(inputs), output)
    expected = [[True, False, True, False, True, True]]
    np.testing.assert_array_equal(numpy(model.compute_mask([X, Y])), expected)


def test_concatenate_on_features_with_an_unmasked_input_keeps_every_step():
    # Keras 3: an unmasked input counts as all-true, and a step is kept when any entry is.
    a, b = gk.Input(shape=(3, 2)), gk.Input(shape=(3, 2))
    output = layers.Concatenate()([NonZeroMask()(a), b])
    model = gk.Model([a, b], output)
    np.testing.assert_array_equal(numpy(model.compute_mask([X, Y])), [[True, True, True]])


def test_concatenate_on_features_of_two_masked_inputs_keeps_steps_either_keeps():
    inputs, ma, mb = masked_inputs()
    model = gk.Model(list(inputs), layers.Concatenate()([ma, mb]))
    np.testing.assert_array_equal(numpy(model.compute_mask([X, Y])), [[True, True, True]])
    lone = np.zeros_like(Y)
    np.testing.assert_array_equal(numpy(model.compute_mask([X, lone])), [[True, False, True]])


def test_dot_supports_masking_and_gives_no_mask():
    # Keras 3: Dot accepts masked inputs (supports_masking) and its compute_mask is None.
    (a, b), ma, mb = masked_inputs()
    layer = layers.Dot(axes=-1)
    assert layer.supports_masking is True
    output = layer([ma, mb])
    assert output._keras_mask is None
    model = gk.Model([a, b], output)
    assert model.compute_mask([X, Y]) is None
    np.testing.assert_allclose(model([X, Y]), np.einsum("btf,bsf->bts", X, Y), rtol=1e-6)
    assert layer.compute_mask([X, Y], [np.ones((1, 3), bool), np.ones((1, 3), bool)]) is None


def test_functional_dot_contracts_the_last_axes_by_default():
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    y = np.array([[4.0, -1.0, 2.0]], dtype="float32")
    assert numpy(layers.dot([x, y])).tolist() == [[8.0]]


# ------------------------------------------------------ masked values (Keras 3)


class MaskedBy(layers.Layer):
    """``[values, flags]`` -> ``values``, masked where ``flags`` is 0."""

    def call(self, inputs):
        return inputs[0]

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def compute_mask(self, inputs, mask=None):
        return K.not_equal(inputs[1], 0.0)


# One sample of three steps and two features; P is masked at step 1, Q at
# steps 1 and 2, so step 1 is masked in both. Small integers throughout, so
# maxima, minima, sums and products are exact in float32 and compared exactly.
P = np.array([[[-1.0, -5.0], [7.0, 8.0], [-2.0, 6.0]]], dtype="float32")
Q = np.array([[[-3.0, 4.0], [9.0, -9.0], [-4.0, -4.0]]], dtype="float32")
P_KEEP = np.array([[1.0, 0.0, 1.0]], dtype="float32")
Q_KEEP = np.array([[1.0, 0.0, 0.0]], dtype="float32")

MASKED_VALUES = [
    # Masked positions skipped; where both are masked, the first input's value.
    ("maximum", layers.Maximum, [[[-1.0, 4.0], [7.0, 8.0], [-2.0, 6.0]]]),
    ("minimum", layers.Minimum, [[[-3.0, -5.0], [7.0, 8.0], [-2.0, 6.0]]]),
    # Masked positions count as 1; where both are masked, 0.
    ("multiply", layers.Multiply, [[[3.0, -20.0], [0.0, 0.0], [-2.0, 6.0]]]),
    # Masks do not change the values of these three.
    ("add", layers.Add, P + Q),
    ("subtract", layers.Subtract, P - Q),
    ("average", layers.Average, (P + Q) / 2),
]


def masked_pair_model(merge):
    values = [gk.Input(shape=(3, 2)), gk.Input(shape=(3, 2))]
    flags = [gk.Input(shape=(3,)), gk.Input(shape=(3,))]
    masked = [MaskedBy()([v, f]) for v, f in zip(values, flags, strict=True)]
    return gk.Model(values + flags, merge()(masked))


@pytest.mark.parametrize(
    ("merge", "expected"), [c[1:] for c in MASKED_VALUES], ids=[c[0] for c in MASKED_VALUES]
)
def test_elementwise_merge_values_at_masked_positions_follow_keras_3(merge, expected):
    model = masked_pair_model(merge)
    np.testing.assert_array_equal(model.predict([P, Q, P_KEEP, Q_KEEP]), expected)
    np.testing.assert_array_equal(
        numpy(model.compute_mask([P, Q, P_KEEP, Q_KEEP])), [[True, False, True]]
    )


def test_maximum_with_one_unmasked_input_skips_only_the_masked_positions():
    value, flags, other = gk.Input(shape=(3, 2)), gk.Input(shape=(3,)), gk.Input(shape=(3, 2))
    output = layers.Maximum()([MaskedBy()([value, flags]), other])
    model = gk.Model([value, flags, other], output)
    # P masked at step 1 takes Q's values there; elsewhere the element-wise maximum.
    expected = [[[-1.0, 4.0], [9.0, -9.0], [-2.0, 6.0]]]
    np.testing.assert_array_equal(model.predict([P, P_KEEP, Q]), expected)
    assert model.compute_mask([P, P_KEEP, Q]) is None


def test_multiply_with_one_unmasked_input_does_not_zero_masked_positions():
    value, flags, other = gk.Input(shape=(3, 2)), gk.Input(shape=(3,)), gk.Input(shape=(3, 2))
    model = gk.Model([value, flags, other], layers.Multiply()([MaskedBy()([value, flags]), other]))
    expected = [[[3.0, -20.0], [9.0, -9.0], [8.0, -24.0]]]
    np.testing.assert_array_equal(model.predict([P, P_KEEP, Q]), expected)


def test_masked_merge_of_a_lower_rank_input_ignores_that_inputs_mask():
    # Keras 3 reshapes a lower-rank input before merging; the reshaped tensor has no mask.
    wide, narrow, flags = gk.Input(shape=(3, 2)), gk.Input(shape=(2,)), gk.Input(shape=(1,))
    output = layers.Maximum()([wide, MaskedBy()([narrow, flags])])
    model = gk.Model([wide, narrow, flags], output)
    low = np.array([[-10.0, 10.0]], dtype="float32")
    np.testing.assert_array_equal(
        model.predict([P, low, np.zeros((1, 1), "float32")]), np.maximum(P, low[:, None])
    )


def reference_masked_merge(name: str, values: list, keeps: list) -> np.ndarray:
    """Keras 3's rule per position: reduce the kept values (an absent mask keeps all)."""
    stacked = np.stack(values)
    kept = np.stack(
        [
            np.ones(v.shape[:-1], bool) if k is None else k
            for v, k in zip(values, keeps, strict=True)
        ]
    )[..., None].repeat(stacked.shape[-1], axis=-1)
    if name == "multiply":
        product = np.prod(np.where(kept, stacked, 1.0), axis=0)
        return np.where(kept.any(axis=0), product, 0.0)
    fill = -np.inf if name == "maximum" else np.inf
    reduce = np.max if name == "maximum" else np.min
    extreme = reduce(np.where(kept, stacked, fill), axis=0)
    return np.where(kept.any(axis=0), extreme, values[0])


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["maximum", "minimum", "multiply"]),
    count=st.integers(2, 3),
    seed=st.integers(0, 2**16),
    absent=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_masked_elementwise_merge_matches_a_per_position_reference(name, count, seed, absent):
    rng = np.random.default_rng(seed)
    values = [rng.integers(-5, 6, size=(2, 4, 3)).astype("float32") for _ in range(count)]
    keeps = [None if absent[i] else rng.random((2, 4)) < 0.5 for i in range(count)]
    layer = {"maximum": layers.Maximum, "minimum": layers.Minimum}.get(name, layers.Multiply)()
    output = numpy(layer(values, mask=keeps))
    np.testing.assert_array_equal(output, reference_masked_merge(name, values, keeps))


def test_merge_given_one_mask_for_a_list_of_inputs_names_the_layer():
    with pytest.raises(ValueError, match=r"Maximum layer 'maxi'.*list of masks.*received one"):
        layers.Maximum(name="maxi")([P, Q], mask=np.ones((1, 3), bool))


def test_mask_reaches_past_a_merge_into_a_dense():
    inputs, ma, mb = masked_inputs()
    model = gk.Model(list(inputs), layers.Dense(4)(layers.Add()([ma, mb])))
    lone = np.zeros_like(Y)
    np.testing.assert_array_equal(numpy(model.compute_mask([X, lone])), [[True, False, True]])


# --------------------------------------------------------------------- config

CONFIG_CASES = [
    ("add", lambda: layers.Add(name="plus")),
    ("subtract", lambda: layers.Subtract()),
    ("multiply", lambda: layers.Multiply()),
    ("average", lambda: layers.Average()),
    ("maximum", lambda: layers.Maximum()),
    ("minimum", lambda: layers.Minimum(trainable=False)),
    ("concatenate", lambda: layers.Concatenate(axis=1)),
    ("dot_int", lambda: layers.Dot(axes=-1)),
    ("dot_pair", lambda: layers.Dot(axes=(1, 2), normalize=True)),
]


@pytest.mark.parametrize("make", [c[1] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_from_config_of_get_config_gives_the_same_config(make):
    layer = make()
    config = layer.get_config()
    rebuilt = type(layer).from_config(config)
    assert type(rebuilt) is type(layer)
    assert rebuilt.get_config() == config


def test_config_holds_concatenate_axis_and_dot_arguments():
    assert layers.Concatenate(axis=1).get_config()["axis"] == 1
    config = layers.Dot(axes=(1, 2), normalize=True).get_config()
    assert config["axes"] == [1, 2]
    assert config["normalize"] is True


def test_rebuilt_dot_computes_the_same_values():
    layer = layers.Dot(axes=(1, 2), normalize=True)
    x = np.arange(1, 13, dtype="float32").reshape(2, 3, 2)
    y = np.arange(1, 25, dtype="float32").reshape(2, 4, 3)
    rebuilt = layers.deserialize(layers.serialize(layer))
    np.testing.assert_allclose(numpy(rebuilt([x, y])), numpy(layer([x, y])), rtol=1e-6, atol=1e-7)


def test_model_of_every_merge_round_trips_through_json():
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    outputs = [
        layers.add([a, b]),
        layers.subtract([a, b]),
        layers.multiply([a, b]),
        layers.average([a, b]),
        layers.maximum([a, b]),
        layers.minimum([a, b]),
        layers.concatenate([a, b]),
        layers.dot([a, b], axes=1, normalize=True),
    ]
    model = gk.Model([a, b], outputs)
    rebuilt = gk.models.model_from_json(model.to_json())
    for got, want in zip(rebuilt([A, B]), model([A, B]), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("merge", [layers.Add, layers.Multiply, layers.Maximum, layers.Average])
def test_a_lower_rank_input_broadcasts_after_the_batch_axis_as_its_shape_promises(merge):
    sequence, vector = gk.Input((4, 5)), gk.Input((5,))
    merged = merge()([sequence, vector])
    assert merged.shape == (None, 4, 5)
    model = gk.Model([sequence, vector], merged)
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2, 4, 5)).astype("float32"), rng.normal(size=(2, 5)).astype("float32")
    expected = {
        layers.Add: x + y[:, None],
        layers.Multiply: x * y[:, None],
        layers.Maximum: np.maximum(x, y[:, None]),
        layers.Average: (x + y[:, None]) / 2,
    }[merge]
    np.testing.assert_allclose(model.predict([x, y], verbose=0), expected, rtol=1e-6, atol=1e-7)
