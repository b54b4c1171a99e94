"""Tests for Sum, Mean and MeanMetricWrapper: weighted running totals over batches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from graphkeras import backend as K
from graphkeras import losses, metrics

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(x) -> float:
    return float(K.convert_to_numpy(x))


def assert_scalar_float(result, dtype: str = "float32") -> None:
    assert K.is_tensor(result)
    assert K.int_shape(result) == ()
    assert K.dtype(result) == dtype


# --------------------------------------------------------------------- Sum


def test_sum_adds_all_values():
    metric = metrics.Sum()
    metric.update_state([1, 3, 5, 7])
    result = metric.result()
    assert_scalar_float(result)
    assert value(result) == 16.0


def test_sum_weights_each_value():
    metric = metrics.Sum()
    metric.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert value(metric.result()) == 4.0


def test_sum_of_a_matrix_with_row_weights_sums_each_row_then_weights_it():
    metric = metrics.Sum()
    metric.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[2.0, 0.5])
    assert value(metric.result()) == pytest.approx(2 * 3 + 0.5 * 7)


def test_sum_defaults():
    metric = metrics.Sum()
    assert (metric.name, metric.dtype) == ("sum", "float32")
    assert [variable.name for variable in metric.variables] == ["total"]


# -------------------------------------------------------------------- Mean


def test_mean_is_total_over_count():
    metric = metrics.Mean()
    metric.update_state([1, 3, 5, 7])
    result = metric.result()
    assert_scalar_float(result)
    assert value(result) == 4.0


def test_mean_is_the_weighted_mean():
    metric = metrics.Mean()
    metric.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert value(metric.result()) == 2.0
    metric.update_state([10.0], sample_weight=[2.0])
    # (1 + 3 + 2 * 10) / (1 + 1 + 2)
    assert value(metric.result()) == 6.0


def test_mean_of_nothing_is_zero():
    assert value(metrics.Mean().result()) == 0.0
    metric = metrics.Mean()
    metric.update_state([5.0, 6.0], sample_weight=[0.0, 0.0])
    assert value(metric.result()) == 0.0


def test_mean_averages_inner_axes_so_each_sample_counts_once():
    metric = metrics.Mean()
    metric.update_state([[1.0, 3.0], [5.0, 7.0], [0.0, 0.0]], sample_weight=[1.0, 3.0, 0.0])
    # sample means 2 and 6, weights 1 and 3
    assert value(metric.result()) == pytest.approx((2 + 18) / 4)


def test_mean_with_element_weights_weighs_elements():
    metric = metrics.Mean()
    metric.update_state([[1.0, 3.0], [5.0, 7.0]], sample_weight=[[1.0, 0.0], [1.0, 1.0]])
    # the element-weighted mean: (1 + 5 + 7) / (1 + 0 + 1 + 1)
    assert value(metric.result()) == pytest.approx(13.0 / 3)


def test_mean_with_a_scalar_weight_weighs_the_batch_as_a_whole():
    metric = metrics.Mean()
    metric.update_state([1.0, 3.0], sample_weight=2.0)
    metric.update_state([10.0, 10.0, 10.0], sample_weight=1.0)
    assert value(metric.result()) == pytest.approx((2 * 2 + 10) / 3)


def test_mean_accepts_a_scalar_value():
    metric = metrics.Mean()
    metric.update_state(3.0)
    metric.update_state(5.0)
    assert value(metric.result()) == 4.0


def test_mean_reset_state_starts_over():
    metric = metrics.Mean()
    metric.update_state([100.0])
    metric.reset_state()
    metric.update_state([1.0, 2.0])
    assert value(metric.result()) == 1.5


def test_mean_in_float64_computes_and_returns_float64():
    metric = metrics.Mean(dtype="float64")
    metric.update_state([0.1, 0.2])
    result = metric.result()
    assert_scalar_float(result, "float64")
    assert value(result) == pytest.approx(0.15, abs=1e-15)


@settings(max_examples=30, deadline=None)
@given(
    data=hnp.arrays("float32", st.integers(1, 30), elements=st.floats(-100, 100, width=32)),
    weights_seed=st.integers(0, 2**16),
    cuts=st.lists(st.integers(0, 30), max_size=4),
)
def test_mean_over_batches_equals_mean_over_all_data(data, weights_seed, cuts):
    weights = np.random.default_rng(weights_seed).random(len(data)).astype("float32")
    whole = metrics.Mean()
    whole.update_state(data, sample_weight=weights)
    batched = metrics.Mean()
    bounds = [0, *sorted(cut for cut in cuts if cut < len(data)), len(data)]
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        if stop > start:
            batched.update_state(data[start:stop], sample_weight=weights[start:stop])
    assert value(batched.result()) == pytest.approx(value(whole.result()), rel=1e-4, abs=1e-4)


# -------------------------------------------------------- MeanMetricWrapper


def squared_error(y_true, y_pred):
    return K.square(K.subtract(K.convert_to_tensor(y_true), K.convert_to_tensor(y_pred)))


def scaled_error(y_true, y_pred, scale=1.0):
    return K.multiply(squared_error(y_true, y_pred), scale)


def test_wrapper_averages_the_function_over_samples():
    metric = metrics.MeanMetricWrapper(squared_error)
    metric.update_state([0.0, 1.0, 2.0], [1.0, 1.0, 0.0])
    assert value(metric.result()) == pytest.approx(5.0 / 3)


def test_wrapper_applies_sample_weights():
    metric = metrics.MeanMetricWrapper(squared_error)
    metric.update_state([0.0, 1.0, 2.0], [1.0, 1.0, 0.0], sample_weight=[1.0, 0.0, 3.0])
    assert value(metric.result()) == pytest.approx(13.0 / 4)


def test_wrapper_passes_its_keyword_arguments_to_the_function():
    metric = metrics.MeanMetricWrapper(scaled_error, name="scaled", scale=10.0)
    metric.update_state([0.0], [1.0])
    assert metric.name == "scaled"
    assert value(metric.result()) == 10.0


def test_wrapper_default_name():
    assert metrics.MeanMetricWrapper(squared_error).name == "mean_metric_wrapper"


def test_wrapper_call_returns_the_running_mean():
    metric = metrics.MeanMetricWrapper(metrics.binary_accuracy)
    assert value(metric([1, 0], [0.9, 0.8])) == 0.5
    assert value(metric([1, 1], [0.9, 0.8])) == 0.75


def test_wrapper_rejects_a_non_callable():
    with pytest.raises(TypeError, match="callable"):
        metrics.MeanMetricWrapper("not a function")


def test_wrapper_config_names_a_built_in_function_and_its_arguments():
    metric = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="acc7", threshold=0.7)
    config = metric.get_config()
    assert config == {
        "name": "acc7",
        "dtype": "float32",
        "fn": {"class_name": "function", "config": "binary_accuracy"},
        "threshold": 0.7,
    }
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone.get_config() == config
    clone.update_state([1.0, 1.0], [0.6, 0.8])
    assert value(clone.result()) == 0.5


def test_wrapper_config_of_an_unregistered_function_is_an_error():
    metric = metrics.MeanMetricWrapper(squared_error)
    with pytest.raises(ValueError, match="register"):
        metric.get_config()


def test_wrapper_from_config_resolves_custom_functions():
    config = {"name": "se", "dtype": "float32", "fn": "squared_error"}
    metric = metrics.MeanMetricWrapper.from_config(
        config, custom_objects={"squared_error": squared_error}
    )
    metric.update_state([0.0], [2.0])
    assert value(metric.result()) == 4.0
    with pytest.raises(ValueError, match="squared_error"):
        metrics.MeanMetricWrapper.from_config(config)


def test_wrapper_around_a_loss_function_is_better_when_smaller_and_serializes():
    metric = metrics.MeanMetricWrapper(metrics.binary_crossentropy)
    assert metrics.binary_crossentropy is losses.binary_crossentropy
    assert metric._direction == "down"
    assert metrics.MeanMetricWrapper(squared_error)._direction is None
    metric.update_state([[1.0], [0.0]], [[0.9], [0.2]])
    assert value(metric.result()) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2, rel=1e-5)
    clone = metrics.deserialize(metrics.serialize(metric))
    assert clone._fn is losses.binary_crossentropy


def test_wrapper_around_a_loss_object_round_trips_its_config():
    metric = metrics.MeanMetricWrapper(losses.BinaryCrossentropy(from_logits=True), name="bce")
    assert metric._direction == "down"
    clone = metrics.deserialize(metrics.serialize(metric))
    assert isinstance(clone._fn, losses.BinaryCrossentropy)
    assert clone._fn.get_config()["from_logits"] is True
