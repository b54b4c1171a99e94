"""Discretization: each number replaced by the index of the bin it falls in.

With ``bin_boundaries=[0., 1., 2.]`` the bins are ``(-inf, 0)``, ``[0, 1)``,
``[1, 2)`` and ``[2, inf)``, so ``-1.5 -> 0`` and ``1.0 -> 2``. Instead of
boundaries, ``num_bins`` and ``adapt(data)`` choose boundaries at the data's
quantiles, estimated in one pass with a mergeable summary of at most about
``1 / epsilon`` weighted points per batch (Keras 3's algorithm, so the
same data and batching give the same boundaries).

``output_mode`` encodes the indices: ``"int"`` (int32, the input's shape),
``"one_hot"`` (a trailing axis of ``len(bin_boundaries) + 1``; a trailing
axis of 1 is replaced), ``"multi_hot"`` (1 for every bin present in a
sample) and ``"count"`` (how often each bin occurs in a sample); a rank-1
input is one sample for the last two.

The boundaries are plain config values, not weights: an adapted layer
writes them to its config, and a file loads them back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing.adapt_data import adapt_batches
from graphkeras.layers.preprocessing.categorical_encoding import (
    encode_categories,
    encoded_shape,
)
from graphkeras.layers.value_checks import describe, number

_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """``[points, weights]``: every ``n * epsilon``-th sorted value, weighted by the gap."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size * epsilon, 1)
    points = values[int(step - 1) :: int(step)]
    return np.stack([points, np.full_like(points, step)])


def compress_summary(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """``summary`` resampled at cumulative-weight fractions ``epsilon, 2 epsilon, ..., 1``."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    cumulative_fractions = cumulative / cumulative[-1]
    points = np.interp(fractions, cumulative_fractions, summary[0])
    cumulative = np.interp(fractions, cumulative_fractions, cumulative)
    weights = cumulative - np.concatenate(([0.0], cumulative[:-1]))
    return np.stack((points, weights)).astype("float32")


def merge_summaries(first: np.ndarray, second: np.ndarray, epsilon: float) -> np.ndarray:
    """The two summaries' points in sorted order, compressed back to about ``1 / epsilon``."""
    merged = np.concatenate((first, second), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


def _boundaries_argument(value, layer) -> list | None:
    if value is None:
        return None
    try:
        boundaries = np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        boundaries = None
    if boundaries is None or boundaries.ndim != 1 or np.any(np.diff(boundaries) < 0):
        raise ValueError(
            f"{describe(layer)}: bin_boundaries must be a non-decreasing list of numbers, "
            f"received bin_boundaries={value!r}."
        )
    return list(value)


@register_layer
class Discretization(Layer):
    """Bucket numbers by ``bin_boundaries`` (or ``num_bins`` adapted quantiles)."""

    def __init__(
        self,
        bin_boundaries=None,
        num_bins: int | None = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype=None,
        name: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        if output_mode not in _OUTPUT_MODES:
            raise ValueError(
                f"{describe(self)}: output_mode must be one of {_OUTPUT_MODES}, "
                f"received output_mode={output_mode!r}."
            )
        if sparse:
            raise ValueError(
                f"{describe(self)}: sparse=True needs sparse tensors, which graphkeras's numpy "
                "backend does not have; received sparse=True."
            )
        if num_bins is not None and (
            isinstance(num_bins, bool) or not isinstance(num_bins, int) or num_bins < 0
        ):
            raise ValueError(
                f"{describe(self)}: num_bins must be an int >= 0, received num_bins={num_bins!r}."
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                f"{describe(self)}: give bin_boundaries or num_bins, not both; received "
                f"bin_boundaries={bin_boundaries!r} and num_bins={num_bins!r}."
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError(f"{describe(self)}: give either bin_boundaries or num_bins.")
        self.bin_boundaries = _boundaries_argument(bin_boundaries, self)
        self.num_bins = num_bins
        self.epsilon = number(epsilon, "epsilon", self, 0.0, 1.0, include_minimum=False)
        self.output_mode = output_mode
        self.sparse = False

    @property
    def output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    # ------------------------------------------------------------ adapting
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Choose ``num_bins - 1`` boundaries at the quantiles of ``data``.

        ``data`` is an array, a PyDataset or an iterable of batches (at most
        ``steps`` of them are read). The boundaries change only once every
        batch was read without error.
        """
        if self.num_bins is None:
            raise ValueError(
                f"{describe(self)} was built with bin_boundaries; only a layer built with "
                "num_bins can be adapted."
            )
        summary = np.array([[], []], dtype="float32")
        for batch in adapt_batches(data, self, steps):
            batch_summary = summarize(batch.astype("float32"), self.epsilon)
            summary = merge_summaries(batch_summary, summary, self.epsilon)
        if summary.shape[1] == 0:
            raise ValueError(f"{describe(self)}.adapt received batches without any values.")
        self.bin_boundaries = compress_summary(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    # ------------------------------------------------------------ calling
    def _depth(self) -> int:
        if self.bin_boundaries is not None:
            return len(self.bin_boundaries) + 1
        return self.num_bins

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                f"{describe(self)} has no bin boundaries yet: pass bin_boundaries or call "
                "adapt(data) before using it."
            )
        boundaries = K.convert_to_tensor(np.asarray(self.bin_boundaries, dtype=self.compute_dtype))
        values = K.cast(K.expand_dims(inputs, -1), self.compute_dtype)
        indices = K.sum(K.cast(K.greater_equal(values, boundaries), "int32"), axis=-1)
        if self.output_mode == "int":
            return K.cast(indices, "int32")
        return encode_categories(indices, self.output_mode, self._depth(), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        config = {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict):
        """An adapted layer's config holds both num_bins and its boundaries: set them after."""
        config = dict(config)
        boundaries = config.get("bin_boundaries")
        if boundaries is not None and config.get("num_bins") is not None:
            del config["bin_boundaries"]
            layer = cls(**config)
            layer.bin_boundaries = _boundaries_argument(boundaries, layer)
            return layer
        return cls(**config)
