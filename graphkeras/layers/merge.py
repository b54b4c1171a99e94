"""Merge layers: combine a list of tensors into one.

``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum`` and ``Minimum``
work element-wise with broadcasting; ``Concatenate`` joins along an axis;
``Dot`` takes per-sample dot products. Each has a lowercase functional form
(``add([a, b], name="sum")``). Masks follow Keras 3: an element-wise merge
keeps a mask only when every input has one (their logical or);
``Concatenate`` joins the masks (all-true for unmasked inputs) and keeps a
position when any joined entry is true; ``Dot`` accepts masked inputs and
gives no mask.

Masked positions change values only where Keras 3 lets them: ``Maximum`` and
``Minimum`` skip an input's masked positions (where every input is masked the
first input's value comes through), ``Multiply`` counts them as 1 and, when
every input has a mask, gives 0 where all are masked; ``Add``, ``Subtract``
and ``Average`` use every value, masked or not.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.op_layer import broadcast_shapes


class Merge(Layer):
    """The base of merge layers: checks the list of inputs, merges masks."""

    minimum_inputs = 2
    _mask_from_masks_only = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check_inputs(self, shapes) -> list:
        if not isinstance(shapes, (list, tuple)) or (
            shapes and not isinstance(shapes[0], (tuple, list))
        ):
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' must be called on a list of "
                f"inputs; received a single input of shape {shapes}."
            )
        if len(shapes) < self.minimum_inputs:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' needs at least "
                f"{self.minimum_inputs} inputs; received {len(shapes)}."
            )
        return [tuple(shape) for shape in shapes]

    def build(self, input_shape) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = self._check_inputs(input_shape)
        batch = [shape[0] for shape in shapes if shape and shape[0] is not None]
        result = shapes[0][1:]
        for shape in shapes[1:]:
            try:
                result = broadcast_shapes(result, shape[1:], self.name)
            except ValueError:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}' takes inputs of compatible "
                    f"shapes; received shapes {shapes}."
                ) from None
        return (batch[0] if batch else None, *result)

    def call(self, inputs, mask=None):
        if mask is not None and (not isinstance(mask, (list, tuple)) or len(mask) != len(inputs)):
            received = f"a list of {len(mask)}" if isinstance(mask, (list, tuple)) else "one mask"
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}' takes a list of masks, one per "
                f"input ({len(inputs)}, None for an unmasked one); received {received}."
            )
        masks = _value_masks(inputs, mask)
        return self._merge_function(_same_rank(inputs), masks)

    def _merge_function(self, inputs: list, masks: list):
        """Fold :meth:`_merge` over inputs of one rank; ``masks`` (see ``_value_masks``)
        are ignored here, as Keras 3's ``Add``, ``Subtract`` and ``Average`` ignore them."""
        result = inputs[0]
        for value in inputs[1:]:
            result = self._merge(result, value)
        return result

    def _merge(self, first, second):
        return K.add(first, second)

    def compute_mask(self, inputs, mask=None):
        """As Keras 3: no mask unless every input has one, then their logical or."""
        if mask is None or any(m is None for m in mask):
            return None
        return _logical_or_all(mask)


@register_layer
class Add(Merge):
    """Element-wise sum of its inputs."""


@register_layer
class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    def _check_inputs(self, shapes) -> list:
        shapes = super()._check_inputs(shapes)
        if len(shapes) != 2:
            raise ValueError(
                f"Subtract layer '{self.name}' takes exactly 2 inputs; received {len(shapes)}."
            )
        return shapes

    def _merge(self, first, second):
        return K.subtract(first, second)


@register_layer
class Multiply(Merge):
    """Element-wise product of its inputs.

    As Keras 3: an input's masked positions count as 1, and when every input
    has a mask, positions masked in all of them come out as 0.
    """

    def _merge(self, first, second):
        return K.multiply(first, second)

    def _merge_function(self, inputs: list, masks: list):
        every_input_masked = all(mask is not None for mask in masks)
        product = None
        for value, mask in zip(inputs, masks, strict=True):
            if mask is not None:
                value = K.where(mask, value, K.ones_like(value))
            product = value if product is None else self._merge(product, value)
        if every_input_masked:
            kept = _logical_or_all(masks)
            product = K.where(kept, product, K.zeros_like(product))
        return product


class _ExtremumOfValidPositions(Merge):
    """The base of ``Maximum`` and ``Minimum``: masked positions take no part.

    An operation without an identity element cannot fill masked positions
    with a neutral value, so each masked position takes the other operand
    (Keras 3's rule): the running result where the next input is masked, the
    next input where the running result is masked (until an unmasked input
    ends the running mask). Where every input is masked the first input's
    value comes through.
    """

    def _merge_function(self, inputs: list, masks: list):
        result, result_mask = inputs[0], masks[0]
        for value, mask in zip(inputs[1:], masks[1:], strict=True):
            if mask is not None:
                value = K.where(mask, value, result)
            if result_mask is not None:
                result = K.where(result_mask, result, value)
            result_mask = (
                None if mask is None or result_mask is None else K.logical_or(result_mask, mask)
            )
            result = self._merge(result, value)
        return result


@register_layer
class Average(Merge):
    """Element-wise mean of its inputs."""

    def call(self, inputs, mask=None):
        total = super().call(inputs, mask)
        return K.divide(total, K.cast(len(inputs), K.dtype(inputs[0])))


@register_layer
class Maximum(_ExtremumOfValidPositions):
    """Element-wise maximum of its inputs, masked positions skipped."""

    def _merge(self, first, second):
        return K.maximum(first, second)


@register_layer
class Minimum(_ExtremumOfValidPositions):
    """Element-wise minimum of its inputs, masked positions skipped."""

    def _merge(self, first, second):
        return K.minimum(first, second)


@register_layer
class Concatenate(Merge):
    """Join the inputs along ``axis``; every other dim must agree."""

    def __init__(self, axis: int = -1, **kwargs) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def compute_output_shape(self, input_shape):
        shapes = self._check_inputs(input_shape)
        rank = len(shapes[0])
        if any(len(shape) != rank for shape in shapes) or not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenate layer '{self.name}' needs inputs of one rank with axis={self.axis} "
                f"in range; received shapes {shapes}."
            )
        axis = self.axis % rank
        result = []
        for index in range(rank):
            dims = [shape[index] for shape in shapes]
            if index == axis:
                result.append(None if None in dims else sum(dims))
                continue
            known = {dim for dim in dims if dim is not None}
            if len(known) > 1:
                raise ValueError(
                    f"Concatenate layer '{self.name}' needs inputs whose shapes match except "
                    f"on the concat axis ({self.axis}); received shapes {shapes}."
                )
            result.append(known.pop() if known else None)
        return tuple(result)

    def call(self, inputs):
        return K.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None or all(m is None for m in mask):
            return None
        rank = K.ndim(inputs[0])
        expanded = []
        for value, m in zip(inputs, mask, strict=True):
            if m is None:
                m = K.ones_like(value, dtype="bool")
            elif K.ndim(m) < rank:
                m = K.logical_or(K.expand_dims(m, -1), K.zeros_like(value, dtype="bool"))
            expanded.append(m)
        joined = K.concatenate(expanded, axis=self.axis)
        return K.any(joined, axis=-1, keepdims=False)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


@register_layer
class Dot(Merge):
    """Per-sample dot product of two inputs along ``axes``.

    ``axes`` is one axis for both inputs or a pair; ``normalize=True`` takes
    the cosine similarity (inputs L2-normalised along those axes first). A
    result with only the batch dim left comes back as ``(batch, 1)``.
    As in Keras 3 it accepts masked inputs (``supports_masking`` is True),
    ignores their masks and gives no output mask.
    """

    def __init__(self, axes, normalize: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(axes, int):
            axes = (axes, axes)
        if not (
            isinstance(axes, (list, tuple))
            and len(axes) == 2
            and all(isinstance(a, int) for a in axes)
        ):
            raise ValueError(
                f"Dot layer '{self.name}': axes must be an int or a pair of ints, "
                f"received axes={axes!r}."
            )
        self.axes = tuple(axes)
        self.normalize = bool(normalize)

    def _resolved_axes(self, shapes) -> tuple[int, int]:
        return tuple(axis % len(shape) for axis, shape in zip(self.axes, shapes, strict=True))

    def compute_output_shape(self, input_shape):
        shapes = self._check_inputs(input_shape)
        if len(shapes) != 2:
            raise ValueError(
                f"Dot layer '{self.name}' takes exactly 2 inputs; received {len(shapes)}."
            )
        first_axis, second_axis = self._resolved_axes(shapes)
        if 0 in (first_axis, second_axis):
            raise ValueError(
                f"Dot layer '{self.name}' cannot contract the batch axis (axes={self.axes})."
            )
        first, second = shapes
        if (
            None not in (first[first_axis], second[second_axis])
            and first[first_axis] != second[second_axis]
        ):
            raise ValueError(
                f"Dot layer '{self.name}': dimension incompatibility on axes {self.axes}: "
                f"{first[first_axis]} != {second[second_axis]} for input shapes {shapes}."
            )
        rest = [dim for i, dim in enumerate(first) if i not in (0, first_axis)]
        rest += [dim for i, dim in enumerate(second) if i not in (0, second_axis)]
        return (first[0], *rest) if rest else (first[0], 1)

    def call(self, inputs):
        first, second = inputs
        axes = self._resolved_axes([K.int_shape(first), K.int_shape(second)])
        if self.normalize:
            first = K.l2_normalize(first, axis=axes[0])
            second = K.l2_normalize(second, axis=axes[1])
        return K.batch_dot(first, second, axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": list(self.axes), "normalize": self.normalize}


def add(inputs, **kwargs):
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    """``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize: bool = False, **kwargs):
    """``Dot(axes, normalize, **kwargs)(inputs)``; ``axes`` defaults to the last, as in Keras 3."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


def _logical_or_all(masks: list):
    combined = masks[0]
    for other in masks[1:]:
        combined = K.logical_or(combined, other)
    return combined


def _value_masks(inputs: list, mask) -> list:
    """Per input, its mask with unit axes appended so it broadcasts against the values.

    ``None`` for an input without a mask, and for an input of lower rank
    than the others: Keras 3 reshapes such an input before merging, and the
    reshaped tensor carries no mask.
    """
    if mask is None:
        return [None] * len(inputs)
    rank = max(K.ndim(value) for value in inputs)
    masks = []
    for value, value_mask in zip(inputs, mask, strict=True):
        if value_mask is None or K.ndim(value) < rank:
            masks.append(None)
            continue
        while K.ndim(value_mask) < rank:
            value_mask = K.expand_dims(value_mask, -1)
        masks.append(value_mask)
    return masks


def _same_rank(inputs: list) -> list:
    """Lower-rank inputs with unit axes inserted after the batch axis, as Keras 3 merges.

    ``(batch, 5)`` next to ``(batch, 4, 5)`` becomes ``(batch, 1, 5)``: the
    non-batch axes line up from the right, as the output shape promises,
    and the batch axis stays first.
    """
    rank = max(K.ndim(value) for value in inputs)
    aligned = []
    for value in inputs:
        for _ in range(rank - K.ndim(value)):
            value = K.expand_dims(value, 1)
        aligned.append(value)
    return aligned
