"""Tests for graphkeras.activations: values against closed forms, and name lookup."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import activations
from graphkeras import backend as K
from graphkeras.utils.serialization import register_serializable

pytestmark = pytest.mark.usefixtures("backend")

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


@register_serializable(package="test_activations")
def doubled(x):
    """A registered user activation."""
    return K.multiply(x, 2.0)


def unregistered(x):
    """A user activation nobody registered."""
    return x


def array(values, dtype="float32"):
    return np.asarray(values, dtype=dtype)


def close(actual, expected, rtol=1e-6, atol=1e-7):
    np.testing.assert_allclose(K.convert_to_numpy(actual), expected, rtol=rtol, atol=atol)


# --------------------------------------------------------------------- relu


def test_relu_default_zeroes_negatives():
    close(activations.relu(array([-10, -5, 0, 5, 10])), [0, 0, 0, 5, 10])


def test_relu_negative_slope_scales_negatives():
    close(activations.relu(array([-10, -5, 0, 5, 10]), negative_slope=0.5), [-5, -2.5, 0, 5, 10])


def test_relu_max_value_caps_output():
    close(activations.relu(array([-10, -5, 0, 5, 10]), max_value=5.0), [0, 0, 0, 5, 5])


def test_relu_threshold_zeroes_values_below_it():
    close(activations.relu(array([-10, -5, 0, 4, 10]), threshold=5.0), [0, 0, 0, 0, 10])


def test_relu_negative_slope_is_measured_from_threshold():
    result = activations.relu(array([-10, 0, 4, 10]), negative_slope=0.5, threshold=5.0)
    close(result, [-7.5, -2.5, -0.5, 10])


def test_relu_input_equal_to_threshold_gives_zero():
    close(activations.relu(array([-10, -5, 0, 5, 10]), threshold=5.0), [0, 0, 0, 0, 10])


def test_relu_negative_threshold_with_max_value_clips_at_zero():
    close(activations.relu(array([-0.5, 2.0, 4.0]), threshold=-1.0, max_value=3.0), [0, 2, 3])


def test_relu6_clips_to_zero_and_six():
    close(activations.relu6(array([-1, 3, 7])), [0, 3, 6])


def test_leaky_relu_default_slope_is_point_two():
    close(activations.leaky_relu(array([-10, 0, 3])), [-2, 0, 3])


# --------------------------------------------------------- exponential units


def test_elu_negative_input_is_alpha_times_expm1():
    close(activations.elu(array([-1.0, 2.0]), alpha=2.0), [2.0 * math.expm1(-1.0), 2.0])


def test_selu_matches_its_constants():
    expected = [SELU_SCALE * SELU_ALPHA * math.expm1(-1.0), SELU_SCALE * 1.0]
    close(activations.selu(array([-1.0, 1.0])), expected)


def test_celu_negative_input_is_alpha_times_expm1_of_x_over_alpha():
    close(activations.celu(array([-2.0, 3.0]), alpha=2.0), [2.0 * math.expm1(-1.0), 3.0])


def test_exponential_is_exp():
    close(activations.exponential(array([0.0, 1.0, -2.0])), [1.0, math.e, math.exp(-2.0)])


# ------------------------------------------------------------------- gelu


def test_gelu_exact_uses_the_normal_cdf():
    x = [-1.0, 0.5, 2.0]
    expected = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x]
    close(activations.gelu(array(x)), expected, rtol=1e-6)


def test_gelu_approximate_uses_the_tanh_formula():
    x = [-1.0, 0.5, 2.0]
    expected = [
        0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3))) for v in x
    ]
    close(activations.gelu(array(x), approximate=True), expected)


def test_gelu_defaults_to_exact():
    x = array([1.0])
    close(activations.gelu(x), activations.gelu(x, approximate=False))


# -------------------------------------------------------------- sigmoid family


def test_sigmoid_of_zero_is_half_and_of_log3_is_three_quarters():
    close(activations.sigmoid(array([0.0, math.log(3.0)])), [0.5, 0.75])


def test_sigmoid_saturates_without_overflow():
    with np.errstate(over="raise", invalid="raise"):
        close(activations.sigmoid(array([-1000.0, 1000.0])), [0.0, 1.0])


def test_hard_sigmoid_is_piecewise_linear():
    result = activations.hard_sigmoid(array([-4, -3, 0, 1.5, 3, 4]))
    close(result, [0, 0, 0.5, 0.75, 1, 1])


def test_silu_is_x_times_sigmoid():
    x = [-2.0, 0.0, 3.0]
    close(activations.silu(array(x)), [v / (1 + math.exp(-v)) for v in x])


def test_hard_silu_is_x_times_hard_sigmoid():
    close(activations.hard_silu(array([-4, -1.5, 0, 1.5, 4])), [0, -0.375, 0, 1.125, 4])


def test_swish_and_hard_swish_are_the_same_functions():
    assert activations.swish is activations.silu
    assert activations.hard_swish is activations.hard_silu


# ------------------------------------------------------------- smooth others


def test_tanh_matches_math():
    close(activations.tanh(array([-1.0, 0.5])), [math.tanh(-1.0), math.tanh(0.5)])


def test_softplus_of_zero_is_log_two_and_large_input_is_itself():
    close(activations.softplus(array([0.0, 100.0])), [math.log(2.0), 100.0])


def test_softsign_is_x_over_one_plus_abs_x():
    close(activations.softsign(array([3.0, -1.0])), [0.75, -0.5])


def test_mish_is_x_times_tanh_of_softplus():
    x = [-1.0, 0.0, 2.0]
    close(activations.mish(array(x)), [v * math.tanh(math.log1p(math.exp(v))) for v in x])


def test_linear_returns_its_input_object():
    x = array([1.0, -2.0])
    assert activations.linear(x) is x


# ------------------------------------------------------------------ softmax


def test_softmax_matches_exp_over_sum():
    x = [1.0, 2.0, 3.0]
    total = sum(math.exp(v) for v in x)
    close(activations.softmax(array(x)), [math.exp(v) / total for v in x])


def test_softmax_respects_axis():
    x = array([[1.0, 1.0], [3.0, 1.0]])
    result = activations.softmax(x, axis=0)
    e = math.exp(2.0)
    close(result, [[1 / (1 + e), 0.5], [e / (1 + e), 0.5]])


def test_log_softmax_is_log_of_softmax():
    x = array([[0.5, -1.0, 2.0]])
    close(activations.log_softmax(x), np.log(K.convert_to_numpy(activations.softmax(x))))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-50, max_value=50, allow_nan=False, width=32), min_size=1, max_size=8
    )
)
def test_softmax_outputs_a_probability_distribution(values):
    result = K.convert_to_numpy(activations.softmax(array(values)))
    assert np.all(result >= 0)
    assert result.sum() == pytest.approx(1.0, abs=1e-5)


# ------------------------------------------------------------ dtypes, inputs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "name",
    ["relu", "elu", "selu", "gelu", "sigmoid", "hard_silu", "softplus", "mish", "softmax"],
)
def test_activations_keep_the_input_dtype(name, dtype):
    result = activations.get(name)(array([-1.0, 0.5, 2.0], dtype=dtype))
    assert K.dtype(result) == dtype


def test_activation_accepts_a_python_list():
    result = activations.relu([-1.0, 2.0])
    assert K.dtype(result) == K.floatx()
    close(result, [0.0, 2.0])


def test_activation_accepts_a_variable():
    variable = K.Variable(array([-1.0, 2.0]))
    close(activations.relu(variable), [0.0, 2.0])


# ---------------------------------------------------------------------- get


def test_get_none_is_linear():
    assert activations.get(None) is activations.linear


@pytest.mark.parametrize(
    "name",
    [
        "relu",
        "relu6",
        "leaky_relu",
        "elu",
        "selu",
        "celu",
        "gelu",
        "sigmoid",
        "hard_sigmoid",
        "silu",
        "hard_silu",
        "tanh",
        "softplus",
        "softsign",
        "softmax",
        "log_softmax",
        "exponential",
        "mish",
        "linear",
    ],
)
def test_get_name_returns_the_function_of_that_name(name):
    assert activations.get(name) is getattr(activations, name)


def test_get_aliases_return_the_canonical_functions():
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu


def test_get_callable_is_returned_unchanged():
    assert activations.get(unregistered) is unregistered


def test_get_keras2_dict_config():
    assert activations.get({"class_name": "relu", "config": {}}) is activations.relu


def test_get_keras3_function_dict_config():
    config = {"module": "keras.activations", "class_name": "function", "config": "tanh"}
    assert activations.get(config) is activations.tanh


def test_get_unknown_name_raises_value_error_listing_names():
    with pytest.raises(ValueError, match="not_an_activation") as error:
        activations.get("not_an_activation")
    assert "relu" in str(error.value)


def test_get_non_callable_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="42") as error:
        activations.get(42)
    assert "relu" in str(error.value)


# ------------------------------------------------------- serialize/deserialize


def test_serialize_builtin_is_its_name():
    assert activations.serialize(activations.relu) == "relu"


def test_serialize_alias_is_the_canonical_name():
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"


def test_serialize_registered_function_is_its_registered_name():
    assert activations.serialize(doubled) == "test_activations>doubled"


def test_serialize_unregistered_function_raises_asking_to_register():
    with pytest.raises(ValueError, match="register"):
        activations.serialize(unregistered)


def test_deserialize_registered_name_returns_the_function():
    assert activations.deserialize("test_activations>doubled") is doubled


def test_deserialize_uses_custom_objects():
    assert activations.deserialize("mine", custom_objects={"mine": unregistered}) is unregistered


@pytest.mark.parametrize("name", sorted(activations.ALL_ACTIVATIONS))
def test_serialize_then_deserialize_round_trips(name):
    function = activations.get(name)
    assert activations.deserialize(activations.serialize(function)) is function


# Keras 3 activations that are also ``keras.ops`` functions: one implementation,
# reachable by name from layers, equal to their closed forms.
NEW_ACTIVATION_POINTS = np.array([-2.5, -1.0, -0.4, 0.0, 0.3, 1.0, 2.0], "float32")
NEW_ACTIVATION_FORMS = {
    "log_sigmoid": lambda x: -np.log1p(np.exp(-x)),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, (x + 1) / 2)),
}


@pytest.mark.parametrize("name", sorted(NEW_ACTIVATION_FORMS))
def test_keras_3_activations_equal_their_closed_forms_and_resolve_by_name(name):
    function = gk.activations.get(name)
    assert function is getattr(gk.activations, name)
    np.testing.assert_allclose(
        function(NEW_ACTIVATION_POINTS),
        NEW_ACTIVATION_FORMS[name](NEW_ACTIVATION_POINTS.astype("float64")),
        rtol=1e-6,
        atol=1e-7,
    )
    layer = gk.layers.Dense(2, activation=name)
    assert gk.layers.Dense.from_config(layer.get_config()).activation is function


def test_glu_threshold_and_sparsemax_as_keras_3_defines_them():
    x = np.array([[1.0, -2.0, 0.0, 3.0]], "float32")
    # glu: the first half times the sigmoid of the second.
    np.testing.assert_allclose(
        gk.activations.glu(x), [[1.0 * 0.5, -2.0 / (1 + np.exp(-3.0))]], rtol=1e-6
    )
    np.testing.assert_allclose(gk.activations.threshold(x, 0.5, -9.0), [[1.0, -9, -9, 3]])
    # sparsemax of [1, .8, 0]: the projection onto the simplex keeps the two largest.
    np.testing.assert_allclose(
        gk.activations.sparsemax(np.array([1.0, 0.8, 0.0], "float32")), [0.6, 0.4, 0.0], atol=1e-6
    )
