"""The engine's one door to export formats: how ``Model.export`` reaches ``graphkeras.export``.

Exporting writes a model for another runtime (ONNX for onnxruntime,
TensorRT, OpenVINO). The writers live above the engine, in
``graphkeras.export``, which registers each format here when it is imported
(``import graphkeras`` always imports it). ``Model.export`` looks the format
up by name, so a new format is a :func:`register_export_format` call and
never an edit to the engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable

ExportFunction = Callable[..., None]
"""``(model, filepath, **options) -> None``: writes ``model`` to ``filepath``."""

_formats: dict[str, ExportFunction] = {}


def register_export_format(name: str, function: ExportFunction) -> None:
    """Make ``model.export(path, format=name, ...)`` call ``function(model, path, ...)``."""
    _formats[name] = function


def export_formats() -> list[str]:
    """The names of the registered formats, sorted."""
    return sorted(_formats)


def export_model(model, filepath: str | os.PathLike, format: str, **options) -> None:
    """Write ``model`` in ``format``; an unknown format raises ``ValueError`` naming the known."""
    function = _formats.get(format) if isinstance(format, str) else None
    if function is None:
        known = (
            ", ".join(repr(name) for name in export_formats())
            or "none (is graphkeras.export imported?)"
        )
        raise ValueError(f"Model.export: unknown format={format!r}; the formats known are {known}.")
    function(model, filepath, **options)
