"""atomic_write: replace a file so that a crash never leaves a partial one.

The new content goes to a temporary file in the same folder, is flushed and
fsynced, and only then renamed over the target (a rename within a folder is
atomic on POSIX and Windows). Until that moment the previous file is
untouched; after it, the new one is complete. The temporary file is created
private (mode 0600); before the rename it gets the mode a plain ``open``
would have given (the existing file's, else 0666 less the umask).

The rename would replace even a file the caller may not write (a folder's
permissions govern renames), so an existing target is first opened for
appending, which writes nothing: a file that a plain ``open`` would refuse
is refused the same way, before any byte is written. Errors name the
caller's path, never the temporary file's.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from typing import BinaryIO


def atomic_write(filepath: str | os.PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(handle)`` on a temporary file beside ``filepath``, then rename it over."""
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    if os.path.lexists(filepath):
        with open(filepath, "ab"):  # Raises as a plain open would; writes nothing.
            pass
    try:
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    except OSError as error:
        raise type(error)(error.errno, error.strerror, filepath) from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(filepath))
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def _mode_for(filepath: str) -> int:
    """The existing file's permission bits, else those a new file gets (0666 less the umask)."""
    try:
        return os.stat(filepath).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
