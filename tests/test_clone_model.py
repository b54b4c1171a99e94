"""``gk.models.clone_model``: the same graph on new layers, as Keras 3's."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def shared_pair_model():
    """Two dict inputs through one shared Dense, an operator, and a nested model."""
    left, right = gk.Input((4,), name="left"), gk.Input((4,), name="right")
    shared = layers.Dense(3, name="shared")
    merged = layers.concatenate([shared(left), shared(right)], name="merged") * 2.0
    inner_input = gk.Input((6,))
    inner = gk.Model(inner_input, layers.Dense(2, name="inner_head")(inner_input), name="inner")
    return gk.Model({"left": left, "right": right}, inner(merged), name="pair")


def pair_inputs():
    rng = np.random.default_rng(0)
    return {name: rng.normal(size=(3, 4)).astype("float32") for name in ("left", "right")}


def test_a_clone_has_the_same_graph_on_new_layers_with_fresh_weights():
    gk.utils.set_random_seed(1)
    model = shared_pair_model()
    clone = gk.models.clone_model(model)
    assert clone.name == "pair" and isinstance(clone, gk.Model)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    for original, copy in zip(model.layers, clone.layers, strict=True):
        assert original is not copy
    assert len(clone.get_layer("shared")._inbound_nodes) == 2  # still shared: one clone, two calls
    assert not np.allclose(clone.get_layer("shared").get_weights()[0], model.get_weights()[0])
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(
        clone.predict(pair_inputs(), verbose=0),
        model.predict(pair_inputs(), verbose=0),
        rtol=1e-6,
        atol=1e-7,
    )


def test_clone_function_chooses_each_clone():
    model = shared_pair_model()
    seen = []

    def keep_dense_clone_others(layer):
        seen.append(layer.name)
        return layer if layer.name == "shared" else layer.__class__.from_config(layer.get_config())

    clone = gk.models.clone_model(model, clone_function=keep_dense_clone_others)
    assert clone.get_layer("shared") is model.get_layer("shared")
    assert seen.count("shared") == 1 and "inner" in seen


def test_input_tensors_and_call_function_are_used():
    model = shared_pair_model()
    left, right = gk.Input((4,), name="new_left"), gk.Input((4,), name="new_right")
    calls = []

    def recording_call(layer, inputs, **keywords):
        calls.append(layer.name)
        return layer(inputs, **keywords)

    clone = gk.models.clone_model(model, input_tensors=[left, right], call_function=recording_call)
    assert clone.inputs[0] is left and clone.inputs[1] is right
    assert calls.count("shared") == 2 and calls[-1] == "inner"


def test_a_sequential_model_clones_into_a_sequential_model():
    model = gk.Sequential([gk.Input((3,)), layers.Dense(4, name="a"), layers.Dense(1, name="b")])
    clone = gk.models.clone_model(model)
    assert isinstance(clone, gk.Sequential)
    assert [layer.name for layer in clone.layers] == ["a", "b"]
    assert clone.count_params() == model.count_params() == 21
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_a_subclassed_model_and_bad_clone_functions_are_refused():
    class Free(gk.Model):
        def call(self, inputs):
            return inputs

    with pytest.raises(ValueError, match="subclassed model has no graph"):
        gk.models.clone_model(Free())
    with pytest.raises(ValueError, match="clone_function must return a layer"):
        gk.models.clone_model(shared_pair_model(), clone_function=lambda layer: None)
    with pytest.raises(ValueError, match="unexpected arguments"):
        gk.models.clone_model(shared_pair_model(), cloning_mode="deep")
