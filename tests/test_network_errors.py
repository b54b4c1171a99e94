"""Tests for the errors of functional models (API.md sections 5 and 8).

Each construction check raises ``ValueError`` naming the tensor or layer at
fault; each bad call raises and leaves the model computing exactly what it
computed before.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def data(rows: int, cols: int, seed: int = 0):
    return np.random.default_rng(seed).normal(size=(rows, cols)).astype("float32")


@pytest.fixture
def model():
    """``x -> d -> relu``, plus the state it must keep: values, outputs and nodes."""
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    built = gk.Model(x, layers.Activation("relu", name="relu")(dense(x)), name="net")
    values = data(4, 3)
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(built(values), np.maximum(values @ kernel + bias, 0), rtol=1e-5)
    return built, values, built(values)


def assert_unchanged(model, values, expected) -> None:
    """The model still computes what it computed, and recorded no node.

    A new call computes again (``predict`` in batches of another size, too), so
    it matches to float32 rounding: BLAS need not round two calls alike.
    """
    np.testing.assert_allclose(model(values), expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model.predict(values, batch_size=3), expected, rtol=1e-6, atol=1e-7)
    assert len(model._inbound_nodes) == 1
    for layer in model.layers[1:]:
        assert len(layer._inbound_nodes) == 1


# ------------------------------------------------------------ construction


def test_input_that_is_a_layer_output_raises_naming_the_producing_layer():
    x = gk.Input(shape=(3,), name="x")
    hidden = layers.Dense(2, name="hidden")(x)
    with pytest.raises(ValueError, match="input 0.*'hidden'"):
        gk.Model(hidden, layers.Dense(1, name="out")(hidden))


def test_input_that_is_an_array_raises_naming_its_type():
    x = gk.Input(shape=(3,), name="x")
    with pytest.raises(ValueError, match="Input tensors.*input 1 is a ndarray"):
        gk.Model([x, np.ones((2, 3))], x)


def test_same_input_twice_raises_naming_the_tensor():
    x = gk.Input(shape=(3,), name="repeated")
    with pytest.raises(ValueError, match=r"tensor repeated is given twice.*positions 0 and 1"):
        gk.Model([x, x], layers.Dense(1)(x))


def test_output_that_is_not_a_keras_tensor_raises_naming_its_type():
    x = gk.Input(shape=(3,), name="x")
    with pytest.raises(ValueError, match="output 1 is a ndarray"):
        gk.Model(x, [layers.Dense(1)(x), np.ones((2, 1))])


def test_output_in_a_dict_that_is_not_a_keras_tensor_raises():
    x = gk.Input(shape=(3,), name="x")
    with pytest.raises(ValueError, match="KerasTensors.*str"):
        gk.Model(x, {"a": layers.Dense(1)(x), "b": "not a tensor"})


def test_missing_outputs_raise():
    x = gk.Input(shape=(3,), name="x")
    with pytest.raises(ValueError, match="both inputs and outputs"):
        gk.Model(x)


def test_disconnected_graph_names_tensor_layer_and_layers_reached():
    x = gk.Input(shape=(3,), name="x")
    forgotten = gk.Input(shape=(3,), name="forgotten")
    left = layers.Dense(2, name="left")(x)
    right = layers.Dense(2, name="needs_forgotten")(forgotten)
    with pytest.raises(ValueError) as info:
        gk.Model(x, layers.add([left, right], name="sum"))
    message = str(info.value)
    assert "Graph disconnected" in message
    assert "tensor forgotten" in message
    assert '"needs_forgotten"' in message
    assert "['x', 'left']" in message


def test_disconnected_graph_through_a_shared_layer_is_found():
    x = gk.Input(shape=(3,), name="x")
    other = gk.Input(shape=(3,), name="other")
    shared = layers.Dense(3, name="shared")
    shared(x)
    with pytest.raises(ValueError, match='tensor other .*needed by layer "shared"'):
        gk.Model(x, shared(other))


def test_two_layers_of_one_name_raise_naming_it():
    x = gk.Input(shape=(3,), name="x")
    first = layers.Dense(2, name="twin")(x)
    with pytest.raises(ValueError, match='"twin" is used 2 times'):
        gk.Model(x, layers.Dense(2, name="twin")(first))


def test_layer_named_like_an_input_raises():
    x = gk.Input(shape=(3,), name="clash")
    with pytest.raises(ValueError, match='"clash" is used 2 times'):
        gk.Model(x, layers.Dense(2, name="clash")(x))


def test_failed_construction_leaves_the_layers_usable(model):
    built, values, expected = model
    stray = gk.Input(shape=(2,), name="stray")
    mixed = layers.add([built.outputs[0], stray], name="mixed")
    with pytest.raises(ValueError, match="Graph disconnected"):
        gk.Model(built.inputs[0], mixed)
    np.testing.assert_allclose(built(values), expected, rtol=1e-6, atol=1e-7)
    ok = gk.Model([built.inputs[0], stray], mixed)
    np.testing.assert_allclose(ok([values, np.ones((4, 2), "float32")]), expected + 1.0)


def test_failed_construction_creates_no_node_on_any_layer():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    y = dense(x)
    with pytest.raises(ValueError):
        gk.Model([x, x], y)
    assert len(dense._inbound_nodes) == 1
    assert len(x._keras_history.layer._outbound_nodes) == 1


# --------------------------------------------------- bad calls (section 8)


def test_wrong_feature_size_raises_and_the_model_still_works(model):
    built, values, expected = model
    with pytest.raises(ValueError, match=r"net.*expected shape=\(None, 3\), found shape=\(2, 4\)"):
        built(np.ones((2, 4), "float32"))
    assert_unchanged(built, values, expected)


def test_wrong_number_of_inputs_raises_and_the_model_still_works(model):
    built, values, expected = model
    with pytest.raises(ValueError, match="expects 1 input"):
        built([values, values])
    assert_unchanged(built, values, expected)


def test_wrong_input_key_raises_and_the_model_still_works(model):
    built, values, expected = model
    with pytest.raises(ValueError, match=r"missing \['x'\], unexpected \['y'\]"):
        built({"y": values})
    assert_unchanged(built, values, expected)


def test_single_value_for_a_two_input_model_raises():
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    model = gk.Model([a, b], layers.add([a, b]))
    with pytest.raises(ValueError, match="expects 2 inputs"):
        model(np.ones((3, 2), "float32"))
    np.testing.assert_allclose(model([np.ones((3, 2)), np.ones((3, 2))]), np.full((3, 2), 2.0))


def test_symbolic_call_of_the_wrong_shape_records_no_node(model):
    built, values, expected = model
    with pytest.raises(ValueError, match="net"):
        built(gk.Input(shape=(5,)))
    assert_unchanged(built, values, expected)


def test_mixing_tensors_and_arrays_in_a_call_raises(model):
    built, values, expected = model
    a = gk.Input(shape=(2,), name="a")
    pair = gk.Model([built.inputs[0], a], [built.outputs[0], a], name="pair")
    with pytest.raises(ValueError, match="mix of symbolic"):
        pair([gk.Input(shape=(3,)), np.ones((1, 2))])
    assert len(pair._inbound_nodes) == 1
    assert_unchanged(built, values, expected)


def test_predict_with_a_bad_batch_size_raises(model):
    built, values, expected = model
    with pytest.raises(ValueError, match="batch_size"):
        built.predict(values, batch_size=0)
    assert_unchanged(built, values, expected)


def test_predict_with_inputs_of_different_lengths_raises():
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    model = gk.Model([a, b], layers.add([a, b]))
    with pytest.raises(ValueError, match=r"same number of rows.*x\[0\]: 3, x\[1\]: 4"):
        model.predict([np.ones((3, 2)), np.ones((4, 2))])


def test_set_weights_of_a_wrong_shape_raises_and_changes_nothing(model):
    built, values, expected = model
    before = built.get_weights()
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        built.set_weights([np.ones((2, 3)), np.ones((3, 2))])
    for got, want in zip(built.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)
    assert_unchanged(built, values, expected)


def test_set_weights_of_a_wrong_count_raises_and_changes_nothing(model):
    built, values, expected = model
    with pytest.raises(ValueError, match="expects 2 weight arrays.*received 1"):
        built.set_weights([np.zeros((3, 2), "float32")])
    assert_unchanged(built, values, expected)


class FailsOnNegatives(layers.Layer):
    """Identity that raises when any input is negative (a failure mid-run)."""

    def call(self, inputs, training=None):
        if np.any(K.convert_to_numpy(inputs) < 0):
            raise ValueError("negative input")
        return inputs


def test_failure_inside_a_run_leaves_the_model_working():
    x = gk.Input(shape=(1000,), name="x")
    checked = FailsOnNegatives(name="checked")(x)
    model = gk.Model(x, layers.Dropout(0.5, name="drop")(checked))
    good = np.ones((2, 1000), "float32")
    with pytest.raises(ValueError, match="negative input"):
        model(-good, training=True)
    # The failed call's training=True must not linger: Dropout is the identity again.
    np.testing.assert_array_equal(model(good), good)
    np.testing.assert_array_equal(model.predict(good), good)


def test_failure_inside_a_nested_model_leaves_both_models_working():
    inner_x = gk.Input(shape=(3,), name="inner_x")
    inner = gk.Model(inner_x, FailsOnNegatives(name="checked")(inner_x), name="inner")
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d", kernel_initializer="ones")
    outer = gk.Model(x, dense(inner(x)))
    with pytest.raises(ValueError, match="negative input"):
        outer(-np.ones((2, 3), "float32"))
    np.testing.assert_allclose(outer(np.ones((2, 3), "float32")), np.full((2, 2), 3.0))
    np.testing.assert_allclose(inner(np.ones((1, 3), "float32")), np.ones((1, 3)))


def test_get_layer_failure_leaves_the_model_working(model):
    built, values, expected = model
    with pytest.raises(ValueError, match="nope"):
        built.get_layer("nope")
    with pytest.raises(ValueError):
        built.get_layer(index=99)
    assert_unchanged(built, values, expected)
