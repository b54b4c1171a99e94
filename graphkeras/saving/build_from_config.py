"""Rebuilding a model from a config read out of a file.

Every reader (``.gk``, ``.keras``, Keras 2 ``.h5``) ends the same way: a
config that names classes, and the largest array the file holds. The model
is built under the load-time limits (``load_limits.py``), and whatever a
hostile config provokes on the way becomes one error type naming the part
of the file at fault.
"""

from __future__ import annotations

from graphkeras.engine.layer_registry import deserialize_layer
from graphkeras.engine.network import Network
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.load_limits import loading_limits


def build_model(layer_config: dict, custom_objects, largest_weight: int, where: str):
    """The model ``{"class_name", "config"}`` describes, built under the load-time limits.

    Any failure is a :class:`ModelFileError` naming ``where``; so is a config
    that describes a layer rather than a model.
    """
    try:
        with loading_limits(largest_weight):
            model = deserialize_layer(layer_config, custom_objects)
    except Exception as error:  # Anything a hostile config provokes becomes one error type.
        raise ModelFileError(
            f"{where} does not describe a model graphkeras can build: "
            f"{type(error).__name__}: {error}"
        ) from error
    if not isinstance(model, Network):
        raise ModelFileError(f"{where} describes a {type(model).__name__} layer, not a model.")
    return model
