"""The ``onnx`` package, imported only when an export needs it.

``graphkeras`` runs without ``onnx``; exporting to ONNX needs it, and the
error says which extra installs it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

ONNX_EXTRA = "graphkeras[onnx]"


def require_onnx() -> ModuleType:
    """The ``onnx`` module; an ``ImportError`` naming the ``graphkeras[onnx]`` extra without it."""
    try:
        return importlib.import_module("onnx")
    except ImportError as error:
        raise ImportError(
            "Exporting to ONNX needs the onnx package, which is not installed. "
            f'Install it with: pip install "{ONNX_EXTRA}"'
        ) from error
