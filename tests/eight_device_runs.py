"""Training runs on eight simulated CPU devices, printed as JSON for test_distribution.py.

Run as a child process: JAX fixes its device count when it starts, so the
parent sets ``XLA_FLAGS=--xla_force_host_platform_device_count=8`` and
``GRAPHKERAS_BACKEND=jax`` for this process only. Each run trains the same
seeded model on one device and under a distribution; the parent compares.
"""

from __future__ import annotations

import json

import numpy as np

import graphkeras as gk
from graphkeras import layers
from graphkeras.distribution import (
    DataParallel,
    DeviceMesh,
    LayoutMap,
    ModelParallel,
    list_devices,
    set_distribution,
)

ROWS = 64


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, 12)).astype("float32")
    y = rng.integers(0, 4, size=(ROWS,))
    return x, y


def _mlp() -> gk.Model:
    inputs = gk.Input((12,))
    hidden = layers.Dense(16, activation="relu", name="dense_hidden")(inputs)
    hidden = layers.Dropout(0.25)(hidden)
    outputs = layers.Dense(4, name="dense_out")(hidden)
    model = gk.Model(inputs, outputs, name="mlp")
    model.compile(
        optimizer="adam",
        loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return model


def _train(distribution, steps_per_execution: int = 1) -> dict:
    """The seeded MLP trained for 3 epochs, under ``distribution`` (None: one device)."""
    gk.backend.clear_session()
    gk.utils.set_random_seed(7)
    set_distribution(distribution)
    try:
        model = _mlp()
        model.compile(
            optimizer="adam",
            loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
            steps_per_execution=steps_per_execution,
        )
        x, y = _data()
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0)
        evaluated = model.evaluate(x, y, batch_size=16, verbose=0)
        predicted = model.predict(x, batch_size=16)
        kernel = model.get_layer("dense_hidden").kernel.value
        return {
            "losses": history.history["loss"],
            "evaluated": [float(value) for value in evaluated],
            "predicted": np.asarray(predicted).tolist(),
            "weights": [w.tolist() for w in model.get_weights()],
            "kernel_sharding": _describe(kernel),
        }
    finally:
        set_distribution(None)


def _describe(array) -> dict:
    sharding = array.sharding
    return {
        "spec": [None if axis is None else str(axis) for axis in getattr(sharding, "spec", ())],
        "devices": len(sharding.device_set),
        "shard_shapes": sorted({tuple(shard.data.shape) for shard in array.addressable_shards}),
    }


def _model_parallel() -> ModelParallel:
    mesh = DeviceMesh((2, 4), ["batch", "model"], list_devices())
    layout_map = LayoutMap(mesh)
    layout_map["dense_hidden/kernel"] = (None, "model")
    layout_map["dense_hidden/bias"] = ("model",)
    layout_map["mlp/dense_hidden/output"] = ("batch", "model")
    return ModelParallel(layout_map=layout_map, batch_dim_name="batch")


def _refused_batch() -> str:
    set_distribution(DataParallel())
    try:
        model = _mlp()
        x, y = _data()
        try:
            model.fit(x, y, batch_size=12, epochs=1, verbose=0)
        except ValueError as error:
            return str(error)
        return "no error"
    finally:
        set_distribution(None)


def main() -> None:
    results = {
        "devices": list_devices(),
        "one_device": _train(None),
        "data_parallel": _train(DataParallel()),
        "data_parallel_folded": _train(DataParallel(), steps_per_execution=2),
        "model_parallel": _train(_model_parallel()),
        "refused_batch": _refused_batch(),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
