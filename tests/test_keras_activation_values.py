"""Every Keras 3 activation, and the activation layers, against values Keras computed.

``tests/data/keras_activation_values.json`` holds, for each function in
``keras.activations`` (Keras 3.15), its output on a fixed grid, some with
non-default arguments, and the activation layers' outputs; recorded by
``scripts/record_keras_convlstm_values.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from keras_recorded_models import DATA

import graphkeras as gk
from graphkeras import activations, layers

RECORDED = json.loads((DATA / "keras_activation_values.json").read_text())
X = np.asarray(RECORDED["x"], dtype="float32")
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}

ARGUMENTS = {"threshold": {"threshold": 0.5, "default_value": -1.0}}
WITH_ARGUMENTS = {
    "leaky_relu_0.05": ("leaky_relu", {"negative_slope": 0.05}, X),
    "elu_0.5": ("elu", {"alpha": 0.5}, X),
    "celu_2": ("celu", {"alpha": 2.0}, X),
    "gelu_approximate": ("gelu", {"approximate": True}, X),
    "relu_full": ("relu", {"negative_slope": 0.1, "max_value": 2.5, "threshold": 0.5}, X),
    "softmax_axis_0": ("softmax", {"axis": 0}, X),
    "log_softmax_axis_0": ("log_softmax", {"axis": 0}, X),
    "glu_axis_0": ("glu", {"axis": 0}, X[:2]),
    "soft_shrink_1": ("soft_shrink", {"threshold": 1.0}, X),
    "hard_shrink_1": ("hard_shrink", {"threshold": 1.0}, X),
    "squareplus_1": ("squareplus", {"b": 1}, X),
}


def test_every_keras_activation_exists_in_graphkeras():
    missing = [name for name in RECORDED["names"] if not hasattr(gk.activations, name)]
    assert missing == []


# Keras 3.15's sparsemax takes its threshold from the sum of the cumulative sums
# over the support rather than from the cumulative sum at the support's end, so
# its rows do not sum to one once two or more entries are in the support;
# graphkeras computes sparsemax as defined (Martins and Astudillo, 2016).
DIFFERS_FROM_KERAS = {"sparsemax"}


@pytest.mark.parametrize("name", [n for n in RECORDED["names"] if n not in DIFFERS_FROM_KERAS])
def test_activation_equals_keras(name):
    function = activations.get(name)
    assert function is getattr(activations, name)
    got = function(X, **ARGUMENTS.get(name, {}))
    np.testing.assert_allclose(got, np.asarray(RECORDED["functions"][name]), **TOLERANCE)


@pytest.mark.parametrize("case", sorted(WITH_ARGUMENTS))
def test_activation_with_arguments_equals_keras(case):
    name, arguments, x = WITH_ARGUMENTS[case]
    got = getattr(activations, name)(x, **arguments)
    np.testing.assert_allclose(got, np.asarray(RECORDED["with_arguments"][case]), **TOLERANCE)


@pytest.mark.parametrize("class_name", sorted(RECORDED["layers"]))
def test_activation_layer_equals_keras(class_name):
    case = RECORDED["layers"][class_name]
    layer = getattr(layers, class_name)(**case["config"])
    mask = None if case["mask"] is None else np.asarray(case["mask"], dtype=bool)
    got = layer(X) if mask is None else layer(X, mask=mask)
    np.testing.assert_allclose(got, np.asarray(case["output"]), **TOLERANCE)


def test_sparsemax_is_the_simplex_projection_keras_rows_are_not():
    got = np.asarray(activations.sparsemax(X))
    np.testing.assert_allclose(got.sum(axis=-1), 1.0, rtol=1e-6)
    # The projection is max(x - tau, 0) for one threshold tau per row.
    top = np.argmax(X, axis=-1)[:, None]
    tau = np.take_along_axis(X, top, -1) - np.take_along_axis(got, top, -1)
    np.testing.assert_allclose(got, np.maximum(X - tau, 0.0), rtol=1e-6, atol=1e-6)
    theirs = np.asarray(RECORDED["functions"]["sparsemax"])
    assert not np.allclose(theirs.sum(axis=-1), 1.0)
