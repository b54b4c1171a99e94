"""The in-place optimizer steps are not array ops: they change Variables and return nothing.

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
"""

from __future__ import annotations

CASES: list = []
NOT_ARRAY_OPS = frozenset({"adam_update"})
