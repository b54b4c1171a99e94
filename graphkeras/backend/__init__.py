"""The backend: the one place where array math happens.

``import graphkeras.backend as K`` gives a flat module of array functions. The
functions come from the backend named by the environment variable
``GRAPHKERAS_BACKEND`` (default ``numpy``), checked against the interface in
``interface.py``; the settings in ``config.py`` and the mask helpers in
``masking.py`` and the name scopes of ``common/name_scopes.py`` (which give
Variables their paths) are shared by all backends.
Nothing here imports the rest of graphkeras.

``K.function`` is the one entry that needs the symbolic graph: the engine
plugs its implementation in with :func:`register_function_builder` when it is
imported (``import graphkeras`` always imports it).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

from graphkeras.backend.common.name_scopes import current_path, name_scope
from graphkeras.backend.config import (
    clear_session,
    epsilon,
    floatx,
    get_uid,
    image_data_format,
    is_float_dtype,
    on_clear_session,
    reset_uids,
    set_epsilon,
    set_floatx,
    set_image_data_format,
    standardize_data_format,
    standardize_dtype,
)
from graphkeras.backend.interface import BACKEND_INTERFACE
from graphkeras.backend.masking import get_keras_mask, set_keras_mask, with_keras_mask

AVAILABLE_BACKENDS: dict[str, str] = {
    "numpy": "graphkeras.backend.numpy_backend",
    "jax": "graphkeras.backend.jax_backend",
}

# backend -> the third-party package it needs and the extra that installs it.
BACKEND_REQUIREMENTS: dict[str, tuple[str, str]] = {
    "numpy": ("numpy", ""),
    "jax": ("jax", "jax"),
}


def installed_backends() -> list[str]:
    """The backends whose third-party package is importable here, in a stable order."""
    return [
        name
        for name in sorted(AVAILABLE_BACKENDS)
        if importlib.util.find_spec(BACKEND_REQUIREMENTS[name][0]) is not None
    ]


def load_backend_module(name: str) -> ModuleType:
    """Import the backend called ``name`` and check that it has the whole interface."""
    if name not in AVAILABLE_BACKENDS:
        raise ValueError(
            f"Unknown backend {name!r} (from GRAPHKERAS_BACKEND); "
            f"available backends: {sorted(AVAILABLE_BACKENDS)}."
        )
    package, extra = BACKEND_REQUIREMENTS[name]
    if importlib.util.find_spec(package) is None:
        raise ImportError(
            f"The {name!r} backend needs the {package!r} package, which is not installed: "
            f"pip install 'graphkeras[{extra}]'."
        )
    module = importlib.import_module(AVAILABLE_BACKENDS[name])
    missing = [function for function in BACKEND_INTERFACE if not hasattr(module, function)]
    if missing:
        raise ValueError(f"Backend {name!r} lacks interface functions: {missing}.")
    return module


_backend_module = load_backend_module(os.environ.get("GRAPHKERAS_BACKEND", "numpy"))
globals().update({name: getattr(_backend_module, name) for name in BACKEND_INTERFACE})


def set_backend(name: str) -> None:
    """Switch every ``K.<function>`` to the backend called ``name``, and clear the session.

    As Keras 3's ``keras.config.set_backend``, this is for tests and
    notebooks: layers, models and variables made before the switch hold the
    old backend's arrays and must be rebuilt. ``GRAPHKERAS_BACKEND`` chooses
    the backend at import time; this changes it later in the same process.
    """
    global _backend_module
    module = load_backend_module(name)
    _backend_module = module
    globals().update({function: getattr(module, function) for function in BACKEND_INTERFACE})
    clear_session()


_function_builder = None


def register_function_builder(builder) -> None:
    """Install the engine's implementation of :func:`function`."""
    global _function_builder
    _function_builder = builder


def function(inputs, outputs, name: str | None = None):
    """A callable computing ``outputs`` from values of ``inputs`` (KerasTensors).

    It takes a list of arrays, one per input, and returns a list of arrays,
    one per output, running only the part of the graph between them.
    """
    if _function_builder is None:
        raise RuntimeError("K.function needs the graph engine: import graphkeras first.")
    return _function_builder(inputs, outputs, name=name)


__all__ = [
    "AVAILABLE_BACKENDS",
    "BACKEND_INTERFACE",
    "BACKEND_REQUIREMENTS",
    "clear_session",
    "current_path",
    "epsilon",
    "floatx",
    "function",
    "get_keras_mask",
    "get_uid",
    "image_data_format",
    "installed_backends",
    "is_float_dtype",
    "load_backend_module",
    "name_scope",
    "on_clear_session",
    "register_function_builder",
    "reset_uids",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_backend",
    "set_keras_mask",
    "with_keras_mask",
    "standardize_data_format",
    "standardize_dtype",
    *BACKEND_INTERFACE,
]
