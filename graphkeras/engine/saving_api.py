"""``save_model`` and ``load_model``: whole models to files and back.

The file kind is chosen by the name when saving (``.gk``: graphkeras's own
archive, ``model_archive.py``; ``.keras``: a Keras 3 archive,
``interop/keras_archive.py``) and by the content when loading (a Keras 3
archive, a Keras 2 HDF5 file, or a ``.gk`` archive), so a renamed file
still loads through the reader that fits it, and no reader is ever tried
on bytes meant for another. The Keras formats need h5py (the ``keras``
extra).
"""

from __future__ import annotations

import os
import zipfile

from graphkeras.engine import model_archive
from graphkeras.engine.model_archive import ModelFileError

SAVE_EXTENSIONS = (".gk", ".keras")
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def save_model(
    model, filepath: str | os.PathLike, overwrite: bool = True, include_optimizer: bool = True
) -> None:
    """Write ``model`` (config, weights, compile arguments and optimizer state) to ``filepath``.

    ``.gk`` writes graphkeras's archive; ``.keras`` a Keras 3 archive (config,
    compile arguments and weights, no optimizer state; needs h5py). The write
    is atomic: until it completes, an existing file at ``filepath`` is untouched.
    """
    path = os.fspath(filepath)
    if not path.endswith(SAVE_EXTENSIONS):
        legacy = " (graphkeras does not write Keras 2 .h5 files)" if path.endswith(".h5") else ""
        raise ValueError(
            f"Cannot save model '{model.name}' to '{path}': the file name must end with one "
            f"of {list(SAVE_EXTENSIONS)}{legacy}. Use save_weights() for a weights-only .npz file."
        )
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"Cannot save model '{model.name}': '{path}' exists (overwrite=False)."
        )
    if path.endswith(".keras"):
        from graphkeras.interop.keras_archive import save_keras_archive

        save_keras_archive(model, path)
        return
    model_archive.save_archive(model, path, include_optimizer=include_optimizer)


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
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start == HDF5_SIGNATURE:
        from graphkeras.interop.keras_h5 import load_keras_h5

        return load_keras_h5(path, custom_objects=custom_objects, compile=compile)
    if zipfile.is_zipfile(path) and _holds_keras_weights(path):
        from graphkeras.interop.keras_archive import load_keras_archive

        return load_keras_archive(path, custom_objects=custom_objects, compile=compile)
    return model_archive.load_archive(path, custom_objects=custom_objects, compile=compile)


def _holds_keras_weights(path: str) -> bool:
    """Whether the zip at ``path`` is a Keras 3 archive (it holds ``model.weights.h5``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "model.weights.h5" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
