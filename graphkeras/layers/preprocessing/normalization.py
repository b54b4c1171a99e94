"""Normalization: shift and scale features to zero mean and unit variance, or back.

``(inputs - mean) / max(sqrt(variance), epsilon)`` with a ``mean`` and
``variance`` for each position along ``axis`` (the feature axis by
default; ``axis=None`` keeps one scalar pair). They are either given to
the constructor, or computed by ``adapt(data)`` from data, in one pass over
its batches: each batch's mean and variance are merged into the running
totals weighted by its number of samples (Chan et al.'s parallel formula,
as Keras 3), so a generator need not fit in memory. ``invert=True`` maps
normalised values back: ``mean + inputs * max(sqrt(variance), epsilon)``.

Adapted statistics live in three non-trainable weights (``mean``,
``variance`` and an int ``count``), laid out as Keras 3's, so they travel
in ``.gk`` and ``.keras`` files.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.adapt_data import adapt_batches
from graphkeras.layers.value_checks import describe, is_int


def _axis_tuple(axis, layer) -> tuple:
    if axis is None:
        return ()
    if is_int(axis):
        return (int(axis),)
    if isinstance(axis, (list, tuple)) and all(is_int(item) for item in axis):
        return tuple(int(item) for item in axis)
    raise TypeError(
        f"{describe(layer)}: axis must be an int, a list of ints or None, received axis={axis!r}."
    )


@register_layer
class Normalization(Layer):
    """Features normalised with a per-position ``mean`` and ``variance``, given or adapted."""

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.axis = _axis_tuple(axis, self)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(
                f"{describe(self)}: give both mean and variance or neither, received "
                f"mean={mean!r} and variance={variance!r}."
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    f"{describe(self)}: mean and variance must have the same shape, received "
                    f"shapes {np.shape(mean)} and {np.shape(variance)}."
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"{describe(self)}: mean may have at most {len(self.axis)} axes (one per "
                    f"kept axis {self.axis}), received mean of shape {np.shape(mean)}."
                )

    # ------------------------------------------------------------ geometry
    def _kept_axes(self, input_shape) -> tuple:
        """The kept axes of inputs of ``input_shape``, non-negative and sorted."""
        rank = len(input_shape)
        if any(not -rank <= axis < rank for axis in self.axis):
            raise ValueError(
                f"{describe(self)}: axis={self.axis} is out of range for inputs of rank {rank}, "
                f"received input shape {tuple(input_shape)}."
            )
        kept = tuple(sorted(axis % rank for axis in self.axis))
        unknown = [axis for axis in kept if input_shape[axis] is None]
        if unknown:
            raise ValueError(
                f"{describe(self)}: the kept axes {kept} need known sizes, received input shape "
                f"{tuple(input_shape)} (unknown at {unknown})."
            )
        return kept

    def _statistics_shape(self, input_shape) -> tuple:
        return tuple(input_shape[axis] for axis in self._kept_axes(input_shape))

    def _broadcast_shape(self, input_shape) -> tuple:
        kept = self._kept_axes(input_shape)
        return tuple(input_shape[axis] if axis in kept else 1 for axis in range(len(input_shape)))

    def build(self, input_shape) -> None:
        shape = self._statistics_shape(input_shape)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight("mean", shape, initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(
                "variance", shape, initializer="ones", trainable=False
            )
            self.count = self.add_weight(
                "count", (), dtype="int32", initializer="zeros", trainable=False
            )
        else:
            self._given_statistics(input_shape)
        self.built = True

    def _given_statistics(self, input_shape) -> tuple[np.ndarray, np.ndarray]:
        """The constructor's mean and variance broadcast to the input's rank."""
        kept = self._kept_axes(input_shape)
        broadcast = self._broadcast_shape(input_shape)
        pair = []
        for value in (self.input_mean, self.input_variance):
            array = np.asarray(value, dtype=self.compute_dtype)
            expanded = [1] * len(input_shape)
            for position in range(1, array.ndim + 1):
                expanded[kept[-position]] = array.shape[-position]
            try:
                pair.append(np.broadcast_to(array.reshape(expanded), broadcast))
            except ValueError:
                raise ValueError(
                    f"{describe(self)}: mean and variance of shape {array.shape} do not fit "
                    f"inputs of shape {tuple(input_shape)} along axis {self.axis}."
                ) from None
        return pair[0], pair[1]

    # ------------------------------------------------------------ calling
    def _statistics(self, input_shape):
        if self.input_mean is not None:
            mean, variance = self._given_statistics(input_shape)
            return K.convert_to_tensor(mean), K.convert_to_tensor(variance)
        broadcast = self._broadcast_shape(input_shape)
        mean = K.cast(K.reshape(self.adapt_mean, broadcast), self.compute_dtype)
        variance = K.cast(K.reshape(self.adapt_variance, broadcast), self.compute_dtype)
        return mean, variance

    def call(self, inputs):
        inputs = K.cast(inputs, self.compute_dtype)
        mean, variance = self._statistics(K.int_shape(inputs))
        spread = K.maximum(K.sqrt(variance), K.epsilon())
        if self.invert:
            return K.add(mean, K.multiply(inputs, spread))
        return K.divide(K.subtract(inputs, mean), spread)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    # ------------------------------------------------------------ adapting
    def adapt(self, data: Any) -> None:
        """Set ``mean`` and ``variance`` from ``data``: an array, a PyDataset or batches.

        Every batch is read once; the statistics are merged as they come.
        Each element of an iterable must be a whole batch (its first axis the
        samples). Bad data raises before anything is stored: the layer is
        left as it was.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"{describe(self)} was given mean and variance; adapt() would ignore them. "
                "Build the layer without mean and variance to adapt it."
            )
        total_mean = total_variance = None
        total_count = 0
        reduce_axes = expected = None
        for batch in adapt_batches(data, self):
            if reduce_axes is None:
                expected = self._expected_shape(batch.shape)
                kept = self._kept_axes(batch.shape)
                reduce_axes = tuple(axis for axis in range(batch.ndim) if axis not in kept)
            self._check_batch(batch.shape, expected)
            count = math.prod(batch.shape[axis] for axis in reduce_axes)
            if count == 0:
                continue
            batch_mean = np.mean(batch, axis=reduce_axes, dtype="float64")
            batch_variance = np.var(batch, axis=reduce_axes, dtype="float64")
            if total_mean is None:
                total_mean, total_variance, total_count = batch_mean, batch_variance, count
                continue
            total_count += count
            weight = count / total_count
            merged_mean = total_mean * (1.0 - weight) + batch_mean * weight
            total_variance = (total_variance + (total_mean - merged_mean) ** 2) * (1.0 - weight) + (
                batch_variance + (batch_mean - merged_mean) ** 2
            ) * weight
            total_mean = merged_mean
        if total_mean is None:
            raise ValueError(f"{describe(self)}.adapt received batches without any samples.")
        if not self.built:
            shape = tuple(expected)
            self.build(shape)
            self._build_input_shape = shape
        self.adapt_mean.assign(total_mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(total_variance.astype(self.adapt_variance.dtype))

    def _expected_shape(self, first_shape: tuple) -> tuple:
        """The shape every batch must match on the kept axes: the built one, else the first's."""
        built_shape = self._build_input_shape if self.built else None
        shape = tuple(first_shape) if built_shape is None else tuple(built_shape)
        if len(first_shape) != len(shape):
            raise ValueError(
                f"{describe(self)}.adapt: the layer was built for inputs of shape {shape}, "
                f"received a batch of shape {tuple(first_shape)}."
            )
        return shape

    def _check_batch(self, shape: tuple, expected: tuple) -> None:
        kept = self._kept_axes(expected)
        if len(shape) != len(expected) or any(shape[axis] != expected[axis] for axis in kept):
            raise ValueError(
                f"{describe(self)}.adapt: every batch must match shape {tuple(expected)} on the "
                f"kept axes {kept}, received a batch of shape {tuple(shape)}."
            )

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }
