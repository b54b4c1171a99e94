"""Tests for the Metric base class: state variables, naming, reset, calling and configs."""

from __future__ import annotations

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import initializers, metrics
from graphkeras.metrics import Metric

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(x) -> float:
    return float(K.convert_to_numpy(x))


class CountSamples(Metric):
    """A minimal subclass: the weighted number of samples seen."""

    def __init__(self, name=None, dtype=None):
        super().__init__(dtype=dtype, name=name)
        self.seen = self.add_variable((), "zeros", dtype=self.dtype, name="seen")

    def update_state(self, y_true, y_pred, sample_weight=None):
        if sample_weight is None:
            count = K.cast(K.int_shape(K.convert_to_tensor(y_pred))[0], self.dtype)
        else:
            count = K.sum(K.convert_to_tensor(sample_weight, dtype=self.dtype))
        self.seen.assign_add(count)

    def result(self):
        return K.convert_to_tensor(K.get_value(self.seen))


class MeanPair(Metric):
    """A metric holding two other metrics as attributes."""

    def __init__(self, name="mean_pair"):
        super().__init__(name=name)
        self.first = metrics.Mean(name="first")
        self.second = metrics.Mean(name="second")
        self.first_again = self.first

    def update_state(self, a, b):
        self.first.update_state(a)
        self.second.update_state(b)

    def result(self):
        return K.add(self.first.result(), self.second.result())


class ForgetsSuper(Metric):
    def __init__(self):
        pass


# ----------------------------------------------------------------- naming


def test_default_name_is_the_snake_cased_class_name_made_unique():
    assert CountSamples().name == "count_samples"
    assert CountSamples().name == "count_samples_1"
    assert Metric().name == "metric"


def test_given_name_is_kept_and_can_be_changed():
    metric = CountSamples(name="samples")
    metric.name = "renamed"
    assert metric.name == "renamed"
    assert repr(metric) == "<CountSamples name=renamed>"


def test_dtype_defaults_to_floatx_and_is_standardised():
    assert Metric().dtype == "float32"
    assert Metric(dtype=np.float64).dtype == "float64"


def test_dtype_follows_set_floatx():
    K.set_floatx("float64")
    try:
        assert Metric().dtype == "float64"
    finally:
        K.set_floatx("float32")


# -------------------------------------------------------------- variables


def test_add_variable_creates_a_non_trainable_initialised_variable():
    metric = Metric()
    variable = metric.add_variable((2, 3), initializers.Constant(1.5), name="state")
    assert K.is_variable(variable)
    assert variable.trainable is False
    assert variable.name == "state"
    assert variable.dtype == "float32"
    np.testing.assert_array_equal(variable.numpy(), np.full((2, 3), 1.5, "float32"))
    assert metric.variables == [variable]


def test_add_variable_accepts_an_initializer_name_and_a_dtype():
    variable = Metric().add_variable((2,), "ones", dtype="int32", name="count")
    assert variable.dtype == "int32"
    np.testing.assert_array_equal(variable.numpy(), [1, 1])


def test_add_variable_rejects_an_unknown_aggregation():
    with pytest.raises(ValueError, match="aggregation"):
        Metric().add_variable((), "zeros", aggregation="max")


def test_add_weight_is_add_variable_with_zeros_by_default():
    variable = Metric().add_weight(shape=(2,), name="w")
    np.testing.assert_array_equal(variable.numpy(), [0.0, 0.0])


def test_variables_include_those_of_metrics_held_as_attributes_once():
    metric = MeanPair()
    names = [variable.name for variable in metric.variables]
    assert names == ["total", "count", "total", "count"]
    assert metric.variables[0] is metric.first.total


def test_forgetting_super_init_is_a_clear_error():
    metric = ForgetsSuper()
    with pytest.raises(RuntimeError, match="super"):
        metric.add_variable((), "zeros")


# ------------------------------------------------------ update and result


def test_call_updates_then_returns_the_running_result():
    metric = CountSamples()
    assert value(metric([0, 1], [0, 1])) == 2.0
    assert value(metric([0, 1, 1], [0, 1, 1])) == 5.0
    assert value(metric.result()) == 5.0


def test_reset_state_zeroes_every_variable_including_nested_metrics():
    metric = MeanPair()
    metric.update_state([1.0, 3.0], [10.0])
    assert value(metric.result()) == 12.0
    metric.reset_state()
    assert all(np.all(variable.numpy() == 0) for variable in metric.variables)
    assert value(metric.result()) == 0.0


def test_update_state_and_result_must_be_implemented():
    with pytest.raises(NotImplementedError):
        Metric().update_state([1], [1])
    with pytest.raises(NotImplementedError):
        Metric().result()


def test_a_result_is_not_changed_by_later_updates():
    metric = metrics.Sum()
    metric.update_state([1.0, 2.0])
    first = metric.result()
    metric.update_state([10.0])
    assert value(first) == 3.0
    assert value(metric.result()) == 13.0


# ---------------------------------------------------------------- configs


def test_base_config_is_name_and_dtype_and_round_trips():
    metric = CountSamples(name="samples", dtype="float64")
    config = metric.get_config()
    assert config == {"name": "samples", "dtype": "float64"}
    clone = CountSamples.from_config(config)
    assert (clone.name, clone.dtype) == ("samples", "float64")
    assert clone.seen is not metric.seen


def test_from_config_starts_with_a_fresh_state():
    metric = metrics.Mean(name="m")
    metric.update_state([4.0])
    clone = metrics.Mean.from_config(metric.get_config())
    assert value(clone.result()) == 0.0
