"""Pipeline: a list of layers applied one after the other, as a single layer.

Keras 3 offers it for preprocessing and augmentation chains: unlike a
Sequential model it is a plain layer, usable inside a model or on data
directly. Each layer gets the ``training`` flag (when its ``call`` takes
one) and the mask the previous layer's output carries (when its ``call``
takes one). As in Keras, ``training`` defaults to True: called on data
outside a model, the augmentation layers of a pipeline augment.

Its config is Keras's: the name and the list of the layers' configs, and
its layers' weights are stored under ``layers/<class>`` as Keras stores
them.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_signature import call_signature
from graphkeras.engine.layer_registry import deserialize_layer, register_layer, serialize_layer


@register_layer
class Pipeline(Layer):
    """Applies ``layers`` in order: ``Pipeline([a, b])(x)`` is ``b(a(x))``.

    >>> pipeline = Pipeline([Rescaling(1 / 255), CenterCrop(24, 24)])
    >>> pipeline(np.zeros((1, 32, 32, 3))).shape
    (1, 24, 24, 3)
    """

    def __init__(self, layers, name: str | None = None) -> None:
        super().__init__(name=name)
        if not isinstance(layers, (list, tuple)) or not all(
            isinstance(layer, Layer) for layer in layers
        ):
            raise ValueError(
                f"Pipeline '{self.name}': layers must be a list of layers, received "
                f"layers={layers!r:.200}."
            )
        # Stored as ``layers``, the attribute Keras's weights file names them by.
        self.layers = list(layers)

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self.layers:
            accepts_training, accepts_mask = call_signature(type(layer).call)
            kwargs = {}
            if accepts_mask:
                kwargs["mask"] = mask
            if accepts_training and training is not None:
                kwargs["training"] = training
            outputs = layer(outputs, **kwargs)
            mask = K.get_keras_mask(outputs)
        return outputs

    def get_config(self) -> dict:
        return {"layers": [serialize_layer(layer) for layer in self.layers], "name": self.name}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "A Pipeline config must hold 'layers', a list of layer configs, received "
                f"layers={layers!r:.200}."
            )
        config = dict(config)
        config["layers"] = [deserialize_layer(entry, custom_objects) for entry in layers]
        return cls(**config)
