"""Optimizers: the rules that turn gradients into weight updates.

The classes have Keras 3's names, arguments, defaults, update formulas and
configs. A model's ``compile`` accepts an optimizer as an instance, a name
(``"adam"``) or a config dict; :func:`get` turns any of those into an
instance.

>>> from graphkeras import optimizers
>>> optimizers.get("adam").learning_rate
0.0010000000474974513
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from graphkeras.optimizers import schedules
from graphkeras.optimizers.adagrad import Adagrad
from graphkeras.optimizers.adam import Adam
from graphkeras.optimizers.adamw import AdamW
from graphkeras.optimizers.optimizer import Optimizer
from graphkeras.optimizers.rmsprop import RMSprop
from graphkeras.optimizers.sgd import SGD
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.serialization import deserialize_object, serialize_object

# Built-in optimizers by lower-cased class name: lookups ignore case, as in Keras.
ALL_OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls for cls in (Adagrad, Adam, AdamW, RMSprop, SGD)
}
register_keras_module("keras.optimizers", ALL_OPTIMIZERS)


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """``{"class_name", "config"}`` for an optimizer (its hyperparameters, not its state).

    >>> serialize(SGD(momentum=0.9))["class_name"]
    'SGD'
    """
    return serialize_object(optimizer)


def deserialize(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> Optimizer:
    """A new optimizer from a ``{"class_name", "config"}`` dict.

    Built-in class names match in any case (``"Adam"``, ``"adam"``); other
    names resolve through ``custom_objects`` or
    ``graphkeras.utils.register_serializable``. An unknown name is a
    ``ValueError`` listing the known ones.
    """
    if isinstance(config, Mapping) and isinstance(config.get("class_name"), str):
        name = config["class_name"]
        if name.lower() in ALL_OPTIMIZERS and not (custom_objects and name in custom_objects):
            config = {**config, "class_name": name.lower()}
    return deserialize_object(config, custom_objects, ALL_OPTIMIZERS, "optimizer")


def get(identifier: Any) -> Optimizer | None:
    """Turn what ``compile`` was given as an optimizer into an instance.

    Accepts None (kept), an optimizer (returned as is), a name (``"sgd"``,
    ``"Adam"``: a new instance with the defaults), a config dict, or an
    optimizer class (instantiated with its defaults).

    >>> get("rmsprop")
    <RMSprop name=rm_sprop, learning_rate=0.0010000000474974513>
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, Mapping):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(
        f"Could not interpret the optimizer identifier {identifier!r} "
        f"(of type {type(identifier).__name__}). Expected an Optimizer, a name "
        f"(one of {sorted(ALL_OPTIMIZERS)}) or a config dict."
    )


__all__ = [
    "ALL_OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
