"""A Transformer encoder block as a functional model: config round trip and the example.

The block is the one ``examples/transformer_encoder.py`` trains:
MultiHeadAttention, residual ``Add``, ``LayerNormalization`` and a
feed-forward pair of ``Dense`` layers.
"""

from __future__ import annotations

import numpy as np
import pytest
from example_scripts import run_example

import graphkeras as gk
from graphkeras import layers


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
    # Two models computing separately: equal to float32 rounding, not bit for bit.
    np.testing.assert_allclose(clone.predict(x), model.predict(x), rtol=1e-6, atol=1e-6)


def test_encoder_block_round_trips_through_json_with_its_attention_scores():
    model = encoder_model(with_scores=True)
    clone = gk.models.model_from_json(model.to_json())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(1).normal(size=(2, 5, 8)).astype("float32")
    for mine, theirs in zip(clone.predict(x), model.predict(x), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-6, atol=1e-6)
    assert clone.outputs[1].shape == (None, 2, 5, 5)


def test_the_example_trains_on_the_digits():
    # Quick mode (a few hundred digits, two epochs); the full run prints about 96%.
    text, result = run_example("transformer_encoder.py", "--quick")
    losses = result["history"]["loss"]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert f"final training accuracy: {result['history']['accuracy'][-1]:.4f}" in text
    accuracy = float(text.split("test accuracy: ")[1].split()[0])
    assert accuracy == pytest.approx(result["test_accuracy"], abs=5e-5)
    assert "on 360 digits" in text
    assert result["test_accuracy"] > 0.15  # chance is 0.1; two quick epochs give about 0.3
