"""Helpers for the tests that compare compiled JAX steps with the numpy backend.

:func:`backend_selected` switches the backend for a block; :func:`selected`
does too, with the engine's
fallback warning made an error, so a step that silently ran op by op fails
the test; :class:`CallCounter` counts how often a layer's Python ``call``
runs, which tells a step traced once from one run per batch.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine.compiled_steps import CompiledStepFallbackWarning


@contextmanager
def backend_selected(name: str) -> Iterator[None]:
    """The backend ``name`` for the block, the previous one after (a switch clears the session)."""
    previous = K.backend()
    K.set_backend(name)
    try:
        yield
    finally:
        K.set_backend(previous)


@contextmanager
def selected(name: str) -> Iterator[None]:
    """The backend ``name`` for the block, with fallbacks to op by op failing the test."""
    with backend_selected(name), warnings.catch_warnings():
        warnings.simplefilter("error", CompiledStepFallbackWarning)
        yield


class CallCounter(layers.Layer):
    """The identity, counting how often its Python ``call`` runs (a compiled step runs it once)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.calls = 0

    def call(self, inputs):
        self.calls += 1
        return inputs
