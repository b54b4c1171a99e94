"""Variable paths as Keras 3 builds them: ``"sequential/dense/kernel"``, ``"adam/iteration"``.

Keras 3 names each variable after the name scopes open when it was created:
a layer's weights live under the layer's name, a sublayer's under its
parent's (``lstm/lstm_cell/kernel``), and a Sequential or subclassed model
builds its layers inside its own name, while a functional model's layers
were built before the model existed (``dense/kernel``). graphkeras
variables carry no path, so the same paths are derived here from the
model's structure, assuming, as is usual, that every nested model was
built on its own before it was nested. Optimizer state is named
``<optimizer>/<tracked path with / as _>_<slot>`` and metric state
``<metric>/<variable>``, as in Keras 3.
"""

from __future__ import annotations

from graphkeras.engine.layer_registry import BUILTIN_LAYERS
from graphkeras.engine.stateless_execution import seed_state_variables


def model_variable_paths(model) -> dict[int, str]:
    """``id(variable) -> path`` for every weight of ``model``, nested models included."""
    paths: dict[int, str] = {}
    _network_paths(model, paths)
    return paths


def optimizer_variable_paths(optimizer, model_paths: dict[int, str]) -> list[tuple[str, object]]:
    """``(path, variable)`` for each of the optimizer's variables, in its order."""
    found = []
    for variable in optimizer.variables:
        name = variable.name
        reference = optimizer.slot_reference(variable)
        if reference is not None and id(reference[0]) in model_paths:
            tracked, slot = reference
            name = f"{model_paths[id(tracked)].replace('/', '_')}_{slot}"
        found.append((f"{optimizer.name}/{name}", variable))
    return found


def metric_variable_paths(metrics: list) -> list[tuple[str, object]]:
    """``(path, variable)`` for each variable of each metric: ``<metric name>/<variable name>``."""
    return [
        (f"{metric.name.replace('/', '>')}/{variable.name}", variable)
        for metric in metrics
        for variable in metric.variables
    ]


def _network_paths(network, paths: dict[int, str]) -> None:
    builds_inside = not network._is_graph_network or _is_sequential(network)
    prefix = network.name if builds_inside else ""
    _own_paths(network, network.name, paths)
    for layer in network.layers:
        _layer_paths(layer, prefix, paths)


def _layer_paths(layer, parent: str, paths: dict[int, str]) -> None:
    if getattr(layer, "_is_graph_network", None) is not None:  # A nested model.
        _network_paths(layer, paths)
        return
    here = _join(parent, layer.name)
    _own_paths(layer, here, paths)
    for sublayer in layer._sublayers():
        _layer_paths(sublayer, here, paths)


def _own_paths(layer, here: str, paths: dict[int, str]) -> None:
    for variable in (*layer._trainable_weights, *layer._non_trainable_weights):
        paths.setdefault(id(variable), _join(here, variable.name))  # A shared weight: first path.
    # Random state kept in Variables (JAX): "<layer>/seed_generator/<state name>", as Keras 3.
    for index, state in enumerate(seed_state_variables(layer)):
        generator = "seed_generator" if index == 0 else f"seed_generator_{index}"
        paths.setdefault(id(state), _join(here, f"{generator}/{state.name}"))


def _is_sequential(network) -> bool:
    sequential = BUILTIN_LAYERS.get("Sequential")
    return sequential is not None and isinstance(network, sequential)


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name
