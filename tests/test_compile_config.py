"""compile's arguments written as JSON and read back (the compile half of model files)."""

import json

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers


def two_output_model():
    inputs = gk.Input((4,), name="x")
    first = layers.Dense(3, name="a")(inputs)
    second = layers.Dense(2, activation="sigmoid", name="b")(inputs)
    return gk.Model(inputs, [first, second])


def through_json(config):
    return json.loads(json.dumps(config))


def test_uncompiled_model_has_no_compile_config():
    assert two_output_model().get_compile_config() is None


@pytest.mark.parametrize(
    "arguments",
    [
        dict(
            optimizer=gk.optimizers.Adam(1e-3),
            loss=["mse", gk.losses.Huber(delta=2.0)],
            metrics=[["mae"], [gk.metrics.AUC(num_thresholds=50)]],
        ),
        dict(
            optimizer="sgd",
            loss={"a": "mse", "b": gk.losses.BinaryCrossentropy()},
            loss_weights={"a": 0.5, "b": 2.0},
            metrics={"a": "mae"},
            weighted_metrics={"b": ["accuracy"]},
        ),
    ],
    ids=["lists", "dicts"],
)
def test_compile_config_round_trips_through_json(arguments):
    model = two_output_model()
    model.compile(**arguments)
    config = model.get_compile_config()
    copy = two_output_model()
    copy.compile_from_config(through_json(config))
    assert copy.get_compile_config() == config
    assert type(copy.optimizer) is type(model.optimizer)
    assert float(copy.optimizer.learning_rate) == pytest.approx(
        float(model.optimizer.learning_rate)
    )


def test_loss_object_config_is_kept_whole():
    model = two_output_model()
    model.compile(optimizer="adam", loss=["mse", gk.losses.Huber(delta=2.0)])
    copy = two_output_model()
    copy.compile_from_config(through_json(model.get_compile_config()))
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = [np.zeros((8, 3), "float32"), np.full((8, 2), 3.0, "float32")]
    copy.set_weights(model.get_weights())
    assert copy.evaluate(x, y, verbose=0) == pytest.approx(
        model.evaluate(x, y, verbose=0), rel=1e-6
    )


def test_unregistered_loss_function_cannot_be_written():
    def private_loss(y_true, y_pred):
        return gk.ops.mean(gk.ops.abs(y_true - y_pred), axis=-1)

    model = two_output_model()
    model.compile(optimizer="sgd", loss=private_loss)
    with pytest.raises(ValueError, match="private_loss"):
        model.get_compile_config()
