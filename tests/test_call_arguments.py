"""CallArguments: a layer call's arguments flattened once, and a symbolic call that reads them."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.utils import nest


class Scale(layers.Layer):
    """Multiplies its input by a keyword ``factor`` given at call time."""

    def call(self, inputs, factor=1.0):
        return K.multiply(inputs, factor)


class Product(layers.Layer):
    """``left * right`` from a dict of inputs; no compute_output_shape, so the engine probes."""

    def call(self, inputs):
        return K.multiply(inputs["left"], inputs["right"])


def test_leaves_of_inputs_and_of_the_other_arguments_are_kept_apart():
    a, b, c = gk.Input((2,)), gk.Input((3,)), gk.Input((4,))
    call = CallArguments({"second": b, "first": a}, (c,), {"training": True})
    assert call.input_leaves == [a, b]  # dict values by sorted key
    assert call.argument_leaves == [c, True]


def test_keras_tensors_lists_the_inputs_first_then_those_in_other_arguments():
    a, b, c = gk.Input((2,)), gk.Input((3,)), gk.Input((4,))
    call = CallArguments([a, None, b], (), {"extra": [c, 1.5]})
    assert call.keras_tensors == [a, b, c]


def test_single_tensor_call_has_itself_as_only_leaf():
    x = gk.Input((5,))
    call = CallArguments(x)
    assert call.input_leaves == [x]
    assert call.argument_leaves == []
    assert call.keras_tensors == [x]
    assert call.input_shapes == (None, 5)


def test_input_shapes_keep_the_structure_of_the_inputs():
    a, b = gk.Input((2,)), gk.Input((3, 4))
    call = CallArguments({"b": b, "a": a, "none": None})
    assert call.input_shapes == {"b": (None, 3, 4), "a": (None, 2), "none": None}


def test_input_mask_leaves_give_one_mask_or_none_per_input_leaf():
    tokens = gk.Input((6,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(tokens)
    plain = gk.Input((6, 4))
    call = CallArguments([embedded, plain])
    masks = call.input_mask_leaves
    assert masks[0] is embedded._keras_mask and masks[1] is None


def test_keras_tensors_and_arrays_are_symbolic_and_concrete():
    assert CallArguments(gk.Input((2,))).is_symbolic("layer") is True
    assert CallArguments(np.ones((1, 2), "float32")).is_symbolic("layer") is False
    assert CallArguments([None, gk.Input((2,))]).is_symbolic("layer") is True


def test_array_beside_a_keras_tensor_input_is_refused_with_its_path():
    call = CallArguments(gk.Input((2,)), (), {"factor": np.ones((1, 2), "float32")})
    with pytest.raises(ValueError, match=r"'scale'.*factor \(ndarray\)"):
        call.is_symbolic("scale")


def test_symbolic_call_flattens_a_list_of_inputs_once(monkeypatch):
    flattened = []
    original = nest.flatten

    def counting_flatten(structure):
        flattened.append(structure)
        return original(structure)

    monkeypatch.setattr(nest, "flatten", counting_flatten)
    pair = [gk.Input((4,)), gk.Input((4,))]
    layers.Add()(pair)
    assert sum(structure is pair for structure in flattened) == 1


def test_symbolic_call_that_probes_flattens_its_dict_of_inputs_once(monkeypatch):
    flattened = []
    original = nest.flatten

    def counting_flatten(structure):
        flattened.append(structure)
        return original(structure)

    monkeypatch.setattr(nest, "flatten", counting_flatten)
    named = {"left": gk.Input((3,)), "right": gk.Input((3,))}
    output = Product()(named)
    assert output.shape == (None, 3)
    assert sum(structure is named for structure in flattened) == 1


def test_keyword_tensor_is_linked_into_the_node_from_the_flat_leaves():
    x, factor = gk.Input((3,)), gk.Input((3,))
    y = Scale()(x, factor=factor)
    node = y.node
    assert node.input_tensors == [x, factor]
    assert node.inbound_layers == [x.node.layer, factor.node.layer]
    model = gk.Model([x, factor], y)
    values = np.full((2, 3), 2.0, "float32")
    np.testing.assert_allclose(model([values, values]), np.full((2, 3), 4.0))
