"""Peak memory through a 1,000-layer chain: intermediates are freed as the graph runs.

Each Dense(64) layer makes one activation of batch x 64 floats. Were the
execution plan to keep them, one batch would peak near 1,000 activations;
freeing each array after its last reader keeps the peak at a few. tracemalloc
sees numpy's allocations, so the peak it reports (above what existed before
the call) is what the call itself needed. Two measurements, each against the
same chain run by hand in raw NumPy in the same run: one batch through
``model(x)``, and ``predict`` over several batches (whose output and the
per-batch pieces it is joined from are counted separately).
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
    batch = x[:BATCH]

    def raw_batch():
        value = batch
        for kernel, bias in weights:
            value = value @ kernel + bias
        return value

    model_batch_peak = peak_bytes(lambda: model(batch))
    raw_batch_peak = peak_bytes(raw_batch)
    model_peak = peak_bytes(lambda: model.predict(x, batch_size=BATCH))
    raw_peak = peak_bytes(raw_predict)
    print(
        f"a {DEPTH:,}-layer Dense({WIDTH}) chain; one activation (batch {BATCH}) = "
        f"{activation / 1e6:.3f} MB; all {DEPTH:,} activations of a batch = "
        f"{DEPTH * activation / 1e6:.1f} MB"
    )
    print("one batch, model(x):")
    print(
        f"  raw numpy peak  {raw_batch_peak / 1e6:7.3f} MB = "
        f"{raw_batch_peak / activation:5.1f} activations"
    )
    print(
        f"  graphkeras peak {model_batch_peak / 1e6:7.3f} MB = "
        f"{model_batch_peak / activation:5.1f} activations "
        f"(ratio to raw {model_batch_peak / raw_batch_peak:.2f}x)"
    )
    print(
        f"predict, {ROWS:,} rows at batch {BATCH} (the output alone is "
        f"{output / 1e6:.3f} MB = {output / activation:.0f} activations):"
    )
    print(
        f"  raw numpy peak  {raw_peak / 1e6:7.3f} MB = "
        f"{(raw_peak - output) / activation:5.1f} activations beyond the output"
    )
    print(
        f"  graphkeras peak {model_peak / 1e6:7.3f} MB = "
        f"{(model_peak - output) / activation:5.1f} activations beyond the output "
        f"(ratio to raw {model_peak / raw_peak:.2f}x)"
    )


if __name__ == "__main__":
    main()
