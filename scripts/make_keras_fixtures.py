"""Make the Keras model files that graphkeras's interchange tests load, and check the reverse.

This script is run by hand, never by the tests or CI, in environments that
have real Keras (graphkeras itself never needs Keras). Four commands:

``keras3 DIR``
    With Keras 3 (e.g. ``pip install keras jax h5py``, ``KERAS_BACKEND=jax``):
    builds each model below, gives it seeded random weights, and writes
    ``DIR/<name>.keras`` with ``DIR/<name>.keras.npz`` (the inputs and
    Keras's predictions).
    A model built with ``keras.ops`` (Keras 3 only) is also written with
    Keras 3's legacy HDF5 writer as ``DIR/<name>.keras3.h5``.
``keras2 DIR``
    With Keras 2 (``pip install tensorflow-cpu==2.15.1 h5py``): the same
    models as full-model ``.h5`` files, ``DIR/<name>.h5`` and ``.h5.npz``.
``write-graphkeras DIR``
    With graphkeras: builds the same models in graphkeras and writes them as
    ``.keras`` archives (``DIR/<name>.gk.keras``) with graphkeras's predictions.
``check-in-keras DIR``
    With Keras 3 again: loads every ``*.gk.keras`` and prints, per model,
    the largest difference between Keras's predictions and graphkeras's.

Run: ``python scripts/make_keras_fixtures.py keras3 tests/fixtures/keras``
"""

from __future__ import annotations

import glob
import os
import sys

import numpy as np

SEED = 1998


# ---------------------------------------------------------------- models
def functional_shared(keras, layers):
    """A shared Dense called twice, a merge, a nested functional model, BatchNormalization."""
    x = keras.Input((4,), name="x")
    encoder_input = keras.Input((4,), name="encoder_input")
    encoder = keras.Model(
        encoder_input, layers.Dense(3, activation="relu", name="enc")(encoder_input), name="encoder"
    )
    shared = layers.Dense(4, name="shared")
    first = shared(x)
    second = shared(first)
    merged = layers.Add(name="add")([first, second])
    encoded = encoder(merged)
    scores = layers.Dense(2, activation="softmax", name="scores")(encoded)
    normalised = layers.BatchNormalization(name="bn")(scores)
    return keras.Model(x, [normalised, encoded], name="functional_shared"), [(5, 4)]


def sequential_mlp(keras, layers):
    """A Sequential model with dropout, compiled."""
    model = keras.Sequential(
        [
            keras.Input((6,)),
            layers.Dense(8, activation="tanh", name="hidden"),
            layers.Dropout(0.3, name="drop"),
            layers.Dense(3, activation="softmax", name="out"),
        ],
        name="sequential_mlp",
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model, [(4, 6)]


def nested_sequential(keras, layers):
    """A Sequential block shared by two inputs of a functional model, then concatenated."""
    block = keras.Sequential(
        [keras.Input((3,)), layers.Dense(5, activation="relu"), layers.Dense(2)], name="block"
    )
    left = keras.Input((3,), name="left")
    right = keras.Input((3,), name="right")
    joined = layers.Concatenate(name="join")([block(left), block(right)])
    out = layers.Dense(1, name="out")(joined)
    return keras.Model([left, right], out, name="nested_sequential"), [(3, 3), (3, 3)]


def small_cnn(keras, layers):
    """Convolution, pooling, normalisation and dense layers on 8x8 images."""
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            layers.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
            layers.MaxPooling2D(name="pool"),
            layers.BatchNormalization(name="bn"),
            layers.Conv2D(6, 2, strides=2, name="conv_2"),
            layers.Flatten(name="flat"),
            layers.Dense(10, activation="softmax", name="probs"),
        ],
        name="small_cnn",
    )
    return model, [(3, 8, 8, 1)]


def embedding_recurrent(keras, layers):
    """Embedding with mask_zero feeding LSTM and GRU (Keras 3 records the mask as a NotEqual
    operation); with Keras 3 and graphkeras also a slice and a sum of tensors (operations)."""
    tokens = keras.Input((7,), dtype="int32", name="tokens")
    embedded = layers.Embedding(20, 6, mask_zero=True, name="embed")(tokens)
    sequence = layers.LSTM(5, return_sequences=True, name="lstm")(embedded)
    summary = layers.GRU(4, name="gru")(sequence)
    outputs = [layers.Dense(3, name="out")(summary)]
    if not KERAS2:
        outputs.append(sequence[:, 2:, :3] + 1.5)
    return keras.Model(tokens, outputs, name="embedding_recurrent"), [("tokens", (4, 7), 20)]


def wrapped_recurrent(keras, layers):
    """TimeDistributed, then Bidirectional LSTM and GRU, then SimpleRNN."""
    x = keras.Input((6, 4), name="frames")
    h = layers.TimeDistributed(layers.Dense(3, activation="tanh"), name="per_frame")(x)
    h = layers.Bidirectional(layers.LSTM(4, return_sequences=True), name="bi_lstm")(h)
    h = layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode="sum", name="bi_gru")(
        h
    )
    out = layers.SimpleRNN(3, name="rnn")(h)
    return keras.Model(x, out, name="wrapped_recurrent"), [(3, 6, 4)]


def transformer_block(keras, layers):
    """A Transformer encoder block: attention, residuals, layer norms, feed-forward, pooling."""
    x = keras.Input((5, 8), name="tokens")
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="attention")(x, x)
    h = layers.LayerNormalization(name="norm_1")(layers.Add(name="residual_1")([x, attended]))
    f = layers.Dense(16, activation="relu", name="ff_1")(h)
    f = layers.Dense(8, name="ff_2")(f)
    h = layers.LayerNormalization(name="norm_2")(layers.Add(name="residual_2")([h, f]))
    pooled = layers.GlobalAveragePooling1D(name="pool")(h)
    out = layers.Dense(3, activation="softmax", name="probs")(pooled)
    return keras.Model(x, out, name="transformer_block"), [(2, 5, 8)]


def ops_graph(keras, layers):
    """``keras.ops`` calls among layers, each recorded as an operation node (Keras 3 only)."""
    ops = keras.ops
    x = keras.Input((6,), name="features")
    hidden = layers.Dense(8, name="dense")(x)
    scores = ops.softmax(ops.reshape(hidden, (-1, 2, 4)), axis=-1)
    pooled = ops.mean(scores, axis=1)
    picked = ops.take(x, np.array([0, 2, 4]), axis=1)
    joined = ops.concatenate([pooled, picked], axis=-1)
    values, indices = ops.top_k(joined, 2)
    gated = ops.where(ops.greater(x, 0.0), x, ops.zeros_like(x))
    outer = ops.sum(ops.einsum("bi,bj->bij", pooled, picked), axis=-1)
    features = ops.concatenate([joined, ops.log1p(ops.abs(gated)), outer], axis=-1)
    other = keras.Input((6,), name="other")
    summed = ops.multiply(ops.add(x, other), ops.subtract(other, 0.5))
    features = ops.concatenate([features, summed], axis=-1)
    out = layers.Dense(2, name="out")(features)
    model = keras.Model([x, other], [out, values, ops.cast(indices, "float32")], name="ops_graph")
    return model, [(4, 6), (4, 6)]


ops_graph.keras3_only = True


def sequential_inside_keras3(keras, layers):
    """A Sequential with its own Input called mid-graph, then a residual sum (as ConvNeXt)."""
    x = keras.Input((6, 6, 4), name="image")
    stem = layers.Conv2D(8, 3, padding="same", name="stem")(x)
    downsample = keras.Sequential(
        [keras.Input((6, 6, 8)), layers.LayerNormalization(), layers.Conv2D(8, 2, strides=2)],
        name="downsample",
    )
    reduced = downsample(stem)
    branch = layers.DepthwiseConv2D(3, padding="same", name="branch")(reduced)
    out = layers.GlobalAveragePooling2D(name="pool")(reduced + branch)
    return keras.Model(x, out, name="sequential_inside_keras3"), [(3, 6, 6, 4)]


sequential_inside_keras3.keras3_only = True

MODELS = [
    functional_shared,
    sequential_mlp,
    nested_sequential,
    small_cnn,
    embedding_recurrent,
    wrapped_recurrent,
    transformer_block,
    ops_graph,
    sequential_inside_keras3,
]
KERAS2 = False


# ---------------------------------------------------------------- helpers
def randomise(model, rng) -> None:
    """Seeded random weights (positive where a variance is stored)."""
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        value = rng.uniform(-0.8, 0.8, size=shape)
        if "variance" in weight.name:
            value = rng.uniform(0.5, 1.5, size=shape)
        values.append(value.astype("float32"))
    model.set_weights(values)


def inputs_for(shapes, rng) -> list:
    """Random inputs: floats for a shape, or zero-padded token ids for ("tokens", shape, count)."""
    inputs = []
    for shape in shapes:
        if shape[0] == "tokens":
            _, size, count = shape
            ids = rng.integers(1, count, size=size)
            lengths = rng.integers(2, size[1] + 1, size=size[0])
            ids[np.arange(size[1])[None, :] >= lengths[:, None]] = 0
            inputs.append(ids.astype("int32"))
        else:
            inputs.append(rng.uniform(-1.0, 1.0, size=shape).astype("float32"))
    return inputs


def as_list(outputs) -> list:
    return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


def save_expected(path, inputs, outputs) -> None:
    arrays = {f"input_{i}": value for i, value in enumerate(inputs)}
    arrays.update({f"output_{i}": value for i, value in enumerate(as_list(outputs))})
    np.savez(path, **arrays)


def make_with_keras(directory: str, extension: str) -> None:
    global KERAS2
    KERAS2 = extension == ".h5"
    if extension == ".h5":
        from tensorflow import keras
        from tensorflow.keras import layers
    else:
        import keras
        from keras import layers
    for build in MODELS:
        if KERAS2 and getattr(build, "keras3_only", False):
            continue
        rng = np.random.default_rng(SEED)
        model, shapes = build(keras, layers)
        randomise(model, rng)
        inputs = inputs_for(shapes, rng)
        outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
        path = os.path.join(directory, build.__name__ + extension)
        model.save(path)
        save_expected(path + ".npz", inputs, outputs)
        print(f"wrote {path}")
        if getattr(build, "keras3_only", False):
            # Keras 3's legacy .h5 writer drops each operation's module.
            legacy = os.path.join(directory, build.__name__ + ".keras3.h5")
            model.save(legacy)
            save_expected(legacy + ".npz", inputs, outputs)
            print(f"wrote {legacy}")


def write_with_graphkeras(directory: str) -> None:
    import graphkeras as gk
    from graphkeras import layers

    for build in MODELS:
        rng = np.random.default_rng(SEED)
        gk.backend.clear_session()
        model, shapes = build(gk, layers)
        randomise(model, rng)
        inputs = inputs_for(shapes, rng)
        outputs = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
        path = os.path.join(directory, build.__name__ + ".gk.keras")
        model.save(path)
        save_expected(path + ".npz", inputs, outputs)
        print(f"wrote {path}")


def check_in_keras(directory: str) -> None:
    import keras

    for path in sorted(glob.glob(os.path.join(directory, "*.gk.keras"))):
        expected = np.load(path + ".npz")
        inputs = [expected[k] for k in sorted(expected.files) if k.startswith("input_")]
        wanted = [expected[k] for k in sorted(expected.files) if k.startswith("output_")]
        model = keras.saving.load_model(path)
        got = as_list(model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0))
        worst = max(float(np.max(np.abs(a - b))) for a, b in zip(got, wanted, strict=True))
        compiled = model.compiled if hasattr(model, "compiled") else None
        print(
            f"Keras {keras.__version__} loaded {os.path.basename(path)}: "
            f"{len(model.layers)} layers, compiled={compiled}, "
            f"max |keras - graphkeras| = {worst:.3g}"
        )


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[1] not in ("keras3", "keras2", "write-graphkeras", "check-in-keras"):
        raise SystemExit(__doc__)
    command, directory = argv[1], argv[2]
    os.makedirs(directory, exist_ok=True)
    if command == "keras3":
        make_with_keras(directory, ".keras")
    elif command == "keras2":
        make_with_keras(directory, ".h5")
    elif command == "write-graphkeras":
        write_with_graphkeras(directory)
    else:
        check_in_keras(directory)


if __name__ == "__main__":
    main(sys.argv)
