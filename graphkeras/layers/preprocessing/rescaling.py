"""Rescaling: ``inputs * scale + offset``, cast to the layer's float dtype.

The usual first layer of an image model: ``Rescaling(1 / 255)`` maps pixel
values in ``[0, 255]`` to ``[0, 1]``, ``Rescaling(1 / 127.5, offset=-1)``
to ``[-1, 1]``. ``scale`` and ``offset`` may be lists or arrays (one value
per channel); with ``image_data_format() == "channels_first"`` a
per-channel scale is laid along axis -3, as Keras 3 does. Integer inputs
(``uint8`` images) are cast first.
"""

from __future__ import annotations

import numbers

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.value_checks import describe
from graphkeras.utils import serialization_lib


def _numbers(value, argument: str, layer) -> None:
    """Refuse a scale or offset that is not a number or an array of numbers."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = np.asarray(object())
    if isinstance(value, bool) or array.dtype.kind not in "iuf":
        raise ValueError(
            f"{describe(layer)}: {argument} must be a number or an array of numbers, "
            f"received {argument}={value!r}."
        )


@register_layer
class Rescaling(Layer):
    """``inputs * scale + offset``; ``scale`` and ``offset`` are numbers or per-channel arrays."""

    def __init__(self, scale, offset=0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        _numbers(scale, "scale", self)
        _numbers(offset, "offset", self)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = K.convert_to_tensor(np.asarray(self.scale), dtype)
        offset = K.convert_to_tensor(np.asarray(self.offset), dtype)
        if K.ndim(scale) > 0 and K.image_data_format() == "channels_first":
            scale = K.reshape(scale, K.int_shape(scale) + (1,) * (3 - K.ndim(scale)))
        return K.add(K.multiply(K.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "scale": _serialized(self.scale),
            "offset": _serialized(self.offset),
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        for key in ("scale", "offset"):
            if key in config:
                config[key] = serialization_lib.deserialize_keras_object(config[key])
        return cls(**config)


def _serialized(value):
    """Numbers and lists as they are; arrays in Keras 3's ``__numpy__`` form."""
    if isinstance(value, (numbers.Number, list, tuple)):
        return value
    return serialization_lib.serialize_keras_object(value)
