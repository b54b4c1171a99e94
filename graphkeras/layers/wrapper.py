"""Wrapper: a layer that holds one other layer and changes how it is applied.

A wrapper owns no weights of its own: its ``weights`` are the wrapped
layer's (found through the ``layer`` attribute), so ``get_weights`` and
``set_weights`` line up with the Keras 3 wrapper of the same name. Its config
holds the wrapped layer's ``{"class_name", "config"}``, rebuilt by
``from_config`` through the layer registry (and ``custom_objects``).
``TimeDistributed`` is the built-in subclass.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import deserialize_layer, register_layer, serialize_layer


def check_is_layer(value, argument: str, class_name: str) -> None:
    """``ValueError`` unless ``value`` is a Layer instance (a class or a function is not)."""
    if not isinstance(value, Layer):
        raise ValueError(
            f"{class_name}: {argument} must be a Layer instance (such as Dense(4) or LSTM(8)), "
            f"received {argument}={value!r}."
        )


def build_sublayer(layer: Layer, input_shape) -> None:
    """Build ``layer`` for ``input_shape`` unless it is built; a failed build is undone.

    What the engine does before a first call, for a layer that a wrapper
    builds itself (its weights must exist when the wrapper's symbolic call
    returns, before any array reaches it).
    """
    if layer.built:
        return
    snapshot = layer._snapshot()
    try:
        layer.build(input_shape)
    except BaseException:
        layer._restore(snapshot)
        raise
    layer.built = True
    layer._build_input_shape = input_shape


@register_layer
class Wrapper(Layer):
    """Base class of the layers that wrap another layer (``self.layer``).

    Not a layer to use on its own: subclasses define how the wrapped layer is
    applied. ``build`` builds the wrapped layer for the shape it will see.
    """

    def __init__(self, layer: Layer, **kwargs) -> None:
        check_is_layer(layer, "layer", type(self).__name__)
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape) -> None:
        build_sublayer(self.layer, input_shape)
        self.built = True

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: Mapping | None = None):
        """Rebuild the wrapper and, from its config entry, the wrapped layer."""
        config = dict(config)
        if "layer" not in config:
            raise ValueError(
                f"{cls.__name__} config needs a 'layer' entry (the wrapped layer's config); "
                f"received keys {sorted(config)}."
            )
        layer = deserialize_layer(config.pop("layer"), custom_objects)
        return cls(layer, **config)
