"""``gk.ops``: Keras 3's operation namespace, on arrays and on KerasTensors.

``from graphkeras import ops`` gives the same functions as ``keras.ops``:
on arrays they compute through the backend (the gradient tape records
them); on KerasTensors they record an operation node in the graph, which
models list, draw, run, save and load like any layer. The submodules
``numpy``, ``nn``, ``core``, ``math``, ``linalg`` and ``image`` are Keras 3's
``keras.ops.*`` namespaces; every function but ``image.*`` is also here.
"""

from __future__ import annotations

from types import ModuleType

from graphkeras.ops import core, image, linalg, math, nn, numpy
from graphkeras.ops.operation_layer import OperationLayer
from graphkeras.ops.registry import OPERATIONS


def _public_functions(module: ModuleType) -> dict:
    """The functions ``module`` defines or makes (registered ops), not the helpers it imports."""
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and callable(value)
        and (hasattr(value, "operation") or _defined_in(value, module))
    }


def _defined_in(value, module: ModuleType) -> bool:
    """Whether ``value`` was defined in ``module`` or, for a package, in one of its modules."""
    home = getattr(value, "__module__", None) or ""
    return home == module.__name__ or home.startswith(module.__name__ + ".")


_NAMESPACES = (numpy, nn, core, math, linalg)
for _module in _NAMESPACES:
    globals().update(_public_functions(_module))

__all__ = sorted(
    {name for module in _NAMESPACES for name in _public_functions(module)}
    | {"OPERATIONS", "OperationLayer", "core", "image", "linalg", "math", "nn", "numpy"}
)
