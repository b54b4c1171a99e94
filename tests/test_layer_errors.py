"""Layer errors (API.md sections 4 and 8): types, messages, and state left intact after each."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine import InputSpec


class NonZeroMask(layers.Layer):
    """Identity whose mask marks the timesteps with any non-zero feature."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0), axis=-1)


class FailsOnFive(layers.Layer):
    """Builds a kernel from the last dim, but its build refuses a last dim of 5."""

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=(input_shape[-1], 2), initializer="ones")
        if input_shape[-1] == 5:
            raise ValueError("FailsOnFive cannot build for 5 features")

    def call(self, inputs):
        return K.dot(inputs, self.kernel)


class CallFailsOnFive(layers.Layer):
    """Builds for any shape, but its call refuses a last dim of 5."""

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", shape=(input_shape[-1], 2), initializer="ones")

    def call(self, inputs):
        if K.int_shape(inputs)[-1] == 5:
            raise ValueError("CallFailsOnFive cannot compute 5 features")
        return K.dot(inputs, self.kernel)


def ones(*shape):
    return np.ones(shape, dtype="float32")


def small_model():
    """Input(3) -> Dense(4) -> Dense(2), with its data and first output."""
    gk.utils.set_random_seed(0)
    x = gk.Input(shape=(3,))
    hidden = layers.Dense(4, name="hidden")
    head = layers.Dense(2, name="head")
    model = gk.Model(x, head(hidden(x)))
    data = np.arange(6, dtype="float32").reshape(2, 3)
    return model, hidden, head, data


def node_counts(*layer_list):
    return [(len(layer._inbound_nodes), len(layer._outbound_nodes)) for layer in layer_list]


def assert_same_weights(before, after):
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new)


# ----------------------------------------------------------- constructor


def test_unknown_keyword_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="unknwon_option"):
        layers.Dense(2, unknwon_option=1)


def test_unknown_keyword_on_base_layer_raises_type_error_naming_it():
    with pytest.raises(TypeError, match="Layer.*'bogus'"):
        layers.Layer(bogus=True)


def test_unknown_keyword_through_subclass_kwargs_raises_type_error():
    class Custom(layers.Layer):
        def __init__(self, units=1, **kwargs):
            super().__init__(**kwargs)
            self.units = units

    with pytest.raises(TypeError, match="Custom.*'activation'"):
        Custom(units=2, activation="relu")


def test_invalid_name_raises_value_error():
    with pytest.raises(ValueError, match="a/b"):
        layers.Dense(2, name="a/b")


# ------------------------------------------------------------------ mixing


def test_mix_in_input_list_raises_value_error_naming_argument():
    x = gk.Input(shape=(3,))
    with pytest.raises(ValueError, match=r"concatenate.*inputs\[0\].*inputs\[1\] \(ndarray\)"):
        layers.concatenate([x, ones(1, 3)])


def test_mix_in_keyword_raises_value_error_naming_argument():
    x = gk.Input(shape=(3,))
    with pytest.raises(ValueError, match=r"'dense'.*extra \(ndarray\)"):
        layers.Dense(2)(x, extra=ones(3))


def test_keras_tensor_keyword_on_array_call_raises_value_error_naming_it():
    x = gk.Input(shape=(3,))
    with pytest.raises(ValueError, match=r"KerasTensors \(mask\).*inputs \(ndarray\)"):
        layers.Dense(2)(ones(1, 3), mask=x)


def test_failed_mix_builds_nothing_and_records_nothing():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    with pytest.raises(ValueError):
        layers.add([x, ones(1, 3)])
    with pytest.raises(ValueError):
        dense([x, ones(1, 3)])
    assert dense.built is False
    assert dense.weights == []
    assert node_counts(dense, x._keras_history.layer) == [(0, 0), (1, 0)]
    assert dense(x).shape == (None, 2)


def test_failed_mix_leaves_model_working():
    model, hidden, head, data = small_model()
    expected = model(data)
    weights = model.get_weights()
    counts = node_counts(hidden, head)
    with pytest.raises(ValueError):
        hidden([gk.Input(shape=(3,)), data])
    np.testing.assert_allclose(model(data), expected, rtol=1e-6, atol=1e-7)
    assert node_counts(hidden, head) == counts
    assert_same_weights(weights, model.get_weights())


# -------------------------------------------------------------- input_spec


def test_wrong_rank_raises_value_error_naming_layer_spec_and_shape():
    with pytest.raises(ValueError) as error:
        layers.RepeatVector(2, name="repeat")(gk.Input(shape=(3, 4)))
    message = str(error.value)
    assert "repeat" in message
    assert "expected ndim=2" in message
    assert "found ndim=3" in message
    assert "(None, 3, 4)" in message


def test_too_low_rank_raises_value_error_naming_min_ndim():
    with pytest.raises(ValueError, match=r"dense.*expected min_ndim=2, found ndim=1.*\(None,\)"):
        layers.Dense(2)(gk.Input(batch_shape=(None,)))


def test_wrong_last_dim_raises_value_error_naming_layer_spec_and_shape():
    dense = layers.Dense(2, name="head")
    dense(gk.Input(shape=(3,)))
    with pytest.raises(ValueError) as error:
        dense(gk.Input(shape=(4,)))
    message = str(error.value)
    assert '"head"' in message
    assert "axis -1" in message and "value 3" in message
    assert "(None, 4)" in message


def test_wrong_last_dim_on_eager_call_raises_value_error():
    dense = layers.Dense(2, name="head")
    dense(ones(1, 3))
    with pytest.raises(ValueError, match=r"head.*value 3.*\(2, 4\)"):
        dense(ones(2, 4))


def test_custom_input_spec_max_ndim_and_dtype_are_checked():
    class Strict(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = InputSpec(dtype="int32", max_ndim=2)

    with pytest.raises(ValueError, match=r"strict.*max_ndim=2, found ndim=3"):
        Strict()(gk.Input(shape=(2, 2), dtype="int32"))
    with pytest.raises(ValueError, match=r"strict.*dtype=int32, found dtype=float32"):
        Strict()(gk.Input(shape=(2,)))


def test_custom_input_spec_full_shape_is_checked():
    class Fixed(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = InputSpec(shape=(None, 4))

    with pytest.raises(ValueError, match=r"fixed.*shape=\(None, 4\).*\(None, 5\)"):
        Fixed()(gk.Input(shape=(5,)))


def test_input_spec_list_checks_number_of_inputs():
    class Pair(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = [InputSpec(ndim=2), InputSpec(ndim=2)]

    with pytest.raises(ValueError, match=r"pair.*expects 2 input\(s\).*received 3"):
        Pair()([gk.Input(shape=(2,)) for _ in range(3)])


def test_input_spec_failure_leaves_layer_and_model_working():
    model, hidden, head, data = small_model()
    expected = model(data)
    weights = model.get_weights()
    counts = node_counts(hidden, head)
    with pytest.raises(ValueError):
        hidden(gk.Input(shape=(5,)))
    with pytest.raises(ValueError):
        hidden(ones(2, 5))
    np.testing.assert_allclose(model(data), expected, rtol=1e-6, atol=1e-7)
    assert node_counts(hidden, head) == counts
    assert_same_weights(weights, model.get_weights())
    assert hidden(gk.Input(shape=(3,))).shape == (None, 4)


def test_model_call_with_wrong_shape_leaves_model_working():
    model, hidden, head, data = small_model()
    expected = model(data)
    with pytest.raises(ValueError, match=r"\(2, 5\)"):
        model(ones(2, 5))
    np.testing.assert_allclose(model(data), expected, rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------- set_weights


def test_set_weights_count_mismatch_raises_value_error_naming_layer():
    dense = layers.Dense(2, name="head")
    dense(ones(1, 3))
    with pytest.raises(ValueError, match=r"'head'.*2 weight.*received 1"):
        dense.set_weights([np.zeros((3, 2))])


def test_set_weights_shape_mismatch_names_layer_and_both_shapes():
    dense = layers.Dense(2, name="head")
    dense(ones(1, 3))
    with pytest.raises(ValueError) as error:
        dense.set_weights([np.zeros((4, 2)), np.zeros(2)])
    message = str(error.value)
    assert "'head'" in message
    assert "(3, 2)" in message
    assert "(4, 2)" in message


def test_set_weights_failure_leaves_every_weight_unchanged():
    dense = layers.Dense(2)
    dense(ones(1, 3))
    before = dense.get_weights()
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        dense.set_weights([np.full((3, 2), 9.0), np.zeros(3)])
    with pytest.raises(ValueError):
        dense.set_weights([np.full((3, 2), 9.0)])
    assert_same_weights(before, dense.get_weights())


def test_set_weights_failure_leaves_model_outputs_unchanged():
    model, hidden, head, data = small_model()
    expected = model(data)
    wrong = [np.zeros_like(w) for w in model.get_weights()]
    wrong[-1] = np.zeros(5, "float32")
    with pytest.raises(ValueError):
        model.set_weights(wrong)
    np.testing.assert_allclose(model(data), expected, rtol=1e-6, atol=1e-7)


def test_count_params_on_unbuilt_layer_raises_value_error_naming_layer():
    with pytest.raises(ValueError, match="'dense'.*not built"):
        layers.Dense(2).count_params()


def test_add_weight_with_unknown_dim_raises_value_error():
    with pytest.raises(ValueError, match=r"'layer'.*'kernel'.*\(None, 2\)"):
        layers.Layer().add_weight("kernel", shape=(None, 2))


# ------------------------------------------------------------ shared layers


def shared_dense():
    dense = layers.Dense(2, name="shared")
    dense(gk.Input(shape=(3,)))
    dense(gk.Input(shape=(5, 3)))
    return dense


@pytest.mark.parametrize(
    ("attribute", "accessor"),
    [
        ("input", "get_input_at"),
        ("output", "get_output_at"),
        ("input_mask", "get_input_mask_at"),
        ("output_mask", "get_output_mask_at"),
    ],
)
def test_shared_layer_single_node_views_are_ill_defined(attribute, accessor):
    dense = layers.Dense(2, name="shared")
    dense(gk.Input(shape=(3,)))
    dense(gk.Input(shape=(3,)))
    with pytest.raises(AttributeError) as error:
        getattr(dense, attribute)
    message = str(error.value)
    assert "'shared'" in message
    assert "ill-defined for a shared layer" in message
    assert f"{accessor}(node_index)" in message


def test_shared_layer_output_is_ill_defined():
    dense = shared_dense()
    with pytest.raises(AttributeError, match=r"ill-defined.*get_output_at\(node_index\)"):
        _ = dense.output


@pytest.mark.parametrize(
    ("attribute", "accessor"),
    [("input_shape", "get_input_shape_at"), ("output_shape", "get_output_shape_at")],
)
def test_shared_layer_shapes_are_ill_defined_when_they_differ(attribute, accessor):
    dense = shared_dense()
    with pytest.raises(AttributeError) as error:
        getattr(dense, attribute)
    message = str(error.value)
    assert "'shared'" in message
    assert "ill-defined for a shared layer" in message
    assert f"{accessor}(node_index)" in message


def test_shared_layer_raises_only_for_the_shape_that_differs():
    flatten = layers.Flatten(name="flat")
    flatten(gk.Input(shape=(6,)))
    flatten(gk.Input(shape=(2, 3)))
    assert flatten.output_shape == (None, 6)
    with pytest.raises(AttributeError, match="get_input_shape_at"):
        _ = flatten.input_shape


def test_shared_layer_with_equal_shapes_has_shapes():
    dense = layers.Dense(2)
    dense(gk.Input(shape=(3,)))
    dense(gk.Input(shape=(3,)))
    assert dense.input_shape == (None, 3)
    assert dense.output_shape == (None, 2)


@pytest.mark.parametrize(
    "accessor",
    [
        "get_input_at",
        "get_output_at",
        "get_input_shape_at",
        "get_output_shape_at",
        "get_input_mask_at",
        "get_output_mask_at",
    ],
)
def test_get_at_on_never_called_layer_raises_runtime_error(accessor):
    dense = layers.Dense(2, name="lonely")
    with pytest.raises(RuntimeError, match="'lonely'.*never been called"):
        getattr(dense, accessor)(0)


@pytest.mark.parametrize(
    "accessor",
    [
        "get_input_at",
        "get_output_at",
        "get_input_shape_at",
        "get_output_shape_at",
        "get_input_mask_at",
        "get_output_mask_at",
    ],
)
def test_get_at_out_of_range_raises_value_error_saying_node_count(accessor):
    dense = shared_dense()
    with pytest.raises(ValueError, match=r"node 2.*'shared'.*only 2 inbound node"):
        getattr(dense, accessor)(2)


@pytest.mark.parametrize(
    "attribute", ["input", "output", "input_shape", "output_shape", "input_mask", "output_mask"]
)
def test_single_node_views_of_never_called_layer_raise_attribute_error(attribute):
    dense = layers.Dense(2, name="lonely")
    with pytest.raises(AttributeError, match="'lonely'.*never been called"):
        getattr(dense, attribute)


def test_eager_calls_do_not_make_views_defined():
    dense = layers.Dense(2)
    dense(ones(1, 3))
    with pytest.raises(AttributeError):
        _ = dense.output
    with pytest.raises(RuntimeError):
        dense.get_output_at(0)


# ------------------------------------------------------ failing user layers


def test_failing_build_in_symbolic_call_leaves_layer_unbuilt():
    x = gk.Input(shape=(5,))
    layer = FailsOnFive()
    with pytest.raises(ValueError, match="cannot build for 5"):
        layer(x)
    assert layer.built is False
    assert layer.weights == []
    assert not hasattr(layer, "kernel")
    assert node_counts(layer, x._keras_history.layer) == [(0, 0), (1, 0)]


def test_layer_works_after_failing_build():
    layer = FailsOnFive()
    with pytest.raises(ValueError):
        layer(gk.Input(shape=(5,)))
    with pytest.raises(ValueError):
        layer(ones(1, 5))
    x = gk.Input(shape=(3,))
    model = gk.Model(x, layer(x))
    assert layer.kernel.shape == (3, 2)
    np.testing.assert_allclose(model(ones(2, 3)), np.full((2, 2), 3.0))
    assert len(layer._inbound_nodes) == 1


def test_failing_call_in_first_symbolic_call_leaves_layer_unbuilt():
    x = gk.Input(shape=(5,))
    layer = CallFailsOnFive()
    with pytest.raises(ValueError, match="cannot compute 5"):
        layer(x)
    assert layer.built is False
    assert layer.weights == []
    assert node_counts(layer, x._keras_history.layer) == [(0, 0), (1, 0)]
    assert layer(gk.Input(shape=(3,))).shape == (None, 2)
    assert layer.kernel.shape == (3, 2)


def test_failing_call_in_first_eager_call_leaves_layer_unbuilt():
    layer = CallFailsOnFive()
    with pytest.raises(ValueError, match="cannot compute 5"):
        layer(ones(2, 5))
    assert layer.built is False
    assert layer.weights == []
    np.testing.assert_allclose(layer(ones(2, 3)), np.full((2, 2), 3.0))
    assert layer.kernel.shape == (3, 2)


def test_failing_call_on_built_layer_leaves_weights_and_nodes_unchanged():
    x = gk.Input(shape=(3,))
    layer = CallFailsOnFive()
    model = gk.Model(x, layer(x))
    expected = model(ones(2, 3))
    weights = layer.get_weights()

    class Widen(layers.Layer):
        def call(self, inputs):
            return K.concatenate([inputs, inputs[:, :2]], axis=1)

    wide = Widen()(gk.Input(shape=(3,)))
    with pytest.raises(ValueError, match="cannot compute 5"):
        layer(wide)
    assert len(layer._inbound_nodes) == 1
    assert wide._keras_history.layer._outbound_nodes == []
    assert_same_weights(weights, layer.get_weights())
    np.testing.assert_allclose(model(ones(2, 3)), expected, rtol=1e-6, atol=1e-7)


def test_call_on_detached_keras_tensor_raises_and_records_nothing():
    dense = layers.Dense(3)
    with pytest.raises(ValueError, match=r"'dense'.*detached"):
        dense(gk.KerasTensor((None, 4)))
    assert dense.built is False
    assert dense._inbound_nodes == []
    x = gk.Input(shape=(4,))
    assert dense(x).shape == (None, 3)
    assert len(dense._inbound_nodes) == 1
