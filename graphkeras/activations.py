"""Activation functions, and the name lookup that lets layers take them as strings.

Every function here has the name, arguments and defaults of its Keras 3
counterpart and hands the arithmetic to the backend function of the same
name, so the numerics live in one place. Layers accept an activation as a
function, a name (``"relu"``, or an alias such as ``"swish"``) or a config;
:func:`get` turns any of those into a function and :func:`serialize` turns
a function back into the name a config stores.

>>> get("relu")([-1.0, 2.0])
array([0., 2.], dtype=float32)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.serialization import (
    get_registered_name,
    get_registered_object,
    resolve,
    serialize_object,
)


def _tensor(x: Any) -> Any:
    """Arrays, Variables and symbolic tensors as they are; lists and scalars as arrays."""
    if K.is_tensor(x) or K.is_variable(x) or K.is_keras_tensor(x):
        return x
    return K.convert_to_tensor(x)


def relu(
    x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0
) -> Any:
    """Rectified linear unit: ``max(x, 0)`` by default.

    ``negative_slope`` lets values below ``threshold`` leak through scaled by
    it, ``max_value`` caps the output, and ``threshold`` moves the point
    below which the input counts as "off".

    >>> relu([-10.0, -5.0, 0.0, 5.0, 10.0], negative_slope=0.5)
    array([-5. , -2.5,  0. ,  5. , 10. ], dtype=float32)
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return K.relu(_tensor(x))
    return K.relu(
        _tensor(x), negative_slope=negative_slope, max_value=max_value, threshold=threshold
    )


def relu6(x: Any) -> Any:
    """ReLU capped at 6: ``min(max(x, 0), 6)``, the variant used by mobile networks."""
    return K.relu6(_tensor(x))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    """``x`` for positive inputs, ``negative_slope * x`` for negative ones."""
    return K.leaky_relu(_tensor(x), negative_slope=negative_slope)


def elu(x: Any, alpha: float = 1.0) -> Any:
    """Exponential linear unit: ``x`` above zero, ``alpha * (exp(x) - 1)`` below.

    Negative inputs saturate smoothly at ``-alpha`` instead of being cut to 0.
    """
    return K.elu(_tensor(x), alpha=alpha)


def selu(x: Any) -> Any:
    """Scaled ELU with the fixed constants that keep activations self-normalising.

    Pair it with the ``"lecun_normal"`` initializer, as the SELU paper does.
    """
    return K.selu(_tensor(x))


def celu(x: Any, alpha: float = 1.0) -> Any:
    """Continuously differentiable ELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return K.celu(_tensor(x), alpha=alpha)


def gelu(x: Any, approximate: bool = False) -> Any:
    """Gaussian error linear unit: ``x`` weighted by the standard normal CDF at ``x``.

    ``approximate=True`` swaps the exact CDF for the cheaper tanh formula.
    """
    return K.gelu(_tensor(x), approximate=approximate)


def sigmoid(x: Any) -> Any:
    """Logistic function ``1 / (1 + exp(-x))``: squashes any input into ``(0, 1)``."""
    return K.sigmoid(_tensor(x))


def hard_sigmoid(x: Any) -> Any:
    """Piecewise-linear sigmoid: 0 below -3, 1 above 3, ``x / 6 + 0.5`` between."""
    return K.hard_sigmoid(_tensor(x))


def silu(x: Any) -> Any:
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``."""
    return K.silu(_tensor(x))


def hard_silu(x: Any) -> Any:
    """Hard swish: ``x * hard_sigmoid(x)``, a cheap piecewise approximation of :func:`silu`."""
    return K.hard_silu(_tensor(x))


def tanh(x: Any) -> Any:
    """Hyperbolic tangent, a zero-centred squashing into ``(-1, 1)``."""
    return K.tanh(_tensor(x))


def softplus(x: Any) -> Any:
    """``log(1 + exp(x))``: a smooth, always-positive ReLU."""
    return K.softplus(_tensor(x))


def softsign(x: Any) -> Any:
    """``x / (1 + |x|)``: like tanh but approaching its bounds polynomially."""
    return K.softsign(_tensor(x))


def softmax(x: Any, axis: int = -1) -> Any:
    """Probabilities along ``axis``: ``exp(x) / sum(exp(x))``, each slice summing to 1."""
    return K.softmax(_tensor(x), axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """``log(softmax(x))`` along ``axis``, computed without forming the small probabilities."""
    return K.log_softmax(_tensor(x), axis=axis)


def exponential(x: Any) -> Any:
    """``exp(x)``."""
    return K.exp(_tensor(x))


def mish(x: Any) -> Any:
    """Mish: ``x * tanh(softplus(x))``, a smooth non-monotonic activation."""
    return K.mish(_tensor(x))


def _float(x: Any) -> Any:
    """``x`` as an array, integers and booleans as ``floatx()`` (as Keras 3 computes them)."""
    x = _tensor(x)
    return x if K.is_float_dtype(K.dtype(x)) else K.cast(x, K.floatx())


def log_sigmoid(x):
    """``log(sigmoid(x))``, stable: ``-softplus(-x)``."""
    return K.negative(K.softplus(K.negative(_float(x))))


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    return K.clip(_float(x), -1.0, 1.0)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = _float(x)
    return K.subtract(x, K.tanh(x))


def _zeros(x: Any) -> Any:
    return K.zeros_like(x)


def soft_shrink(x, threshold=0.5):
    """``x`` moved ``threshold`` toward 0, and 0 within ``threshold`` of it."""
    x = _float(x)
    return K.where(
        K.greater(x, threshold),
        K.subtract(x, threshold),
        K.where(K.less(x, -threshold), K.add(x, threshold), _zeros(x)),
    )


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    x = _float(x)
    return K.where(K.greater(K.abs(x), threshold), x, _zeros(x))


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _float(x)
    return K.where(K.greater(x, threshold), x, K.full((), default_value, dtype=K.dtype(x)))


def squareplus(x, b=4):
    """``(x + sqrt(x ** 2 + b)) / 2``, a smooth ReLU."""
    x = _float(x)
    return K.multiply(K.add(x, K.sqrt(K.add(K.square(x), b))), 0.5)


def sparse_plus(x):
    """0 below -1, ``x`` above 1, ``(x + 1) ** 2 / 4`` between: a smooth ReLU of finite support."""
    x = _float(x)
    return K.where(
        K.less_equal(x, -1.0),
        _zeros(x),
        K.where(K.less(x, 1.0), K.multiply(K.square(K.add(x, 1.0)), 0.25), x),
    )


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    x = _float(x)
    return K.where(
        K.less_equal(x, -1.0),
        _zeros(x),
        K.where(K.greater_equal(x, 1.0), K.ones_like(x), K.multiply(K.add(x, 1.0), 0.5)),
    )


def glu(x, axis=-1):
    """The gated linear unit: the first half of ``axis`` times the sigmoid of the second."""
    x = _float(x)
    size = K.int_shape(x)[axis]
    if size % 2:
        raise ValueError(
            f"ops.glu: axis {axis} must have an even length, received shape {K.int_shape(x)}."
        )
    rank = K.ndim(x)
    head = (slice(None),) * (axis % rank)
    values = K.getitem(x, (*head, slice(None, size // 2)))
    gates = K.getitem(x, (*head, slice(size // 2, None)))
    return K.multiply(values, K.sigmoid(gates))


def sparsemax(x, axis=-1):
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis``.

    Like softmax its outputs are non-negative and sum to 1, but small
    entries become exactly 0: ``max(x - tau, 0)`` with the threshold ``tau``
    set by the largest entries (Martins and Astudillo, 2016). (Keras 3's
    backends sum the running totals of the support when computing ``tau``,
    which gives outputs that do not sum to 1 once two or more entries are
    kept; graphkeras follows the definition.)
    """
    x = _float(x)
    rank = K.ndim(x)
    axis = axis % rank
    size = K.int_shape(x)[axis]
    descending = K.negative(K.sort(K.negative(x), axis=axis))
    running = K.cumsum(descending, axis=axis)
    shape = [1] * rank
    shape[axis] = size
    ranks = K.reshape(K.arange(1, size + 1, dtype=K.dtype(x)), tuple(shape))
    # Entry k (largest first) is kept while 1 + k * z_k > z_1 + ... + z_k.
    kept = K.greater(K.add(1.0, K.multiply(ranks, descending)), running)
    count = K.stop_gradient(K.sum(K.cast(kept, "int32"), axis=axis, keepdims=True))
    total = K.take_along_axis(running, K.subtract(count, 1), axis=axis)
    tau = K.divide(K.subtract(total, 1.0), K.cast(count, K.dtype(x)))
    return K.maximum(K.subtract(x, tau), 0.0)


def linear(x: Any) -> Any:
    """The identity: returns ``x`` itself, untouched. This is "no activation"."""
    return x


# Aliases, the same function objects under the other names Keras exports.
swish = silu
hard_swish = hard_silu

# Canonical name -> function. ``__name__`` is the canonical name of each.
_CANONICAL: dict[str, Callable] = {
    function.__name__: function
    for function in (
        relu,
        relu6,
        leaky_relu,
        elu,
        selu,
        celu,
        gelu,
        sigmoid,
        hard_sigmoid,
        silu,
        hard_silu,
        tanh,
        softplus,
        softsign,
        softmax,
        log_softmax,
        exponential,
        mish,
        linear,
        log_sigmoid,
        hard_tanh,
        tanh_shrink,
        soft_shrink,
        hard_shrink,
        threshold,
        squareplus,
        sparse_plus,
        sparse_sigmoid,
        glu,
        sparsemax,
    )
}
# Every name :func:`get` understands: the canonical names plus the aliases.
ALL_ACTIVATIONS: dict[str, Callable] = {**_CANONICAL, "swish": silu, "hard_swish": hard_silu}
register_keras_module("keras.activations", ALL_ACTIVATIONS)
# Function -> the name it is written under.
_NAMES: dict[Callable, str] = {function: name for name, function in _CANONICAL.items()}


def serialize(activation: Callable | None) -> str | dict | None:
    """The name a config stores for ``activation`` (``relu`` -> ``"relu"``).

    Aliases are written under their canonical name (``swish`` -> ``"silu"``).
    A user function must be registered with
    :func:`graphkeras.utils.serialization.register_serializable` and is
    written under its registered name. A callable object with ``get_config``
    is written as a ``{"class_name", "config"}`` dict.
    """
    if activation is None:
        return None
    for function, name in _NAMES.items():
        if function is activation:
            return name
    registered_name = get_registered_name(activation)
    if get_registered_object(registered_name) is activation:
        return registered_name
    if not inspect.isfunction(activation) and hasattr(activation, "get_config"):
        return serialize_object(activation)
    raise ValueError(
        f"Cannot serialize the activation {activation!r}: it is neither a built-in activation "
        "nor registered. Register it with "
        "graphkeras.utils.serialization.register_serializable() so configs can name it."
    )


def deserialize(
    config: str | Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Callable:
    """The activation a config names: a string, or a ``{"class_name", "config"}`` dict.

    Both dict layouts are read: ``{"class_name": "relu", ...}`` and the
    ``{"class_name": "function", "config": "relu"}`` that Keras 3 writes for
    functions. A name that resolves to a class gives an instance built from
    the dict's ``config``.
    """
    if isinstance(config, str):
        return _build(resolve(config, custom_objects, ALL_ACTIVATIONS, "activation"), {})
    if isinstance(config, Mapping) and "class_name" in config:
        name = config["class_name"]
        inner = config.get("config") or {}
        if name == "function" and isinstance(inner, str):
            name = config.get("registered_name") or inner
            if name == "function":
                name = inner
            inner = {}
        obj = resolve(name, custom_objects, ALL_ACTIVATIONS, "activation")
        return _build(obj, inner)
    raise ValueError(
        "Expected an activation name or a dict with 'class_name', received "
        f"{config!r}. Known activations: {sorted(ALL_ACTIVATIONS)}."
    )


def _build(obj: Any, inner: Any) -> Callable:
    """A resolved class becomes an instance made from ``inner``; a function stays itself."""
    if not inspect.isclass(obj):
        return obj
    if not isinstance(inner, Mapping):
        raise ValueError(f"The config of activation {obj.__name__!r} must be a dict.")
    from_config = getattr(obj, "from_config", None)
    return from_config(dict(inner)) if from_config is not None else obj(**inner)


def get(identifier: str | Mapping[str, Any] | Callable | None) -> Callable:
    """Turn what a layer was given as its activation into a function.

    ``None`` means :func:`linear`; a string or a config dict is looked up by
    :func:`deserialize`; a callable is returned as it is.

    >>> get("swish") is silu
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, Mapping)):
        obj = deserialize(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret the activation identifier {identifier!r} "
        f"(of type {type(identifier).__name__}). Expected None, a callable, a config dict "
        f"or one of the names {sorted(ALL_ACTIVATIONS)}."
    )


__all__ = [
    "ALL_ACTIVATIONS",
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
]
