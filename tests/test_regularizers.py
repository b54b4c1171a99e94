"""Tests for graphkeras.regularizers: penalty values, argument checks, configs and lookup."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphkeras import backend as K
from graphkeras import regularizers
from graphkeras.utils.serialization import register_serializable

# sum(|x|) = 10, sum(x ** 2) = 30
WEIGHT = np.array([[1.0, -2.0], [3.0, -4.0]], dtype="float32")


@register_serializable(package="test_regularizers")
def sum_of_weights(x):
    """A registered function regularizer."""
    return K.sum(x)


def value(x) -> float:
    return float(K.convert_to_numpy(x))


# ------------------------------------------------------------------ penalties


def test_l1_is_factor_times_sum_of_abs():
    assert value(regularizers.L1(0.1)(WEIGHT)) == pytest.approx(1.0)


def test_l2_is_factor_times_sum_of_squares():
    assert value(regularizers.L2(0.1)(WEIGHT)) == pytest.approx(3.0)


def test_l2_of_ones_matches_keras_example():
    assert value(regularizers.L2(2.0)(K.ones((5, 5)))) == pytest.approx(50.0)


def test_l1l2_adds_both_penalties():
    assert value(regularizers.L1L2(l1=0.1, l2=0.2)(WEIGHT)) == pytest.approx(1.0 + 6.0)


def test_l1l2_only_l2_has_no_l1_term():
    assert value(regularizers.L1L2(l2=0.1)(WEIGHT)) == pytest.approx(3.0)


def test_l1l2_defaults_to_zero_penalty():
    reg = regularizers.L1L2()
    assert (reg.l1, reg.l2) == (0.0, 0.0)
    assert value(reg(WEIGHT)) == 0.0


def test_l1_and_l2_default_factor_is_0_01():
    assert regularizers.L1().l1 == 0.01
    assert regularizers.L2().l2 == 0.01


def test_none_factor_means_the_default():
    assert regularizers.L1(None).l1 == 0.01
    assert regularizers.L2(None).l2 == 0.01
    assert regularizers.L1L2(l1=None, l2=None).get_config() == {"l1": 0.0, "l2": 0.0}


@pytest.mark.parametrize(
    "reg",
    [regularizers.L1(0.1), regularizers.L2(0.1), regularizers.L1L2(0.1, 0.1)],
    ids=lambda reg: type(reg).__name__,
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_penalty_is_a_scalar_array_of_the_weight_dtype(reg, dtype):
    penalty = reg(WEIGHT.astype(dtype))
    assert K.is_tensor(penalty)
    assert K.int_shape(penalty) == ()
    assert K.dtype(penalty) == dtype


def test_penalty_of_integer_weight_is_floatx():
    penalty = regularizers.L1(0.5)(np.array([1, -2, 3]))
    assert K.dtype(penalty) == K.floatx()
    assert value(penalty) == pytest.approx(3.0)


def test_penalty_reads_a_variable():
    variable = K.Variable(WEIGHT)
    assert value(regularizers.L2(0.1)(variable)) == pytest.approx(3.0)


def test_base_regularizer_charges_nothing():
    assert regularizers.Regularizer()(WEIGHT) == 0.0


def test_base_regularizer_get_config_is_not_implemented():
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()


@settings(max_examples=50, deadline=None)
@given(
    weight=hnp.arrays(
        "float64",
        hnp.array_shapes(max_dims=3, max_side=4),
        elements=st.floats(-100, 100, allow_nan=False),
    ),
    l1=st.floats(0, 10),
    l2=st.floats(0, 10),
)
def test_l1l2_equals_l1_plus_l2_and_is_never_negative(weight, l1, l2):
    both = value(regularizers.L1L2(l1, l2)(weight))
    separate = value(regularizers.L1(l1)(weight)) + value(regularizers.L2(l2)(weight))
    assert both == pytest.approx(separate, rel=1e-9, abs=1e-9)
    assert both >= 0.0


# ------------------------------------------------------------------ orthogonal


def test_orthogonal_regularizer_orthogonal_rows_cost_nothing():
    reg = regularizers.OrthogonalRegularizer(factor=1.0)
    assert value(reg(np.array([[2.0, 0.0], [0.0, 3.0]], dtype="float32"))) == pytest.approx(0.0)


def test_orthogonal_regularizer_equal_rows_cost_the_factor():
    reg = regularizers.OrthogonalRegularizer(factor=0.5)
    rows = np.array([[1.0, 2.0], [2.0, 4.0], [-3.0, -6.0]], dtype="float32")
    # Every pair has |cosine| 1: 0.5 * 0.5 * (2 * 3 pairs) / 3 pairs.
    assert value(reg(rows)) == pytest.approx(0.5)


def test_orthogonal_regularizer_is_half_factor_times_mean_abs_cosine():
    x = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    reg = regularizers.OrthogonalRegularizer(factor=0.2)
    cosine = 1.0 / math.sqrt(2.0)
    # Pairs: (0, 1) and (1, 2) have cosine 1/sqrt(2); (0, 2) has 0.
    expected = 0.2 * 0.5 * (2 * 2 * cosine) / 3.0
    assert value(reg(x)) == pytest.approx(expected)


def test_orthogonal_regularizer_columns_mode_measures_columns_not_rows():
    # Columns (1, 1, 2) and (1, -1, 0) are orthogonal; the rows are not.
    x = np.array([[1.0, 1.0], [1.0, -1.0], [2.0, 0.0]])
    columns = regularizers.OrthogonalRegularizer(factor=1.0, mode="columns")(x)
    rows = regularizers.OrthogonalRegularizer(factor=1.0, mode="rows")(x)
    assert value(columns) == pytest.approx(0.0, abs=1e-12)
    # Row pairs (0, 2) and (1, 2) have |cosine| 1/sqrt(2); (0, 1) has 0.
    assert value(rows) == pytest.approx(0.5 * (2 * 2 / math.sqrt(2.0)) / 3.0)


def test_orthogonal_regularizer_defaults():
    reg = regularizers.OrthogonalRegularizer()
    assert reg.get_config() == {"factor": 0.01, "mode": "rows"}


def test_orthogonal_regularizer_rejects_rank_three_input():
    with pytest.raises(ValueError, match="rank"):
        regularizers.OrthogonalRegularizer()(np.zeros((2, 2, 2)))


def test_orthogonal_regularizer_rejects_bad_mode_naming_it():
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


# -------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: regularizers.L1(-0.1), "l1"),
        (lambda: regularizers.L1("0.1"), "l1"),
        (lambda: regularizers.L2(-1), "l2"),
        (lambda: regularizers.L2(float("inf")), "l2"),
        (lambda: regularizers.L1L2(l1=float("nan")), "l1"),
        (lambda: regularizers.L1L2(l2=-0.5), "l2"),
        (lambda: regularizers.L1L2(l1=[0.1]), "l1"),
        (lambda: regularizers.OrthogonalRegularizer(factor=-0.01), "factor"),
        (lambda: regularizers.OrthogonalRegularizer(factor="a"), "factor"),
    ],
)
def test_bad_factor_raises_value_error_naming_the_argument(make, argument):
    with pytest.raises(ValueError, match=f"Argument {argument} "):
        make()


def test_integer_factor_is_stored_as_float():
    reg = regularizers.L2(1)
    assert reg.l2 == 1.0 and isinstance(reg.l2, float)


# ------------------------------------------------------- configs and lookup


@pytest.mark.parametrize(
    "reg",
    [
        regularizers.L1(0.3),
        regularizers.L2(0.2),
        regularizers.L1L2(0.1, 0.4),
        regularizers.OrthogonalRegularizer(0.7, "columns"),
    ],
    ids=lambda reg: type(reg).__name__,
)
def test_serialize_deserialize_round_trip_gives_equal_penalties(reg):
    config = regularizers.serialize(reg)
    assert config["class_name"] == type(reg).__name__
    restored = regularizers.deserialize(config)
    assert type(restored) is type(reg)
    assert restored.get_config() == reg.get_config()
    assert value(restored(WEIGHT)) == value(reg(WEIGHT))


def test_serialize_format_is_class_name_and_config():
    assert regularizers.serialize(regularizers.L1L2(0.1, 0.2)) == {
        "class_name": "L1L2",
        "config": {"l1": 0.1, "l2": 0.2},
    }


@pytest.mark.parametrize(
    "name, cls",
    [
        ("l1", regularizers.L1),
        ("l2", regularizers.L2),
        ("l1_l2", regularizers.L1L2),
        ("l1l2", regularizers.L1L2),
        ("orthogonal_regularizer", regularizers.OrthogonalRegularizer),
        ("L1", regularizers.L1),
        ("L2", regularizers.L2),
        ("L1L2", regularizers.L1L2),
        ("OrthogonalRegularizer", regularizers.OrthogonalRegularizer),
    ],
)
def test_get_name_gives_instance_with_defaults(name, cls):
    reg = regularizers.get(name)
    assert type(reg) is cls
    assert reg.get_config() == cls().get_config()


def test_module_level_lowercase_aliases_are_the_classes():
    assert regularizers.l1 is regularizers.L1
    assert regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2


def test_get_none_is_none():
    assert regularizers.get(None) is None


def test_get_dict_config():
    reg = regularizers.get({"class_name": "L2", "config": {"l2": 0.5}})
    assert isinstance(reg, regularizers.L2) and reg.l2 == 0.5


def test_get_instance_is_returned_unchanged():
    reg = regularizers.L1(0.2)
    assert regularizers.get(reg) is reg


def test_get_class_is_instantiated():
    assert type(regularizers.get(regularizers.L2)) is regularizers.L2


def test_get_function_is_returned_unchanged():
    assert regularizers.get(sum_of_weights) is sum_of_weights


def test_serialize_registered_function_is_its_registered_name():
    assert regularizers.serialize(sum_of_weights) == "test_regularizers>sum_of_weights"
    assert regularizers.deserialize("test_regularizers>sum_of_weights") is sum_of_weights


def test_serialize_unregistered_function_raises_asking_to_register():
    with pytest.raises(ValueError, match="register"):
        regularizers.serialize(lambda x: K.sum(x))


def test_deserialize_uses_custom_objects():
    class Nothing(regularizers.Regularizer):
        def get_config(self):
            return {}

    reg = regularizers.deserialize(
        {"class_name": "Nothing", "config": {}}, custom_objects={"Nothing": Nothing}
    )
    assert isinstance(reg, Nothing)


def test_get_unknown_name_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="l3"):
        regularizers.get("l3")


def test_get_uninterpretable_raises_value_error_naming_it():
    with pytest.raises(ValueError, match="0.5"):
        regularizers.get(0.5)
