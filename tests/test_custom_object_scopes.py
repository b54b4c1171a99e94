"""``custom_object_scope`` / ``CustomObjectScope`` and ``get_custom_objects``, as in Keras 3."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


class Doubling(layers.Layer):
    def call(self, inputs):
        return inputs * 2.0

    def compute_output_shape(self, input_shape):
        return input_shape


class Tripling(Doubling):
    def call(self, inputs):
        return inputs * 3.0


@pytest.fixture
def saved_path(tmp_path):
    inputs = gk.Input((2,))
    path = tmp_path / "model.gk"
    gk.Model(inputs, Doubling(name="times")(inputs)).save(path)
    return path


def test_a_scope_lets_a_file_name_a_custom_layer_only_while_it_is_open(saved_path):
    with pytest.raises(ValueError, match="Unknown layer: 'Doubling'"):
        gk.models.load_model(saved_path)
    with gk.saving.custom_object_scope({"Doubling": Doubling}):
        loaded = gk.models.load_model(saved_path)
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[2.0, 2.0]], rtol=1e-6)
    with pytest.raises(ValueError, match="Unknown layer: 'Doubling'"):
        gk.models.load_model(saved_path)


def test_inner_scopes_win_and_custom_objects_win_over_every_scope(saved_path):
    with gk.utils.CustomObjectScope({"Doubling": Doubling}):
        with gk.utils.custom_object_scope({"Doubling": Tripling}):
            inner = gk.models.load_model(saved_path)
        given = gk.models.load_model(saved_path, custom_objects={"Doubling": Doubling})
        outer = gk.models.load_model(saved_path)
    assert isinstance(inner.get_layer("times"), Tripling)
    assert type(given.get_layer("times")) is Doubling
    assert type(outer.get_layer("times")) is Doubling


def test_a_scope_is_seen_only_by_its_own_thread(saved_path):
    errors = []

    def load_elsewhere():
        try:
            gk.models.load_model(saved_path)
        except ValueError as error:
            errors.append(str(error))

    with gk.saving.custom_object_scope({"Doubling": Doubling}):
        worker = threading.Thread(target=load_elsewhere)
        worker.start()
        worker.join()
    assert len(errors) == 1 and "Unknown layer: 'Doubling'" in errors[0]


def test_adding_to_get_custom_objects_registers_by_that_name(saved_path):
    table = gk.saving.get_custom_objects()
    table["Doubling"] = Doubling
    try:
        loaded = gk.models.load_model(saved_path)
    finally:
        del table["Doubling"]
    assert type(loaded.get_layer("times")) is Doubling


def test_a_scope_takes_only_dicts():
    with pytest.raises(TypeError, match="dicts of name -> object, received list"):
        gk.saving.custom_object_scope([Doubling])
