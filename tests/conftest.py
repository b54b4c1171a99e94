"""Shared test setup: one BLAS thread, and every test starts with fresh automatic names.

BLAS reads its thread count when NumPy loads it, so the count is set here,
before this file imports NumPy. It reaches every process NumPy has not yet
been loaded in: this one unless a plugin imported NumPy first, each
``pytest-xdist`` worker, each child process a test starts. One thread keeps
workers from competing for the cores with BLAS threads of their own (the
suite's arrays are small, so one thread is also the faster), and a repeated
computation takes the same path, as the tests that expect bit-identical
results (same seed, same path) assume. A count already set is left alone.
"""

from __future__ import annotations

import os

import pytest

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from graphkeras import backend as K  # noqa: E402  (NumPy loads here, after the count is set)


@pytest.fixture(autouse=True)
def fresh_session():
    """``dense``, ``dense_1``, ... start again in each test, as after ``K.clear_session()``."""
    K.clear_session()
    yield
    K.clear_session()


@pytest.fixture(scope="module", params=K.installed_backends())
def B(request):
    """Each available backend module in turn (for backend suites)."""
    return K.load_backend_module(request.param)


# The suites parametrised over the backends run their non-numpy half in the
# default run only when listed here: the rest check every layer, loss and metric
# op by op (finite differences among them), which on JAX takes many times
# numpy's time and would break the suite's time budget. GRAPHKERAS_TEST_ALL_BACKENDS=1
# runs every parametrised suite on every installed backend. The backend
# conformance suites and the tests named test_jax_* always run on JAX.
EVERY_BACKEND_BY_DEFAULT = frozenset(
    {
        "test_backend_file_travel",
        "test_core_layers",
        "test_functional_training",
        "test_model_files",
        "test_stateless_call",
    }
)


def _all_backends_requested() -> bool:
    return bool(os.environ.get("GRAPHKERAS_TEST_ALL_BACKENDS"))


@pytest.fixture(params=K.installed_backends())
def backend(request):
    """Each installed backend in turn for one test: selected before it, the previous one after.

    ``K.set_backend`` clears the session both ways, so layers made in the
    test never leak into the next one.
    """
    if request.param != "numpy" and not _all_backends_requested():
        module = request.module.__name__
        if module not in EVERY_BACKEND_BY_DEFAULT:
            pytest.skip(
                f"{module} runs on {request.param} only with GRAPHKERAS_TEST_ALL_BACKENDS=1 "
                "(op-by-op checks there exceed the default run's time budget)"
            )
    previous = K.backend()
    K.set_backend(request.param)
    try:
        yield request.param
    finally:
        K.set_backend(previous)
