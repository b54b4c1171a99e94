"""Losses: how far a model's predictions are from the targets, as one number to minimise.

Each loss comes in two forms, as in Keras 3:

- a function, ``mean_squared_error(y_true, y_pred)``, which returns one loss
  per sample (the last axis averaged or summed away);
- a :class:`Loss` object, ``MeanSquaredError()``, which calls that function
  and then weights and reduces the per-sample losses to the single scalar an
  optimizer minimises (see :mod:`graphkeras.losses.loss` for the reductions).

Every computation on ``y_pred`` goes through the backend (``K.subtract``,
``K.log_softmax``, ...), never through Python operators or numpy, because
``K.GradientTape`` only sees backend ops: a plain ``a - b`` on a prediction
would silently cut the gradient the model trains on.

The losses come in families, one module each: ``regression`` (squared,
absolute, percentage, logarithmic errors, cosine similarity, Huber,
log-cosh), ``probabilistic`` (cross-entropies and their focal variants,
KL divergence, Poisson, generalized cross-entropy), ``hinge``,
``segmentation`` (Dice, Tversky), ``similarity`` (Circle) and ``sequence`` (CTC). This module
gathers their names; ``get`` turns what ``compile(loss=...)`` receives into a loss.

>>> MeanSquaredError()(K.convert_to_tensor([1.0, 0.0, 1.0]), K.convert_to_tensor([0.9, 0.1, 0.8]))
array(0.02, dtype=float32)
>>> get("mape") is mean_absolute_percentage_error
True
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from graphkeras.losses.loss import (
    BuiltinLoss,
    Loss,
    LossFunctionWrapper,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
)
from graphkeras.losses.probabilistic import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from graphkeras.losses.registry import ALL_LOSSES, deserialize, get, serialize
from graphkeras.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from graphkeras.losses.segmentation import Dice, Tversky, dice, tversky
from graphkeras.losses.sequence import CTC, ctc
from graphkeras.losses.similarity import Circle, circle
from graphkeras.utils.keras_object_form import register_keras_module

_CLASSES = (
    Loss,
    LossFunctionWrapper,
    # Regression
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    Huber,
    LogCosh,
    # Probabilistic
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Poisson,
    CategoricalGeneralizedCrossEntropy,
    # Hinge
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    # Segmentation and similarity
    Dice,
    Tversky,
    Circle,
    # Sequence
    CTC,
)
_FUNCTIONS = (
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    huber,
    log_cosh,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    kl_divergence,
    poisson,
    categorical_generalized_cross_entropy,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
    circle,
    ctc,
)
# The class names, the function names (which are also most classes'
# snake_case names) and Keras 3's short aliases; "logcosh" is Keras 2's
# spelling of log_cosh, kept so older code still resolves.
ALL_LOSSES.update(
    {
        **{cls.__name__: cls for cls in _CLASSES},
        **{function.__name__: function for function in _FUNCTIONS},
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
        "logcosh": log_cosh,
    }
)
register_keras_module("keras.losses", ALL_LOSSES)

__all__ = [
    "ALL_LOSSES",
    "CTC",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "BuiltinLoss",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "Circle",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "categorical_hinge",
    "circle",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "reduce_weighted_values",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "squeeze_or_expand_to_same_rank",
    "tversky",
]
