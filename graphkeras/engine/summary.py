"""``model.summary()``: the layers of a model as a text table.

Columns are Layer (type), Output Shape and Param #, plus Connected to
(``name[node_index][tensor_index]`` of each inbound tensor) when the graph is
not a plain chain, and Trainable with ``show_trainable``. Then the total,
trainable and non-trainable parameter counts, with thousands separators.
With ``show_nodes``, the node table follows (``graphkeras.utils.node_table``:
one row per call, so each call of a shared layer is shown).
``print_fn`` receives one line per call.

A model not built yet (a Sequential waiting for its input shape) is listed
as Keras 3 lists it: each layer with ``?`` for its output shape and
``0 (unbuilt)`` for its parameters. A layer built but never called in a
graph shows the output shape of the input shape it was built for.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.utils.node_table import node_table


def print_summary(
    model,
    line_length: int | None = None,
    positions: list | None = None,
    print_fn: Callable[[str], object] | None = None,
    expand_nested: bool = False,
    show_trainable: bool = False,
    show_nodes: bool = False,
) -> None:
    """Print ``model``'s summary table through ``print_fn`` (default ``print``)."""
    print_fn = print_fn or print
    # Made first, so a model without a graph is refused before anything is printed.
    nodes_text = node_table(model) if show_nodes else ""
    chain = _is_chain(model)
    default_layout = line_length is None and positions is None
    if chain:
        headers = ["Layer (type)", "Output Shape", "Param #"]
        line_length = line_length or 65
        relative = positions or [0.45, 0.85, 1.0]
    else:
        headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        line_length = line_length or 98
        relative = positions or [0.33, 0.55, 0.67, 1.0]
    if show_trainable:
        headers.append("Trainable")
        if positions is None:
            line_length += 11
            relative = [p * (line_length - 11) / line_length for p in relative] + [1.0]
    if all(p <= 1 for p in relative):
        stops = [int(line_length * p) for p in relative]
    else:
        stops = [int(p) for p in relative]
    if len(stops) != len(headers):
        raise ValueError(
            f"summary positions must give {len(headers)} column stops, received {positions}."
        )
    rows = _layer_rows(model, chain, show_trainable, expand_nested, depth=0)
    if default_layout:
        # The default widths fit counts; "0 (unbuilt)" gets the room it needs.
        widest = max((len(fields[2]) for fields in rows), default=0)
        extra = max(widest + 1 - (stops[2] - stops[1]), 0)
        stops = stops[:2] + [stop + extra for stop in stops[2:]]
        line_length += extra

    print_fn(f'Model: "{model.name}"')
    print_fn("_" * line_length)
    for line in _row(headers, stops):
        print_fn(line)
    print_fn("=" * line_length)
    for index, fields in enumerate(rows):
        for line in _row(fields, stops):
            print_fn(line)
        print_fn(("=" if index == len(rows) - 1 else "_") * line_length)
    if not rows:
        print_fn("=" * line_length)

    trainable = _count(model.trainable_weights)
    non_trainable = _count(model.non_trainable_weights)
    print_fn(f"Total params: {trainable + non_trainable:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {non_trainable:,}")
    print_fn("_" * line_length)
    if show_nodes:
        print_fn("Nodes, in execution order:")
        for line in nodes_text.splitlines():
            print_fn(line)


def _is_chain(model) -> bool:
    """True when every depth holds one node with at most one inbound layer."""
    nodes_by_depth = getattr(model, "_nodes_by_depth", None)
    if nodes_by_depth is None:
        return True
    for nodes in nodes_by_depth.values():
        if len(nodes) > 1 or (nodes and len(nodes[0].inbound_layers) > 1):
            return False
    return True


def _layer_rows(model, chain: bool, show_trainable: bool, expand_nested: bool, depth: int) -> list:
    rows = []
    network_nodes = getattr(model, "_network_nodes", set())
    for layer in model.layers:
        name = "  " * depth + f"{layer.name} ({type(layer).__name__})"
        fields = [name, _output_shape(layer), _params(layer)]
        if not chain:
            fields.append(_connections(layer, network_nodes))
        if show_trainable:
            fields.append("Y" if layer.trainable else "N")
        rows.append(fields)
        if expand_nested and getattr(layer, "_is_graph_network", False):
            rows.extend(_layer_rows(layer, chain, show_trainable, expand_nested, depth + 1))
    return rows


def _output_shape(layer) -> str:
    """The layer's output shape; ``?`` when unknown, ``multiple`` when its calls differ."""
    if not layer._inbound_nodes:
        build_shape = getattr(layer, "_build_input_shape", None)
        if not layer.built or build_shape is None:
            return "?"
        try:
            shape = layer.compute_output_shape(build_shape)
        except (ValueError, TypeError, NotImplementedError):
            return "?"  # shapes this layer cannot infer leave its row standing
    else:
        try:
            shape = layer.output_shape
        except (AttributeError, RuntimeError):
            return "multiple"
    if isinstance(shape, dict):
        return str({key: value for key, value in shape.items()})
    return str(shape)


def _params(layer) -> str:
    if not layer.built:
        return "0 (unbuilt)"
    return f"{_count(layer.weights):,}"


def _count(variables) -> int:
    return sum(K.count_params(variable) for variable in variables)


def _connections(layer, network_nodes) -> str:
    links = []
    for node in layer._inbound_nodes:
        if network_nodes and node not in network_nodes:
            continue
        for inbound, node_index, tensor_index in zip(
            node.inbound_layers, node.node_indices, node.tensor_indices, strict=True
        ):
            links.append(f"{inbound.name}[{node_index}][{tensor_index}]")
    return "\n".join(links)


def _row(fields: list, stops: list) -> list[str]:
    """The text lines of one table row; long fields wrap within their column."""
    columns = []
    start = 0
    for field, stop in zip(fields, stops, strict=True):
        width = max(stop - start - 1, 1)
        pieces: list[str] = []
        for part in str(field).split("\n"):
            pieces.extend(part[i : i + width] for i in range(0, max(len(part), 1), width))
        columns.append((pieces, start, stop))
        start = stop
    height = max(len(pieces) for pieces, _, _ in columns)
    lines = []
    for line_index in range(height):
        line = ""
        for pieces, start, _stop in columns:
            text = pieces[line_index] if line_index < len(pieces) else ""
            line = line.ljust(start) + text
        lines.append(line.rstrip())
    return lines
