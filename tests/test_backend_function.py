"""Tests for ``K.function(inputs, outputs)`` (API.md sections 2 and 5).

It takes a list of arrays, one per input, and returns a list of arrays, one
per output. Any KerasTensors can be its inputs, intermediate ones included,
and only the layers between the inputs and the outputs run.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def data(rows: int, cols: int, seed: int = 0):
    return np.random.default_rng(seed).normal(size=(rows, cols)).astype("float32")


def dense_np(layer, x):
    kernel, bias = layer.get_weights()
    return np.asarray(x, dtype="float32") @ kernel + bias


class Counted(layers.Layer):
    """Adds ``offset`` to its input and counts how often it ran on arrays."""

    def __init__(self, offset: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.offset = offset
        self.runs = 0

    def call(self, inputs):
        self.runs += 1
        return K.add(inputs, self.offset)

    def compute_output_shape(self, input_shape):
        return input_shape


@pytest.fixture
def counted_chain():
    """``x -> first(+1) -> second(+10) -> third(+100)``, and ``x -> side(+1000)``."""
    x = gk.Input(shape=(3,), name="x")
    first, second, third = (
        Counted(1.0, name="first"),
        Counted(10.0, name="second"),
        Counted(100.0, name="third"),
    )
    side = Counted(1000.0, name="side")
    h1 = first(x)
    h2 = second(h1)
    h3 = third(h2)
    s = side(x)
    return x, (h1, h2, h3, s), (first, second, third, side)


def runs(counted) -> list[int]:
    return [layer.runs for layer in counted]


def test_function_of_model_inputs_and_outputs_returns_a_list():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    y = dense(x)
    function = K.function([x], [y])
    values = data(4, 3)
    result = function([values])
    assert isinstance(result, list) and len(result) == 1
    np.testing.assert_allclose(result[0], dense_np(dense, values), rtol=1e-6)


def test_function_with_several_inputs_and_outputs_keeps_their_order():
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    dense = layers.Dense(3, name="d")
    total = layers.add([a, b])
    projected = dense(b)
    function = K.function([b, a], [projected, total, a])
    va, vb = data(3, 2), data(3, 2, seed=1)
    got_projected, got_total, got_a = function([vb, va])
    np.testing.assert_allclose(got_projected, dense_np(dense, vb), rtol=1e-6)
    np.testing.assert_allclose(got_total, va + vb, rtol=1e-6)
    np.testing.assert_array_equal(got_a, va)


def test_function_from_an_intermediate_tensor_runs_only_the_layers_after_it(counted_chain):
    _, (h1, h2, h3, _), counted = counted_chain
    function = K.function([h1], [h3])
    before = runs(counted)
    values = data(2, 3)
    (result,) = function([values])
    np.testing.assert_allclose(result, values + 110.0, rtol=1e-6)
    assert [now - then for now, then in zip(runs(counted), before, strict=True)] == [0, 1, 1, 0]


def test_function_between_two_intermediate_tensors_runs_one_layer(counted_chain):
    _, (h1, h2, _, _), counted = counted_chain
    function = K.function([h1], [h2])
    before = runs(counted)
    (result,) = function([np.zeros((1, 3), "float32")])
    np.testing.assert_allclose(result, np.full((1, 3), 10.0))
    assert [now - then for now, then in zip(runs(counted), before, strict=True)] == [0, 1, 0, 0]


def test_function_skips_branches_that_do_not_lead_to_the_outputs(counted_chain):
    x, (_, _, h3, _), counted = counted_chain
    function = K.function([x], [h3])
    before = runs(counted)
    (result,) = function([np.zeros((1, 3), "float32")])
    np.testing.assert_allclose(result, np.full((1, 3), 111.0))
    assert [now - then for now, then in zip(runs(counted), before, strict=True)] == [1, 1, 1, 0]


def test_function_mixing_an_input_and_an_intermediate_tensor(counted_chain):
    x, (_, h2, h3, s), counted = counted_chain
    joined = layers.add([h3, s], name="joined")
    function = K.function([h2, x], [joined])
    before = runs(counted)
    fed_h2 = np.full((2, 3), 5.0, "float32")
    fed_x = np.ones((2, 3), "float32")
    (result,) = function([fed_h2, fed_x])
    np.testing.assert_allclose(result, (5.0 + 100.0) + (1.0 + 1000.0))
    assert [now - then for now, then in zip(runs(counted), before, strict=True)] == [0, 0, 1, 1]


def test_function_whose_output_is_a_fed_input_returns_it(counted_chain):
    _, (h1, _, _, _), counted = counted_chain
    before = runs(counted)
    values = data(2, 3)
    (result,) = K.function([h1], [h1])([values])
    np.testing.assert_array_equal(result, values)
    assert runs(counted) == before


def test_fed_intermediate_output_comes_back_as_fed_not_recomputed(counted_chain):
    x, (h1, _, h3, _), counted = counted_chain
    function = K.function([h1, x], [h1, h3])
    before = runs(counted)
    fed = np.full((1, 3), 5.0, "float32")
    got_h1, got_h3 = function([fed, np.zeros((1, 3), "float32")])
    np.testing.assert_array_equal(got_h1, fed)
    np.testing.assert_allclose(got_h3, np.full((1, 3), 115.0))
    assert [now - then for now, then in zip(runs(counted), before, strict=True)] == [0, 1, 1, 0]


def test_function_inside_a_model_s_graph_matches_the_model():
    x = gk.Input(shape=(3,), name="x")
    first = layers.Dense(4, activation="relu", name="first")
    second = layers.Dense(2, name="second")
    hidden = first(x)
    model = gk.Model(x, second(hidden))
    values = data(5, 3)
    feed = np.maximum(dense_np(first, values), 0)
    (result,) = K.function([hidden], [model.outputs[0]])([feed])
    np.testing.assert_allclose(result, model(values), rtol=1e-5)


def test_function_through_a_nested_model():
    inner_x = gk.Input(shape=(3,), name="inner_x")
    inner_dense = layers.Dense(2, name="inner_dense")
    inner = gk.Model(inner_x, inner_dense(inner_x), name="inner")
    x = gk.Input(shape=(3,), name="x")
    head = layers.Dense(1, name="head")
    inner_out = inner(x)
    out = head(inner_out)
    values = data(4, 3)
    both = K.function([x], [inner_out, out])([values])
    np.testing.assert_allclose(both[0], dense_np(inner_dense, values), rtol=1e-5)
    np.testing.assert_allclose(both[1], dense_np(head, both[0]), rtol=1e-5)


def test_function_accepts_layers_of_one_name_in_unrelated_graphs():
    # K.function is not a model: the unique-name check does not apply.
    x = gk.Input(shape=(2,), name="x")
    y = layers.Dense(2, name="twin")(layers.Dense(2, name="twin")(x))
    (result,) = K.function([x], [y])([np.zeros((1, 2), "float32")])
    assert result.shape == (1, 2)


def test_function_is_reusable_and_keeps_no_state_between_calls(counted_chain):
    x, (_, _, h3, _), _ = counted_chain
    function = K.function([x], [h3])
    first = function([np.zeros((1, 3), "float32")])[0]
    second = function([np.ones((1, 3), "float32")])[0]
    np.testing.assert_allclose(first, np.full((1, 3), 111.0))
    np.testing.assert_allclose(second, np.full((1, 3), 112.0))


# ------------------------------------------------------------------ errors


def test_function_with_outputs_not_reachable_from_the_inputs_raises(counted_chain):
    x, (h1, _, h3, s), _ = counted_chain
    joined = layers.add([h3, s], name="joined")
    with pytest.raises(ValueError, match='Graph disconnected.*needed by layer "side"'):
        K.function([h1], [joined])


def test_function_with_a_wrong_number_of_arrays_raises(counted_chain):
    x, (_, _, h3, _), _ = counted_chain
    function = K.function([x], [h3])
    with pytest.raises(ValueError, match="expects 1 input arrays, received 2"):
        function([np.zeros((1, 3)), np.zeros((1, 3))])
    np.testing.assert_allclose(function([np.zeros((1, 3))])[0], np.full((1, 3), 111.0))


def test_function_with_a_non_tensor_input_raises():
    x = gk.Input(shape=(2,), name="x")
    with pytest.raises(ValueError, match=r"inputs\[1\] is a ndarray"):
        K.function([x, np.zeros((1, 2))], [x])


def test_function_with_a_non_tensor_output_raises():
    x = gk.Input(shape=(2,), name="x")
    with pytest.raises(ValueError, match=r"outputs\[0\] is a str"):
        K.function([x], ["y"])
