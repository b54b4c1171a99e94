"""Tests for metrics.get, serialize and deserialize: names, configs, functions and errors."""

from __future__ import annotations

import json

import pytest

from graphkeras import backend as K
from graphkeras import metrics
from graphkeras.utils.serialization import register_serializable

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def value(x) -> float:
    return float(K.convert_to_numpy(x))


@register_serializable(package="test_metrics")
def doubled_error(y_true, y_pred):
    """A registered metric function."""
    return K.multiply(K.abs(K.subtract(y_true, y_pred)), 2.0)


@register_serializable(package="test_metrics")
class LastValue(metrics.Metric):
    """A registered custom metric: the last value seen."""

    def __init__(self, name="last_value", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.last = self.add_variable((), "zeros", dtype=self.dtype, name="last")

    def update_state(self, values):
        self.last.assign(K.getitem(K.convert_to_tensor(values, self.dtype), -1))

    def result(self):
        return K.convert_to_tensor(K.get_value(self.last))


# --------------------------------------------------------------------- get


@pytest.mark.parametrize(
    "name, cls",
    [
        ("accuracy", metrics.Accuracy),
        ("Accuracy", metrics.Accuracy),
        ("binary_accuracy", metrics.BinaryAccuracy),
        ("categorical_accuracy", metrics.CategoricalAccuracy),
        ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
        ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
        ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
        ("mse", metrics.MeanSquaredError),
        ("MSE", metrics.MeanSquaredError),
        ("mean_squared_error", metrics.MeanSquaredError),
        ("mae", metrics.MeanAbsoluteError),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
        ("auc", metrics.AUC),
        ("AUC", metrics.AUC),
        ("precision", metrics.Precision),
        ("Recall", metrics.Recall),
        ("true_positives", metrics.TruePositives),
        ("mean", metrics.Mean),
        ("sum", metrics.Sum),
    ],
)
def test_get_by_name_builds_the_class_with_its_defaults(name, cls):
    metric = metrics.get(name)
    assert type(metric) is cls


def test_get_accuracy_is_exact_equality_accuracy_as_in_keras():
    metric = metrics.get("accuracy")
    assert type(metric) is metrics.Accuracy
    metric.update_state([1, 2], [1, 3])
    assert value(metric.result()) == 0.5


def test_get_unknown_names_raise_listing_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown metric: 'acc'") as info:
        metrics.get("acc")
    assert "'binary_accuracy'" in str(info.value)
    assert "'mse'" in str(info.value)
    with pytest.raises(ValueError, match="accuracyy"):
        metrics.get("accuracyy")


def test_get_keeps_none_objects_and_functions_and_instantiates_classes():
    assert metrics.get(None) is None
    metric = metrics.Precision(thresholds=0.3)
    assert metrics.get(metric) is metric
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert type(metrics.get(metrics.Recall)) is metrics.Recall


def test_get_a_config_dict():
    metric = metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.8}})
    assert type(metric) is metrics.BinaryAccuracy
    assert metric.threshold == 0.8


def test_get_a_registered_name():
    assert type(metrics.get("test_metrics>LastValue")) is LastValue


def test_get_rejects_what_is_not_a_metric():
    with pytest.raises(ValueError, match="metric identifier"):
        metrics.get(42)


# ------------------------------------------------------- serialize / deserialize


ALL_KINDS = [
    lambda: metrics.Mean(name="m"),
    lambda: metrics.Sum(dtype="float64"),
    metrics.Accuracy,
    lambda: metrics.BinaryAccuracy(threshold=0.3),
    metrics.CategoricalAccuracy,
    metrics.SparseCategoricalAccuracy,
    lambda: metrics.TopKCategoricalAccuracy(k=2),
    lambda: metrics.SparseTopKCategoricalAccuracy(k=3, from_sorted_ids=True),
    metrics.MeanSquaredError,
    metrics.MeanAbsoluteError,
    metrics.RootMeanSquaredError,
    lambda: metrics.Precision(thresholds=[0.1, 0.9], class_id=2),
    lambda: metrics.Recall(top_k=3),
    lambda: metrics.TruePositives(thresholds=0.2),
    metrics.FalsePositives,
    metrics.TrueNegatives,
    metrics.FalseNegatives,
    lambda: metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring"),
    lambda: metrics.AUC(thresholds=[0.2, 0.4], multi_label=True, num_labels=2),
    lambda: metrics.MeanMetricWrapper(metrics.sparse_top_k_categorical_accuracy, k=2),
]


@pytest.mark.parametrize("make", ALL_KINDS)
def test_every_metric_round_trips_through_json(make):
    metric = make()
    config = metrics.serialize(metric)
    assert config["class_name"] == type(metric).__name__
    clone = metrics.deserialize(json.loads(json.dumps(config)))
    assert type(clone) is type(metric)
    assert clone.get_config() == metric.get_config()
    assert clone is not metric


def test_serialize_none_and_deserialize_none():
    assert metrics.serialize(None) is None
    assert metrics.deserialize(None) is None


def test_deserialize_a_name_builds_the_class():
    assert type(metrics.deserialize("auc")) is metrics.AUC


def test_built_in_functions_round_trip_as_functions():
    config = metrics.serialize(metrics.categorical_accuracy)
    assert config == {"class_name": "function", "config": "categorical_accuracy"}
    assert metrics.deserialize(config) is metrics.categorical_accuracy


def test_registered_functions_round_trip_by_name():
    assert metrics.serialize(doubled_error) == "test_metrics>doubled_error"
    assert metrics.deserialize("test_metrics>doubled_error") is doubled_error


def test_wrapper_around_a_registered_function_round_trips():
    metric = metrics.MeanMetricWrapper(doubled_error, name="doubled")
    clone = metrics.deserialize(metrics.serialize(metric))
    clone.update_state([1.0, 2.0], [0.0, 0.0])
    assert clone.name == "doubled"
    assert value(clone.result()) == 3.0


def test_registered_custom_metric_round_trips():
    config = metrics.serialize(LastValue(name="last"))
    assert config["class_name"] == "test_metrics>LastValue"
    clone = metrics.deserialize(config)
    assert type(clone) is LastValue and clone.name == "last"


def test_custom_objects_resolve_unregistered_classes():
    class Constant(metrics.Mean):
        pass

    config = {"class_name": "Constant", "config": {"name": "c", "dtype": "float32"}}
    clone = metrics.deserialize(config, custom_objects={"Constant": Constant})
    assert type(clone) is Constant
    with pytest.raises(ValueError, match="Unknown metric: 'Constant'"):
        metrics.deserialize(config)


def test_serialize_rejects_unregistered_functions_and_other_objects():
    def local_metric(y_true, y_pred):
        return y_pred

    with pytest.raises(ValueError, match="register"):
        metrics.serialize(local_metric)
    with pytest.raises(ValueError, match="Cannot serialize"):
        metrics.serialize(3)


def test_deserialize_rejects_malformed_configs():
    with pytest.raises(ValueError, match="class_name"):
        metrics.deserialize({"config": {}})
    with pytest.raises(ValueError, match="Unknown metric function"):
        metrics.deserialize({"class_name": "function", "config": "nope"})


def test_every_public_name_is_exported():
    for name in metrics.__all__:
        assert hasattr(metrics, name), name
    for name, cls in metrics.ALL_METRICS.items():
        assert isinstance(cls, type) and issubclass(cls, metrics.Metric), name
