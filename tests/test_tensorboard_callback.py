"""gk.callbacks.TensorBoard: event files read back record by record, compared with what fit saw.

Scalars are stored as float32 in event files, so values are compared with
the History's float64 numbers to rtol 1e-6 (float32 keeps about 7 digits).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

pytest.importorskip("tensorboardX")

from tensorboard_events import graph_defs, scalars, summary_values  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras import layers  # noqa: E402
from graphkeras.callbacks import TensorBoard  # noqa: E402

FLOAT32_RTOL = 1e-6


def regression_model() -> gk.Model:
    inputs = gk.Input((4,))
    hidden = layers.Dense(3, activation="relu")(inputs)
    hidden = layers.BatchNormalization()(hidden)
    model = gk.Model(inputs, layers.Dense(1)(hidden))
    model.compile(gk.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


def data(rows: int = 24) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((rows, 4), dtype="float32"), rng.random((rows, 1), dtype="float32")


def fit(model, callback, epochs: int = 2, batch_size: int = 8, **kwargs):
    x, y = data()
    return model.fit(
        x, y, epochs=epochs, batch_size=batch_size, callbacks=[callback], verbose=0, **kwargs
    )


# ---------------------------------------------------------------- scalars


def test_epoch_scalars_equal_the_history_in_train_and_validation(tmp_path):
    gk.utils.set_random_seed(0)
    model = regression_model()
    history = fit(model, TensorBoard(tmp_path), validation_split=0.25).history
    train, validation = scalars(tmp_path / "train"), scalars(tmp_path / "validation")
    for name in ("loss", "mae"):
        steps = dict(enumerate(history[name]))
        assert train[f"epoch_{name}"].keys() == steps.keys()
        np.testing.assert_allclose(
            [train[f"epoch_{name}"][step] for step in steps], history[name], rtol=FLOAT32_RTOL
        )
        np.testing.assert_allclose(
            [validation[f"epoch_{name}"][step] for step in steps],
            history[f"val_{name}"],
            rtol=FLOAT32_RTOL,
        )
    np.testing.assert_allclose(list(train["epoch_learning_rate"].values()), [0.05, 0.05], rtol=1e-6)
    assert not any(tag.startswith("batch_") for tag in train)


def test_batch_scalars_are_written_every_update_freq_batches_of_the_whole_run(tmp_path):
    gk.utils.set_random_seed(0)
    model = regression_model()
    history = fit(model, TensorBoard(tmp_path, update_freq=2), epochs=2).history
    batch_loss = scalars(tmp_path / "train")["batch_loss"]
    # 24 rows in batches of 8: global batches 1..6, written at 2, 4 and 6.
    assert sorted(batch_loss) == [2, 4, 6]
    # The last batch of an epoch holds the epoch's running average: the epoch's loss.
    np.testing.assert_allclose(batch_loss[6], history["loss"][1], rtol=FLOAT32_RTOL)


def test_update_freq_batch_writes_every_batch_and_steps_per_second(tmp_path):
    model = regression_model()
    fit(model, TensorBoard(tmp_path, update_freq="batch", write_steps_per_second=True), epochs=1)
    train = scalars(tmp_path / "train")
    assert sorted(train["batch_loss"]) == [1, 2, 3]
    assert sorted(train["batch_steps_per_second"]) == [1, 2, 3]
    assert all(value > 0 for value in train["batch_steps_per_second"].values())
    assert list(train["epoch_steps_per_second"]) == [0]


def test_evaluate_writes_evaluation_scalars_at_the_optimizer_step(tmp_path):
    model = regression_model()
    x, y = data()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)  # 3 steps
    results = model.evaluate(x, y, verbose=0, return_dict=True, callbacks=[TensorBoard(tmp_path)])
    validation = scalars(tmp_path / "validation")
    assert validation["evaluation_loss_vs_iterations"].keys() == {3}
    np.testing.assert_allclose(
        validation["evaluation_loss_vs_iterations"][3], results["loss"], rtol=FLOAT32_RTOL
    )


# ---------------------------------------------------------------- histograms and images


def test_histograms_cover_every_weight_every_histogram_freq_epochs(tmp_path):
    gk.utils.set_random_seed(0)
    model = regression_model()
    fit(model, TensorBoard(tmp_path, histogram_freq=2), epochs=3)
    histograms = summary_values(tmp_path / "train", "histo")
    weights = {
        f"{path}/histogram": value
        for branch in ("trainable_variables", "non_trainable_variables")
        for path, value in _flat(model.get_state_tree("numpy_array")[branch])
    }
    assert "batch_normalization/moving_mean/histogram" in weights
    assert histograms.keys() == weights.keys()
    for tag, by_step in histograms.items():
        assert sorted(by_step) == [0, 2]  # epochs 0 and 2 of 0..2
        last, value = by_step[2], weights[tag]  # epoch 2 is the last: the final weights
        assert last.num == value.size
        assert sum(last.bucket) == value.size
        np.testing.assert_allclose(
            [last.min, last.max, last.sum], [value.min(), value.max(), value.sum()], rtol=1e-6
        )


def test_write_images_draws_each_weight_as_a_grayscale_png(tmp_path):
    gk.utils.set_random_seed(0)
    model = regression_model()
    fit(model, TensorBoard(tmp_path, histogram_freq=1, write_images=True), epochs=1)
    images = summary_values(tmp_path / "train", "image")
    kernel = model.get_layer("dense").get_weights()[0]  # (4, 3): drawn transposed, 3 x 4
    image = images["dense/kernel/image"][0]
    assert (image.height, image.width, image.colorspace) == (3, 4, 1)
    expected = np.clip(kernel.T.astype(np.float64) * 255.5, 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(_png_pixels(image.encoded_image_string), expected)
    bias = images["dense/bias/image"][0]
    assert (bias.height, bias.width) == (1, 3)
    assert "dense_1/bias/image" not in images  # one number: no image, as in Keras


# ---------------------------------------------------------------- the graph


def test_the_graph_has_a_node_per_layer_with_its_inputs_op_and_output_shapes(tmp_path):
    left, right = gk.Input((4,), name="left"), gk.Input((2,), name="right")
    joined = layers.Concatenate(name="join")([layers.Dense(3, name="proj")(left), right])
    model = gk.Model([left, right], layers.Dense(1, name="head")(joined))
    model.compile("sgd", "mse")
    x = [np.ones((4, 4), "float32"), np.ones((4, 2), "float32")]
    model.fit(x, np.ones((4, 1)), epochs=1, verbose=0, callbacks=[TensorBoard(tmp_path)])
    (graph,) = graph_defs(tmp_path / "train")
    nodes = {node.name: node for node in graph.node}
    assert set(nodes) == {layer.name for layer in model.layers}
    assert {name: node.op for name, node in nodes.items()} == {
        "left": "InputLayer",
        "right": "InputLayer",
        "proj": "Dense",
        "join": "Concatenate",
        "head": "Dense",
    }
    assert list(nodes["join"].input) == ["proj", "right"]
    assert list(nodes["head"].input) == ["join"]
    assert _shapes(nodes["join"]) == [[-1, 5]]
    assert nodes["head"].attr["dtype"].s == b"float32"


def test_a_shared_layer_gets_one_node_per_call_and_second_outputs_are_named_with_colon(tmp_path):
    inputs = gk.Input((3,), name="tokens")
    shared = layers.Dense(3, name="shared")
    twice = shared(shared(inputs))
    whole, last = layers.LSTM(2, return_state=True, name="lstm")(layers.Reshape((3, 1))(twice))[:2]
    model = gk.Model(inputs, [layers.Add(name="add")([whole, last])])
    model.compile("sgd", "mse")
    callback = TensorBoard(tmp_path)
    model.fit(np.ones((2, 3)), np.ones((2, 2)), epochs=1, verbose=0, callbacks=[callback])
    (graph,) = graph_defs(tmp_path / "train")
    nodes = {node.name: node for node in graph.node}
    assert list(nodes["shared/call_0"].input) == ["tokens"]
    assert list(nodes["shared/call_1"].input) == ["shared/call_0"]
    assert "shared" not in nodes
    assert list(nodes["add"].input) == ["lstm", "lstm:1"]
    assert _shapes(nodes["lstm"]) == [[-1, 2], [-1, 2], [-1, 2]]


def test_a_sequential_built_by_its_first_batch_and_a_nested_model_are_drawn(tmp_path):
    inner_inputs = gk.Input((2,))
    inner = gk.Model(inner_inputs, layers.Dense(2)(inner_inputs), name="inner")
    model = gk.Sequential([inner, layers.Dense(1, name="head")])  # no input shape: unbuilt
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0, callbacks=[TensorBoard(tmp_path)])
    (graph,) = graph_defs(tmp_path / "train")
    inputs = {node.name: (node.op, list(node.input)) for node in graph.node}
    (input_name,) = (name for name, (op, _) in inputs.items() if op == "InputLayer")
    assert inputs == {
        input_name: ("InputLayer", []),
        "inner": ("Model", [input_name]),  # a nested model is one node
        "head": ("Dense", ["inner"]),
    }


def test_the_keras_summary_holds_the_model_json_for_the_conceptual_graph(tmp_path):
    model = regression_model()
    fit(model, TensorBoard(tmp_path), epochs=1)
    (summary,) = summary_values(tmp_path / "train", "tensor")["keras"].values()
    assert summary.string_val[0].decode("utf-8") == model.to_json()


def test_write_graph_false_writes_no_graph(tmp_path):
    fit(regression_model(), TensorBoard(tmp_path, write_graph=False), epochs=1)
    assert graph_defs(tmp_path / "train") == []
    assert "keras" not in summary_values(tmp_path / "train", "tensor")


def test_a_subclassed_model_gets_scalars_and_no_graph(tmp_path):
    class TwoLayers(gk.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(3)
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    model = TwoLayers()
    model.compile("sgd", "mse")
    history = fit(model, TensorBoard(tmp_path, histogram_freq=1), epochs=1).history
    np.testing.assert_allclose(
        scalars(tmp_path / "train")["epoch_loss"][0], history["loss"][0], rtol=FLOAT32_RTOL
    )
    assert graph_defs(tmp_path / "train") == []
    # Keras 3 builds a subclassed model's layers inside its name scope.
    assert "two_layers/dense/kernel/histogram" in summary_values(tmp_path / "train", "histo")


# ---------------------------------------------------------------- embeddings and arguments


def test_embeddings_freq_writes_the_projector_config_and_weight_checkpoints(tmp_path):
    pytest.importorskip("h5py")
    inputs = gk.Input((3,), dtype="int32")
    pooled = layers.GlobalAveragePooling1D()(layers.Embedding(5, 2, name="words")(inputs))
    model = gk.Model(inputs, layers.Dense(1)(pooled))
    model.compile("sgd", "mse")
    callback = TensorBoard(tmp_path, embeddings_freq=1, embeddings_metadata={"words": "m.tsv"})
    model.fit(np.ones((4, 3), "int32"), np.ones((4, 1)), epochs=2, verbose=0, callbacks=[callback])
    assert (tmp_path / "projector_config.pbtxt").read_text() == (
        "embeddings {\n"
        '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n'
        '  metadata_path: "m.tsv"\n'
        "}\n"
    )
    saved = sorted(path.name for path in (tmp_path / "train").glob("*.weights.h5"))
    assert saved == ["keras_embedding.ckpt-0.weights.h5", "keras_embedding.ckpt-1.weights.h5"]


def test_metadata_for_an_unknown_embedding_layer_is_refused(tmp_path):
    callback = TensorBoard(tmp_path, embeddings_freq=1, embeddings_metadata={"nope": "m.tsv"})
    with pytest.raises(ValueError, match="Unrecognized `Embedding` layer names.*nope"):
        callback.set_model(regression_model())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"profile_batch": 2}, "Profiling is not available"),
        ({"update_freq": 0}, "`update_freq` must be"),
        ({"update_freq": "sometimes"}, "`update_freq` must be"),
        ({"histogram_freq": -1}, "`histogram_freq` must be"),
    ],
)
def test_unsupported_arguments_are_refused_at_construction(tmp_path, arguments, message):
    with pytest.raises(ValueError, match=message):
        TensorBoard(tmp_path, **arguments)


def test_the_log_directory_is_not_created_before_anything_is_written(tmp_path):
    TensorBoard(tmp_path / "logs").set_model(regression_model())
    assert not (tmp_path / "logs").exists()


# ---------------------------------------------------------------- helpers


def _flat(tree: dict, prefix: str = "") -> list:
    pairs = []
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        pairs.extend(_flat(value, path) if isinstance(value, dict) else [(path, value)])
    return pairs


def _shapes(node) -> list[list[int]]:
    return [[dim.size for dim in shape.dim] for shape in node.attr["_output_shapes"].list.shape]


def _png_pixels(png: bytes) -> np.ndarray:
    """The pixels of an 8-bit grayscale PNG without interlacing, each row filtered with type 0."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    offset, compressed = 8, b""
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        if kind == b"IDAT":
            compressed += png[offset + 8 : offset + 8 + length]
        offset += 12 + length
    rows = np.frombuffer(zlib.decompress(compressed), np.uint8).reshape(height, width + 1)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:]
