"""node_table: every node of a model, in execution order, as a text table.

One row per call event (PyTorch FX's ``print_tabular`` is the model): the
node key ``layer[node_index]``, the layer's name and class, what it reads
(``name[node_index][tensor_index]`` for each input), the keywords the call
recorded, its output shapes and its depth. A shared layer shows one row per
call, which is exactly what ``model.summary()`` cannot show.
"""

from __future__ import annotations

from graphkeras.utils.gc_pause import gc_paused
from graphkeras.utils.model_graph import require_functional

HEADERS = ["node", "layer", "class", "inbound", "call keywords", "output shapes", "depth"]


def node_rows(model) -> list[dict]:
    """The table's rows as dicts (keys: node, layer, class, inbound, arguments, output_shapes,
    depth), in execution order."""
    require_functional(model, "node_rows")
    with gc_paused():
        return _rows(model)


def _rows(model) -> list[dict]:
    rows = []
    # Each layer's node positions, found once: a layer shared N times would
    # otherwise be searched N times.
    node_indices: dict[int, dict[int, int]] = {}
    for node in model._execution_order:
        layer = node.outbound_layer
        indices = node_indices.get(id(layer))
        if indices is None:
            indices = {id(candidate): i for i, candidate in enumerate(layer._inbound_nodes)}
            node_indices[id(layer)] = indices
        index = indices[id(node)]
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


def format_shapes(shapes: list) -> str:
    """One shape as itself, several as a list: ``(None, 3)`` or ``[(None, 3), (None, 4)]``."""
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def format_keywords(arguments: dict) -> str:
    """Recorded call keywords as ``key=value`` pairs: ``training=True``."""
    return ", ".join(f"{key}={value!r}" for key, value in arguments.items())


def node_table(model) -> str:
    """The nodes of ``model`` as an aligned text table (one line per node and input).

    Columns: node, layer, class, inbound, call keywords, output shapes, depth.
    A node reading several tensors continues on the next lines, one per input.
    """
    with gc_paused():
        return _render(node_rows(model))


def _render(rows: list[dict]) -> str:
    headers = HEADERS
    lines = []
    for row in rows:
        shape_text = format_shapes(row["output_shapes"])
        arguments = format_keywords(row["arguments"])
        inbound = row["inbound"] or ["-"]
        for position, source in enumerate(inbound):
            first = position == 0
            lines.append(
                [
                    row["node"] if first else "",
                    row["layer"] if first else "",
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
