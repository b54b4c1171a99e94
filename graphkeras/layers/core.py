"""Core layers: Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector,
Lambda and Identity, and the weight arguments every layer with weights shares.

Each has the name, arguments, defaults and weights (names, shapes, order) of
its Keras 3 namesake, computes through the backend only, and round-trips
through ``get_config`` / ``from_config``.

A layer with weights takes, for each weight, an initializer, a regularizer
and a constraint (``kernel_initializer``, ``kernel_regularizer``,
``kernel_constraint``), and one ``activity_regularizer`` for its output.
:func:`set_weight_arguments`, :func:`add_weight_from_arguments` and
:func:`weight_arguments_config` store, use and serialise them in one way for
Dense, EinsumDense, the convolutions, attention and normalisation.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from graphkeras import activations, regularizers
from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.weight_arguments import (
    add_bias_and_activate,
    add_weight_from_arguments,
    set_weight_arguments,
    weight_arguments_config,
)
from graphkeras.utils import serialization

# Dense input specs are shared between layers (specs are never mutated): a
# model of thousands of layers then holds one object fewer per layer.
_AT_LEAST_2D = InputSpec(min_ndim=2)


@functools.cache
def _features_spec(input_dim: int) -> InputSpec:
    return InputSpec(min_ndim=2, axes={-1: input_dim})


def _positive_int(value, argument: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{layer}: {argument} must be a positive int, received {argument}={value!r}."
        )
    return value


@register_layer
class Dense(Layer):
    """``activation(inputs @ kernel + bias)`` on the last axis of the input.

    Weights: ``kernel`` of shape ``(input_dim, units)`` then ``bias`` of
    shape ``(units,)`` (when ``use_bias``). Inputs of rank above 2 are
    handled on their last axis, as in Keras.
    """

    def __init__(
        self,
        units: int,
        activation=None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.units = _positive_int(units, "units", f"Dense '{self.name}'")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_arguments(
            self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint
        )
        set_weight_arguments(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = _AT_LEAST_2D
        self.supports_masking = True
        self._linear = self.activation is activations.linear

    def build(self, input_shape) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"Dense '{self.name}' needs a known last input dim to create its kernel; "
                f"received input shape {input_shape}."
            )
        self.kernel = add_weight_from_arguments(self, "kernel", (input_dim, self.units))
        self.bias = None
        if self.use_bias:
            self.bias = add_weight_from_arguments(self, "bias", (self.units,))
        self.input_spec = _features_spec(input_dim)
        self.built = True

    def call(self, inputs):
        return add_bias_and_activate(self, K.dot(inputs, self.kernel))

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **weight_arguments_config(self, ("kernel", "bias")),
        }


@register_layer
class Activation(Layer):
    """Applies an activation function (a name such as ``"relu"``, or a function)."""

    def __init__(self, activation, **kwargs) -> None:
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


@register_layer
class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs while training, scaling the rest up.

    In inference (the default) it is the identity. ``noise_shape`` shares
    one draw along its axes of length 1; ``seed`` makes the masks
    reproducible (each call still draws a new mask).
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(
                f"Dropout '{self.name}': rate must be a number in [0, 1], received rate={rate!r}."
            )
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._seed_generator = K.seed_generator(seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        if self.rate == 1.0:
            return K.zeros_like(inputs)
        noise_shape = None
        if self.noise_shape is not None:
            shape = K.int_shape(inputs)
            noise_shape = tuple(
                shape[axis] if dim is None else dim for axis, dim in enumerate(self.noise_shape)
            )
        return K.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self._seed_generator)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {
            **super().get_config(),
            "rate": self.rate,
            "noise_shape": noise_shape,
            "seed": self.seed,
        }


@register_layer
class Flatten(Layer):
    """``(batch, ...)`` to ``(batch, everything else)``.

    With ``data_format="channels_first"`` the channel axis is moved last
    first, so the order of the flattened features matches ``channels_last``.
    """

    def __init__(self, data_format: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_format = K.standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        if self.data_format == "channels_first" and K.ndim(inputs) > 2:
            order = (0, *range(2, K.ndim(inputs)), 1)
            inputs = K.transpose(inputs, order)
        return K.batch_flatten(inputs) if K.ndim(inputs) > 1 else K.expand_dims(inputs, -1)

    def compute_output_shape(self, input_shape):
        rest = tuple(input_shape)[1:]
        size = None if None in rest else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


@register_layer
class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1)."""

    def __init__(self, target_shape, **kwargs) -> None:
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for dim in target_shape if dim == -1) > 1 or any(
            not isinstance(dim, int) or (dim < 1 and dim != -1) for dim in target_shape
        ):
            raise ValueError(
                f"Reshape '{self.name}': target_shape must hold positive ints and at most one "
                f"-1, received target_shape={target_shape!r}."
            )
        self.target_shape = target_shape

    def compute_output_shape(self, input_shape):
        rest = tuple(input_shape)[1:]
        size = None if None in rest else math.prod(rest)
        known = math.prod(dim for dim in self.target_shape if dim != -1)
        if -1 in self.target_shape:
            if size is None:
                resolved = None
            elif size % known:
                raise self._mismatch(input_shape)
            else:
                resolved = size // known
            shape = tuple(resolved if dim == -1 else dim for dim in self.target_shape)
        else:
            if size is not None and size != known:
                raise self._mismatch(input_shape)
            shape = self.target_shape
        return (input_shape[0], *shape)

    def _mismatch(self, input_shape) -> ValueError:
        return ValueError(
            f"Reshape '{self.name}': cannot reshape input of shape {tuple(input_shape)} "
            f"to target_shape {self.target_shape} (total sizes differ)."
        )

    def call(self, inputs):
        return K.reshape(inputs, (K.int_shape(inputs)[0], *self.target_shape))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


@register_layer
class Permute(Layer):
    """Permute the non-batch axes: ``dims`` is a permutation of ``1..rank-1``."""

    def __init__(self, dims, **kwargs) -> None:
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"Permute '{self.name}': dims must be a permutation of 1..{len(self.dims)}, "
                f"received dims={self.dims!r}."
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[axis] for axis in self.dims))

    def call(self, inputs):
        return K.transpose(inputs, (0, *self.dims))

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": list(self.dims)}


@register_layer
class RepeatVector(Layer):
    """``(batch, features)`` to ``(batch, n, features)`` by repeating each sample ``n`` times."""

    def __init__(self, n: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.n = _positive_int(n, "n", f"RepeatVector '{self.name}'")
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return K.repeat(K.expand_dims(inputs, 1), self.n, axis=1)

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}


@register_layer
class Identity(Layer):
    """Returns its input unchanged (masks pass through)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


@register_layer
class Lambda(Layer):
    """Wraps a function of arrays as a layer: ``Lambda(lambda x: K.square(x))``.

    ``output_shape`` (a shape without the batch dim, or a function of the
    input shape) skips shape probing. ``arguments`` are passed to the
    function as keywords. A Lambda is saved by the function's registered
    name (``graphkeras.utils.register_serializable``), never as code, so an
    unregistered function cannot be written to a config.
    """

    def __init__(
        self,
        function: Callable,
        output_shape=None,
        mask=None,
        arguments: dict | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda '{self.name}': function must be callable, received {function!r}."
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = output_shape
        self.mask = mask
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None):
        return self.function(inputs, **self.arguments)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_spec(self, inputs, *args, **kwargs):
        if self._output_shape is None:
            return super().compute_output_spec(inputs, *args, **kwargs)
        input_shape = inputs.shape if K.is_keras_tensor(inputs) else [t.shape for t in inputs]
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
        else:
            batch = input_shape[0] if K.is_keras_tensor(inputs) else input_shape[0][0]
            shape = (batch, *tuple(self._output_shape))
        return KerasTensor(shape, dtype=self.dtype)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "function": _function_name(self.function, self.name),
            "output_shape": _function_name(self._output_shape, self.name)
            if callable(self._output_shape)
            else (None if self._output_shape is None else list(self._output_shape)),
            "arguments": self.arguments,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        config = dict(config)
        config["function"] = _resolve_function(config["function"], custom_objects)
        if isinstance(config.get("output_shape"), str):
            config["output_shape"] = _resolve_function(config["output_shape"], custom_objects)
        return cls(**config)


def _function_name(function, layer_name: str) -> str:
    name = serialization.get_registered_name(function)
    if serialization.get_registered_object(name) is function:
        return name
    if activations.ALL_ACTIVATIONS.get(name) is function:
        return name
    raise ValueError(
        f"Lambda '{layer_name}': function {function!r} cannot be saved. graphkeras never "
        "writes code into a config; register it with "
        "@graphkeras.utils.register_serializable() and it is saved by name."
    )


def _resolve_function(name, custom_objects):
    if not isinstance(name, str):
        raise ValueError(f"Lambda: expected a registered function name, received {name!r}.")
    return serialization.resolve(name, custom_objects, activations.ALL_ACTIVATIONS, "function")
