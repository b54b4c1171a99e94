"""What every application test checks against the Keras record in ``tests/data/keras_applications``.

``scripts/record_keras_applications.py`` recorded, per application, the
default model's layers (name, class, parameter count, weight shapes), the
same with ``include_top=False, pooling="avg"``, and a small-input model's
``.keras`` config and outputs under the deterministic weights of
``application_reference_weights.py``. These functions compare a
graphkeras application with that record.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import numpy as np
from application_reference_weights import reference_inputs, reference_value

import graphkeras as gk
from graphkeras.engine.op_layer import OperatorLayer

RECORDS = Path(__file__).parent / "data" / "keras_applications"
OUTPUT_RTOL = 1e-5


@cache
def keras_record(name: str) -> dict:
    """What Keras recorded for application ``name`` (e.g. ``"ResNet50"``)."""
    with gzip.open(RECORDS / f"{name}.json.gz", "rt") as handle:
        return json.load(handle)


def structure(model) -> dict:
    """The parts of a model the record describes, in the record's form.

    The op layers that Python operators on tensors record (ConvNeXt's
    residual ``x + branch``) are left out: graphkeras lists them in
    ``model.layers`` (API.md), Keras 3 lists only layers, not operations.
    They hold no weights.
    """
    return {
        "name": model.name,
        "layers": [
            [
                layer.name,
                layer.__class__.__name__,
                int(layer.count_params()),
                [list(map(int, w.shape)) for w in layer.weights],
            ]
            for layer in model.layers
            if not isinstance(layer, OperatorLayer)
        ],
        "params": int(model.count_params()),
        "trainable_params": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
    }


def assert_same_structure(model, recorded: dict) -> None:
    """Layer names, classes, parameter counts and weight shapes equal Keras's, layer by layer."""
    ours = structure(model)
    assert ours["name"] == recorded["name"]
    ours_layers, theirs = ours["layers"], recorded["layers"]
    for index, (mine, keras) in enumerate(zip(ours_layers, theirs, strict=False)):
        assert mine == keras, f"layer #{index}: graphkeras {mine} != Keras {keras}"
    assert len(ours_layers) == len(theirs)
    assert ours["params"] == recorded["params"]
    assert ours["trainable_params"] == recorded["trainable_params"]


def set_reference_weights(model) -> None:
    """Give every float variable the value the recording script gave Keras's."""
    values = []
    for index, variable in enumerate(model.weights):
        value = np.asarray(variable.numpy())
        if value.dtype.kind == "f" and value.ndim > 0:
            value = reference_value(index, variable.name, value.shape)
        values.append(value)
    model.set_weights(values)


def small_outputs(model, module, size: int) -> np.ndarray:
    """The model's outputs on the reference images after the module's ``preprocess_input``."""
    images = reference_inputs((2, size, size, 3))
    return model.predict(module.preprocess_input(images.copy()), verbose=0)


def check_application(name: str, builder, module) -> None:
    """The default and notop structures, and the small model's outputs, against Keras's record."""
    record = keras_record(name)
    assert_same_structure(builder(weights=None), record["default"])
    assert_same_structure(builder(weights=None, include_top=False, pooling="avg"), record["notop"])
    size = record["size"]
    small = builder(weights=None, input_shape=(size, size, 3), classifier_activation=None)
    assert_same_structure(small, record["small"]["describe"])
    set_reference_weights(small)
    np.testing.assert_allclose(
        small_outputs(small, module, size), record["small"]["outputs"], rtol=OUTPUT_RTOL, atol=1e-5
    )
    corner = reference_inputs((2, size, size, 3))[:1, :2, :2, :]
    np.testing.assert_allclose(
        module.preprocess_input(corner.copy()), record["small"]["preprocess_corner"], rtol=1e-6
    )


def check_keras_config(name: str, module) -> None:
    """The Keras-made ``.keras`` config of the small model builds here and gives Keras's outputs."""
    record = keras_record(name)
    model = gk.saving.deserialize_keras_object(record["small"]["config"])
    assert_same_structure(model, record["small"]["describe"])
    set_reference_weights(model)
    np.testing.assert_allclose(
        small_outputs(model, module, record["size"]),
        record["small"]["outputs"],
        rtol=OUTPUT_RTOL,
        atol=1e-5,
    )
