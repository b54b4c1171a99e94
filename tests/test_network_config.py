"""Tests for functional model configs (API.md section 5, "Config format").

``get_config`` writes Keras 2.2's layout with node indices renumbered within
the model; ``Model.from_config`` and ``model_from_json`` rebuild shared
layers, nested models and multi-node layers node for node, so a rebuilt model
given the same weights computes identical outputs; broken configs raise
``ValueError`` naming what is missing.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def data(rows: int, cols: int, seed: int = 0):
    return np.random.default_rng(seed).normal(size=(rows, cols)).astype("float32")


def inbound(config: dict) -> dict:
    """``{layer name: inbound_nodes}`` of a network config."""
    return {entry["name"]: entry["inbound_nodes"] for entry in config["layers"]}


def assert_same_outputs(original, rebuilt, values) -> None:
    rebuilt.set_weights(original.get_weights())
    expected, got = original(values), rebuilt(values)
    if isinstance(expected, dict):
        assert set(got) == set(expected)
        expected, got = [expected[k] for k in sorted(expected)], [got[k] for k in sorted(expected)]
    elif not isinstance(expected, list | tuple):
        expected, got = [expected], [got]
    assert len(got) == len(expected)
    for want, have in zip(expected, got, strict=True):
        np.testing.assert_array_equal(have, want)


class Scale(layers.Layer):
    """Multiplies by one learned scalar; known to configs only through custom_objects."""

    def build(self, input_shape):
        self.factor = self.add_weight("factor", shape=(), initializer="ones")

    def call(self, inputs):
        return K.multiply(inputs, self.factor)


# ------------------------------------------------------------------ format


def test_config_has_the_keras_2_2_layout():
    x = gk.Input(shape=(3,), name="x")
    dense = layers.Dense(2, name="d")
    drop = layers.Dropout(0.5, name="drop")
    model = gk.Model(x, drop(dense(x), training=True), name="net")
    config = model.get_config()
    assert set(config) - {"trainable"} == {"name", "layers", "input_layers", "output_layers"}
    assert config["name"] == "net"
    assert config["layers"] == [
        {
            "name": "x",
            "class_name": "InputLayer",
            "config": x._keras_history.layer.get_config(),
            "inbound_nodes": [],
        },
        {
            "name": "d",
            "class_name": "Dense",
            "config": dense.get_config(),
            "inbound_nodes": [[["x", 0, 0, {}]]],
        },
        {
            "name": "drop",
            "class_name": "Dropout",
            "config": drop.get_config(),
            "inbound_nodes": [[["d", 0, 0, {"training": True}]]],
        },
    ]
    assert config["input_layers"] == [["x", 0, 0]]
    assert config["output_layers"] == [["drop", 0, 0]]


def test_config_is_json_serialisable_and_stable():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    config = model.get_config()
    assert json.loads(json.dumps(config)) == config
    assert model.get_config() == config


def test_config_layers_follow_model_layers_order():
    x = gk.Input(shape=(3,), name="x")
    head = layers.Dense(1, name="head")
    body = layers.Dense(2, name="body")
    model = gk.Model(x, head(body(x)))
    assert [entry["name"] for entry in model.get_config()["layers"]] == ["x", "body", "head"]


def test_multi_input_merge_node_lists_every_input():
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    model = gk.Model([a, b], [layers.concatenate([b, a], name="cat"), a])
    config = model.get_config()
    assert inbound(config)["cat"] == [[["b", 0, 0, {}], ["a", 0, 0, {}]]]
    assert config["input_layers"] == [["a", 0, 0], ["b", 0, 0]]
    assert config["output_layers"] == [["cat", 0, 0], ["a", 0, 0]]


def test_call_keywords_are_kept_in_the_node():
    x = gk.Input(shape=(2,), name="x")
    model = gk.Model(x, layers.concatenate([x, x], axis=-1, name="cat"))
    assert inbound(model.get_config())["cat"] == [[["x", 0, 0, {}], ["x", 0, 0, {}]]]


# ------------------------------------------------------ node renumbering


def test_nodes_outside_the_model_are_dropped_and_indices_renumbered():
    x = gk.Input(shape=(2,), name="x")
    elsewhere = gk.Input(shape=(2,), name="elsewhere")
    shared = layers.Dense(2, name="shared")
    shared(elsewhere)  # node 0, not part of the model
    head = layers.Dense(1, name="head")
    model = gk.Model(x, head(shared(x)))  # shared's node 1 is the model's node 0
    config = model.get_config()
    assert inbound(config) == {
        "x": [],
        "shared": [[["x", 0, 0, {}]]],
        "head": [[["shared", 0, 0, {}]]],
    }
    assert "elsewhere" not in inbound(config)


def test_kept_nodes_of_a_shared_layer_are_numbered_in_their_order():
    x = gk.Input(shape=(2,), name="x")
    elsewhere = gk.Input(shape=(2,), name="elsewhere")
    shared = layers.Dense(2, name="shared")
    first = shared(x)  # node 0: kept as 0
    shared(elsewhere)  # node 1: dropped
    second = shared(first)  # node 2: kept as 1
    model = gk.Model(x, [second, first])
    config = model.get_config()
    assert inbound(config)["shared"] == [[["x", 0, 0, {}]], [["shared", 0, 0, {}]]]
    assert config["output_layers"] == [["shared", 1, 0], ["shared", 0, 0]]


def test_nested_model_first_call_inside_is_node_one():
    inner_x = gk.Input(shape=(2,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dense(2, name="inner_dense")(inner_x), name="inner")
    inner(gk.Input(shape=(2,), name="stray"))  # node 1 of inner, outside the outer model
    x = gk.Input(shape=(2,), name="x")
    head = layers.Dense(1, name="head")
    outer = gk.Model(x, head(inner(x)))  # inner's node 2 is the outer model's inner node 1
    config = outer.get_config()
    assert inbound(config)["inner"] == [[["x", 0, 0, {}]]]
    assert inbound(config)["head"] == [[["inner", 1, 0, {}]]]


def test_nested_model_called_twice_gets_nodes_one_and_two():
    inner_x = gk.Input(shape=(2,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dense(2, name="inner_dense")(inner_x), name="inner")
    a = gk.Input(shape=(2,), name="a")
    b = gk.Input(shape=(2,), name="b")
    outer = gk.Model([a, b], [inner(a), inner(b)])
    config = outer.get_config()
    assert inbound(config)["inner"] == [[["a", 0, 0, {}]], [["b", 0, 0, {}]]]
    assert config["output_layers"] == [["inner", 1, 0], ["inner", 2, 0]]


def test_nested_model_entry_holds_its_own_config():
    inner_x = gk.Input(shape=(2,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dense(2, name="inner_dense")(inner_x), name="inner")
    x = gk.Input(shape=(2,), name="x")
    outer = gk.Model(x, inner(x))
    entry = next(e for e in outer.get_config()["layers"] if e["name"] == "inner")
    assert entry["class_name"] == "Model"
    assert entry["config"] == inner.get_config()
    assert entry["config"]["output_layers"] == [["inner_dense", 0, 0]]


def test_dict_model_config_stores_input_and_output_keys():
    left = gk.Input(shape=(2,), name="left_input")
    right = gk.Input(shape=(2,), name="right_input")
    model = gk.Model(
        {"r": right, "l": left},
        {"sum": layers.add([left, right], name="sum"), "diff": layers.subtract([left, right])},
    )
    config = model.get_config()
    assert config["input_keys"] == ["l", "r"]
    assert config["output_keys"] == ["diff", "sum"]
    assert config["input_layers"] == [["left_input", 0, 0], ["right_input", 0, 0]]
    assert config["output_layers"][1] == ["sum", 0, 0]


def test_list_model_config_has_no_keys():
    x = gk.Input(shape=(2,), name="x")
    config = gk.Model([x], [layers.Dense(1)(x)]).get_config()
    assert "input_keys" not in config and "output_keys" not in config


# ------------------------------------------------- output structures (Keras 3)


def two_output_model(structure: str):
    """One input, two Dense outputs ``a`` (2 units) and ``b`` (1 unit), as ``structure``."""
    x = gk.Input(shape=(3,), name="x")
    a = layers.Dense(2, name="a")(x)
    b = layers.Dense(1, name="b")(x)
    outputs = {"list": [a, b], "tuple": (a, b), "dict": {"a": a, "b": b}}[structure]
    return gk.Model(x, outputs)


STRUCTURES = {"list": list, "tuple": tuple, "dict": dict}


def as_flat(values) -> list:
    return [values[k] for k in sorted(values)] if isinstance(values, dict) else list(values)


def test_tuple_outputs_give_a_tuple_from_call_predict_and_a_symbolic_call():
    model = two_output_model("tuple")
    values = data(4, 3)
    assert isinstance(model(values), tuple)
    assert isinstance(model.predict(values, verbose=0), tuple)
    assert isinstance(model(gk.Input(shape=(3,))), tuple)
    assert isinstance(model.output, tuple)


def test_tuple_model_config_says_so_and_a_list_model_config_does_not():
    assert two_output_model("tuple").get_config()["output_structure"] == "tuple"
    assert "output_structure" not in two_output_model("list").get_config()
    assert "output_structure" not in two_output_model("dict").get_config()


def rebuilt_by(route: str, model, tmp_path):
    """``model`` rebuilt along ``route``, holding ``model``'s weights."""
    if route == "gk_file":
        path = str(tmp_path / "m.gk")
        model.save(path)
        return gk.models.load_model(path)
    if route == "from_config":
        rebuilt = gk.Model.from_config(model.get_config())
    elif route == "json":
        rebuilt = gk.models.model_from_json(model.to_json())
    else:
        rebuilt = gk.models.clone_model(model)
    rebuilt.set_weights(model.get_weights())
    return rebuilt


@pytest.mark.parametrize("route", ["from_config", "json", "gk_file", "clone"])
@pytest.mark.parametrize("structure", sorted(STRUCTURES))
def test_rebuilt_model_returns_the_structure_its_outputs_were_given_in(structure, route, tmp_path):
    # Keras 3 keeps list, tuple and dict outputs through from_config(get_config()).
    model = two_output_model(structure)
    rebuilt = rebuilt_by(route, model, tmp_path)
    values = data(4, 3)
    for got in (rebuilt(values), rebuilt.predict(values, verbose=0)):
        assert type(got) is STRUCTURES[structure]
        for expected, value in zip(as_flat(model(values)), as_flat(got), strict=True):
            # Same weights, same graph, same path through the backend: bit-identical.
            np.testing.assert_array_equal(value, expected)
    assert type(rebuilt(gk.Input(shape=(3,)))) is STRUCTURES[structure]


def test_tuple_inputs_stay_a_tuple_through_from_config():
    left, right = gk.Input(shape=(2,), name="left"), gk.Input(shape=(2,), name="right")
    model = gk.Model((left, right), layers.add([left, right]))
    rebuilt = gk.Model.from_config(model.get_config())
    assert isinstance(rebuilt.input, tuple)
    assert [t.name for t in rebuilt.input] == ["left", "right"]


def test_one_output_in_a_tuple_is_called_bare_and_kept_a_tuple_in_the_config():
    x = gk.Input(shape=(3,), name="x")
    model = gk.Model(x, (layers.Dense(2, name="a")(x),))
    rebuilt = gk.Model.from_config(model.get_config())
    assert isinstance(rebuilt.output, tuple) and len(rebuilt.output) == 1
    assert rebuilt(data(1, 3)).shape == (1, 2)


def test_a_keras_3_style_config_with_tuple_output_layers_rebuilds_a_tuple_model():
    # Keras 3's get_config() maps the outputs' own structure: a tuple of references.
    config = two_output_model("list").get_config()
    config["output_layers"] = tuple(config["output_layers"])
    assert isinstance(gk.Model.from_config(config).output, tuple)


@pytest.mark.parametrize("value", ["set", None, 1])
def test_a_malformed_output_structure_is_refused_naming_the_field(value):
    config = two_output_model("tuple").get_config()
    config["output_structure"] = value
    with pytest.raises(ValueError, match=r"'output_structure' must be 'list' or 'tuple'"):
        gk.Model.from_config(config)


# ------------------------------------------------------------ rebuilding


def build_tangled_model():
    """Shared layer at two depths (deep node first), nested model called twice, ops."""
    inner_x = gk.Input(shape=(2,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dense(2, name="inner_dense")(inner_x), name="inner")
    inner(gk.Input(shape=(2,), name="stray"))
    x = gk.Input(shape=(2,), name="x")
    shared = layers.Dense(2, name="shared")
    middle = layers.Dense(2, name="middle", activation="tanh")
    deep = shared(middle(x))  # shared node 0 is the deep one
    shallow = shared(x)  # shared node 1 only needs x
    first, second = inner(deep), inner(shallow)
    out = layers.concatenate([first, second], name="cat")
    return gk.Model(x, [out, x + first, deep[:, :1]], name="tangled")


def test_from_config_rebuilds_shared_and_nested_layers_with_identical_outputs():
    model = build_tangled_model()
    rebuilt = gk.Model.from_config(model.get_config())
    assert rebuilt is not model
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    assert_same_outputs(model, rebuilt, data(5, 2))


def test_from_config_replays_each_layer_s_nodes_in_order():
    model = build_tangled_model()
    rebuilt = gk.Model.from_config(model.get_config())
    shared = rebuilt.get_layer("shared")
    assert shared.get_input_at(0) is rebuilt.get_layer("middle").get_output_at(0)
    assert shared.get_input_at(1) is rebuilt.inputs[0]
    assert rebuilt.get_config() == model.get_config()


def test_from_config_rebuilt_model_has_the_same_depths():
    model = build_tangled_model()
    rebuilt = gk.Model.from_config(model.get_config())

    def depths(m):
        return {
            d: sorted((n.outbound_layer.name, n.node_index) for n in nodes)
            for d, nodes in m._nodes_by_depth.items()
        }

    # The original inner model had a stray call (its node 1) that the rebuilt one lacks.
    assert depths(rebuilt) == {
        d: [(name, index - (name == "inner")) for name, index in nodes]
        for d, nodes in depths(model).items()
    }


def test_from_config_restores_dict_structure():
    left = gk.Input(shape=(2,), name="left_input")
    right = gk.Input(shape=(2,), name="right_input")
    dense = layers.Dense(3, name="d")
    model = gk.Model(
        {"l": left, "r": right}, {"sum": dense(layers.add([left, right])), "right": right}
    )
    rebuilt = gk.Model.from_config(model.get_config())
    assert rebuilt.input_names == ["l", "r"]
    values = {"l": data(3, 2), "r": data(3, 2, seed=1)}
    rebuilt.set_weights(model.get_weights())
    got, want = rebuilt(values), model(values)
    assert set(got) == {"sum", "right"}
    np.testing.assert_array_equal(got["sum"], want["sum"])
    np.testing.assert_array_equal(got["right"], values["r"])


def test_from_config_keeps_frozen_state():
    x = gk.Input(shape=(2,), name="x")
    model = gk.Model(x, layers.Dense(2, name="d")(x))
    model.trainable = False
    rebuilt = gk.Model.from_config(model.get_config())
    assert not rebuilt.trainable
    assert rebuilt.trainable_weights == []


def test_from_config_uses_custom_objects():
    x = gk.Input(shape=(2,), name="x")
    scale = Scale(name="scale")
    model = gk.Model(x, scale(x))
    scale.set_weights([np.array(3.0, "float32")])
    rebuilt = gk.Model.from_config(model.get_config(), custom_objects={"Scale": Scale})
    assert isinstance(rebuilt.get_layer("scale"), Scale)
    assert_same_outputs(model, rebuilt, data(2, 2))
    np.testing.assert_allclose(rebuilt(np.ones((1, 2), "float32")), [[3.0, 3.0]])


def test_to_json_and_model_from_json_round_trip():
    model = build_tangled_model()
    text = model.to_json()
    payload = json.loads(text)
    assert payload["class_name"] == "Model"
    assert payload["config"] == model.get_config()
    rebuilt = gk.models.model_from_json(text)
    assert isinstance(rebuilt, gk.Model)
    assert_same_outputs(model, rebuilt, data(4, 2))


def test_to_json_passes_json_keywords_through():
    x = gk.Input(shape=(2,), name="x")
    model = gk.Model(x, layers.Dense(1, name="d")(x))
    assert "\n  " in model.to_json(indent=2)
    assert json.loads(model.to_json(indent=2)) == json.loads(model.to_json())


def test_model_from_config_takes_class_name_and_config():
    x = gk.Input(shape=(2,), name="x")
    model = gk.Model(x, layers.Dense(1, name="d")(x))
    rebuilt = gk.models.model_from_config({"class_name": "Model", "config": model.get_config()})
    assert_same_outputs(model, rebuilt, data(3, 2))


def test_model_from_json_of_invalid_text_raises():
    with pytest.raises(ValueError, match="not valid JSON"):
        gk.models.model_from_json("{not json")


# ----------------------------------------------------------- broken configs


def simple_config() -> dict:
    x = gk.Input(shape=(2,), name="x")
    a = layers.Dense(2, name="a")
    b = layers.Dense(2, name="b")
    return gk.Model(x, b(a(x))).get_config()


def test_reference_to_a_missing_layer_raises_naming_it():
    config = simple_config()
    config["layers"][2]["inbound_nodes"] = [[["ghost", 0, 0, {}]]]
    with pytest.raises(ValueError, match="'b'.*'ghost'.*not in the config"):
        gk.Model.from_config(config)


def test_reference_to_a_missing_node_raises_naming_it():
    config = simple_config()
    config["layers"][2]["inbound_nodes"] = [[["a", 3, 0, {}]]]
    with pytest.raises(ValueError, match="node 3 of layer 'a'.*only 1 node"):
        gk.Model.from_config(config)


def test_output_reference_to_a_missing_node_raises():
    config = simple_config()
    config["output_layers"] = [["b", 1, 0]]
    with pytest.raises(ValueError, match="node 1 of layer 'b'"):
        gk.Model.from_config(config)


def test_config_whose_nodes_loop_raises():
    config = simple_config()
    config["layers"][1]["inbound_nodes"] = [[["b", 0, 0, {}]]]
    with pytest.raises(ValueError, match="in a loop") as info:
        gk.Model.from_config(config)
    assert "a[0]" in str(info.value) and "b[0]" in str(info.value)


def test_config_naming_a_layer_twice_raises():
    config = simple_config()
    config["layers"].append(copy.deepcopy(config["layers"][1]))
    with pytest.raises(ValueError, match="'a' twice"):
        gk.Model.from_config(config)


def test_broken_config_leaves_the_original_model_untouched():
    x = gk.Input(shape=(2,), name="x")
    dense = layers.Dense(2, name="d")
    model = gk.Model(x, dense(x))
    values = data(3, 2)
    before = model(values)
    config = model.get_config()
    config["layers"][1]["inbound_nodes"] = [[["nowhere", 0, 0, {}]]]
    with pytest.raises(ValueError):
        gk.Model.from_config(config)
    np.testing.assert_array_equal(model(values), before)
    assert len(dense._inbound_nodes) == 1


def test_a_model_built_frozen_gives_back_the_same_config():
    features = gk.Input((3,))
    frozen = gk.Model(features, layers.Dense(2, name="dense")(features), trainable=False)
    config = frozen.get_config()
    rebuilt = gk.Model.from_config(config)
    assert rebuilt.get_config() == config
    assert rebuilt.trainable is False and rebuilt.trainable_weights == []
    assert rebuilt.get_layer("dense").trainable is True
