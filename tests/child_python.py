"""Running Python in a child process on the graphkeras under test.

A child started with a fresh ``PYTHONPATH`` would import whichever graphkeras
is installed, not necessarily the tree these tests import; :func:`run_python`
puts that tree first. Its timeout only stops a hung child: it is far above
what any child here needs on a busy machine, so it never decides a result.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import graphkeras

#: The folder holding the ``graphkeras`` package this process imported.
PACKAGE_ROOT = Path(graphkeras.__file__).resolve().parent.parent

HUNG_AFTER_SECONDS = 600


def run_python(
    arguments: Sequence[str],
    *,
    path: Sequence[str] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """``python *arguments`` with ``path`` then this graphkeras first on ``PYTHONPATH``.

    ``env`` adds to (or replaces) this process's environment variables.
    """
    python_path = [*path, str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")]
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={
            **os.environ,
            **(env or {}),
            "PYTHONPATH": os.pathsep.join(filter(None, python_path)),
        },
        timeout=HUNG_AFTER_SECONDS,
    )
