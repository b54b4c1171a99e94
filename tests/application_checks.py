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
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from application_reference_weights import reference_inputs, reference_value

import graphkeras as gk

RECORDS = Path(__file__).parent / "data" / "keras_applications"
OUTPUT_RTOL = 1e-5
GRAPH_OPERATIONS = (gk.layers.OperatorLayer, gk.ops.OperationLayer)


@cache
def keras_record(name: str) -> dict:
    """What Keras recorded for application ``name`` (e.g. ``"ResNet50"``)."""
    with gzip.open(RECORDS / f"{name}.json.gz", "rt") as handle:
        return json.load(handle)


def structure(model) -> dict:
    """The parts of a model the record describes, in the record's form.

    Arithmetic on tensors (``x + 3.0``) and ``gk.ops`` calls are operator
    layers in graphkeras's ``model.layers`` but graph operations outside
    Keras's, so they are left out here (MobileNetV3's hard-sigmoid gates).
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
            if not isinstance(layer, GRAPH_OPERATIONS)
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
    current = [np.asarray(variable.numpy()) for variable in model.weights]
    places = tuple(
        (index, variable.name, value.shape)
        for index, (variable, value) in enumerate(zip(model.weights, current, strict=True))
        if value.dtype.kind == "f" and value.ndim > 0
    )
    for (index, _, _), value in zip(places, _reference_values(places), strict=True):
        current[index] = value
    model.set_weights(current)


@lru_cache(maxsize=1)
def _reference_values(places: tuple) -> tuple:
    # Drawing a deep model's values takes seconds; the checks of one
    # application draw them twice in a row (record's model, then its config's).
    return tuple(reference_value(index, name, shape) for index, name, shape in places)


def small_outputs(model, module, size: int) -> np.ndarray:
    """The model's outputs on the reference images after the module's ``preprocess_input``."""
    images = reference_inputs((2, size, size, 3))
    return model.predict(module.preprocess_input(images.copy()), verbose=0)


def check_application(name: str, builder, module, atol: float = 1e-5) -> None:
    """The default and notop structures, and the small model's outputs, against Keras's record.

    ``atol`` may be raised for a deep network whose float32 sums, taken in
    another order than Keras's, drift further than 1e-5 from its outputs.
    """
    record = keras_record(name)
    assert_same_structure(builder(weights=None), record["default"])
    assert_same_structure(builder(weights=None, include_top=False, pooling="avg"), record["notop"])
    size = record["size"]
    small = builder(weights=None, input_shape=(size, size, 3), classifier_activation=None)
    assert_same_structure(small, record["small"]["describe"])
    set_reference_weights(small)
    np.testing.assert_allclose(
        small_outputs(small, module, size), record["small"]["outputs"], rtol=OUTPUT_RTOL, atol=atol
    )
    corner = reference_inputs((2, size, size, 3))[:1, :2, :2, :]
    np.testing.assert_allclose(
        module.preprocess_input(corner.copy()), record["small"]["preprocess_corner"], rtol=1e-6
    )


def check_keras_config(name: str, module, atol: float = 1e-5) -> None:
    """The Keras-made ``.keras`` config of the small model builds here and gives Keras's outputs."""
    record = keras_record(name)
    model = gk.saving.deserialize_keras_object(record["small"]["config"])
    assert_same_structure(model, record["small"]["describe"])
    set_reference_weights(model)
    np.testing.assert_allclose(
        small_outputs(model, module, record["size"]),
        record["small"]["outputs"],
        rtol=OUTPUT_RTOL,
        atol=atol,
    )
