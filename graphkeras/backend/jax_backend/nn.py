"""Neural-network primitives on JAX arrays: bias, activations, the error function, softmax.

Each function keeps its input's dtype and is stable over the whole float
range, as the numpy backend's are: the exponentials only ever see
non-positive arguments where a large one would overflow. Everything is
written with ``jnp``/``lax`` operations, so it traces under ``jax.jit`` and
differentiates with ``jax.vjp``.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax import lax

from graphkeras.backend import config
from graphkeras.backend.jax_backend.core import unwrap

__all__ = [
    "bias_add",
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "celu",
    "gelu",
    "sigmoid",
    "hard_sigmoid",
    "silu",
    "hard_silu",
    "tanh",
    "softplus",
    "softsign",
    "mish",
    "erf",
    "erfc",
    "softmax",
    "log_softmax",
]

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805
# Float types narrower than float64 whose exact gelu is computed in float64:
# in float32, erfc(-x / sqrt(2)) for x below about -3 carries the rounding of
# x² (relative 6e-8, times x² / 2) into its exp, 1e-5 relative error at -12.
_WIDENED_FOR_GELU = ("float16", "bfloat16", "float32")


def _array(x) -> jax.Array:
    """``x`` (a Variable, a recorded tensor, a Python or numpy value) as a jax array."""
    return jnp.asarray(unwrap(x))


def bias_add(x, bias, data_format: str | None = None) -> jax.Array:
    """``x`` plus ``bias`` on the channel axis: the last, or axis 1 for ``channels_first``.

    ``data_format=None`` means the global ``image_data_format()``.
    """
    x, bias = _array(x), _array(bias)
    data_format = config.standardize_data_format(data_format)
    if data_format == "channels_last" or x.ndim <= 2:
        return x + bias
    return x + jnp.reshape(bias, (1, bias.shape[0]) + (1,) * (x.ndim - 2))


def relu(x, negative_slope: float = 0.0, max_value=None, threshold: float = 0.0) -> jax.Array:
    """Rectified linear unit with Keras 3's options.

    The positive part is ``x`` where ``x > threshold`` (plain ``max(x, 0)`` when
    the threshold is 0), clipped to ``[0, max_value]`` when ``max_value`` is
    given; ``negative_slope * max(threshold - x, 0)`` is then subtracted.
    """
    x = _array(x)
    zero = jnp.zeros((), x.dtype)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return jnp.maximum(x, zero)
    if threshold != 0.0:
        result = jnp.where(x > jnp.asarray(threshold, x.dtype), x, zero)
    else:
        result = jnp.maximum(x, zero)
    if max_value is not None:
        result = jnp.clip(result, zero, jnp.asarray(max_value, x.dtype))
    if negative_slope != 0.0:
        below = jnp.maximum(jnp.asarray(threshold, x.dtype) - x, zero)
        result = result - jnp.asarray(negative_slope, x.dtype) * below
    return result.astype(x.dtype)


def relu6(x) -> jax.Array:
    """``min(max(x, 0), 6)``."""
    x = _array(x)
    return jnp.clip(x, jnp.zeros((), x.dtype), jnp.asarray(6, x.dtype))


def leaky_relu(x, negative_slope: float = 0.2) -> jax.Array:
    """``x`` above zero, ``negative_slope * x`` below."""
    x = _array(x)
    return jnp.where(x >= 0, x, (negative_slope * x).astype(x.dtype))


def _exponential_below_zero(x: jax.Array, alpha) -> jax.Array:
    """``alpha * (exp(x) - 1)`` on the negative part of ``x`` (0 elsewhere, never overflowing)."""
    return alpha * jnp.expm1(jnp.minimum(x, jnp.zeros((), x.dtype)))


def elu(x, alpha: float = 1.0) -> jax.Array:
    """``x`` above zero, ``alpha * (exp(x) - 1)`` below."""
    x = _array(x)
    return jnp.where(x > 0, x, _exponential_below_zero(x, alpha).astype(x.dtype))


def selu(x) -> jax.Array:
    """Scaled ELU with the self-normalising constants."""
    x = _array(x)
    return (_SELU_SCALE * elu(x, _SELU_ALPHA)).astype(x.dtype)


def celu(x, alpha: float = 1.0) -> jax.Array:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    x = _array(x)
    negative = alpha * jnp.expm1(jnp.minimum(x, 0) / alpha)
    return (jnp.maximum(x, 0) + negative).astype(x.dtype)


def sigmoid(x) -> jax.Array:
    """``1 / (1 + exp(-x))`` without overflow for large ``|x|`` (XLA's logistic)."""
    return lax.logistic(_floating(x))


def hard_sigmoid(x) -> jax.Array:
    """Piecewise-linear sigmoid: ``clip(x / 6 + 0.5, 0, 1)`` (Keras 3)."""
    x = _floating(x)
    return jnp.clip(x / 6 + 0.5, 0, 1).astype(x.dtype)


def silu(x) -> jax.Array:
    """``x * sigmoid(x)`` (also called swish)."""
    x = _floating(x)
    return x * lax.logistic(x)


def hard_silu(x) -> jax.Array:
    """``x * hard_sigmoid(x)`` (also called hard swish)."""
    x = _floating(x)
    return x * hard_sigmoid(x)


def tanh(x) -> jax.Array:
    """Hyperbolic tangent."""
    return jnp.tanh(_floating(x))


def softplus(x) -> jax.Array:
    """``log(1 + exp(x))`` computed without overflow."""
    x = _floating(x)
    return jnp.logaddexp(x, jnp.zeros((), x.dtype))


def softsign(x) -> jax.Array:
    """``x / (1 + |x|)``."""
    x = _floating(x)
    return x / (1 + jnp.abs(x))


def mish(x) -> jax.Array:
    """``x * tanh(softplus(x))``."""
    x = _floating(x)
    return x * jnp.tanh(softplus(x))


def _floating(x) -> jax.Array:
    """``x`` as an array of a floating type: integers and booleans become ``floatx()``."""
    x = _array(x)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(config.floatx())
    return x


def erf(x) -> jax.Array:
    """The error function (XLA's, relative error below 3e-7 in float32), dtype kept."""
    return lax.erf(_floating(x))


def erfc(x) -> jax.Array:
    """``1 - erf(x)``, accurate in its tails (XLA's complementary error function)."""
    return lax.erfc(_floating(x))


def gelu(x, approximate: bool = False) -> jax.Array:
    """Gaussian error linear unit: ``x * P(X <= x)``, ``X ~ N(0, 1)``.

    ``approximate=True`` uses the tanh form of Hendrycks and Gimpel. The exact
    form is ``x * erfc(-x / sqrt(2)) / 2``, which keeps relative accuracy in
    the negative tail where ``(1 + erf)`` would cancel; float32 (and narrower)
    input is computed in float64 and rounded back, because float32's erfc
    there inherits the rounding of ``x²`` (see ``_WIDENED_FOR_GELU``).
    ``gelu(-inf)`` is nan, as ``x * P(X <= x)`` evaluates there.
    """
    x = _floating(x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)
        return (0.5 * x * (1 + jnp.tanh(inner))).astype(x.dtype)
    wide = x.astype("float64") if x.dtype.name in _WIDENED_FOR_GELU else x
    exact = 0.5 * wide * lax.erfc(-wide / math.sqrt(2.0))
    return exact.astype(x.dtype)


def softmax(x, axis: int = -1) -> jax.Array:
    """``exp(x) / sum(exp(x))`` along ``axis``, shifted by the max for stability."""
    x = _floating(x)
    shifted = jnp.exp(x - lax.stop_gradient(jnp.max(x, axis=axis, keepdims=True)))
    return shifted / jnp.sum(shifted, axis=axis, keepdims=True)


def log_softmax(x, axis: int = -1) -> jax.Array:
    """``log(softmax(x))`` computed as ``x - logsumexp(x)``."""
    x = _floating(x)
    shifted = x - lax.stop_gradient(jnp.max(x, axis=axis, keepdims=True))
    return shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=axis, keepdims=True))
