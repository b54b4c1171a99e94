"""Load a hostile file in a child process and measure what the load cost.

A test of a file built to exhaust memory or time must not take the test
run down with it, and should measure rather than guess. :func:`run_load_in_child`
starts a fresh interpreter capped at :data:`ADDRESS_SPACE_BYTES` of address
space (a backstop: a runaway allocation fails there instead of swapping the
machine), imports what the load needs, and only then measures the load
itself: the CPU time used by the child and every process it waited for
(such as graphkeras's HDF5 reader), and how far its peak resident memory
grew. The result is a plain dict::

    result = run_load_in_child("graphkeras.models:load_model", path)
    assert result["error_type"] == "ModelFileError"
    assert result["cpu_seconds"] < 5 and result["peak_rss_growth_mb"] < 200

``target`` is either ``"module:function"`` (called with the path) or Python
statements that use the name ``path``. Needs ``resource`` (POSIX).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

# Enough for numpy, h5py and graphkeras to import (about 200 MB), far below
# what a hostile file could make a naive reader ask for.
ADDRESS_SPACE_BYTES = 3 * 2**30
# Only a child that is stuck outside any CPU limit meets this.
SAFETY_TIMEOUT_SECONDS = 300

CHILD = textwrap.dedent(
    """
    import importlib, json, resource, sys, time

    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]), int(sys.argv[3])))
    target, path = sys.argv[1], sys.argv[2]
    import graphkeras  # noqa: F401  (imports stay out of the measurement)

    if sys.argv[4] == "callable":
        module, _, name = target.partition(":")
        function = importlib.import_module(module)
        for part in name.split("."):
            function = getattr(function, part)
        run = lambda: function(path)
    else:
        code = compile(target, "<load>", "exec")
        run = lambda: exec(code, {"path": path})

    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere

    def usage():
        own = resource.getrusage(resource.RUSAGE_SELF)
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime
        return cpu, own.ru_maxrss * scale, waited.ru_maxrss * scale

    cpu_before, peak_before, _ = usage()
    error = None
    try:
        run()
    except BaseException as raised:
        error = raised
    cpu_after, peak_after, worker_peak = usage()
    print(json.dumps({
        "error_type": None if error is None else type(error).__name__,
        "error_module": None if error is None else type(error).__module__,
        "message": None if error is None else str(error),
        "cpu_seconds": cpu_after - cpu_before,
        "peak_rss_growth_mb": (peak_after - peak_before) / 2**20,
        "child_process_peak_rss_mb": worker_peak / 2**20,
    }))
    """
)


def run_load_in_child(target: str, path: str | os.PathLike) -> dict:
    """Run ``target`` on ``path`` in a capped child interpreter; what happened and what it cost.

    Keys: ``error_type`` / ``error_module`` / ``message`` (``None`` when the
    load returned), ``cpu_seconds`` (the child's and its waited-for
    processes' CPU time during the load), ``peak_rss_growth_mb`` (how far
    the child's peak resident memory rose during the load) and
    ``child_process_peak_rss_mb`` (the largest peak of any process it
    started and waited for, such as an HDF5 reader; its whole size, imports
    included). A child that crashes or outlives the safety timeout raises
    ``AssertionError`` with its output.
    """
    kind = "callable" if re.fullmatch(r"[\w.]+:[\w.]+", target) else "code"
    repository = Path(__file__).resolve().parent.parent
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(repository), os.environ.get("PYTHONPATH", "")]),
        "OPENBLAS_NUM_THREADS": "1",
    }
    finished = subprocess.run(
        [sys.executable, "-c", CHILD, target, os.fspath(path), str(ADDRESS_SPACE_BYTES), kind],
        capture_output=True,
        text=True,
        env=environment,
        timeout=SAFETY_TIMEOUT_SECONDS,
    )
    lines = finished.stdout.strip().splitlines()
    if finished.returncode != 0 or not lines:
        raise AssertionError(
            f"the child loading {path} ended with status {finished.returncode}:\n"
            f"{finished.stdout}\n{finished.stderr}"
        )
    return json.loads(lines[-1])
