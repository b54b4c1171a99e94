"""``gk.ops`` calls in graphs: listed, drawn, trained, saved to ``.gk`` and ``.keras``, read safely.

The conformance table (``test_ops_conformance.py``) checks each op's numbers;
here the op nodes are checked as parts of models: that a model mixing layers
and ops reloads from both file formats with the same outputs, that gradients
pass through op nodes in training and through ops on arrays on the tape, and
that configs and files holding operations cannot name anything outside the
operations table.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers, ops
from graphkeras.saving import ModelFileError

pytestmark = pytest.mark.usefixtures("backend")

TOLERANCE = dict(rtol=1e-5, atol=1e-6)


def ops_model() -> gk.Model:
    """Layers and many kinds of op: lists of tensors, tuples of outputs, constants, kwargs."""
    tokens = gk.Input(shape=(6,), dtype="int32", name="tokens")
    numbers = gk.Input(shape=(4,), name="numbers")
    words = layers.Embedding(20, 8)(tokens)
    pooled = ops.mean(words, axis=1)
    joined = ops.concatenate([pooled, numbers], axis=-1)
    hidden = layers.Dense(8, activation="relu")(joined)
    scores = ops.softmax(ops.reshape(hidden, (-1, 2, 4)), axis=-1)
    values, indices = ops.top_k(ops.sum(scores, axis=1), 2)
    gate = ops.where(ops.greater(numbers, 0.0), numbers, ops.zeros_like(numbers))
    mixed = ops.einsum("bi,ij->bj", gate, np.arange(12, dtype="float32").reshape(4, 3) / 10)
    picked = ops.take(hidden, np.array([1, 3]), axis=1)
    first, second = ops.split(picked, 2, axis=1)
    out = ops.add(ops.log1p(ops.abs(mixed)), ops.sum(first * second, axis=-1, keepdims=True))
    return gk.Model(
        {"tokens": tokens, "numbers": numbers},
        {"values": values, "indices": indices, "out": out},
        name="ops_model",
    )


def sample_inputs(count: int = 5) -> dict:
    rng = np.random.default_rng(7)
    return {
        "tokens": rng.integers(0, 20, size=(count, 6)).astype("int32"),
        "numbers": rng.normal(size=(count, 4)).astype("float32"),
    }


@pytest.mark.parametrize("suffix", [".gk", ".keras"])
def test_a_model_built_with_ops_reloads_with_equal_outputs(tmp_path, suffix):
    model = ops_model()
    inputs = sample_inputs()
    before = model(inputs)
    model.save(tmp_path / f"model{suffix}")
    reloaded = gk.models.load_model(tmp_path / f"model{suffix}")
    after = reloaded(inputs)
    assert set(after) == set(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], **TOLERANCE)
    assert after["indices"].dtype == np.int32
    assert [layer.name for layer in reloaded.layers] == [layer.name for layer in model.layers]


def test_the_keras_file_records_operations_as_keras_3_does(tmp_path):
    ops_model().save(tmp_path / "model.keras")
    document = json.loads(zipfile.ZipFile(tmp_path / "model.keras").read("config.json"))
    entries = {entry["name"]: entry for entry in document["config"]["layers"]}
    concatenate = entries["concatenate"]
    assert (concatenate["module"], concatenate["class_name"]) == (
        "keras.src.ops.numpy",
        "Concatenate",
    )
    assert concatenate["config"] == {"name": "concatenate", "axis": -1}
    (node,) = concatenate["inbound_nodes"]
    # The tensors travel as the call's first positional argument, a list of two.
    assert [t["config"]["keras_history"][0] for t in node["args"][0]] == ["mean", "numbers"]
    top_k = entries["top_k"]
    assert (top_k["module"], top_k["class_name"]) == ("keras.src.ops.math", "TopK")
    # Arguments left at their defaults are not written (Keras fills them in).
    assert top_k["config"] == {"name": "top_k", "k": 2}
    reshape = entries["reshape"]
    assert reshape["config"]["newshape"] == [-1, 2, 4]  # tuples as lists, as Keras 3 writes


def test_op_nodes_are_listed_and_drawn_like_layers():
    model = ops_model()
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for name in ("concatenate (OperationLayer)", "top_k (OperationLayer)", "einsum"):
        assert name in text
    svg = gk.utils.model_to_svg(model)
    for name in ("concatenate", "top_k", "einsum", "split"):
        assert name in svg
    top_k = model.get_layer("top_k")
    assert [tuple(t.shape) for t in top_k.output] == [(None, 2), (None, 2)]


def test_gradients_flow_through_op_nodes_in_training():
    gk.utils.set_random_seed(3)
    inputs = gk.Input(shape=(3,))
    hidden = layers.Dense(4)(inputs)
    output = ops.sum(ops.square(ops.tanh(hidden)), axis=-1, keepdims=True)
    model = gk.Model(inputs, layers.Dense(1)(output))
    model.compile(optimizer=gk.optimizers.SGD(0.1), loss="mse")
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x[:, :1] ** 2
    kernel_before = model.layers[1].kernel.numpy()
    history = model.fit(x, y, epochs=5, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # The first Dense is only reached through the op nodes, so it changed.
    assert not np.allclose(model.layers[1].kernel.numpy(), kernel_before)


def test_ops_on_arrays_are_recorded_by_the_gradient_tape():
    x = gk.backend.variable(np.array([[1.0, -2.0, 3.0]], "float32"))
    with gk.backend.GradientTape() as tape:
        loss = ops.sum(ops.square(ops.concatenate([x, x * 2.0], axis=1)))
    (gradient,) = tape.gradient(loss, [x])
    # d/dx (x^2 + 4x^2) = 10x
    np.testing.assert_allclose(gradient, 10 * x.numpy(), **TOLERANCE)


def test_a_recorded_op_keeps_its_own_copy_of_list_arguments():
    a, b = gk.Input((2,)), gk.Input((3,))
    parts = [a, b]
    joined = ops.concatenate(parts, axis=1)
    parts.append(gk.Input((4,)))
    assert joined.shape == (None, 5)
    assert len(gk.Model([a, b], joined).get_layer("concatenate").arguments["xs"]) == 2


def test_python_comparisons_and_logic_on_keras_tensors_record_ops():
    x, y = gk.Input((3,)), gk.Input((3,))
    result = (x > y) & ~(x <= 0.0) | (x // 2.0 >= y % 2.0)
    model = gk.Model([x, y], result)
    a = np.array([[1.0, -1.0, 5.0]], "float32")
    b = np.array([[0.0, -2.0, 9.0]], "float32")
    expected = (a > b) & ~(a <= 0) | (a // 2 >= b % 2)
    np.testing.assert_array_equal(model([a, b]), expected)
    assert result.dtype == "bool"


def test_control_flow_ops_run_inside_a_graph():
    x = gk.Input((4,))
    carry, stacked = ops.scan(lambda c, row: (c + row, c), ops.zeros((4,)), x)
    doubled = ops.fori_loop(0, 3, lambda i, v: v * 2.0, x)
    model = gk.Model(x, [carry, stacked, doubled])
    data = np.arange(12, dtype="float32").reshape(3, 4)
    carry_value, stacked_value, doubled_value = model(data)
    np.testing.assert_allclose(carry_value, data.sum(0), **TOLERANCE)
    np.testing.assert_allclose(stacked_value[1], data[0], **TOLERANCE)
    np.testing.assert_allclose(doubled_value, data * 8, **TOLERANCE)


def test_an_op_holding_an_unregistered_function_builds_but_cannot_be_saved(tmp_path):
    x = gk.Input((4,))
    model = gk.Model(x, ops.fori_loop(0, 2, lambda i, v: v + 1.0, x))
    np.testing.assert_allclose(model(np.zeros((1, 4), "float32")), np.full((1, 4), 2.0))
    with pytest.raises(ValueError, match="cannot be saved.*register"):
        model.save(tmp_path / "loop.gk")
    assert not (tmp_path / "loop.gk").exists()


def test_an_op_holding_a_registered_function_saves_by_name(tmp_path):
    @gk.saving.register_keras_serializable(package="ops_test")
    def add_one(index, value):
        return value + 1.0

    x = gk.Input((4,))
    model = gk.Model(x, ops.fori_loop(0, 3, add_one, x))
    model.save(tmp_path / "loop.gk")
    config = json.loads(zipfile.ZipFile(tmp_path / "loop.gk").read("config.json"))
    assert "ops_test>add_one" in json.dumps(config)
    reloaded = gk.models.load_model(tmp_path / "loop.gk")
    np.testing.assert_allclose(reloaded(np.zeros((1, 4), "float32")), np.full((1, 4), 3.0))


def _gk_config(model: gk.Model) -> dict:
    return json.loads(json.dumps(model.get_config()))


def test_a_config_naming_an_unknown_operation_is_refused_by_name():
    x = gk.Input((3,))
    config = _gk_config(gk.Model(x, ops.exp(x)))
    config["layers"][1]["config"]["operation"] = "os.system"
    with pytest.raises(ValueError, match="unknown operation 'os.system'"):
        gk.Model.from_config(config)


@pytest.mark.parametrize(
    "argument, message",
    [
        ({"class_name": "__function__", "config": {"name": "no_such_function"}}, "no_such"),
        ({"class_name": "__ndarray__", "value": [1], "dtype": "object"}, "dtype"),
        ({"class_name": "__lambda__", "config": {"code": "AAAA"}}, "unreadable argument"),
        ({"class_name": "__tensor__", "config": {"index": -1}}, "index"),
    ],
)
def test_a_config_argument_that_is_not_data_is_refused(argument, message):
    x = gk.Input((3,))
    config = _gk_config(gk.Model(x, ops.clip(x, 0.0, 1.0)))
    config["layers"][1]["config"]["arguments"]["x_min"] = argument
    with pytest.raises(ValueError, match=message):
        gk.Model.from_config(config)


def test_a_config_with_an_argument_the_op_does_not_take_is_refused():
    x = gk.Input((3,))
    config = _gk_config(gk.Model(x, ops.exp(x)))
    config["layers"][1]["config"]["arguments"]["shell"] = "rm -rf /"
    with pytest.raises(ValueError, match=r"takes no argument\(s\) \['shell'\]"):
        gk.Model.from_config(config)


def _rewrite_keras_file(path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(members["config.json"])
    change({entry["name"]: entry for entry in document["config"]["layers"]})
    members["config.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda e: e["concatenate"]["config"].update(
                axis={"module": "os", "class_name": "system"}
            ),
            "holds a 'system' object",
        ),
        (lambda e: e["concatenate"]["config"].update(shell="x"), "unexpected constructor"),
        (lambda e: e["top_k"]["inbound_nodes"][0]["kwargs"].update(shell=1), "no argument 'shell'"),
        (lambda e: e["top_k"]["inbound_nodes"][0]["args"].append(3), "positional arguments"),
        (lambda e: e["top_k"].update(inbound_nodes=[]), "exactly one call node"),
    ],
)
def test_a_keras_file_with_a_malformed_operation_is_refused(tmp_path, change, message):
    path = tmp_path / "model.keras"
    ops_model().save(path)
    _rewrite_keras_file(path, change)
    with pytest.raises(ModelFileError, match=message):
        gk.models.load_model(path)


def test_symbolic_only_functions_say_what_they_need():
    x = gk.Input((3,))
    assert ops.shape(x) == (None, 3)
    assert ops.dtype(x) == "float32"
    assert ops.convert_to_tensor(x) is x
    with pytest.raises(ValueError, match="symbolic"):
        ops.convert_to_numpy(x)
    with pytest.raises(TypeError, match=r"ops.concatenate\(xs, axis=0\)"):
        ops.concatenate([x], axis=0, extra=1)


def attention_model() -> gk.Model:
    """A causal transformer block from gk.ops: grouped-query attention and layer normalization."""
    tokens = gk.Input(shape=(5,), dtype="int32", name="tokens")
    embedded = layers.Embedding(12, 8)(tokens)
    query = ops.reshape(layers.Dense(8)(embedded), (-1, 5, 2, 4))
    key = ops.reshape(layers.Dense(4)(embedded), (-1, 5, 1, 4))
    value = ops.reshape(layers.Dense(4)(embedded), (-1, 5, 1, 4))
    attended = ops.dot_product_attention(query, key, value, is_causal=True)
    hidden = ops.layer_normalization(embedded + ops.reshape(attended, (-1, 5, 8)), epsilon=1e-5)
    return gk.Model(tokens, layers.Dense(3)(ops.mean(hidden, axis=1)), name="attention")


def test_an_attention_block_of_ops_trains():
    gk.utils.set_random_seed(11)
    model = attention_model()
    assert model.get_layer("dot_product_attention").output.shape == (None, 5, 2, 4)
    # The last Dense gives logits: read as probabilities (clipped into
    # (0, 1)), the loss has no steady descent and whether it falls hangs on
    # the shuffled order, which each backend draws from its own generator.
    model.compile(
        optimizer=gk.optimizers.Adam(0.01),
        loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    rng = np.random.default_rng(4)
    tokens = rng.integers(0, 12, size=(64, 5)).astype("int32")
    labels = (tokens[:, 0] % 3).astype("int32")
    history = model.fit(tokens, labels, epochs=8, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.7 * history.history["loss"][0]


@pytest.mark.parametrize("suffix", [".gk", ".keras"])
def test_an_attention_block_of_ops_reloads_with_equal_outputs(tmp_path, suffix):
    gk.utils.set_random_seed(12)
    model = attention_model()
    tokens = np.random.default_rng(6).integers(0, 12, size=(4, 5)).astype("int32")
    model.save(tmp_path / f"model{suffix}")
    reloaded = gk.models.load_model(tmp_path / f"model{suffix}")
    np.testing.assert_allclose(reloaded(tokens), model(tokens), **TOLERANCE)
