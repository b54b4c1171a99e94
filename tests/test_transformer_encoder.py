"""A Transformer encoder block as a functional model: config round trip and the example.

The block is the one ``examples/transformer_encoder.py`` trains:
MultiHeadAttention, residual ``Add``, ``LayerNormalization`` and a
feed-forward pair of ``Dense`` layers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

import graphkeras as gk
from graphkeras import layers

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "transformer_encoder.py"


def encoder_model(with_scores: bool = False) -> gk.Model:
    tokens = gk.Input((5, 8))
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="self_attention")
    if with_scores:
        attended, scores = attention(tokens, tokens, return_attention_scores=True)
    else:
        attended = attention(tokens, tokens, use_causal_mask=True)
    x = layers.LayerNormalization()(layers.Add()([tokens, attended]))
    transformed = layers.Dense(8)(layers.Dense(16, activation="relu")(x))
    outputs = layers.LayerNormalization()(layers.Add()([x, transformed]))
    return gk.Model(tokens, [outputs, scores] if with_scores else outputs)


def test_encoder_block_round_trips_through_its_config_with_identical_outputs():
    model = encoder_model()
    clone = gk.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(3, 5, 8)).astype("float32")
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    np.testing.assert_array_equal(clone.predict(x), model.predict(x))


def test_encoder_block_round_trips_through_json_with_its_attention_scores():
    model = encoder_model(with_scores=True)
    clone = gk.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).normal(size=(2, 5, 8)).astype("float32")
    for mine, theirs in zip(clone.predict(x), model.predict(x), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert clone.outputs[1].shape == (None, 2, 5, 5)


def test_the_example_learns_the_digits():
    finished = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    match = re.search(r"test accuracy: (\d\.\d+)", finished.stdout)
    assert match, finished.stdout
    assert float(match.group(1)) >= 0.9
