"""Shared test setup: every test starts with fresh automatic names."""

from __future__ import annotations

import pytest

from graphkeras import backend as K


@pytest.fixture(autouse=True)
def fresh_session():
    """``dense``, ``dense_1``, ... start again in each test, as after ``K.clear_session()``."""
    K.clear_session()
    yield
    K.clear_session()
