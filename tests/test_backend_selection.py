"""Choosing the backend: GRAPHKERAS_BACKEND at import, K.set_backend later, the extras.

The JAX backend needs the ``jax`` package (the ``graphkeras[jax]`` extra);
without it, asking for the backend says which extra to install.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from child_python import run_python

import graphkeras.backend as K

JAX_INSTALLED = importlib.util.find_spec("jax") is not None


def test_installed_backends_lists_numpy_and_jax_when_jax_is_importable():
    expected = ["jax", "numpy"] if JAX_INSTALLED else ["numpy"]
    assert K.installed_backends() == expected


def test_asking_for_jax_without_the_package_names_the_extra(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def find_spec_without_jax(name, *args):
        return None if name == "jax" else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec_without_jax)
    assert K.installed_backends() == ["numpy"]
    with pytest.raises(ImportError, match=r"pip install 'graphkeras\[jax\]'"):
        K.load_backend_module("jax")
    with pytest.raises(ImportError, match=r"graphkeras\[jax\]"):
        K.set_backend("jax")
    assert K.backend() == "numpy"  # a refused switch changes nothing


def test_an_unknown_backend_is_refused_listing_the_available_ones():
    with pytest.raises(ValueError, match=r"no_such_backend.*\['jax', 'numpy'\]"):
        K.set_backend("no_such_backend")
    assert K.backend() == "numpy"


@pytest.mark.skipif(not JAX_INSTALLED, reason="the jax extra is not installed")
def test_set_backend_switches_every_function_and_back():
    K.set_backend("jax")
    try:
        assert K.backend() == "jax"
        result = K.add(K.convert_to_tensor(np.ones(3)), 1.0)
        assert type(result).__module__.startswith("jax")
        np.testing.assert_array_equal(K.convert_to_numpy(result), [2.0, 2.0, 2.0])
    finally:
        K.set_backend("numpy")
    assert K.backend() == "numpy"
    assert isinstance(K.add(np.ones(3), 1.0), np.ndarray)


@pytest.mark.skipif(not JAX_INSTALLED, reason="the jax extra is not installed")
def test_the_environment_variable_chooses_jax_at_import(monkeypatch):
    monkeypatch.setenv("GRAPHKERAS_BACKEND", "jax")
    completed = run_python(
        [
            "-c",
            "import graphkeras as gk; print(gk.backend.backend(), type(gk.ops.ones(2)).__module__)",
        ]
    )
    assert completed.returncode == 0, completed.stderr
    name, module = completed.stdout.split()
    assert name == "jax"
    assert module.startswith("jax")
