"""The Keras 2 HDF5 weights layout, matched to a model by layer name or by layer order.

Keras 2 (and Keras 3's legacy writer) stores weights as one group per
layer, listed in the root attribute ``layer_names``; each group lists its
datasets in ``weight_names``, in the layer's weight order (a nested model's
group lists all of its weights). Whole-model ``.h5`` files keep this under
``model_weights``; weights-only files (``save_weights("x.h5")``, and the
ImageNet files Keras publishes for its applications) keep it at the root.

Keras 3 matches such a file to a model in two ways, and so does this file:
by order (the default: the i-th layer with weights gets the i-th group with
weights) and by name. Every value is read and shape-checked before any
variable changes; with ``skip_mismatch`` a layer that does not fit is
skipped with a warning instead.
"""

from __future__ import annotations

import warnings

from graphkeras import backend as K
from graphkeras.interop import hdf5_reader
from graphkeras.saving.errors import ModelFileError


def _groups_with_weights(root, where: str) -> list[tuple[str, object, list[str]]]:
    """``(layer name, group, weight names)`` for each listed layer that stores weights."""
    entries = []
    for name in hdf5_reader.text_list_attribute(root, "layer_names", where):
        group = hdf5_reader.child_group(root, name, where)
        layer_where = f"{where}: layer '{name}'"
        names = (
            []
            if group is None
            else hdf5_reader.text_list_attribute(group, "weight_names", layer_where)
        )
        if names:
            entries.append((name, group, names))
    return entries


def _read_layer(layer, group, weight_names: list[str], layer_where: str) -> list[tuple]:
    """``(variable, value)`` for each weight of ``layer``, every count and shape checked."""
    variables = layer.weights
    if len(weight_names) != len(variables):
        raise ModelFileError(
            f"{layer_where}: the model's layer '{layer.name}' has {len(variables)} weights "
            f"{[tuple(v.shape) for v in variables]}, the file lists {len(weight_names)} "
            f"{weight_names[:10]}."
        )
    pairs = []
    for variable, weight_name in zip(variables, weight_names, strict=True):
        dataset = group
        for part in weight_name.split("/"):
            dataset = hdf5_reader.child(dataset, part, layer_where)
            if dataset is None:
                raise ModelFileError(f"{layer_where}: weight '{weight_name}' is missing.")
        pairs.append(
            (variable, hdf5_reader.read_dataset(dataset, tuple(variable.shape), layer_where))
        )
    return pairs


def _read_or_skip(layer, group, names, layer_where: str, skip_mismatch: bool) -> list[tuple]:
    try:
        return _read_layer(layer, group, names, layer_where)
    except ModelFileError as error:
        if not skip_mismatch:
            raise
        warnings.warn(f"Skipping layer '{layer.name}': {error}", stacklevel=4)
        return []


def assign_by_name(
    model, root, where: str, strict: bool = False, skip_mismatch: bool = False
) -> None:
    """Give each layer the group of its name.

    ``strict`` (a whole-model file, whose config made the model) also refuses
    groups for layers the model lacks and layers with weights the file lacks;
    otherwise both are left alone, as Keras's ``load_weights(by_name=True)``.
    """
    layers = {layer.name: layer for layer in model.layers}
    entries = _groups_with_weights(root, where)
    if strict:
        listed = hdf5_reader.text_list_attribute(root, "layer_names", where)
        unknown = [name for name in listed if name not in layers]
        if unknown:
            raise ModelFileError(
                f"{where} holds weights for layers {unknown[:10]} that the model config lacks."
            )
        stored = {name for name, _, _ in entries}
        missing = [
            layer.name for layer in model.layers if layer.weights and layer.name not in stored
        ]
        if missing:
            raise ModelFileError(f"{where} has no weights for layers {missing[:10]}.")
    assignments = []
    for name, group, names in entries:
        if name in layers:
            layer_where = f"{where}: layer '{name}'"
            assignments += _read_or_skip(layers[name], group, names, layer_where, skip_mismatch)
    K.batch_set_value(assignments)


def assign_by_order(model, root, where: str, skip_mismatch: bool = False) -> None:
    """Give the i-th layer with weights the i-th group with weights (Keras's default)."""
    layers = [layer for layer in model.layers if layer.weights]
    entries = _groups_with_weights(root, where)
    if len(layers) != len(entries):
        raise ModelFileError(
            f"{where}: layer count mismatch. The model '{model.name}' has {len(layers)} layers "
            f"with weights, the file has {len(entries)} "
            f"({[name for name, _, _ in entries][:5]}...)."
        )
    assignments = []
    for index, (layer, (name, group, names)) in enumerate(zip(layers, entries, strict=True)):
        layer_where = f"{where}: layer #{index} ('{name}' in the file, '{layer.name}' in the model)"
        assignments += _read_or_skip(layer, group, names, layer_where, skip_mismatch)
    K.batch_set_value(assignments)
