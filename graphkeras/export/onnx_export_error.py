"""OnnxExportError: a model that cannot be written as ONNX, and why."""

from __future__ import annotations


class OnnxExportError(ValueError):
    """Raised before anything is written: a layer without a converter, a mask ONNX cannot carry.

    A ``ValueError``, so code that catches bad-argument errors catches it too.
    """
