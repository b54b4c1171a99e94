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


# Suites parametrised over the backends whose JAX half is too slow for the default
# run (finite-difference gradient checks, op by op, over recurrent scans and
# resampling): the default run keeps them on numpy; GRAPHKERAS_TEST_ALL_BACKENDS=1
# runs them on every installed backend.
NUMPY_ONLY_BY_DEFAULT = frozenset(
    {
        "test_bidirectional",
        "test_conv_lstm_layers",
        "test_image_augmentation",
        "test_layer_gradients",
        "test_ops_gradients",
        "test_ops_graphs",
        "test_preprocessing_layers",
        "test_recurrent_layers",
        "test_rnn_cells",
        "test_time_distributed",
    }
)


@pytest.fixture(params=K.installed_backends())
def backend(request):
    """Each installed backend in turn for one test: selected before it, the previous one after.

    ``K.set_backend`` clears the session both ways, so layers made in the
    test never leak into the next one.
    """
    if request.param != "numpy" and not os.environ.get("GRAPHKERAS_TEST_ALL_BACKENDS"):
        module = request.module.__name__
        if module in NUMPY_ONLY_BY_DEFAULT:
            pytest.skip(
                f"{module} runs on {request.param} only with GRAPHKERAS_TEST_ALL_BACKENDS=1: "
                "its op-by-op finite-difference checks take minutes per test there"
            )
    previous = K.backend()
    K.set_backend(request.param)
    try:
        yield request.param
    finally:
        K.set_backend(previous)
