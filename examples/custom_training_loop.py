"""A TensorFlow-2-style custom training loop with ``K.GradientTape``, on real digits.

The model is a plain functional MLP; the loop does by hand what ``fit`` does:
shuffle, run the model inside a tape, take the gradient of the loss for the
trainable weights, let the optimizer apply it. Inside the tape the math goes
through ``graphkeras.backend`` (the loss objects do): plain numpy operators
are not recorded, and the tape refuses a target it did not see computed.

Run: ``python examples/custom_training_loop.py``
"""

from __future__ import annotations

import numpy as np

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def main() -> None:
    gk.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

    inputs = gk.Input(shape=(64,))
    hidden = layers.Dense(64, activation="relu")(inputs)
    hidden = layers.Dense(64, activation="relu")(hidden)
    model = gk.Model(inputs, layers.Dense(10)(hidden))

    loss_fn = gk.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = gk.optimizers.Adam(learning_rate=0.005)
    accuracy = gk.metrics.SparseCategoricalAccuracy()

    for epoch in range(15):
        order = K.random_permutation(len(x_train))
        accuracy.reset_state()
        for start in range(0, len(x_train), 64):
            index = order[start : start + 64]
            x_batch, y_batch = x_train[index], y_train[index]
            with K.GradientTape() as tape:
                logits = model(x_batch, training=True)
                loss = loss_fn(y_batch, logits)
            gradients = tape.gradient(loss, model.trainable_weights)
            optimizer.apply(gradients, model.trainable_weights)
            accuracy.update_state(y_batch, logits)
        if epoch % 5 == 4:
            print(
                f"epoch {epoch + 1:2d}: loss {float(loss):.4f}, "
                f"train accuracy {float(accuracy.result()):.4f}"
            )

    predictions = np.argmax(model.predict(x_test), axis=1)
    print(f"test accuracy: {np.mean(predictions == y_test):.4f} on {len(y_test)} digits")


if __name__ == "__main__":
    main()
