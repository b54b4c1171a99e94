"""An LSTM that reads each digit image as a sequence, row by row, and classifies it.

Each 8x8 image of the bundled digits becomes 8 timesteps of 8 features (its
rows, top to bottom). An ``LSTM(64)`` reads them and its last output goes to
a softmax over the ten classes; ``fit`` trains it with Adam, holding out a
validation split, and ``evaluate`` reports the accuracy on the test images.
The LSTM runs as one fused backend op over the whole sequence, so training
takes seconds.

Run: ``python examples/lstm_sequence_classifier.py``; with ``--quick`` (or
``GRAPHKERAS_EXAMPLES_QUICK=1``) it trains on 300 digits for 3 epochs, a
smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os
import time

import graphkeras as gk
from graphkeras import layers

#: What ``--quick`` trains on: enough to exercise every line, not to learn the digits.
QUICK_DIGITS, QUICK_EPOCHS = 300, 3


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="Classify digit images read row by row.")
    parser.add_argument("--quick", action="store_true", help="300 digits, 3 epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def build_model() -> gk.Model:
    """8 rows of 8 pixels in, an LSTM(64) reading them, a softmax over the ten digits out."""
    inputs = gk.Input(shape=(8, 8), name="rows")
    read = layers.LSTM(64, name="reader")(inputs)
    outputs = layers.Dense(10, activation="softmax", name="digit")(read)
    return gk.Model(inputs, outputs, name="lstm_digits")


def main(argv: list[str] | None = None) -> dict:
    """Train, evaluate and print the results; returns the History's record and the test accuracy."""
    quick = quick_mode(argv)
    epochs = QUICK_EPOCHS if quick else 15
    gk.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    if quick:
        x_train, y_train = x_train[:QUICK_DIGITS], y_train[:QUICK_DIGITS]
        print(f"quick mode: {QUICK_DIGITS} training digits, {epochs} epochs (a smoke test)")
    # (n, 8, 8) pixels in 0..16: 8 timesteps (rows) of 8 features, scaled to [0, 1].
    x_train = x_train.astype("float32") / 16.0
    x_test = x_test.astype("float32") / 16.0

    model = build_model()
    model.compile(
        optimizer=gk.optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    model.summary()

    start = time.perf_counter()
    history = model.fit(
        x_train, y_train, epochs=epochs, batch_size=64, validation_split=0.1, verbose=0
    )
    seconds = time.perf_counter() - start
    print(
        f"trained {len(history.history['loss'])} epochs in {seconds:.1f} s; "
        f"final loss {history.history['loss'][-1]:.4f}, "
        f"validation accuracy {history.history['val_accuracy'][-1]:.4f}"
    )
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.4f}")
    return {"history": history.history, "test_accuracy": accuracy}


if __name__ == "__main__":
    main()
