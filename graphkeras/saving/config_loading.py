"""``model_from_json`` and ``model_from_config`` with the limits of ``load_model``.

A config is as untrusted as a file: JSON text from elsewhere can nest
100,000 levels, hold a 5,000-digit ``units`` or describe a million layers.
These are ``gk.models.model_from_json`` / ``model_from_config``: the text is
parsed with bounded size and depth (``json_reading.py``), the config checked
in one walk (``config_checks.py``), and the model built under the ceilings
for a config that brings no weights (``load_limits.config_only_limits``).
Every refusal is a ``ValueError`` naming the field or limit at fault.
"""

from __future__ import annotations

from typing import Any

from graphkeras.engine.layer_registry import deserialize_layer
from graphkeras.saving.config_checks import check_config
from graphkeras.saving.json_reading import check_json_depth, parse_json
from graphkeras.saving.load_limits import MAX_JSON_BYTES, config_only_limits


def model_from_config(config: dict, custom_objects: dict | None = None) -> Any:
    """Rebuild a model (or layer) from ``{"class_name", "config"}``, within the load limits."""
    where = "model_from_config"
    check_json_depth(config, f"{where}: the config", error=ValueError)
    check_config(config, where)
    try:
        with config_only_limits():
            return deserialize_layer(config, custom_objects)
    except Exception as error:
        notes = getattr(error, "__notes__", None)
        if not notes:
            raise
        # The note says which layer was being rebuilt; put it in the message.
        raise ValueError(f"{where}: {type(error).__name__}: {error}; {'; '.join(notes)}") from error


def model_from_json(json_string: str | bytes, custom_objects: dict | None = None) -> Any:
    """Rebuild a model from :meth:`Network.to_json` output, within the load limits."""
    data = json_string.encode("utf-8") if isinstance(json_string, str) else bytes(json_string)
    if len(data) > MAX_JSON_BYTES:
        raise ValueError(
            f"model_from_json: the text has {len(data)} bytes; the limit is {MAX_JSON_BYTES}."
        )
    return model_from_config(parse_json(data, "model_from_json: the text"), custom_objects)
