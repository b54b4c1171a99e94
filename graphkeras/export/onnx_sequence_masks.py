"""Sequence masks as ONNX tensors: where they start, how they pass, who reads them.

A mask starts at a Masking layer (a step is present where any feature
differs from ``mask_value``) or an Embedding with ``mask_zero`` (an id other
than 0), and is passed on unchanged by the layers between (Dropout,
TimeDistributed, a recurrent layer returning sequences...). A converter
registered with ``masks_carried=True`` reads its first input's mask as
``call.input_masks[0]``, a ``(batch, time)`` bool tensor. A mask passed
explicitly (``lstm(x, mask=m)``, as Keras files record
``Embedding(mask_zero=True)``) is the graph tensor ``m`` itself: it is
taken out of the call's inputs and given as ``input_masks[0]``.

:class:`SequenceMaskPlan` decides, for one network before anything is
written, which tensors' masks can be written (their mask comes from a source
through pass-through layers only) and which must be (a reader, or a
pass-through towards one, uses them), so that no unused mask nodes are
written. :meth:`SequenceMaskPlan.write_output_masks` then writes them during
the graph walk, under the producing layer's node names.
"""

from __future__ import annotations

import inspect

from graphkeras import layers
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.node import is_keras_tensor
from graphkeras.export.onnx_registry import converter_entry


def is_mask_source(layer) -> bool:
    """Whether ``layer`` makes a new mask from its input (Masking, Embedding(mask_zero))."""
    if isinstance(layer, layers.Masking):
        return type(layer).compute_mask is layers.Masking.compute_mask
    if isinstance(layer, layers.Embedding):
        return bool(layer.mask_zero) and type(layer).compute_mask is layers.Embedding.compute_mask
    return False


def present_steps(call, keepdims: bool) -> str:
    """Masking's test as ONNX nodes: any feature differs from ``mask_value`` (bool).

    NaN differs from every value, as in the layer. The Masking converter
    takes float inputs only, compared in their own dtype.
    """
    x, dtype = call.inputs[0], call.input_dtypes[0]
    value = call.constant(call.layer.mask_value, dtype, "mask_value")
    differs = call.cast(call.add("Not", [call.add("Equal", [x, value])]), "int32")
    return call.cast(call.reduce("ReduceMax", differs, [-1], keepdims), "bool")


def write_source_mask(call) -> str:
    """The output mask of a mask source (see :func:`is_mask_source`)."""
    if isinstance(call.layer, layers.Masking):
        return present_steps(call, keepdims=False)
    ids = call.inputs[0]
    zero = call.constant(0, call.input_dtypes[0], "padding_id")
    return call.add("Not", [call.add("Equal", [ids, zero])])


def _takes_mask(layer) -> bool:
    try:
        return "mask" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return True


def ignores_mask(layer) -> bool:
    """Whether a masked input leaves ``layer``'s result unchanged beyond what its entry says.

    TimeDistributed hands the mask to the layer it wraps only when that
    layer's ``call`` takes one.
    """
    if isinstance(layer, layers.TimeDistributed):
        inner = converter_entry(layer.layer)
        return not _takes_mask(layer.layer) or (inner is not None and inner.masks_ignored)
    return False


def passed_outputs(node) -> list[int]:
    """The outputs of ``node`` whose mask is its first input's mask, unchanged."""
    layer = node.outbound_layer
    count = len(node.output_tensors)
    if isinstance(layer, (layers.RNN, layers.Bidirectional)):
        if not layer.return_sequences:
            return []
        merged = isinstance(layer, layers.Bidirectional) and layer.merge_mode is None
        return [0, 1] if merged else [0]
    if isinstance(layer, layers.TimeDistributed):
        return list(range(count))
    if (
        type(layer).compute_mask is Layer.compute_mask
        and layer.supports_masking
        and len(node.input_tensors) == 1
    ):
        return list(range(count))
    return []


def _masked(tensor) -> bool:
    return getattr(tensor, "_keras_mask", None) is not None


def explicit_mask(node):
    """The graph tensor passed as ``mask=`` to ``node``'s call, or None."""
    mask = node.call_kwargs.get("mask")
    return mask if is_keras_tensor(mask) else None


class SequenceMaskPlan:
    """Which masks of one network's tensors can be written, and which are needed."""

    def __init__(self, nodes: list) -> None:
        self.known: set[int] = set()
        for node in nodes:
            first = node.input_tensors[0] if node.input_tensors else None
            passed = passed_outputs(node)
            for index, tensor in enumerate(node.output_tensors):
                if not _masked(tensor):
                    continue
                if is_mask_source(node.outbound_layer):
                    self.known.add(id(tensor))
                elif index in passed and first is not None and id(first) in self.known:
                    self.known.add(id(tensor))
        self.needed: set[int] = set()
        for node in reversed(nodes):
            if not node.input_tensors or not _masked(node.input_tensors[0]):
                continue
            first = id(node.input_tensors[0])
            if self.reads_mask(node):
                if explicit_mask(node) is None:
                    self.needed.add(first)
            elif any(
                id(node.output_tensors[index]) in self.needed for index in passed_outputs(node)
            ):
                self.needed.add(first)

    @staticmethod
    def reads_mask(node) -> bool:
        """Whether ``node``'s converter reads a mask: an explicit one, or its first input's."""
        entry = converter_entry(node.outbound_layer)
        if entry is None or not entry.masks_carried or ignores_mask(node.outbound_layer):
            return False
        if explicit_mask(node) is not None:
            return True
        # ``mask=None`` (which Keras files record) means the input's own mask, as in the engine.
        return node.call_kwargs.get("mask") is None and _masked(node.input_tensors[0])

    def can_read(self, node) -> bool:
        """Whether the mask a reading ``node`` needs can be written."""
        return explicit_mask(node) is not None or id(node.input_tensors[0]) in self.known

    def attach_input_masks(self, call, node, mask_names: dict) -> None:
        """Set ``call.input_masks``; an explicit mask leaves the inputs and becomes the first.

        Called once the call's inputs are cast (``_autocast``), before its converter.
        """
        call.input_masks = [mask_names.get(id(tensor)) for tensor in node.input_tensors]
        mask = explicit_mask(node)
        if mask is None or not self.reads_mask(node):
            return
        index = next(i for i, tensor in enumerate(node.input_tensors) if tensor is mask)
        name, dtype = call.inputs[index], call.input_dtypes[index]
        for values in (call.inputs, call.input_dtypes, call._input_shapes, call.input_masks):
            del values[index]
        call.input_masks[0] = name if dtype == "bool" else call.cast(name, "bool")

    def write_output_masks(self, call, node, mask_names: dict) -> None:
        """Record in ``mask_names`` (tensor id -> ONNX name) the needed masks of ``node``'s outputs.

        Called after the node's converter, before ``call.finish``, so that a
        source's mask nodes are named with the layer's path.
        """
        passed = passed_outputs(node)
        for index, tensor in enumerate(node.output_tensors):
            if id(tensor) not in self.needed:
                continue
            if is_mask_source(node.outbound_layer):
                mask_names[id(tensor)] = write_source_mask(call)
            elif index in passed:
                mask_names[id(tensor)] = mask_names[id(node.input_tensors[0])]
