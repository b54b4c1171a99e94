"""Python's arithmetic and ordering operators, each routed to a backend op by name.

A backend's Variable (and the JAX backend's tape tensor) answers ``v * 2``,
``x[0]`` or ``v < 1`` by calling the backend op of that name, so the
operators compute exactly what the ops do and a gradient tape that replaces
the ops records them too. The ops live in a dict that the class names as
``_operators``; the backend fills it once its namespace is complete (and
again whenever the ops are replaced), so the classes never import the ops.
"""

from __future__ import annotations

from typing import ClassVar

# The ops behind the operators, as the backend namespace names them.
OPERATOR_OP_NAMES = (
    "add",
    "subtract",
    "multiply",
    "divide",
    "matmul",
    "power",
    "floor_divide",
    "mod",
    "negative",
    "abs",
    "getitem",
    "less",
    "less_equal",
    "greater",
    "greater_equal",
)


def operator_ops(namespace: dict) -> dict:
    """``{name: op}`` for every name of :data:`OPERATOR_OP_NAMES`, read from ``namespace``."""
    missing = [name for name in OPERATOR_OP_NAMES if name not in namespace]
    if missing:
        raise ValueError(f"The backend namespace lacks the operator ops {missing}.")
    return {name: namespace[name] for name in OPERATOR_OP_NAMES}


class OperatorMethods:
    """The operators of an array-like class, each a call of ``_operators[op name]``.

    ``+x`` calls the ``"positive"`` entry. ``==`` and ``!=`` are left to the
    class: a Variable keeps object identity (to serve as a dict key), a
    tensor compares element-wise.
    """

    __slots__ = ()

    _operators: ClassVar[dict]

    def __getitem__(self, key):
        return self._operators["getitem"](self, key)

    def __add__(self, other):
        return self._operators["add"](self, other)

    def __radd__(self, other):
        return self._operators["add"](other, self)

    def __sub__(self, other):
        return self._operators["subtract"](self, other)

    def __rsub__(self, other):
        return self._operators["subtract"](other, self)

    def __mul__(self, other):
        return self._operators["multiply"](self, other)

    def __rmul__(self, other):
        return self._operators["multiply"](other, self)

    def __truediv__(self, other):
        return self._operators["divide"](self, other)

    def __rtruediv__(self, other):
        return self._operators["divide"](other, self)

    def __floordiv__(self, other):
        return self._operators["floor_divide"](self, other)

    def __rfloordiv__(self, other):
        return self._operators["floor_divide"](other, self)

    def __mod__(self, other):
        return self._operators["mod"](self, other)

    def __rmod__(self, other):
        return self._operators["mod"](other, self)

    def __pow__(self, other):
        return self._operators["power"](self, other)

    def __rpow__(self, other):
        return self._operators["power"](other, self)

    def __matmul__(self, other):
        return self._operators["matmul"](self, other)

    def __rmatmul__(self, other):
        return self._operators["matmul"](other, self)

    def __neg__(self):
        return self._operators["negative"](self)

    def __pos__(self):
        return self._operators["positive"](self)

    def __abs__(self):
        return self._operators["abs"](self)

    def __lt__(self, other):
        return self._operators["less"](self, other)

    def __le__(self, other):
        return self._operators["less_equal"](self, other)

    def __gt__(self, other):
        return self._operators["greater"](self, other)

    def __ge__(self, other):
        return self._operators["greater_equal"](self, other)
