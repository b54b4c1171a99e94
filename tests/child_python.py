"""Running Python in a child process on the graphkeras under test.

A child started with a fresh ``PYTHONPATH`` would import whichever graphkeras
is installed, not necessarily the tree these tests import; :func:`run_python`
puts that tree first. Its timeout only stops a hung child: it is far above
what any child here needs on a busy machine, so it never decides a result.
"""

from __future__ import annotations

import json
import os
import socket
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


def run_pythons_together(
    commands: Sequence[tuple[Sequence[str], Mapping[str, str]]],
) -> list[subprocess.CompletedProcess]:
    """Start ``python *arguments`` for each ``(arguments, env)`` at once and wait for all.

    For processes that must meet (the processes of one multi-process JAX
    job): each gets this graphkeras first on ``PYTHONPATH`` and its own
    additions to the environment. Any still running when one hangs past the
    timeout, or when waiting fails, is killed, so none outlives the test.
    """
    python_path = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))
    children = [
        subprocess.Popen(
            [sys.executable, *arguments],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **env, "PYTHONPATH": python_path},
        )
        for arguments, env in commands
    ]
    finished = []
    try:
        for child in children:
            stdout, stderr = child.communicate(timeout=HUNG_AFTER_SECONDS)
            finished.append(
                subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)
            )
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.communicate()
    return finished


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def jax_devices_environment(device_count: int, **variables: str) -> dict[str, str]:
    """Environment additions for a child on the jax backend with ``device_count`` CPU devices.

    JAX fixes its devices when it starts, so only a new process can have
    eight simulated ones; XLA flags already set here are kept.
    """
    flags = (
        f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count={device_count}"
    )
    return {"XLA_FLAGS": flags.strip(), "GRAPHKERAS_BACKEND": "jax", **variables}


def last_json_line(stdout: str):
    """The JSON a child printed last (libraries may print lines before it)."""
    return json.loads(stdout.strip().splitlines()[-1])
