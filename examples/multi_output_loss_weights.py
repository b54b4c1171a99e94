"""A model with two outputs trained with ``loss_weights``, on real digits.

One shared trunk reads the 8x8 image; a classification head predicts the
digit and a regression head predicts the image's mean ink. ``fit`` takes
targets as a dict keyed by output name, and ``loss_weights`` sets how much
each output's loss counts; the History reports each output's loss and
metric under its own name.

Run: ``python examples/multi_output_loss_weights.py``; with ``--quick`` (or
``GRAPHKERAS_EXAMPLES_QUICK=1``) it trains on 300 digits for 3 epochs, a
smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import graphkeras as gk
from graphkeras import layers

#: What ``--quick`` trains on: enough to exercise every line, not to learn the digits.
QUICK_DIGITS, QUICK_EPOCHS = 300, 3


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="Train a two-output model with loss weights.")
    parser.add_argument("--quick", action="store_true", help="300 digits, 3 epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def build_model() -> gk.Model:
    """One trunk on the 64 pixels, two heads: the digit (softmax) and the mean ink (linear)."""
    pixels = gk.Input(shape=(64,), name="pixels")
    trunk = layers.Dense(64, activation="relu", name="trunk")(pixels)
    digit = layers.Dense(10, activation="softmax", name="digit")(trunk)
    ink = layers.Dense(1, name="ink")(trunk)
    return gk.Model(pixels, {"digit": digit, "ink": ink})


def main(argv: list[str] | None = None) -> dict:
    """Train, evaluate and print the results; returns the History's record and the test numbers."""
    quick = quick_mode(argv)
    epochs = QUICK_EPOCHS if quick else 20
    gk.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    if quick:
        x_train, y_train = x_train[:QUICK_DIGITS], y_train[:QUICK_DIGITS]
        print(f"quick mode: {QUICK_DIGITS} training digits, {epochs} epochs (a smoke test)")
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
    ink_train = x_train.mean(axis=1, keepdims=True)
    ink_test = x_test.mean(axis=1, keepdims=True)

    model = build_model()

    model.compile(
        optimizer="adam",
        loss={"digit": "sparse_categorical_crossentropy", "ink": "mse"},
        loss_weights={"digit": 1.0, "ink": 10.0},
        metrics={"digit": ["accuracy"], "ink": ["mae"]},
    )
    history = model.fit(
        x_train,
        {"digit": y_train, "ink": ink_train},
        batch_size=64,
        epochs=epochs,
        validation_split=0.1,
        verbose=0,
    )
    final = {key: round(values[-1], 4) for key, values in history.history.items()}
    print("last epoch:", final)

    results = model.evaluate(
        x_test, {"digit": y_test, "ink": ink_test}, verbose=0, return_dict=True
    )
    print("test:", {key: round(value, 4) for key, value in results.items()})
    predictions = model.predict(x_test)
    accuracy = np.mean(np.argmax(predictions["digit"], axis=1) == y_test)
    print(f"test digit accuracy from predict: {accuracy:.4f}")
    return {"history": history.history, "test": results, "test_digit_accuracy": float(accuracy)}


if __name__ == "__main__":
    main()
