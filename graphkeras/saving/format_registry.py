"""Which file format writes a path, and which reads a file: a small registry.

Each format graphkeras can write or read is one :class:`FileFormat`: what it
holds (a whole model, or weights only), the file-name endings it is saved
under, how to recognise its bytes, and its reader and writer. Saving picks
the format by the file name, as Keras does; loading picks it by content
(the first bytes, or the members of a zip), so a renamed file still reaches
the reader that fits it and no reader is tried on bytes meant for another.
A file no format recognises goes to the format registered to read the
rest (graphkeras's own), whose reader says exactly why the file is not one.

``graphkeras.saving`` registers graphkeras's own formats (``.gk``, the
``.npz`` weight file); ``graphkeras.interop`` registers Keras's. A new
format is one more :func:`register_format` call, and nothing in the engine
changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# How many leading bytes recognisers are shown (enough for any file signature).
HEAD_BYTES = 16

Holds = Literal["model", "weights"]


@dataclass(frozen=True)
class FileFormat:
    """One kind of file: what it holds, its names, how to recognise it, how to read and write it.

    ``recognizes(path, head)`` answers from the file's path and its first
    :data:`HEAD_BYTES` bytes; it must not raise and must read little.
    ``load`` is ``(filepath, **options) -> model`` for a model format and
    ``(model, filepath, **options) -> None`` for a weights format; ``save``
    is ``(model, filepath, **options) -> None``. Either may be None when the
    format is read-only or write-only. ``any_name``: saving uses this format
    for a name no other format's suffix claims (the ``.npz`` weight file:
    any name works). ``reads_the_rest``: loading sends it the files no
    format recognises, so its reader explains what is wrong with them.
    """

    name: str
    holds: Holds
    suffixes: tuple[str, ...] = ()
    recognizes: Callable[[str, bytes], bool] | None = None
    load: Callable | None = None
    save: Callable | None = None
    any_name: bool = False
    reads_the_rest: bool = False


_formats: list[FileFormat] = []


def register_format(file_format: FileFormat) -> None:
    """Add ``file_format`` (a format of the same name is replaced, keeping its place)."""
    for index, known in enumerate(_formats):
        if known.name == file_format.name:
            _formats[index] = file_format
            return
    _formats.append(file_format)


def registered_formats(holds: Holds | None = None) -> list[FileFormat]:
    """The registered formats, in registration order (only those holding ``holds``, if given)."""
    return [known for known in _formats if holds is None or known.holds == holds]


def saving_suffixes(holds: Holds) -> list[str]:
    """Every file-name ending some format of this kind is saved under."""
    return [
        suffix for known in registered_formats(holds) if known.save for suffix in known.suffixes
    ]


def format_for_saving(filepath: str | os.PathLike, holds: Holds) -> FileFormat | None:
    """The writable format whose longest matching suffix ends ``filepath``.

    When no suffix matches: the format of this kind saved under ``any_name``,
    else ``None``.
    """
    path = os.fspath(filepath)
    best, best_length = None, -1
    writable = [known for known in registered_formats(holds) if known.save is not None]
    for known in writable:
        for suffix in known.suffixes:
            if path.endswith(suffix) and len(suffix) > best_length:
                best, best_length = known, len(suffix)
    if best is not None:
        return best
    return next((known for known in writable if known.any_name), None)


def format_for_loading(filepath: str | os.PathLike, holds: Holds) -> FileFormat:
    """The readable format that recognises the file's content, else the one that reads the rest.

    A file that cannot be opened goes to the default, whose reader reports why.
    """
    path = os.fspath(filepath)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        head = b""
    readable = [known for known in registered_formats(holds) if known.load is not None]
    for known in readable:
        if known.recognizes is not None and known.recognizes(path, head):
            return known
    for known in readable:
        if known.reads_the_rest:
            return known
    raise LookupError(f"No registered format reads {holds} files like '{path}'.")
