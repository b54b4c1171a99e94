"""Per-call overhead: a 10-layer Dense(64, relu) MLP against the same math in raw NumPy.

``model(x)`` at batch 32 is timed against a hand-written loop of
``np.maximum(x @ kernel + bias, 0)`` over the model's own weights (target
<= 1.5x), and ``model.predict`` on 8,192 rows at batch 256 against the raw
loop run over the same batches and concatenated (target <= 1.15x). Both
references are measured in the same run; the results are checked equal.
"""

from __future__ import annotations

import numpy as np
from _timing import compare

import graphkeras as gk
from graphkeras import layers

DEPTH, WIDTH = 10, 64


def build_mlp() -> gk.Model:
    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(WIDTH,))
    tensor = inputs
    for _ in range(DEPTH):
        tensor = layers.Dense(WIDTH, activation="relu")(tensor)
    return gk.Model(inputs, tensor)


def main() -> None:
    model = build_mlp()
    weights = [(layer.kernel.numpy(), layer.bias.numpy()) for layer in model.layers[1:]]

    def raw_forward(x):
        for kernel, bias in weights:
            x = np.maximum(x @ kernel + bias, 0)
        return x

    def raw_predict(x, batch_size=256):
        return np.concatenate(
            [raw_forward(x[start : start + batch_size]) for start in range(0, len(x), batch_size)]
        )

    generator = np.random.default_rng(0)
    small = generator.standard_normal((32, WIDTH)).astype("float32")
    large = generator.standard_normal((8192, WIDTH)).astype("float32")
    np.testing.assert_allclose(model(small), raw_forward(small), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        model.predict(large, batch_size=256), raw_predict(large), rtol=1e-5, atol=1e-6
    )

    calls = compare(
        {"raw": lambda: raw_forward(small), "model": lambda: model(small)}, rounds=30, number=200
    )
    raw_call, model_call = calls["raw"], calls["model"]
    predicts = compare(
        {"raw": lambda: raw_predict(large), "model": lambda: model.predict(large, batch_size=256)},
        rounds=30,
        number=2,
    )
    raw_batches, model_predict = predicts["raw"], predicts["model"]

    print(f"model(x), batch 32, {DEPTH} x Dense({WIDTH}, relu):")
    print(
        f"  raw numpy {raw_call * 1e6:8.1f} us   graphkeras {model_call * 1e6:8.1f} us   "
        f"ratio {model_call / raw_call:.2f}x (target <= 1.5x)"
    )
    print("predict, 8,192 rows at batch 256:")
    print(
        f"  raw numpy {raw_batches * 1e3:8.2f} ms   graphkeras {model_predict * 1e3:8.2f} ms   "
        f"ratio {model_predict / raw_batches:.2f}x (target <= 1.15x)"
    )


if __name__ == "__main__":
    main()
