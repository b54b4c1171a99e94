"""A TensorFlow-2-style custom training loop with ``K.GradientTape``, on real digits.

The model is a plain functional MLP; the loop does by hand what ``fit`` does:
shuffle, run the model inside a tape, take the gradient of the loss for the
trainable weights, let the optimizer apply it. Inside the tape the math goes
through ``graphkeras.backend`` (the loss objects do): plain numpy operators
are not recorded, and the tape refuses a target it did not see computed.

Run: ``python examples/custom_training_loop.py``; with ``--quick`` (or
``GRAPHKERAS_EXAMPLES_QUICK=1``) it trains on 300 digits for 3 epochs, a
smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

#: What ``--quick`` trains on: enough to exercise every line, not to learn the digits.
QUICK_DIGITS, QUICK_EPOCHS = 300, 3


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="Train an MLP with a hand-written loop.")
    parser.add_argument("--quick", action="store_true", help="300 digits, 3 epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def build_model() -> gk.Model:
    """A plain MLP on the 64 pixels: two hidden ReLU layers of 64, ten logits out."""
    inputs = gk.Input(shape=(64,))
    hidden = layers.Dense(64, activation="relu")(inputs)
    hidden = layers.Dense(64, activation="relu")(hidden)
    return gk.Model(inputs, layers.Dense(10)(hidden))


def main(argv: list[str] | None = None) -> dict:
    """Train, print progress and the test accuracy; returns each epoch's mean loss and it."""
    quick = quick_mode(argv)
    # Full mode reports every 5th of 15 epochs; quick mode every one of its 3.
    epochs, report_every = (QUICK_EPOCHS, 1) if quick else (15, 5)
    gk.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    if quick:
        x_train, y_train = x_train[:QUICK_DIGITS], y_train[:QUICK_DIGITS]
        print(f"quick mode: {QUICK_DIGITS} training digits, {epochs} epochs (a smoke test)")
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

    model = build_model()

    loss_fn = gk.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = gk.optimizers.Adam(learning_rate=0.005)
    accuracy = gk.metrics.SparseCategoricalAccuracy()

    epoch_losses = []
    for epoch in range(epochs):
        order = K.random_permutation(len(x_train))
        accuracy.reset_state()
        batch_losses = []
        for start in range(0, len(x_train), 64):
            index = order[start : start + 64]
            x_batch, y_batch = x_train[index], y_train[index]
            with K.GradientTape() as tape:
                logits = model(x_batch, training=True)
                loss = loss_fn(y_batch, logits)
            gradients = tape.gradient(loss, model.trainable_weights)
            optimizer.apply(gradients, model.trainable_weights)
            accuracy.update_state(y_batch, logits)
            batch_losses.append(float(loss))
        epoch_losses.append(float(np.mean(batch_losses)))
        if (epoch + 1) % report_every == 0:
            print(
                f"epoch {epoch + 1:2d}: loss {float(loss):.4f}, "
                f"train accuracy {float(accuracy.result()):.4f}"
            )

    predictions = np.argmax(model.predict(x_test), axis=1)
    test_accuracy = float(np.mean(predictions == y_test))
    print(f"test accuracy: {test_accuracy:.4f} on {len(y_test)} digits")
    return {"epoch_losses": epoch_losses, "test_accuracy": test_accuracy}


if __name__ == "__main__":
    main()
