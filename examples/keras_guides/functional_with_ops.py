"""The functional API, guide style: graphs of layers and ``ops`` calls, trained, saved, reused.

Written after the scenarios of Keras's functional-API guide, in graphkeras's
own words and on its bundled digits, with ``gk.ops`` used wherever Keras 3
code would reach for ``keras.ops``:

1. a first model: pixels in, ``ops.reshape`` and Dense layers, trained;
2. a model with several inputs and outputs: support tickets (title words,
   body words, tags) scored for priority and routed to a department, the
   word vectors averaged with ``ops.mean`` and joined with
   ``ops.concatenate``, a loss per output with ``loss_weights``;
3. a small residual network on the 8x8 digits: ``layers.add`` shortcuts
   and ``ops.relu`` between convolutions;
4. a layer shared by two inputs (one Embedding for two texts);
5. the graph reused: a feature extractor built from a trained model's
   intermediate outputs;
6. the ops-built models saved to ``.gk`` and ``.keras`` and loaded back,
   giving the same outputs.

Run: ``python examples/keras_guides/functional_with_ops.py``; with ``--quick``
(or ``GRAPHKERAS_EXAMPLES_QUICK=1``) every step runs on a few hundred
samples for one epoch, a smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import numpy as np

import graphkeras as gk
from graphkeras import layers, ops

NUM_WORDS, NUM_TAGS, NUM_DEPARTMENTS = 200, 12, 4
TITLE_LENGTH, BODY_LENGTH = 10, 40


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="The functional API with gk.ops.")
    parser.add_argument("--quick", action="store_true", help="small data, one epoch: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


# ------------------------------------------------------------- 1. a first model
def first_model() -> gk.Model:
    """Flat pixels through two Dense layers; the reshape is an ``ops`` call in the graph."""
    images = gk.Input(shape=(8, 8), name="images")
    pixels = ops.reshape(images, (-1, 64))
    hidden = layers.Dense(32, activation="relu")(pixels)
    hidden = layers.Dense(32, activation="relu")(hidden)
    logits = layers.Dense(10)(hidden)
    return gk.Model(images, logits, name="first_model")


# --------------------------------------------- 2. several inputs and outputs
def ticket_model() -> gk.Model:
    """Title, body and tags in; a priority score and department logits out."""
    title = gk.Input(shape=(TITLE_LENGTH,), dtype="int32", name="title")
    body = gk.Input(shape=(BODY_LENGTH,), dtype="int32", name="body")
    tags = gk.Input(shape=(NUM_TAGS,), name="tags")
    title_words = layers.Embedding(NUM_WORDS, 16)(title)
    body_words = layers.Embedding(NUM_WORDS, 16)(body)
    # Averaging word vectors over the sequence axis: an op, not a layer.
    title_vector = ops.mean(title_words, axis=1)
    body_vector = ops.mean(body_words, axis=1)
    features = ops.concatenate([title_vector, body_vector, tags], axis=-1)
    priority = layers.Dense(1, name="priority")(features)
    department = layers.Dense(NUM_DEPARTMENTS, name="department")(features)
    return gk.Model(
        inputs={"title": title, "body": body, "tags": tags},
        outputs={"priority": priority, "department": department},
        name="ticket_model",
    )


def ticket_data(count: int, seed: int) -> tuple[dict, dict]:
    """Random tickets whose targets depend on the tags, so there is something to learn."""
    rng = np.random.default_rng(seed)
    tags = rng.integers(0, 2, size=(count, NUM_TAGS)).astype("float32")
    inputs = {
        "title": rng.integers(1, NUM_WORDS, size=(count, TITLE_LENGTH)).astype("int32"),
        "body": rng.integers(1, NUM_WORDS, size=(count, BODY_LENGTH)).astype("int32"),
        "tags": tags,
    }
    targets = {
        "priority": tags[:, :3].sum(axis=1, keepdims=True),
        "department": tags[:, :NUM_DEPARTMENTS].argmax(axis=1).astype("int32"),
    }
    return inputs, targets


# ------------------------------------------------------ 3. a residual network
def residual_model() -> gk.Model:
    """Two residual blocks: each adds its input back before an ``ops.relu``."""
    images = gk.Input(shape=(8, 8, 1), name="digits")
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(images)
    for _ in range(2):
        shortcut = x
        x = layers.Conv2D(16, 3, padding="same", activation="relu")(x)
        x = layers.Conv2D(16, 3, padding="same")(x)
        x = ops.relu(layers.add([x, shortcut]))
    x = layers.GlobalAveragePooling2D()(x)
    logits = layers.Dense(10)(x)
    return gk.Model(images, logits, name="toy_resnet")


# -------------------------------------------------------- 4. a shared layer
def shared_embedding_model() -> gk.Model:
    """Two texts read through one Embedding; their similarity is a dot product of means."""
    shared = layers.Embedding(NUM_WORDS, 8, name="shared_embedding")
    first = gk.Input(shape=(TITLE_LENGTH,), dtype="int32", name="first_text")
    second = gk.Input(shape=(TITLE_LENGTH,), dtype="int32", name="second_text")
    first_vector = ops.mean(shared(first), axis=1)
    second_vector = ops.mean(shared(second), axis=1)
    similarity = ops.sum(first_vector * second_vector, axis=-1, keepdims=True)
    return gk.Model([first, second], similarity, name="shared_embedding_model")


# ------------------------------------------------------------------ running
def main(argv: list[str] | None = None) -> dict:
    """Build, train, reuse and save the guide's models; returns the numbers it printed."""
    quick = quick_mode(argv)
    epochs = 1 if quick else 10
    count = 300 if quick else None
    gk.utils.set_random_seed(0)
    results: dict = {}

    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    x_train = x_train.astype("float32") / 16.0
    x_test = x_test.astype("float32") / 16.0
    if count:
        x_train, y_train = x_train[:count], y_train[:count]
        print(f"quick mode: {count} digits, {epochs} epoch (a smoke test)")

    model = first_model()
    model.summary()
    model.compile(
        optimizer="adam",
        loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"1. first model: test loss {loss:.3f}, accuracy {accuracy:.3f}")
    results["first_model_accuracy"] = float(accuracy)

    tickets = ticket_model()
    tickets.compile(
        optimizer="adam",
        loss={
            "priority": "mean_squared_error",
            "department": gk.losses.SparseCategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.5},
    )
    inputs, targets = ticket_data(count or 1280, seed=1)
    history = tickets.fit(inputs, targets, batch_size=32, epochs=epochs, verbose=0)
    results["ticket_losses"] = [float(value) for value in history.history["loss"]]
    print(f"2. ticket model: loss by epoch {np.round(results['ticket_losses'], 3).tolist()}")

    resnet = residual_model()
    resnet.compile(
        optimizer="adam",
        loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    digits = x_train[..., None]
    resnet.fit(digits, y_train, batch_size=32, epochs=epochs, verbose=0)
    _, accuracy = resnet.evaluate(x_test[..., None], y_test, verbose=0)
    print(f"3. toy ResNet: {len(resnet.layers)} layers, test accuracy {accuracy:.3f}")
    results["resnet_accuracy"] = float(accuracy)

    shared = shared_embedding_model()
    embedding = shared.get_layer("shared_embedding")
    print(f"4. shared embedding: called {len(embedding._inbound_nodes)} times, one weight set")
    results["shared_calls"] = len(embedding._inbound_nodes)

    extractor = gk.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers[1:]])
    features = extractor(x_test[:4])
    print(f"5. feature extractor: {[tuple(f.shape) for f in features]}")
    results["feature_shapes"] = [tuple(f.shape) for f in features]

    with tempfile.TemporaryDirectory() as folder:
        differences = {}
        sample = {key: value[:8] for key, value in inputs.items()}
        for suffix in (".gk", ".keras"):
            path = Path(folder) / f"tickets{suffix}"
            tickets.save(path)
            reloaded = gk.models.load_model(path)
            before, after = tickets(sample), reloaded(sample)
            differences[suffix] = max(
                float(np.max(np.abs(before[key] - after[key]))) for key in before
            )
        print(f"6. saved and reloaded: largest output difference {differences}")
        results["reload_differences"] = differences
    return results


if __name__ == "__main__":
    main()
