"""Depthwise and grouped convolution, and exact gelu, against references in the same run.

Run: ``python benchmarks/bench_conv.py`` (it pins BLAS to one thread itself).

* A 3x3 depthwise convolution (``padding="same"``) on a (32, 48, 48, 96)
  float32 batch, forward and backward (input and kernel gradients), three
  ways: the backend's kernels; the grouped im2col plus batched ``matmul``
  path the backend used before (rebuilt below as ``old_conv`` /
  ``old_conv_backward``, for this comparison only); and nine shifted
  multiply-adds written directly in NumPy.
* A grouped 3x3 convolution (96 -> 96 channels, ``groups=4``) on the same
  batch, forward and backward, the backend against the old path.
* Exact ``gelu`` against ``np.tanh`` on the same float32 array.

Every pair is checked to agree first, then timed in alternation (best of
several rounds, ``_timing.compare``) in this process's CPU time, since on a
shared machine a run of a tenth of a second rarely has a core to itself.
Targets: depthwise and grouped at least 4x faster than the old path
(forward and backward); exact gelu at most 2x ``np.tanh``.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy loads BLAS
os.environ["OMP_NUM_THREADS"] = "1"

import importlib  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compare  # noqa: E402

# The backend package re-exports the functions under the modules' names.
conv_module = importlib.import_module("graphkeras.backend.numpy_backend.conv")
nn_module = importlib.import_module("graphkeras.backend.numpy_backend.nn")

BATCH, SIZE, CHANNELS, GROUPS = 32, 48, 96, 4


# ------------------------------------------------- the old grouped-im2col path


def _old_columns(windows: np.ndarray, groups: int) -> np.ndarray:
    """``(groups, rows, taps * c_g)``: the windows copied, then transposed per group."""
    rows = math.prod(windows.shape[:3])
    channels = windows.shape[-1]
    grouped = windows.reshape(rows, 9, groups, channels // groups)
    return grouped.transpose(2, 0, 1, 3).reshape(groups, rows, 9 * (channels // groups))


def _old_geometry(x: np.ndarray, kernel: np.ndarray):
    return conv_module._conv_geometry("conv", x.shape, kernel.shape[:2], 1, "same", None, 1)


def old_conv(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """A 2-D ``same`` grouped convolution as the backend computed it before."""
    groups = x.shape[-1] // kernel.shape[-2]
    geometry = _old_geometry(x, kernel)
    windows = conv_module._windows(conv_module._pad(x, geometry.pads), geometry)
    product = _old_columns(windows, groups) @ conv_module._kernel_matrix(kernel, groups)
    merged = product.transpose(1, 0, 2).reshape(product.shape[1], -1)
    return merged.reshape((*x.shape[:-1], kernel.shape[-1]))


def old_conv_backward(upstream: np.ndarray, x: np.ndarray, kernel: np.ndarray):
    """``(input gradient, kernel gradient)`` of :func:`old_conv`, as computed before."""
    groups = x.shape[-1] // kernel.shape[-2]
    geometry = _old_geometry(x, kernel)
    padded = conv_module._pad(x, geometry.pads)
    windows = conv_module._windows(padded, geometry)
    gradient = upstream.reshape(-1, groups, kernel.shape[-1] // groups).transpose(1, 0, 2)
    columns = _old_columns(windows, groups)
    matrix = np.swapaxes(columns, -1, -2) @ gradient
    kernel_gradient = conv_module._kernel_from_matrix(matrix, kernel.shape, groups)
    window_columns = gradient @ np.swapaxes(conv_module._kernel_matrix(kernel, groups), -1, -2)
    window_gradient = (
        window_columns.reshape(groups, -1, 9, x.shape[-1] // groups)
        .transpose(1, 2, 0, 3)
        .reshape(windows.shape)
    )
    image = np.zeros(padded.shape, window_gradient.dtype)
    conv_module._add_windows(window_gradient, image, geometry)
    return conv_module._crop(image, geometry.pads, x.shape[1:-1]), kernel_gradient


# ------------------------------------------------ nine shifted multiply-adds


def shifted_depthwise(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """3x3 ``same`` depthwise convolution (multiplier 1) as nine shifted multiply-adds."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    height, width = x.shape[1:3]
    output = np.zeros_like(x)
    for i in range(3):
        for j in range(3):
            output += padded[:, i : i + height, j : j + width] * kernel[i, j, :, 0]
    return output


def shifted_depthwise_backward(upstream: np.ndarray, x: np.ndarray, kernel: np.ndarray):
    """Input and kernel gradients of :func:`shifted_depthwise`, nine shifts each."""
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    height, width = x.shape[1:3]
    padded_gradient = np.zeros_like(padded)
    kernel_gradient = np.zeros_like(kernel)
    for i in range(3):
        for j in range(3):
            window = (slice(None), slice(i, i + height), slice(j, j + width))
            padded_gradient[window] += upstream * kernel[i, j, :, 0]
            kernel_gradient[i, j, :, 0] = (padded[window] * upstream).sum(axis=(0, 1, 2))
    return padded_gradient[:, 1:-1, 1:-1], kernel_gradient


# ----------------------------------------------------------------------- main


def new_backward(upstream, x, kernel, op: str):
    arguments = {
        "x": x,
        "kernel": kernel,
        "strides": 1,
        "padding": "same",
        "data_format": "channels_last",
        "dilation_rate": 1,
    }
    gradient = getattr(conv_module, f"{op}_gradient")
    result = gradient(upstream, None, arguments, {"x": True, "kernel": True})
    return result["x"], result["kernel"]


def report(title: str, best: dict, baseline: str, candidate: str = "new") -> None:
    times = "   ".join(f"{name} {seconds * 1e3:8.1f} ms" for name, seconds in best.items())
    print(f"  {title:<22} {times}   {baseline}/{candidate} {best[baseline] / best[candidate]:.1f}x")


def check(ours, theirs, tolerance: float = 2e-3) -> None:
    for mine, reference in zip(ours, theirs, strict=True):
        scale = np.max(np.abs(reference))
        np.testing.assert_allclose(mine, reference, rtol=0, atol=tolerance * scale)


def main() -> None:
    generator = np.random.default_rng(0)
    x = generator.standard_normal((BATCH, SIZE, SIZE, CHANNELS)).astype("float32")
    upstream = generator.standard_normal(x.shape).astype("float32")
    depthwise = generator.standard_normal((3, 3, CHANNELS, 1)).astype("float32")
    grouped = generator.standard_normal((3, 3, CHANNELS // GROUPS, CHANNELS)).astype("float32")
    as_grouped = depthwise.reshape(3, 3, 1, CHANNELS)

    def depthwise_new():
        return conv_module.depthwise_conv(x, depthwise, padding="same")

    def depthwise_new_backward():
        return new_backward(upstream, x, depthwise, "depthwise_conv")

    def depthwise_old_backward():
        x_gradient, kernel_gradient = old_conv_backward(upstream, x, as_grouped)
        return x_gradient, kernel_gradient.reshape(depthwise.shape)

    check([depthwise_new()], [old_conv(x, as_grouped)])
    check([depthwise_new()], [shifted_depthwise(x, depthwise)])
    check(depthwise_new_backward(), depthwise_old_backward())
    check(depthwise_new_backward(), shifted_depthwise_backward(upstream, x, depthwise))
    check([conv_module.conv(x, grouped, padding="same")], [old_conv(x, grouped)])
    check(new_backward(upstream, x, grouped, "conv"), old_conv_backward(upstream, x, grouped))

    print(f"one BLAS thread, float32 ({BATCH}, {SIZE}, {SIZE}, {CHANNELS}), 3x3, padding='same':")
    forward = compare(
        {
            "old": lambda: old_conv(x, as_grouped),
            "shifted": lambda: shifted_depthwise(x, depthwise),
            "new": depthwise_new,
        },
        rounds=5,
        clock=time.process_time,
    )
    report("depthwise forward", forward, "old")
    report("", forward, "shifted")
    backward = compare(
        {
            "old": depthwise_old_backward,
            "shifted": lambda: shifted_depthwise_backward(upstream, x, depthwise),
            "new": depthwise_new_backward,
        },
        rounds=5,
        clock=time.process_time,
    )
    report("depthwise backward", backward, "old")
    report("", backward, "shifted")
    forward = compare(
        {
            "old": lambda: old_conv(x, grouped),
            "new": lambda: conv_module.conv(x, grouped, padding="same"),
        },
        rounds=5,
        clock=time.process_time,
    )
    report(f"groups={GROUPS} forward", forward, "old")
    backward = compare(
        {
            "old": lambda: old_conv_backward(upstream, x, grouped),
            "new": lambda: new_backward(upstream, x, grouped, "conv"),
        },
        rounds=5,
        clock=time.process_time,
    )
    report(f"groups={GROUPS} backward", backward, "old")

    values = x.reshape(-1)
    exact = nn_module.gelu(values.astype("float64"))
    bound = 1.5e-7 * np.maximum(1.0, np.abs(values))  # float32 precision, as nn.py states
    np.testing.assert_array_less(np.abs(nn_module.gelu(values) - exact), bound)
    activation = compare(
        {"tanh": lambda: np.tanh(values), "gelu": lambda: nn_module.gelu(values)},
        rounds=30,
        clock=time.process_time,
    )
    print(f"exact gelu on {values.size:,} float32 values:")
    report("gelu vs np.tanh", activation, "gelu", "tanh")


if __name__ == "__main__":
    main()
