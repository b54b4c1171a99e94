"""``Model.get_state_tree`` / ``set_state_tree``: Keras 3's nested dict of a model's variables."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

X = np.array([[1.0], [0.5], [-1.0]], dtype="float32")
Y = np.array([[1.0], [0.0], [1.0]], dtype="float32")


def trained_sequential(seed: int = 1) -> gk.Sequential:
    gk.utils.set_random_seed(seed)
    model = gk.Sequential(
        [
            gk.Input(shape=(1,), name="my_input"),
            layers.Dense(2, activation="sigmoid", name="my_dense"),
            layers.BatchNormalization(name="bn"),
            layers.Dense(1, name="head"),
        ],
        name="my_sequential",
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(X, Y, verbose=0, epochs=2, batch_size=3)
    return model


def leaf_paths(tree: dict, prefix: str = "") -> set[str]:
    found = set()
    for key, value in tree.items():
        if isinstance(value, dict):
            found |= leaf_paths(value, f"{prefix}{key}/")
        else:
            found.add(f"{prefix}{key}")
    return found


def test_a_trained_sequential_model_gives_keras_3s_four_branches_and_paths():
    tree = trained_sequential().get_state_tree()
    assert leaf_paths(tree["trainable_variables"]) == {
        "my_sequential/my_dense/kernel",
        "my_sequential/my_dense/bias",
        "my_sequential/bn/gamma",
        "my_sequential/bn/beta",
        "my_sequential/head/kernel",
        "my_sequential/head/bias",
    }
    assert leaf_paths(tree["non_trainable_variables"]) == {
        "my_sequential/bn/moving_mean",
        "my_sequential/bn/moving_variance",
    }
    optimizer_paths = leaf_paths(tree["optimizer_variables"])
    assert {"adam/iteration", "adam/learning_rate"} <= optimizer_paths
    assert "adam/my_sequential_my_dense_kernel_momentum" in optimizer_paths
    assert "adam/my_sequential_bn_gamma_velocity" in optimizer_paths
    assert len(optimizer_paths) == 2 + 2 * 6
    # A compiled "mae" keeps the name its variables were made under, as in Keras 3.
    assert leaf_paths(tree["metrics_variables"]) == {
        "loss/total",
        "loss/count",
        "mean_absolute_error/total",
        "mean_absolute_error/count",
    }
    assert int(tree["optimizer_variables"]["adam"]["iteration"]) == 2


def test_a_functional_models_layers_are_named_without_the_model_and_sublayers_nest():
    inputs = gk.Input((4, 3))
    inner = gk.Sequential([gk.Input((4,)), layers.Dense(1, name="d")], name="inner")
    encoded = layers.Bidirectional(layers.LSTM(2), name="bi")(inputs)
    model = gk.Model(inputs, inner(encoded), name="outer")
    paths = leaf_paths(model.get_state_tree()["trainable_variables"])
    assert "bi/forward_lstm/lstm_cell/recurrent_kernel" in paths
    assert "bi/backward_lstm/lstm_cell/bias" in paths
    assert "inner/d/kernel" in paths  # a nested Sequential built its layers under its name
    assert not any(path.startswith("outer") for path in paths)
    assert model.get_state_tree()["optimizer_variables"] == {}
    assert model.get_state_tree()["metrics_variables"] == {}


def test_the_value_formats_are_snapshots_of_the_requested_type():
    model = trained_sequential()
    kernel = model.get_layer("my_dense").kernel
    tensor = model.get_state_tree()["trainable_variables"]["my_sequential"]["my_dense"]["kernel"]
    as_numpy = model.get_state_tree("numpy_array")["trainable_variables"]["my_sequential"]
    as_list = model.get_state_tree("python_list")["trainable_variables"]["my_sequential"]
    assert isinstance(as_numpy["my_dense"]["kernel"], np.ndarray)
    assert as_list["my_dense"]["kernel"] == kernel.numpy().tolist()
    before = np.array(tensor)
    model.fit(X, Y, verbose=0, batch_size=3)
    assert not np.array_equal(kernel.numpy(), before)
    assert np.array_equal(tensor, before)  # the tree did not move with the weights
    with pytest.raises(ValueError, match="`value_format` must be one of"):
        model.get_state_tree("jax_array")


def test_a_tree_set_into_a_fresh_twin_reproduces_its_predictions_and_optimizer_state():
    source = trained_sequential(seed=1)
    tree = source.get_state_tree("numpy_array")
    gk.backend.clear_session()  # as in a new process: the twin's optimizer is "adam" again
    target = trained_sequential(seed=2)
    target.set_state_tree(tree)
    assert int(target.optimizer.iterations.numpy()) == 2
    # The same weights through the same graph: float32 results agree to rounding.
    np.testing.assert_allclose(
        target.predict(X, verbose=0), source.predict(X, verbose=0), rtol=1e-6, atol=1e-7
    )
    for mine, theirs in zip(target.optimizer.variables, source.optimizer.variables, strict=True):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())  # copied values: bit-equal


def test_part_of_a_tree_sets_only_those_variables():
    model = trained_sequential()
    bias = model.get_layer("head").bias
    model.set_state_tree({"trainable_variables": {"my_sequential": {"head": {"bias": [5.0]}}}})
    assert bias.numpy().tolist() == [5.0]


def test_a_wrong_shape_is_refused_naming_the_path_and_nothing_changes():
    model = trained_sequential()
    before = [weight.numpy() for weight in model.weights]
    tree = model.get_state_tree("numpy_array")
    tree["trainable_variables"]["my_sequential"]["my_dense"]["kernel"] = np.zeros((1, 2)) + 7
    tree["trainable_variables"]["my_sequential"]["head"]["kernel"] = np.zeros((3, 1))
    with pytest.raises(
        ValueError,
        match=r"'trainable_variables/my_sequential/head/kernel' has shape \(2, 1\); "
        r"received a value of shape \(3, 1\)",
    ):
        model.set_state_tree(tree)
    for weight, value in zip(model.weights, before, strict=True):
        np.testing.assert_array_equal(weight.numpy(), value)  # untouched: bit-equal


def test_unknown_paths_branches_and_values_are_refused_clearly():
    model = trained_sequential()
    with pytest.raises(ValueError, match="no variable 'trainable_variables/my_sequential/nope'"):
        model.set_state_tree({"trainable_variables": {"my_sequential": {"nope": [1.0]}}})
    with pytest.raises(ValueError, match="unknown branch 'weights'"):
        model.set_state_tree({"weights": {}})
    with pytest.raises(TypeError, match="`state_tree` must be a dict"):
        model.set_state_tree([1, 2])
    with pytest.raises(ValueError, match="not an array of numbers"):
        model.set_state_tree({"trainable_variables": {"my_sequential": {"head": {"bias": ["x"]}}}})


def test_two_variables_on_one_path_are_refused_as_in_keras():
    class Twins(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first = layers.Dense(1, name="same")
            self.second = layers.Dense(1, name="same")

        def call(self, inputs):
            return self.first(inputs) + self.second(inputs)

    inputs = gk.Input((2,))
    model = gk.Model(inputs, Twins(name="twins")(inputs))
    with pytest.raises(ValueError, match="'twins/same/kernel' names two trainable_variables"):
        model.get_state_tree()


def test_metrics_variables_lists_every_metric_variable():
    model = trained_sequential()
    assert [v.name for v in model.metrics_variables] == ["total", "count", "total", "count"]
