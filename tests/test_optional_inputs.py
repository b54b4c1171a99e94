"""Input(optional=True): a model run with None for an input passes None to the layers it feeds.

As in Keras 3: an optional Input accepts None when the model runs on
arrays (call, predict, fit, evaluate); a required one refuses None with a
message that names it; the flag is part of the InputLayer's config.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


class AddIfGiven(layers.Layer):
    """``x + y``, or ``x`` alone when ``y`` is None: the layer an optional input feeds."""

    def call(self, x, y=None):
        return x if y is None else x + y

    def compute_output_shape(self, x_shape):
        return x_shape


X = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
EXTRA = np.array([[10.0, 0.0], [0.0, 10.0]], "float32")


def optional_model(as_dict: bool = False) -> gk.Model:
    """``sum(x + extra)`` (kernel of ones, no bias), where ``extra`` may be None."""
    x = gk.Input(shape=(2,), name="x")
    extra = gk.Input(shape=(2,), name="extra", optional=True)
    summed = layers.Dense(1, kernel_initializer="ones", use_bias=False, name="sum")(
        AddIfGiven()(x, extra)
    )
    return gk.Model({"x": x, "extra": extra} if as_dict else [x, extra], summed)


ROW_SUMS = X.sum(axis=1, keepdims=True)  # 3, 2
ROW_SUMS_WITH_EXTRA = (X + EXTRA).sum(axis=1, keepdims=True)  # 13, 12


def test_input_is_required_unless_marked_optional():
    assert gk.Input(shape=(2,)).node.outbound_layer.optional is False
    layer = gk.Input(shape=(2,), optional=True).node.outbound_layer
    assert layer.optional is True
    assert layer.get_config()["optional"] is True
    with pytest.raises(TypeError, match="optional must be True or False"):
        gk.layers.InputLayer(shape=(2,), optional="yes")


@pytest.mark.parametrize("as_dict", [False, True], ids=["list", "dict"])
def test_none_for_an_optional_input_reaches_the_layer_as_none(as_dict):
    model = optional_model(as_dict)
    without = {"x": X, "extra": None} if as_dict else [X, None]
    given = {"x": X, "extra": EXTRA} if as_dict else [X, EXTRA]
    np.testing.assert_array_equal(model(without), ROW_SUMS)
    np.testing.assert_array_equal(model(given), ROW_SUMS_WITH_EXTRA)
    np.testing.assert_array_equal(model.predict(without, verbose=0), ROW_SUMS)
    np.testing.assert_array_equal(model.predict_on_batch(without), ROW_SUMS)


def test_none_for_a_required_input_is_refused_naming_it():
    x, y = gk.Input(shape=(2,), name="x"), gk.Input(shape=(2,), name="y")
    model = gk.Model([x, y], AddIfGiven()(x, y))
    for run in (lambda: model([X, None]), lambda: model.predict([X, None], verbose=0)):
        with pytest.raises(ValueError, match=r"Input 'y' of layer \"model.*\" is not optional"):
            run()
    np.testing.assert_array_equal(model([X, EXTRA]), X + EXTRA)  # the model still works


def test_fit_and_evaluate_run_with_none_for_an_optional_input():
    model = optional_model(as_dict=True)
    model.compile(optimizer=gk.optimizers.SGD(learning_rate=0.0), loss="mse")
    targets = np.zeros((2, 1), "float32")
    expected = float(np.mean(ROW_SUMS**2))  # (9 + 4) / 2
    history = model.fit({"x": X, "extra": None}, targets, batch_size=1, epochs=1, verbose=0)
    np.testing.assert_allclose(history.history["loss"], [expected], rtol=1e-6)
    np.testing.assert_allclose(
        model.evaluate({"x": X, "extra": None}, targets, verbose=0), expected, rtol=1e-6
    )
    # A list for a dict-built model follows the sorted keys: "extra", then "x".
    np.testing.assert_allclose(model.train_on_batch([None, X], targets), expected, rtol=1e-6)


def test_fit_refuses_none_for_a_required_input_before_training():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    with pytest.raises(ValueError, match="Input 'x' .* is not optional"):
        model.fit([None], np.ones((4, 1)), verbose=0)
    for after, weight in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(after, weight)


def test_a_symbolic_call_with_none_is_refused():
    model = optional_model()
    with pytest.raises(ValueError, match=r"called on KerasTensors with None for \['extra'\]"):
        model([gk.Input(shape=(2,)), None])


def test_optional_survives_configs_model_files_and_cloning(tmp_path):
    model = optional_model()
    custom = {"AddIfGiven": AddIfGiven}
    rebuilt = [
        gk.Model.from_config(model.get_config(), custom_objects=custom),
        gk.models.clone_model(model),
    ]
    for name in ("model.gk", "model.keras"):  # graphkeras's archive and Keras 3's
        model.save(tmp_path / name)
        rebuilt.append(gk.models.load_model(tmp_path / name, custom_objects=custom))
    for copy in rebuilt:
        assert [layer.optional for layer in copy._input_layers] == [False, True]
        np.testing.assert_array_equal(copy([X, None]), ROW_SUMS)
