"""``save_model``, ``load_model``, ``save_weights``, ``load_weights``: models to files and back.

Each function asks the format registry (``format_registry.py``) which
format fits: by the file name when saving (``.gk``: graphkeras's archive;
``.keras``: a Keras 3 archive; weights: graphkeras's ``.npz`` under any
name, or whatever else is registered), and by the content when loading, so
a renamed file still loads through the reader that fits it. The Keras
formats need h5py (the ``keras`` extra).
"""

from __future__ import annotations

import os

from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.format_registry import format_for_loading, format_for_saving, saving_suffixes


def save_model(
    model, filepath: str | os.PathLike, overwrite: bool = True, include_optimizer: bool = True
) -> None:
    """Write ``model`` (config, weights, compile arguments and optimizer state) to ``filepath``.

    ``.gk`` writes graphkeras's archive; ``.keras`` a Keras 3 archive (config,
    compile arguments and weights, no optimizer state; needs h5py). The write
    is atomic: until it completes, an existing file at ``filepath`` is untouched.
    """
    path = os.fspath(filepath)
    file_format = format_for_saving(path, "model")
    if file_format is None:
        legacy = " (graphkeras does not write Keras 2 .h5 files)" if path.endswith(".h5") else ""
        raise ValueError(
            f"Cannot save model '{model.name}' to '{path}': the file name must end with one "
            f"of {saving_suffixes('model')}{legacy}. Use save_weights() for a weights-only file."
        )
    _refuse_existing(path, overwrite, f"Cannot save model '{model.name}'")
    file_format.save(model, path, include_optimizer=include_optimizer)


def load_model(
    filepath: str | os.PathLike, custom_objects: dict | None = None, compile: bool = True
):
    """The model saved in ``filepath``, its weights set and (with ``compile``) compiled.

    Names in the file resolve only through built-ins, registered objects and
    ``custom_objects``; nothing in the file can run code. A bad file raises a
    ``ValueError`` subclass naming the file and the part at fault.
    """
    path = os.fspath(filepath)
    if not os.path.isfile(path):
        raise ModelFileError(f"Model file '{path}' does not exist or is not a file.")
    file_format = format_for_loading(path, "model")
    return file_format.load(path, custom_objects=custom_objects, compile=compile)


def save_weights(model, filepath: str | os.PathLike, overwrite: bool = True) -> None:
    """Write every weight of ``model`` to ``filepath``, atomically.

    Any name gets graphkeras's ``.npz`` weight file (``.weights.npz`` is the
    convention) unless a registered format claims the name's ending.
    """
    path = os.fspath(filepath)
    file_format = format_for_saving(path, "weights")
    if file_format is None:
        raise ValueError(f"Cannot save the weights of '{model.name}' to '{path}': no format.")
    _refuse_existing(path, overwrite, f"Cannot save the weights of '{model.name}'")
    file_format.save(model, path)


def load_weights(
    model, filepath: str | os.PathLike, by_name: bool = False, skip_mismatch: bool = False
) -> None:
    """Assign weights read from ``filepath``; a file that does not fit changes nothing."""
    path = os.fspath(filepath)
    file_format = format_for_loading(path, "weights")
    file_format.load(model, path, by_name=by_name, skip_mismatch=skip_mismatch)


def _refuse_existing(path: str, overwrite: bool, action: str) -> None:
    if not overwrite and os.path.exists(path):
        raise FileExistsError(f"{action}: '{path}' exists (overwrite=False).")
