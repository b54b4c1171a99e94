"""Tests for the functional Network / Model (API.md section 5).

Structure in and out, calling conventions, depths and layer order as in
Keras 2.2.4, the model's own nodes, nesting, predict, shapes and masks,
get_layer, weights, the training flag, the release of intermediate arrays,
and a 10,000-layer chain. Every value is checked against NumPy computed by
hand from ``layer.get_weights()``.
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

# Tests whose JAX half is left out for time (numpy runs them): name -> why.
_LONG_CHAIN = (
    "10,000 Dense layers: creating their weights op by op takes about two minutes on JAX, "
    "and JAX compiles model(x) into one XLA program whose compile time grows faster than "
    "the graph (300 layers 11 s, 1,000 layers 60 s); the graph code it checks is the same "
    "on every backend"
)
JAX_HALF_LEFT_OUT = {
    "test_long_chain_maps_every_layer_by_depth": _LONG_CHAIN,
    "test_long_chain_runs_without_recursion_error": _LONG_CHAIN,
    "test_long_chain_nests_and_runs_symbolically": _LONG_CHAIN,
}


@pytest.fixture(autouse=True)
def jax_half_left_out(request, backend):
    reason = JAX_HALF_LEFT_OUT.get(request.node.originalname)
    if reason is not None and backend == "jax":
        pytest.skip(f"JAX half left out for time: {reason}")


# A Dense output against dense_np: float32 sums taken in another order (XLA's dot
# against numpy's) differ by a few ulps of the terms, which near zero is an
# absolute error, not a relative one.
DENSE_TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def dense_np(layer, x):
    """What a linear Dense layer computes, from its weights."""
    kernel, bias = layer.get_weights()
    return np.asarray(x, dtype="float32") @ kernel + bias


def data(rows: int, cols: int, seed: int = 0):
    return np.random.default_rng(seed).normal(size=(rows, cols)).astype("float32")


def node_names(nodes) -> list:
    return [(node.outbound_layer.name, node.node_index) for node in nodes]


# ------------------------------------------------------- structure in and out


def test_single_tensor_model_returns_a_bare_array():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    model = gk.Model(x, dense(x))
    values = data(4, 3)
    result = model(values)
    assert K.is_tensor(result)
    np.testing.assert_allclose(result, dense_np(dense, values), **DENSE_TOLERANCE)


def test_list_built_model_returns_a_list_in_output_order():
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(2,), name="b")
    da, db = layers.Dense(2, name="da"), layers.Dense(4, name="db")
    model = gk.Model([a, b], [db(b), da(a)])
    va, vb = data(5, 3), data(5, 2, seed=1)
    result = model([va, vb])
    assert isinstance(result, list) and len(result) == 2
    np.testing.assert_allclose(result[0], dense_np(db, vb), **DENSE_TOLERANCE)
    np.testing.assert_allclose(result[1], dense_np(da, va), **DENSE_TOLERANCE)


def test_tuple_built_model_returns_a_tuple():
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(3,), name="b")
    dense = layers.Dense(2, name="d")
    model = gk.Model((a, b), (dense(a), layers.add([a, b])))
    va, vb = data(2, 3), data(2, 3, seed=1)
    result = model((va, vb))
    assert isinstance(result, tuple) and len(result) == 2
    np.testing.assert_allclose(result[0], dense_np(dense, va), **DENSE_TOLERANCE)
    np.testing.assert_allclose(result[1], va + vb, rtol=1e-6)


def test_dict_built_model_returns_a_dict_keyed_like_outputs():
    x = gk.Input(shape=(3,), name="x")
    d1, d2 = layers.Dense(2, name="d1"), layers.Dense(1, name="d2")
    model = gk.Model(x, {"score": d2(x), "embedding": d1(x)})
    values = data(4, 3)
    result = model(values)
    assert isinstance(result, dict) and set(result) == {"score", "embedding"}
    np.testing.assert_allclose(result["score"], dense_np(d2, values), **DENSE_TOLERANCE)
    np.testing.assert_allclose(result["embedding"], dense_np(d1, values), **DENSE_TOLERANCE)


def test_dict_built_model_takes_inputs_by_its_dict_keys():
    left = gk.Input(shape=(2,), name="left_input")
    right = gk.Input(shape=(2,), name="right_input")
    model = gk.Model({"l": left, "r": right}, layers.subtract([left, right]))
    vl, vr = data(3, 2), data(3, 2, seed=1)
    np.testing.assert_allclose(model({"l": vl, "r": vr}), vl - vr, rtol=1e-6)
    np.testing.assert_allclose(model({"r": vr, "l": vl}), vl - vr, rtol=1e-6)


def test_dict_built_model_input_and_output_names_are_the_keys():
    left = gk.Input(shape=(2,), name="left_input")
    right = gk.Input(shape=(2,), name="right_input")
    model = gk.Model({"l": left, "r": right}, {"diff": layers.subtract([left, right])})
    assert model.input_names == ["l", "r"]
    assert model.output_names == ["diff"]


def test_list_built_model_takes_a_dict_keyed_by_input_layer_name():
    a = gk.Input(shape=(2,), name="first")
    b = gk.Input(shape=(2,), name="second")
    model = gk.Model([a, b], layers.subtract([a, b]))
    va, vb = data(3, 2), data(3, 2, seed=1)
    np.testing.assert_allclose(model({"second": vb, "first": va}), va - vb, rtol=1e-6)
    np.testing.assert_allclose(model([va, vb]), va - vb, rtol=1e-6)


def test_input_and_output_names_are_layer_names():
    a = gk.Input(shape=(2,), name="first")
    b = gk.Input(shape=(2,), name="second")
    out = layers.Dense(1, name="head")(layers.concatenate([a, b], name="joined"))
    model = gk.Model([a, b], [out, b])
    assert model.input_names == ["first", "second"]
    assert model.output_names == ["head", "second"]


def test_single_input_model_accepts_a_one_element_list():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    model = gk.Model([x], dense(x))
    values = data(4, 3)
    np.testing.assert_allclose(model([values]), dense_np(dense, values), **DENSE_TOLERANCE)
    np.testing.assert_allclose(model(values), dense_np(dense, values), **DENSE_TOLERANCE)


def test_one_element_outputs_list_returns_a_bare_array():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    y = dense(x)
    model = gk.Model([x], [y])
    values = data(4, 3)
    result = model(values)
    assert K.is_tensor(result)
    np.testing.assert_allclose(result, dense_np(dense, values), **DENSE_TOLERANCE)
    assert isinstance(model.outputs, list) and model.outputs[0] is y
    assert isinstance(model.inputs, list) and model.inputs[0] is x


def test_one_element_outputs_list_returns_a_bare_tensor_symbolically():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model([x], [layers.Dense(2, name="d")(x)])
    result = model(gk.Input(shape=(3,)))
    assert gk.backend.is_keras_tensor(result)
    assert result.shape == (None, 2)


def test_symbolic_call_keeps_the_output_structure():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, {"a": layers.Dense(2, name="a")(x), "b": layers.Dense(5, name="b")(x)})
    result = model(gk.Input(shape=(3,)))
    assert isinstance(result, dict)
    assert result["a"].shape == (None, 2)
    assert result["b"].shape == (None, 5)


def test_redundant_outputs_are_allowed_and_both_computed():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    y = dense(x)
    model = gk.Model(x, [y, y, x])
    values = data(4, 3)
    first, second, third = model(values)
    np.testing.assert_allclose(first, dense_np(dense, values), **DENSE_TOLERANCE)
    np.testing.assert_allclose(second, first)
    np.testing.assert_allclose(third, values)
    assert model.output_names == ["d", "d", "x"]


def test_redundant_outputs_called_symbolically_give_two_usable_tensors():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    y = dense(x)
    model = gk.Model(x, [y, y], name="twice")
    z = gk.Input(shape=(3,), name="z")
    first, second = model(z)
    outer = gk.Model(z, layers.subtract([first, second], name="diff"))
    values = data(3, 3)
    np.testing.assert_allclose(outer(values), np.zeros((3, 2)), atol=1e-7)


# ------------------------------------------------------------------- depths


def test_chain_depths_count_from_the_output():
    x = gk.Input(shape=(2,), name="x")
    a = layers.Dense(2, name="a")
    b = layers.Dense(2, name="b")
    model = gk.Model(x, b(a(x)))
    assert {d: node_names(n) for d, n in model._nodes_by_depth.items()} == {
        0: [("b", 0)],
        1: [("a", 0)],
        2: [("x", 0)],
    }
    assert {d: [layer.name for layer in ls] for d, ls in model._layers_by_depth.items()} == {
        0: ["b"],
        1: ["a"],
        2: ["x"],
    }


def test_branch_depth_is_one_more_than_its_deepest_consumer():
    # x -> a -> b -> concat ; x -> c -> concat: x's node sits below the longest branch.
    x = gk.Input(shape=(2,), name="x")
    a, b, c = (layers.Dense(2, name=name) for name in "abc")
    out = layers.concatenate([b(a(x)), c(x)], name="cat")
    model = gk.Model(x, out)
    depths = {d: sorted(node_names(n)) for d, n in model._nodes_by_depth.items()}
    assert depths == {
        0: [("cat", 0)],
        1: [("b", 0), ("c", 0)],
        2: [("a", 0)],
        3: [("x", 0)],
    }
    assert [layer.name for layer in model.layers] == ["x", "a", "b", "c", "cat"]


def test_shared_layer_at_two_depths_takes_the_deeper_one():
    # s is used twice in one chain: x -> s -> m -> s.
    x = gk.Input(shape=(2,), name="x")
    s = layers.Dense(2, name="s")
    m = layers.Dense(2, name="m")
    model = gk.Model(x, s(m(s(x))))
    assert {d: node_names(n) for d, n in model._nodes_by_depth.items()} == {
        0: [("s", 1)],
        1: [("m", 0)],
        2: [("s", 0)],
        3: [("x", 0)],
    }
    # The layer's depth is that of its deepest node; depth 0 holds no layer.
    assert {d: [layer.name for layer in ls] for d, ls in model._layers_by_depth.items()} == {
        3: ["x"],
        2: ["s"],
        1: ["m"],
    }
    assert [layer.name for layer in model.layers] == ["x", "s", "m"]


def test_shared_layer_node_is_never_placed_shallower_than_its_deepest_node():
    # Worked through Keras 2.2.4's algorithm by hand. Nodes, consumers first:
    # e[0] (depth 0) -> s[0] (1) -> s[1]: its consumers say 0, but s already
    # reached depth 1, so s[1] is placed at 1 -> c[0] at 2 -> x at 3.
    x = gk.Input(shape=(2,), name="x")
    s = layers.Dense(2, name="s")
    c = layers.Dense(2, name="c")
    e = layers.Dense(2, name="e")
    second_output = e(s(x))
    first_output = s(c(x))
    model = gk.Model(x, [first_output, second_output])
    assert {d: sorted(node_names(n)) for d, n in model._nodes_by_depth.items()} == {
        0: [("e", 0)],
        1: [("s", 0), ("s", 1)],
        2: [("c", 0)],
        3: [("x", 0)],
    }
    assert {d: [layer.name for layer in ls] for d, ls in model._layers_by_depth.items()} == {
        3: ["x"],
        2: ["c"],
        1: ["s"],
        0: ["e"],
    }
    assert [layer.name for layer in model.layers] == ["x", "c", "s", "e"]


def test_shared_layer_model_computes_each_node_with_the_same_weights():
    x = gk.Input(shape=(2,), name="x")
    s = layers.Dense(2, name="s")
    c = layers.Dense(2, name="c")
    e = layers.Dense(2, name="e")
    second_output = e(s(x))
    first_output = s(c(x))
    model = gk.Model(x, [first_output, second_output])
    values = data(3, 2)
    first, second = model(values)
    np.testing.assert_allclose(first, dense_np(s, dense_np(c, values)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second, dense_np(e, dense_np(s, values)), rtol=1e-5, atol=1e-6)


def test_layers_at_equal_depth_are_ordered_by_the_walk_from_the_outputs():
    late_first = layers.Dense(2, name="created_first")
    late_second = layers.Dense(2, name="created_second")
    x = gk.Input(shape=(2,), name="x")
    # The walk back from "cat" meets created_second first (Keras 3.15 gives this order).
    out = layers.concatenate([late_second(x), late_first(x)], name="cat")
    model = gk.Model(x, out)
    assert [layer.name for layer in model.layers] == ["x", "created_second", "created_first", "cat"]
    assert [layer.name for layer in model._layers_by_depth[1]] == [
        "created_second",
        "created_first",
    ]


def test_an_unused_input_comes_first_among_the_layers_of_depth_zero():
    x = gk.Input(shape=(2,), name="x")
    unused = gk.Input(shape=(2,), name="unused")
    branches = [layers.Dense(2, name="b")(x), layers.Dense(2, name="a")(x)]
    out = layers.concatenate(branches, name="cat")
    model = gk.Model([x, unused], out)
    # As Keras 3.15 orders the same model.
    assert [layer.name for layer in model.layers] == ["x", "b", "a", "unused", "cat"]


def test_layers_are_ordered_by_decreasing_depth():
    x = gk.Input(shape=(2,), name="x")
    head = layers.Dense(2, name="head")  # created first, but deepest in the graph: last
    body = layers.Dense(2, name="body")
    model = gk.Model(x, head(body(x)))
    assert [layer.name for layer in model.layers] == ["x", "body", "head"]


def test_input_layers_and_output_layers():
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    dense = layers.Dense(2, name="d")
    model = gk.Model([a, b], [dense(a), b])
    assert [layer.name for layer in model._input_layers] == ["a", "b"]
    assert [layer.name for layer in model._output_layers] == ["d", "b"]


# ------------------------------------------------------------ the model's nodes


def test_model_holds_node_zero_linking_its_inputs_to_its_outputs():
    x = gk.Input(shape=(3,), name="x")
    y = layers.Dense(2, name="d")(x)
    model = gk.Model(x, y)
    node = model._inbound_nodes[0]
    assert len(model._inbound_nodes) == 1
    assert node.inbound_layers == []
    assert node.input_tensors == model.inputs
    assert node.output_tensors == model.outputs
    assert node.outbound_layer is model
    assert node.arguments == {}
    assert model.get_output_at(0) is model.outputs[0]
    assert model.get_input_at(0) is model.inputs[0]


def test_each_symbolic_call_adds_the_next_node():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    first_input = gk.Input(shape=(3,), name="u")
    second_input = gk.Input(shape=(3,), name="v")
    first = model(first_input)
    second = model(second_input)
    assert len(model._inbound_nodes) == 3
    assert model.get_output_at(1) is first
    assert model.get_output_at(2) is second
    assert model._inbound_nodes[1].inbound_layers == [first_input._keras_history.layer]
    assert model._inbound_nodes[2].input_tensors == [second_input]
    assert tuple(first._keras_history) == (model, 1, 0)
    assert tuple(second._keras_history) == (model, 2, 0)


def test_arrays_calls_record_no_node():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    model(data(2, 3))
    assert len(model._inbound_nodes) == 1


def test_multi_output_model_call_indexes_its_output_tensors():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, [layers.Dense(2, name="d")(x), layers.Dense(4, name="e")(x)])
    first, second = model(gk.Input(shape=(3,)))
    assert tuple(first._keras_history) == (model, 1, 0)
    assert tuple(second._keras_history) == (model, 1, 1)
    assert second.shape == (None, 4)


# ------------------------------------------------------------------ nesting


def test_nested_model_called_twice_shares_its_weights():
    inner_x = gk.Input(shape=(3,), name="inner_x")
    inner_dense = layers.Dense(2, name="inner_dense")
    inner = gk.Model(inner_x, inner_dense(inner_x), name="inner")
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(3,), name="b")
    out = layers.add([inner(a), inner(b)], name="sum")
    outer = gk.Model([a, b], out, name="outer")
    va, vb = data(4, 3), data(4, 3, seed=1)
    expected = dense_np(inner_dense, va) + dense_np(inner_dense, vb)
    np.testing.assert_allclose(outer([va, vb]), expected, rtol=1e-5)
    assert [layer.name for layer in outer.layers] == ["a", "b", "inner", "sum"]
    assert len(inner._inbound_nodes) == 3
    assert len(outer.weights) == 2


def test_nested_model_inside_a_nested_model():
    x0 = gk.Input(shape=(3,), name="x0")
    d0 = layers.Dense(4, name="d0")
    level0 = gk.Model(x0, d0(x0), name="level0")
    x1 = gk.Input(shape=(3,), name="x1")
    d1 = layers.Dense(2, name="d1")
    level1 = gk.Model(x1, d1(level0(x1)), name="level1")
    x2 = gk.Input(shape=(3,), name="x2")
    d2 = layers.Dense(1, name="d2")
    level2 = gk.Model(x2, d2(level1(x2)), name="level2")
    values = data(5, 3)
    expected = dense_np(d2, dense_np(d1, dense_np(d0, values)))
    np.testing.assert_allclose(level2(values), expected, rtol=1e-5)
    assert [layer.name for layer in level2.layers] == ["x2", "level1", "d2"]
    assert level2.count_params() == (3 * 4 + 4) + (4 * 2 + 2) + (2 * 1 + 1)


def test_nested_model_with_two_inputs_and_outputs():
    p = gk.Input(shape=(2,), name="p")
    q = gk.Input(shape=(2,), name="q")
    dense = layers.Dense(3, name="d")
    inner = gk.Model([p, q], [dense(p), layers.multiply([p, q], name="prod")], name="inner")
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    first, second = inner([a, b])
    outer = gk.Model([a, b], layers.concatenate([first, second], name="cat"))
    va, vb = data(3, 2), data(3, 2, seed=1)
    expected = np.concatenate([dense_np(dense, va), va * vb], axis=-1)
    np.testing.assert_allclose(outer([va, vb]), expected, rtol=1e-5)
    assert outer.output_shape == (None, 5)


# ------------------------------------------------------------------ predict


@pytest.mark.parametrize("rows, batch_size", [(10, 3), (7, 32), (1, 4), (9, 9)])
def test_predict_matches_call_whatever_the_batch_split(rows, batch_size):
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, activation="relu", name="d")
    model = gk.Model(x, dense(x))
    values = data(rows, 3)
    predicted = model.predict(values, batch_size=batch_size, verbose=0)
    assert predicted.shape == (rows, 2)
    np.testing.assert_allclose(predicted, model(values), rtol=1e-6)
    np.testing.assert_allclose(
        predicted, np.maximum(dense_np(dense, values), 0), rtol=1e-5, atol=1e-6
    )


def test_predict_keeps_multi_input_dict_output_structure():
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    dense = layers.Dense(1, name="d")
    model = gk.Model([a, b], {"sum": layers.add([a, b]), "score": dense(b)})
    va, vb = data(11, 2), data(11, 2, seed=1)
    predicted = model.predict({"a": va, "b": vb}, batch_size=4)
    assert set(predicted) == {"sum", "score"}
    np.testing.assert_allclose(predicted["sum"], va + vb, rtol=1e-6)
    np.testing.assert_allclose(predicted["score"], dense_np(dense, vb), rtol=1e-5, atol=1e-6)


def test_predict_runs_in_inference_mode():
    x = gk.Input(shape=(50,), name="x")
    model = gk.Model(x, layers.Dropout(0.9, name="drop")(x))
    values = data(6, 50)
    np.testing.assert_array_equal(model.predict(values, batch_size=4), values)


def test_predict_on_batch_equals_call():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    model = gk.Model(x, [dense(x), layers.Dropout(0.9, name="drop")(x)])
    values = data(5, 3)
    projected, dropped = model.predict_on_batch(values)
    np.testing.assert_allclose(projected, dense_np(dense, values), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(dropped, values)


# ----------------------------------------------------------- shapes and masks


def test_compute_output_shape_of_a_single_output_model():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(5, name="d")(x))
    assert model.compute_output_shape((None, 3)) == (None, 5)
    assert model.compute_output_shape((7, 3)) == (7, 5)


def test_compute_output_shape_of_a_multi_input_model():
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(4,), name="b")
    model = gk.Model([a, b], [layers.concatenate([a, b]), layers.Dense(2, name="d")(b)])
    assert model.compute_output_shape([(None, 3), (None, 4)]) == [(None, 7), (None, 2)]


def test_compute_output_shape_of_a_dict_model():
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(4,), name="b")
    model = gk.Model({"a": a, "b": b}, {"joined": layers.concatenate([a, b])})
    assert model.compute_output_shape({"a": (2, 3), "b": (2, 4)}) == {"joined": (2, 7)}


def test_output_shape_and_input_shape_follow_the_structure():
    a = gk.Input(shape=(3,), name="a")
    b = gk.Input(shape=(4,), name="b")
    model = gk.Model([a, b], [layers.concatenate([a, b]), layers.Dense(2, name="d")(b)])
    assert model.input_shape == [(None, 3), (None, 4)]
    assert model.output_shape == [(None, 7), (None, 2)]


class NonZeroMask(layers.Layer):
    """Identity that masks the rows whose features are all zero."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0), axis=-1)


def test_compute_mask_on_arrays_runs_the_mask_through_the_graph():
    x = gk.Input(shape=(4, 2), name="x")
    masked = NonZeroMask(name="mask")(x)
    model = gk.Model(x, layers.Activation("relu", name="relu")(masked))
    values = np.zeros((2, 4, 2), dtype="float32")
    values[0, 1] = 1.0
    values[1, 3] = -2.0
    mask = model.compute_mask(values)
    np.testing.assert_array_equal(
        K.convert_to_numpy(mask), [[False, True, False, False], [False, False, False, True]]
    )


def test_compute_mask_on_tensors_is_symbolic():
    x = gk.Input(shape=(4, 2), name="x")
    model = gk.Model(x, layers.Activation("relu", name="relu")(NonZeroMask(name="mask")(x)))
    mask = model.compute_mask(gk.Input(shape=(4, 2)))
    assert gk.backend.is_keras_tensor(mask)
    assert mask.shape == (None, 4)


def test_compute_mask_is_none_without_masking_layers():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    assert model.compute_mask(data(2, 3)) is None


def test_symbolic_nested_call_carries_the_mask():
    x = gk.Input(shape=(4, 2), name="x")
    inner = gk.Model(x, layers.Activation("relu", name="relu")(NonZeroMask(name="mask")(x)))
    y = inner(gk.Input(shape=(4, 2)))
    assert y._keras_mask is not None and y._keras_mask.shape == (None, 4)


# ------------------------------------------------------------------ get_layer


def test_get_layer_by_name_and_by_index():
    x = gk.Input(shape=(3,), name="x")
    first = layers.Dense(2, name="first")
    second = layers.Dense(2, name="second")
    model = gk.Model(x, second(first(x)))
    assert model.get_layer("first") is first
    assert model.get_layer(name="second") is second
    assert model.get_layer(index=0) is x._keras_history.layer
    assert model.get_layer(index=2) is second
    assert model.get_layer(index=-1) is second


def test_get_layer_of_an_absent_name_raises_naming_it():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    with pytest.raises(ValueError, match="missing_layer"):
        model.get_layer("missing_layer")


def test_get_layer_out_of_range_raises_with_the_layer_count():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    with pytest.raises(ValueError, match="2 layers"):
        model.get_layer(index=2)


def test_get_layer_without_name_or_index_raises():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    with pytest.raises(ValueError):
        model.get_layer()


# -------------------------------------------------------------------- weights


def build_three_layer_model():
    x = gk.Input(shape=(3,), name="x")
    first = layers.Dense(4, name="first")
    second = layers.Dense(2, name="second")
    shortcut = layers.Dense(2, name="shortcut")
    out = layers.add([second(first(x)), shortcut(x)], name="sum")
    return gk.Model(x, out), (first, second, shortcut)


def test_model_weights_follow_layer_order():
    model, _ = build_three_layer_model()
    expected = [variable for layer in model.layers for variable in layer.weights]
    assert [id(v) for v in model.weights] == [id(v) for v in expected]
    assert [tuple(v.shape) for v in model.weights] == [(3, 4), (4,), (4, 2), (2,), (3, 2), (2,)]


def test_set_weights_changes_the_outputs_as_computed_by_hand():
    model, (first, second, shortcut) = build_three_layer_model()
    rng = np.random.default_rng(3)
    new = [rng.normal(size=w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new, strict=True):
        np.testing.assert_array_equal(got, want)
    values = data(4, 3)
    w1, b1, w2, b2, ws, bs = new  # first, second, shortcut: model.layers order
    expected = (values @ w1 + b1) @ w2 + b2 + values @ ws + bs
    np.testing.assert_allclose(model(values), expected, rtol=1e-5, atol=1e-6)


def test_get_weights_returns_copies():
    model, (first, _, _) = build_three_layer_model()
    weights = model.get_weights()
    weights[0][...] = 123.0
    assert not np.any(first.get_weights()[0] == 123.0)


def test_count_params_sums_every_layer():
    model, _ = build_three_layer_model()
    assert model.count_params() == (3 * 4 + 4) + (4 * 2 + 2) + (3 * 2 + 2)


def test_trainable_false_freezes_every_layer_including_nested_ones():
    inner_x = gk.Input(shape=(3,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dense(2, name="inner_dense")(inner_x), name="inner")
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(1, name="head")(inner(x)))
    assert len(model.trainable_weights) == 4
    model.trainable = False
    assert model.trainable_weights == []
    assert len(model.non_trainable_weights) == 4
    assert inner.trainable_weights == []
    assert not model.get_layer("head").trainable
    assert not inner.get_layer("inner_dense").trainable


def test_unfreezing_restores_trainable_weights():
    model, _ = build_three_layer_model()
    model.trainable = False
    model.trainable = True
    assert len(model.trainable_weights) == 6
    assert model.non_trainable_weights == []


# ------------------------------------------------------------------ execution


class TrainingRecorder(layers.Layer):
    """Identity that records the training flag each call receives."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: list = []

    def call(self, inputs, training=None):
        self.seen.append(training)
        return inputs


def test_training_flag_reaches_layers_inside_nested_models():
    inner_x = gk.Input(shape=(2,), name="inner_x")
    deep = TrainingRecorder(name="deep")
    inner = gk.Model(inner_x, deep(inner_x), name="inner")
    x = gk.Input(shape=(2,), name="x")
    shallow = TrainingRecorder(name="shallow")
    model = gk.Model(x, inner(shallow(x)))
    deep.seen.clear()
    shallow.seen.clear()
    model(data(2, 2), training=True)
    assert shallow.seen == [True] and deep.seen == [True]
    model(data(2, 2), training=False)
    assert shallow.seen == [True, False] and deep.seen == [True, False]


def test_training_true_activates_dropout_inside_a_nested_model():
    inner_x = gk.Input(shape=(1000,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dropout(0.5, name="drop")(inner_x), name="inner")
    x = gk.Input(shape=(1000,), name="x")
    model = gk.Model(x, inner(x))
    values = np.ones((2, 1000), dtype="float32")
    np.testing.assert_array_equal(model(values), values)
    dropped = model(values, training=True)
    assert set(np.unique(dropped)) <= {0.0, 2.0}
    assert 0.3 < np.mean(dropped == 0.0) < 0.7


def test_training_keyword_recorded_at_definition_wins():
    x = gk.Input(shape=(1000,), name="x")
    model = gk.Model(x, layers.Dropout(0.5, name="drop")(x, training=True))
    values = np.ones((2, 1000), dtype="float32")
    assert np.mean(model(values, training=False) == 0.0) > 0.3


class Emit(layers.Layer):
    """Doubles its input into a fresh array and keeps a weak reference to it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.emitted: list = []

    def call(self, inputs):
        outputs = K.multiply(inputs, 2.0)
        self.emitted.append(weakref.ref(outputs))
        return outputs


class AliveCheck(layers.Layer):
    """Identity on its first input that notes whether ``source``'s last output still lives."""

    def __init__(self, source: Emit, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.alive: list = []

    def call(self, inputs):
        self.alive.append(self.source.emitted[-1]() is not None)
        return inputs[0] if isinstance(inputs, list) else inputs


def test_intermediate_array_is_released_after_its_last_consumer():
    x = gk.Input(shape=(3,), name="x")
    emit = Emit(name="emit")
    check = AliveCheck(emit, name="check")
    model = gk.Model(x, check(layers.Dense(3, name="d")(emit(x))))
    # Op by op, as the graph runs without compiling: a compiled call (JAX)
    # hands the whole graph to XLA, which keeps its own intermediates.
    model.compile(run_eagerly=True)
    check.alive.clear()
    model(data(2, 3))
    assert check.alive == [False]


def test_intermediate_array_is_kept_while_a_consumer_still_needs_it():
    x = gk.Input(shape=(3,), name="x")
    emit = Emit(name="emit")
    check = AliveCheck(emit, name="check")
    doubled = emit(x)
    model = gk.Model(x, check([layers.Dense(3, name="d")(doubled), doubled]))
    check.alive.clear()
    model(data(2, 3))
    assert check.alive == [True]


def test_nodes_run_with_their_recorded_keywords():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.concatenate([x, x * 2.0], axis=-1, name="cat"))
    values = data(2, 3)
    np.testing.assert_allclose(model(values), np.concatenate([values, values * 2], -1))


# ------------------------------------------------------------ a 10,000-layer chain

CHAIN_LENGTH = 10_000


@pytest.fixture(scope="module")
def long_chains() -> dict:
    """The chain built on each backend, once per module: backend name -> model."""
    return {}


@pytest.fixture
def long_chain(backend, long_chains):
    """A 10,000-layer chain of Dense layers, holding the backend's own Variables."""
    if backend not in long_chains:
        x = gk.Input(shape=(2,), name="x")
        h = x
        for _ in range(CHAIN_LENGTH):
            h = layers.Dense(2, kernel_initializer="orthogonal")(h)
        long_chains[backend] = gk.Model(x, h)
    return long_chains[backend]


def test_long_chain_maps_every_layer_by_depth(long_chain):
    assert len(long_chain.layers) == CHAIN_LENGTH + 1
    assert max(long_chain._nodes_by_depth) == CHAIN_LENGTH
    assert long_chain.layers[0].name == "x"
    assert long_chain._layers_by_depth[0] == [long_chain.layers[-1]]


def test_long_chain_runs_without_recursion_error(long_chain):
    values = data(3, 2)
    expected = values
    for layer in long_chain.layers[1:]:
        expected = dense_np(layer, expected)
    np.testing.assert_allclose(long_chain(values), expected, rtol=1e-4, atol=1e-5)


def test_long_chain_nests_and_runs_symbolically(long_chain):
    x = gk.Input(shape=(2,), name="outer_x")
    y = long_chain(x)
    assert y.shape == (None, 2)
    outer = gk.Model(x, y)
    values = data(2, 2)
    np.testing.assert_allclose(outer(values), long_chain(values), rtol=1e-6)


# ------------------------------------------------------------ losses of a call


class ReadsItsValues(layers.Layer):
    """Identity that turns its input into numpy first: a JAX call of it runs op by op."""

    def call(self, inputs):
        K.convert_to_numpy(inputs)
        return inputs


@pytest.mark.parametrize("reads_values", [False, True], ids=["compiled", "op_by_op"])
def test_a_call_keeps_each_loss_its_layers_added_once(reads_values):
    x = gk.Input(shape=(3,), name="x")
    h = ReadsItsValues(name="reads")(x) if reads_values else x
    model = gk.Model(x, layers.ActivityRegularization(l2=0.5, name="penalty")(h))
    values = np.array([[1.0, 2.0, 3.0]], "float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # JAX says once that the call runs op by op
        for _ in range(2):  # each call keeps its own losses, not the earlier call's too
            model(values)
            # 0.5 * (1 + 4 + 9): exact in float32.
            assert [float(K.convert_to_numpy(loss)) for loss in model.losses] == [7.0]
