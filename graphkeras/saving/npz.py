"""Reading ``.npz`` archives without trusting them.

``numpy.load`` with ``allow_pickle=False`` never runs code, but it still
believes each array's header: a header declaring a huge shape makes it try
to allocate that much memory, and a truncated member fails deep inside
numpy. :func:`read_npz` checks every member first: a plain name, a
``.npy`` header numpy can parse, a dtype without Python objects, a shape
within the limit, exactly as many bytes of data as the header declares, and
no compression (``numpy.savez`` stores members as they are), so the bytes
read can never exceed the bytes in the file. Any failure is an
:class:`ArchiveError` naming the source and the member.
"""

from __future__ import annotations

import io
import math
import zipfile

import numpy as np

from graphkeras.saving.load_limits import MAX_NPZ_ELEMENTS, MAX_NPZ_MEMBERS


class ArchiveError(ValueError):
    """An archive (or a member of one) that is malformed or does not fit."""


def write_npz(arrays: dict[str, np.ndarray]) -> bytes:
    """The bytes of an uncompressed ``.npz`` holding ``arrays``; refused where reading would be."""
    if len(arrays) > MAX_NPZ_MEMBERS:
        raise ValueError(
            f"Cannot write {len(arrays)} arrays into one .npz file; the limit is "
            f"{MAX_NPZ_MEMBERS}, which reading applies."
        )
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def read_npz(data: bytes | io.IOBase, source: str) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` (bytes or a binary file), checked before it is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveError(f"{source} is not a readable .npz archive: {error}") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_NPZ_MEMBERS:
            raise ArchiveError(
                f"{source} holds {len(members)} members; the limit is {MAX_NPZ_MEMBERS}."
            )
        arrays: dict[str, np.ndarray] = {}
        for member in members:
            name = member.filename
            if not name.endswith(".npy") or name.startswith("/") or ".." in name.split("/"):
                raise ArchiveError(f"{source}: member {name!r} is not a plain .npy entry.")
            if member.compress_type != zipfile.ZIP_STORED:
                raise ArchiveError(
                    f"{source}: member {name!r} is compressed; arrays are read only from "
                    "uncompressed members (as numpy.savez writes them)."
                )
            key = name[: -len(".npy")]
            if key in arrays:
                raise ArchiveError(f"{source}: member {name!r} appears twice.")
            arrays[key] = _read_member(archive, member, source)
        return arrays


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, source: str) -> np.ndarray:
    where = f"{source}: member {member.filename!r}"
    try:
        with archive.open(member) as handle:
            version = np.lib.format.read_magic(handle)
            if version == (1, 0):
                shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(handle)
            elif version in ((2, 0), (3, 0)):
                shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(handle)
            else:
                raise ArchiveError(f"{where} has an unknown .npy version {version}.")
            if dtype.hasobject:
                raise ArchiveError(f"{where} holds Python objects, which are never loaded.")
            if not all(type(dim) is int and dim >= 0 for dim in shape):
                raise ArchiveError(
                    f"{where} declares shape {shape!r}; dimensions must be non-negative integers."
                )
            elements = math.prod(shape)
            if elements > MAX_NPZ_ELEMENTS:
                raise ArchiveError(f"{where} declares shape {shape}, over the size limit.")
            expected = elements * dtype.itemsize
            header_length = handle.tell()
            present = member.file_size - header_length
            if present != expected:
                raise ArchiveError(
                    f"{where} declares shape {shape} of {dtype} ({expected} bytes) but holds "
                    f"{present} bytes of data."
                )
            raw = handle.read(expected)
            if len(raw) != expected:
                raise ArchiveError(f"{where} is truncated.")
    except ArchiveError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, RuntimeError) as error:
        raise ArchiveError(f"{where} is unreadable: {error}") from error
    array = np.frombuffer(raw, dtype=dtype)
    order = "F" if fortran_order else "C"
    return array.reshape(shape, order=order).copy()
