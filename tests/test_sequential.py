"""Tests for Sequential (API.md section 6): a linear stack kept as a functional Model.

Weights are set by hand, so every output is checked against the same stack
written in numpy.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

KERNEL_1 = np.array([[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]], dtype="float32")
BIAS_1 = np.array([0.5, -0.5], dtype="float32")
KERNEL_2 = np.array([[2.0], [-3.0]], dtype="float32")
BIAS_2 = np.array([0.25], dtype="float32")
DATA = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype="float32")


def relu(x):
    return np.maximum(x, 0.0)


def expected_stack(data=DATA):
    """``Dense(2, relu)`` then ``Dense(1)`` with the fixed weights, in numpy."""
    return relu(data @ KERNEL_1 + BIAS_1) @ KERNEL_2 + BIAS_2


def stack_layers(**first_kwargs):
    return [layers.Dense(2, activation="relu", **first_kwargs), layers.Dense(1)]


def set_stack_weights(model):
    model.set_weights([KERNEL_1, BIAS_1, KERNEL_2, BIAS_2])


def built_stack(name=None):
    model = gk.Sequential(stack_layers(input_shape=(3,)), name=name)
    set_stack_weights(model)
    return model


class Split(layers.Layer):
    """A layer with two outputs: ``[x, -x]``."""

    def call(self, inputs):
        return [inputs, K.negative(inputs)]


# ------------------------------------------------------------------ building


def test_input_shape_on_first_layer_builds_at_once():
    model = gk.Sequential(stack_layers(input_shape=(3,)))
    assert model.built
    assert [tensor.shape for tensor in model.inputs] == [(None, 3)]
    assert [tensor.shape for tensor in model.outputs] == [(None, 1)]


def test_input_tensor_as_first_element_builds_at_once():
    x = gk.Input(shape=(3,), name="features")
    model = gk.Sequential([x, *stack_layers()])
    assert model.built
    assert model.inputs == [x]
    assert model.input_names == ["features"]
    assert model.outputs[0].shape == (None, 1)


def test_add_after_input_tensor_builds_each_layer_as_it_comes():
    model = gk.Sequential()
    model.add(gk.Input(shape=(3,)))
    first = layers.Dense(2)
    model.add(first)
    assert first.built
    assert model.outputs[0].shape == (None, 2)


def test_layers_excludes_the_input_layer():
    first, second = stack_layers()
    model = gk.Sequential([gk.Input(shape=(3,)), first, second])
    assert model.layers == [first, second]


def test_outputs_equal_the_stack_in_numpy():
    model = built_stack()
    np.testing.assert_allclose(model(DATA), expected_stack(), rtol=1e-6)


def test_without_input_shape_it_is_not_built():
    model = gk.Sequential(stack_layers())
    assert not model.built
    assert not any(layer.built for layer in model.layers)
    with pytest.raises(AttributeError):
        model.inputs  # noqa: B018


def test_deferred_sequential_builds_on_first_call_with_open_batch_size():
    model = gk.Sequential(stack_layers())
    model(DATA)
    assert model.built
    assert model.inputs[0].shape == (None, 3)
    set_stack_weights(model)
    np.testing.assert_allclose(model(DATA[:2]), expected_stack(DATA[:2]), rtol=1e-6)


def test_deferred_sequential_builds_on_first_symbolic_call():
    model = gk.Sequential(stack_layers())
    x = gk.Input(shape=(3,))
    y = model(x)
    assert y.shape == (None, 1)
    assert model.built
    assert model.inputs[0].shape == (None, 3)


def test_build_with_input_shape_creates_the_graph():
    model = gk.Sequential(stack_layers())
    model.build((None, 3))
    assert model.inputs[0].shape == (None, 3)
    assert [w.shape for w in model.weights] == [(3, 2), (2,), (2, 1), (1,)]


def test_build_without_input_shape_raises():
    model = gk.Sequential(stack_layers())
    with pytest.raises(ValueError, match="input shape"):
        model.build()


def test_build_of_an_empty_sequential_raises():
    with pytest.raises(ValueError, match="no layers"):
        gk.Sequential().build((None, 3))


def test_failed_build_leaves_the_sequential_unbuilt_and_usable():
    model = gk.Sequential([layers.Reshape((4,)), layers.Dense(1)])
    with pytest.raises(ValueError):
        model.build((None, 3))
    assert not model.built
    assert model.inbound_nodes == ()
    model.build((None, 2, 2))
    assert model.outputs[0].shape == (None, 1)


def test_built_model_as_first_layer_gives_its_inputs_at_once():
    x = gk.Input(shape=(3,))
    inner = gk.Model(x, layers.Dense(2, activation="relu")(x))
    model = gk.Sequential([inner, layers.Dense(1)])
    assert model.built
    assert model.inputs[0].shape == (None, 3)
    assert model.layers[0] is inner
    set_stack_weights(model)
    np.testing.assert_allclose(model(DATA), expected_stack(), rtol=1e-6)


def test_model_with_two_inputs_as_first_layer_raises():
    a, b = gk.Input(shape=(3,)), gk.Input(shape=(3,))
    two_inputs = gk.Model([a, b], layers.add([a, b]), name="two_inputs")
    with pytest.raises(ValueError, match="two_inputs"):
        gk.Sequential([two_inputs])


def test_name_is_kept():
    assert gk.Sequential(name="stack").name == "stack"


def test_sequential_is_a_model():
    assert isinstance(built_stack(), gk.Model)


# ------------------------------------------------------------ adding layers


def test_layer_with_several_outputs_raises_on_add():
    model = built_stack()
    with pytest.raises(ValueError, match="split"):
        model.add(Split(name="split"))


def test_rejected_layer_leaves_the_model_working():
    model = built_stack()
    last = model.layers[-1]
    split = Split()
    with pytest.raises(ValueError):
        model.add(split)
    assert model.layers[-1] is last
    assert split.inbound_nodes == ()
    assert last.outbound_nodes == ()
    assert model.outputs[0].shape == (None, 1)
    np.testing.assert_allclose(model(DATA), expected_stack(), rtol=1e-6)


def test_duplicate_layer_name_is_rejected():
    model = built_stack()
    duplicate = layers.Dense(3, name=model.layers[0].name)
    with pytest.raises(ValueError, match=model.layers[0].name):
        model.add(duplicate)
    assert len(model.layers) == 2
    np.testing.assert_allclose(model(DATA), expected_stack(), rtol=1e-6)


def test_add_of_a_non_layer_raises_type_error():
    with pytest.raises(TypeError, match="str"):
        gk.Sequential().add("dense")


def test_input_after_layers_is_rejected():
    model = built_stack()
    with pytest.raises(ValueError, match="first"):
        model.add(gk.Input(shape=(1,)))


# ------------------------------------------------------------------- pop


def test_pop_returns_the_last_layer_and_shortens_the_stack():
    model = built_stack()
    first, second = model.layers
    assert model.pop() is second
    assert model.layers == [first]
    assert model.outputs[0].shape == (None, 2)
    np.testing.assert_allclose(model(DATA), relu(DATA @ KERNEL_1 + BIAS_1), rtol=1e-6)


def test_pop_then_add_computes_through_the_new_layer():
    model = built_stack()
    model.pop()
    model.add(layers.Dense(1, name="replacement"))
    model.layers[-1].set_weights([KERNEL_2 * 2, BIAS_2])
    expected = relu(DATA @ KERNEL_1 + BIAS_1) @ (KERNEL_2 * 2) + BIAS_2
    np.testing.assert_allclose(model(DATA), expected, rtol=1e-6)
    assert [layer.name for layer in model.layers][-1] == "replacement"


def test_pop_of_an_empty_sequential_raises_type_error():
    with pytest.raises(TypeError, match="no layers"):
        gk.Sequential().pop()


def test_pop_unlinks_the_removed_layer_from_the_graph():
    model = built_stack()
    first = model.layers[0]
    second = model.pop()
    assert first.outbound_nodes == ()
    assert second.inbound_nodes == ()


# ------------------------------------------------- a functional model in full


def test_node_zero_links_inputs_to_outputs():
    model = built_stack()
    assert model.get_output_at(0) is model.outputs[0]
    assert model.get_input_at(0) is model.inputs[0]


def test_node_zero_follows_add_before_the_graph_is_used():
    model = gk.Sequential([gk.Input(shape=(3,)), layers.Dense(2)])
    model.add(layers.Dense(5))
    assert model.get_output_at(0).shape == (None, 5)
    assert model.get_output_at(0) is model.outputs[0]


def test_sequential_nests_inside_a_functional_model():
    inner = built_stack()
    x = gk.Input(shape=(3,))
    outer = gk.Model(x, layers.Activation("relu")(inner(x)))
    assert inner in outer.layers
    np.testing.assert_allclose(outer(DATA), relu(expected_stack()), rtol=1e-6)


def test_functional_model_holding_a_sequential_round_trips_its_config():
    inner = built_stack()
    x = gk.Input(shape=(3,))
    outer = gk.Model(x, layers.Activation("relu")(inner(x)))
    rebuilt = gk.Model.from_config(outer.get_config())
    rebuilt.set_weights(outer.get_weights())
    assert isinstance(rebuilt.layers[1], gk.Sequential)
    assert rebuilt.get_config() == outer.get_config()
    np.testing.assert_allclose(rebuilt(DATA), outer(DATA), rtol=0)


def test_compute_output_shape_follows_the_stack():
    assert built_stack().compute_output_shape((None, 3)) == (None, 1)


def test_predict_matches_the_stack_in_numpy_across_batches():
    model = built_stack()
    data = np.tile(DATA, (25, 1))
    np.testing.assert_allclose(model.predict(data, batch_size=8), expected_stack(data), rtol=1e-6)


def test_save_weights_and_load_weights_round_trip(tmp_path):
    model = built_stack()
    path = tmp_path / "stack.weights.npz"
    model.save_weights(path)
    fresh = gk.Sequential(stack_layers(input_shape=(3,)))
    fresh.load_weights(path)
    np.testing.assert_allclose(fresh(DATA), expected_stack(), rtol=1e-6)


# ----------------------------------------------------------------- config


def test_config_lists_the_input_layer_then_each_layer():
    config = built_stack(name="stack").get_config()
    assert set(config) >= {"name", "layers", "build_input_shape"}
    assert config["name"] == "stack"
    assert [entry["class_name"] for entry in config["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert all(set(entry) == {"class_name", "config"} for entry in config["layers"])
    assert config["layers"][0]["config"]["batch_shape"] == [None, 3]
    assert config["build_input_shape"] == [None, 3]


def test_config_of_a_deferred_sequential_has_no_build_input_shape():
    config = gk.Sequential(stack_layers()).get_config()
    assert [entry["class_name"] for entry in config["layers"]] == ["Dense", "Dense"]
    assert config.get("build_input_shape") is None


def test_from_config_gives_identical_outputs():
    model = built_stack()
    rebuilt = gk.Sequential.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    assert isinstance(rebuilt, gk.Sequential)
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(rebuilt(DATA), model(DATA), rtol=1e-6, atol=1e-7)


def test_from_config_of_a_deferred_sequential_stays_deferred():
    rebuilt = gk.Sequential.from_config(gk.Sequential(stack_layers()).get_config())
    assert not rebuilt.built
    assert rebuilt(DATA).shape == (3, 1)


def test_from_config_rebuilds_a_sequential_built_with_build():
    model = gk.Sequential(stack_layers())
    model.build((None, 3))
    rebuilt = gk.Sequential.from_config(model.get_config())
    assert rebuilt.built
    assert rebuilt.inputs[0].shape == (None, 3)


def test_json_round_trip_gives_a_sequential_with_identical_outputs():
    model = built_stack()
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Sequential"
    rebuilt = gk.models.model_from_json(text)
    rebuilt.set_weights(model.get_weights())
    assert isinstance(rebuilt, gk.Sequential)
    np.testing.assert_allclose(rebuilt(DATA), model(DATA), rtol=1e-6, atol=1e-7)


# ----------------------------------------------------------- deferred build


@pytest.mark.parametrize("routine", ["fit", "evaluate", "predict", "train_on_batch"])
def test_a_deferred_sequential_builds_on_its_first_training_routine(routine):
    model = gk.Sequential(stack_layers())
    model.compile(optimizer=gk.optimizers.SGD(learning_rate=0.0), loss="mse")
    assert not model.built
    targets = np.zeros((3, 1), "float32")
    if routine == "fit":
        model.fit(DATA, targets, verbose=0)
    elif routine == "evaluate":
        model.evaluate(DATA, targets, verbose=0)
    elif routine == "predict":
        model.predict(DATA)
    else:
        model.train_on_batch(DATA, targets)
    assert model.built
    assert model.inputs[0].shape == (None, 3)
    assert [w.shape for w in model.weights] == [(3, 2), (2,), (2, 1), (1,)]
    set_stack_weights(model)
    np.testing.assert_allclose(model.predict(DATA), expected_stack(), rtol=1e-6)


def test_an_unbuilt_sequential_says_it_has_no_inputs_yet():
    model = gk.Sequential(stack_layers(), name="lazy")
    for view in ("inputs", "outputs", "input_shape", "output_shape"):
        with pytest.raises(AttributeError, match=f"'lazy' has no defined {view} yet"):
            getattr(model, view)


# ------------------------------------------- a first layer taking several inputs

LEFT = np.array([[1.0, 2.0], [3.0, -1.0]], dtype="float32")
RIGHT = np.array([[0.5], [-2.0]], dtype="float32")
JOIN_KERNEL = np.array([[1.0], [-1.0], [2.0]], dtype="float32")
JOIN_BIAS = np.array([0.5], dtype="float32")


def joined_stack():
    """``Concatenate`` then ``Dense(1)``, as Keras 3 accepts: no graph, run in sequence."""
    return gk.Sequential([layers.Concatenate(), layers.Dense(1)], name="joined")


def expected_joined(left=LEFT, right=RIGHT):
    return np.concatenate([left, right], axis=1) @ JOIN_KERNEL + JOIN_BIAS


def test_a_sequential_whose_first_layer_takes_a_list_runs_on_a_list():
    model = joined_stack()
    model([LEFT, RIGHT])
    model.set_weights([JOIN_KERNEL, JOIN_BIAS])
    np.testing.assert_allclose(model([LEFT, RIGHT]), expected_joined(), rtol=1e-6)
    np.testing.assert_allclose(model.predict([LEFT, RIGHT], batch_size=1), expected_joined())
    # As Keras 3: built, but with no graph of its own.
    assert model.built
    with pytest.raises(AttributeError, match="no defined inputs yet"):
        model.inputs  # noqa: B018


@pytest.mark.parametrize("data", [[[1.0, 2.0]], 3.0], ids=["nested_list", "number"])
def test_data_that_is_not_arrays_is_refused_naming_the_model_and_leaves_it_unbuilt(data):
    model = gk.Sequential(stack_layers(), name="lazy")
    with pytest.raises(ValueError, match=r"Sequential 'lazy' builds from arrays or tensors"):
        model(data)
    assert not model.built
    model(DATA)
    set_stack_weights(model)
    np.testing.assert_allclose(model(DATA), expected_stack(), rtol=1e-6)


def test_build_with_several_shapes_marks_the_sequential_built_without_a_graph():
    model = joined_stack()
    model.build([(None, 2), (None, 1)])
    assert model.built
    assert not any(layer.built for layer in model.layers)
    model([LEFT, RIGHT])
    assert [w.shape for w in model.weights] == [(3, 1), (1,)]


def test_a_sequential_on_a_list_nests_in_a_functional_model_and_round_trips(tmp_path):
    left, right = gk.Input(shape=(2,)), gk.Input(shape=(1,))
    inner = joined_stack()
    output = inner([left, right])
    assert output.shape == (None, 1)
    outer = gk.Model([left, right], output)
    inner.set_weights([JOIN_KERNEL, JOIN_BIAS])
    np.testing.assert_allclose(outer.predict([LEFT, RIGHT]), expected_joined(), rtol=1e-6)
    outer.save(str(tmp_path / "joined.gk"))
    loaded = gk.models.load_model(str(tmp_path / "joined.gk"))
    np.testing.assert_allclose(
        loaded.predict([LEFT, RIGHT]), outer.predict([LEFT, RIGHT]), rtol=1e-6, atol=1e-7
    )


def test_a_sequential_on_a_list_trains_on_a_list():
    model = joined_stack()
    model.compile(optimizer=gk.optimizers.SGD(learning_rate=0.0), loss="mse")
    model([LEFT, RIGHT])
    model.set_weights([JOIN_KERNEL, JOIN_BIAS])
    targets = np.array([[1.0], [0.0]], dtype="float32")
    expected = float(np.mean((expected_joined() - targets) ** 2))
    np.testing.assert_allclose(model.train_on_batch([LEFT, RIGHT], targets), expected, rtol=1e-6)
    history = model.fit([LEFT, RIGHT], targets, batch_size=1, epochs=1, verbose=0).history
    np.testing.assert_allclose(history["loss"], [expected], rtol=1e-6)


class SumOfKeyed(layers.Layer):
    """``{"a": x, "b": y}`` -> ``x + 2 * y``."""

    def call(self, inputs):
        return K.add(inputs["a"], K.multiply(inputs["b"], 2.0))


def test_a_sequential_whose_first_layer_takes_a_dict_runs_and_trains_on_a_dict():
    model = gk.Sequential([SumOfKeyed(), layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=gk.optimizers.SGD(learning_rate=0.0), loss="mse")
    data = {"a": LEFT, "b": np.array([[1.0, 0.0], [0.0, 1.0]], "float32")}
    expected = (LEFT + 2 * data["b"]).sum(axis=1, keepdims=True)  # bias 0
    np.testing.assert_allclose(model.predict(data, batch_size=1), expected, rtol=1e-6)
    targets = np.zeros((2, 1), "float32")
    loss = model.evaluate(data, targets, verbose=0)
    np.testing.assert_allclose(loss, float(np.mean(expected**2)), rtol=1e-6)


# ------------------------------------------------------ summary, trainable


def test_summary_lists_each_layer_and_the_totals():
    model = gk.Sequential([layers.Dense(100, input_shape=(500,), name="wide")], name="stack")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "stack"' in text
    assert "wide (Dense)" in text
    assert "(None, 100)" in text
    assert "Total params: 50,100" in text
    assert "Trainable params: 50,100" in text
    assert "Non-trainable params: 0" in text
    assert "input_layer" not in text


def test_trainable_false_freezes_every_layer():
    model = built_stack()
    model.trainable = False
    assert model.trainable_weights == []
    assert len(model.non_trainable_weights) == 4
    assert [layer.trainable for layer in model.layers] == [False, False]


def test_trainable_false_survives_the_config_round_trip():
    model = built_stack()
    model.trainable = False
    rebuilt = gk.Sequential.from_config(model.get_config())
    assert rebuilt.trainable is False
    assert rebuilt.trainable_weights == []


@pytest.mark.parametrize("error", [ValueError, TypeError])
def test_a_non_layer_is_refused_with_what_keras_3_and_keras_2_both_catch(error):
    with pytest.raises(error, match=r"can only add layers; received 1 \(int\)"):
        gk.Sequential([1])
