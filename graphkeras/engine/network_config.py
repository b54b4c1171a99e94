"""A functional network as JSON-ready data, and back, in the Keras 2.2 layout.

``network_to_config`` writes::

    {"name": ..., "trainable": ...,
     "layers": [{"name", "class_name", "config",
                 "inbound_nodes": [[[layer_name, node_index, tensor_index, kwargs], ...], ...]}],
     "input_layers": [[name, node_index, tensor_index], ...],
     "output_layers": [...]}

A network built from dicts also stores their keys (``"input_keys"``,
``"output_keys"``), and one built from tuples says so (``"input_structure":
"tuple"``, ``"output_structure": "tuple"``), so that the rebuilt network
returns the same structure: a JSON list cannot tell a tuple from a list.

Node indices are renumbered to count only the nodes inside this network
(a nested network's own node 0 is skipped, so its first call in here is 1).
Positional arguments after the inputs are written as keywords, and tensors
among keywords as ``{"class_name": "__keras_tensor__", "config":
{"keras_history": [layer_name, node_index, tensor_index]}}``.

``rebuild_graph`` reads it back: every layer is created first, then the
nodes are replayed in an order that networkx derives from their
dependencies, so shared layers, nested networks and layers called several
times come back node for node. A config naming a missing layer or node, or
whose nodes depend on each other in a loop, raises ``ValueError``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graphkeras.engine.layer_registry import deserialize_layer, serialize_layer
from graphkeras.engine.node import is_keras_tensor
from graphkeras.utils import nest

_TENSOR_MARK = "__keras_tensor__"


def _kept_node_offset(layer) -> int:
    """1 for a graph network (its node 0 is its own), else 0."""
    nodes = layer._inbound_nodes
    is_network = getattr(layer, "_is_graph_network", False)
    return 1 if is_network and nodes and nodes[0].is_own_node else 0


def kept_node_indices(network) -> dict[int, int]:
    """``{id(node): index}``: each node's number as the config writes it (see the docstring)."""
    kept_index: dict[int, int] = {}
    for layer in network._layers:
        next_index = _kept_node_offset(layer)
        for node in layer._inbound_nodes:
            if node in network._network_nodes:
                kept_index[id(node)] = next_index
                next_index += 1
    return kept_index


def network_to_config(network) -> dict:
    """The config of a functional network (see the module docstring)."""
    kept_index = kept_node_indices(network)

    def reference(tensor) -> list:
        layer, _, tensor_index = tensor._keras_history
        return [layer.name, kept_index[id(tensor.node)], tensor_index]

    layer_configs = []
    for layer in network._layers:
        inbound_nodes = []
        for node in layer._inbound_nodes:
            if node.is_own_node or node not in network._network_nodes:
                continue
            kwargs = _node_keywords(node, reference)
            inbound_nodes.append(
                [[*reference(tensor), kwargs] for tensor in nest.flatten(node.call_args[0])]
            )
        config = serialize_layer(layer)
        layer_configs.append(
            {
                "name": layer.name,
                "class_name": config["class_name"],
                "config": config["config"],
                "inbound_nodes": inbound_nodes,
            }
        )
    config: dict[str, Any] = {
        "name": network.name,
        "trainable": network.trainable,
        "layers": layer_configs,
        "input_layers": [reference(tensor) for tensor in network.inputs],
        "output_layers": [reference(tensor) for tensor in network.outputs],
    }
    if network._input_keys is not None:
        config["input_keys"] = list(network._input_keys)
    if network._output_keys is not None:
        config["output_keys"] = list(network._output_keys)
    for field, structure in (
        ("input_structure", network._inputs_struct),
        ("output_structure", network._outputs_struct),
    ):
        if isinstance(structure, tuple):
            config[field] = "tuple"
    return config


def structured_endpoints(tensors: list, keys: list | None, as_tuple: bool):
    """A network's flat inputs or outputs in the structure it was built from.

    A dict by ``keys``, a tuple when ``as_tuple`` (a tuple of one stays a
    tuple, as Keras 3 keeps it), else a list, one tensor bare: Keras 2.2
    reports a single endpoint as a tensor, so ``output_shape`` is a shape.
    """
    if keys is not None:
        return dict(zip(keys, tensors, strict=True))
    if as_tuple:
        return tuple(tensors)
    return tensors[0] if len(tensors) == 1 else list(tensors)


def named_call_keywords(node) -> dict:
    """The node's call keywords, with positional arguments after the first named."""
    keywords: dict[str, Any] = {}
    extra_positional = node.call_args[1:]
    if extra_positional:
        names = list(inspect.signature(node.outbound_layer.call).parameters)[1:]
        keywords.update(zip(names, extra_positional, strict=False))
    keywords.update(node.call_kwargs)
    return keywords


def _node_keywords(node, reference) -> dict:
    """The node's call keywords, extra positional arguments named, tensors as references."""
    keywords = named_call_keywords(node)
    encoded = {}
    for key, value in keywords.items():
        value = nest.map_structure(
            lambda leaf: (
                {"class_name": _TENSOR_MARK, "config": {"keras_history": reference(leaf)}}
                if is_keras_tensor(leaf)
                else leaf
            ),
            value,
        )
        try:
            json.dumps(value, default=_json_default)
        except TypeError:
            continue
        encoded[key] = value
    return encoded


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def rebuild_graph(config: Mapping, custom_objects: Mapping | None = None) -> tuple:
    """Recreate the layers and nodes of a network config; returns ``(inputs, outputs)``.

    ``inputs`` and ``outputs`` come back as dicts when the config has
    ``input_keys`` / ``output_keys``, as tuples when it says
    ``"input_structure"`` / ``"output_structure"`` is ``"tuple"`` (or, as
    Keras 3's own ``get_config`` gives in memory, ``input_layers`` /
    ``output_layers`` is a tuple), else as lists (one tensor bare).
    """
    layer_entries = config.get("layers")
    if not isinstance(layer_entries, list):
        raise ValueError(
            f"A network config needs a list under 'layers', received {layer_entries!r}."
        )

    created: dict[str, Any] = {}
    offsets: dict[str, int] = {}
    names: list[str] = []
    for position, entry in enumerate(layer_entries):
        if not isinstance(entry, Mapping) or "class_name" not in entry:
            raise ValueError(f"Config layer #{position} is not a layer entry: {entry!r}.")
        name = entry.get("name", (entry.get("config") or {}).get("name"))
        if not isinstance(name, str):
            raise ValueError(f"Config layer #{position} has no name: {entry!r}.")
        if name in created:
            raise ValueError(f"Config names layer {name!r} twice.")
        try:
            layer = deserialize_layer(
                {"class_name": entry["class_name"], "config": entry.get("config", {})},
                custom_objects,
            )
        except Exception as error:
            error.add_note(f"while rebuilding layer {name!r} ({entry['class_name']!s:.80})")
            raise
        created[name] = layer
        offsets[name] = len(layer._inbound_nodes)
        names.append(name)

    # Each node to replay is (layer name, node index).
    node_data: dict[tuple, list] = {}
    order_key: dict[tuple, tuple] = {}
    for position, (name, entry) in enumerate(zip(names, layer_entries, strict=True)):
        inbound_nodes = entry.get("inbound_nodes", [])
        if not isinstance(inbound_nodes, list):
            raise ValueError(
                f"Layer {name!r}: 'inbound_nodes' must be a list, received {inbound_nodes!r}."
            )
        for number, data in enumerate(inbound_nodes):
            key = (name, offsets[name] + number)
            node_data[key] = _normalise_node_data(data, name)
            order_key[key] = (position, number)

    # A node depends on the nodes producing its inputs and on the previous
    # node of its own layer (node k is created by the k-th call).
    dependencies = nx.DiGraph()
    for key, entries in node_data.items():
        name, index = key
        dependencies.add_node(key)
        if index > offsets[name]:
            dependencies.add_edge((name, index - 1), key)
        for reference in _references(entries):
            producer = _check_reference(reference, name, created, offsets, node_data)
            if producer is not None:
                dependencies.add_edge(producer, key)

    if not nx.is_directed_acyclic_graph(dependencies):
        cycle = nx.find_cycle(dependencies)
        loop = " -> ".join(f"{u[0]}[{u[1]}]" for u, _ in cycle)
        raise ValueError(f"The config's nodes depend on each other in a loop: {loop}.")

    for key in nx.lexicographical_topological_sort(dependencies, key=lambda k: order_key[k]):
        name, _ = key
        layer = created[name]
        entries = node_data[key]
        tensors = [_resolve(created, ref, name) for ref in entries]
        kwargs = _decode_tensors(entries[0][3] if entries else {}, created, name)
        inputs = tensors[0] if len(tensors) == 1 else tensors
        try:
            layer(inputs, **kwargs)
        except Exception as error:
            error.add_note(f"while calling layer {name!r} (node {key[1]}) to rebuild the graph")
            raise

    def endpoint(key: str) -> list:
        references = config.get(key)
        if isinstance(references, tuple):
            references = list(references)
        if not isinstance(references, list) or not references:
            raise ValueError(f"A network config needs a non-empty list under {key!r}.")
        if isinstance(references[0], str):
            references = [references]
        for reference in references:
            if not isinstance(reference, (list, tuple)) or len(reference) != 3:
                raise ValueError(
                    f"{key!r} entries must be [layer_name, node_index, tensor_index], "
                    f"received {reference!r}."
                )
        return [_resolve(created, list(reference), key) for reference in references]

    structures = []
    for side in ("input", "output"):
        tensors = endpoint(f"{side}_layers")
        keys_field = f"{side}_keys"
        keys = _endpoint_keys(config, keys_field, len(tensors)) if keys_field in config else None
        as_tuple = _is_tuple_structure(config, side)
        structures.append(structured_endpoints(tensors, keys, as_tuple and keys is None))
    inputs, outputs = structures
    return inputs, outputs


def _is_tuple_structure(config: Mapping, side: str) -> bool:
    """Whether the config's ``side`` ("input" or "output") endpoints were a tuple."""
    field = f"{side}_structure"
    structure = config.get(field, "list")
    if structure not in ("list", "tuple"):
        raise ValueError(
            f"Network config {config.get('name')!r}: {field!r} must be 'list' or 'tuple'; "
            f"received {structure!r:.200}."
        )
    references = config.get(f"{side}_layers")
    in_memory_tuple = (
        isinstance(references, tuple) and bool(references) and not isinstance(references[0], str)
    )
    return structure == "tuple" or in_memory_tuple


def _endpoint_keys(config: Mapping, field: str, count: int) -> list[str]:
    """The dict keys of a network's inputs or outputs: ``count`` distinct strings."""
    keys = config[field]
    if (
        not isinstance(keys, list)
        or len(keys) != count
        or not all(isinstance(key, str) for key in keys)
        or len(set(keys)) != count
    ):
        endpoints = "input_layers" if field == "input_keys" else "output_layers"
        raise ValueError(
            f"Network config {config.get('name')!r}: {field!r} must be a list of {count} "
            f"distinct strings, one per entry of {endpoints!r}; received {keys!r:.200}."
        )
    return keys


def _normalise_node_data(data, layer_name: str) -> list:
    """``[[name, node_index, tensor_index, kwargs], ...]`` with kwargs always a dict."""
    if isinstance(data, Mapping):
        raise ValueError(
            f"Layer {layer_name!r}: inbound node {data!r} is in the Keras 3 form; "
            "expected Keras 2.2 lists [[layer_name, node_index, tensor_index, kwargs], ...]."
        )
    entries = []
    for item in data:
        if not isinstance(item, (list, tuple)) or len(item) not in (3, 4):
            raise ValueError(
                f"Layer {layer_name!r}: inbound entry {item!r} is not "
                "[layer_name, node_index, tensor_index, kwargs]."
            )
        name, node_index, tensor_index = item[:3]
        kwargs = item[3] if len(item) == 4 and item[3] is not None else {}
        if (
            not isinstance(name, str)
            or not isinstance(node_index, int)
            or not isinstance(tensor_index, int)
        ):
            raise ValueError(f"Layer {layer_name!r}: malformed inbound entry {item!r}.")
        if not isinstance(kwargs, Mapping):
            raise ValueError(
                f"Layer {layer_name!r}: call keywords must be a dict, received {kwargs!r}."
            )
        entries.append([name, node_index, tensor_index, dict(kwargs)])
    return entries


def _references(entries: list) -> list:
    references = [entry[:3] for entry in entries]
    if entries:
        for leaf in _tensor_marks(entries[0][3]):
            references.append(list(leaf["config"]["keras_history"]))
    return references


def _tensor_marks(value) -> list:
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if item.get("class_name") == _TENSOR_MARK:
                history = (item.get("config") or {}).get("keras_history")
                if not isinstance(history, (list, tuple)) or len(history) != 3:
                    raise ValueError(f"Malformed tensor reference in call keywords: {item!r}.")
                found.append(item)
            else:
                stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


def _check_reference(reference, consumer: str, created, offsets, node_data):
    """The node key a reference depends on (None for an existing own node); raises if missing."""
    name, node_index = reference[0], reference[1]
    if name not in created:
        raise ValueError(
            f"Layer {consumer!r} takes its input from layer {name!r}, which is not in the config."
        )
    if node_index < offsets[name]:
        return None
    if (name, node_index) not in node_data:
        count = offsets[name] + sum(1 for key in node_data if key[0] == name)
        raise ValueError(
            f"Layer {consumer!r} takes its input from node {node_index} of layer {name!r}, "
            f"which has only {count} node(s) in the config."
        )
    return (name, node_index)


def _resolve(created: dict, reference: list, consumer: str):
    name, node_index, tensor_index = reference[0], reference[1], reference[2]
    if name not in created:
        raise ValueError(f"{consumer!r} refers to layer {name!r}, which is not in the config.")
    nodes = created[name]._inbound_nodes
    if not isinstance(node_index, int) or not 0 <= node_index < len(nodes):
        raise ValueError(
            f"{consumer!r} refers to node {node_index} of layer {name!r}, "
            f"which has {len(nodes)} node(s)."
        )
    outputs = nodes[node_index].output_tensors
    if not isinstance(tensor_index, int) or not 0 <= tensor_index < len(outputs):
        raise ValueError(
            f"{consumer!r} refers to tensor {tensor_index} of layer {name!r} node {node_index}, "
            f"which has {len(outputs)} output(s)."
        )
    return outputs[tensor_index]


def _decode_tensors(value, created: dict, consumer: str):
    if isinstance(value, Mapping):
        if value.get("class_name") == _TENSOR_MARK:
            return _resolve(created, list(value["config"]["keras_history"]), consumer)
        return {key: _decode_tensors(item, created, consumer) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode_tensors(item, created, consumer) for item in value]
    return value
