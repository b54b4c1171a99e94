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


@pytest.fixture(scope="module", params=sorted(K.AVAILABLE_BACKENDS))
def B(request):
    """Each available backend module in turn (for backend suites)."""
    return K.load_backend_module(request.param)
