"""Build a chain of N Dense(16) layers, map it into a Model and run it once.

For N = 1,000 and 10,000 it prints the build time per layer (creating the
layers, calling them on KerasTensors, and ``Model(inputs, outputs)``), the
time of one run, and the ratio time(10,000) / time(1,000), which is 10 for
a linear build. As a raw-NumPy reference measured in the same run, it also
times creating the same weights with numpy and running the same chain by
hand. Targets: no RecursionError, <= 50 us per layer, ratio <= 12.
"""

from __future__ import annotations

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
    results = {}
    for depth in (1_000, 10_000):
        build_seconds, run_seconds, model = build_chain(depth)
        raw_seconds = raw_numpy_chain(depth)
        assert len(model.layers) == depth + 1
        results[depth] = build_seconds
        print(
            f"N={depth:>6,}: build {build_seconds * 1e6 / depth:6.1f} us/layer "
            f"({build_seconds:.3f} s), run once {run_seconds * 1e3:7.2f} ms, "
            f"raw numpy weights+run {raw_seconds * 1e3:7.2f} ms, "
            f"build / raw = {build_seconds / raw_seconds:5.1f}x"
        )
        del model
    ratio = results[10_000] / results[1_000]
    per_layer = results[10_000] * 1e6 / 10_000
    print(f"time(10,000) / time(1,000) = {ratio:.2f} (linear: 10; target <= 12)")
    print(f"build per layer at N=10,000 = {per_layer:.1f} us (target <= 50)")
    print(f"recursion limit {sys.getrecursionlimit()}: no RecursionError at depth 10,000")


if __name__ == "__main__":
    main()
