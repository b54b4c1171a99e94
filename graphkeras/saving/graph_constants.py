"""Arrays captured in a graph (``x + positional_encoding``) travel as arrays, not JSON.

An operator applied to a KerasTensor and a NumPy array records the array in
its ``OperatorLayer`` config as a nested list. For a large array that list
is slow to write, many times larger than the array, and could pass the
JSON limits on the way out and fail them on the way back. So the ``.gk``
writer moves every such constant of more than :data:`INLINE_ELEMENTS`
elements into the archive's ``constants.npz`` member and leaves
``{"__array__": "<key>"}`` in its place; the reader puts the arrays back
before the model is built. Small constants stay inline, where a reader of
config.json can see them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras.saving.errors import ModelFileError

INLINE_ELEMENTS = 64
REFERENCE_KEY = "__array__"
# How an OperationLayer's config marks an array argument (graphkeras/ops/arguments.py).
ARRAY_ARGUMENT = "__ndarray__"


def _constant_entries(config: Any):
    """Every array constant (a dict with ``value`` and ``dtype``) of an operation, nested too.

    An OperatorLayer lists them under ``constants``; an OperationLayer (a
    ``gk.ops`` call) holds ``{"class_name": "__ndarray__", ...}`` values
    anywhere in its ``arguments``.
    """
    pending = [config]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            inner = value.get("config")
            if value.get("class_name") == "OperatorLayer" and isinstance(inner, dict):
                constants = inner.get("constants")
                for entry in constants if isinstance(constants, list) else []:
                    if isinstance(entry, dict) and entry.get("dtype") is not None:
                        yield inner.get("name"), entry
            if value.get("class_name") == "OperationLayer" and isinstance(inner, dict):
                for entry in _array_arguments(inner.get("arguments")):
                    yield inner.get("name"), entry
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _array_arguments(arguments: Any):
    """The ``__ndarray__`` values among an OperationLayer's arguments."""
    pending = [arguments]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if value.get("class_name") == ARRAY_ARGUMENT and "dtype" in value:
                yield value
            else:
                pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def move_constants_out(config: Any) -> dict[str, np.ndarray]:
    """Replace large array constants in ``config`` (in place) by references; the arrays by key."""
    arrays: dict[str, np.ndarray] = {}
    for _, entry in _constant_entries(config):
        array = np.asarray(entry["value"], dtype=entry["dtype"])
        if array.size > INLINE_ELEMENTS:
            key = str(len(arrays))
            arrays[key] = array
            entry["value"] = {REFERENCE_KEY: key}
    return arrays


def put_constants_back(config: Any, arrays: dict[str, np.ndarray], where: str) -> None:
    """Replace each reference in ``config`` (in place) by its array from ``arrays``."""
    for layer_name, entry in _constant_entries(config):
        value = entry.get("value")
        if not (isinstance(value, dict) and REFERENCE_KEY in value):
            continue
        key = value[REFERENCE_KEY]
        if not isinstance(key, str) or key not in arrays:
            raise ModelFileError(
                f"{where}: layer {str(layer_name)[:80]!r} refers to constant {key!r}, which "
                f"constants.npz does not hold (it holds {sorted(arrays)[:10]})."
            )
        array = arrays[key]
        if array.dtype.kind not in "biuf":
            raise ModelFileError(
                f"{where}: constant {key!r} of layer {str(layer_name)[:80]!r} must hold "
                f"numbers, found dtype {array.dtype}."
            )
        entry["value"] = array
