"""The small Keras-made models under ``tests/data``, with the outputs Keras predicted.

``scripts/record_keras_convlstm_values.py`` saved each model as
``<stem>.keras`` and ``<stem>.h5`` (Keras 3's legacy HDF5 writer), with
``<stem>.<ext>.npz`` holding its inputs (``input_<i>``) and Keras's
``predict`` outputs (``output_<i>``).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

import graphkeras as gk
from graphkeras import backend as K

DATA = Path(__file__).parent / "data"


def inputs_and_outputs(path: Path) -> tuple[list, list]:
    arrays = np.load(f"{path}.npz")
    inputs = [arrays[k] for k in sorted(arrays.files) if k.startswith("input_")]
    outputs = [arrays[k] for k in sorted(arrays.files) if k.startswith("output_")]
    return inputs, outputs


def predict_list(model, inputs: list) -> list:
    outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def assert_predicts(model, path: Path, rtol: float = 1e-6, atol: float = 1e-6) -> None:
    """``model`` gives, on the inputs recorded beside ``path``, the outputs recorded there."""
    inputs, expected = inputs_and_outputs(path)
    got = predict_list(model, inputs)
    assert len(got) == len(expected)
    for ours, theirs in zip(got, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def load_keras_made(stem: str, extension: str, rtol: float = 1e-6, atol: float = 1e-6):
    """The Keras-made model ``stem`` + ``extension``, checked to predict as Keras did.

    Loaded once per test session and backend (a file load is the slow part;
    a model's Variables belong to the backend it was loaded on); callers
    read and save the model, never change it.
    """
    model = _loaded(stem, extension, K.backend())
    assert_predicts(model, DATA / f"{stem}{extension}", rtol=rtol, atol=atol)
    return model


@functools.cache
def _loaded(stem: str, extension: str, backend_name: str):
    return gk.models.load_model(DATA / f"{stem}{extension}")


def assert_round_trips(model, directory: Path, stem: str) -> None:
    """``model`` saved as ``.gk`` and ``.keras`` loads back with its config and outputs."""
    recorded = DATA / f"{stem}.keras"
    for extension in (".gk", ".keras"):
        path = directory / f"{stem}{extension}"
        model.save(path)
        loaded = gk.models.load_model(path)
        assert loaded.get_config() == model.get_config()
        assert_predicts(loaded, recorded)
