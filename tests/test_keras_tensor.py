"""KerasTensor and Input (API.md section 3): attributes, history, operators, identity, masks."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine import KerasHistory, KerasTensor, OperatorLayer


class NonZeroMask(layers.Layer):
    """Identity whose mask marks the timesteps with any non-zero feature."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0), axis=-1)


def positive(shape, seed=0):
    return np.random.default_rng(seed).uniform(0.5, 2.0, shape).astype("float32")


# ----------------------------------------------------------------- Input


def test_input_shape_prepends_unknown_batch_dim():
    x = gk.Input(shape=(32,))
    assert x.shape == (None, 32)
    assert isinstance(x.shape, tuple)


def test_input_accepts_int_shape():
    assert gk.Input(shape=5).shape == (None, 5)


def test_input_batch_size_fixes_batch_dim():
    assert gk.Input(shape=(32,), batch_size=8).shape == (8, 32)


def test_input_batch_shape_is_taken_whole():
    assert gk.Input(batch_shape=(4, None, 3)).shape == (4, None, 3)


def test_input_keeps_unknown_inner_dims():
    assert gk.Input(shape=(None, 7)).shape == (None, None, 7)


def test_input_dtype_defaults_to_floatx_string():
    x = gk.Input(shape=(3,))
    assert x.dtype == "float32"
    assert isinstance(x.dtype, str)


def test_input_dtype_is_standardized_to_string():
    assert gk.Input(shape=(3,), dtype="int32").dtype == "int32"
    assert gk.Input(shape=(3,), dtype=np.float64).dtype == "float64"


def test_input_name_is_tensor_and_layer_name():
    x = gk.Input(shape=(3,), name="features")
    assert x.name == "features"
    assert x._keras_history.layer.name == "features"


def test_input_automatic_names_are_unique():
    first, second = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    assert first.name != second.name
    assert first._keras_history.layer.name == first.name


def test_input_returns_keras_tensor():
    x = gk.Input(shape=(3,))
    assert isinstance(x, KerasTensor)
    assert isinstance(x, gk.KerasTensor)
    assert K.is_keras_tensor(x)
    assert not K.is_keras_tensor(np.zeros((1, 3)))


# ------------------------------------------------------- shape, ndim, dtype


def test_ndim_is_rank_of_shape():
    assert gk.Input(shape=(3,)).ndim == 2
    assert gk.Input(shape=(4, 5, 6)).ndim == 4


def test_layer_output_has_inferred_shape_and_dtype():
    y = layers.Dense(7)(gk.Input(shape=(3,)))
    assert y.shape == (None, 7)
    assert y.dtype == "float32"
    assert y.ndim == 2


def test_int_shape_reads_keras_tensor_shape():
    assert K.int_shape(gk.Input(shape=(None, 4))) == (None, None, 4)


def test_layer_outputs_have_distinct_string_names():
    x = gk.Input(shape=(3,))
    y = layers.Dense(2)(x)
    z = layers.Dense(2)(x)
    assert isinstance(y.name, str) and isinstance(z.name, str)
    assert len({x.name, y.name, z.name}) == 3


# ----------------------------------------------------------------- history


def test_keras_history_is_named_triple():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    y = dense(x)
    history = y._keras_history
    assert isinstance(history, KerasHistory)
    assert isinstance(history, tuple)
    assert history.layer is dense
    assert history.node_index == 0
    assert history.tensor_index == 0
    assert tuple(history) == (dense, 0, 0)


def test_keras_history_points_at_tensor_in_node_outputs():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    dense(gk.Input(shape=(3,)))
    y = dense(x)
    layer, node_index, tensor_index = y._keras_history
    assert node_index == 1
    assert layer._inbound_nodes[node_index].output_tensors[tensor_index] is y


def test_keras_history_of_input_is_its_input_layer_node_zero():
    x = gk.Input(shape=(3,))
    layer, node_index, tensor_index = x._keras_history
    assert isinstance(layer, gk.engine.InputLayer)
    assert (node_index, tensor_index) == (0, 0)


def test_node_is_the_node_that_produced_the_tensor():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    y = dense(x)
    assert y.node is dense._inbound_nodes[0]
    assert y.node.outbound_layer is dense
    assert x.node is x._keras_history.layer._inbound_nodes[0]


def test_keras_history_tensor_index_counts_outputs_of_one_node():
    class Split(layers.Layer):
        def call(self, inputs):
            return [inputs[:, :1], inputs[:, 1:]]

    first, second = Split()(gk.Input(shape=(3,)))
    assert first._keras_history.tensor_index == 0
    assert second._keras_history.tensor_index == 1
    assert first.node is second.node
    assert (first.shape, second.shape) == ((None, 1), (None, 2))


# ------------------------------------------------------------------ repr


def test_repr_format_is_exact():
    x = gk.Input(shape=(32,), name="input_a")
    assert repr(x) == "<KerasTensor shape=(None, 32), dtype=float32, name=input_a>"


def test_repr_shows_layer_output_shape_and_dtype():
    x = gk.Input(shape=(4, 2), dtype="int32", name="ids")
    assert repr(x) == "<KerasTensor shape=(None, 4, 2), dtype=int32, name=ids>"


# ------------------------------------------------------------- identity


def test_equality_is_identity():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    assert (a == a) is True
    assert (a == b) is False
    assert (a != b) is True
    assert (a != a) is False


def test_comparisons_record_no_node():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    _ = a == b, a != b, a == a, hash(a)
    assert a._keras_history.layer._outbound_nodes == []
    assert b._keras_history.layer._outbound_nodes == []


def test_hash_is_stable_and_tensors_work_as_dict_keys():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    table = {a: "first", b: "second"}
    assert hash(a) == hash(a)
    assert table[a] == "first"
    assert table[b] == "second"
    assert len({a, b, a}) == 2


def test_tensors_of_equal_shape_are_distinct_dict_keys():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    y1, y2 = dense(x), dense(x)
    assert len({y1: 1, y2: 2}) == 2


def test_tensors_work_as_list_members():
    a, b, c = gk.Input(shape=(3,)), gk.Input(shape=(3,)), gk.Input(shape=(3,))
    members = [a, b]
    assert b in members
    assert c not in members
    assert members.index(b) == 1


# ---------------------------------------------------------------- operators
#
# Each case: (name, input shape, build(x) -> KerasTensor, numpy(x) -> array, operator).

WEIGHTS = np.arange(12, dtype="float32").reshape(4, 3) / 10.0
LEFT = np.arange(8, dtype="float32").reshape(2, 4) / 10.0
OFFSETS = np.arange(4, dtype="float32")

UNARY_CASES = [
    ("add", (4,), lambda x: x + 2.0, lambda x: x + 2.0, "add"),
    ("radd", (4,), lambda x: 2.0 + x, lambda x: 2.0 + x, "add"),
    ("add_array", (4,), lambda x: x + OFFSETS, lambda x: x + OFFSETS, "add"),
    ("radd_array", (4,), lambda x: OFFSETS + x, lambda x: OFFSETS + x, "add"),
    ("sub", (4,), lambda x: x - 1.5, lambda x: x - 1.5, "subtract"),
    ("rsub", (4,), lambda x: 1.5 - x, lambda x: 1.5 - x, "subtract"),
    ("mul", (4,), lambda x: x * 3.0, lambda x: x * 3.0, "multiply"),
    ("rmul", (4,), lambda x: 3.0 * x, lambda x: 3.0 * x, "multiply"),
    ("div", (4,), lambda x: x / 4.0, lambda x: x / 4.0, "divide"),
    ("rdiv", (4,), lambda x: 1.0 / x, lambda x: 1.0 / x, "divide"),
    ("matmul", (4,), lambda x: x @ WEIGHTS, lambda x: x @ WEIGHTS, "matmul"),
    ("rmatmul", (4, 4), lambda x: LEFT @ x, lambda x: LEFT @ x, "matmul"),
    ("pow", (4,), lambda x: x**2, lambda x: x**2, "power"),
    ("rpow", (4,), lambda x: 2.0**x, lambda x: 2.0**x, "power"),
    ("neg", (4,), lambda x: -x, lambda x: -x, "negative"),
    ("abs", (4,), lambda x: abs(x - 1.0), lambda x: np.abs(x - 1.0), "abs"),
    ("slice", (4,), lambda x: x[:, 1:3], lambda x: x[:, 1:3], "getitem"),
    ("index", (4,), lambda x: x[:, 0], lambda x: x[:, 0], "getitem"),
    ("step", (4,), lambda x: x[:, ::2], lambda x: x[:, ::2], "getitem"),
    ("ellipsis_newaxis", (4,), lambda x: x[..., None], lambda x: x[..., None], "getitem"),
    ("tuple_3d", (4, 4), lambda x: x[:, -1, 1:], lambda x: x[:, -1, 1:], "getitem"),
]
CASE_IDS = [case[0] for case in UNARY_CASES]


def build_case(shape, build):
    x = gk.Input(shape=shape)
    y = build(x)
    return x, y, gk.Model(x, y)


@pytest.mark.parametrize(
    ("shape", "build", "expected", "operator"),
    [case[1:] for case in UNARY_CASES],
    ids=CASE_IDS,
)
def test_operator_records_operator_layer_in_model_layers(shape, build, expected, operator):
    x, y, model = build_case(shape, build)
    op_layers = [layer for layer in model.layers if isinstance(layer, OperatorLayer)]
    assert [layer.operator for layer in op_layers][-1] == operator
    assert y._keras_history.layer is op_layers[-1]
    assert y.node.outbound_layer is op_layers[-1]


@pytest.mark.parametrize(
    ("shape", "build", "expected", "operator"),
    [case[1:] for case in UNARY_CASES],
    ids=CASE_IDS,
)
def test_operator_runs_through_backend_like_numpy(shape, build, expected, operator):
    x, y, model = build_case(shape, build)
    data = positive((3, *shape))
    result = model(data)
    np.testing.assert_allclose(result, expected(data), rtol=1e-6)
    assert y.shape == (None, *np.shape(expected(data))[1:])


@pytest.mark.parametrize(
    ("shape", "build", "expected", "operator"),
    [case[1:] for case in UNARY_CASES],
    ids=CASE_IDS,
)
def test_operator_round_trips_through_model_config(shape, build, expected, operator):
    x, y, model = build_case(shape, build)
    data = positive((3, *shape))
    rebuilt = gk.Model.from_config(model.get_config())
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    rebuilt_ops = [layer for layer in rebuilt.layers if isinstance(layer, OperatorLayer)]
    assert rebuilt_ops[-1].operator == operator
    np.testing.assert_allclose(rebuilt(data), model(data), rtol=1e-6)


def test_operator_layer_config_round_trips_alone():
    x = gk.Input(shape=(4,))
    layer = (x[:, 1::2] * OFFSETS[:2])._keras_history.layer
    config = layer.get_config()
    clone = OperatorLayer.from_config(config)
    assert clone.get_config() == config
    np.testing.assert_allclose(clone([np.ones((2, 2), "float32")]), [[0.0, 1.0], [0.0, 1.0]])


def test_binary_operator_on_two_tensors_records_both_inputs():
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(3,), name="b")
    total = a + b
    node = total.node
    assert node.inbound_layers == [a._keras_history.layer, b._keras_history.layer]
    assert node.input_tensors[0] is a and node.input_tensors[1] is b
    model = gk.Model([a, b], [total, a - b, a * b, a / b, a**b])
    left, right = positive((2, 3), 1), positive((2, 3), 2)
    results = model([left, right])
    for result, expected in zip(
        results, [left + right, left - right, left * right, left / right, left**right], strict=True
    ):
        np.testing.assert_allclose(result, expected, rtol=1e-5)


def test_matmul_of_two_tensors_infers_shape_and_computes():
    a = gk.Input(shape=(2, 3))
    b = gk.Input(shape=(3, 5))
    product = a @ b
    assert product.shape == (None, 2, 5)
    model = gk.Model([a, b], product)
    left, right = positive((4, 2, 3), 1), positive((4, 3, 5), 2)
    np.testing.assert_allclose(model([left, right]), left @ right, rtol=1e-5)


def test_operator_broadcasting_infers_shape():
    a = gk.Input(shape=(1, 3))
    b = gk.Input(shape=(4, 1))
    assert (a + b).shape == (None, 4, 3)
    assert (a * np.ones((2, 1, 1), "float32")).shape == (2, 1, 3)


def test_operator_keeps_unknown_dims_unknown():
    x = gk.Input(shape=(None, 3))
    assert (x * 2.0).shape == (None, None, 3)
    assert x[:, 1:].shape == (None, None, 3)


def test_chained_operators_compute_like_numpy():
    x = gk.Input(shape=(4,))
    y = -(abs((x + 1.0) * 2.0 - x / 3.0) ** 2)
    model = gk.Model(x, y[:, 1:])
    data = positive((3, 4))
    expected = (-(np.abs((data + 1.0) * 2.0 - data / 3.0) ** 2))[:, 1:]
    np.testing.assert_allclose(model(data), expected, rtol=1e-5)
    assert sum(isinstance(layer, OperatorLayer) for layer in model.layers) == 8


def test_operator_on_layer_output_mixes_with_layers():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2, kernel_initializer="ones")
    y = dense(x) * 0.5 + 1.0
    model = gk.Model(x, y)
    data = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(model(data), [[4.0, 4.0]])
    rebuilt = gk.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt(data), [[4.0, 4.0]])


def test_operator_dtype_follows_operands():
    x = gk.Input(shape=(3,), dtype="int32")
    assert (x + 1).dtype == "int32"
    assert (x / 2).dtype == "float32"
    assert (gk.Input(shape=(3,)) * 2).dtype == "float32"


def test_invalid_slice_key_raises_type_error_naming_it():
    x = gk.Input(shape=(3,))
    with pytest.raises(TypeError, match="'a'"):
        x[:, "a"]


def test_incompatible_broadcast_raises_value_error_naming_shapes():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(4,))
    with pytest.raises(ValueError, match=r"\(None, 3\).*\(None, 4\)"):
        a + b


# -------------------------------------------------------------------- mask


def test_keras_mask_is_none_without_masking():
    x = gk.Input(shape=(3,))
    assert x._keras_mask is None
    assert layers.Dense(2)(x)._keras_mask is None


def test_keras_mask_is_boolean_keras_tensor_after_masking_layer():
    x = gk.Input(shape=(5, 2))
    y = NonZeroMask()(x)
    mask = y._keras_mask
    assert isinstance(mask, KerasTensor)
    assert mask.dtype == "bool"
    assert mask.shape == (None, 5)


def test_keras_mask_follows_masking_through_passthrough_layer():
    x = gk.Input(shape=(5, 2))
    masked = NonZeroMask()(x)
    passed = layers.Activation("relu")(masked)
    assert passed._keras_mask is not None
    assert passed._keras_mask.shape == (None, 5)
    assert passed._keras_mask.dtype == "bool"
