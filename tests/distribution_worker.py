"""The child processes of test_jax_distribution_functions.py, run as a script.

JAX fixes its devices when it starts, so runs over several simulated CPU
devices (``XLA_FLAGS=--xla_force_host_platform_device_count=N``) or several
processes need processes of their own. Each command prints one line of JSON
(the last line of stdout; the collectives library may print lines before it)
for the test to check:

- ``placement``: one process over 8 devices; lists them, lays an array out
  over a 2 x 4 mesh and reads it back.
- ``data-parallel [JOB_ADDRESSES NUM_PROCESSES PROCESS_ID]``: one process of a
  multi-process run (``initialize`` reads the environment when no arguments
  are given); trains a linear regression data-parallel over every process's
  devices with plain JAX and prints the final weights.

The data and the training loop's settings live here so the test computes the
same loop on its own.
"""

from __future__ import annotations

import json
import sys

import numpy as np

#: The placement command's array: 4 x 8, exact in float32.
PLACEMENT_SHAPE = (4, 8)

ROWS = 32
BATCH_SIZE = 8
STEPS = 12
LEARNING_RATE = 0.1


def placement_value() -> np.ndarray:
    """The array the placement command lays out (values exact in float32)."""
    return (np.arange(np.prod(PLACEMENT_SHAPE)).reshape(PLACEMENT_SHAPE) / 8).astype("float32")


def regression_data() -> tuple[np.ndarray, np.ndarray]:
    """Features (ROWS, 3) and targets (ROWS, 1) of a noisy linear relation, float32."""
    rng = np.random.default_rng(16)
    features = rng.uniform(-1.0, 1.0, size=(ROWS, 3)).astype("float32")
    noise = rng.normal(0.0, 0.05, size=(ROWS, 1))
    targets = features @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + noise
    return features, targets.astype("float32")


def batch_rows(step: int) -> slice:
    """The rows of the data the batch of ``step`` holds (the data cycles)."""
    start = (step * BATCH_SIZE) % ROWS
    return slice(start, start + BATCH_SIZE)


def placement() -> dict:
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    from graphkeras.backend.jax_backend import distribution

    names = distribution.list_devices()
    mesh = Mesh(np.array(distribution.devices_by_name(names)).reshape(2, 4), ("batch", "model"))
    layout = NamedSharding(mesh, PartitionSpec(None, "model"))
    value = placement_value()
    placed = distribution.distribute_array(value, layout)
    try:
        distribution.distribute_array(value[:, :7], layout)
        indivisible_error = ""
    except ValueError as error:
        indivisible_error = str(error)
    return {
        "devices": names,
        "cpu_devices": distribution.list_devices("cpu"),
        "mesh_devices": [distribution.device_name(device) for device in mesh.devices.flat],
        "sharding_matches": placed.sharding == layout,
        "spec": [str(axis) for axis in placed.sharding.spec],
        "shards": [
            {
                "device": distribution.device_name(shard.device),
                "shape": list(shard.data.shape),
                "holds_its_slice": bool(np.array_equal(np.asarray(shard.data), value[shard.index])),
            }
            for shard in placed.addressable_shards
        ],
        "placed_again_is_same_object": distribution.distribute_array(placed, layout) is placed,
        "indivisible_error": indivisible_error,
        "read_back": distribution.to_host(placed).tolist(),
        "read_back_dtype": str(distribution.to_host(placed).dtype),
    }


def data_parallel(arguments: list[str]) -> dict:
    import jax
    import jax.numpy as jnp
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    from graphkeras.backend.jax_backend import distribution
    from graphkeras.backend.jax_backend import random as backend_random

    if arguments:
        job_addresses, num_processes, process_id = arguments
        distribution.initialize(job_addresses, int(num_processes), int(process_id))
    else:
        distribution.initialize()
    names = distribution.list_devices()
    mesh = Mesh(np.array(distribution.devices_by_name(names)), ("batch",))
    replicated = NamedSharding(mesh, PartitionSpec())
    by_rows = NamedSharding(mesh, PartitionSpec("batch"))

    def loss(weights, features, targets):
        predictions = features @ weights["kernel"] + weights["bias"]
        return jnp.mean((predictions - targets) ** 2)

    def sgd_step(weights, features, targets):
        gradients = jax.grad(loss)(weights, features, targets)
        return jax.tree.map(lambda weight, grad: weight - LEARNING_RATE * grad, weights, gradients)

    step = jax.jit(sgd_step, out_shardings=replicated, donate_argnums=0)
    features, targets = regression_data()
    weights = {
        name: distribution.distribute_array(np.zeros(shape, "float32"), replicated)
        for name, shape in (("kernel", (3, 1)), ("bias", (1,)))
    }
    first_weights = weights
    for index in range(STEPS):
        rows = batch_rows(index)
        weights = step(
            weights,
            distribution.distribute_array(features[rows], by_rows),
            distribution.distribute_array(targets[rows], by_rows),
        )
    sharded_features = distribution.distribute_array(features, by_rows)
    return {
        "process_index": distribution.process_index(),
        "process_count": distribution.process_count(),
        "devices": names,
        "local_batch_shard_shapes": [
            list(shard.data.shape)
            for shard in distribution.distribute_array(
                features[batch_rows(0)], by_rows
            ).addressable_shards
        ],
        "features_fully_addressable": sharded_features.is_fully_addressable,
        "features_read_back": bool(
            np.array_equal(distribution.to_host(sharded_features), features)
        ),
        "first_weights_donated": first_weights["kernel"].is_deleted(),
        "kernel": distribution.to_host(weights["kernel"]).tolist(),
        "bias": distribution.to_host(weights["bias"]).tolist(),
        "unseeded_draw": np.asarray(backend_random.random_uniform((3,))).tolist(),
    }


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    report = placement() if command == "placement" else data_parallel(rest)
    print(json.dumps(report), flush=True)
