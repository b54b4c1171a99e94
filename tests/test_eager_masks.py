"""Masks carried by arrays between layers called eagerly, as Keras 3 carries them.

A layer called on arrays gives its outputs the mask ``compute_mask``
returns (``K.set_keras_mask``), and a later layer called on such an array
receives that mask when its caller passes none. NumPy arrays take no
attributes, so the mask is kept beside the array and read with
``K.get_keras_mask``, exactly as Keras 3 does on its NumPy and JAX
backends; outputs stay plain ``np.ndarray``.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

IDS = np.array([[3, 1, 0, 0], [2, 5, 7, 0], [4, 0, 0, 0]])


class MaskSeen(layers.Layer):
    """Passes its input on, remembering the mask its ``call`` received."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.seen = "never called"

    def call(self, inputs, mask=None):
        self.seen = mask
        return inputs * 1.0


def test_an_eager_embedding_output_carries_the_mask_of_its_ids_on_every_backend():
    embedded = layers.Embedding(10, 3, mask_zero=True)(IDS)
    np.testing.assert_array_equal(K.get_keras_mask(embedded), IDS != 0)
    assert K.get_keras_mask(embedded * 2.0) is None


# The attribute form is the NumPy backend's MaskedArray view; a jax.Array takes no attributes
# (its mask is kept beside it, read with K.get_keras_mask, as the test above checks).
@pytest.mark.parametrize("backend", ["numpy"], indirect=True)
def test_an_eager_embedding_output_carries_the_mask_of_its_ids():
    embedded = layers.Embedding(10, 3, mask_zero=True)(IDS)
    np.testing.assert_array_equal(K.get_keras_mask(embedded), IDS != 0)
    # As Keras 3 users read it: an attribute of the output (an ndarray view that carries it).
    assert isinstance(embedded, np.ndarray)
    np.testing.assert_array_equal(embedded._keras_mask, IDS != 0)
    # What is computed from it is a plain ndarray without a mask, as an op's result in Keras.
    derived = embedded * 2.0
    assert type(derived) is np.ndarray and K.get_keras_mask(derived) is None
    # Pickled, it is a plain array with the same numbers.
    restored = pickle.loads(pickle.dumps(embedded))
    assert type(restored) is np.ndarray
    np.testing.assert_array_equal(restored, np.asarray(embedded))


def test_eager_lstm_and_pooling_on_a_masked_embedding_match_the_functional_model():
    gk.utils.set_random_seed(0)
    embedding = layers.Embedding(10, 3, mask_zero=True)
    lstm, pooling = layers.LSTM(4), layers.GlobalAveragePooling1D()
    ids = gk.Input((4,), dtype="int32")
    embedded = embedding(ids)
    model = gk.Model(ids, [lstm(embedded), pooling(embedded)])
    functional_lstm, functional_pooling = model.predict(IDS, verbose=0)

    eager = embedding(IDS)
    np.testing.assert_allclose(lstm(eager), functional_lstm, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(pooling(eager), functional_pooling, rtol=1e-6, atol=1e-7)
    # The mask matters: the same numbers without it differ.
    unmasked = np.array(eager)
    assert K.get_keras_mask(unmasked) is None
    assert not np.allclose(pooling(unmasked), functional_pooling, atol=1e-3)


def test_a_layer_that_supports_masking_passes_the_mask_on_and_others_drop_it():
    embedded = layers.Embedding(10, 3, mask_zero=True)(IDS)
    passed = layers.Activation("relu")(embedded)
    np.testing.assert_array_equal(K.get_keras_mask(passed), IDS != 0)
    flat = layers.Flatten()(embedded)
    assert K.get_keras_mask(flat) is None


def test_an_explicit_mask_wins_and_is_passed_on():
    recorder = MaskSeen()
    embedded = layers.Embedding(10, 3, mask_zero=True)(IDS)
    mine = np.ones(IDS.shape, dtype=bool)
    output = recorder(embedded, mask=mine)
    assert recorder.seen is mine and K.get_keras_mask(output) is mine


def test_the_mask_survives_the_cast_to_the_layers_dtype():
    values = np.ones((2, 3, 2), dtype="float64")
    mask = np.array([[True, True, False], [True, False, False]])
    K.set_keras_mask(values, mask)
    recorder = MaskSeen(dtype="float16")
    output = recorder(values)
    assert output.dtype == np.float16
    assert recorder.seen is mask and K.get_keras_mask(output) is mask


def test_a_mask_the_call_clears_from_its_input_still_reaches_the_output():
    class ClearsMask(MaskSeen):
        def call(self, inputs, mask=None):
            K.set_keras_mask(inputs, None)
            return super().call(inputs, mask)

    values, mask = np.ones((2, 3, 1), "float32"), np.array([[True, False, False]] * 2)
    K.set_keras_mask(values, mask)
    assert K.get_keras_mask(ClearsMask()(values)) is mask


def test_a_list_of_masked_inputs_brings_a_list_of_masks():
    first, second = np.ones((2, 3, 1), "float32"), np.zeros((2, 3, 1), "float32")
    first_mask = np.array([[True, False, True]] * 2)
    K.set_keras_mask(first, first_mask)

    class FirstOfTwo(MaskSeen):
        def call(self, inputs, mask=None):
            self.seen = mask
            return inputs[0] * 1.0

    recorder = FirstOfTwo()
    recorder([first, second])
    assert recorder.seen[0] is first_mask and recorder.seen[1] is None


def test_an_argument_brings_its_mask_to_the_matching_mask_parameter():
    class Pair(layers.Layer):
        def call(self, query, value, query_mask=None, value_mask=None):
            self.seen = (query_mask, value_mask)
            return query + value

    query, value = np.ones((1, 2, 1), "float32"), np.ones((1, 2, 1), "float32")
    value_mask = np.array([[True, False]])
    K.set_keras_mask(value, value_mask)
    layer = Pair()
    layer(query, value)
    assert layer.seen == (None, value_mask)


def test_a_functional_model_called_eagerly_gives_its_outputs_their_masks():
    ids = gk.Input((4,), dtype="int32")
    model = gk.Model(ids, layers.Embedding(10, 3, mask_zero=True)(ids))
    np.testing.assert_array_equal(K.get_keras_mask(model(IDS)), IDS != 0)


def test_a_subclassed_model_masks_between_its_layers_as_the_functional_one_does():
    class Encoder(gk.Model):
        def __init__(self):
            super().__init__()
            self.embedding = layers.Embedding(10, 3, mask_zero=True)
            self.pooling = layers.GlobalAveragePooling1D()

        def call(self, inputs):
            return self.pooling(self.embedding(inputs))

    encoder = Encoder()
    encoded = encoder(IDS)
    table = encoder.embedding.get_weights()[0]
    lengths = (IDS != 0).sum(axis=1, keepdims=True)
    expected = (table[IDS] * (IDS != 0)[..., None]).sum(axis=1) / lengths
    np.testing.assert_allclose(encoded, expected, rtol=1e-6)


@pytest.mark.parametrize("mask_zero", [False, True])
def test_no_mask_is_attached_where_none_was_computed(mask_zero):
    embedded = layers.Embedding(10, 3, mask_zero=mask_zero)(IDS)
    assert (K.get_keras_mask(embedded) is not None) == mask_zero
    assert K.get_keras_mask(layers.Dense(2)(np.ones((2, 3), "float32"))) is None
