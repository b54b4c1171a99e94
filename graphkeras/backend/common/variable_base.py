"""What a backend Variable is besides its array: a name, a path, flags, and Python's protocols.

Each backend's Variable subclasses :class:`VariableBase` and says how it
makes its array (``_new_value``), which dtype a value takes by default
(``_default_dtype``) and how it assigns; everything else (the name, the
path, the ``trainable`` flag, the regularizer and constraint slots, shape queries and
the Python operators) is the same on every backend and lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from graphkeras.backend import config
from graphkeras.backend.common.name_scopes import current_path, join_path
from graphkeras.backend.common.operator_methods import OperatorMethods
from graphkeras.backend.common.variable_assignment import variable_name


class VariableBase(OperatorMethods):
    """A mutable array with a name, as a layer weight, an optimizer slot or a seed state.

    ``value`` is the backing array of the backend. ``==`` and ``!=`` keep
    object identity, so Variables work as list items and dict keys.
    ``path`` is fixed when the Variable is made: the open name scopes
    (``backend/common/name_scopes.py``) followed by its name, as Keras 3.
    """

    # Each backend's Variable defines these two (as static methods):
    # ``_new_value(value, dtype)``, a new backend array holding a copy of
    # ``value``, and ``_default_dtype(value)``, the dtype it takes when none is given.
    _new_value: ClassVar[Callable[[Any, str], Any]]
    _default_dtype: ClassVar[Callable[[Any], str]]

    def __init__(
        self,
        value,
        dtype=None,
        name: str | None = None,
        trainable: bool = True,
    ) -> None:
        if isinstance(value, VariableBase):
            value = value.value
        dtype = config.standardize_dtype(dtype if dtype is not None else self._default_dtype(value))
        self.name = variable_name(name)
        # Known before the value is made, so whatever places values by path can read it.
        self._path = join_path(current_path(), self.name)
        self.value = self._new_value(value, dtype)
        self.trainable = bool(trainable)
        self.regularizer = None
        self.constraint = None

    @property
    def path(self) -> str:
        """``"model/layer/kernel"``: the name scopes open at creation, then the name (read-only)."""
        return self._path

    @property
    def shape(self) -> tuple:
        return tuple(self.value.shape)

    @property
    def ndim(self) -> int:
        return self.value.ndim

    @property
    def size(self) -> int:
        return int(self.value.size)

    def __repr__(self) -> str:
        return f"<Variable name={self.name}, shape={self.shape}, dtype={self.dtype}>"

    def __len__(self) -> int:
        return len(self.value)
