"""State a layer keeps outside its weights: asset files and named own variables (Keras 3's hooks).

Keras 3 lets a layer save what is not a weight through two pairs of
methods, and graphkeras's lookup layers implement them the same way:

- ``save_assets(dir_path)`` / ``load_assets(dir_path)``: files in a folder
  of the archive (a lookup layer's adapted ``vocabulary.txt``);
- ``save_own_variables(store)`` / ``load_own_variables(store)``: named
  arrays (a tf_idf layer's ``idf_weights``).

This module turns those calls into plain ``{file name: bytes}`` and
``{name: array}`` dicts, so the archive writers and readers keep control of
every member: asset files are written to and read from a private temporary
folder, and a file name holding a folder or ``..`` is refused.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from graphkeras.saving.errors import ModelFileError

# An asset file of a layer may hold at most this many bytes (a vocabulary of millions).
MAX_ASSET_BYTES = 256 * 2**20


def layers_by_path(model) -> list[tuple[str, object]]:
    """``(path, layer)`` for every layer of ``model``, nested models opened: ``"outer/inner"``.

    Layer names are unique within a model, so the paths are unique; the
    ``.gk`` archive files a layer's state under its path.
    """
    found: list[tuple[str, object]] = []
    pending = [("", model)]
    while pending:
        prefix, network = pending.pop()
        for layer in network.layers:
            path = f"{prefix}{layer.name}"
            if getattr(layer, "_is_graph_network", False):
                pending.append((f"{path}/", layer))
            else:
                found.append((path, layer))
    return found


def has_assets(layer) -> bool:
    """Whether ``layer`` keeps asset files (implements Keras's ``save_assets``)."""
    return callable(getattr(layer, "save_assets", None))


def has_own_variables(layer) -> bool:
    """Whether ``layer`` keeps named arrays beside its weights (``save_own_variables``)."""
    return callable(getattr(layer, "save_own_variables", None))


def asset_files(layer) -> dict[str, bytes]:
    """The files ``layer.save_assets`` writes, by name."""
    with tempfile.TemporaryDirectory() as folder:
        layer.save_assets(folder)
        files = {}
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), "rb") as handle:
                files[name] = handle.read()
        return files


def restore_assets(layer, files: dict[str, bytes], where: str) -> None:
    """Give ``layer.load_assets`` the ``files`` (``{name: bytes}``) of its asset folder."""
    for name in files:
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            raise ModelFileError(f"{where}: asset file name {name!r} is not a plain file name.")
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(data)
        try:
            layer.load_assets(folder)
        except (OSError, ValueError, RuntimeError, UnicodeDecodeError) as error:
            raise ModelFileError(
                f"{where}: layer '{layer.name}' could not read its assets: {error}"
            ) from error


def own_variables(layer) -> dict[str, np.ndarray]:
    """The named arrays ``layer.save_own_variables`` gives."""
    store: dict = {}
    layer.save_own_variables(store)
    return {name: np.asarray(value) for name, value in store.items()}


def restore_own_variables(layer, store: dict, where: str) -> None:
    """Give ``layer.load_own_variables`` the arrays read back from the file."""
    try:
        layer.load_own_variables(store)
    except (ValueError, TypeError) as error:
        raise ModelFileError(
            f"{where}: layer '{layer.name}' could not read its variables: {error}"
        ) from error
