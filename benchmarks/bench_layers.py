"""Conv2D and LSTM layer speed against raw NumPy written the direct way.

Run: ``python benchmarks/bench_layers.py``

Conv2D(32, 3x3, padding="same") on a 64x32x32x16 float32 batch: the
reference pads, takes the 3x3 windows with ``as_strided`` (im2col) and does
one matrix product; its backward pass is two matrix products and a
scatter-add over the nine kernel offsets. LSTM(128) over 64 sequences of 50
steps of 32 features: the reference is what one writes by hand, a loop over
the timesteps (one matrix product per step for the recurrence, the gates
sliced out) and hand-written backpropagation through time over the cached
gates.
graphkeras runs the layers eagerly, and for forward+backward takes the
gradient of a scalar through ``K.GradientTape`` with respect to every
weight (and, for the convolution, the input). Every pair is checked to
agree first, then timed in alternation (best of several rounds,
``_timing.compare``). The target is a ratio of at most 1.3.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import as_strided

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compare  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras import backend as K  # noqa: E402
from graphkeras import layers  # noqa: E402

IMAGES, SIZE, CHANNELS, FILTERS = 64, 32, 16, 32
BATCH, TIMESTEPS, FEATURES, UNITS = 64, 50, 32, 128


# ---------------------------------------------------------------- LSTM
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def lstm_raw_forward(x, kernel, recurrent_kernel, bias, keep: bool = False):
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


def lstm_raw_forward_backward(x, kernel, recurrent_kernel, bias, weighting):
    """Gradients of ``sum(last_h * weighting)`` by hand-written BPTT."""
    _, cache = lstm_raw_forward(x, kernel, recurrent_kernel, bias, keep=True)
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


# ---------------------------------------------------------------- convolution
def conv_columns(x: np.ndarray) -> np.ndarray:
    """The 3x3 'same' windows of ``x`` as rows of an im2col matrix."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    s = padded.strides
    windows = as_strided(
        padded,
        (IMAGES, SIZE, SIZE, 3, 3, CHANNELS),
        (s[0], s[1], s[2], s[1], s[2], s[3]),
        writeable=False,
    )
    return windows.reshape(IMAGES * SIZE * SIZE, 9 * CHANNELS)


def conv_raw_forward(x, kernel_matrix, bias):
    return (conv_columns(x) @ kernel_matrix + bias).reshape(IMAGES, SIZE, SIZE, FILTERS)


def conv_raw_forward_backward(x, kernel_matrix, bias):
    """Gradients of ``sum(conv(x))`` for the kernel, the bias and the input."""
    columns = conv_columns(x)
    y = columns @ kernel_matrix + bias
    upstream = np.ones_like(y)
    d_kernel = (columns.T @ upstream).reshape(3, 3, CHANNELS, FILTERS)
    d_bias = upstream.sum(axis=0)
    d_columns = (upstream @ kernel_matrix.T).reshape(IMAGES, SIZE, SIZE, 3, 3, CHANNELS)
    d_padded = np.zeros((IMAGES, SIZE + 2, SIZE + 2, CHANNELS), np.float32)
    for i in range(3):
        for j in range(3):
            d_padded[:, i : i + SIZE, j : j + SIZE] += d_columns[:, :, :, i, j]
    return d_kernel, d_bias, d_padded[:, 1:-1, 1:-1]


def conv_rows(rounds: int) -> dict:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((IMAGES, SIZE, SIZE, CHANNELS)).astype("float32")
    layer = layers.Conv2D(FILTERS, 3, padding="same")
    layer(x)
    kernel, bias = layer.get_weights()
    kernel_matrix = kernel.reshape(9 * CHANNELS, FILTERS)

    def ours_forward_backward():
        inputs = K.convert_to_tensor(x)
        with K.GradientTape() as tape:
            tape.watch(inputs)
            loss = K.sum(layer(inputs))
        return tape.gradient(loss, [layer.kernel, layer.bias, inputs])

    ours = K.convert_to_numpy(layer(x))
    np.testing.assert_allclose(ours, conv_raw_forward(x, kernel_matrix, bias), rtol=1e-4, atol=1e-4)
    raw_gradients = conv_raw_forward_backward(x, kernel_matrix, bias)
    for ours, raw in zip(ours_forward_backward(), raw_gradients, strict=True):
        scale = np.max(np.abs(raw))
        assert np.max(np.abs(K.convert_to_numpy(ours) - raw)) <= 1e-4 * scale

    return compare(
        {
            "raw forward": lambda: conv_raw_forward(x, kernel_matrix, bias),
            "Conv2D forward": lambda: layer(x),
            "raw forward+backward": lambda: conv_raw_forward_backward(x, kernel_matrix, bias),
            "Conv2D forward+backward": ours_forward_backward,
        },
        rounds=rounds,
    )


def lstm_rows(rounds: int) -> dict:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, TIMESTEPS, FEATURES)).astype("float32")
    weighting = rng.normal(size=(BATCH, UNITS)).astype("float32")
    layer = layers.LSTM(UNITS)
    layer(x)
    kernel, recurrent_kernel, bias = layer.get_weights()

    def ours_forward_backward():
        with K.GradientTape() as tape:
            loss = K.sum(K.multiply(layer(x), weighting))
        return tape.gradient(loss, layer.trainable_weights)

    def raw_forward():
        return lstm_raw_forward(x, kernel, recurrent_kernel, bias)[0]

    def raw_forward_backward():
        return lstm_raw_forward_backward(x, kernel, recurrent_kernel, bias, weighting)

    ours = K.convert_to_numpy(layer(x))
    np.testing.assert_allclose(ours, raw_forward(), rtol=1e-4, atol=1e-5)
    for ours, raw in zip(ours_forward_backward(), raw_forward_backward(), strict=True):
        scale = np.max(np.abs(raw))
        assert np.max(np.abs(K.convert_to_numpy(ours) - raw)) <= 1e-4 * scale

    return compare(
        {
            "raw forward": raw_forward,
            "LSTM forward": lambda: layer(x),
            "raw forward+backward": raw_forward_backward,
            "LSTM forward+backward": ours_forward_backward,
        },
        rounds=rounds,
    )


def report(title: str, name: str, best: dict) -> None:
    print(title)
    for key, seconds in best.items():
        print(f"  {key:26s} {seconds * 1e3:8.2f} ms")
    for part in ("forward", "forward+backward"):
        ratio = best[f"{name} {part}"] / best[f"raw {part}"]
        print(f"  {part + ' ratio':26s} {ratio:8.2f}x  (target <= 1.30x)")


def main() -> None:
    gk.utils.set_random_seed(0)
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    report(
        f"Conv2D({FILTERS}, 3x3, same) on {IMAGES}x{SIZE}x{SIZE}x{CHANNELS} float32:",
        "Conv2D",
        conv_rows(rounds),
    )
    report(f"LSTM({UNITS}) over {BATCH}x{TIMESTEPS}x{FEATURES} float32:", "LSTM", lstm_rows(rounds))


if __name__ == "__main__":
    main()
