"""LSTM layer speed against a raw-NumPy LSTM written the natural way.

Run: ``python benchmarks/bench_recurrent.py``

The reference is what one writes by hand: a forward loop over the timesteps
(one matrix product per step for the recurrence, the gates sliced out of
``z``), and for the backward pass hand-written backpropagation through time
over the cached gates. graphkeras runs ``layers.LSTM(128)`` eagerly on the
same batch of 64 sequences of 50 steps of 32 features, forward only and then
forward plus the gradient of a weighted sum of the last output through
``K.GradientTape`` with respect to all three weights. Both sides are timed in
alternation, best of several rounds (``_timing.compare``), and the gradients
are checked to agree first.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compare  # noqa: E402

from graphkeras import backend as K  # noqa: E402
from graphkeras import layers  # noqa: E402

BATCH, TIMESTEPS, FEATURES, UNITS = 64, 50, 32, 128


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def raw_forward(x, kernel, recurrent_kernel, bias, keep: bool = False):
    """The last h of a NumPy LSTM, and (with ``keep``) what backpropagation needs."""
    units = recurrent_kernel.shape[0]
    h = np.zeros((x.shape[0], units), x.dtype)
    c = np.zeros((x.shape[0], units), x.dtype)
    cache = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i = sigmoid(z[:, :units])
        f = sigmoid(z[:, units : 2 * units])
        g = np.tanh(z[:, 2 * units : 3 * units])
        o = sigmoid(z[:, 3 * units :])
        c_previous, h_previous = c, h
        c = f * c + i * g
        tanh_c = np.tanh(c)
        h = o * tanh_c
        if keep:
            cache.append((h_previous, c_previous, i, f, g, o, tanh_c))
    return h, cache


def raw_forward_backward(x, kernel, recurrent_kernel, bias, weighting):
    """Gradients of ``sum(last_h * weighting)`` by hand-written BPTT."""
    _, cache = raw_forward(x, kernel, recurrent_kernel, bias, keep=True)
    d_kernel = np.zeros_like(kernel)
    d_recurrent = np.zeros_like(recurrent_kernel)
    d_bias = np.zeros_like(bias)
    dh = weighting.copy()
    dc = np.zeros_like(dh)
    for t in reversed(range(x.shape[1])):
        h_previous, c_previous, i, f, g, o, tanh_c = cache[t]
        do = dh * tanh_c
        dc = dc + dh * o * (1 - tanh_c * tanh_c)
        di, dg, df = dc * g, dc * i, dc * c_previous
        dc = dc * f
        dz = np.concatenate(
            [di * i * (1 - i), df * f * (1 - f), dg * (1 - g * g), do * o * (1 - o)], axis=1
        )
        d_kernel += x[:, t].T @ dz
        d_recurrent += h_previous.T @ dz
        d_bias += dz.sum(axis=0)
        dh = dz @ recurrent_kernel.T
    return d_kernel, d_recurrent, d_bias


def main() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, TIMESTEPS, FEATURES)).astype("float32")
    weighting = rng.normal(size=(BATCH, UNITS)).astype("float32")
    layer = layers.LSTM(UNITS)
    layer(x)
    kernel, recurrent_kernel, bias = layer.get_weights()

    def ours_forward():
        return layer(x)

    def ours_forward_backward():
        with K.GradientTape() as tape:
            loss = K.sum(K.multiply(layer(x), weighting))
        return tape.gradient(loss, layer.trainable_weights)

    def raw_fwd():
        return raw_forward(x, kernel, recurrent_kernel, bias)[0]

    def raw_fwd_bwd():
        return raw_forward_backward(x, kernel, recurrent_kernel, bias, weighting)

    np.testing.assert_allclose(K.convert_to_numpy(ours_forward()), raw_fwd(), rtol=1e-4, atol=1e-5)
    for ours, raw in zip(ours_forward_backward(), raw_fwd_bwd(), strict=True):
        scale = np.max(np.abs(raw))
        assert np.max(np.abs(K.convert_to_numpy(ours) - raw)) <= 1e-4 * scale

    best = compare(
        {
            "raw forward": raw_fwd,
            "LSTM forward": ours_forward,
            "raw forward+backward": raw_fwd_bwd,
            "LSTM forward+backward": ours_forward_backward,
        },
        rounds=15,
    )
    for name, seconds in best.items():
        print(f"{name:24s} {seconds * 1e3:8.2f} ms")
    print(f"forward ratio           {best['LSTM forward'] / best['raw forward']:8.2f}x")
    print(
        f"forward+backward ratio  "
        f"{best['LSTM forward+backward'] / best['raw forward+backward']:8.2f}x"
    )


if __name__ == "__main__":
    main()
