"""Peak memory of ``predict`` through a 1,000-layer chain: intermediates are freed.

Each Dense(64) layer of the chain makes one activation of batch x 64 floats.
If the execution plan kept them all, a predict would peak near 1,000
activations; freeing each array after its last reader keeps the peak at a
few. tracemalloc sees numpy's allocations, so the peak it reports (minus
the inputs and weights that exist before the call) is what predict itself
needed. The raw-NumPy reference runs the same chain by hand, holding one
activation at a time, in the same run.
"""

from __future__ import annotations

import tracemalloc

import numpy as np

import graphkeras as gk
from graphkeras import layers

DEPTH, WIDTH, ROWS, BATCH = 1_000, 64, 4_096, 512


def peak_bytes(function) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - baseline


def main() -> None:
    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(WIDTH,))
    tensor = inputs
    for _ in range(DEPTH):
        tensor = layers.Dense(WIDTH, kernel_initializer="orthogonal")(tensor)
    model = gk.Model(inputs, tensor)
    weights = [(layer.kernel.numpy(), layer.bias.numpy()) for layer in model.layers[1:]]
    x = np.random.default_rng(0).standard_normal((ROWS, WIDTH)).astype("float32")

    def raw_predict():
        parts = []
        for start in range(0, ROWS, BATCH):
            value = x[start : start + BATCH]
            for kernel, bias in weights:
                value = value @ kernel + bias
            parts.append(value)
        return np.concatenate(parts)

    np.testing.assert_allclose(
        model.predict(x, batch_size=BATCH), raw_predict(), rtol=1e-3, atol=1e-3
    )
    activation = BATCH * WIDTH * 4
    output = ROWS * WIDTH * 4
    model_peak = peak_bytes(lambda: model.predict(x, batch_size=BATCH))
    raw_peak = peak_bytes(raw_predict)
    print(
        f"predict through a {DEPTH:,}-layer Dense({WIDTH}) chain, {ROWS:,} rows at batch {BATCH}:"
    )
    print(
        f"  one activation = {activation / 1e6:.3f} MB; the output = {output / 1e6:.3f} MB; "
        f"all {DEPTH:,} activations of one batch = {DEPTH * activation / 1e6:.1f} MB"
    )
    print(f"  raw numpy peak  {raw_peak / 1e6:7.3f} MB = {raw_peak / activation:5.1f} activations")
    print(
        f"  graphkeras peak {model_peak / 1e6:7.3f} MB = {model_peak / activation:5.1f} activations"
        f" (ratio to raw {model_peak / raw_peak:.2f}x)"
    )


if __name__ == "__main__":
    main()
