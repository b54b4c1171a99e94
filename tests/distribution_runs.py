"""Training runs under gk.distribution in child processes, as JSON for test_distribution.py.

JAX fixes its devices when it starts, so each run is a process of its own,
started with ``XLA_FLAGS=--xla_force_host_platform_device_count=N`` and
``GRAPHKERAS_BACKEND=jax``. Commands (the last line of stdout is the report;
the collectives library may print lines before it):

- ``eight-devices``: the same seeded model trained on one device, with
  DataParallel over 8 devices (one and two steps per program) and with
  ModelParallel on a 2 x 4 mesh; a batch 8 devices do not divide.
- ``data-parallel [JOB_ADDRESSES NUM_PROCESSES PROCESS_ID]``: the model trained
  with DataParallel over every device of every process; with arguments, this
  process first joins a multi-process job with ``gk.distribution.initialize``.
"""

from __future__ import annotations

import json
import sys

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
        kernel = model.get_layer("dense_hidden").kernel
        return {
            "losses": history.history["loss"],
            "evaluated": [float(value) for value in evaluated],
            "predicted": np.asarray(predicted).tolist(),
            "one_row_called": np.asarray(model(x[:1])).tolist(),
            "weights": [w.tolist() for w in model.get_weights()],
            "kernel_sharding": _describe(kernel.value),
            "slot_shardings": [
                _describe(slot.value)
                for slot in model.optimizer.variables
                if (model.optimizer.slot_reference(slot) or (None,))[0] is kernel
            ],
        }
    finally:
        set_distribution(None)


def _train_embedding(distribution) -> dict:
    """A seeded Embedding -> mean -> Dense classifier trained for 2 epochs."""
    gk.backend.clear_session()
    gk.utils.set_random_seed(3)
    set_distribution(distribution)
    try:
        inputs = gk.Input((6,), dtype="int32")
        vectors = layers.Embedding(32, 8, name="embedding")(inputs)
        outputs = layers.Dense(4, name="dense_out")(layers.GlobalAveragePooling1D()(vectors))
        model = gk.Model(inputs, outputs, name="bag")
        model.compile(
            optimizer="adam", loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True)
        )
        rng = np.random.default_rng(1)
        x = rng.integers(0, 32, size=(ROWS, 6)).astype("int32")
        y = rng.integers(0, 4, size=(ROWS,))
        history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        return {
            "losses": history.history["loss"],
            "weights": [w.tolist() for w in model.get_weights()],
            "embeddings_sharding": _describe(model.get_layer("embedding").embeddings.value),
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
    layout_map["embedding/embeddings"] = (None, "model")
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


def data_parallel_process(arguments: list[str]) -> dict:
    """This process's part of a data-parallel fit over every process's devices."""
    from graphkeras.distribution import initialize

    if arguments:
        job_addresses, num_processes, process_id = arguments
        initialize(job_addresses, int(num_processes), int(process_id))
    report = _train(DataParallel())
    report["devices"] = list_devices()
    return report


def eight_devices() -> dict:
    return {
        "devices": list_devices(),
        "one_device": _train(None),
        "data_parallel": _train(DataParallel()),
        "data_parallel_folded": _train(DataParallel(), steps_per_execution=2),
        "model_parallel": _train(_model_parallel()),
        "embedding_one_device": _train_embedding(None),
        "embedding_model_parallel": _train_embedding(_model_parallel()),
        "refused_batch": _refused_batch(),
    }


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    report = eight_devices() if command == "eight-devices" else data_parallel_process(rest)
    print(json.dumps(report), flush=True)
