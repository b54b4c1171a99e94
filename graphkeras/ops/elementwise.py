"""Factories for the many ops that are one backend function applied element-wise.

``unary("exp", doc)`` makes and registers ``ops.exp(x)``; ``binary("add",
doc)`` makes ``ops.add(x1, x2)``. The parameter names are Keras 3's, which
matter: arguments are recorded and saved by name.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float, as_tensor
from graphkeras.ops.operation import operation


def unary(backend_name: str, doc: str, float_result: bool = True) -> Callable:
    """ops.``backend_name``(x); integers become ``floatx()`` first when ``float_result``."""
    convert = as_float if float_result else as_tensor

    def compute(x):
        return getattr(K, backend_name)(convert(x))

    return _named(compute, backend_name, doc)


def binary(backend_name: str, doc: str) -> Callable:
    """ops.``backend_name``(x1, x2), broadcasting as the backend function does."""

    def compute(x1, x2):
        return getattr(K, backend_name)(x1, x2)

    return _named(compute, backend_name, doc)


def _named(compute: Callable, name: str, doc: str) -> Callable:
    compute.__name__ = compute.__qualname__ = name
    compute.__doc__ = doc
    return operation(compute)
