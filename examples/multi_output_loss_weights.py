"""A model with two outputs trained with ``loss_weights``, on real digits.

One shared trunk reads the 8x8 image; a classification head predicts the
digit and a regression head predicts the image's mean ink. ``fit`` takes
targets as a dict keyed by output name, and ``loss_weights`` sets how much
each output's loss counts; the History reports each output's loss and
metric under its own name.

Run: ``python examples/multi_output_loss_weights.py``
"""

from __future__ import annotations

import numpy as np

import graphkeras as gk
from graphkeras import layers


def main() -> None:
    gk.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
    ink_train = x_train.mean(axis=1, keepdims=True)
    ink_test = x_test.mean(axis=1, keepdims=True)

    pixels = gk.Input(shape=(64,), name="pixels")
    trunk = layers.Dense(64, activation="relu", name="trunk")(pixels)
    digit = layers.Dense(10, activation="softmax", name="digit")(trunk)
    ink = layers.Dense(1, name="ink")(trunk)
    model = gk.Model(pixels, {"digit": digit, "ink": ink})

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
        epochs=20,
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


if __name__ == "__main__":
    main()
