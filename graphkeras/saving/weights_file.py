r"""Weight files: a model's weights as an ``.npz`` archive, written atomically.

Layout (format ``graphkeras.weights/2``); every entry is a plain numpy array,
so the file loads with ``allow_pickle=False`` and can never run code:

* ``__format__``: the string ``graphkeras.weights/2``;
* ``__layers__``: the escaped names of the model's layers that have weights,
  in ``model.layers`` order;
* ``<escaped layer name>/<i>``: weight ``i`` of that layer, in
  ``layer.weights`` order (a nested model is one layer whose weights are all
  of its own).

A layer name may be any text without ``/`` or NUL, but a zip member name
cannot carry every such text (``..`` is a path step, ``\`` a separator on
some systems), so names are escaped: every character other than ASCII
letters, digits, ``_``, ``-`` and ``~`` becomes ``%XX`` per UTF-8 byte.
Version 1 files (unescaped names, written before) still load.

Any file name works; ``.weights.npz`` is the convention. Loading checks the
whole file against the model before assigning anything, so a file of another
architecture raises ``WeightsFileError`` (a ``ValueError``) and leaves every
weight as it was. The same layout is the ``weights.npz`` member of a saved
model archive (``model_archive.py``).
"""

from __future__ import annotations

import os
import warnings
from urllib.parse import quote, unquote

import numpy as np

from graphkeras import backend as K
from graphkeras.saving.errors import WeightsFileError
from graphkeras.saving.format_registry import FileFormat
from graphkeras.saving.npz import ArchiveError, read_npz, write_npz
from graphkeras.utils.atomic_write import atomic_write

FORMAT = "graphkeras.weights/2"
FORMAT_UNESCAPED = "graphkeras.weights/1"


def escape_name(name: str) -> str:
    """``name`` as ASCII that is safe as one zip path part (no ``.``, ``/`` or ``\\``)."""
    return quote(name, safe="").replace(".", "%2E")


def weights_to_npz(model) -> bytes:
    """The bytes of a weight file for ``model`` (the layout above)."""
    arrays: dict[str, np.ndarray] = {"__format__": np.array(FORMAT)}
    names = []
    for layer in model.layers:
        weights = layer.weights
        if not weights:
            continue
        key = escape_name(layer.name)
        names.append(key)
        for index, variable in enumerate(weights):
            arrays[f"{key}/{index}"] = K.get_value(variable)
    arrays["__layers__"] = np.array(names, dtype=str)
    return write_npz(arrays)


def save_weights_npz(model, filepath) -> None:
    """Write ``model``'s weights to ``filepath`` (temporary file, fsync, rename)."""
    data = weights_to_npz(model)
    atomic_write(filepath, lambda handle: handle.write(data))


def parse_weights(arrays: dict[str, np.ndarray], source: str) -> tuple[list[str], dict]:
    """``(layer_names, {layer_name: [arrays]})`` from a weight file's arrays."""
    marker = arrays.get("__format__")
    if marker is None or marker.shape != () or str(marker) not in (FORMAT, FORMAT_UNESCAPED):
        found = "none" if marker is None else repr(str(marker))[:80]
        raise WeightsFileError(
            f"{source}: expected format {FORMAT!r} in '__format__', found {found}."
        )
    escaped = str(marker) == FORMAT
    layers = arrays.get("__layers__")
    if layers is None or layers.ndim > 1 or layers.dtype.kind != "U":
        raise WeightsFileError(f"{source}: '__layers__' must be a list of layer names.")
    keys = [str(key) for key in np.atleast_1d(layers)]
    names: list[str] = []
    weights: dict[str, list[np.ndarray]] = {}
    for key in keys:
        try:
            name = unquote(key, errors="strict") if escaped else key
        except UnicodeDecodeError as error:
            raise WeightsFileError(
                f"{source}: '__layers__' holds {key[:80]!r}, not an escaped layer name."
            ) from error
        found = []
        while f"{key}/{len(found)}" in arrays:
            found.append(arrays[f"{key}/{len(found)}"])
        names.append(name)
        weights[name] = found
    return names, weights


def read_weights_npz(filepath) -> tuple[list[str], dict[str, list[np.ndarray]]]:
    """``(layer_names, {layer_name: [arrays]})`` from a weight file; errors name the file."""
    filepath = os.fspath(filepath)
    source = f"Weight file '{filepath}'"
    try:
        with open(filepath, "rb") as handle:
            arrays = read_npz(handle, source)
    except OSError as error:
        raise WeightsFileError(f"{source} cannot be read: {error}") from error
    except ArchiveError as error:
        raise WeightsFileError(str(error)) from error
    return parse_weights(arrays, source)


def assign_weights(
    model,
    file_names: list[str],
    file_weights: dict,
    source: str,
    by_name: bool = False,
    skip_mismatch: bool = False,
) -> None:
    """Check every weight against ``model``, then assign them all (or raise, changing nothing).

    Layers pair by position among the layers that have weights, or by name
    with ``by_name=True`` (layers missing from the file are left alone).
    With ``skip_mismatch`` pairs that do not fit are skipped with a warning.
    """
    layers = [layer for layer in model.layers if layer.weights]
    if by_name:
        by_layer_name = {layer.name: layer for layer in layers}
        pairs = [(by_layer_name[name], name) for name in file_names if name in by_layer_name]
    else:
        if len(file_names) != len(layers) and not skip_mismatch:
            raise WeightsFileError(
                f"{source} holds weights for {len(file_names)} layers ({file_names}), but "
                f"model '{model.name}' has {len(layers)} layers with weights "
                f"({[layer.name for layer in layers]})."
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
                f"{source}: layer '{layer.name}' expects {len(expected)} weights of shapes "
                f"{expected}, but the file's layer '{file_name}' holds {len(found)} of shapes "
                f"{found}."
            )
            if skip_mismatch:
                warnings.warn(message + " Skipped.", stacklevel=3)
                continue
            raise WeightsFileError(message)
        for variable, array in zip(variables, arrays, strict=True):
            if array.dtype.kind not in "biuf":
                raise WeightsFileError(
                    f"{source}: layer '{file_name}' weight '{variable.name}' must hold numbers, "
                    f"found dtype {array.dtype}."
                )
            assignments.append((variable, array))
    K.batch_set_value(assignments)


def load_weights_npz(model, filepath, by_name: bool = False, skip_mismatch: bool = False) -> None:
    """Assign weights from a file written by :func:`save_weights_npz`."""
    filepath = os.fspath(filepath)
    file_names, file_weights = read_weights_npz(filepath)
    assign_weights(
        model, file_names, file_weights, f"Weight file '{filepath}'", by_name, skip_mismatch
    )


FILE_FORMAT = FileFormat(
    name="graphkeras weight file (.npz)",
    holds="weights",
    suffixes=(".npz",),
    load=load_weights_npz,
    save=save_weights_npz,
    any_name=True,
    reads_the_rest=True,
)
