"""The registry of which backend interface names have a conformance test.

``@covers("add", "subtract")`` on a test records that it checks those names.
The core suite is ``tests/test_backend_conformance.py``; an op family kept in
its own backend module (convolution, pooling, ...) keeps its conformance
tests in ``tests/test_backend_<family>.py``, decorated the same way, and
``test_every_interface_name_has_a_conformance_test`` imports those files so
it sees every claim even when run alone.
"""

from __future__ import annotations

import importlib
from pathlib import Path

COVERED: dict[str, list[str]] = {}


def covers(*names: str):
    """Record that the decorated test checks the behaviour of these interface names."""

    def decorate(test):
        for name in names:
            COVERED.setdefault(name, []).append(test.__name__)
        return test

    return decorate


def import_family_suites() -> None:
    """Import every ``tests/test_backend_<family>.py``, so their ``@covers`` claims count."""
    folder = Path(__file__).resolve().parent
    for path in sorted(folder.glob("test_backend_*.py")):
        if path.stem != "test_backend_conformance":
            importlib.import_module(path.stem)
