"""``stateless_call``: a model run on given variable values, on every installed backend."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def _dense_batch_norm_model():
    inputs = gk.Input((4,))
    hidden = layers.Dense(3, name="dense")(inputs)
    outputs = layers.BatchNormalization(name="norm")(hidden)
    return gk.Model(inputs, outputs)


def _values(variables) -> list:
    return [K.convert_to_numpy(variable.value).copy() for variable in variables]


def _batch(rows: int = 6) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(rows, 4)).astype("float32")


def test_stateless_call_with_the_models_values_gives_the_models_outputs(backend):
    model = _dense_batch_norm_model()
    x = _batch()
    outputs, _ = model.stateless_call(
        _values(model.trainable_variables), _values(model.non_trainable_variables), x
    )
    np.testing.assert_allclose(
        K.convert_to_numpy(outputs), K.convert_to_numpy(model(x)), rtol=0, atol=1e-6
    )


def test_stateless_call_uses_the_given_trainable_values(backend):
    model = _dense_batch_norm_model()
    x = _batch()
    kernel = np.arange(12, dtype="float32").reshape(4, 3) / 10
    trainable = _values(model.trainable_variables)
    trainable[0] = kernel
    outputs, _ = model.stateless_call(trainable, _values(model.non_trainable_variables), x)
    # Inference: dense then the normalisation with moving mean 0, variance 1, gamma 1, beta 0.
    expected = (x @ kernel) / np.sqrt(1.0 + 1e-3)
    np.testing.assert_allclose(K.convert_to_numpy(outputs), expected, rtol=1e-5, atol=1e-6)


def test_training_stateless_call_returns_updated_statistics_and_leaves_the_model_alone(backend):
    model = _dense_batch_norm_model()
    x = _batch()
    trainable_before = _values(model.trainable_variables)
    non_trainable_before = _values(model.non_trainable_variables)
    _, new_values = model.stateless_call(trainable_before, non_trainable_before, x, training=True)
    hidden = x @ trainable_before[0] + trainable_before[1]
    momentum = 0.99
    np.testing.assert_allclose(
        K.convert_to_numpy(new_values[0]), (1 - momentum) * hidden.mean(axis=0), atol=1e-6
    )
    np.testing.assert_allclose(
        K.convert_to_numpy(new_values[1]),
        momentum + (1 - momentum) * hidden.var(axis=0),
        atol=1e-5,
    )
    everything_before = [*trainable_before, *non_trainable_before]
    for variable, before in zip(model.weights, everything_before, strict=True):
        np.testing.assert_array_equal(K.convert_to_numpy(variable.value), before)


def test_stateless_call_leaves_the_callers_arrays_unchanged(backend):
    model = _dense_batch_norm_model()
    non_trainable = _values(model.non_trainable_variables)
    copies = [value.copy() for value in non_trainable]
    model.stateless_call(_values(model.trainable_variables), non_trainable, _batch(), training=True)
    for value, copy in zip(non_trainable, copies, strict=True):
        np.testing.assert_array_equal(value, copy)


def test_stateless_call_refuses_a_wrong_number_of_values(backend):
    model = _dense_batch_norm_model()
    with pytest.raises(ValueError, match=r"`trainable_values` must hold 4 arrays.*received 3"):
        model.stateless_call(
            _values(model.trainable_variables)[:3], _values(model.non_trainable_variables), _batch()
        )


def test_stateless_call_refuses_a_value_of_the_wrong_shape(backend):
    model = _dense_batch_norm_model()
    non_trainable = _values(model.non_trainable_variables)
    non_trainable[1] = np.ones((5,), dtype="float32")
    with pytest.raises(
        ValueError, match=r"`non_trainable_values\[1\]` is for variable 'moving_variance'"
    ):
        model.stateless_call(_values(model.trainable_variables), non_trainable, _batch())


def test_stateless_call_needs_a_built_layer(backend):
    with pytest.raises(ValueError, match="must be built first"):
        layers.Dense(2).stateless_call([], [], _batch())


def test_seed_generator_states_are_non_trainable_variables_on_jax_only(backend):
    inputs = gk.Input((4,))
    model = gk.Model(inputs, layers.Dropout(0.5, seed=3, name="drop")(layers.Dense(3)(inputs)))
    names = [variable.name for variable in model.non_trainable_variables]
    assert names == (["seed_generator_state"] if backend == "jax" else [])
    assert model.non_trainable_weights == []


def test_a_training_stateless_call_advances_the_dropout_state_it_returns(backend):
    if backend != "jax":
        pytest.skip("numpy keeps random state in numpy generators, not Variables")
    inputs = gk.Input((4,))
    model = gk.Model(inputs, layers.Dropout(0.5, seed=3)(inputs))
    state = model.non_trainable_variables[0]
    before = _values([state])
    x = np.ones((8, 4), dtype="float32")
    first, (after,) = model.stateless_call([], before, x, training=True)
    again, _ = model.stateless_call([], before, x, training=True)
    later, _ = model.stateless_call([], [after], x, training=True)
    np.testing.assert_array_equal(K.convert_to_numpy(state.value), before[0])
    assert not np.array_equal(K.convert_to_numpy(after), before[0])
    # The same state gives the same mask; the state it returned gives the next one.
    np.testing.assert_array_equal(K.convert_to_numpy(first), K.convert_to_numpy(again))
    assert not np.array_equal(K.convert_to_numpy(first), K.convert_to_numpy(later))
