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
from graphkeras.saving.config_checks import check_config
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.load_limits import MAX_LAYERS, loading_limits


def build_model(
    layer_config: dict,
    custom_objects,
    largest_weight: int,
    where: str,
    file_bytes: int | None = None,
    total_weight: int | None = None,
):
    """The model ``{"class_name", "config"}`` describes, built under the load-time limits.

    The config is checked first (``config_checks.py``; ``file_bytes``, the
    size of the file it came from, bounds how many layers it may describe).
    No weight may be larger than ``largest_weight`` elements, nor all of
    them together than ``total_weight`` (None: no total beyond the per-weight
    ceiling times the layer limit).
    Any failure is a :class:`ModelFileError` naming ``where``; so is a config
    that describes a layer rather than a model.
    """
    check_config(layer_config, where, file_bytes, error=ModelFileError)
    try:
        total = total_weight if total_weight is not None else largest_weight * MAX_LAYERS
        with loading_limits(largest_weight, total):
            model = deserialize_layer(layer_config, custom_objects)
    except Exception as error:  # Anything a hostile config provokes becomes one error type.
        notes = "".join(f"; {note}" for note in getattr(error, "__notes__", ()))
        raise ModelFileError(
            f"{where} does not describe a model graphkeras can build: "
            f"{type(error).__name__}: {error}{notes}"
        ) from error
    if not isinstance(model, Network):
        raise ModelFileError(f"{where} describes a {type(model).__name__} layer, not a model.")
    return model
