"""The gradient of every differentiable numpy-backend op.

Each function has the signature ``(upstream, output, arguments, needs)``
used by :func:`autodiff.differentiable`: ``upstream`` is the gradient of the
target with respect to the op's output, ``arguments`` the call's arguments
by parameter name, ``needs`` which inputs want a gradient. It returns the
input gradients by parameter name, each with its input's shape (gradients
of broadcast operands are summed back to the operand's shape).

``GRADIENTS`` maps op name to ``(gradient, differentiable inputs)``;
``NOT_DIFFERENTIABLE`` lists ops that are recorded but have no gradient
(comparisons, logic, ``argmax``): a gradient reaching them is an error.
"""

from __future__ import annotations

import math

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.numpy_backend import nn
from graphkeras.backend.numpy_backend.autodiff import NotDifferentiableError
from graphkeras.backend.numpy_backend.variable import Variable

_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
_TWO_OVER_SQRT_PI = 2.0 / np.sqrt(np.pi)
_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def _v(x):
    """The array behind an argument (a Variable's value; numbers as arrays)."""
    if type(x) is np.ndarray:
        return x
    if type(x) is Variable:
        return x.value
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def unbroadcast(gradient: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``gradient`` over the axes broadcasting added, back to ``shape``."""
    if gradient.shape == shape or gradient.shape == tuple(shape):
        return gradient
    extra = gradient.ndim - len(shape)
    if extra > 0:
        gradient = gradient.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, dim in enumerate(shape) if dim == 1 and gradient.shape[i] != 1)
    if axes:
        gradient = gradient.sum(axis=axes, keepdims=True)
    return gradient.reshape(shape)


def _cast_like(gradient, reference) -> np.ndarray:
    dtype = reference.dtype if type(reference) is np.ndarray else _v(reference).dtype
    return gradient.astype(dtype, copy=False) if gradient.dtype != dtype else gradient


# ------------------------------------------------------------- element-wise


def _binary(upstream, arguments, needs, x_part, y_part, names=("x", "y")) -> dict:
    """Gradients of a broadcasting two-input op whose inputs are called ``names``.

    ``x_part(upstream, x, y)`` and ``y_part(...)`` give each input's gradient
    at the output's shape; it is summed back to the input's shape.
    """
    x_name, y_name = names
    x, y = _v(arguments[x_name]), _v(arguments[y_name])
    result = {}
    if needs[x_name]:
        result[x_name] = _cast_like(unbroadcast(x_part(upstream, x, y), x.shape), x)
    if needs[y_name]:
        result[y_name] = _cast_like(unbroadcast(y_part(upstream, x, y), y.shape), y)
    return result


def add_gradient(upstream, output, arguments, needs):
    return _binary(upstream, arguments, needs, lambda g, x, y: g, lambda g, x, y: g)


def subtract_gradient(upstream, output, arguments, needs):
    return _binary(upstream, arguments, needs, lambda g, x, y: g, lambda g, x, y: -g)


def multiply_gradient(upstream, output, arguments, needs):
    return _binary(upstream, arguments, needs, lambda g, x, y: g * y, lambda g, x, y: g * x)


def divide_gradient(upstream, output, arguments, needs):
    return _binary(
        upstream, arguments, needs, lambda g, x, y: g / y, lambda g, x, y: -g * output / y
    )


def power_gradient(upstream, output, arguments, needs):
    def y_part(g, x, y):
        safe = np.where(x > 0, x, 1)
        return g * output * np.where(x > 0, np.log(safe), 0)

    return _binary(upstream, arguments, needs, lambda g, x, y: g * y * np.power(x, y - 1), y_part)


def maximum_gradient(upstream, output, arguments, needs):
    return _binary(
        upstream, arguments, needs, lambda g, x, y: g * (x >= y), lambda g, x, y: g * (x < y)
    )


def minimum_gradient(upstream, output, arguments, needs):
    return _binary(
        upstream, arguments, needs, lambda g, x, y: g * (x <= y), lambda g, x, y: g * (x > y)
    )


def where_gradient(upstream, output, arguments, needs):
    condition = _v(arguments["condition"])
    zero = np.zeros((), dtype=upstream.dtype)
    return _binary(
        upstream,
        arguments,
        needs,
        lambda g, x, y: np.where(condition, g, zero),
        lambda g, x, y: np.where(condition, zero, g),
    )


def _unary(function):
    """A gradient for a one-input op: ``function(upstream, x, output)``."""

    def gradient(upstream, output, arguments, needs):
        x = _v(arguments["x"])
        return {"x": _cast_like(function(upstream, x, output, arguments), x)}

    gradient.__name__ = function.__name__
    return gradient


@_unary
def negative_gradient(g, x, out, a):
    return -g


@_unary
def abs_gradient(g, x, out, a):
    return g * np.sign(x)


@_unary
def zero_gradient(g, x, out, a):
    """The gradient of a piecewise-constant op (sign, floor, round): zero.

    Its derivative is 0 wherever it exists; at the jumps JAX gives 0 too.
    """
    return np.zeros_like(g)


sign_gradient = zero_gradient


@_unary
def sqrt_gradient(g, x, out, a):
    return g / (2 * out)


@_unary
def square_gradient(g, x, out, a):
    return 2 * g * x


@_unary
def exp_gradient(g, x, out, a):
    return g * out


@_unary
def log_gradient(g, x, out, a):
    return g / x


@_unary
def clip_gradient(g, x, out, a):
    inside = np.ones(x.shape, dtype=bool)
    if a.get("min_value") is not None:
        inside &= x >= a["min_value"]
    if a.get("max_value") is not None:
        inside &= x <= a["max_value"]
    return g * inside


@_unary
def tanh_gradient(g, x, out, a):
    return g * (1 - out * out)


@_unary
def sigmoid_gradient(g, x, out, a):
    return g * out * (1 - out)


@_unary
def relu_gradient(g, x, out, a):
    slope, max_value, threshold = a["negative_slope"], a["max_value"], a["threshold"]
    if not slope and max_value is None and threshold == 0:
        return g * (x > 0)  # the plain ReLU: one pass, no float mask
    positive = x > threshold if threshold != 0 else x > 0
    if max_value is not None:
        # The positive part is clipped to [0, max_value] (a negative threshold lets x < 0 in).
        positive = positive & (x > 0) & (x < max_value)
    derivative = positive.astype(g.dtype)
    if slope:
        derivative = derivative + slope * (x < threshold)
    return g * derivative


@_unary
def relu6_gradient(g, x, out, a):
    return g * ((x > 0) & (x < 6))


@_unary
def leaky_relu_gradient(g, x, out, a):
    return g * np.where(x >= 0, 1, a["negative_slope"]).astype(g.dtype)


@_unary
def elu_gradient(g, x, out, a):
    return g * np.where(x > 0, 1, out + a["alpha"])


@_unary
def selu_gradient(g, x, out, a):
    return g * np.where(x > 0, _SELU_SCALE, out + _SELU_SCALE * _SELU_ALPHA)


@_unary
def celu_gradient(g, x, out, a):
    return g * np.where(x > 0, 1, np.exp(np.minimum(x, 0) / a["alpha"]))


@_unary
def gelu_gradient(g, x, out, a):
    if a["approximate"]:
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x**3)
        t = np.tanh(inner)
        derivative = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (
            1 + 3 * 0.044715 * x * x
        )
        return g * derivative
    return g * _exact_gelu_derivative(x, np.asarray(out))


# Below this |x| the cdf is 1/2 to every float precision (and out / x is 0 / 0).
_CDF_IS_HALF = 2.0**-60


def _exact_gelu_derivative(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``Φ(x) + x φ(x)``, in ``x``'s dtype, with ``Φ(x) = gelu(x) / x`` from the forward output.

    The forward pass already holds ``x Φ(x)`` with relative accuracy (the
    tails included), so one division recovers the cdf and only ``φ`` (one
    ``exp``) is new work; where ``|x|`` is too small for the quotient the
    cdf is exactly 1/2. Every step runs in place on one scratch array.
    """
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    x = x.astype(dtype, copy=False)
    derivative = np.full(x.shape, 0.5, dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        np.divide(out, x, out=derivative, where=np.abs(x) >= _CDF_IS_HALF, casting="unsafe")
        density = np.multiply(x, x)
        density *= dtype.type(-0.5)
        np.exp(density, out=density)
        density *= x
        density *= dtype.type(1 / math.sqrt(2 * math.pi))
        derivative += density
    return derivative


@_unary
def hard_sigmoid_gradient(g, x, out, a):
    return g * ((x > -3) & (x < 3)) / 6


@_unary
def silu_gradient(g, x, out, a):
    s = nn.sigmoid(x)
    return g * (s + x * s * (1 - s))


@_unary
def hard_silu_gradient(g, x, out, a):
    inside = (x > -3) & (x < 3)
    return g * (nn.hard_sigmoid(x) + x * inside / 6)


@_unary
def softplus_gradient(g, x, out, a):
    return g * nn.sigmoid(x)


@_unary
def softsign_gradient(g, x, out, a):
    return g / np.square(1 + np.abs(x))


@_unary
def mish_gradient(g, x, out, a):
    t = np.tanh(nn.softplus(x))
    return g * (t + x * (1 - t * t) * nn.sigmoid(x))


@_unary
def erf_gradient(g, x, out, a):
    return g * _TWO_OVER_SQRT_PI * np.exp(-x * x)


@_unary
def erfc_gradient(g, x, out, a):
    return -g * _TWO_OVER_SQRT_PI * np.exp(-x * x)


@_unary
def softmax_gradient(g, x, out, a):
    axis = a["axis"]
    return out * (g - np.sum(g * out, axis=axis, keepdims=True))


@_unary
def log_softmax_gradient(g, x, out, a):
    axis = a["axis"]
    return g - np.exp(out) * np.sum(g, axis=axis, keepdims=True)


# ---------------------------------------------------------------- reductions


def _axes(axis, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(a % ndim for a in axis)


def _expand_reduced(value, x, a) -> np.ndarray:
    """A reduction's output (or its gradient) with the reduced axes back as length 1."""
    value = np.asarray(value)
    if a["keepdims"]:
        return value
    reduced = _axes(a["axis"], x.ndim)
    return np.reshape(value, [1 if i in reduced else d for i, d in enumerate(x.shape)])


def _spread_to(value: np.ndarray, shape: tuple) -> np.ndarray:
    """``value`` broadcast to ``shape``, as a new writable array (``broadcast_to`` then copy)."""
    spread = np.empty(shape, dtype=value.dtype)
    spread[...] = value
    return spread


@_unary
def sum_gradient(g, x, out, a):
    return _spread_to(_expand_reduced(g, x, a), x.shape)


@_unary
def mean_gradient(g, x, out, a):
    count = math.prod(x.shape[i] for i in _axes(a["axis"], x.ndim))
    return _spread_to(_expand_reduced(g, x, a) / count, x.shape)


def _extreme_gradient(g, x, out, a):
    """max/min: split the gradient equally between the entries that reach the extreme."""
    hits = x == _expand_reduced(out, x, a)
    count = np.sum(hits, axis=_axes(a["axis"], x.ndim), keepdims=True)
    return _expand_reduced(g, x, a) * hits / count


max_gradient = _unary(_extreme_gradient)
min_gradient = _unary(_extreme_gradient)


@_unary
def prod_gradient(g, x, out, a):
    # The product of all the other entries, exact even when some are zero.
    axes = _axes(a["axis"], x.ndim)
    moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0)))
    flat = moved.reshape(moved.shape[: moved.ndim - len(axes)] + (-1,))
    before = np.cumprod(np.concatenate([np.ones_like(flat[..., :1]), flat[..., :-1]], -1), -1)
    after = np.flip(
        np.cumprod(
            np.concatenate([np.ones_like(flat[..., :1]), np.flip(flat, -1)[..., :-1]], -1), -1
        ),
        -1,
    )
    others = np.moveaxis((before * after).reshape(moved.shape), tuple(range(-len(axes), 0)), axes)
    return _expand_reduced(g, x, a) * others


@_unary
def var_gradient(g, x, out, a):
    axes = _axes(a["axis"], x.ndim)
    count = np.prod([x.shape[i] for i in axes], dtype=np.int64)
    centred = x - np.mean(x, axis=axes, keepdims=True)
    return _expand_reduced(g, x, a) * 2 * centred / count


@_unary
def std_gradient(g, x, out, a):
    axes = _axes(a["axis"], x.ndim)
    count = np.prod([x.shape[i] for i in axes], dtype=np.int64)
    centred = x - np.mean(x, axis=axes, keepdims=True)
    scale = _expand_reduced(g / (2 * np.where(out > 0, out, np.inf)), x, a)
    return scale * 2 * centred / count


@_unary
def logsumexp_gradient(g, x, out, a):
    # The softmax of x over the reduced axes; 0 for a slice of all -inf (out = -inf).
    out = _expand_reduced(out, x, a)
    finite = np.isfinite(out)
    weights = np.where(finite, np.exp(x - np.where(finite, out, 0)), 0)
    return _expand_reduced(g, x, a) * weights


# ------------------------------------------------------------ linear algebra


def dot_gradient(upstream, output, arguments, needs):
    x, y = _v(arguments["x"]), _v(arguments["y"])
    result = {}
    if y.ndim <= 2:
        return matmul_gradient(upstream, output, arguments, needs)
    # np.dot with an N-d y: out[i..., j..., l] = sum_k x[i..., k] y[j..., k, l].
    batch_x = x.ndim - 1
    y_outer = tuple(a for a in range(y.ndim) if a != y.ndim - 2)
    if needs["x"]:
        g_axes = tuple(range(batch_x, upstream.ndim))
        result["x"] = _cast_like(np.tensordot(upstream, y, axes=(g_axes, y_outer)), x)
    if needs["y"]:
        grad = np.tensordot(x, upstream, axes=(tuple(range(batch_x)), tuple(range(batch_x))))
        result["y"] = _cast_like(np.moveaxis(grad, 0, -2), y)
    return result


def matmul_gradient(upstream, output, arguments, needs):
    x, y = _v(arguments["x"]), _v(arguments["y"])
    if x.ndim == 2 and y.ndim == 2:
        # A Dense layer's product: the general code below, without its reshapes.
        result = {}
        if needs["x"]:
            result["x"] = _cast_like(upstream @ y.T, x)
        if needs["y"]:
            result["y"] = _cast_like(x.T @ upstream, y)
        return result
    x2 = x[None, :] if x.ndim == 1 else x
    y2 = y[:, None] if y.ndim == 1 else y
    g = upstream
    # y's axis first: a vector @ vector gives a 0-d upstream, expanded to (1, 1).
    if y.ndim == 1:
        g = np.expand_dims(g, -1)
    if x.ndim == 1:
        g = np.expand_dims(g, -2)
    result = {}
    if needs["x"]:
        grad = g @ np.swapaxes(y2, -1, -2)
        result["x"] = _cast_like(unbroadcast(grad, x2.shape).reshape(x.shape), x)
    if needs["y"]:
        if y2.ndim == 2 and x2.ndim > 2:
            # Batched inputs times one matrix: fold the batch into the rows.
            grad = x2.reshape(-1, x2.shape[-1]).T @ g.reshape(-1, g.shape[-1])
        else:
            grad = unbroadcast(np.swapaxes(x2, -1, -2) @ g, y2.shape)
        result["y"] = _cast_like(grad.reshape(y.shape), y)
    return result


def batch_dot_gradient(upstream, output, arguments, needs):
    x, y = _v(arguments["x"]), _v(arguments["y"])
    axes = arguments["axes"]
    if isinstance(axes, int):
        axes = (axes, axes)
    axis_x, axis_y = axes[0] % x.ndim, axes[1] % y.ndim
    x_moved = np.moveaxis(x, axis_x, -1)
    y_moved = np.moveaxis(y, axis_y, 1)
    batch, depth = x.shape[0], x.shape[axis_x]
    xm = x_moved.reshape(batch, -1, depth)
    ym = y_moved.reshape(batch, depth, -1)
    g = upstream.reshape(batch, xm.shape[1], ym.shape[2])
    result = {}
    if needs["x"]:
        grad = (g @ np.swapaxes(ym, 1, 2)).reshape(x_moved.shape)
        result["x"] = _cast_like(np.moveaxis(grad, -1, axis_x), x)
    if needs["y"]:
        grad = (np.swapaxes(xm, 1, 2) @ g).reshape(y_moved.shape)
        result["y"] = _cast_like(np.moveaxis(grad, 1, axis_y), y)
    return result


@_unary
def l2_normalize_gradient(g, x, out, a):
    axis = tuple(a["axis"]) if isinstance(a["axis"], list) else a["axis"]
    squared = np.sum(np.square(x), axis=axis, keepdims=True)
    norm = np.sqrt(np.maximum(squared, 1e-12))
    inner = np.sum(g * out, axis=axis, keepdims=True)
    return g / norm - np.where(squared > 1e-12, out * inner / norm, 0)


@_unary
def tril_gradient(g, x, out, a):
    return np.tril(g, k=a["k"])


@_unary
def triu_gradient(g, x, out, a):
    return np.triu(g, k=a["k"])


# ------------------------------------------------------------------ reshaping


@_unary
def reshape_gradient(g, x, out, a):
    return g.reshape(x.shape)


expand_dims_gradient = reshape_gradient
squeeze_gradient = reshape_gradient
batch_flatten_gradient = reshape_gradient


@_unary
def transpose_gradient(g, x, out, a):
    axes = a["axes"]
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort([axis % x.ndim for axis in axes]))


def concatenate_gradient(upstream, output, arguments, needs):
    tensors = arguments["tensors"]
    axis = arguments["axis"] % upstream.ndim
    sizes = [_v(tensor).shape[axis] for tensor in tensors]
    pieces = np.split(upstream, np.cumsum(sizes)[:-1], axis=axis)
    return {
        "tensors": [
            _cast_like(piece, tensor) if flag else None
            for piece, tensor, flag in zip(pieces, tensors, needs["tensors"], strict=True)
        ]
    }


def stack_gradient(upstream, output, arguments, needs):
    axis = arguments["axis"] % upstream.ndim
    return {
        "tensors": [
            _cast_like(np.take(upstream, index, axis=axis), tensor) if flag else None
            for index, (tensor, flag) in enumerate(
                zip(arguments["tensors"], needs["tensors"], strict=True)
            )
        ]
    }


@_unary
def repeat_gradient(g, x, out, a):
    repeats, axis = a["repeats"], a["axis"]
    if not isinstance(repeats, (int, np.integer)):
        raise NotDifferentiableError("repeat's gradient needs an int number of repeats.")
    if axis is None:
        return g.reshape(-1, repeats).sum(axis=1).reshape(x.shape)
    axis %= x.ndim
    shape = g.shape[:axis] + (x.shape[axis], repeats) + g.shape[axis + 1 :]
    return g.reshape(shape).sum(axis=axis + 1)


@_unary
def tile_gradient(g, x, out, a):
    repeats = a["repeats"]
    repeats = (repeats,) if isinstance(repeats, int) else tuple(repeats)
    rank = max(x.ndim, len(repeats))
    repeats = (1,) * (rank - len(repeats)) + repeats
    shape = (1,) * (rank - x.ndim) + x.shape
    interleaved = [value for pair in zip(repeats, shape, strict=True) for value in pair]
    summed = g.reshape(interleaved).sum(axis=tuple(range(0, 2 * rank, 2)))
    return summed.reshape(x.shape)


def _is_basic_index(key) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    return all(item is None or item is Ellipsis or isinstance(item, (int, slice)) for item in items)


@_unary
def getitem_gradient(g, x, out, a):
    key = a["key"]
    gradient = np.zeros(x.shape, dtype=g.dtype)
    if _is_basic_index(key):
        gradient[key] = g
    else:
        np.add.at(gradient, key, g)
    return gradient


def bias_add_gradient(upstream, output, arguments, needs):
    x, bias = _v(arguments["x"]), _v(arguments["bias"])
    result = {}
    if needs["x"]:
        result["x"] = _cast_like(upstream, x)
    if needs["bias"]:
        data_format = config.standardize_data_format(arguments["data_format"])
        channel = 1 if data_format == "channels_first" and x.ndim > 2 else x.ndim - 1
        axes = tuple(i for i in range(upstream.ndim) if i != channel)
        result["bias"] = _cast_like(upstream.sum(axis=axes), bias)
    return result


@_unary
def cast_gradient(g, x, out, a):
    if not (np.issubdtype(x.dtype, np.floating) and np.issubdtype(out.dtype, np.floating)):
        raise NotDifferentiableError(
            f"The gradient reaches backend op 'cast' from {x.dtype} to {out.dtype}: "
            "only casts between float types are differentiable."
        )
    return g


convert_to_tensor_gradient = cast_gradient


# ------------------------------------------------------------------- tables

GRADIENTS: dict = {
    "add": (add_gradient, ("x", "y")),
    "subtract": (subtract_gradient, ("x", "y")),
    "multiply": (multiply_gradient, ("x", "y")),
    "divide": (divide_gradient, ("x", "y")),
    "power": (power_gradient, ("x", "y")),
    "maximum": (maximum_gradient, ("x", "y")),
    "minimum": (minimum_gradient, ("x", "y")),
    "where": (where_gradient, ("x", "y")),
    "negative": (negative_gradient, ("x",)),
    "abs": (abs_gradient, ("x",)),
    "sign": (sign_gradient, ("x",)),
    "sqrt": (sqrt_gradient, ("x",)),
    "square": (square_gradient, ("x",)),
    "exp": (exp_gradient, ("x",)),
    "log": (log_gradient, ("x",)),
    "clip": (clip_gradient, ("x",)),
    "tanh": (tanh_gradient, ("x",)),
    "sigmoid": (sigmoid_gradient, ("x",)),
    "relu": (relu_gradient, ("x",)),
    "relu6": (relu6_gradient, ("x",)),
    "leaky_relu": (leaky_relu_gradient, ("x",)),
    "elu": (elu_gradient, ("x",)),
    "selu": (selu_gradient, ("x",)),
    "celu": (celu_gradient, ("x",)),
    "gelu": (gelu_gradient, ("x",)),
    "hard_sigmoid": (hard_sigmoid_gradient, ("x",)),
    "silu": (silu_gradient, ("x",)),
    "hard_silu": (hard_silu_gradient, ("x",)),
    "softplus": (softplus_gradient, ("x",)),
    "softsign": (softsign_gradient, ("x",)),
    "mish": (mish_gradient, ("x",)),
    "erf": (erf_gradient, ("x",)),
    "erfc": (erfc_gradient, ("x",)),
    "softmax": (softmax_gradient, ("x",)),
    "log_softmax": (log_softmax_gradient, ("x",)),
    "sum": (sum_gradient, ("x",)),
    "mean": (mean_gradient, ("x",)),
    "max": (max_gradient, ("x",)),
    "min": (min_gradient, ("x",)),
    "prod": (prod_gradient, ("x",)),
    "var": (var_gradient, ("x",)),
    "std": (std_gradient, ("x",)),
    "logsumexp": (logsumexp_gradient, ("x",)),
    "dot": (dot_gradient, ("x", "y")),
    "matmul": (matmul_gradient, ("x", "y")),
    "batch_dot": (batch_dot_gradient, ("x", "y")),
    "l2_normalize": (l2_normalize_gradient, ("x",)),
    "tril": (tril_gradient, ("x",)),
    "triu": (triu_gradient, ("x",)),
    "reshape": (reshape_gradient, ("x",)),
    "transpose": (transpose_gradient, ("x",)),
    "expand_dims": (expand_dims_gradient, ("x",)),
    "squeeze": (squeeze_gradient, ("x",)),
    "batch_flatten": (batch_flatten_gradient, ("x",)),
    "concatenate": (concatenate_gradient, ("tensors",)),
    "stack": (stack_gradient, ("tensors",)),
    "repeat": (repeat_gradient, ("x",)),
    "tile": (tile_gradient, ("x",)),
    "getitem": (getitem_gradient, ("x",)),
    "bias_add": (bias_add_gradient, ("x", "bias")),
    "cast": (cast_gradient, ("x",)),
    "convert_to_tensor": (convert_to_tensor_gradient, ("x",)),
}

# Recorded, so that a gradient reaching them raises instead of vanishing.
NOT_DIFFERENTIABLE: dict = {
    "equal": ("x", "y"),
    "not_equal": ("x", "y"),
    "greater": ("x", "y"),
    "greater_equal": ("x", "y"),
    "less": ("x", "y"),
    "less_equal": ("x", "y"),
    "logical_and": ("x", "y"),
    "logical_or": ("x", "y"),
    "logical_not": ("x",),
    "any": ("x",),
    "all": ("x",),
    "argmax": ("x",),
    "argmin": ("x",),
    "qr": ("x",),
    "one_hot": ("x",),
}
