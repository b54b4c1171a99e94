"""Node (API.md section 3): attributes, links into the graph, invariants, source inputs."""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine import Node, get_source_inputs


class Split(layers.Layer):
    """Two outputs: the first feature, and the others."""

    def call(self, inputs):
        return [inputs[:, :1], inputs[:, 1:]]


class NonZeroMask(layers.Layer):
    """Identity whose mask marks the timesteps with any non-zero feature."""

    def call(self, inputs):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.any(K.not_equal(inputs, 0), axis=-1)


class Scale(layers.Layer):
    """Multiplies by a keyword ``factor`` given at call time."""

    def call(self, inputs, factor=1.0):
        return K.multiply(inputs, factor)


def all_nodes(model):
    return [node for nodes in model._nodes_by_depth.values() for node in nodes]


# ---------------------------------------------------------------- attributes

NODE_ATTRIBUTES = (
    "outbound_layer",
    "layer",
    "inbound_layers",
    "node_indices",
    "tensor_indices",
    "input_tensors",
    "output_tensors",
    "input_shapes",
    "output_shapes",
    "input_masks",
    "output_masks",
    "arguments",
    "parent_nodes",
    "get_config",
)


def test_node_has_every_documented_attribute():
    node = layers.Dense(2)(gk.Input(shape=(3,))).node
    assert isinstance(node, Node)
    for attribute in NODE_ATTRIBUTES:
        assert hasattr(node, attribute), attribute


def test_node_outbound_layer_is_called_layer_and_layer_is_alias():
    dense = layers.Dense(2)
    node = dense(gk.Input(shape=(3,))).node
    assert node.outbound_layer is dense
    assert node.layer is dense


def test_node_inbound_layers_are_producers_of_inputs():
    x = gk.Input(shape=(3,), name="x")
    hidden = layers.Dense(4, name="hidden")
    h = hidden(x)
    node = layers.Dense(2)(h).node
    assert node.inbound_layers == [hidden]
    assert hidden(x).node.inbound_layers == [x._keras_history.layer]


def test_node_input_and_output_tensors_are_lists_of_the_call_tensors():
    x = gk.Input(shape=(3,))
    y = layers.Dense(2)(x)
    node = y.node
    assert isinstance(node.input_tensors, list) and isinstance(node.output_tensors, list)
    assert len(node.input_tensors) == 1 and node.input_tensors[0] is x
    assert len(node.output_tensors) == 1 and node.output_tensors[0] is y


def test_node_shapes_are_lists_of_tuples():
    x = gk.Input(shape=(3,))
    node = layers.Dense(2)(x).node
    assert node.input_shapes == [(None, 3)]
    assert node.output_shapes == [(None, 2)]


def test_node_masks_are_none_without_masking():
    node = layers.Dense(2)(gk.Input(shape=(3,))).node
    assert node.input_masks == [None]
    assert node.output_masks == [None]


def test_node_masks_hold_symbolic_masks():
    x = gk.Input(shape=(5, 2))
    masked = NonZeroMask()(x)
    node = layers.Activation("relu")(masked).node
    assert node.input_masks == [masked._keras_mask]
    assert node.input_masks[0] is masked._keras_mask
    assert node.output_masks[0].shape == (None, 5)
    assert masked.node.input_masks == [None]
    assert masked.node.output_masks[0] is masked._keras_mask


def test_node_indices_point_to_node_of_shared_producer():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    shared = layers.Dense(4)
    shared(a)
    from_b = shared(b)
    node = layers.Dense(2)(from_b).node
    assert node.inbound_layers == [shared]
    assert node.node_indices == [1]
    assert node.tensor_indices == [0]


def test_tensor_indices_select_outputs_of_multi_output_node():
    x = gk.Input(shape=(3,))
    split = Split()
    first, rest = split(x)
    node = layers.concatenate([rest, first]).node
    assert node.inbound_layers == [split, split]
    assert node.node_indices == [0, 0]
    assert node.tensor_indices == [1, 0]
    assert node.input_shapes == [(None, 2), (None, 1)]
    assert split._inbound_nodes[0].output_shapes == [(None, 1), (None, 2)]


def test_parent_nodes_are_producing_nodes_in_input_order():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    fa = layers.Dense(2)(a)
    gb = layers.Dense(2)(b)
    node = layers.concatenate([fa, gb]).node
    assert len(node.parent_nodes) == 2
    assert node.parent_nodes[0] is fa.node
    assert node.parent_nodes[1] is gb.node


def test_parent_nodes_list_a_node_once_when_consumed_twice():
    x = gk.Input(shape=(3,))
    h = layers.Dense(3)(x)
    node = (h + h).node
    assert len(node.parent_nodes) == 1
    assert node.parent_nodes[0] is h.node


def test_node_get_config_names_layers_and_indices():
    x = gk.Input(shape=(3,), name="x")
    shared = layers.Dense(3, name="shared")
    shared(gk.Input(shape=(3,), name="other"))
    h = shared(x)
    first, rest = Split(name="split")(h)
    node = layers.concatenate([rest, h, first], name="joined").node
    assert node.get_config() == {
        "outbound_layer": "joined",
        "inbound_layers": ["split", "shared", "split"],
        "node_indices": [0, 1, 0],
        "tensor_indices": [1, 0, 0],
    }


# ------------------------------------------------------------------ links


def test_call_appends_node_to_inbound_nodes():
    dense = layers.Dense(2)
    assert dense._inbound_nodes == []
    y1 = dense(gk.Input(shape=(3,)))
    y2 = dense(gk.Input(shape=(3,)))
    assert len(dense._inbound_nodes) == 2
    assert dense._inbound_nodes[0] is y1.node
    assert dense._inbound_nodes[1] is y2.node


def test_call_appends_node_to_each_producer_outbound_nodes():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    node = layers.add([a, b]).node
    assert a._keras_history.layer._outbound_nodes == [node]
    assert b._keras_history.layer._outbound_nodes == [node]


def test_node_feeding_twice_is_listed_twice_in_outbound_nodes():
    x = gk.Input(shape=(3,))
    node = (x + x).node
    outbound = x._keras_history.layer._outbound_nodes
    assert len(outbound) == 2
    assert outbound[0] is node and outbound[1] is node


def test_outbound_nodes_accumulate_over_consumers():
    x = gk.Input(shape=(3,))
    first = layers.Dense(2)(x).node
    second = layers.Dense(4)(x).node
    assert x._keras_history.layer._outbound_nodes == [first, second]


def test_inbound_and_outbound_nodes_properties_match_private_lists():
    x = gk.Input(shape=(3,))
    dense = layers.Dense(2)
    y = dense(x)
    layers.Dense(1)(y)
    assert list(dense.inbound_nodes) == dense._inbound_nodes
    assert list(dense.outbound_nodes) == dense._outbound_nodes
    assert len(dense.outbound_nodes) == 1


def test_inbound_and_outbound_nodes_properties_are_read_only():
    dense = layers.Dense(2)
    dense(gk.Input(shape=(3,)))
    with pytest.raises(AttributeError):
        dense.inbound_nodes = []
    with pytest.raises(AttributeError):
        dense.outbound_nodes = []
    with pytest.raises(AttributeError):
        dense.inbound_nodes.append(None)
    assert len(dense._inbound_nodes) == 1


def test_eager_call_records_no_node():
    dense = layers.Dense(2)
    dense(np.ones((2, 3), "float32"))
    assert dense._inbound_nodes == []
    assert dense._outbound_nodes == []


# -------------------------------------------------------------- arguments


def test_arguments_are_empty_without_extra_keywords():
    node = layers.Dense(2)(gk.Input(shape=(3,))).node
    assert node.arguments == {}


def test_arguments_hold_non_tensor_keywords():
    x = gk.Input(shape=(3,))
    node = Scale()(x, factor=3.0).node
    assert node.arguments == {"factor": 3.0}
    dropout_node = layers.Dropout(0.5)(x, training=True).node
    assert dropout_node.arguments == {"training": True}


def test_recorded_arguments_are_replayed_when_model_runs():
    x = gk.Input(shape=(3,))
    model = gk.Model(x, Scale()(x, factor=3.0))
    np.testing.assert_allclose(model(np.ones((1, 3), "float32")), [[3.0, 3.0, 3.0]])


def test_input_node_arguments_are_empty():
    assert gk.Input(shape=(3,)).node.arguments == {}


def test_network_node_zero_arguments_are_empty():
    x = gk.Input(shape=(3,))
    model = gk.Model(x, layers.Dense(2)(x))
    assert model._inbound_nodes[0].arguments == {}


# ---------------------------------------------------------------- Input node


def test_input_node_has_no_inbound_layers():
    x = gk.Input(shape=(3,))
    node = x._keras_history.layer._inbound_nodes[0]
    assert node is x.node
    assert node.inbound_layers == []
    assert node.node_indices == []
    assert node.tensor_indices == []
    assert node.parent_nodes == []


def test_input_node_holds_its_tensor_as_input_and_output():
    x = gk.Input(shape=(3,))
    node = x.node
    assert len(node.input_tensors) == 1 and node.input_tensors[0] is x
    assert len(node.output_tensors) == 1 and node.output_tensors[0] is x
    assert node.input_shapes == node.output_shapes == [(None, 3)]


def test_input_node_get_config():
    x = gk.Input(shape=(3,), name="features")
    assert x.node.get_config() == {
        "outbound_layer": "features",
        "inbound_layers": [],
        "node_indices": [],
        "tensor_indices": [],
    }


def test_input_layer_holds_exactly_one_node():
    x = gk.Input(shape=(3,))
    layers.Dense(2)(x)
    assert len(x._keras_history.layer._inbound_nodes) == 1


# ------------------------------------------------------------- network nodes


def test_network_node_zero_links_inputs_to_outputs():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    out = layers.add([layers.Dense(2)(a), layers.Dense(2)(b)])
    model = gk.Model([a, b], out)
    node = model._inbound_nodes[0]
    assert node.inbound_layers == []
    assert node.input_tensors == model.inputs
    assert node.input_tensors[0] is a and node.input_tensors[1] is b
    assert node.output_tensors[0] is out
    assert model.get_output_at(0) is model.outputs[0]


def test_calling_model_symbolically_adds_node_one():
    x = gk.Input(shape=(3,))
    model = gk.Model(x, layers.Dense(2)(x))
    outer_input = gk.Input(shape=(3,))
    y = model(outer_input)
    assert len(model._inbound_nodes) == 2
    node = model._inbound_nodes[1]
    assert y.node is node
    assert node.inbound_layers == [outer_input._keras_history.layer]
    assert node.arguments == {}
    assert y._keras_history == (model, 1, 0)


# ------------------------------------------------------------- invariant


def identity_invariant_holds(node) -> bool:
    for i in range(len(node.inbound_layers)):
        tensor = node.input_tensors[i]
        producer = node.inbound_layers[i]._inbound_nodes[node.node_indices[i]]
        if producer.output_tensors[node.tensor_indices[i]] is not tensor:
            return False
    return True


def test_identity_invariant_holds_for_every_node_of_a_rich_graph():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    shared = layers.Dense(3)
    sa, sb = shared(a), shared(b)
    first, rest = Split()(sb)
    joined = layers.concatenate([rest, sa, first, sa * 2.0])
    out = layers.Dense(1)(joined + joined)
    model = gk.Model([a, b], out)
    nodes = [node for node in all_nodes(model) if node.inbound_layers]
    assert len(nodes) == 7
    for node in nodes:
        assert len(node.inbound_layers) == len(node.input_tensors)
        assert len(node.node_indices) == len(node.input_tensors)
        assert len(node.tensor_indices) == len(node.input_tensors)
        assert identity_invariant_holds(node)


def test_identity_invariant_holds_for_nested_model_nodes():
    x = gk.Input(shape=(3,))
    inner = gk.Model(x, layers.Dense(2)(x))
    outer_input = gk.Input(shape=(3,))
    first = inner(layers.Dense(3)(outer_input))
    second = inner(outer_input)
    model = gk.Model(outer_input, layers.Dense(1)(first + second))
    assert len(inner._inbound_nodes) == 3
    assert second._keras_history == (inner, 2, 0)
    nodes = [node for node in all_nodes(model) if node.inbound_layers]
    assert len(nodes) == 5
    for node in nodes:
        assert identity_invariant_holds(node)


# ------------------------------------------------------------ source inputs


def test_source_inputs_follow_call_order_of_inputs():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    out = layers.concatenate([layers.Dense(2)(a), layers.Dense(2)(b)])
    sources = get_source_inputs(out)
    assert len(sources) == 2
    assert sources[0] is a and sources[1] is b


def test_source_inputs_order_changes_with_call_order():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    out = layers.concatenate([layers.Dense(2)(b), layers.Dense(2)(a)])
    sources = get_source_inputs(out)
    assert sources[0] is b and sources[1] is a


def test_source_inputs_list_each_input_once():
    a = gk.Input(shape=(3,))
    h = layers.Dense(3)(a)
    sources = get_source_inputs(h + a + h)
    assert len(sources) == 1 and sources[0] is a


def test_source_inputs_of_an_input_is_itself():
    a = gk.Input(shape=(3,))
    sources = get_source_inputs(a)
    assert len(sources) == 1 and sources[0] is a


def test_source_inputs_walk_depth_first_through_each_branch():
    a = gk.Input(shape=(3,))
    b = gk.Input(shape=(3,))
    c = gk.Input(shape=(3,))
    left = layers.add([layers.Dense(3)(a), c])
    out = layers.concatenate([left, b, a])
    sources = get_source_inputs(out)
    assert [id(t) for t in sources] == [id(a), id(c), id(b)]


def test_source_inputs_is_exported_from_engine():
    assert gk.engine.get_source_inputs is get_source_inputs
