"""ExecutionPlan: a mapped graph compiled into a flat list of steps over numbered slots.

Running a model must cost little more than the math itself. So the plan is
fixed once, when the model is built: every tensor gets a slot number, every
node becomes a small step function that reads its input slots, calls the
layer, writes its output slots and clears each slot whose last reader it is
(so intermediate arrays are released as soon as they are no longer needed).
A call of the model is then one loop over these steps.

Steps come in three shapes, from fastest to most general: one tensor in and
no extra arguments (a plain chain), a list of tensors in (merges and
operators), and anything else (extra arguments, tensors in keywords, masks,
dtype casts), which rebuilds the recorded call arguments around the values.

The same plan also propagates shapes symbolically (:meth:`infer`), which is
how a Network called on KerasTensors learns its output shapes.
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.call_signature import (
    argument_mask_parameters,
    call_signature,
    fill_argument_masks,
)
from graphkeras.engine.graph_mapping import GraphMap
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.node import Node, is_keras_tensor
from graphkeras.utils import nest


class ExecutionPlan:
    """The compiled form of a mapped graph: ``run`` arrays or ``infer`` shapes through it."""

    def __init__(self, graph_map: GraphMap, inputs: list, outputs: list) -> None:
        self.nodes: list[Node] = [n for n in graph_map.execution_order if not n.is_own_node]
        slot_of: dict[int, int] = {}
        for tensor in inputs:
            slot_of.setdefault(id(tensor), len(slot_of))
        self.num_inputs = len(inputs)
        uses_masks = any(tensor._keras_mask is not None for tensor in inputs)
        last_reader: dict[int, int] = {}
        for index, node in enumerate(self.nodes):
            for tensor in node.input_tensors:
                last_reader[slot_of[id(tensor)]] = index
                uses_masks = uses_masks or tensor._keras_mask is not None
            for tensor in node.output_tensors:
                slot_of[id(tensor)] = len(slot_of)
                uses_masks = uses_masks or tensor._keras_mask is not None
        self.uses_masks = uses_masks
        self.num_slots = len(slot_of)
        self.input_slots = [slot_of[id(tensor)] for tensor in inputs]
        self.output_slots = [slot_of[id(tensor)] for tensor in outputs]
        self._slot_of = slot_of
        kept = set(self.output_slots)
        frees: list[list[int]] = [[] for _ in self.nodes]
        for slot, index in last_reader.items():
            if slot not in kept:
                frees[index].append(slot)
        for index, node in enumerate(self.nodes):
            for tensor in node.output_tensors:
                slot = slot_of[id(tensor)]
                if slot not in last_reader and slot not in kept:
                    frees[index].append(slot)
        self._frees = frees
        self._masked_steps: list[Callable] | None = None
        self.steps: list[Callable] = [
            self._make_step(node, frees[index]) for index, node in enumerate(self.nodes)
        ]

    # ------------------------------------------------------------------ run
    def run(self, input_values: list, training=None, input_masks: list | None = None) -> tuple:
        """Compute the outputs from one array per input; returns ``(outputs, masks)``.

        ``masks`` is None unless the graph carries masks.
        """
        values: list = [None] * self.num_slots
        for slot, value in zip(self.input_slots, input_values, strict=True):
            values[slot] = value
        masks = None
        if self.uses_masks or (input_masks is not None and any(m is not None for m in input_masks)):
            masks = [None] * self.num_slots
            if input_masks is not None:
                for slot, mask in zip(self.input_slots, input_masks, strict=True):
                    masks[slot] = mask
            for step in self._general_steps():
                step(values, masks, training)
        else:
            for step in self.steps:
                step(values, training)
        outputs = [values[slot] for slot in self.output_slots]
        output_masks = None if masks is None else [masks[slot] for slot in self.output_slots]
        return outputs, output_masks

    def infer(self, input_specs: list) -> list:
        """Propagate detached KerasTensors (shapes, dtypes, masks) through the graph."""
        values: list = [None] * self.num_slots
        for slot, spec in zip(self.input_slots, input_specs, strict=True):
            values[slot] = spec
        for node in self.nodes:
            args, kwargs = _rebuild_call(node, values, self._slot_of)
            layer = node.outbound_layer
            call = CallArguments(args[0], args[1:], kwargs)
            outputs = layer._output_spec(call)
            flat = nest.flatten(outputs)
            masks = layer._output_masks(call, len(flat))
            _check_output_count(node, flat)
            for tensor, mask, recorded in zip(flat, masks, node.output_tensors, strict=True):
                tensor._keras_mask = mask
                values[self._slot_of[id(recorded)]] = tensor
        # An output listed twice comes back as two tensors: a node's outputs are distinct.
        outputs: list = []
        for slot in self.output_slots:
            tensor = values[slot]
            if any(tensor is earlier for earlier in outputs):
                tensor = KerasTensor(tensor.shape, dtype=tensor.dtype, mask=tensor._keras_mask)
            outputs.append(tensor)
        return outputs

    # ---------------------------------------------------------------- steps
    def _make_step(self, node: Node, frees: list[int]) -> Callable:
        layer = node.outbound_layer
        call = layer.call
        accepts_training, _ = call_signature(type(layer).call)
        recorded = node.arguments.get("training")
        other_keywords = {k for k in node.call_kwargs if k != "training"}
        slot_of = self._slot_of
        targets = [slot_of[id(tensor)] for tensor in node.output_tensors]
        frees = tuple(frees)
        inputs = node.call_args[0]
        plain = (
            len(node.call_args) == 1
            and not other_keywords
            and not nest.is_nested(node.outputs)
            and not _needs_cast(node)
        )
        if plain and is_keras_tensor(inputs):
            return _single_input_step(
                call, slot_of[id(inputs)], targets[0], frees, accepts_training, recorded
            )
        if plain and isinstance(inputs, list) and all(is_keras_tensor(t) for t in inputs):
            sources = tuple(slot_of[id(tensor)] for tensor in inputs)
            return _list_input_step(call, sources, targets[0], frees, accepts_training, recorded)
        general = _general_step(node, slot_of, frees)
        return lambda values, training: general(values, None, training)

    def _general_steps(self) -> list[Callable]:
        """Steps that also carry masks (built on the first masked run)."""
        if self._masked_steps is None:
            self._masked_steps = [
                _general_step(node, self._slot_of, self._frees[index])
                for index, node in enumerate(self.nodes)
            ]
        return self._masked_steps


# -------------------------------------------------------------- step factories


def _single_input_step(call, source: int, target: int, frees: tuple, accepts_training, recorded):
    """The common case: ``values[target] = call(values[source])``."""
    if accepts_training:

        def step(values, training):
            chosen = recorded if recorded is not None else training
            if chosen is None:
                values[target] = call(values[source])
            else:
                values[target] = call(values[source], training=chosen)
            for slot in frees:
                values[slot] = None

        return step
    if frees == (source,):

        def step(values, training):
            values[target] = call(values[source])
            values[source] = None

        return step

    def step(values, training):
        values[target] = call(values[source])
        for slot in frees:
            values[slot] = None

    return step


def _list_input_step(call, sources: tuple, target: int, frees: tuple, accepts_training, recorded):
    """Merges and operators: ``values[target] = call([values[s] for s in sources])``."""

    def step(values, training):
        arguments = [values[slot] for slot in sources]
        chosen = recorded if recorded is not None else training
        if accepts_training and chosen is not None:
            values[target] = call(arguments, training=chosen)
        else:
            values[target] = call(arguments)
        for slot in frees:
            values[slot] = None

    return step


def _general_step(node: Node, slot_of: dict, frees) -> Callable:
    """Any call: rebuild the recorded arguments around the values, with masks and casts."""
    layer = node.outbound_layer
    call = layer.call
    accepts_training, accepts_mask = call_signature(type(layer).call)
    recorded = node.arguments.get("training")
    explicit_mask = node.call_kwargs.get("mask") is not None
    targets = [slot_of[id(tensor)] for tensor in node.output_tensors]
    input_slots = [
        None if not is_keras_tensor(leaf) else slot_of[id(leaf)]
        for leaf in nest.flatten(node.call_args[0])
    ]
    computes_masks = any(tensor._keras_mask is not None for tensor in node.output_tensors)
    fills_argument_masks = bool(argument_mask_parameters(type(layer).call))
    nested_outputs = nest.is_nested(node.outputs)
    cast_dtype = layer.compute_dtype if _needs_cast(node) else None
    frees = tuple(frees)

    def step(values, masks, training):
        args, kwargs = _rebuild_call(node, values, slot_of)
        if cast_dtype is not None:
            args = (_cast_floats(args[0], cast_dtype), *args[1:])
        chosen = recorded if recorded is not None else training
        if accepts_training and chosen is not None:
            kwargs["training"] = chosen
        input_masks = None
        if masks is not None:
            flat_masks = [None if slot is None else masks[slot] for slot in input_slots]
            if any(mask is not None for mask in flat_masks):
                input_masks = nest.pack_sequence_as(node.call_args[0], flat_masks)
            if accepts_mask and not explicit_mask and input_masks is not None:
                kwargs["mask"] = input_masks
            if fills_argument_masks:
                kwargs = fill_argument_masks(
                    type(layer).call,
                    node.call_args,
                    node.call_kwargs,
                    kwargs,
                    lambda t: masks[slot_of[id(t)]] if is_keras_tensor(t) else None,
                )
        outputs = call(*args, **kwargs)
        flat = nest.flatten(outputs) if nested_outputs else [outputs]
        _check_output_count(node, flat)
        for slot, value in zip(targets, flat, strict=True):
            values[slot] = value
        if masks is not None and computes_masks:
            previous = kwargs.get("mask", input_masks)
            output_masks = layer.compute_mask(args[0], previous)
            spread = nest.flatten(output_masks) if output_masks is not None else [None]
            if len(spread) == 1 and len(targets) > 1:
                spread = spread * len(targets)
            for slot, mask in zip(targets, spread, strict=False):
                masks[slot] = mask
        for slot in frees:
            values[slot] = None
            if masks is not None:
                masks[slot] = None

    return step


def _rebuild_call(node: Node, values: list, slot_of: dict) -> tuple:
    """The node's recorded ``(args, kwargs)`` with each KerasTensor replaced by its value."""
    structure = (node.call_args, node.call_kwargs)
    leaves = [
        values[slot_of[id(leaf)]] if is_keras_tensor(leaf) else leaf
        for leaf in nest.flatten(structure)
    ]
    args, kwargs = nest.pack_sequence_as(structure, leaves)
    return tuple(args), dict(kwargs)


def _needs_cast(node: Node) -> bool:
    """Whether the layer must cast float inputs to its own dtype (as Keras autocasts)."""
    layer = node.outbound_layer
    if not layer.autocast:
        return False
    dtype = layer.compute_dtype
    inputs = node.call_args[0]
    tensors = [inputs] if is_keras_tensor(inputs) else nest.flatten(inputs)
    return any(
        is_keras_tensor(tensor) and tensor.dtype != dtype and K.is_float_dtype(tensor.dtype)
        for tensor in tensors
    )


def _cast_floats(structure, dtype: str):
    return nest.map_structure(
        lambda value: (
            K.cast(value, dtype)
            if value is not None and K.is_float_dtype(K.dtype(value))
            else value
        ),
        structure,
    )


def _check_output_count(node: Node, flat_outputs: list) -> None:
    if len(flat_outputs) != len(node.output_tensors):
        raise ValueError(
            f"Layer '{node.outbound_layer.name}' returned {len(flat_outputs)} outputs, "
            f"but its node recorded {len(node.output_tensors)}."
        )
