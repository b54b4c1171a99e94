"""The names of the built-in losses, and turning names and configs into losses and back.

:data:`ALL_LOSSES` maps every name a string identifier or a config may use
to its loss: the class names, the function names (which are also the
classes' snake_case names) and Keras 3's short aliases (``"mse"``,
``"mape"``, ...). A class name gives an object, a function name the
function, as in Keras 3. The table is filled by ``graphkeras.losses`` once
every family of losses is imported; this module only reads it, so the
loss classes can serialize their functions without importing the families.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from graphkeras.utils.serialization import (
    deserialize_configurable,
    resolve,
    serialize_configurable,
)

ALL_LOSSES: dict[str, Any] = {}


def serialize(loss: Any) -> dict[str, Any] | str | None:
    """How a config stores a loss: ``{"class_name", "config"}`` for a loss object, the name
    for a built-in or registered function; None stays None.

    >>> from graphkeras.losses import Huber, mean_squared_error
    >>> serialize(Huber(delta=2.0))["config"]["delta"]
    2.0
    >>> serialize(mean_squared_error)
    'mean_squared_error'
    """
    if inspect.isfunction(loss) and ALL_LOSSES.get(loss.__name__) is loss:
        return loss.__name__
    return serialize_configurable(loss, "loss", "Loss")


def deserialize(
    config: Mapping[str, Any] | str | None, custom_objects: Mapping[str, Any] | None = None
) -> Any:
    """The loss a config describes: ``{"class_name", "config"}``, a class name (built with its
    defaults) or a function name (the function). Unknown names raise ValueError listing the
    known ones.

    Keras's form for a function, ``{"class_name": "function", "config": "mse"}``, is read too.
    """
    if (
        isinstance(config, Mapping)
        and config.get("class_name") == "function"
        and isinstance(config.get("config"), str)
    ):
        config = config["config"]
    return deserialize_configurable(config, custom_objects, ALL_LOSSES, "loss")


def get(identifier: Any) -> Callable | None:
    """Turn what ``compile`` was given as a loss into something callable.

    Accepts None (kept), a name (``"mse"``, ``"binary_crossentropy"``,
    ``"CategoricalCrossentropy"``), a config dict, a loss object, a loss
    class (built with its defaults) or any callable. As in Keras, a function
    name gives the per-sample function and a class name a loss object.

    >>> from graphkeras.losses import mean_squared_error
    >>> get("mse") is mean_squared_error
    True
    >>> get("Huber")
    Huber(name='huber_loss', reduction='sum_over_batch_size', delta=1.0)
    """
    if identifier is None:
        return None
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if isinstance(identifier, str):
        obj = resolve(identifier, None, ALL_LOSSES, "loss")
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret the loss identifier {identifier!r} (of type "
        f"{type(identifier).__name__}). Expected None, a name, a config dict, a Loss or a "
        "callable."
    )
