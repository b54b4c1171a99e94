"""``save_model`` and ``load_model``: whole models to files and back.

The file kind is chosen by the name when saving (``.gk``: graphkeras's own
archive, ``model_archive.py``) and by the content when loading, so a
renamed file still loads through the reader that fits it, and no reader
is ever tried on bytes meant for another.
"""

from __future__ import annotations

import os

from graphkeras.engine import model_archive
from graphkeras.engine.model_archive import ModelFileError

SAVE_EXTENSIONS = (".gk",)


def save_model(
    model, filepath: str | os.PathLike, overwrite: bool = True, include_optimizer: bool = True
) -> None:
    """Write ``model`` (config, weights, compile arguments and optimizer state) to ``filepath``.

    ``.gk`` writes graphkeras's archive. The write is atomic: until it
    completes, an existing file at ``filepath`` is untouched.
    """
    path = os.fspath(filepath)
    if not path.endswith(SAVE_EXTENSIONS):
        raise ValueError(
            f"Cannot save model '{model.name}' to '{path}': the file name must end with one "
            f"of {list(SAVE_EXTENSIONS)}. Use save_weights() for a weights-only .npz file."
        )
    if not overwrite and os.path.exists(path):
        raise FileExistsError(
            f"Cannot save model '{model.name}': '{path}' exists (overwrite=False)."
        )
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
    return model_archive.load_archive(path, custom_objects=custom_objects, compile=compile)
