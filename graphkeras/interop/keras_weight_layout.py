"""Where each weight lives in a Keras 3 ``model.weights.h5``.

Keras 3 stores a layer's own variables as datasets ``0``, ``1``, ... of a
``vars`` group, in the order trainable then non-trainable. The group's
path names the layer by its *class*, not its name: a model's layers sit
under ``layers/<class in snake_case>``, a second layer of the same class
under ``..._1`` and so on, counted in the model's layer order; a layer
held by another layer sits under the attribute that holds it
(``cell``, ``forward_layer``, ``_query_dense``, ...); a nested model
repeats the pattern under its own path. The model's layer order is the
config's, which both Keras and graphkeras derive from the graph the same way.

:func:`weight_slots` lists, for a graphkeras model, every ``vars`` group
path with the variables stored there, so the ``.keras`` reader and writer
share one map.
"""

from __future__ import annotations

import re

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.sequential import Sequential

_CAMEL_BOUNDARY = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_UPPER = re.compile(r"([a-z])([A-Z])")
_NON_WORD = re.compile(r"\W+")


def snake_case(class_name: str) -> str:
    """``"BatchNormalization"`` -> ``"batch_normalization"``, as Keras names its groups."""
    name = _NON_WORD.sub("", class_name)
    name = _CAMEL_BOUNDARY.sub(r"\1_\2", name)
    return _LOWER_UPPER.sub(r"\1_\2", name).lower()


def keras_class_name(layer) -> str:
    """The Python class name Keras would give this layer (a functional model is Functional)."""
    if getattr(layer, "_is_graph_network", False) and not isinstance(layer, Sequential):
        return "Functional" if type(layer).__name__ == "Model" else type(layer).__name__
    return type(layer).__name__


def weight_slots(model) -> list[tuple[str, list, str]]:
    """``(path of a vars group, [variables in dataset order], owner's name)`` for every layer."""
    slots: list[tuple] = []
    _model_slots(model, "", slots, set())
    return [(path, variables, name) for path, variables, name, _ in slots]


def layer_paths(model) -> list[tuple[str, object]]:
    """``(path, layer)`` for every layer that is not a model: where Keras keeps its state.

    The weights are in ``<path>/vars`` of ``model.weights.h5``; a layer's
    asset files in ``assets/<path>/`` of the archive.
    """
    slots: list[tuple] = []
    _model_slots(model, "", slots, set())
    return [
        (path[: -len("/vars")], owner)
        for path, _, _, owner in slots
        if owner is not None and path.endswith("/vars")
    ]


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _model_slots(model, path: str, slots: list, visited: set) -> None:
    visited.add(id(model))
    slots.append((_join(path, "vars"), [], model.name, None))
    layers = list(model.layers)
    if isinstance(model, Sequential):
        # Keras 3's Sequential.layers leaves the InputLayer out.
        layers = [layer for layer in layers if type(layer).__name__ != "InputLayer"]
    used: dict[str, int] = {}
    for layer in layers:
        name = _unique(snake_case(keras_class_name(layer)), used)
        _layer_slots(layer, _join(_join(path, "layers"), name), slots, visited)


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _layer_slots(layer, path: str, slots: list, visited: set) -> None:
    if id(layer) in visited:
        return
    if getattr(layer, "_is_graph_network", False):
        _model_slots(layer, path, slots, visited)
        return
    visited.add(id(layer))
    own = [*layer._trainable_weights, *layer._non_trainable_weights]
    slots.append((_join(path, "vars"), own, layer.name, layer))
    for attribute, sublayer in _held_layers(layer):
        _layer_slots(sublayer, _join(path, attribute), slots, visited)


def _held_layers(layer) -> list[tuple[str, object]]:
    """Layers held as attributes, named as Keras walks them: public names first, then sorted.

    A list or dict of layers becomes ``<attribute>/<class in snake_case>[_n]``.
    """
    held: list[tuple[str, object]] = []
    seen: set[int] = set()
    names = sorted(vars(layer), key=lambda name: (name.startswith("_"), name))
    for attribute in names:
        value = vars(layer)[attribute]
        if isinstance(value, Layer):
            if id(value) not in seen:
                seen.add(id(value))
                held.append((attribute, value))
        elif isinstance(value, (list, tuple, dict)):
            items = value.values() if isinstance(value, dict) else value
            used: dict[str, int] = {}
            for item in items:
                if isinstance(item, Layer) and id(item) not in seen:
                    seen.add(id(item))
                    name = _unique(snake_case(keras_class_name(item)), used)
                    held.append((f"{attribute}/{name}", item))
    return held
