"""The engine's one door to files: how ``Model.save`` and the weight methods reach saving.

Keras users call ``model.save(path)``, ``model.save_weights(path)`` and
``model.load_weights(path)`` on the model, so the methods live on the
engine's classes. File formats do not: they live above the engine, in
``graphkeras.saving`` (and ``graphkeras.interop`` for Keras's own files),
so that a new format is registered there and never wired into the engine.
The engine therefore imports nothing from those packages. It keeps this
door instead: ``graphkeras.saving`` installs the three functions that do
the work when it is imported (``import graphkeras`` always imports it), and
the model's methods call through :func:`model_files`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class ModelFileFunctions(NamedTuple):
    """What the model's file methods call.

    ``(model, filepath, **options) -> None`` for the first three;
    ``model_to_bytes(model)`` and ``model_from_bytes(data)`` carry a model
    through ``pickle`` as the bytes of a model file.
    """

    save_model: Callable[..., None]
    save_weights: Callable[..., None]
    load_weights: Callable[..., None]
    model_to_bytes: Callable[..., bytes]
    model_from_bytes: Callable[[bytes], object]


_installed: list[ModelFileFunctions] = []


def install_model_files(functions: ModelFileFunctions) -> None:
    """Make ``functions`` the ones the model's file methods call (replacing any before)."""
    _installed[:] = [functions]


def model_files() -> ModelFileFunctions:
    """The installed functions; a ``RuntimeError`` if ``graphkeras.saving`` was never imported."""
    if not _installed:
        raise RuntimeError(
            "Saving and loading files needs graphkeras.saving, which has not been imported; "
            "`import graphkeras` imports it."
        )
    return _installed[0]


def model_from_pickled_bytes(data: bytes):
    """Rebuild a model pickled by ``Network.__reduce__`` (the bytes of a model file)."""
    return model_files().model_from_bytes(data)
