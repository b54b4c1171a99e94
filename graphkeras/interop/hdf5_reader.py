"""HDF5 access for Keras files: h5py on demand, and reads that never leave the file.

An HDF5 file can hold soft links, external links (to other files), virtual
datasets and datasets stored in external raw files. Any of these could make
a reader touch something outside the file it was given, so only hard links
are followed and only self-contained numeric datasets are read; anything
else is a :class:`ModelFileError` naming the path at fault.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras.saving.errors import ModelFileError

# Text attributes (a model config written as JSON) larger than this are refused.
MAX_TEXT_BYTES = 64 * 2**20


def require_h5py(purpose: str):
    """The h5py module, or an ``ImportError`` telling how to install it."""
    try:
        import h5py
    except ImportError as error:
        raise ImportError(
            f"{purpose} needs h5py, which is not installed. Install graphkeras's optional "
            "Keras extra: pip install 'graphkeras[keras]'"
        ) from error
    return h5py


def child(group, name: str, where: str) -> Any:
    """``group[name]`` if it is a hard link to a group or dataset, ``None`` if absent."""
    h5py = require_h5py("Reading Keras files")
    try:
        link = group.get(name, getlink=True)
    except (KeyError, ValueError, OSError, RuntimeError) as error:
        raise ModelFileError(f"{where}: '{group.name}/{name}' cannot be read: {error}") from error
    if link is None:
        return None
    if not isinstance(link, h5py.HardLink):
        raise ModelFileError(
            f"{where}: '{group.name}/{name}' is a {type(link).__name__}; only plain groups and "
            "datasets are read (a link could lead outside the file)."
        )
    try:
        return group[name]
    except (KeyError, ValueError, OSError, RuntimeError) as error:
        raise ModelFileError(f"{where}: '{group.name}/{name}' cannot be read: {error}") from error


def child_group(group, name: str, where: str):
    """The subgroup ``name`` (``None`` if absent); a dataset there is an error."""
    h5py = require_h5py("Reading Keras files")
    found = child(group, name, where)
    if found is not None and not isinstance(found, h5py.Group):
        raise ModelFileError(f"{where}: '{group.name}/{name}' should be a group, found a dataset.")
    return found


def dataset_shape(dataset, where: str) -> tuple:
    """The declared shape of a dataset that is safe to read (checked, nothing read yet)."""
    h5py = require_h5py("Reading Keras files")
    path = f"{where}: dataset '{getattr(dataset, 'name', '?')}'"
    if not isinstance(dataset, h5py.Dataset):
        raise ModelFileError(f"{path} should be a dataset, found a group.")
    if dataset.is_virtual or dataset.external:
        raise ModelFileError(f"{path} keeps its data outside the file; refused.")
    if dataset.dtype.kind not in "iuf" or dataset.dtype.fields is not None:
        raise ModelFileError(f"{path} must hold numbers, found dtype {dataset.dtype}.")
    return tuple(int(size) for size in dataset.shape)


def read_dataset(dataset, expected_shape: tuple, where: str) -> np.ndarray:
    """The dataset's values, after checking its shape is ``expected_shape``."""
    shape = dataset_shape(dataset, where)
    if shape != tuple(expected_shape):
        raise ModelFileError(
            f"{where}: dataset '{dataset.name}' has shape {shape}, expected "
            f"{tuple(expected_shape)}."
        )
    try:
        return np.asarray(dataset[()])
    except (OSError, ValueError, RuntimeError) as error:
        raise ModelFileError(
            f"{where}: dataset '{dataset.name}' cannot be read: {error}"
        ) from error


def largest_dataset(root, where: str) -> int:
    """The most elements any dataset under ``root`` declares (hard links only, nothing read)."""
    h5py = require_h5py("Reading Keras files")
    largest = 0

    def visit(_name: str, item) -> None:
        nonlocal largest
        if isinstance(item, h5py.Dataset):
            largest = max(largest, int(np.prod(dataset_shape(item, where), dtype=np.int64)))

    try:
        root.visititems(visit)
    except (OSError, RuntimeError, KeyError) as error:
        raise ModelFileError(f"{where} cannot be walked: {error}") from error
    return largest


def text_attribute(obj, key: str, where: str) -> str | None:
    """A text attribute (``None`` if absent), refused above :data:`MAX_TEXT_BYTES`."""
    try:
        if key not in obj.attrs:
            return None
        value = obj.attrs[key]
    except (OSError, RuntimeError, TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: attribute '{key}' cannot be read: {error}") from error
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, np.bytes_):
        value = bytes(value)
    if isinstance(value, bytes):
        if len(value) > MAX_TEXT_BYTES:
            raise ModelFileError(f"{where}: attribute '{key}' is larger than {MAX_TEXT_BYTES}.")
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ModelFileError(f"{where}: attribute '{key}' is not UTF-8 text.") from error
    if not isinstance(value, str):
        raise ModelFileError(f"{where}: attribute '{key}' should be text, found {type(value)}.")
    if len(value) > MAX_TEXT_BYTES:
        raise ModelFileError(f"{where}: attribute '{key}' is larger than {MAX_TEXT_BYTES}.")
    return value


def text_list_attribute(obj, key: str, where: str) -> list[str]:
    """A list-of-text attribute (``layer_names``, ``weight_names``); absent or empty gives []."""
    try:
        if key not in obj.attrs:
            return []
        value = obj.attrs[key]
    except (OSError, RuntimeError, TypeError, ValueError) as error:
        raise ModelFileError(f"{where}: attribute '{key}' cannot be read: {error}") from error
    items = np.asarray(value).reshape(-1).tolist()
    texts = []
    for item in items:
        if isinstance(item, bytes):
            item = item.decode("utf-8", errors="strict")
        if not isinstance(item, str):
            raise ModelFileError(f"{where}: attribute '{key}' should list names, found {item!r}.")
        texts.append(item)
    return texts
