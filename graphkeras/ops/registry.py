"""The table of operations: each ``gk.ops`` function by name, with how to call it.

Every function in ``gk.ops`` that can take a KerasTensor is registered here
under its Keras 3 name by the :func:`~graphkeras.ops.operation.operation`
decorator. A recorded :class:`~graphkeras.ops.operation_layer.OperationLayer`
keeps only that name, so a graph read back from a file can only ever run
functions in this table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Operation:
    """One ``gk.ops`` function: its name, its computation on arrays, its signature.

    ``compute`` is the plain function on arrays (backend ops only, so the
    gradient tape records it). ``infer`` optionally maps the arguments, with
    KerasTensors in place of arrays, to the output KerasTensor(s); without
    it the engine finds output shapes by running ``compute`` on tiny arrays.
    """

    name: str
    compute: Callable
    signature: inspect.Signature
    infer: Callable | None = None

    def bind(self, args: tuple, kwargs: dict) -> dict[str, Any]:
        """The call's arguments by parameter name, defaults filled in."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"ops.{self.name}{self.signature}: {error}.") from None
        bound.apply_defaults()
        return dict(bound.arguments)

    def run(self, function: Callable, arguments: dict[str, Any]) -> Any:
        """Call ``function`` (``compute`` or ``infer``) with arguments bound by name."""
        positional: list = []
        keywords: dict = {}
        skipped = False  # after a parameter left out, the rest must go by name
        for name, parameter in self.signature.parameters.items():
            if name not in arguments:
                skipped = True
                continue
            value = arguments[name]
            if parameter.kind is inspect.Parameter.VAR_POSITIONAL:
                positional.extend(value)
            elif parameter.kind is inspect.Parameter.VAR_KEYWORD:
                keywords.update(value)
            elif parameter.kind is inspect.Parameter.KEYWORD_ONLY or keywords or skipped:
                keywords[name] = value
            else:
                positional.append(value)
        return function(*positional, **keywords)


OPERATIONS: dict[str, Operation] = {}


def register(operation: Operation) -> None:
    """Add ``operation`` to the table; a second function under one name is a bug."""
    if operation.name in OPERATIONS:
        raise ValueError(f"ops: an operation named {operation.name!r} is registered already.")
    OPERATIONS[operation.name] = operation


def get_operation(name: Any, where: str) -> Operation:
    """The operation called ``name``, or a ValueError saying which names exist."""
    if not isinstance(name, str) or name not in OPERATIONS:
        raise ValueError(
            f"{where}: unknown operation {str(name)[:80]!r}; graphkeras has "
            f"{len(OPERATIONS)} operations in gk.ops (for example {sorted(OPERATIONS)[:8]})."
        )
    return OPERATIONS[name]
