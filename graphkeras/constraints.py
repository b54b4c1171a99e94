"""Constraints: projections applied to a weight after each update to keep it in bounds.

A constraint is called on a weight's new value and returns the value it
should have instead (clipped to non-negative, rescaled to a bounded norm,
...). The classes have the names, arguments, defaults, configs and numerics
of Keras 3's, including the ``K.epsilon()`` added to every norm before
dividing by it, so an all-zero slice stays zero instead of becoming NaN.
Layers accept a constraint as an object, a class, a name (``"max_norm"``)
or a config; :func:`get` resolves all of these.

>>> NonNeg()(K.convert_to_tensor([-1.0, 2.0]))
array([0., 2.], dtype=float32)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.serialization import deserialize_configurable, serialize_configurable

Axis = int | Sequence[int]


def _float_tensor(w: Any) -> Any:
    """``w`` as an array of its own float dtype (integers become the default float)."""
    w = K.convert_to_tensor(w)
    return w if K.is_float_dtype(K.dtype(w)) else K.cast(w, K.floatx())


def _norms(w: Any, axis: Axis) -> Any:
    """L2 norms of ``w`` along ``axis``, kept as length-1 axes so they broadcast back."""
    if isinstance(axis, Sequence):
        axis = tuple(axis)
    return K.sqrt(K.sum(K.square(w), axis=axis, keepdims=True))


def _rescale(w: Any, desired: Any, norms: Any) -> Any:
    """``w * desired / (epsilon + norms)``: move each slice's norm to ``desired``."""
    return K.multiply(w, K.divide(desired, K.add(K.epsilon(), norms)))


class Constraint:
    """Base class: called on a weight, returns its projected value (unchanged here).

    Subclasses override ``__call__`` (and ``get_config`` when they take
    arguments).

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return K.clip(w, -1.0, 1.0)
    """

    def __call__(self, w: Any) -> Any:
        """The value ``w`` should take; the base class leaves it as it is."""
        return w

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this constraint, as a JSON-ready dict."""
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Constraint:
        """Rebuild a constraint from the output of :meth:`get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class MaxNorm(Constraint):
    """Caps the L2 norm of each slice along ``axis`` at ``max_value``.

    Slices within the cap are left (up to the epsilon in the division)
    unchanged. ``axis`` names the axes each norm runs over: for a Dense
    kernel ``(inputs, units)`` the default 0 caps each unit's incoming
    weights; for a Conv2D kernel ``(rows, cols, in, out)`` use ``[0, 1, 2]``.

    >>> MaxNorm(2.0)(K.convert_to_tensor([[3.0], [4.0]]))
    array([[1.2],
           [1.6]], dtype=float32)
    """

    def __init__(self, max_value: float = 2, axis: Axis = 0) -> None:
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = _float_tensor(w)
        norms = _norms(w, self.axis)
        return _rescale(w, K.clip(norms, 0, self.max_value), norms)

    def get_config(self) -> dict[str, Any]:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative entries to zero."""

    def __call__(self, w: Any) -> Any:
        w = K.convert_to_tensor(w)
        return K.maximum(w, K.zeros((), dtype=K.dtype(w)))


class UnitNorm(Constraint):
    """Rescales each slice along ``axis`` to L2 norm 1 (an all-zero slice stays zero).

    ``axis`` is read as in :class:`MaxNorm`.

    >>> UnitNorm()(K.convert_to_tensor([[3.0], [4.0]]))
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, axis: Axis = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = _float_tensor(w)
        return K.divide(w, K.add(K.epsilon(), _norms(w, self.axis)))

    def get_config(self) -> dict[str, Any]:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Keeps the L2 norm of each slice along ``axis`` between ``min_value`` and ``max_value``.

    Each norm ``n`` is moved to ``rate * clip(n, min_value, max_value) +
    (1 - rate) * n``: ``rate=1`` enforces the bounds at once, a smaller rate
    moves towards them gradually over updates. ``axis`` is read as in
    :class:`MaxNorm`.
    """

    def __init__(
        self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Axis = 0
    ) -> None:
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        w = _float_tensor(w)
        norms = _norms(w, self.axis)
        clipped = K.clip(norms, self.min_value, self.max_value)
        desired = K.add(K.multiply(self.rate, clipped), K.multiply(1 - self.rate, norms))
        return _rescale(w, desired, norms)

    def get_config(self) -> dict[str, Any]:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


# The other names Keras 3 exports for these classes.
max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm

_CLASSES = (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)
# Every name a config or a string identifier may use.
ALL_CONSTRAINTS: dict[str, type[Constraint]] = {
    **{cls.__name__: cls for cls in _CLASSES},
    "constraint": Constraint,
    "max_norm": MaxNorm,
    "non_neg": NonNeg,
    "unit_norm": UnitNorm,
    "min_max_norm": MinMaxNorm,
}
register_keras_module("keras.constraints", ALL_CONSTRAINTS)


def serialize(constraint: Constraint | Callable | None) -> dict[str, Any] | str | None:
    """``{"class_name", "config"}`` for a constraint (None stays None).

    A plain function registered with ``register_serializable`` is written as
    its registered name.

    >>> serialize(MaxNorm(3))
    {'class_name': 'MaxNorm', 'config': {'max_value': 3, 'axis': 0}}
    """
    return serialize_configurable(constraint, "constraint", "Constraint")


def deserialize(
    config: Mapping[str, Any] | str | None, custom_objects: Mapping[str, Any] | None = None
) -> Constraint | Callable | None:
    """The constraint a config describes: a ``{"class_name", "config"}`` dict or a name.

    A name alone gives the class built with its defaults.
    """
    return deserialize_configurable(config, custom_objects, ALL_CONSTRAINTS, "constraint")


def get(identifier: Any) -> Constraint | Callable | None:
    """Turn what a layer was given as a constraint into a callable.

    Accepts None (kept), a name (``"max_norm"``, a class name), a config
    dict, a constraint, a constraint class (instantiated with its defaults)
    or any callable.

    >>> get("non_neg")
    NonNeg()
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, Mapping)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret the constraint identifier {identifier!r} "
        f"(of type {type(identifier).__name__}). Expected None, a name, a config dict, "
        "a Constraint or a callable."
    )


__all__ = [
    "ALL_CONSTRAINTS",
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]
