"""Inspecting a graph with shared layers: node table, per-call outputs, networkx, SVG.

The model reuses one Dense layer at two depths (``block`` reads the input,
then, two layers later, a transformed copy of its own output) and calls one
sub-model, ``refine``, on both of ``block``'s outputs. A layer-by-layer view
hides this: ``block`` is one layer with one set of weights. The node view
shows every call:

1. the node table lists each call of ``block`` and ``refine`` with what it reads;
2. ``K.function`` on each node's output tensors gives the value of every call,
   including ``block``'s second call (Keras 3 has no ``get_output_at`` and
   its ``layer.output`` returns the first call's tensor);
3. ``gk.utils.to_networkx`` gives the graph at layer level (``block`` is one
   vertex with an edge per call) and at node level (one vertex per call);
4. ``gk.utils.plot_model`` draws it as SVG, with no Graphviz installed.

Run: ``python examples/inspect_shared_layers.py [OUT.svg]``; without a path the
SVG goes to a new temporary directory (its path is printed), never into the repository.
It trains nothing, so it is always quick; it accepts ``--quick`` as every example does.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers


def build_model() -> gk.Model:
    """``block`` at depths 1 and 3, ``refine`` (a sub-model) called on both of its outputs."""
    K.clear_session()
    gk.utils.set_random_seed(0)

    refine_input = gk.Input((8,), name="refine_input")
    refined = layers.Dense(8, activation="relu", name="refine_hidden")(refine_input)
    refine = gk.Model(refine_input, layers.Dense(4, name="refine_out")(refined), name="refine")

    features = gk.Input((8,), name="features")
    block = layers.Dense(8, activation="tanh", name="block")
    first = block(features)
    mixed = layers.Dense(8, activation="relu", name="mix")(first)
    second = block(mixed)
    joined = layers.concatenate([refine(first), refine(second)], name="joined")
    score = layers.Dense(1, activation="sigmoid", name="score")(joined)
    return gk.Model(features, score, name="shared_at_two_depths")


def node_outputs(model: gk.Model, inputs: np.ndarray) -> dict[str, np.ndarray]:
    """The first output of every node, keyed ``"layer[node_index]"``, from one run."""
    graph = gk.utils.to_networkx(model, level="node")
    keys = list(graph.nodes)
    tensors = [graph.nodes[key]["node"].output_tensors[0] for key in keys]
    values = K.function(model.inputs, tensors)([inputs])
    return dict(zip(keys, values, strict=True))


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Inspect a graph with shared layers.")
    parser.add_argument("svg_path", nargs="?", type=Path, help="where to write the drawing")
    parser.add_argument("--quick", action="store_true", help="accepted; this example is quick")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, np.ndarray]:
    """Print the node table, per-node outputs and graph counts, draw the SVG.

    Returns the per-node outputs, keyed ``"layer[node_index]"``.
    """
    svg_path = parse_arguments(argv).svg_path
    if svg_path is None:
        svg_path = Path(tempfile.mkdtemp(prefix="graphkeras_")) / "shared_at_two_depths.svg"
    model = build_model()
    print("Every node, in execution order:")
    print(gk.utils.node_table(model))

    batch = np.random.default_rng(0).normal(size=(4, 8)).astype("float32")
    outputs = node_outputs(model, batch)
    print("\nPer-node outputs for a batch of 4 (first row, first 3 values):")
    for key, value in outputs.items():
        print(f"  {key:<16} shape {str(value.shape):<8} {np.round(value[0, :3], 3)}")

    # The second call of `block` really is `block` applied to `mix`'s output.
    kernel, bias = model.get_layer("block").get_weights()
    by_hand = np.tanh(outputs["mix[0]"] @ kernel + bias)
    difference = float(np.max(np.abs(outputs["block[1]"] - by_hand)))
    print(f"\nblock[1] == tanh(mix[0] @ W + b) computed by hand: max difference {difference:.1e}")
    calls_differ = not np.allclose(outputs["block[0]"], outputs["block[1]"])
    print(f"block[0] and block[1] differ: {calls_differ}")

    layer_graph = gk.utils.to_networkx(model, level="layer")
    node_graph = gk.utils.to_networkx(model, level="node")
    calls = sorted(
        data["consumer_node_index"] for *_, data in layer_graph.in_edges("block", data=True)
    )
    print(
        f"\nnetworkx, layer level: {layer_graph.number_of_nodes()} vertices, "
        f"{layer_graph.number_of_edges()} edges; 'block' is one vertex with "
        f"{layer_graph.in_degree('block')} edges in, one per call (calls {calls})"
    )
    print(
        f"networkx, node level:  {node_graph.number_of_nodes()} vertices, "
        f"{node_graph.number_of_edges()} edges; shared calls: "
        f"{[key for key, shared in node_graph.nodes(data='shared') if shared]}"
    )

    gk.utils.plot_model(model, to_file=str(svg_path), show_shapes=True, expand_nested=True)
    print(f"\nWrote the drawing to {svg_path}")
    return outputs


if __name__ == "__main__":
    main()
