"""Regularizers: penalties on a weight's values that a layer adds to the training loss.

A regularizer is called on a weight (or on a layer's output) and returns a
scalar; the model adds it to the loss it minimises, which pulls the weights
towards small values (L1, L2) or towards orthogonality. The classes have the
names, arguments, defaults and configs of Keras 3's, so layers accept them as
objects, classes, names (``"l2"``) or configs; :func:`get` resolves all of
these.

>>> L2(0.5)(K.ones((2, 2)))
array(2., dtype=float32)
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.serialization import deserialize_configurable, serialize_configurable


def _check_factor(value: Any, name: str) -> float:
    """``value`` as a float when it is a finite non-negative number, else ValueError naming it."""
    if (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    ):
        return float(value)
    raise ValueError(
        f"Argument {name} must be a finite non-negative number; received {name}={value!r}."
    )


def _float_tensor(x: Any) -> Any:
    """``x`` as an array of its own float dtype (integers become the default float)."""
    x = K.convert_to_tensor(x)
    dtype = K.dtype(x)
    return x if K.is_float_dtype(dtype) else K.cast(x, K.floatx())


class Regularizer:
    """Base class: called on a weight, returns a scalar penalty to add to the loss.

    Subclasses implement ``__call__`` and ``get_config``; when the
    constructor arguments are exactly the keys ``get_config`` returns, the
    inherited ``from_config`` rebuilds them. Any plain function of one
    weight returning a scalar also works where a regularizer is expected.

    >>> class SumOfWeights(Regularizer):
    ...     def __call__(self, x):
    ...         return K.sum(x)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, x: Any) -> Any:
        """The penalty for ``x``; the base class charges nothing."""
        return 0.0

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this regularizer, as a JSON-ready dict."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config().")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Regularizer:
        """Rebuild a regularizer from the output of :meth:`get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            config = self.get_config()
        except NotImplementedError:
            return f"{type(self).__name__}()"
        arguments = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{type(self).__name__}({arguments})"


class L1L2(Regularizer):
    """Both penalties at once: ``l1 * sum(|x|) + l2 * sum(x ** 2)``.

    Both factors default to 0 (so ``L1L2(l2=0.1)`` is a pure L2 penalty);
    None counts as 0.

    >>> L1L2(l1=0.1, l2=0.2)(K.convert_to_tensor([[1.0, -2.0]]))
    array(1.3, dtype=float32)
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1 = _check_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = _check_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Any:
        x = _float_tensor(x)
        dtype = K.dtype(x)
        penalty = K.zeros((), dtype=dtype)
        if self.l1 != 0.0:
            penalty = K.add(penalty, K.multiply(K.cast(self.l1, dtype), K.sum(K.abs(x))))
        if self.l2 != 0.0:
            penalty = K.add(penalty, K.multiply(K.cast(self.l2, dtype), K.sum(K.square(x))))
        return K.convert_to_tensor(penalty, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """The L1 (lasso) penalty ``l1 * sum(|x|)``, which pushes weights to exactly zero.

    >>> L1(0.1)(K.convert_to_tensor([1.0, -2.0, 3.0]))
    array(0.6, dtype=float32)
    """

    def __init__(self, l1: float = 0.01) -> None:
        self.l1 = _check_factor(0.01 if l1 is None else l1, "l1")

    def __call__(self, x: Any) -> Any:
        x = _float_tensor(x)
        dtype = K.dtype(x)
        return K.convert_to_tensor(K.multiply(K.cast(self.l1, dtype), K.sum(K.abs(x))), dtype)

    def get_config(self) -> dict[str, Any]:
        return {"l1": self.l1}


class L2(Regularizer):
    """The L2 (ridge, weight decay) penalty ``l2 * sum(x ** 2)``, which keeps weights small.

    >>> L2(2.0)(K.ones((5, 5)))
    array(50., dtype=float32)
    """

    def __init__(self, l2: float = 0.01) -> None:
        self.l2 = _check_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x: Any) -> Any:
        x = _float_tensor(x)
        dtype = K.dtype(x)
        return K.convert_to_tensor(K.multiply(K.cast(self.l2, dtype), K.sum(K.square(x))), dtype)

    def get_config(self) -> dict[str, Any]:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penalises overlap between the rows (or columns) of a 2D weight.

    Each row (``mode="rows"``) or column (``mode="columns"``) is scaled to
    unit length; the penalty is ``factor / 2`` times the mean absolute
    cosine over all distinct pairs. Orthogonal vectors cost nothing, equal
    ones cost ``factor``. On a Dense kernel ``(inputs, units)``, rows mode
    decorrelates the input features' weight vectors.

    >>> OrthogonalRegularizer(factor=0.5)(K.convert_to_tensor([[1.0, 0.0], [1.0, 0.0]]))
    array(0.5, dtype=float32)
    """

    _MODES = ("rows", "columns")

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        self.factor = _check_factor(factor, "factor")
        if mode not in self._MODES:
            raise ValueError(f"Argument mode must be one of {self._MODES}; received mode={mode!r}.")
        self.mode = mode

    def __call__(self, x: Any) -> Any:
        x = _float_tensor(x)
        shape = K.int_shape(x)
        if len(shape) != 2:
            raise ValueError(
                f"OrthogonalRegularizer needs a rank-2 input; received an input of shape {shape}."
            )
        dtype = K.dtype(x)
        if self.mode == "rows":
            vectors = K.l2_normalize(x, axis=1)
            size = shape[0]
        else:
            vectors = K.transpose(K.l2_normalize(x, axis=0))
            size = shape[1]
        cosines = K.matmul(vectors, K.transpose(vectors))
        off_diagonal = K.multiply(cosines, K.subtract(1.0, K.eye(size, dtype=dtype)))
        pairs = size * (size - 1) / 2.0
        penalty = K.divide(K.multiply(self.factor * 0.5, K.sum(K.abs(off_diagonal))), pairs)
        return K.convert_to_tensor(penalty, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "mode": self.mode}


# The other names Keras 3 exports for these classes. Keras 3's own string
# lookup knows L1L2 as "l1l2"; "l1_l2" is its exported alias (and Keras 2's
# name). Both resolve here, to L1L2 with its defaults.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
# Every name a config or a string identifier may use.
ALL_REGULARIZERS: dict[str, type[Regularizer]] = {
    **{cls.__name__: cls for cls in _CLASSES},
    "regularizer": Regularizer,
    "l1": L1,
    "l2": L2,
    "l1l2": L1L2,
    "l1_l2": L1L2,
    "orthogonal_regularizer": OrthogonalRegularizer,
}
register_keras_module("keras.regularizers", ALL_REGULARIZERS)


def serialize(regularizer: Regularizer | Callable | None) -> dict[str, Any] | str | None:
    """``{"class_name", "config"}`` for a regularizer (None stays None).

    A plain function registered with ``register_serializable`` is written as
    its registered name.

    >>> serialize(L2(0.1))
    {'class_name': 'L2', 'config': {'l2': 0.1}}
    """
    return serialize_configurable(regularizer, "regularizer", "Regularizer")


def deserialize(
    config: Mapping[str, Any] | str | None, custom_objects: Mapping[str, Any] | None = None
) -> Regularizer | Callable | None:
    """The regularizer a config describes: a ``{"class_name", "config"}`` dict or a name.

    A name alone gives the class built with its defaults.
    """
    return deserialize_configurable(config, custom_objects, ALL_REGULARIZERS, "regularizer")


def get(identifier: Any) -> Regularizer | Callable | None:
    """Turn what a layer was given as a regularizer into a callable.

    Accepts None (kept), a name (``"l1"``, ``"l2"``, ``"l1_l2"``, a class
    name), a config dict, a regularizer, a regularizer class (instantiated
    with its defaults) or any callable.

    >>> get("l2")
    L2(l2=0.01)
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
        f"Could not interpret the regularizer identifier {identifier!r} "
        f"(of type {type(identifier).__name__}). Expected None, a name, a config dict, "
        "a Regularizer or a callable."
    )


__all__ = [
    "ALL_REGULARIZERS",
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]
