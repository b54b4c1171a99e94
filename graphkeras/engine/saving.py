"""Weight files: a model's weights as an ``.npz`` archive, written atomically.

Layout (format ``graphkeras.weights/1``); every entry is a plain numpy array,
so the file loads with ``allow_pickle=False`` and can never run code:

* ``__format__``: the string ``graphkeras.weights/1``;
* ``__layers__``: the names of the model's layers that have weights, in
  ``model.layers`` order;
* ``<layer name>/<i>``: weight ``i`` of that layer, in ``layer.weights`` order
  (a nested model is one layer whose weights are all of its own).

Any file name works; ``.weights.npz`` is the convention. Loading checks the
whole file against the model before assigning anything, so a file of another
architecture raises ``WeightsFileError`` (a ``ValueError``) and leaves every
weight as it was.
"""

from __future__ import annotations

import os
import tempfile
import warnings
import zipfile

import numpy as np

from graphkeras import backend as K

FORMAT = "graphkeras.weights/1"


class WeightsFileError(ValueError):
    """A weight file that is unreadable or does not fit the model."""


def save_weights_npz(model, filepath) -> None:
    """Write ``model``'s weights to ``filepath`` (temporary file, fsync, rename)."""
    filepath = os.fspath(filepath)
    arrays: dict[str, np.ndarray] = {"__format__": np.array(FORMAT)}
    names = []
    for layer in model.layers:
        weights = layer.weights
        if not weights:
            continue
        names.append(layer.name)
        for index, variable in enumerate(weights):
            arrays[f"{layer.name}/{index}"] = K.get_value(variable)
    arrays["__layers__"] = np.array(names, dtype=str)
    atomic_write(filepath, lambda handle: np.savez(handle, **arrays))


def atomic_write(filepath: str, write) -> None:
    """Call ``write(handle)`` on a temporary file beside ``filepath``, then rename it over.

    A crash at any point leaves either the old file or the new one, never a
    partial file.
    """
    folder = os.path.dirname(os.path.abspath(filepath))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def read_weights_npz(filepath) -> tuple[list[str], dict[str, list[np.ndarray]]]:
    """``(layer_names, {layer_name: [arrays]})`` from a weight file; errors name the file."""
    filepath = os.fspath(filepath)
    try:
        archive = np.load(filepath, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise WeightsFileError(f"Weight file '{filepath}' cannot be read: {error}") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise WeightsFileError(f"Weight file '{filepath}' is not an .npz archive.")
    with archive:
        try:
            keys = set(archive.files)
            if "__format__" not in keys or str(archive["__format__"]) != FORMAT:
                raise WeightsFileError(
                    f"Weight file '{filepath}': expected format {FORMAT!r} in '__format__', "
                    f"found {str(archive['__format__']) if '__format__' in keys else 'none'}."
                )
            if "__layers__" not in keys:
                raise WeightsFileError(f"Weight file '{filepath}' has no '__layers__' entry.")
            names = [str(name) for name in np.atleast_1d(archive["__layers__"])]
            weights: dict[str, list[np.ndarray]] = {}
            for name in names:
                arrays = []
                while f"{name}/{len(arrays)}" in keys:
                    arrays.append(archive[f"{name}/{len(arrays)}"])
                weights[name] = arrays
        except (OSError, ValueError, zipfile.BadZipFile, KeyError) as error:
            if isinstance(error, WeightsFileError):
                raise
            raise WeightsFileError(f"Weight file '{filepath}' is damaged: {error}") from error
    return names, weights


def load_weights_npz(model, filepath, by_name: bool = False, skip_mismatch: bool = False) -> None:
    """Assign weights from a file written by :func:`save_weights_npz`.

    Layers pair by position among the layers that have weights, or by name
    with ``by_name=True`` (layers missing from the file are left alone).
    Every pair is checked before any weight changes; with ``skip_mismatch``
    pairs that do not fit are skipped with a warning instead of raising.
    """
    filepath = os.fspath(filepath)
    file_names, file_weights = read_weights_npz(filepath)
    layers = [layer for layer in model.layers if layer.weights]

    if by_name:
        by_layer_name = {layer.name: layer for layer in layers}
        pairs = [(by_layer_name[name], name) for name in file_names if name in by_layer_name]
    else:
        if len(file_names) != len(layers) and not skip_mismatch:
            raise WeightsFileError(
                f"Weight file '{filepath}' holds weights for {len(file_names)} layers "
                f"({file_names}), but model '{model.name}' has {len(layers)} layers with "
                f"weights ({[layer.name for layer in layers]})."
            )
        pairs = list(zip(layers, file_names, strict=False))

    assignments = []
    for layer, file_name in pairs:
        variables = layer.weights
        arrays = file_weights[file_name]
        expected = [tuple(variable.shape) for variable in variables]
        found = [tuple(array.shape) for array in arrays]
        if expected != found:
            message = (
                f"Weight file '{filepath}': layer '{layer.name}' expects {len(expected)} weights "
                f"of shapes {expected}, but the file's layer '{file_name}' holds {len(found)} "
                f"of shapes {found}."
            )
            if skip_mismatch:
                warnings.warn(message + " Skipped.", stacklevel=3)
                continue
            raise WeightsFileError(message)
        assignments.extend(zip(variables, arrays, strict=True))
    K.batch_set_value(assignments)
