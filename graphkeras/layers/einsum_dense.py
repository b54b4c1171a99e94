"""EinsumDense: a dense layer whose product is any einsum of the input and a kernel.

``Dense`` multiplies the last input axis by a matrix; ``EinsumDense`` lets an
equation say which input axes meet which kernel axes and what comes out:
``"abc,cde->abde"`` turns ``(batch, time, features)`` into ``(batch, time,
heads, head_size)`` with a kernel of shape ``(features, heads, head_size)``,
which is how ``MultiHeadAttention`` projects its inputs.

The equation reads ``input,kernel->output``. The input side may start with
``...`` (any number of leading axes, the batch among them) or end with it
(trailing axes carried to the end of the output). ``output_shape`` gives the
output's sizes after the batch axis and outside the ``...``; ``None`` entries
are taken from the input. The kernel's size along each letter comes from the
output (letters the output has) or the input (letters it contracts), so the
kernel shape is fixed by the equation, ``output_shape`` and the input.
``bias_axes`` names the output letters that get a bias, which is broadcast
over the others.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from graphkeras import activations, initializers, regularizers
from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.weight_arguments import (
    add_bias_and_activate,
    add_weight_from_arguments,
    set_weight_arguments,
    weight_arguments_config,
)

_FORMS = (
    # (pattern on the equation with "..." written as "0", where the ellipsis is)
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), None),
    (re.compile(r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)"), "left"),
    (re.compile(r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0"), "right"),
)


@dataclass(frozen=True)
class EinsumSpec:
    """The three sides of an EinsumDense equation, and where its ``...`` is (if anywhere)."""

    inputs: str
    kernel: str
    output: str
    ellipsis: str | None

    @classmethod
    def parse(cls, equation, layer_name: str) -> EinsumSpec:
        """Read ``equation``; anything but the three supported forms raises ``ValueError``."""
        if isinstance(equation, str):
            marked = equation.replace("...", "0")
            for pattern, ellipsis in _FORMS:
                found = pattern.fullmatch(marked)
                if found:
                    return cls(*found.groups(), ellipsis)
        raise ValueError(
            f"EinsumDense '{layer_name}': equation must have the form 'ab,bc->ac', "
            f"'...b,bc->...c' or 'ab...,bc->ac...', received equation={equation!r}."
        )

    @property
    def partial_output_rank(self) -> int:
        """How many sizes ``output_shape`` gives (the batch axis and the ``...`` excluded)."""
        return len(self.output) if self.ellipsis == "left" else len(self.output) - 1


@dataclass(frozen=True)
class EinsumShapes:
    """What an input shape fixes: the output, kernel and bias shapes, and the kernel's fans."""

    output: tuple
    kernel: tuple
    bias: tuple | None
    kernel_input_axes: tuple
    kernel_output_axes: tuple


def analyze_shapes(
    spec: EinsumSpec, bias_axes: str | None, input_shape, partial_output, layer_name: str
) -> EinsumShapes:
    """The shapes an EinsumDense takes for ``input_shape`` (with the batch axis).

    Raises ``ValueError`` naming the layer when the input's rank does not
    fit the equation, when a size given in ``output_shape`` contradicts the
    input, or when a kernel size would be unknown.
    """
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(spec.inputs)
    if (
        (spec.ellipsis is None and elided != 0)
        or (spec.ellipsis == "left" and elided < 1)
        or (spec.ellipsis == "right" and elided < 0)
    ):
        expected = (
            f"rank {len(spec.inputs)}"
            if spec.ellipsis is None
            else f"rank at least {len(spec.inputs) + (1 if spec.ellipsis == 'left' else 0)}"
        )
        raise ValueError(
            f"EinsumDense '{layer_name}' with equation input '{spec.inputs}' expects inputs of "
            f"{expected}, received input shape {input_shape}."
        )
    if spec.ellipsis == "left":
        # The "..." holds the batch axis and the next elided - 1 axes.
        output = [*input_shape[:elided], *partial_output]
        input_axis = {letter: elided + i for i, letter in enumerate(spec.inputs)}
        output_axis = {letter: elided + i for i, letter in enumerate(spec.output)}
    else:
        trailing = input_shape[len(input_shape) - elided :] if elided else ()
        output = [input_shape[0], *partial_output, *trailing]
        input_axis = {letter: i for i, letter in enumerate(spec.inputs)}
        output_axis = {letter: i for i, letter in enumerate(spec.output)}
    for letter, axis in output_axis.items():
        if letter not in input_axis:
            continue
        size = input_shape[input_axis[letter]]
        if output[axis] is None:
            output[axis] = size
        elif size is not None and output[axis] != size:
            raise ValueError(
                f"EinsumDense '{layer_name}': output_shape gives {output[axis]} for the output's "
                f"'{letter}' axis, which the input of shape {input_shape} has of size {size}."
            )
    kernel, kernel_input_axes, kernel_output_axes = [], [], []
    for position, letter in enumerate(spec.kernel):
        if letter in output_axis:
            size = output[output_axis[letter]]
            kernel_output_axes.append(position)
        else:
            size = input_shape[input_axis[letter]]
            kernel_input_axes.append(position)
        if size is None:
            raise ValueError(
                f"EinsumDense '{layer_name}' needs the size of axis '{letter}' to create its "
                f"kernel ('{spec.kernel}'), but it is unknown for input shape {input_shape} "
                f"and output_shape {tuple(partial_output)}."
            )
        kernel.append(size)
    bias = None
    if bias_axes:
        first = min(spec.output.index(letter) for letter in bias_axes)
        bias = [
            output[output_axis[letter]] if letter in bias_axes else 1
            for letter in spec.output[first:]
        ]
        if spec.ellipsis == "right":
            bias += [1] * elided
        if None in bias:
            raise ValueError(
                f"EinsumDense '{layer_name}' needs known sizes for its bias axes "
                f"'{bias_axes}', received input shape {input_shape}."
            )
    return EinsumShapes(
        tuple(output),
        tuple(kernel),
        None if bias is None else tuple(bias),
        tuple(kernel_input_axes),
        tuple(kernel_output_axes),
    )


def _checked_output_shape(output_shape, spec: EinsumSpec, layer_name: str) -> tuple:
    sizes = (output_shape,) if isinstance(output_shape, int) else output_shape
    try:
        sizes = tuple(sizes)
    except TypeError:
        sizes = None
    if sizes is None or any(
        size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0)
        for size in sizes
    ):
        raise ValueError(
            f"EinsumDense '{layer_name}': output_shape must be a positive int or a sequence of "
            f"positive ints and None, received output_shape={output_shape!r}."
        )
    if len(sizes) != spec.partial_output_rank:
        raise ValueError(
            f"EinsumDense '{layer_name}': equation output '{spec.output}' needs "
            f"{spec.partial_output_rank} output_shape entries (the batch axis and '...' "
            f"excluded), received output_shape={output_shape!r}."
        )
    return sizes


class _FanInitializer:
    """A variance-scaling initializer with the fans read from the kernel's einsum axes.

    The fans of a kernel such as ``(features, heads, head_size)`` are not
    those of a convolution kernel of that shape: ``features`` feeds in, the
    rest comes out. Drawing a ``(fan_in, fan_out)`` matrix and reshaping it
    gives the same distribution Keras 3 draws with ``input_axes`` and
    ``output_axes``.
    """

    def __init__(self, initializer, input_axes: tuple, output_axes: tuple) -> None:
        self.initializer = initializer
        self.input_axes = input_axes
        self.output_axes = output_axes

    def __call__(self, shape, dtype=None):
        fan_in = math.prod(shape[axis] for axis in self.input_axes)
        fan_out = math.prod(shape[axis] for axis in self.output_axes)
        return K.reshape(self.initializer((fan_in, fan_out), dtype=dtype), tuple(shape))


@register_layer
class EinsumDense(Layer):
    """``activation(einsum(equation, inputs, kernel) + bias)``.

    >>> layer = EinsumDense("abc,cd->abd", output_shape=(None, 64), bias_axes="d")
    >>> layer(gk.Input(shape=(32, 128))).shape
    (None, 32, 64)

    Weights: ``kernel`` (shape set by the equation, see the module
    docstring), then ``bias`` when ``bias_axes`` is given.
    """

    def __init__(
        self,
        equation: str,
        output_shape,
        activation=None,
        bias_axes: str | None = None,
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
        self._spec = EinsumSpec.parse(equation, self.name)
        self.equation = equation
        self.partial_output_shape = _checked_output_shape(output_shape, self._spec, self.name)
        if bias_axes is not None and (
            not isinstance(bias_axes, str)
            or not bias_axes
            or any(letter not in self._spec.output for letter in bias_axes)
        ):
            raise ValueError(
                f"EinsumDense '{self.name}': bias_axes must be letters of the equation's output "
                f"'{self._spec.output}', received bias_axes={bias_axes!r}."
            )
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        set_weight_arguments(
            self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint
        )
        set_weight_arguments(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._linear = self.activation is activations.linear

    def _shapes(self, input_shape) -> EinsumShapes:
        return analyze_shapes(
            self._spec, self.bias_axes, input_shape, self.partial_output_shape, self.name
        )

    def build(self, input_shape) -> None:
        shapes = self._shapes(input_shape)
        kernel_initializer = self.kernel_initializer
        if isinstance(kernel_initializer, initializers.VarianceScaling):
            kernel_initializer = _FanInitializer(
                kernel_initializer, shapes.kernel_input_axes, shapes.kernel_output_axes
            )
        self.kernel = add_weight_from_arguments(
            self, "kernel", shapes.kernel, initializer=kernel_initializer
        )
        self.bias = None
        if shapes.bias is not None:
            self.bias = add_weight_from_arguments(self, "bias", shapes.bias)
        self.input_spec = InputSpec(ndim=len(input_shape))
        self.built = True

    def call(self, inputs):
        return add_bias_and_activate(self, K.einsum(self.equation, inputs, self.kernel))

    def compute_output_shape(self, input_shape):
        return self._shapes(input_shape).output

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "output_shape": list(self.partial_output_shape),
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            **weight_arguments_config(self, ("kernel", "bias")),
        }
