"""The demo behind ``graphkeras demo``: a Siamese network on real handwritten digits.

Two 8x8 digit images go through ONE shared encoder (a nested model, so the
same weights serve both); the two codes are compared (cosine similarity and
an element-wise distance) and a nested head sub-model turns the comparison
into a score. The demo prints the model summary, a table of every node,
runs the model on pairs from the bundled UCI digits test set, and shows the
shared encoder's two nodes. It then trains
the encoder as part of a digit classifier with ``fit`` (the progress bar,
then the test accuracy), and predicts the same pairs again: the Siamese
model shares the encoder, so it now uses the trained weights.
"""

from __future__ import annotations

import numpy as np

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils import node_table


def build_siamese(seed: int = 0) -> gk.Model:
    """The demo model: shared encoder, merge, nested head."""
    gk.backend.clear_session()
    gk.utils.set_random_seed(seed)

    pixels = gk.Input(shape=(8, 8), name="pixels")
    hidden = layers.Dense(32, activation="relu", name="encoder_hidden")(
        layers.Flatten(name="flatten")(pixels / 16.0)
    )
    code = layers.Dense(16, activation="tanh", name="encoder_code")(hidden)
    encoder = gk.Model(pixels, code, name="encoder")

    comparison = gk.Input(shape=(17,), name="comparison")
    head_hidden = layers.Dense(8, activation="relu", name="head_hidden")(comparison)
    head = gk.Model(
        comparison,
        layers.Dense(1, activation="sigmoid", name="same_digit")(head_hidden),
        name="head",
    )

    left = gk.Input(shape=(8, 8), name="left")
    right = gk.Input(shape=(8, 8), name="right")
    left_code, right_code = encoder(left), encoder(right)
    cosine = layers.Dot(axes=1, normalize=True, name="cosine")([left_code, right_code])
    distance = abs(left_code - right_code)
    score = head(layers.concatenate([cosine, distance], name="features"))
    return gk.Model(
        inputs={"left": left, "right": right},
        outputs={"cosine": cosine, "score": score},
        name="siamese",
    )


def digit_pairs(images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0) -> tuple:
    """``count`` same-digit pairs followed by ``count`` different-digit pairs."""
    generator = np.random.default_rng(seed)
    left, right, same = [], [], []
    while len(same) < 2 * count:
        i, j = generator.integers(0, len(labels), size=2)
        want_same = len(same) < count
        if i != j and (labels[i] == labels[j]) == want_same:
            left.append(images[i])
            right.append(images[j])
            same.append(want_same)
    return np.stack(left), np.stack(right), np.array(same)


def run(print_fn=print) -> dict:
    """Run the demo, printing through ``print_fn``; returns the numbers it printed."""
    model = build_siamese()
    print_fn("graphkeras demo: a Siamese network on the UCI handwritten digits\n")
    model.summary(print_fn=print_fn)

    print_fn("\nEvery node of the graph, in execution order:")
    print_fn(node_table(model))

    (_, _), (x_test, y_test) = gk.datasets.digits.load_data()
    left, right, same = digit_pairs(x_test.astype("float32"), y_test, count=200)
    outputs = model.predict({"left": left, "right": right}, batch_size=64)
    cosine = outputs["cosine"][:, 0]
    same_mean, different_mean = float(cosine[same].mean()), float(cosine[~same].mean())
    print_fn(
        f"\nPrediction on {len(same)} pairs of real test digits ({int(same.sum())} same-digit, "
        f"{int((~same).sum())} different-digit), untrained weights:"
    )
    print_fn(f"  mean cosine similarity of the codes, same digit:      {same_mean:.3f}")
    print_fn(f"  mean cosine similarity of the codes, different digit: {different_mean:.3f}")
    print_fn(f"  head score range: {outputs['score'].min():.3f} .. {outputs['score'].max():.3f}")

    encoder = model.get_layer("encoder")
    print_fn(f"\nThe shared encoder '{encoder.name}' has {len(encoder.inbound_nodes)} nodes:")
    _print_nodes(encoder, print_fn)

    trained = train_encoder_as_classifier(encoder, print_fn)
    outputs = model.predict({"left": left, "right": right}, batch_size=64)
    cosine = outputs["cosine"][:, 0]
    trained_same, trained_different = float(cosine[same].mean()), float(cosine[~same].mean())
    print_fn(
        "\nThe Siamese model shares that encoder, so the same pairs, predicted again, "
        "use the trained weights:"
    )
    print_fn(f"  mean cosine similarity, same digit:      {trained_same:.3f}")
    print_fn(f"  mean cosine similarity, different digit: {trained_different:.3f}")
    return {
        "same_mean": same_mean,
        "different_mean": different_mean,
        "pairs": len(same),
        "test_accuracy": trained["test_accuracy"],
        "trained_same_mean": trained_same,
        "trained_different_mean": trained_different,
    }


def train_encoder_as_classifier(encoder: gk.Model, print_fn=print) -> dict:
    """Train the shared encoder inside a digit classifier; report test accuracy."""
    image = gk.Input(shape=(8, 8), name="image")
    classifier = gk.Model(
        image,
        layers.Dense(10, activation="softmax", name="digit")(encoder(image)),
        name="classifier",
    )
    classifier.compile(
        optimizer=gk.optimizers.Adam(0.005),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    print_fn(
        f"\nTraining a digit classifier built on the same encoder (its node 3) with fit: "
        f"{len(x_train)} training images, 10% held out for validation."
    )
    classifier.fit(
        x_train.astype("float32"),
        y_train,
        batch_size=32,
        epochs=12,
        validation_split=0.1,
        verbose=1,
    )
    loss, accuracy = classifier.evaluate(x_test.astype("float32"), y_test, verbose=0)
    print_fn(f"Test accuracy on {len(x_test)} unseen digits: {accuracy:.4f} (loss {loss:.4f})")
    return {"test_accuracy": float(accuracy)}


def _print_nodes(layer, print_fn) -> None:
    for index, node in enumerate(layer.inbound_nodes):
        sources = ", ".join(tensor.name for tensor in node.input_tensors)
        role = "its own graph (inputs -> outputs)" if index == 0 else f"called on {sources}"
        print_fn(
            f"  node {index}: {role}; input shapes {node.input_shapes} -> "
            f"output shapes {node.output_shapes}"
        )
