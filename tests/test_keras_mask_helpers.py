"""``K.get_keras_mask`` / ``K.set_keras_mask``: the ``_keras_mask`` a tensor carries, as Keras 3."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.backend import masking


def test_a_symbolic_tensor_reports_the_mask_its_layer_computed():
    tokens = gk.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(tokens)
    mask = K.get_keras_mask(embedded)
    assert mask is embedded._keras_mask and mask.shape == (None, 5) and mask.dtype == "bool"
    assert K.get_keras_mask(tokens) is None


def test_setting_none_on_a_keras_tensor_clears_its_slot():
    tensor = gk.Input((2,))
    mask = gk.Input((2,), dtype="bool")
    K.set_keras_mask(tensor, mask)
    assert tensor._keras_mask is mask and K.get_keras_mask(tensor) is mask
    K.set_keras_mask(tensor, None)
    assert tensor._keras_mask is None and K.get_keras_mask(tensor) is None


def test_an_object_that_takes_attributes_gets_and_loses_the_attribute():
    class Holder:
        pass

    holder = Holder()
    K.set_keras_mask(holder, "mask")
    assert holder._keras_mask == "mask" and K.get_keras_mask(holder) == "mask"
    K.set_keras_mask(holder, None)
    assert not hasattr(holder, "_keras_mask") and K.get_keras_mask(holder) is None


def test_a_numpy_array_keeps_its_mask_beside_it_until_collected():
    array = np.ones((2, 3))
    mask = np.array([[True, False, True], [False, False, True]])
    K.set_keras_mask(array, mask)
    assert K.get_keras_mask(array) is mask
    assert K.get_keras_mask(np.ones((2, 3))) is None
    K.set_keras_mask(array, None)
    assert K.get_keras_mask(array) is None
    K.set_keras_mask(array, mask)
    key = id(array)
    del array
    gc.collect()
    assert key not in masking._masks_beside


def test_a_value_that_can_carry_no_mask_is_a_type_error():
    with pytest.raises(TypeError, match="set_keras_mask: a float can carry no mask"):
        K.set_keras_mask(1.5, np.array([True]))
