"""TimeDistributed: one layer applied to every timestep, with one set of weights.

References are written by hand: a Dense applied per timestep is
``x[:, t] @ kernel + bias`` for each ``t``, computed here with numpy.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients
from layer_test_tools import MaskRecorder, run_op_by_op

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

X = np.arange(24, dtype="float32").reshape(2, 4, 3) / 10
KERNEL = np.array([[1.0, -1.0], [0.5, 2.0], [-0.25, 0.0]], dtype="float32")
BIAS = np.array([0.1, -0.2], dtype="float32")


def dense_per_step(**kwargs) -> layers.TimeDistributed:
    wrapper = layers.TimeDistributed(layers.Dense(2), **kwargs)
    wrapper.build((None, 4, 3))
    wrapper.set_weights([KERNEL, BIAS])
    return wrapper


class ShapeOnly(layers.Layer):
    """A layer whose shape is known without running it: ``call`` must never run."""

    def call(self, inputs):
        raise AssertionError("call ran during a symbolic call")

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 7)


# ------------------------------------------------------------------- shapes


def test_symbolic_output_keeps_batch_and_time_and_takes_the_inner_output_shape():
    outputs = layers.TimeDistributed(layers.Dense(5))(gk.Input((4, 3)))
    assert (outputs.shape, outputs.dtype) == ((None, 4, 5), "float32")


def test_eager_output_keeps_batch_and_time():
    assert layers.TimeDistributed(layers.Dense(5))(X).shape == (2, 4, 5)


def test_symbolic_call_uses_the_inner_output_shape_without_running_call():
    outputs = layers.TimeDistributed(ShapeOnly())(gk.Input((6, 2, 2), batch_size=3))
    assert outputs.shape == (3, 6, 7)


def test_compute_output_shape_of_higher_rank_inputs_drops_the_inner_axes():
    wrapper = layers.TimeDistributed(layers.Flatten())
    assert wrapper.compute_output_shape((None, 5, 2, 3)) == (None, 5, 6)


def test_unknown_time_axis_stays_unknown():
    outputs = layers.TimeDistributed(layers.Dense(2))(gk.Input((None, 3)))
    assert outputs.shape == (None, None, 2)


# ------------------------------------------------------------------- values


def test_dense_is_applied_to_each_timestep_with_the_same_weights():
    expected = np.stack([X[:, t] @ KERNEL + BIAS for t in range(4)], axis=1)
    np.testing.assert_allclose(dense_per_step()(X), expected, rtol=1e-6)


def test_flatten_flattens_each_timestep_separately():
    x = np.arange(2 * 3 * 2 * 2, dtype="float32").reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(layers.TimeDistributed(layers.Flatten())(x), x.reshape(2, 3, 4))


def test_model_runs_the_wrapped_layer_on_every_timestep():
    inputs = gk.Input((4, 3))
    wrapper = layers.TimeDistributed(layers.Dense(2))
    model = gk.Model(inputs, wrapper(inputs))
    wrapper.set_weights([KERNEL, BIAS])
    np.testing.assert_allclose(model(X), X @ KERNEL + BIAS, rtol=1e-6)


# ------------------------------------------------------------------ weights


def test_weights_are_the_wrapped_layers_in_its_order():
    wrapper = layers.TimeDistributed(layers.Dense(2))
    wrapper(gk.Input((4, 3)))
    assert [(w.name, w.shape) for w in wrapper.weights] == [("kernel", (3, 2)), ("bias", (2,))]
    assert wrapper.weights[0] is wrapper.layer.kernel


def test_building_builds_the_wrapped_layer_for_one_timestep():
    wrapper = layers.TimeDistributed(layers.Dense(2))
    wrapper.build((None, 4, 3))
    assert wrapper.layer.built and wrapper.layer.kernel.shape == (3, 2)


def test_freezing_the_wrapper_freezes_the_wrapped_layer():
    wrapper = dense_per_step()
    wrapper.trainable = False
    assert wrapper.trainable_weights == [] and not wrapper.layer.trainable


# ------------------------------------------------------------------ training


def test_dropout_is_the_identity_in_inference():
    np.testing.assert_array_equal(layers.TimeDistributed(layers.Dropout(0.5))(X), X)


def test_dropout_drops_and_rescales_while_training():
    ones = np.ones((4, 10, 50), dtype="float32")
    output = layers.TimeDistributed(layers.Dropout(0.5, seed=1))(ones, training=True)
    assert set(np.unique(output)) == {0.0, 2.0}
    assert 0.4 < (output == 0).mean() < 0.6


def test_dropout_follows_the_training_flag_of_the_model_call():
    inputs = gk.Input((10, 50))
    model = gk.Model(inputs, layers.TimeDistributed(layers.Dropout(0.5, seed=1))(inputs))
    ones = np.ones((4, 10, 50), dtype="float32")
    assert (model(ones, training=True) == 0).any()
    np.testing.assert_array_equal(model(ones, training=False), ones)


# --------------------------------------------------------------------- masks


def test_symbolic_mask_passes_through_unchanged():
    ids = gk.Input((4,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(ids)
    outputs = layers.TimeDistributed(layers.Dense(2))(embedded)
    assert outputs._keras_mask.shape == (None, 4)


def test_no_mask_in_gives_no_mask_out():
    assert layers.TimeDistributed(layers.Dense(2))(gk.Input((4, 3)))._keras_mask is None


def test_mask_reaches_the_next_layer_when_the_model_runs():
    ids = gk.Input((4,), dtype="int32")
    embedded = layers.Embedding(10, 3, mask_zero=True)(ids)
    recorder = MaskRecorder()
    model = gk.Model(ids, recorder(layers.TimeDistributed(layers.Dense(2))(embedded)))
    run_op_by_op(model, np.array([[1, 2, 0, 0], [3, 0, 4, 0]]))
    np.testing.assert_array_equal(
        recorder.seen[-1], [[True, True, False, False], [True, False, True, False]]
    )


def test_wrapped_layer_receives_the_mask_folded_like_the_inputs():
    recorder = MaskRecorder()
    mask = np.array([[True, False, True, True], [False, True, True, False]])
    layers.TimeDistributed(recorder)(X, mask=mask)
    np.testing.assert_array_equal(recorder.seen[-1], mask.reshape(8))


def test_mask_that_does_not_match_batch_and_time_is_refused():
    with pytest.raises(ValueError, match=r"TimeDistributed 'time_distributed'.*\(2, 4\).*\(2, 3\)"):
        layers.TimeDistributed(layers.Dense(2))(X, mask=np.ones((2, 3), dtype=bool))


# -------------------------------------------------------------------- config


def test_config_round_trip_rebuilds_the_wrapped_layer():
    wrapper = layers.TimeDistributed(layers.Dense(3, activation="relu"), name="per_step")
    config = wrapper.get_config()
    assert config["layer"]["class_name"] == "Dense"
    rebuilt = layers.TimeDistributed.from_config(config)
    assert rebuilt.get_config() == config
    assert isinstance(rebuilt.layer, layers.Dense) and rebuilt.layer.units == 3


def test_deserialize_finds_time_distributed_by_name():
    config = layers.serialize(layers.TimeDistributed(layers.Dense(3)))
    rebuilt = layers.deserialize(config)
    assert isinstance(rebuilt, layers.TimeDistributed)
    assert rebuilt.layer.get_config() == config["config"]["layer"]["config"]


def test_model_with_time_distributed_round_trips_through_its_config():
    inputs = gk.Input((4, 3))
    model = gk.Model(inputs, layers.TimeDistributed(layers.Dense(2))(inputs))
    model.set_weights([KERNEL, BIAS])
    rebuilt = gk.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt(X), model(X), rtol=1e-6)


# ----------------------------------------------------------------- gradients


def test_gradients_match_finite_differences_for_inputs_and_weights():
    wrapper = layers.TimeDistributed(layers.Dense(2, dtype="float64"), dtype="float64")
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    wrapper.build(x.shape)
    check_layer_gradients(wrapper, [x], wrapper.weights)


# ------------------------------------------------------------ bad arguments


@pytest.mark.parametrize("layer", [layers.Dense, "dense", None])
def test_a_wrapped_value_that_is_not_a_layer_instance_is_refused(layer):
    with pytest.raises(ValueError, match="TimeDistributed: layer must be a Layer instance"):
        layers.TimeDistributed(layer)


def test_inputs_of_rank_two_are_refused_naming_the_layer_and_the_shape():
    with pytest.raises(ValueError, match=r"TimeDistributed 'time_distributed'.*rank at least 3"):
        layers.TimeDistributed(layers.Dense(2))(gk.Input((3,)))


def test_a_refused_call_leaves_the_wrapper_unbuilt():
    wrapper = layers.TimeDistributed(layers.Dense(2))
    with pytest.raises(ValueError):
        wrapper(np.ones((2, 3), dtype="float32"))
    assert not wrapper.built and not wrapper.layer.built
    assert wrapper(X).shape == (2, 4, 2)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="units"):
        layers.TimeDistributed(layers.Dense(2), units=3)


def test_a_config_without_the_wrapped_layer_is_refused():
    with pytest.raises(ValueError, match="'layer' entry"):
        layers.TimeDistributed.from_config({"name": "per_step"})
