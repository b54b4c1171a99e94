"""The built-in layer classes by name, and layers to configs and back.

Layer classes register themselves here with :func:`register_layer` (the
engine's own, and every class in ``graphkeras.layers``), so the engine can
rebuild a model from a config without importing the layer library. Names
resolve only through this table, registered custom objects and the
``custom_objects`` a caller passes: a config never causes an import.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphkeras.utils import serialization
from graphkeras.utils.keras_object_form import register_keras_module

BUILTIN_LAYERS: dict[str, type] = {}
register_keras_module("keras.layers", BUILTIN_LAYERS)


def register_layer(cls: type | None = None, *, aliases: tuple[str, ...] = ()):
    """Class decorator: make a built-in layer loadable by its class name (and aliases)."""

    def decorator(layer_class: type) -> type:
        for name in (layer_class.__name__, *aliases):
            BUILTIN_LAYERS[name] = layer_class
        return layer_class

    return decorator(cls) if cls is not None else decorator


def serialize_layer(layer) -> dict:
    """``{"class_name", "config"}`` for a layer."""
    return serialization.serialize_object(layer)


def deserialize_layer(config: Any, custom_objects: Mapping[str, Any] | None = None):
    """Build a layer from ``{"class_name", "config"}``; unknown names raise ``ValueError``."""
    return serialization.deserialize_object(config, custom_objects, BUILTIN_LAYERS, "layer")
