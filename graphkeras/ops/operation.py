"""The ``@operation`` decorator: one function for arrays and for KerasTensors.

A ``gk.ops`` function is written once, on arrays, with backend ops (so the
gradient tape records it). The decorator registers it in the operations
table and wraps it: called with any KerasTensor among its arguments (at any
depth of a list, tuple or dict), the wrapper records an
:class:`~graphkeras.ops.operation_layer.OperationLayer` node instead and
returns its symbolic output(s); otherwise it computes.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from graphkeras.engine.node import is_keras_tensor
from graphkeras.ops.operation_layer import record_operation
from graphkeras.ops.registry import Operation, register
from graphkeras.utils import nest


def has_keras_tensor(value: Any) -> bool:
    """Whether a KerasTensor is among ``value``'s leaves."""
    return any(is_keras_tensor(leaf) for leaf in nest.flatten(value))


def operation(
    compute: Callable | None = None, *, name: str | None = None, infer: Callable | None = None
) -> Callable:
    """Register ``compute`` as ops.``name`` (its own name by default); see the module docstring.

    ``infer``, given the same arguments with KerasTensors, returns the output
    KerasTensor(s) without computing; without it output shapes are probed.
    """

    def decorate(function: Callable) -> Callable:
        entry = Operation(
            name=name or function.__name__,
            compute=function,
            signature=inspect.signature(function),
            infer=infer,
        )
        register(entry)

        @functools.wraps(function)
        def dispatch(*args, **kwargs):
            arguments = entry.bind(args, kwargs)
            if has_keras_tensor(list(arguments.values())):
                return record_operation(entry.name, arguments)
            return entry.run(function, arguments)

        dispatch.operation = entry
        return dispatch

    return decorate(compute) if compute is not None else decorate
