"""Shared test setup: one BLAS thread, and every test starts with fresh automatic names.

BLAS reads its thread count when NumPy loads it, so the count is set here,
before this file imports NumPy. It reaches every process NumPy has not yet
been loaded in: this one unless a plugin imported NumPy first, each
``pytest-xdist`` worker, each child process a test starts. One thread keeps
workers from competing for the cores with BLAS threads of their own (the
suite's arrays are small, so one thread is also the faster), and a repeated
computation takes the same path, as the tests that expect bit-identical
results (same seed, same path) assume. A count already set is left alone.

XLA (the JAX backend) compiles each op the first time it meets a shape, and
the suite's thousands of small arrays make compiling, not computing, most of
the JAX run's time. Its optimisation passes are switched off here the same
way, before JAX loads (``XLA_FLAGS``; flags already set there are kept): the
programs compute the same values and compile several times faster.
"""

from __future__ import annotations

import os
import zlib

import pytest

for _variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

_QUICK_XLA_COMPILES = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
if "xla_backend_optimization_level" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {_QUICK_XLA_COMPILES}".strip()

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


# The suites parametrised over the backends run their whole non-numpy half in
# the default run only when listed here. The rest run a fixed sample of it: on
# JAX each op is compiled by XLA the first time it meets a shape, so the
# thousands of small cases of the layer, loss and metric suites (finite
# differences among them) cost many times their numpy time, more than the
# default run's time budget. Every SAMPLE_STRIDE-th non-numpy case of each
# module runs (from an offset that depends on the module's name, so a module
# with few cases still runs one); the others are skipped, saying how to run
# them. GRAPHKERAS_TEST_ALL_BACKENDS=1 runs every case on every installed
# backend. The backend conformance suites (fixture ``B``) and the test_jax_*
# files always run on JAX.
EVERY_BACKEND_BY_DEFAULT = frozenset(
    {
        "test_backend_file_travel",
        "test_core_layers",
        "test_functional_training",
        "test_model_files",
        "test_stateless_call",
    }
)
SAMPLE_STRIDE = 20


def _all_backends_requested() -> bool:
    return bool(os.environ.get("GRAPHKERAS_TEST_ALL_BACKENDS"))


def _other_backend_cases(items: list) -> dict:
    """Cases run by the ``backend`` fixture on a backend other than numpy, by module name."""
    cases: dict = {}
    for item in items:
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("backend") if callspec is not None else None
        module = item.module.__name__
        if name not in (None, "numpy") and module not in EVERY_BACKEND_BY_DEFAULT:
            cases.setdefault(module, []).append(item)
    return cases


def pytest_collection_modifyitems(config, items):
    """Keep a fixed sample of the non-numpy cases outside EVERY_BACKEND_BY_DEFAULT."""
    if _all_backends_requested():
        return
    for module, cases in _other_backend_cases(items).items():
        offset = zlib.crc32(module.encode()) % min(SAMPLE_STRIDE, len(cases))
        skip = pytest.mark.skip(
            reason=f"a sample of {module}'s non-numpy cases runs by default "
            "(GRAPHKERAS_TEST_ALL_BACKENDS=1 runs them all)"
        )
        for position, item in enumerate(cases):
            if (position - offset) % SAMPLE_STRIDE:
                item.add_marker(skip)


@pytest.fixture(params=K.installed_backends())
def backend(request):
    """Each installed backend in turn for one test: selected before it, the previous one after.

    ``K.set_backend`` clears the session both ways, so layers made in the
    test never leak into the next one.
    """
    previous = K.backend()
    K.set_backend(request.param)
    try:
        yield request.param
    finally:
        K.set_backend(previous)
