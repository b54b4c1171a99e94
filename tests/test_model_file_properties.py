"""Property: every random model graphkeras saves, in every format, loads back with its outputs.

The models come from ``test_random_graphs.draw_case`` (shared layers, merges,
operators with constants, slices, nested models called once or twice); every
layer and model is then renamed with text drawn from all of Unicode (any name
a layer accepts). Each model goes through the ``.gk`` archive, the Keras
``.keras`` archive, the ``.npz`` weight file and Keras's ``.weights.h5`` (the last
two into a model rebuilt from the config; the Keras ones when h5py is installed,
in a third of the examples), with graph constants sent through ``constants.npz``
in half of the examples.
"""

from __future__ import annotations

import importlib.util
from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_random_graphs import all_networks, draw_case

import graphkeras as gk
from graphkeras.saving import graph_constants

LAYER_NAMES = st.text(min_size=1, max_size=12).filter(
    lambda name: "/" not in name and "\x00" not in name
)
HAS_H5PY = importlib.util.find_spec("h5py") is not None
MODEL_FORMATS = [".gk"] + ([".keras"] if HAS_H5PY else [])
WEIGHT_FORMATS = [".weights.npz"] + ([".weights.h5"] if HAS_H5PY else [])


def rename_everything(data, model) -> None:
    """Give every layer and model a distinct name drawn from Unicode."""
    named = []
    for network in all_networks(model):
        for layer in [network, *network.layers]:
            if not any(layer is seen for seen in named):
                named.append(layer)
    names = data.draw(
        st.lists(LAYER_NAMES, min_size=len(named), max_size=len(named), unique=True),
        label="names",
    )
    for layer, name in zip(named, names, strict=True):
        layer.name = name


def outputs(model, arrays) -> list[np.ndarray]:
    result = model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
    return result if isinstance(result, list) else [result]


def assert_same(actual: list, expected: list) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@settings(
    max_examples=100,  # x5 formats each; one of the longest tests of the suite
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_every_format_reloads_a_random_model_with_identical_outputs(tmp_path_factory, data):
    case = draw_case(data)
    rename_everything(data, case.model)
    folder = tmp_path_factory.mktemp("round-trip")
    expected = outputs(case.model, case.arrays)
    inline_elements = data.draw(st.sampled_from([0, graph_constants.INLINE_ELEMENTS]))
    # Each Keras load starts an HDF5 reader process (about 0.3 s): a third of the
    # examples, about 100 of the 300, go through the Keras formats too.
    through_keras = data.draw(st.integers(0, 2), label="through Keras formats") == 0
    model_formats = MODEL_FORMATS if through_keras else MODEL_FORMATS[:1]
    weight_formats = WEIGHT_FORMATS if through_keras else WEIGHT_FORMATS[:1]
    with mock.patch.object(graph_constants, "INLINE_ELEMENTS", inline_elements):
        for suffix in model_formats:
            path = folder / f"model{suffix}"
            case.model.save(path)
            loaded = gk.models.load_model(path)
            assert [layer.name for layer in loaded.layers] == [
                layer.name for layer in case.model.layers
            ]
            assert_same(outputs(loaded, case.arrays), expected)

    for suffix in weight_formats:
        rebuilt = gk.Model.from_config(case.model.get_config())
        weights_path = folder / f"model{suffix}"
        case.model.save_weights(weights_path)
        rebuilt.load_weights(weights_path)
        assert_same(outputs(rebuilt, case.arrays), expected)
