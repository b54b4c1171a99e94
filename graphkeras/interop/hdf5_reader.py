"""Keras HDF5 content as the readers use it: h5py on demand, and checked access to a snapshot.

The Keras readers never hand a file to libhdf5 in their own process:
``hdf5_snapshot.read_hdf5`` reads it in a worker process that follows hard
links only, refuses data kept outside the file, and reads only datasets
whose stored bytes back their declared size. The functions here look
things up in that snapshot and check them against what a reader expects;
each failure is a :class:`ModelFileError` naming ``where`` (the file, and
the member or group) and the path at fault.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras.interop.hdf5_snapshot import Dataset, Group, Unreadable
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


def child(group: Group, name: str, where: str) -> Group | Dataset | None:
    """``group``'s member ``name`` (a group or dataset), ``None`` if absent.

    ``group`` must be a group: a dataset where a group was expected is refused.
    """
    if not isinstance(group, Group):
        raise ModelFileError(f"{where}: '{group.path}' should be a group, found a dataset.")
    return group.children.get(name)


def child_group(group: Group, name: str, where: str) -> Group | None:
    """The subgroup ``name`` (``None`` if absent); a dataset there is an error."""
    found = child(group, name, where)
    if found is not None and not isinstance(found, Group):
        raise ModelFileError(f"{where}: '{found.path}' should be a group, found a dataset.")
    return found


def dataset_shape(dataset: Group | Dataset, where: str) -> tuple:
    """The shape of a dataset of numbers (a group, or a dataset of anything else, is refused)."""
    if not isinstance(dataset, Dataset):
        raise ModelFileError(f"{where}: '{dataset.path}' should be a dataset, found a group.")
    if dataset.value is None:
        raise ModelFileError(
            f"{where}: dataset '{dataset.path}' must hold numbers, found dtype {dataset.dtype}."
        )
    return tuple(dataset.shape)


def read_dataset(dataset: Group | Dataset, expected_shape: tuple, where: str) -> np.ndarray:
    """The dataset's values (read-only), after checking its shape is ``expected_shape``."""
    shape = dataset_shape(dataset, where)
    if shape != tuple(expected_shape):
        raise ModelFileError(
            f"{where}: dataset '{dataset.path}' has shape {shape}, expected "
            f"{tuple(expected_shape)}."
        )
    return dataset.value


def _datasets(root: Group):
    """Every dataset of numbers under ``root`` (no recursion: nesting may be deep)."""
    pending = [root]
    while pending:
        group = pending.pop()
        for member in group.children.values():
            if isinstance(member, Group):
                pending.append(member)
            elif member.value is not None:
                yield member


def largest_dataset(root: Group) -> int:
    """The most elements any dataset of numbers under ``root`` holds (each backed by the file)."""
    return max((dataset.value.size for dataset in _datasets(root)), default=0)


def total_elements(root: Group) -> int:
    """How many elements the datasets of numbers under ``root`` hold together."""
    return sum(dataset.value.size for dataset in _datasets(root))


def _attribute(obj: Group, key: str, where: str) -> Any:
    value = obj.attrs.get(key)
    if isinstance(value, Unreadable):
        raise ModelFileError(f"{where}: attribute '{key}' cannot be read: {value.reason}")
    return value


def text_attribute(obj: Group, key: str, where: str) -> str | None:
    """A text attribute (``None`` if absent), refused above :data:`MAX_TEXT_BYTES`."""
    value = _attribute(obj, key, where)
    if value is None:
        return None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, bytes):
        if len(value) > MAX_TEXT_BYTES:
            raise ModelFileError(f"{where}: attribute '{key}' is larger than {MAX_TEXT_BYTES}.")
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ModelFileError(f"{where}: attribute '{key}' is not UTF-8 text.") from error
    if not isinstance(value, str):
        raise ModelFileError(
            f"{where}: attribute '{key}' should be text, found {type(value).__name__}."
        )
    if len(value) > MAX_TEXT_BYTES:
        raise ModelFileError(f"{where}: attribute '{key}' is larger than {MAX_TEXT_BYTES}.")
    return value


def text_list_attribute(obj: Group, key: str, where: str) -> list[str]:
    """A list-of-text attribute (``layer_names``, ``weight_names``); absent or empty gives []."""
    value = _attribute(obj, key, where)
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        if value.size:
            raise ModelFileError(f"{where}: attribute '{key}' should list names, found numbers.")
        return []  # Keras 2 writes an empty name list as an empty float array.
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if isinstance(item, bytes):
            try:
                item = item.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ModelFileError(f"{where}: attribute '{key}' is not UTF-8 text.") from error
        if not isinstance(item, str):
            raise ModelFileError(f"{where}: attribute '{key}' should list names, found {item!r}.")
        texts.append(item)
    return texts
