"""Models several benchmark scripts time, built once here."""

from __future__ import annotations

import graphkeras as gk
from graphkeras import layers

WIDTH = 16


def residual_stack(layer_count: int) -> tuple:
    """``(inputs, outputs)`` of residual blocks up to about ``layer_count`` layers.

    Each block is shared Dense, Dense, Dense and an add; the one shared Dense
    (``shared_projection``) is called by every block, so it has hundreds of calls.
    """
    inputs = gk.Input(shape=(WIDTH,), name="features")
    shared = layers.Dense(WIDTH, name="shared_projection")
    tensor = inputs
    for _ in range(max(1, (layer_count - 2) // 3)):
        hidden = layers.Dense(WIDTH, activation="relu")(shared(tensor))
        tensor = layers.add([tensor, layers.Dense(WIDTH)(hidden)])
    return inputs, tensor
