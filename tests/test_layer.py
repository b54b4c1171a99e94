"""Layer (API.md section 4): construction, building, calling, weights, views, masks, config."""

from __future__ import annotations

import math

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine import InputSpec

# ------------------------------------------------------------ helper layers


class MyDenseLayer(gk.layers.Layer):
    """The seeds' example, verbatim but for ``K.dot``."""

    def __init__(self, nodes):
        super().__init__()
        self.num_outputs = nodes

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), self.num_outputs])

    def call(self, inputs):
        return K.dot(inputs, self.kernel)


class Doubler(layers.Layer):
    """Writes only ``build`` and ``call``: concatenates the input with itself on axis 1."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.build_calls = []

    def build(self, input_shape):
        self.build_calls.append(input_shape)
        self.scale = self.add_weight("scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return K.multiply(K.concatenate([inputs, inputs], axis=1), self.scale)


class Recorder(layers.Layer):
    """Identity that records the ``training`` and ``mask`` values its call received."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, inputs, training=None, mask=None):
        self.seen.append({"training": training, "mask": mask})
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape


class NonZeroMask(layers.Layer):
    """Identity whose mask marks the timesteps with any non-zero feature."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0), axis=-1)


class PassThrough(layers.Layer):
    """Doubles its input; masks pass through unchanged."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return K.multiply(inputs, 2.0)


class Plain(layers.Layer):
    """Doubles its input; says nothing about masks, so it drops them."""

    def call(self, inputs):
        return K.multiply(inputs, 2.0)


class Block(layers.Layer):
    """A composite layer: Dense then Dropout, with a ``call`` that takes no ``training``."""

    def __init__(self, units=4, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.rate = rate
        self.dense = layers.Dense(units, kernel_initializer="ones")
        self.dropout = layers.Dropout(rate)

    def build(self, input_shape):
        self.dense.build(input_shape)

    def call(self, inputs):
        return self.dropout(self.dense(inputs))

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


class Counter(layers.Layer):
    """A stateful layer: counts the samples it has seen until ``reset_states``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stateful = True

    def build(self, input_shape):
        self.count = self.add_weight("count", shape=(), initializer="zeros", trainable=False)

    def call(self, inputs):
        self.count.assign(self.count.numpy() + K.int_shape(inputs)[0])
        return inputs

    def reset_states(self):
        self.count.assign(0.0)


def ones(*shape):
    return np.ones(shape, dtype="float32")


def arange(*shape):
    return np.arange(math.prod(shape), dtype="float32").reshape(shape)


# ---------------------------------------------------------------- keywords


def test_name_keyword_sets_name():
    assert layers.Dense(2, name="head").name == "head"


def test_trainable_keyword_false_freezes_layer():
    dense = layers.Dense(2, trainable=False)
    dense(gk.Input(shape=(3,)))
    assert dense.trainable is False
    assert dense.trainable_weights == []
    assert [w.name for w in dense.non_trainable_weights] == ["kernel", "bias"]


def test_dtype_keyword_sets_weight_and_output_dtype():
    dense = layers.Dense(2, dtype="float64")
    out = dense(ones(1, 3))
    assert dense.dtype == "float64"
    assert dense.kernel.dtype == "float64"
    assert out.dtype == np.float64
    assert dense(gk.Input(shape=(3,))).dtype == "float64"


def test_input_shape_keyword_builds_sequential_at_once():
    model = gk.Sequential([layers.Dense(2, input_shape=(3,))])
    assert model.inputs[0].shape == (None, 3)
    assert model.outputs[0].shape == (None, 2)


def test_batch_size_keyword_fixes_batch_dim_of_input_shape():
    model = gk.Sequential([layers.Dense(2, input_shape=(3,), batch_size=8)])
    assert model.inputs[0].shape == (8, 3)


def test_batch_input_shape_keyword_is_taken_whole():
    model = gk.Sequential([layers.Dense(2, batch_input_shape=(4, 6))])
    assert model.inputs[0].shape == (4, 6)


def test_input_dim_keyword_on_dense():
    model = gk.Sequential([layers.Dense(2, input_dim=5)])
    assert model.inputs[0].shape == (None, 5)


def test_first_layer_keywords_appear_in_config_as_batch_input_shape():
    assert layers.Dense(2, input_shape=(3,)).get_config()["batch_input_shape"] == [None, 3]
    assert layers.Dense(2, input_dim=5).get_config()["batch_input_shape"] == [None, 5]
    assert "batch_input_shape" not in layers.Dense(2).get_config()


# ------------------------------------------------------------------- names


def test_automatic_names_count_up_per_class():
    names = [layers.Dense(2).name for _ in range(3)]
    assert names == ["dense", "dense_1", "dense_2"]
    assert layers.Dropout(0.1).name == "dropout"


def test_automatic_names_are_snake_case_of_class():
    assert MyDenseLayer(3).name == "my_dense_layer"
    assert MyDenseLayer(3).name == "my_dense_layer_1"
    assert layers.RepeatVector(2).name == "repeat_vector"


def test_clear_session_resets_automatic_names():
    layers.Dense(2)
    layers.Dense(2)
    K.clear_session()
    assert layers.Dense(2).name == "dense"


def test_explicit_names_do_not_consume_counter():
    layers.Dense(2, name="custom")
    assert layers.Dense(2).name == "dense"


# ---------------------------------------------------------- seeds' example


def test_seed_example_layer_works_symbolically():
    layer = MyDenseLayer(10)
    x = gk.Input(shape=(5,))
    y = layer(x)
    assert y.shape == (None, 10)
    assert [w.name for w in layer.weights] == ["kernel"]
    assert layer.kernel.shape == (5, 10)
    model = gk.Model(x, y)
    data = arange(3, 5)
    np.testing.assert_allclose(model(data), data @ layer.kernel.numpy(), rtol=1e-5)


def test_seed_example_layer_works_eagerly():
    layer = MyDenseLayer(10)
    data = arange(4, 5)
    out = layer(data)
    assert isinstance(out, np.ndarray)
    assert out.shape == (4, 10)
    np.testing.assert_allclose(out, data @ layer.get_weights()[0], rtol=1e-5)
    assert layer._inbound_nodes == []


def test_seed_example_layer_config_round_trips():
    layer = MyDenseLayer(10)
    assert layer.get_config()["nodes"] == 10
    clone = MyDenseLayer.from_config(layer.get_config())
    assert clone.num_outputs == 10


# ------------------------------------------------------------- lazy build


def test_layer_is_unbuilt_without_weights_until_first_call():
    dense = layers.Dense(4)
    assert dense.built is False
    assert dense.weights == []
    dense(gk.Input(shape=(3,)))
    assert dense.built is True
    assert [tuple(w.shape) for w in dense.weights] == [(3, 4), (4,)]


def test_build_runs_once_from_first_shapes():
    layer = Doubler()
    layer(gk.Input(shape=(2, 3)))
    layer(gk.Input(shape=(5, 3)))
    layer(ones(1, 4, 3))
    assert layer.build_calls == [(None, 2, 3)]


def test_later_calls_reuse_the_same_weights():
    dense = layers.Dense(4)
    dense(gk.Input(shape=(3,)))
    kernel = dense.kernel
    dense(gk.Input(shape=(3,)))
    dense(ones(2, 3))
    assert dense.kernel is kernel
    assert len(dense.weights) == 2


def test_eager_call_builds_too():
    dense = layers.Dense(4)
    dense(ones(2, 7))
    assert dense.built is True
    assert dense.kernel.shape == (7, 4)


# --------------------------------------------------------------- eager call


def test_eager_call_returns_arrays_with_values():
    dense = layers.Dense(2, kernel_initializer="ones", bias_initializer="ones")
    out = dense(arange(2, 3))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, [[4.0, 4.0], [13.0, 13.0]])


def test_eager_call_records_no_node():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    dense(x)
    dense(ones(2, 3))
    assert len(dense._inbound_nodes) == 1
    assert len(x._keras_history.layer._outbound_nodes) == 1


def test_eager_call_on_list_returns_array():
    out = layers.add([ones(2, 3), arange(2, 3)])
    np.testing.assert_allclose(out, arange(2, 3) + 1.0)


def test_eager_call_casts_float_inputs_to_layer_dtype():
    out = layers.Dense(2)(np.ones((1, 3), "float64"))
    assert out.dtype == np.float32


def test_symbolic_call_returns_keras_tensor_and_one_node():
    dense = layers.Dense(2)
    y = dense(gk.Input(shape=(3,)))
    assert K.is_keras_tensor(y)
    assert len(dense._inbound_nodes) == 1


# ----------------------------------------------------- training and mask


def test_training_keyword_reaches_call_eagerly():
    layer = Recorder()
    layer(ones(1, 3), training=True)
    assert layer.seen[-1]["training"] is True


def test_training_is_not_passed_to_call_that_does_not_take_it():
    layer = Plain()
    out = layer(ones(1, 3), training=True)
    np.testing.assert_allclose(out, [[2.0, 2.0, 2.0]])


def test_model_training_value_reaches_call():
    x = gk.Input(shape=(3,))
    layer = Recorder()
    model = gk.Model(x, layer(x))
    model(ones(1, 3), training=True)
    assert layer.seen[-1]["training"] is True
    model(ones(1, 3), training=False)
    assert layer.seen[-1]["training"] is False


def test_explicit_mask_reaches_call_eagerly():
    layer = Recorder()
    mask = np.array([[True, False]])
    layer(ones(1, 2, 3), mask=mask)
    np.testing.assert_array_equal(layer.seen[-1]["mask"], mask)


def test_mask_is_taken_from_inbound_tensors_when_model_runs():
    x = gk.Input(shape=(3, 2))
    recorder = Recorder()
    model = gk.Model(x, recorder(NonZeroMask()(x)))
    data = np.array([[[1, 2], [0, 0], [3, 0]]], "float32")
    model(data)
    np.testing.assert_array_equal(recorder.seen[-1]["mask"], [[True, False, True]])


def test_explicit_symbolic_mask_is_recorded_and_used():
    x = gk.Input(shape=(3, 2))
    masked = NonZeroMask()(x)
    recorder = Recorder()
    y = recorder(x, mask=masked._keras_mask)
    model = gk.Model(x, y)
    data = np.array([[[1, 2], [0, 0], [3, 0]]], "float32")
    np.testing.assert_allclose(model(data), data)
    np.testing.assert_array_equal(recorder.seen[-1]["mask"], [[True, False, True]])


def test_no_mask_is_passed_when_inbound_tensors_have_none():
    x = gk.Input(shape=(3,))
    recorder = Recorder()
    model = gk.Model(x, recorder(x))
    model(ones(1, 3))
    assert recorder.seen[-1]["mask"] is None


# ---------------------------------------------------------- shape inference


def test_shape_inference_runs_call_for_layer_with_only_build_and_call():
    y = Doubler()(gk.Input(shape=(4, 3)))
    assert y.shape == (None, 8, 3)
    assert y.dtype == "float32"


def test_shape_inference_marks_dims_depending_on_unknown_dims_as_none():
    assert Doubler()(gk.Input(shape=(None, 3))).shape == (None, None, 3)


def test_shape_inference_keeps_known_batch_dim():
    assert Doubler()(gk.Input(batch_shape=(5, 4, 3))).shape == (5, 8, 3)


def test_shape_inference_does_not_change_weights_or_record_extra_nodes():
    layer = Doubler()
    layer(gk.Input(shape=(2, 3)))
    assert [tuple(w.shape) for w in layer.weights] == [(3,)]
    np.testing.assert_allclose(layer.weights[0].numpy(), [1.0, 1.0, 1.0])
    assert len(layer._inbound_nodes) == 1


def test_shape_inference_leaves_variable_values_unchanged():
    counter = Counter()
    y = counter(gk.Input(shape=(None, 2)))
    assert y.shape == (None, None, 2)
    assert float(counter.count.numpy()) == 0.0
    counter(ones(3, 2))
    assert float(counter.count.numpy()) == 3.0


def test_shape_inference_reads_output_dtype_from_call():
    class ToInt(layers.Layer):
        def call(self, inputs):
            return K.cast(inputs, "int32")

    assert ToInt()(gk.Input(shape=(3,))).dtype == "int32"


def test_inferred_layer_runs_in_model_like_numpy():
    x = gk.Input(shape=(2, 3))
    model = gk.Model(x, Doubler()(x))
    data = arange(2, 2, 3)
    np.testing.assert_allclose(model(data), np.concatenate([data, data], axis=1))


def test_compute_output_shape_is_used_when_defined():
    class Declared(layers.Layer):
        calls = 0

        def call(self, inputs):
            Declared.calls += 1
            return inputs[:, :1]

        def compute_output_shape(self, input_shape):
            return (input_shape[0], 1)

    assert Declared()(gk.Input(shape=(3,))).shape == (None, 1)
    assert Declared.calls == 0


def test_default_compute_output_shape_probes_call():
    assert Doubler().compute_output_shape((None, 4, 3)) == (None, 8, 3)


def test_dense_compute_output_shape():
    assert layers.Dense(5).compute_output_shape((None, 7, 3)) == (None, 7, 5)


# ---------------------------------------------------------------- add_weight


def test_add_weight_takes_name_first_and_shape_keyword():
    layer = layers.Layer()
    variable = layer.add_weight("kernel", shape=(2, 3))
    assert variable.name == "kernel"
    assert tuple(variable.shape) == (2, 3)
    assert layer.weights == [variable]


def test_add_weight_takes_shape_first():
    layer = layers.Layer()
    variable = layer.add_weight((4,))
    assert tuple(variable.shape) == (4,)
    assert isinstance(variable.name, str) and variable.name


def test_add_weight_shape_first_takes_initializer_second():
    variable = layers.Layer().add_weight((3,), "ones")
    np.testing.assert_allclose(variable.numpy(), [1.0, 1.0, 1.0])


def test_add_weight_keyword_form():
    variable = layers.Layer().add_weight(name="bias", shape=[5], initializer="zeros")
    assert variable.name == "bias"
    np.testing.assert_allclose(variable.numpy(), np.zeros(5))


def test_add_weight_default_initializer_is_glorot_uniform_for_floats():
    variable = layers.Layer().add_weight("kernel", shape=(200, 300))
    values = variable.numpy()
    limit = math.sqrt(6.0 / (200 + 300))
    assert np.abs(values).max() <= limit
    assert np.abs(values).max() > 0.95 * limit
    assert abs(values.std() - limit / math.sqrt(3.0)) < 0.05 * limit
    assert abs(values.mean()) < 0.01


def test_add_weight_default_initializer_is_zeros_for_ints():
    variable = layers.Layer().add_weight("steps", shape=(3,), dtype="int32")
    assert variable.dtype == "int32"
    np.testing.assert_array_equal(variable.numpy(), [0, 0, 0])


def test_add_weight_dtype_defaults_to_layer_dtype():
    variable = layers.Layer(dtype="float64").add_weight("w", shape=(2,))
    assert variable.dtype == "float64"


def test_add_weight_scalar_shape():
    variable = layers.Layer().add_weight("s", shape=(), initializer="ones")
    assert tuple(variable.shape) == ()
    assert float(variable.numpy()) == 1.0


def test_add_weight_non_trainable_goes_to_non_trainable_weights():
    layer = layers.Layer()
    kernel = layer.add_weight("kernel", shape=(2,))
    moving = layer.add_weight("moving", shape=(2,), trainable=False)
    assert moving.trainable is False
    assert layer.trainable_weights == [kernel]
    assert layer.non_trainable_weights == [moving]


def test_add_weight_regularizer_adds_loss():
    layer = layers.Layer()
    layer.add_weight("w", shape=(2,), initializer="ones", regularizer=gk.regularizers.L2(0.5))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(layer.losses[0], 1.0)


def test_add_weight_keeps_constraint():
    constraint = gk.constraints.NonNeg()
    variable = layers.Layer().add_weight("w", shape=(2,), constraint=constraint)
    assert variable.constraint is constraint


# ------------------------------------------------------------------ weights


def test_weights_list_trainable_then_non_trainable():
    layer = layers.Layer()
    frozen = layer.add_weight("frozen", shape=(1,), trainable=False)
    kernel = layer.add_weight("kernel", shape=(2,))
    assert layer.weights == [kernel, frozen]


def test_weights_include_sublayer_weights_after_own():
    block = Block(units=3)
    block(ones(1, 2))
    assert [w.name for w in block.weights] == ["kernel", "bias"]
    assert block.weights[0] is block.dense.kernel
    assert len(block.trainable_weights) == 2


def test_get_weights_returns_numpy_copies():
    dense = layers.Dense(2, kernel_initializer="ones")
    dense(ones(1, 3))
    kernel, bias = dense.get_weights()
    assert isinstance(kernel, np.ndarray)
    kernel[...] = 7.0
    np.testing.assert_allclose(dense.get_weights()[0], np.ones((3, 2)))
    np.testing.assert_allclose(bias, [0.0, 0.0])


def test_set_weights_assigns_values_in_weights_order():
    dense = layers.Dense(2)
    dense(ones(1, 3))
    dense.set_weights([arange(3, 2), np.array([1.0, -1.0], "float32")])
    np.testing.assert_allclose(dense.kernel.numpy(), arange(3, 2))
    np.testing.assert_allclose(dense(ones(1, 3)), [[7.0, 8.0]])


def test_count_params_counts_scalars():
    dense = layers.Dense(4)
    dense(gk.Input(shape=(3,)))
    assert dense.count_params() == 16


def test_count_params_includes_sublayers():
    block = Block(units=4)
    block(ones(1, 3))
    assert block.count_params() == 16


# ------------------------------------------------------------- node views


def test_single_node_input_and_output():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    y = dense(x)
    assert dense.input is x
    assert dense.output is y


def test_single_node_shapes():
    dense = layers.Dense(2)
    dense(gk.Input(shape=(3,)))
    assert dense.input_shape == (None, 3)
    assert dense.output_shape == (None, 2)


def test_single_node_masks_are_none_without_masking():
    dense = layers.Dense(2)
    dense(gk.Input(shape=(3,)))
    assert dense.input_mask is None
    assert dense.output_mask is None


def test_single_node_masks_with_masking():
    x = gk.Input(shape=(4, 2))
    masked = NonZeroMask()(x)
    passthrough = PassThrough()
    y = passthrough(masked)
    assert passthrough.input_mask is masked._keras_mask
    assert passthrough.output_mask is y._keras_mask
    assert passthrough.output_mask.shape == (None, 4)


def test_multi_input_layer_views_are_lists():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    concat = layers.Concatenate()
    y = concat([a, b])
    assert len(concat.input) == 2
    assert concat.input[0] is a and concat.input[1] is b
    assert concat.input_shape == [(None, 3), (None, 3)]
    assert concat.output is y
    assert concat.output_shape == (None, 6)


def test_get_at_accessors_read_each_node():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(5, 3))
    dense = layers.Dense(2)
    ya, yb = dense(a), dense(b)
    assert dense.get_input_at(0) is a
    assert dense.get_input_at(1) is b
    assert dense.get_output_at(0) is ya
    assert dense.get_output_at(1) is yb
    assert dense.get_input_shape_at(0) == (None, 3)
    assert dense.get_input_shape_at(1) == (None, 5, 3)
    assert dense.get_output_shape_at(0) == (None, 2)
    assert dense.get_output_shape_at(1) == (None, 5, 2)
    assert dense.get_input_mask_at(1) is None
    assert dense.get_output_mask_at(0) is None


def test_get_mask_at_reads_masks_of_each_node():
    x = gk.Input(shape=(4, 2))
    masked = NonZeroMask()(x)
    passthrough = PassThrough()
    passthrough(x)
    y = passthrough(masked)
    assert passthrough.get_input_mask_at(0) is None
    assert passthrough.get_output_mask_at(0) is None
    assert passthrough.get_input_mask_at(1) is masked._keras_mask
    assert passthrough.get_output_mask_at(1) is y._keras_mask


def test_shared_layer_shapes_are_defined_when_all_nodes_agree():
    dense = layers.Dense(2)
    dense(gk.Input(shape=(3,)))
    dense(gk.Input(shape=(3,)))
    assert dense.input_shape == (None, 3)
    assert dense.output_shape == (None, 2)


# --------------------------------------------------------------- input_spec


def test_input_spec_fields():
    spec = InputSpec(dtype="float32", shape=(None, 3), max_ndim=4, min_ndim=2, axes={-1: 3})
    assert spec.dtype == "float32"
    assert spec.shape == (None, 3)
    assert spec.ndim == 2
    assert spec.max_ndim == 4
    assert spec.min_ndim == 2
    assert spec.axes == {-1: 3}


def test_input_spec_positional_order_matches_keras():
    spec = InputSpec("float32", None, 3)
    assert (spec.dtype, spec.shape, spec.ndim) == ("float32", None, 3)


def test_dense_input_spec_pins_last_dim_after_build():
    dense = layers.Dense(2)
    assert dense.input_spec.min_ndim == 2
    dense(gk.Input(shape=(3,)))
    assert dense.input_spec.axes == {-1: 3}


def test_compatible_input_passes_input_spec():
    class Pinned(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = InputSpec(ndim=3, axes={-1: 2})

    layer = Pinned()
    assert layer(gk.Input(shape=(5, 2))).shape == (None, 5, 2)
    np.testing.assert_allclose(layer(ones(1, 4, 2)), ones(1, 4, 2))


# ------------------------------------------------------------------ masking


def test_base_layer_does_not_support_masking():
    assert layers.Layer().supports_masking is False
    assert Plain().supports_masking is False


def test_layer_defining_compute_mask_supports_masking():
    assert NonZeroMask().supports_masking is True


def test_supports_masking_is_settable():
    layer = Plain()
    layer.supports_masking = True
    assert layer.supports_masking is True


def test_supporting_layer_passes_mask_through():
    x = gk.Input(shape=(4, 2))
    masked = NonZeroMask()(x)
    assert PassThrough()(masked)._keras_mask is masked._keras_mask


def test_layer_with_compute_mask_computes_its_own():
    class FirstStepOnly(layers.Layer):
        def call(self, inputs):
            return inputs

        def compute_mask(self, inputs, mask=None):
            first = K.equal(K.arange(K.int_shape(inputs)[1]), 0)
            return first if mask is None else K.logical_and(mask, first)

    x = gk.Input(shape=(3, 2))
    masked = NonZeroMask()(x)
    y = FirstStepOnly()(masked)
    assert y._keras_mask is not masked._keras_mask
    assert y._keras_mask.shape == (None, 3)
    model = gk.Model(x, [masked, PassThrough()(y)])
    data = np.array([[[1, 1], [1, 0], [0, 0]]], "float32")
    incoming, own = model.compute_mask(data)
    np.testing.assert_array_equal(incoming, [[True, True, False]])
    np.testing.assert_array_equal(own, [[True, False, False]])


def test_other_layer_drops_mask():
    x = gk.Input(shape=(4, 2))
    assert Plain()(NonZeroMask()(x))._keras_mask is None


def test_masks_propagate_with_values_when_model_runs():
    x = gk.Input(shape=(3, 2))
    masked = NonZeroMask()(x)
    model = gk.Model(x, [PassThrough()(masked), Plain()(masked)])
    data = np.array([[[1, 0], [0, 0], [0, 5]]], "float32")
    kept, dropped = model.compute_mask(data)
    np.testing.assert_array_equal(kept, [[True, False, True]])
    assert dropped is None


def test_default_compute_mask_returns_mask_only_when_supported():
    mask = np.array([[True, False]])
    assert PassThrough().compute_mask(ones(1, 2, 1), mask) is mask
    assert Plain().compute_mask(ones(1, 2, 1), mask) is None


def test_compute_mask_on_masking_layer_returns_values():
    mask = NonZeroMask().compute_mask(np.array([[[0, 0], [1, 0]]], "float32"))
    np.testing.assert_array_equal(mask, [[False, True]])


# ---------------------------------------------------------------- losses


def test_add_loss_is_listed_in_losses():
    layer = layers.Layer()
    layer.add_loss(np.float32(2.5))
    layer.add_loss(lambda: np.float32(1.5))
    np.testing.assert_allclose(layer.losses, [2.5, 1.5])


def test_losses_include_sublayers_then_weight_penalties():
    class Holder(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = layers.Dense(
                4, kernel_initializer="ones", kernel_regularizer=gk.regularizers.L2(0.1)
            )

        def call(self, inputs):
            return self.inner(inputs)

    holder = Holder()
    holder(ones(1, 2))
    holder.add_loss(np.float32(5.0))
    holder.inner.add_loss(np.float32(3.0))
    np.testing.assert_allclose(holder.losses, [5.0, 3.0, 0.8], rtol=1e-6)
    np.testing.assert_allclose(holder.inner.losses, [3.0, 0.8], rtol=1e-6)


def test_get_losses_for_separates_conditional_losses():
    x = gk.Input(shape=(3,))
    layer = layers.Layer()
    layer.add_loss(np.float32(1.0))
    layer.add_loss(np.float32(2.0), inputs=x)
    np.testing.assert_allclose(layer.get_losses_for(None), [1.0])
    np.testing.assert_allclose(layer.get_losses_for(x), [2.0])
    assert layer.get_losses_for(gk.Input(shape=(3,))) == []


def test_activity_regularizer_adds_loss_on_eager_call():
    dense = layers.Dense(2, kernel_initializer="ones", activity_regularizer="l1")
    dense(ones(1, 3))
    np.testing.assert_allclose(dense.losses, [0.06], rtol=1e-5)


class SumPenalty(layers.Layer):
    """Adds ``sum(inputs)`` to the losses each time it is called."""

    def call(self, inputs):
        self.add_loss(K.sum(inputs))
        return inputs


def test_a_layer_called_twice_keeps_only_the_latest_calls_losses():
    # Keras 3: the outermost call clears what add_loss recorded before it.
    dense = layers.Dense(2, kernel_initializer="ones", activity_regularizer="l1")
    dense(ones(1, 3))
    dense(np.full((1, 3), 2.0, "float32"))
    np.testing.assert_allclose(dense.losses, [0.01 * 12.0], rtol=1e-6)


def test_a_model_called_twice_keeps_only_the_latest_calls_losses():
    x = gk.Input(shape=(2,))
    dense = layers.Dense(2, kernel_initializer="ones", activity_regularizer="l2")
    model = gk.Model(x, SumPenalty()(dense(x)))
    model(ones(1, 2))
    model(np.full((1, 2), 2.0, "float32"))
    # Dense gives [[4, 4]]: an l2 penalty of 0.01 * 32, and a sum of 8.
    np.testing.assert_allclose(model.losses, [0.32, 8.0], rtol=1e-6)
    np.testing.assert_allclose(model.layers[-1].losses, [8.0], rtol=1e-6)


def test_losses_after_predict_are_those_of_its_last_batch():
    x = gk.Input(shape=(1,))
    model = gk.Model(x, SumPenalty()(x))
    model.predict(np.array([[1.0], [2.0], [3.0]], "float32"), batch_size=2)
    np.testing.assert_allclose(model.losses, [3.0])


def test_a_sublayer_called_twice_inside_one_call_keeps_both_losses():
    class Twice(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = SumPenalty()

        def call(self, inputs):
            return self.inner(self.inner(inputs))

    twice = Twice()
    twice(ones(1, 2))
    twice(ones(1, 2))
    np.testing.assert_allclose(twice.losses, [2.0, 2.0])


def test_a_failed_call_does_not_stop_the_next_call_clearing_losses():
    class FailsOnNegatives(SumPenalty):
        def call(self, inputs):
            outputs = super().call(inputs)
            if float(K.convert_to_numpy(K.min(inputs))) < 0:
                raise ValueError("negative input")
            return outputs

    layer = FailsOnNegatives()
    with pytest.raises(ValueError, match="negative input"):
        layer(-ones(1, 2))
    layer(ones(1, 2))
    layer(ones(1, 2))
    np.testing.assert_allclose(layer.losses, [2.0])


# --------------------------------------------------------------- updates


def test_add_update_is_listed_in_updates():
    layer = layers.Layer()
    variable = layer.add_weight("v", shape=(1,), trainable=False)
    layer.add_update((variable, np.ones(1, "float32")))
    assert len(layer.updates) == 1
    assert layer.updates[0][0] is variable


def test_add_update_accepts_a_list():
    layer = layers.Layer()
    layer.add_update([lambda: None, lambda: None])
    assert len(layer.updates) == 2


def test_get_updates_for_separates_conditional_updates():
    x = gk.Input(shape=(3,))
    layer = layers.Layer()

    def always():
        return None

    def conditional():
        return None

    layer.add_update(always)
    layer.add_update(conditional, inputs=x)
    assert layer.get_updates_for(None) == [always]
    assert layer.get_updates_for(x) == [conditional]


def test_updates_include_sublayers():
    block = Block()

    def update():
        return None

    block.dense.add_update(update)
    assert block.updates == [update]


# ----------------------------------------------------------------- state


def test_layers_are_not_stateful_by_default():
    assert layers.Dense(2).stateful is False


def test_reset_states_resets_stateful_layer():
    counter = Counter()
    counter(ones(3, 2))
    counter(ones(2, 2))
    assert counter.stateful is True
    assert float(counter.count.numpy()) == 5.0
    counter.reset_states()
    assert float(counter.count.numpy()) == 0.0


def test_reset_states_reaches_layers_inside_a_model():
    x = gk.Input(shape=(2,))
    counter = Counter()
    model = gk.Model(x, layers.Dense(1)(counter(x)))
    model(ones(4, 2))
    assert float(counter.count.numpy()) == 4.0
    model.reset_states()
    assert float(counter.count.numpy()) == 0.0


# ---------------------------------------------------------------- config


def test_base_layer_config():
    layer = layers.Layer(name="base", trainable=False, dtype="float64")
    assert layer.get_config() == {"name": "base", "trainable": False, "dtype": "float64"}
    clone = layers.Layer.from_config(layer.get_config())
    assert (clone.name, clone.trainable, clone.dtype) == ("base", False, "float64")


def test_dense_config_round_trips_and_computes_the_same():
    dense = layers.Dense(3, activation="relu", use_bias=False, name="head")
    data = arange(2, 4) - 3.0
    expected = dense(data)
    config = dense.get_config()
    clone = layers.Dense.from_config(config)
    assert clone.get_config() == config
    clone(data)
    clone.set_weights(dense.get_weights())
    np.testing.assert_allclose(clone(data), expected, rtol=1e-6, atol=1e-7)


def test_config_round_trip_keeps_batch_input_shape():
    clone = layers.Dense.from_config(layers.Dense(2, input_shape=(3,)).get_config())
    assert gk.Sequential([clone]).inputs[0].shape == (None, 3)


def test_custom_layer_without_get_config_records_constructor_arguments():
    block = Block(units=5, rate=0.25, name="block")
    config = block.get_config()
    assert config["units"] == 5 and config["rate"] == 0.25 and config["name"] == "block"
    clone = Block.from_config(config)
    assert (clone.units, clone.rate, clone.name) == (5, 0.25, "block")


def test_layer_serialize_and_deserialize():
    config = layers.serialize(layers.Dropout(0.3, name="drop"))
    assert config["class_name"] == "Dropout"
    clone = layers.deserialize(config)
    assert isinstance(clone, layers.Dropout)
    assert (clone.rate, clone.name) == (0.3, "drop")


# ---------------------------------------------------------------- trainable


def test_trainable_setter_flips_variables():
    dense = layers.Dense(2)
    dense(ones(1, 3))
    dense.trainable = False
    assert [w.trainable for w in dense.weights] == [False, False]
    assert dense.trainable_weights == []
    assert len(dense.non_trainable_weights) == 2
    dense.trainable = True
    assert [w.trainable for w in dense.weights] == [True, True]
    assert len(dense.trainable_weights) == 2


def test_trainable_setter_keeps_non_trainable_variables_out_when_unfrozen():
    layer = Counter()
    layer.build((None, 2))
    kernel = layer.add_weight("kernel", shape=(2,))
    layer.trainable = False
    layer.trainable = True
    assert layer.trainable_weights == [kernel]
    assert [w.name for w in layer.non_trainable_weights] == ["count"]


def test_trainable_setter_reaches_sublayers_of_a_layer():
    block = Block()
    block(ones(1, 2))
    block.trainable = False
    assert block.dense.trainable is False
    assert block.dropout.trainable is False
    assert block.dense.kernel.trainable is False
    assert block.trainable_weights == []
    assert len(block.non_trainable_weights) == 2


def test_trainable_setter_reaches_layers_of_nested_model():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    inner = gk.Model(x, dense(x))
    outer_input = gk.Input(shape=(3,))
    outer = gk.Model(outer_input, layers.Dense(1)(inner(outer_input)))
    assert len(outer.trainable_weights) == 4
    inner.trainable = False
    assert dense.trainable is False
    assert dense.kernel.trainable is False
    assert len(outer.trainable_weights) == 2
    assert len(outer.non_trainable_weights) == 2
    outer.trainable = False
    assert outer.trainable_weights == []
    assert len(outer.non_trainable_weights) == 4


# ------------------------------------------------------------------ training


def dropout_pattern(values):
    """The set of distinct values of a dropout output on an all-ones input."""
    return set(np.unique(np.round(values, 5)).tolist())


def test_dropout_is_identity_unless_training():
    x = gk.Input(shape=(100,))
    model = gk.Model(x, layers.Dropout(0.5)(x))
    np.testing.assert_allclose(model(ones(4, 100)), ones(4, 100))
    assert dropout_pattern(model(ones(4, 100), training=True)) == {0.0, 2.0}


def test_training_recorded_at_definition_wins_over_model_call():
    gk.utils.set_random_seed(1)
    x = gk.Input(shape=(100,))
    model = gk.Model(x, layers.Dropout(0.5)(x, training=True))
    assert dropout_pattern(model(ones(4, 100))) == {0.0, 2.0}
    assert dropout_pattern(model(ones(4, 100), training=False)) == {0.0, 2.0}


def test_training_false_recorded_at_definition_wins_over_model_call():
    x = gk.Input(shape=(100,))
    model = gk.Model(x, layers.Dropout(0.5)(x, training=False))
    np.testing.assert_allclose(model(ones(4, 100), training=True), ones(4, 100))


def test_training_reaches_dropout_inside_composite_layer_in_a_model():
    gk.utils.set_random_seed(2)
    x = gk.Input(shape=(1,))
    model = gk.Model(x, Block(units=100)(x))
    np.testing.assert_allclose(model(ones(4, 1)), ones(4, 100))
    assert dropout_pattern(model(ones(4, 1), training=True)) == {0.0, 2.0}


def test_training_reaches_dropout_inside_composite_layer_called_eagerly():
    gk.utils.set_random_seed(3)
    block = Block(units=100)
    np.testing.assert_allclose(block(ones(4, 1)), ones(4, 100))
    assert dropout_pattern(block(ones(4, 1), training=True)) == {0.0, 2.0}


def test_training_reaches_dropout_inside_nested_model():
    gk.utils.set_random_seed(4)
    x = gk.Input(shape=(100,))
    inner = gk.Model(x, layers.Dropout(0.5)(x))
    outer_input = gk.Input(shape=(100,))
    outer = gk.Model(outer_input, inner(outer_input))
    np.testing.assert_allclose(outer(ones(2, 100)), ones(2, 100))
    assert dropout_pattern(outer(ones(2, 100), training=True)) == {0.0, 2.0}


class _NonZero(gk.layers.Layer):
    """Passes its input on with the mask ``any(x != 0, axis=-1)``."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0.0), axis=-1)


class _Pair(gk.layers.Layer):
    """Records the masks Keras 3 passes as ``<argument>_mask``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = []

    def call(self, query, value, query_mask=None, value_mask=None):
        self.seen.append((query_mask, value_mask))
        return K.add(query, value)


def test_each_tensor_argument_brings_its_mask_as_argument_mask():
    query, value = gk.Input(shape=(3, 2)), gk.Input(shape=(3, 2))
    pair = _Pair()
    model = gk.Model([query, value], pair(_NonZero()(query), _NonZero()(value)))
    a = np.array([[[1, 2], [0, 0], [3, 0]]], "float32")
    b = np.array([[[0, 0], [1, 1], [3, 0]]], "float32")
    model([a, b])
    query_mask, value_mask = pair.seen[-1]
    np.testing.assert_array_equal(query_mask, [[True, False, True]])
    np.testing.assert_array_equal(value_mask, [[False, True, True]])
