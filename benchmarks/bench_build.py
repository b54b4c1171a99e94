"""Build a chain of N Dense(16) layers, map it into a Model and run it once.

For N = 1,000 and 10,000 it prints the build time per layer (creating the
layers, calling them on KerasTensors, and ``Model(inputs, outputs)``), the
time of one run, and the ratio time(10,000) / time(1,000), which is 10 for
a linear build. As a raw-NumPy reference measured in the same run, it also
times creating the same weights with numpy and running the same chain by
hand. Targets: no RecursionError, <= 50 us per layer, ratio <= 12.
"""

from __future__ import annotations

import gc
import sys
import time

import numpy as np

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

WIDTH = 16


def build_chain(depth: int) -> tuple[float, float, gk.Model]:
    """Seconds to build a ``depth``-layer chain model, seconds to run it once, the model."""
    K.clear_session()
    gc.collect()  # start from a clean heap: layers and nodes of a dropped model form cycles
    start = time.perf_counter()
    inputs = gk.Input(shape=(WIDTH,))
    tensor = inputs
    for _ in range(depth):
        tensor = layers.Dense(WIDTH)(tensor)
    model = gk.Model(inputs, tensor)
    built = time.perf_counter()
    model(np.ones((1, WIDTH), dtype="float32"))
    return built - start, time.perf_counter() - built, model


def raw_numpy_chain(depth: int) -> float:
    """Seconds to draw the same weights with numpy and run the chain by hand."""
    start = time.perf_counter()
    generator = np.random.default_rng(0)
    limit = np.sqrt(6.0 / (2 * WIDTH))
    weights = [
        (
            generator.uniform(-limit, limit, (WIDTH, WIDTH)).astype("float32"),
            np.zeros(WIDTH, dtype="float32"),
        )
        for _ in range(depth)
    ]
    values = np.ones((1, WIDTH), dtype="float32")
    for kernel, bias in weights:
        values = values @ kernel + bias
    return time.perf_counter() - start


def main() -> None:
    build_chain(200)  # warm-up: imports, caches
    rounds = 5
    sizes = (1_000, 10_000)
    # The machine is shared and its speed drifts: both sizes and both references
    # are measured in alternation, and each keeps its fastest round.
    builds = dict.fromkeys(sizes, float("inf"))
    runs = dict.fromkeys(sizes, float("inf"))
    raws = dict.fromkeys(sizes, float("inf"))
    for _ in range(rounds):
        for depth in sizes:
            build_seconds, run_seconds, model = build_chain(depth)
            assert len(model.layers) == depth + 1
            del model
            builds[depth] = min(builds[depth], build_seconds)
            runs[depth] = min(runs[depth], run_seconds)
            raws[depth] = min(raws[depth], raw_numpy_chain(depth))
    for depth in sizes:
        print(
            f"N={depth:>6,}: build {builds[depth] * 1e6 / depth:6.1f} us/layer "
            f"({builds[depth]:.3f} s), run once {runs[depth] * 1e3:7.2f} ms, "
            f"raw numpy weights+run {raws[depth] * 1e3:7.2f} ms, "
            f"build / raw = {builds[depth] / raws[depth]:5.1f}x"
        )
    ratio = builds[10_000] / builds[1_000]
    per_layer = builds[10_000] * 1e6 / 10_000
    print(f"(best of {rounds} interleaved rounds each)")
    print(f"time(10,000) / time(1,000) = {ratio:.2f} (linear: 10; target <= 12)")
    print(f"build per layer at N=10,000 = {per_layer:.1f} us (target <= 50)")
    print(f"recursion limit {sys.getrecursionlimit()}: no RecursionError at depth 10,000")


if __name__ == "__main__":
    main()
