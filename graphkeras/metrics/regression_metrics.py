"""Regression metrics: running mean errors, cosine similarity and R2 of predictions.

Each sample's error is averaged over its last axis, then the samples are
averaged (weighted by ``sample_weight``) over every batch seen.
``RootMeanSquaredError`` takes the square root of that running mean, not the
mean of per-batch roots, and ``R2Score`` keeps the sums its formula needs,
so neither depends on how data is batched.

>>> m = MeanSquaredError()
>>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
>>> m.result()
array(0.25, dtype=float32)
"""

from __future__ import annotations

import warnings
from typing import Any

from graphkeras import backend as K
from graphkeras import losses
from graphkeras.losses import squeeze_or_expand_to_same_rank
from graphkeras.metrics.array_ops import broadcast_to, check_batch_by_columns, snapshot
from graphkeras.metrics.metric import Metric
from graphkeras.metrics.reduction_metrics import BuiltinMeanMetric, Mean
from graphkeras.utils.tracing import is_tracing


class MeanSquaredError(BuiltinMeanMetric):
    """The running mean of ``mean(square(y_true - y_pred), axis=-1)``."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(BuiltinMeanMetric):
    """The running mean of ``mean(abs(y_true - y_pred), axis=-1)``.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]], sample_weight=[1, 0])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(BuiltinMeanMetric):
    """The running mean of ``100 * mean(abs((y_true - y_pred) / y_true), axis=-1)``."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(BuiltinMeanMetric):
    """The running mean of ``mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1)``."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(BuiltinMeanMetric):
    """The running mean of ``mean(log(cosh(y_pred - y_true)), axis=-1)`` (named ``logcosh``)."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


def _cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """The cosine of the angle between ``y_true`` and ``y_pred`` along ``axis`` (1: aligned)."""
    return K.negative(losses.cosine_similarity(y_true, y_pred, axis=axis))


class CosineSimilarity(BuiltinMeanMetric):
    """The running mean cosine similarity between targets and predictions along ``axis``.

    1 for predictions pointing the targets' way, 0 for orthogonal ones, -1
    for opposite ones. (The config keeps ``axis``, which Keras 3's leaves
    out, so that the metric comes back as it was.)

    >>> m = CosineSimilarity()
    >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    >>> round(float(m.result()), 4)
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(_cosine_similarity, name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Mean):
    """The square root of the running mean squared error.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> m.result()
    array(0.5, dtype=float32)
    """

    _direction = "down"

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's squared errors to the running mean."""
        y_true = K.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = K.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        squared_error = K.square(K.subtract(y_pred, y_true))
        super().update_state(squared_error, sample_weight=sample_weight)

    def result(self) -> Any:
        return K.sqrt(super().result())


_CLASS_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination: 1 minus the residual over the total sum of squares.

    ``R2 = 1 - sum((y_true - y_pred) ** 2) / sum((y_true - mean(y_true)) ** 2)``
    per output column, over every sample seen (weighted by
    ``sample_weight``): 1 for perfect predictions, 0 for predicting the
    mean, negative for worse. A column whose targets never vary gives 0
    (NaN if its predictions are exact too), as in Keras.

    >>> m = R2Score()
    >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    >>> round(float(m.result()), 4)
    0.5714

    Args:
        class_aggregation: how the per-column scores become one:
            ``"uniform_average"`` (the default, their mean),
            ``"variance_weighted_average"`` (weighted by each column's total
            sum of squares) or None (the vector of per-column scores).
        num_regressors: the number of independent variables of the model
            being scored; above 0 the result is the adjusted R2,
            ``1 - (1 - R2) * (n - 1) / (n - num_regressors - 1)`` over ``n``
            samples (the plain R2, with a warning, when ``n`` is too small).
        name: the metric's name (default ``r2_score``).
        dtype: dtype of the state and result.
    """

    _direction = "up"

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _CLASS_AGGREGATIONS:
            raise ValueError(
                f"R2Score: invalid class_aggregation: expected one of {list(_CLASS_AGGREGATIONS)}"
                f"; received class_aggregation={class_aggregation!r}."
            )
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int):
            raise ValueError(
                "R2Score: num_regressors must be an integer >= 0; "
                f"received num_regressors={num_regressors!r}."
            )
        if num_regressors < 0:
            raise ValueError(
                f"R2Score: num_regressors must be >= 0; received num_regressors={num_regressors}."
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), "zeros", dtype=self.dtype, name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        """Create the per-column sums once the number of output columns is known."""
        check_batch_by_columns("R2Score", y_true_shape, y_pred_shape)
        columns = (y_pred_shape[-1],)
        self.squared_sum = self.add_variable(columns, "zeros", dtype=self.dtype, name="squared_sum")
        self.sum = self.add_variable(columns, "zeros", dtype=self.dtype, name="sum")
        self.total_mse = self.add_variable(columns, "zeros", dtype=self.dtype, name="residual")
        self.count = self.add_variable(columns, "zeros", dtype=self.dtype, name="count")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add the batch's weighted sums of targets, squared targets and squared residuals.

        ``y_true`` and ``y_pred`` have shape ``(batch, output_dim)``;
        ``sample_weight`` is a scalar, a ``(batch,)`` vector of sample weights or
        an array of ``y_true``'s shape.
        """
        y_true = K.convert_to_tensor(y_true, dtype=self.dtype)
        y_pred = K.convert_to_tensor(y_pred, dtype=self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(K.int_shape(y_true), K.int_shape(y_pred))
        if K.int_shape(y_true) != K.int_shape(y_pred):
            raise ValueError(
                f"R2Score '{self.name}' needs y_true and y_pred of the same shape; received "
                f"y_true.shape={K.int_shape(y_true)}, y_pred.shape={K.int_shape(y_pred)}."
            )
        weights = K.convert_to_tensor(1.0 if sample_weight is None else sample_weight, self.dtype)
        if K.ndim(weights) == 1:
            weights = K.expand_dims(weights, 1)
        weights = broadcast_to(weights, K.int_shape(y_true))
        weighted_true = K.multiply(y_true, weights)
        residuals = K.multiply(K.square(K.subtract(y_true, y_pred)), weights)
        self.sum.assign_add(K.sum(weighted_true, axis=0))
        self.squared_sum.assign_add(K.sum(K.multiply(y_true, weighted_true), axis=0))
        self.total_mse.assign_add(K.sum(residuals, axis=0))
        self.count.assign_add(K.sum(weights, axis=0))
        weighted_rows = K.any(K.not_equal(weights, 0.0), axis=-1)
        self.num_samples.assign_add(K.sum(K.cast(weighted_rows, self.dtype)))

    def _raw_scores(self) -> tuple[Any, Any]:
        """The per-column R2 and total sums of squares (what the aggregations weigh)."""
        total_sum, count = snapshot(self.sum), snapshot(self.count)
        mean = K.divide(total_sum, K.where(K.equal(count, 0.0), 1.0, count))
        total = K.subtract(snapshot(self.squared_sum), K.multiply(total_sum, mean))
        residual = snapshot(self.total_mse)
        has_variance = K.not_equal(total, 0.0)
        ratio = K.divide(residual, K.where(has_variance, total, 1.0))
        # Without variance Keras's 1 - residual / 0 is -inf, which it turns into 0, or NaN
        # when the residual is 0 too.
        flat = K.where(K.equal(residual, 0.0), K.full((), float("nan"), self.dtype), 0.0)
        return K.where(has_variance, K.subtract(1.0, ratio), flat), total

    def result(self) -> Any:
        if not self._built:
            return K.zeros((), dtype=self.dtype)
        scores, total = self._raw_scores()
        if self.class_aggregation == "uniform_average":
            score = K.mean(scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = K.divide(K.sum(K.multiply(total, scores)), K.sum(total))
        else:
            score = scores
        return self._adjusted(K.cast(score, self.dtype))

    def _adjusted(self, score: Any) -> Any:
        """The adjusted R2 for ``num_regressors`` above 0, when enough samples allow it."""
        if self.num_regressors == 0:
            return score
        if is_tracing():
            return self._adjusted_traced(score)
        samples = float(self.num_samples.numpy())
        if self.num_regressors > samples - 1:
            warnings.warn(
                f"R2Score '{self.name}': more independent predictors ({self.num_regressors}) "
                f"than data points ({samples:g}) for the adjusted R2; returning the plain R2.",
                stacklevel=3,
            )
            return score
        if self.num_regressors == samples - 1:
            warnings.warn(
                f"R2Score '{self.name}': the adjusted R2 divides by zero with "
                f"{self.num_regressors} predictors and {samples:g} data points; returning the "
                "plain R2.",
                stacklevel=3,
            )
            return score
        scale = (samples - 1.0) / (samples - self.num_regressors - 1.0)
        return K.subtract(1.0, K.multiply(K.subtract(1.0, score), scale))

    def _adjusted_traced(self, score: Any) -> Any:
        """:meth:`_adjusted` with backend ops, for a step traced into one compiled program.

        The sample count is a placeholder there, so the fallback to the plain
        R2 (too few samples) is a ``where`` and says nothing; the eager
        result after the step still warns.
        """
        samples = K.cast(K.convert_to_tensor(self.num_samples), "float64")
        degrees = K.subtract(samples, float(self.num_regressors) + 1.0)
        usable = K.greater(degrees, 0.0)
        scale = K.divide(K.subtract(samples, 1.0), K.where(usable, degrees, 1.0))
        scale = K.cast(scale, K.dtype(score))
        adjusted = K.subtract(1.0, K.multiply(K.subtract(1.0, score), scale))
        return K.where(usable, adjusted, score)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
