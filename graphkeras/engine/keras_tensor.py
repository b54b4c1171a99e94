"""KerasTensor: a symbolic placeholder that carries a shape, a dtype and its history.

A KerasTensor holds no numbers. It stands for the value a layer will produce
once the model runs, and remembers where it came from: ``_keras_history`` is
``(layer, node_index, tensor_index)``, i.e. output ``tensor_index`` of
``layer._inbound_nodes[node_index]``. Following those histories backwards from
a model's outputs is how a Network finds its graph.

Python operators (``+ - * / @ **``, unary ``-``, ``abs()``, ``x[...]``) on
KerasTensors record op layers, exactly as calling a layer would. The op layers
live in ``op_layer.py``, which installs itself here with
:func:`set_operator_handler` when the engine is imported; this module only
knows that operators exist. ``==``, ``!=`` and ``hash`` stay identity, so
KerasTensors can be dict keys.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.node import KerasHistory
from graphkeras.utils.naming import unique_name

_operator_handler: Callable | None = None


def set_operator_handler(handler: Callable) -> None:
    """Install ``handler(operator_name, operands)``, which records an op node."""
    global _operator_handler
    _operator_handler = handler


def _apply(operator_name: str, *operands):
    if _operator_handler is None:
        raise RuntimeError("KerasTensor operators need graphkeras.engine to be imported.")
    return _operator_handler(operator_name, operands)


@functools.lru_cache(maxsize=4096)
def _canonical_shape(shape: tuple) -> tuple:
    """One shared tuple per distinct shape, dims as ints or None.

    Tensors of equal shape share it, so a graph of thousands of layers holds
    one tuple per distinct shape instead of one per tensor.
    """
    return tuple([None if dim is None else int(dim) for dim in shape])


class KerasTensor:
    """A symbolic tensor: shape, dtype, name, and the node that produced it.

    >>> x = Input(shape=(32,), name="features")
    >>> x
    <KerasTensor shape=(None, 32), dtype=float32, name=features>
    """

    _is_keras_tensor = True
    # Makes numpy hand ``array + keras_tensor`` to ``KerasTensor.__radd__``.
    __array_ufunc__ = None
    __slots__ = (
        "shape",
        "dtype",
        "name",
        "_history_layer",
        "_history_node_index",
        "_history_tensor_index",
        "_keras_mask",
        "_mask_owner",
        "__weakref__",
    )

    def __init__(
        self,
        shape,
        dtype: str | None = None,
        name: str | None = None,
        keras_history=None,
        mask: KerasTensor | None = None,
    ) -> None:
        self.shape = _canonical_shape(tuple(shape))
        self.dtype = K.standardize_dtype(dtype)
        self.name = name if name is not None else unique_name("keras_tensor")
        self._keras_history = keras_history
        self._keras_mask = mask
        # For a symbolic mask: the tensor it masks (see engine/mask_of.py).
        self._mask_owner = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def _keras_shape(self) -> tuple:
        """Keras 2's name for :attr:`shape` (read-only), for code written against Keras 2."""
        return self.shape

    @property
    def _keras_history(self) -> KerasHistory | None:
        """``KerasHistory(layer, node_index, tensor_index)``, or None for a detached spec.

        Kept as three plain fields (one object less per tensor for Python's
        garbage collector to scan in a large graph) and assembled on access.
        """
        layer = self._history_layer
        if layer is None:
            return None
        return KerasHistory(layer, self._history_node_index, self._history_tensor_index)

    @_keras_history.setter
    def _keras_history(self, history) -> None:
        if history is None:
            self._history_layer = self._history_node_index = self._history_tensor_index = None
        else:
            self._history_layer, self._history_node_index, self._history_tensor_index = history

    @property
    def node(self):
        """The Node that produced this tensor (None for a detached spec)."""
        layer = self._history_layer
        if layer is None:
            return None
        return layer._inbound_nodes[self._history_node_index]

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    # A KerasTensor has no value, so anything that needs one is refused clearly.
    def __bool__(self):
        raise TypeError(
            f"KerasTensor '{self.name}' is symbolic and has no truth value; "
            "use it to build a model, then call the model on arrays."
        )

    def __iter__(self):
        raise TypeError(f"KerasTensor '{self.name}' is symbolic and cannot be iterated.")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"KerasTensor '{self.name}' is symbolic and cannot become an array; "
            "build a Model with it and call the model on arrays."
        )

    def __len__(self):
        raise TypeError(f"KerasTensor '{self.name}' is symbolic: len() is undefined.")

    # ------------------------------------------------------------ operators
    def __add__(self, other):
        return _apply("add", self, other)

    def __radd__(self, other):
        return _apply("add", other, self)

    def __sub__(self, other):
        return _apply("subtract", self, other)

    def __rsub__(self, other):
        return _apply("subtract", other, self)

    def __mul__(self, other):
        return _apply("multiply", self, other)

    def __rmul__(self, other):
        return _apply("multiply", other, self)

    def __truediv__(self, other):
        return _apply("divide", self, other)

    def __rtruediv__(self, other):
        return _apply("divide", other, self)

    def __matmul__(self, other):
        return _apply("matmul", self, other)

    def __rmatmul__(self, other):
        return _apply("matmul", other, self)

    def __pow__(self, other):
        return _apply("power", self, other)

    def __rpow__(self, other):
        return _apply("power", other, self)

    def __neg__(self):
        return _apply("negative", self)

    def __abs__(self):
        return _apply("abs", self)

    def __floordiv__(self, other):
        return _apply("floor_divide", self, other)

    def __rfloordiv__(self, other):
        return _apply("floor_divide", other, self)

    def __mod__(self, other):
        return _apply("mod", self, other)

    def __rmod__(self, other):
        return _apply("mod", other, self)

    # Comparisons record ops as in Keras 3; ``==`` and ``!=`` keep comparing
    # identity, which the engine relies on to find tensors in lists.
    def __lt__(self, other):
        return _apply("less", self, other)

    def __le__(self, other):
        return _apply("less_equal", self, other)

    def __gt__(self, other):
        return _apply("greater", self, other)

    def __ge__(self, other):
        return _apply("greater_equal", self, other)

    def __and__(self, other):
        return _apply("logical_and", self, other)

    def __rand__(self, other):
        return _apply("logical_and", other, self)

    def __or__(self, other):
        return _apply("logical_or", self, other)

    def __ror__(self, other):
        return _apply("logical_or", other, self)

    def __xor__(self, other):
        return _apply("logical_xor", self, other)

    def __rxor__(self, other):
        return _apply("logical_xor", other, self)

    def __invert__(self):
        return _apply("logical_not", self)

    def __getitem__(self, key):
        return _apply("getitem", self, key)


def specs_from_shapes(shapes: Any, dtype: str) -> Any:
    """Detached KerasTensors of ``dtype`` for a shape, or for a list or dict of shapes.

    >>> specs_from_shapes([(None, 4), (None, 2)], "float32")
    [<KerasTensor shape=(None, 4), ...>, <KerasTensor shape=(None, 2), ...>]
    """
    if type(shapes) is tuple and (not shapes or type(shapes[-1]) is not tuple) or _is_shape(shapes):
        return KerasTensor(shapes, dtype=dtype)
    if isinstance(shapes, dict):
        return {key: KerasTensor(shape, dtype=dtype) for key, shape in shapes.items()}
    return [KerasTensor(shape, dtype=dtype) for shape in shapes]


def _is_shape(value: Any) -> bool:
    return isinstance(value, (tuple, list)) and all(
        dim is None or isinstance(dim, int) for dim in value
    )
