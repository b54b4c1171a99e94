"""Keras masks as ONNX tensors, written when a converter asks for one.

A graphkeras model does not keep its masks as graph tensors: each layer's
``compute_mask`` recomputes them as the model runs (an ``Embedding`` with
``mask_zero`` marks the ids that are not 0, a ``Dropout`` hands its input's
mask on). A converter that carries masks (registered with
``masks_carried=True``) asks for the mask of one of its input tensors with
``call.mask_of(tensor)``; :class:`OnnxMasks` then writes that mask, and the
masks it is computed from, as ONNX nodes named ``path:mask`` after the layer
whose output carries it. Each mask is written once and is a ``bool`` tensor.

How a layer's output mask is written:

* a layer class with a mask writer (:func:`register_onnx_mask_writer`)
  runs it, ``writer(call) -> name | [name or None, ...] | None``, ``call``
  being the producing node's :class:`OnnxLayerCall`;
* a layer that hands masks on unchanged (``supports_masking`` and no
  ``compute_mask`` of its own) gives each output the mask of its input, as
  the engine does;
* a nested model's output takes the mask its inner graph computes.

Anything else is refused before a node is written: :func:`mask_problem`
says why a tensor's mask has no ONNX form.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.node import is_keras_tensor
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_layer_call import OnnxLayerCall
from graphkeras.utils import nest

_mask_writers: dict[type, Callable] = {}


def register_onnx_mask_writer(layer_class: type, writer: Callable) -> None:
    """Use ``writer(call)`` to write the output masks of ``layer_class``'s layers as ONNX nodes.

    It returns the name of a ``bool`` tensor (one output), a list with one
    name or None per output, or None for no mask.
    """
    if not isinstance(layer_class, type) or not callable(writer):
        raise TypeError(
            "register_onnx_mask_writer takes a layer class and a callable writer(call); "
            f"received {layer_class!r} and {writer!r}."
        )
    _mask_writers[layer_class] = writer


def _mask_writer(layer) -> Callable | None:
    """The writer of ``layer``'s class, or of an ancestor whose ``compute_mask`` it runs."""
    for ancestor in type(layer).__mro__:
        writer = _mask_writers.get(ancestor)
        if writer is not None:
            if type(layer).compute_mask is ancestor.compute_mask:
                return writer
            return None
    return None


def _passes_masks_on(layer) -> bool:
    """Whether the layer gives its outputs its input's mask unchanged (the engine's default)."""
    return layer.supports_masking and type(layer).compute_mask is Layer.compute_mask


def _producer(tensor):
    history = tensor._keras_history
    if history is None:
        return None, None
    layer = history.layer
    return layer, layer._inbound_nodes[history.node_index]


def _first_argument_tensors(node) -> list:
    """The KerasTensors of the call's first argument: what the engine reads masks from."""
    return [leaf for leaf in nest.flatten(node.call_args[0]) if is_keras_tensor(leaf)]


def mask_problem(tensor) -> str | None:
    """Why ``tensor``'s mask cannot be written as ONNX nodes; None when it can (or it has none)."""
    if tensor._keras_mask is None:
        return None
    layer, node = _producer(tensor)
    if layer is None or node.is_own_node:
        return f"the mask of '{tensor.name}' comes from outside the graph"
    if getattr(layer, "_is_graph_network", False):
        return mask_problem(layer.outputs[tensor._keras_history.tensor_index])
    described = f"{type(layer).__name__} layer '{layer.name}'"
    if _mask_writer(layer) is not None:
        sources = node.input_tensors
    elif _passes_masks_on(layer):
        sources = _first_argument_tensors(node)
    else:
        return f"the mask that {described} computes has no ONNX form"
    for source in sources:
        problem = mask_problem(source)
        if problem is not None:
            return problem
    return None


class OnnxMasks:
    """The masks of one network's tensors as ONNX names, written on first request.

    ``names`` (tensor id to ONNX name) and ``paths`` (node id to node path)
    are the graph walk's own tables, filled as it writes each node; a mask
    is only asked for once the tensors it is computed from are written.
    """

    def __init__(self, builder, names: dict, paths: dict) -> None:
        self._builder = builder
        self._names = names
        self._paths = paths
        self._written: dict[int, str | None] = {}
        self._inner: dict[int, tuple] = {}

    def alias(self, tensor, inner_masks: OnnxMasks, inner_tensor) -> None:
        """``tensor`` (a nested model's output) has ``inner_tensor``'s mask."""
        self._inner[id(tensor)] = (inner_masks, inner_tensor)

    def of(self, tensor) -> str | None:
        """The ONNX name of ``tensor``'s mask (a bool tensor), or None when it has none."""
        if tensor._keras_mask is None:
            return None
        key = id(tensor)
        if key in self._inner:
            inner_masks, inner_tensor = self._inner[key]
            return inner_masks.of(inner_tensor)
        if key not in self._written:
            self._write_masks_of(tensor)
        return self._written[key]

    def _write_masks_of(self, tensor) -> None:
        layer, node = _producer(tensor)
        problem = mask_problem(tensor)
        if problem is not None:
            raise OnnxExportError(f"The mask of '{tensor.name}' cannot be written: {problem}.")
        outputs = node.output_tensors
        writer = _mask_writer(layer)
        if writer is None:
            sources = [self.of(source) for source in _first_argument_tensors(node)]
            masks = _spread(sources, len(outputs))
        else:
            path = self._paths[id(node)]
            inputs = [self._names[id(source)] for source in node.input_tensors]
            call = OnnxLayerCall(self._builder, node, f"{path}:mask", inputs, masks=self)
            result = writer(call)
            results = [result] if result is None or isinstance(result, str) else list(result)
            masks = _spread(results, len(outputs))
            written = list(dict.fromkeys(mask for mask in masks if mask is not None))
            wanted = [self._builder.unique_name(f"{path}:mask") for _ in written]
            call.finish(written, wanted)
            renamed = dict(zip(written, wanted, strict=True))
            masks = [None if mask is None else renamed[mask] for mask in masks]
        for output, mask in zip(outputs, masks, strict=True):
            self._written[id(output)] = mask if output._keras_mask is not None else None


def _spread(masks: list, count: int) -> list:
    """One mask per output: as many as given, one shared by all, or none (the engine's rule)."""
    if len(masks) == count:
        return list(masks)
    if len(masks) == 1:
        return list(masks) * count
    return [None] * count
