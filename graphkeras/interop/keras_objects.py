"""Whole models in Keras 3's object form, for ``serialize_keras_object`` and back.

``gk.saving.serialize_keras_object(model)`` gives what Keras 3 gives for a
functional or Sequential model: the same wrapper a ``.keras`` archive's
``config.json`` holds (call nodes, ``__keras_tensor__`` references and all),
plus ``compile_config`` once compiled. ``deserialize_keras_object`` on such
a config, written by graphkeras or by Keras, rebuilds the model through the
``.keras`` reader's conversion and ``model_from_config``'s load limits. A
model config in graphkeras's own layout (no ``module`` key, as
``model.get_config()`` wrapped by ``gk.layers.serialize`` gives) is built
as it is. ``graphkeras/interop/__init__.py`` installs both directions into
``graphkeras.utils.serialization_lib``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphkeras.interop.keras_archive import compile_from_keras
from graphkeras.interop.keras_config_reading import model_config_from_keras
from graphkeras.interop.keras_config_writing import keras_document
from graphkeras.saving.config_loading import model_from_config


def model_to_keras_object(model) -> dict:
    """Keras 3's config of a functional or Sequential ``model`` (``compile_config`` if compiled)."""
    document = keras_document(model)
    if document.get("compile_config") is None:
        del document["compile_config"]
    return document


def model_from_keras_object(config: Mapping, custom_objects: Mapping[str, Any] | None):
    """The model a model config describes, built within ``model_from_config``'s limits."""
    name = (
        config.get("config", {}).get("name") if isinstance(config.get("config"), Mapping) else None
    )
    where = f"deserialize_keras_object: model {name!r} ({config.get('class_name')})"
    if "module" not in config:
        graphkeras_config = {"class_name": config["class_name"], "config": config["config"]}
    else:
        graphkeras_config = model_config_from_keras(config, "keras3", where)
    model = model_from_config(graphkeras_config, custom_objects)
    compile_config = config.get("compile_config")
    if compile_config:
        compile_from_keras(model, compile_config, custom_objects, where)
    return model
