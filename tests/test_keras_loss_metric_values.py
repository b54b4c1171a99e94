"""graphkeras's losses and metrics give the numbers Keras 3 gives, recorded from Keras itself.

``tests/data/keras_loss_metric_values.json`` was written by
``scripts/record_keras_loss_metric_values.py`` with Keras 3 on JAX (the
version is in the file): for each case the inputs, what Keras returned, the
gradient of each reduced loss with respect to ``y_pred`` (``jax.grad``), and
the object's config. These tests rebuild each case with graphkeras and compare;
they never import Keras.

Tolerances: both sides compute in float32, through different sequences of
operations, so values agree to a few float32 ulps: ``rtol=2e-5``,
``atol=1e-6`` for values, ``rtol=1e-4``, ``atol=1e-5`` for gradients.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras import losses, metrics

DATA = json.loads(
    (Path(__file__).parent / "data" / "keras_loss_metric_values.json").read_text("utf-8")
)
CASES = DATA["cases"]
VALUE_TOLERANCE = {"rtol": 2e-5, "atol": 1e-6}
GRADIENT_TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
# Where graphkeras's config knowingly differs from Keras 3's: the metric
# CosineSimilarity keeps its axis (Keras 3 drops it, so a loaded metric
# loses a non-default axis).
CONFIG_EXTRAS = {"CosineSimilarity": {"axis"}}


def case_id(case: dict) -> str:
    arguments = ",".join(f"{key}={value}" for key, value in case["arguments"].items())
    weighted = "-weighted" if case.get("sample_weight") is not None else ""
    return f"{case['kind']}-{case['name']}({arguments}){weighted}"


def array(values, dtype=None) -> np.ndarray | None:
    return None if values is None else np.asarray(values, dtype=dtype)


def comparable_config(config: dict, kind: str, name: str) -> dict:
    """The config as JSON would store it, without the automatic name's counter."""
    config = json.loads(json.dumps(config))
    config["name"] = re.sub(r"_\d+$", "", config["name"])
    if kind == "metric":
        for key in CONFIG_EXTRAS.get(name, ()):
            config.pop(key, None)
    return config


def by_kind(kind: str) -> list[dict]:
    return [case for case in CASES if case["kind"] == kind]


def test_the_reference_file_comes_from_keras_3():
    assert DATA["keras_version"].startswith("3.")
    assert len(CASES) > 100


@pytest.mark.parametrize("case", by_kind("loss"), ids=case_id)
def test_loss_value_and_gradient_match_keras(case):
    loss = getattr(losses, case["name"])(**case["arguments"])
    y_true = array(case["y_true"])
    y_pred = array(case["y_pred"], "float32")
    sample_weight = array(case["sample_weight"], "float32")
    with K.GradientTape() as tape:
        tape.watch(y_pred)
        result = loss(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(K.convert_to_numpy(result), case["result"], **VALUE_TOLERANCE)
    assert K.dtype(result) == "float32"
    if case["gradient"] is not None:
        gradient = tape.gradient(result, y_pred)
        assert gradient is not None
        np.testing.assert_allclose(gradient, case["gradient"], **GRADIENT_TOLERANCE)
    assert comparable_config(loss.get_config(), "loss", case["name"]) == comparable_config(
        case["config"], "loss", case["name"]
    )


@pytest.mark.parametrize("case", by_kind("function"), ids=case_id)
def test_function_values_match_keras(case):
    function = getattr({"losses": losses, "metrics": metrics}[case["namespace"]], case["name"])
    y_pred = array(case["y_pred"], "float32")
    result = function(array(case["y_true"]), y_pred, **case["arguments"])
    np.testing.assert_allclose(K.convert_to_numpy(result), case["result"], **VALUE_TOLERANCE)


@pytest.mark.parametrize("case", by_kind("metric"), ids=case_id)
def test_metric_result_matches_keras(case):
    metric = getattr(metrics, case["name"])(**case["arguments"])
    for batch in case["batches"]:
        metric.update_state(
            array(batch["y_true"]),
            array(batch["y_pred"]),
            sample_weight=array(batch["sample_weight"]),
        )
    np.testing.assert_allclose(
        K.convert_to_numpy(metric.result()), case["result"], **VALUE_TOLERANCE
    )
    assert comparable_config(metric.get_config(), "metric", case["name"]) == comparable_config(
        case["config"], "metric", case["name"]
    )
