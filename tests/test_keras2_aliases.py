"""Keras 2 names that cost nothing to keep: ``_keras_shape``, ``utils.np_utils``, and the
``gk.utils`` entry points Keras 2 and 3 share."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers


def test_keras_shape_is_the_shape_and_read_only():
    tensor = layers.Dense(3)(gk.Input((5,)))
    assert tensor._keras_shape == (None, 3) and tensor._keras_shape is tensor.shape
    with pytest.raises(AttributeError):
        tensor._keras_shape = (1, 3)
    assert tensor.shape == (None, 3)


def test_np_utils_is_where_keras_2_code_finds_to_categorical():
    from graphkeras.utils.np_utils import normalize, to_categorical

    assert to_categorical is gk.utils.to_categorical and normalize is gk.utils.normalize
    assert to_categorical([1, 0], num_classes=3).tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]


def test_set_random_seed_and_plot_model_are_in_utils():
    gk.utils.set_random_seed(5)
    first = layers.Dense(2)(np.ones((1, 3), dtype="float32"))
    gk.utils.set_random_seed(5)
    second = layers.Dense(2)(np.ones((1, 3), dtype="float32"))
    np.testing.assert_array_equal(first, second)  # same seed, same draws: bit-equal
    assert callable(gk.utils.plot_model) and gk.utils.plot_model.__module__.startswith(
        "graphkeras.utils"
    )
