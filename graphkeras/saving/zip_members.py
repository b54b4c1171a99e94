"""Reading a zip archive's members without trusting its directory.

A zip's central directory declares each member's name, compression and
sizes; a reader that believed it could be sent outside the archive (a name
with ``..``), made to inflate a bomb, or made to read more than the file
holds. :func:`read_members` checks every declared fact against a table of
rules before reading a byte, and reads at most one byte more than each
member declares. The ``.gk`` and ``.keras`` readers both use it.
"""

from __future__ import annotations

import zipfile
import zlib

from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.load_limits import MAX_DEFLATE_RATIO


def read_members(
    filepath: str, source: str, rules: dict, required: tuple, kind: str
) -> dict[str, bytes]:
    """A zip's members by name, each checked against ``rules`` before it is read.

    ``rules`` maps every allowed member name to ``(compression methods, byte
    limit)``; any other name, a repeated name, encryption, another method, a
    size over the limit or a size that differs from the declared one is a
    :class:`ModelFileError` naming ``source`` and the member. ``kind`` says
    what the file should be (``"a model archive"``).
    """
    try:
        archive = zipfile.ZipFile(filepath)
    except OSError as error:
        raise ModelFileError(f"{source} cannot be read: {error}") from error
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ModelFileError(f"{source} is not {kind} (expected a zip file): {error}") from error
    members: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if not infos or min(info.header_offset for info in infos) != 0:
            # A zip found after other bytes: a cut-off archive whose end is an
            # inner file, or something else with a zip appended.
            raise ModelFileError(
                f"{source} is not {kind}: the zip directory found does not start "
                "at the beginning of the file (truncated, or other data before it)."
            )
        for info in infos:
            name = info.filename
            where = f"{source}: member {name!r}"
            if name not in rules:
                raise ModelFileError(f"{where} is not part of {kind}; expected only {list(rules)}.")
            if name in members:
                raise ModelFileError(f"{where} appears twice.")
            if info.flag_bits & 0x1:
                raise ModelFileError(f"{where} is encrypted.")
            methods, limit = rules[name]
            if info.compress_type not in methods:
                expected = "stored or deflated" if len(methods) > 1 else "stored (uncompressed)"
                raise ModelFileError(
                    f"{where} uses compression method {info.compress_type}; expected {expected}."
                )
            if limit is not None and info.file_size > limit:
                raise ModelFileError(
                    f"{where} declares {info.file_size} bytes; the limit is {limit}."
                )
            if info.file_size > MAX_DEFLATE_RATIO * info.compress_size + 2**20:
                # Deflate cannot shrink data more than ~1032:1: a larger claim
                # is a zip bomb (or a lie) and would be decompressed into memory.
                raise ModelFileError(
                    f"{where} declares {info.file_size} bytes from {info.compress_size} "
                    "compressed bytes, more than deflate can produce."
                )
            try:
                with archive.open(info) as handle:
                    data = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
                raise ModelFileError(f"{where} cannot be read: {error}") from error
            if len(data) != info.file_size:
                raise ModelFileError(
                    f"{where} holds {len(data)} bytes but declares {info.file_size}."
                )
            members[name] = data
    missing = [name for name in required if name not in members]
    if missing:
        raise ModelFileError(f"{source} lacks the member(s) {missing} of {kind}.")
    return members
