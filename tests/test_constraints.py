"""Tests for graphkeras.constraints: projections, their epsilon, configs and lookup."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphkeras import backend as K
from graphkeras import constraints
from graphkeras.utils.serialization import register_serializable

EPSILON = 1e-7  # K.epsilon() unless a test changes it

# Column norms 5 and 0.5.
WEIGHT = np.array([[3.0, 0.5], [4.0, 0.0]], dtype="float64")


@register_serializable(package="test_constraints")
def clip_unit(w):
    """A registered function constraint."""
    return K.clip(w, -1.0, 1.0)


def numpy(x):
    return K.convert_to_numpy(x)


@pytest.fixture
def large_epsilon():
    previous = K.epsilon()
    K.set_epsilon(0.5)
    yield
    K.set_epsilon(previous)


# Matrices with finite entries of moderate size, for property tests.
MATRICES = hnp.arrays(
    "float64",
    hnp.array_shapes(min_dims=2, max_dims=2, max_side=5),
    elements=st.floats(-100, 100, allow_nan=False),
)
# Norm bounds: zero, or sizes a weight's norm can be rescaled to without underflow.
BOUND = st.one_of(st.just(0.0), st.floats(0.01, 5.0))


# -------------------------------------------------------------------- MaxNorm


def test_max_norm_scales_a_long_column_to_max_value():
    result = numpy(constraints.MaxNorm(2.0)(WEIGHT))
    scale = 2.0 / (5.0 + EPSILON)
    np.testing.assert_allclose(result[:, 0], [3.0 * scale, 4.0 * scale], rtol=1e-15)


def test_max_norm_keeps_a_short_column_up_to_epsilon():
    result = numpy(constraints.MaxNorm(2.0)(WEIGHT))
    np.testing.assert_allclose(result[:, 1], [0.5 * 0.5 / (0.5 + EPSILON), 0.0], rtol=1e-15)


def test_max_norm_axis_one_caps_rows():
    result = numpy(constraints.MaxNorm(1.0, axis=1)(WEIGHT))
    row_norms = np.array([np.hypot(3.0, 0.5), 4.0])
    expected = WEIGHT * (1.0 / (EPSILON + row_norms))[:, None]
    np.testing.assert_allclose(result, expected, rtol=1e-15)


def test_max_norm_axis_list_caps_whole_conv_filters():
    kernel = np.ones((2, 2, 3, 4))  # each filter has 12 ones: norm sqrt(12)
    result = numpy(constraints.MaxNorm(1.0, axis=[0, 1, 2])(kernel))
    np.testing.assert_allclose(result, 1.0 / (EPSILON + np.sqrt(12.0)), rtol=1e-15)


def test_max_norm_defaults():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}


def test_max_norm_divides_by_k_epsilon_plus_norm(large_epsilon):
    result = numpy(constraints.MaxNorm(10.0)(np.array([[3.0], [4.0]])))
    np.testing.assert_allclose(result, [[3.0 * 5.0 / 5.5], [4.0 * 5.0 / 5.5]])


@settings(max_examples=50, deadline=None)
@given(weight=MATRICES, max_value=st.floats(0.1, 10.0), axis=st.sampled_from([0, 1]))
def test_max_norm_property_norms_never_exceed_max_value(weight, max_value, axis):
    result = numpy(constraints.MaxNorm(max_value, axis=axis)(weight))
    assert np.all(np.linalg.norm(result, axis=axis) <= max_value * (1 + 1e-12))


# --------------------------------------------------------------------- NonNeg


def test_non_neg_zeroes_negative_entries():
    result = numpy(constraints.NonNeg()(np.array([-1.0, 0.0, 2.5], dtype="float32")))
    np.testing.assert_array_equal(result, [0.0, 0.0, 2.5])


def test_non_neg_keeps_dtype():
    assert K.dtype(constraints.NonNeg()(np.array([-1.0], dtype="float64"))) == "float64"


@settings(max_examples=50, deadline=None)
@given(weight=MATRICES)
def test_non_neg_property_output_is_non_negative_and_keeps_positives(weight):
    result = numpy(constraints.NonNeg()(weight))
    assert np.all(result >= 0)
    np.testing.assert_array_equal(result[weight > 0], weight[weight > 0])


# ------------------------------------------------------------------- UnitNorm


def test_unit_norm_scales_columns_to_norm_one():
    result = numpy(constraints.UnitNorm()(WEIGHT))
    expected = WEIGHT / (EPSILON + np.array([5.0, 0.5]))
    np.testing.assert_allclose(result, expected, rtol=1e-15)


def test_unit_norm_keeps_a_zero_column_zero():
    result = numpy(constraints.UnitNorm()(np.array([[0.0, 3.0], [0.0, 4.0]])))
    np.testing.assert_array_equal(result[:, 0], [0.0, 0.0])


def test_unit_norm_axis_one_scales_rows():
    result = numpy(constraints.UnitNorm(axis=1)(np.array([[3.0, 4.0], [0.0, 2.0]])))
    np.testing.assert_allclose(result, [[0.6, 0.8], [0.0, 1.0]], rtol=1e-6)


def test_unit_norm_defaults():
    assert constraints.UnitNorm().get_config() == {"axis": 0}


@settings(max_examples=50, deadline=None)
@given(weight=MATRICES, axis=st.sampled_from([0, 1]))
def test_unit_norm_property_nonzero_slices_get_norm_one(weight, axis):
    norms_before = np.linalg.norm(weight, axis=axis)
    norms_after = np.linalg.norm(numpy(constraints.UnitNorm(axis=axis)(weight)), axis=axis)
    significant = norms_before > 1e-2
    np.testing.assert_allclose(norms_after[significant], 1.0, rtol=1e-4)


# ----------------------------------------------------------------- MinMaxNorm


def test_min_max_norm_moves_norms_into_the_interval():
    weight = np.array([[0.5, 3.0, 1.5], [0.0, 0.0, 0.0]])
    result = numpy(constraints.MinMaxNorm(min_value=1.0, max_value=2.0)(weight))
    expected = weight * (np.array([1.0, 2.0, 1.5]) / (EPSILON + np.array([0.5, 3.0, 1.5])))
    np.testing.assert_allclose(result, expected, rtol=1e-15)


def test_min_max_norm_rate_blends_clipped_and_current_norm():
    weight = np.array([[4.0], [0.0]])
    result = numpy(constraints.MinMaxNorm(0.0, 2.0, rate=0.25)(weight))
    desired = 0.25 * 2.0 + 0.75 * 4.0
    np.testing.assert_allclose(result, [[4.0 * desired / (4.0 + EPSILON)], [0.0]], rtol=1e-15)


def test_min_max_norm_defaults():
    assert constraints.MinMaxNorm().get_config() == {
        "min_value": 0.0,
        "max_value": 1.0,
        "rate": 1.0,
        "axis": 0,
    }


@settings(max_examples=50, deadline=None)
@given(
    weight=MATRICES,
    bounds=st.tuples(BOUND, BOUND).map(sorted),
    axis=st.sampled_from([0, 1]),
)
def test_min_max_norm_property_norms_land_in_the_interval(weight, bounds, axis):
    low, high = bounds
    norms_before = np.linalg.norm(weight, axis=axis)
    result = numpy(constraints.MinMaxNorm(low, high, axis=axis)(weight))
    norms_after = np.linalg.norm(result, axis=axis)
    significant = norms_before > 1e-2
    assert np.all(norms_after[significant] <= high * (1 + 1e-12))
    assert np.all(norms_after[significant] >= low * (1 - 1e-4))


# ------------------------------------------------------------ base, dtypes


def test_base_constraint_returns_its_input():
    assert constraints.Constraint()(WEIGHT) is WEIGHT


@pytest.mark.parametrize(
    "constraint",
    [constraints.MaxNorm(), constraints.UnitNorm(), constraints.MinMaxNorm()],
    ids=lambda constraint: type(constraint).__name__,
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_norm_constraints_keep_the_weight_dtype(constraint, dtype):
    assert K.dtype(constraint(WEIGHT.astype(dtype))) == dtype


def test_norm_constraint_reads_a_variable():
    result = numpy(constraints.UnitNorm()(K.Variable(WEIGHT)))
    np.testing.assert_allclose(result, WEIGHT / (EPSILON + np.array([5.0, 0.5])), rtol=1e-6)


# ------------------------------------------------------- configs and lookup


@pytest.mark.parametrize(
    "constraint",
    [
        constraints.MaxNorm(3.0, axis=1),
        constraints.NonNeg(),
        constraints.UnitNorm(axis=[0, 1]),
        constraints.MinMaxNorm(0.5, 1.5, 0.5, axis=1),
    ],
    ids=lambda constraint: type(constraint).__name__,
)
def test_serialize_deserialize_round_trip_gives_equal_results(constraint):
    config = constraints.serialize(constraint)
    assert config["class_name"] == type(constraint).__name__
    restored = constraints.deserialize(config)
    assert type(restored) is type(constraint)
    assert restored.get_config() == constraint.get_config()
    np.testing.assert_allclose(
        numpy(restored(WEIGHT)), numpy(constraint(WEIGHT)), rtol=1e-12, atol=1e-15
    )


def test_serialize_format_is_class_name_and_config():
    assert constraints.serialize(constraints.MaxNorm(3, axis=1)) == {
        "class_name": "MaxNorm",
        "config": {"max_value": 3, "axis": 1},
    }


@pytest.mark.parametrize(
    "name, cls",
    [
        ("max_norm", constraints.MaxNorm),
        ("non_neg", constraints.NonNeg),
        ("unit_norm", constraints.UnitNorm),
        ("min_max_norm", constraints.MinMaxNorm),
        ("MaxNorm", constraints.MaxNorm),
        ("NonNeg", constraints.NonNeg),
        ("UnitNorm", constraints.UnitNorm),
        ("MinMaxNorm", constraints.MinMaxNorm),
    ],
)
def test_get_name_gives_instance_with_defaults(name, cls):
    constraint = constraints.get(name)
    assert type(constraint) is cls
    assert constraint.get_config() == cls().get_config()


def test_module_level_lowercase_aliases_are_the_classes():
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.non_neg is constraints.NonNeg
    assert constraints.unit_norm is constraints.UnitNorm
    assert constraints.min_max_norm is constraints.MinMaxNorm


def test_get_none_is_none():
    assert constraints.get(None) is None


def test_get_dict_config():
    constraint = constraints.get({"class_name": "MaxNorm", "config": {"max_value": 4}})
    assert isinstance(constraint, constraints.MaxNorm) and constraint.max_value == 4


def test_get_instance_is_returned_unchanged():
    constraint = constraints.UnitNorm(axis=1)
    assert constraints.get(constraint) is constraint


def test_get_class_is_instantiated():
    assert type(constraints.get(constraints.NonNeg)) is constraints.NonNeg


def test_get_function_is_returned_unchanged():
    assert constraints.get(clip_unit) is clip_unit


def test_serialize_registered_function_is_its_registered_name():
    assert constraints.serialize(clip_unit) == "test_constraints>clip_unit"
    assert constraints.deserialize("test_constraints>clip_unit") is clip_unit


def test_serialize_unregistered_function_raises_asking_to_register():
    with pytest.raises(ValueError, match="register"):
        constraints.serialize(lambda w: w)


def test_deserialize_uses_custom_objects():
    class Halve(constraints.Constraint):
        def __call__(self, w):
            return K.multiply(w, 0.5)

    constraint = constraints.deserialize(
        {"class_name": "Halve", "config": {}}, custom_objects={"Halve": Halve}
    )
    assert isinstance(constraint, Halve)


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="max_nrom"):
        constraints.get("max_nrom")


def test_get_uninterpretable_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="7"):
        constraints.get(7)
