"""export_onnx: a model written to an ``.onnx`` file, whole or not at all."""

from __future__ import annotations

import os

from graphkeras.export.onnx_model import to_onnx
from graphkeras.utils.atomic_write import atomic_write


def export_onnx(
    model, filepath: str | os.PathLike, opset: int | None = None, dynamic_batch: bool = True
) -> None:
    """Write ``to_onnx(model, opset, dynamic_batch)`` to ``filepath``.

    The graph is built in memory first, so a model that cannot be exported
    is refused before the file is touched; the bytes then go through
    ``atomic_write``, so a crash leaves the previous file (or none), never
    part of one.
    """
    if not isinstance(filepath, (str, os.PathLike)):
        raise TypeError(
            f"export: filepath must be a str or os.PathLike, received {filepath!r} of type "
            f"{type(filepath).__name__}."
        )
    data = to_onnx(model, opset=opset, dynamic_batch=dynamic_batch).SerializeToString()
    atomic_write(filepath, lambda handle: handle.write(data))
