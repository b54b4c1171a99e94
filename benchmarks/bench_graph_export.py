"""Exporting a model's graph: to_networkx, node_table and model_to_dot on ResNet-style models.

The models are residual stacks of Dense(16) layers (every block: two Dense
layers and an ``add`` with the block's input; one Dense shared by every
block, so the graph has a layer with hundreds of calls). For 1,000 and
10,000 layers it times ``to_networkx`` at layer and node level,
``node_table`` and ``model_to_dot``, each against the reference measured in
the same run: mapping the same graph into a Model, ``gk.Model(inputs,
outputs)``, which walks and orders the same nodes once. Targets: each export
within 3x of mapping at both sizes (so it scales as mapping does) and
1,000 layers in under 0.1 s. The ratio time(10,000) / time(1,000) is printed
beside mapping's own (linear is 10; caches make both a little more).
"""

from __future__ import annotations

import gc

from _timing import compare

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils import model_to_dot, node_table, to_networkx

WIDTH = 16


def residual_tensors(layer_count: int) -> tuple:
    """Input and output tensors of a residual stack with about ``layer_count`` layers."""
    K.clear_session()
    gc.collect()
    inputs = gk.Input(shape=(WIDTH,))
    shared = layers.Dense(WIDTH, name="shared_projection")
    tensor = inputs
    blocks = max(1, (layer_count - 2) // 3)
    for _ in range(blocks):
        hidden = layers.Dense(WIDTH, activation="relu")(shared(tensor))
        tensor = layers.add([tensor, layers.Dense(WIDTH)(hidden)])
    return inputs, tensor


def measure(size: int, rounds: int) -> tuple[gk.Model, dict]:
    """The model of about ``size`` layers and the best seconds of each candidate on it."""
    inputs, outputs = residual_tensors(size)
    model = gk.Model(inputs, outputs)
    seconds = compare(
        {
            "map (reference)": lambda: gk.Model(inputs, outputs),
            "to_networkx layer": lambda: to_networkx(model),
            "to_networkx node": lambda: to_networkx(model, level="node"),
            "node_table": lambda: node_table(model),
            "model_to_dot": lambda: model_to_dot(model, show_shapes=True),
        },
        rounds=rounds,
    )
    return model, seconds


def main() -> None:
    sizes = (1_000, 10_000)
    results = {}
    for size in sizes:
        rounds = 7 if size <= 1_000 else 3
        model, results[size] = measure(size, rounds)
        nodes = len(model._execution_order)
        print(f"N={len(model.layers):,} layers, {nodes:,} nodes (best of {rounds} rounds):")
        reference = results[size]["map (reference)"]
        for name, seconds in results[size].items():
            print(f"  {name:<20} {seconds * 1e3:8.1f} ms   {seconds / reference:5.2f}x mapping")
    print("time(10,000) / time(1,000) (linear: 10; compare with mapping's):")
    for name in results[sizes[0]]:
        ratio = results[sizes[1]][name] / results[sizes[0]][name]
        print(f"  {name:<20} {ratio:5.1f}")


if __name__ == "__main__":
    main()
