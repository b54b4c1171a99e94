"""A small Transformer encoder that reads a digit image row by row.

Each 8x8 digit becomes a sequence of 8 tokens (its rows) of 8 features. The
tokens are projected to ``model_dim`` features, given a learned position
vector each (attention by itself does not know the order of its tokens), and
go through one encoder block: multi-head self-attention and a feed-forward
network, each added back to its input (a residual connection) and followed by
layer normalization, as in "Attention is all you need". The mean over the
tokens feeds a softmax over the ten digits.

The block is built with the functional API from ``MultiHeadAttention``,
``Add``, ``LayerNormalization`` and ``Dense``; the position vectors show how a
custom layer with its own weight joins such a graph, and (with one registered
converter) leaves it again in an ONNX file: ``model.export("encoder.onnx")``.

Run: ``python examples/transformer_encoder.py``; with ``--quick`` (or
``GRAPHKERAS_EXAMPLES_QUICK=1``) it trains on 300 digits for 2 epochs, a
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
QUICK_DIGITS, QUICK_EPOCHS = 300, 2


class PositionEmbedding(layers.Layer):
    """Adds a learned vector to each position of a ``(batch, steps, features)`` input."""

    def build(self, input_shape) -> None:
        self.positions = self.add_weight(
            "positions", shape=tuple(input_shape[1:]), initializer="zeros"
        )

    def call(self, inputs):
        return K.add(inputs, self.positions)


def write_position_embedding(call: gk.export.OnnxLayerCall) -> str:
    """PositionEmbedding as ONNX: one Add of the positions (broadcast over the batch)."""
    return call.add("Add", [call.inputs[0], call.weight(call.layer.positions)])


gk.export.register_onnx_converter(PositionEmbedding, write_position_embedding)


def encoder_block(x, num_heads: int, key_dim: int, feed_forward_dim: int):
    """Self-attention then a feed-forward network, each with a residual and a LayerNorm."""
    attended = layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, attended]))
    transformed = layers.Dense(feed_forward_dim, activation="relu")(x)
    transformed = layers.Dense(x.shape[-1])(transformed)
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, transformed]))


def build_model(model_dim: int = 32) -> gk.Model:
    """Rows projected to ``model_dim``, positions added, one encoder block, mean, softmax."""
    rows = gk.Input(shape=(8, 8), name="rows")
    tokens = PositionEmbedding(name="positions")(layers.Dense(model_dim)(rows))
    encoded = encoder_block(tokens, num_heads=4, key_dim=8, feed_forward_dim=64)
    pooled = layers.GlobalAveragePooling1D()(encoded)
    return gk.Model(rows, layers.Dense(10, activation="softmax")(pooled))


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="Train a Transformer encoder on digit rows.")
    parser.add_argument("--quick", action="store_true", help="300 digits, 2 epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def main(argv: list[str] | None = None) -> dict:
    """Train and print the accuracies; returns the History's record and the test accuracy."""
    quick = quick_mode(argv)
    epochs = QUICK_EPOCHS if quick else 15
    gk.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    if quick:
        x_train, y_train = x_train[:QUICK_DIGITS], y_train[:QUICK_DIGITS]
        print(f"quick mode: {QUICK_DIGITS} training digits, {epochs} epochs (a smoke test)")
    x_train = x_train.astype("float32") / 16.0
    x_test = x_test.astype("float32") / 16.0

    model = build_model()
    model.compile(
        optimizer=gk.optimizers.Adam(learning_rate=0.003),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    print(f"final training accuracy: {history.history['accuracy'][-1]:.4f}")

    predictions = np.argmax(model.predict(x_test), axis=1)
    test_accuracy = float(np.mean(predictions == y_test))
    print(f"test accuracy: {test_accuracy:.4f} on {len(y_test)} digits")
    return {"history": history.history, "test_accuracy": test_accuracy}


if __name__ == "__main__":
    main()
