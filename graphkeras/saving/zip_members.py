"""Reading a zip archive's members without trusting its directory.

A zip's central directory declares each member's name, compression and
sizes; a reader that believed it could be sent outside the archive (a name
with ``..``), made to inflate a bomb, or made to allocate what a lying size
field claims. :func:`read_members` checks every declared fact against a
:class:`MemberRule` and against the size of the file itself before reading
a byte, and then reads in bounded chunks, so memory grows only with bytes
that are really there. The ``.gk`` and ``.keras`` readers both use it.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from typing import NamedTuple

from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.load_limits import MAX_DEFLATE_RATIO, ZIP_SLACK_BYTES

STORED_OR_DEFLATED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
STORED = (zipfile.ZIP_STORED,)
# Members are read this many bytes at a time.
READ_CHUNK_BYTES = 2**20


class MemberRule(NamedTuple):
    """How one member may be stored: methods, most bytes, most expansion over its stored bytes.

    ``max_bytes`` None: no limit beyond the file's size (and the deflate
    bound). ``max_ratio`` None: only the deflate bound (:data:`MAX_DEFLATE_RATIO`).
    """

    methods: tuple[int, ...]
    max_bytes: int | None = None
    max_ratio: float | None = None


def read_members(
    filepath: str,
    source: str,
    rules: dict[str, MemberRule],
    required: tuple,
    kind: str,
    folders: dict[str, MemberRule] | None = None,
) -> dict[str, bytes]:
    """A zip's members by name, each checked against ``rules`` before it is read.

    ``rules`` maps every allowed member name to its :class:`MemberRule`; any
    other name, a repeated name, encryption, another method, a size over the
    limit, more stored bytes than the file holds, a larger expansion than the
    rule allows, or a size that differs from the declared one is a
    :class:`ModelFileError` naming ``source`` and the member. ``kind`` says
    what the file should be (``"a model archive"``). ``folders`` maps a
    folder prefix (``"assets/"``) to the rule of every member under it; such
    a member's name may not be absolute or hold ``..`` or ``\\``.
    """
    try:
        file_bytes = os.path.getsize(filepath)
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
            rule = rules.get(name) or _folder_rule(name, folders, where)
            if rule is None:
                expected = [*rules, *(f"{folder}..." for folder in folders or ())]
                raise ModelFileError(f"{where} is not part of {kind}; expected only {expected}.")
            if name in members:
                raise ModelFileError(f"{where} appears twice.")
            _check_declared_sizes(info, rule, file_bytes, where)
            members[name] = _read_member(archive, info, where)
    missing = [name for name in required if name not in members]
    if missing:
        raise ModelFileError(f"{source} lacks the member(s) {missing} of {kind}.")
    return members


def _folder_rule(name: str, folders: dict[str, MemberRule] | None, where: str):
    """The rule of the folder ``name`` lies in, or None; a name escaping it is an error."""
    for folder, rule in (folders or {}).items():
        if name.startswith(folder):
            parts = name[len(folder) :].split("/")
            if name.endswith("/"):
                return rule  # a folder entry
            if "\\" in name or any(part in ("", ".", "..") for part in parts):
                raise ModelFileError(f"{where} is not a plain path inside {folder!r}.")
            return rule
    return None


def _check_declared_sizes(
    info: zipfile.ZipInfo, rule: MemberRule, file_bytes: int, where: str
) -> None:
    if info.flag_bits & 0x1:
        raise ModelFileError(f"{where} is encrypted.")
    if info.compress_type not in rule.methods:
        expected = "stored or deflated" if len(rule.methods) > 1 else "stored (uncompressed)"
        raise ModelFileError(
            f"{where} uses compression method {info.compress_type}; expected {expected}."
        )
    if info.header_offset + info.compress_size > file_bytes:
        raise ModelFileError(
            f"{where} declares {info.compress_size} stored bytes at offset {info.header_offset}, "
            f"but the whole file has {file_bytes} bytes."
        )
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise ModelFileError(
            f"{where} is stored uncompressed but declares {info.file_size} bytes of content "
            f"in {info.compress_size} stored bytes."
        )
    if rule.max_bytes is not None and info.file_size > rule.max_bytes:
        raise ModelFileError(
            f"{where} declares {info.file_size} bytes; the limit is {rule.max_bytes}."
        )
    if info.file_size > MAX_DEFLATE_RATIO * info.compress_size + ZIP_SLACK_BYTES:
        # Deflate cannot shrink data more than ~1032:1: a larger claim is a
        # bomb (or a lie) and would be decompressed into memory.
        raise ModelFileError(
            f"{where} declares {info.file_size} bytes from {info.compress_size} "
            "compressed bytes, more than deflate can produce."
        )
    if rule.max_ratio is not None and info.file_size > rule.max_ratio * info.compress_size + (
        ZIP_SLACK_BYTES
    ):
        raise ModelFileError(
            f"{where} declares {info.file_size} bytes from {info.compress_size} compressed "
            f"bytes: this member may expand at most {rule.max_ratio:g} times "
            f"(plus {ZIP_SLACK_BYTES} bytes)."
        )


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> bytes:
    chunks = []
    received = 0
    try:
        with archive.open(info) as handle:
            while received <= info.file_size:
                chunk = handle.read(min(READ_CHUNK_BYTES, info.file_size + 1 - received))
                if not chunk:
                    break
                chunks.append(chunk)
                received += len(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
        raise ModelFileError(f"{where} cannot be read: {error}") from error
    if received != info.file_size:
        raise ModelFileError(f"{where} holds {received} bytes but declares {info.file_size}.")
    return b"".join(chunks)
