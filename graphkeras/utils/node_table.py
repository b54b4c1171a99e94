"""node_table: every node of a model, in execution order, as a text table.

One row per call event (PyTorch FX's ``print_tabular`` is the model): the
node key ``layer[node_index]``, the layer's class, what it reads
(``name[node_index][tensor_index]`` for each input), the keywords the call
recorded, its output shapes and its depth. A shared layer shows one row per
call, which is exactly what ``model.summary()`` cannot show.
"""

from __future__ import annotations


def node_rows(model) -> list[dict]:
    """The table's rows as dicts (keys: node, layer, class, inbound, arguments, output_shapes,
    depth), in execution order."""
    rows = []
    for node in model._execution_order:
        layer = node.outbound_layer
        index = next(i for i, candidate in enumerate(layer._inbound_nodes) if candidate is node)
        inbound = [
            f"{source.name}[{node_index}][{tensor_index}]"
            for source, node_index, tensor_index in zip(
                node.inbound_layers, node.node_indices, node.tensor_indices, strict=True
            )
        ]
        rows.append(
            {
                "node": f"{layer.name}[{index}]",
                "layer": layer.name,
                "class": type(layer).__name__,
                "inbound": inbound,
                "arguments": dict(node.arguments),
                "output_shapes": [tensor.shape for tensor in node.output_tensors],
                "depth": model._node_depths[node],
            }
        )
    return rows


def node_table(model) -> str:
    """The nodes of ``model`` as an aligned text table (one line per node and input)."""
    headers = ["node", "class", "inbound", "arguments", "output shapes", "depth"]
    lines = []
    for row in node_rows(model):
        shapes = row["output_shapes"]
        shape_text = str(shapes[0]) if len(shapes) == 1 else str(shapes)
        arguments = ", ".join(f"{k}={v!r}" for k, v in row["arguments"].items())
        inbound = row["inbound"] or ["-"]
        for position, source in enumerate(inbound):
            first = position == 0
            lines.append(
                [
                    row["node"] if first else "",
                    row["class"] if first else "",
                    source,
                    arguments if first else "",
                    shape_text if first else "",
                    str(row["depth"]) if first else "",
                ]
            )
    widths = [max(len(headers[i]), *(len(line[i]) for line in lines)) for i in range(len(headers))]

    def render(cells: list[str]) -> str:
        padded = (cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([render(headers), rule, *(render(line) for line in lines)])
