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

A node that calls a functional network is different: running it as a step
would call the network's ``call``, which runs its own plan, whose steps may
call a network again, one Python call deeper per level of nesting. Instead
the plan runs it in place (:class:`NestedCall`): the nested plan starts as a
new frame on an explicit stack, and when it ends its outputs go to the
node's slots in the frame below. A model nested however deep then runs
in one loop, with no RecursionError, and the backend sees the same
operations in the same order (so a gradient tape records them unchanged).

The same plan also propagates shapes symbolically (:meth:`infer`), which is
how a Network called on KerasTensors learns its output shapes. Nested
networks are entered the same way there, unless the inputs they are given
match the ones they were built on: then their recorded outputs answer at
once (``Network._recorded_output_specs``).
"""

from __future__ import annotations

from collections.abc import Callable

from graphkeras import backend as K
from graphkeras.engine import call_context, distribution_state
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
from graphkeras.utils.tracing import is_tracing


class ExecutionPlan:
    """The compiled form of a mapped graph: ``run`` arrays or ``infer`` shapes through it."""

    def __init__(
        self, graph_map: GraphMap, inputs: list, outputs: list, name: str | None = None
    ) -> None:
        # The network's name: activation paths for a distribution's layouts start with it.
        self.name = name
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
        # One entry per step: how to run it in place when it calls a functional network.
        self.nested_calls: list[NestedCall | None] = [
            NestedCall(node, slot_of, frees[index]) if NestedCall.applies_to(node) else None
            for index, node in enumerate(self.nodes)
        ]
        self.has_nested_calls = any(call is not None for call in self.nested_calls)

    # ------------------------------------------------------------------ run
    def run(self, input_values: list, training=None, input_masks: list | None = None) -> tuple:
        """Compute the outputs from one array per input; returns ``(outputs, masks)``.

        ``masks`` is None unless the graph carries masks.
        """
        values, masks = self._start(input_values, input_masks)
        if self.has_nested_calls:
            return self._run_frames(values, masks, training)
        if distribution_state.current() is not None and is_tracing():
            return self._run_laid_out(values, masks, training)
        if masks is not None:
            for step in self._general_steps():
                step(values, masks, training)
        else:
            for step in self.steps:
                step(values, training)
        return self._finish(values, masks)

    def _run_laid_out(self, values: list, masks: list | None, training) -> tuple:
        """``run`` inside a compiled step under a distribution: pin the outputs it lays out."""
        steps = self.steps if masks is None else self._general_steps()
        for node, step in zip(self.nodes, steps, strict=True):
            if masks is None:
                step(values, training)
            else:
                step(values, masks, training)
            sharding = distribution_state.output_sharding(self.name, node.outbound_layer.name)
            if sharding is None:
                continue
            for tensor in node.output_tensors:
                slot = self._slot_of[id(tensor)]
                if values[slot] is not None:
                    values[slot] = distribution_state.constrain(values[slot], sharding)
        return self._finish(values, masks)

    def _start(self, input_values: list, input_masks: list | None) -> tuple:
        """The slot lists of one run: ``(values, masks)``, masks None when nothing is masked."""
        values: list = [None] * self.num_slots
        for slot, value in zip(self.input_slots, input_values, strict=True):
            values[slot] = value
        masks = None
        if self.uses_masks or (input_masks is not None and any(m is not None for m in input_masks)):
            masks = [None] * self.num_slots
            if input_masks is not None:
                for slot, mask in zip(self.input_slots, input_masks, strict=True):
                    masks[slot] = mask
        return values, masks

    def _finish(self, values: list, masks: list | None) -> tuple:
        outputs = [values[slot] for slot in self.output_slots]
        output_masks = None if masks is None else [masks[slot] for slot in self.output_slots]
        return outputs, output_masks

    def _run_frames(self, values: list, masks: list | None, training) -> tuple:
        """Run the steps, each nested network's plan as a frame on a stack (no recursion)."""
        frames = [_Frame(self, values, masks, training)]
        try:
            while True:
                frame = frames[-1]
                plan, steps, index = frame.plan, frame.steps, frame.index
                values, masks, training = frame.values, frame.masks, frame.training
                nested_calls = plan.nested_calls
                count = len(steps)
                inner = None
                while index < count:
                    nested = nested_calls[index]
                    if nested is not None:
                        inner = nested.network._callable_plan()
                        if inner is not None:
                            break
                    if masks is None:
                        steps[index](values, training)
                    else:
                        steps[index](values, masks, training)
                    index += 1
                if inner is not None:
                    frame.index = index + 1
                    frame.pending = nested
                    inner_values, inner_masks, chosen = nested.enter(values, masks, training)
                    inner_values, inner_masks = inner._start(inner_values, inner_masks)
                    child = _Frame(inner, inner_values, inner_masks, chosen)
                    if chosen is not None:
                        call_context.push_training(chosen)
                        child.scoped = True
                    frames.append(child)
                    continue
                outputs, output_masks = plan._finish(values, masks)
                frames.pop()
                if frame.scoped:
                    frame.scoped = False
                    call_context.pop_training()
                if not frames:
                    return outputs, output_masks
                parent = frames[-1]
                parent.pending.finish(parent.values, parent.masks, outputs, output_masks)
        finally:
            for frame in reversed(frames):
                if frame.scoped:
                    call_context.pop_training()

    def infer(self, input_specs: list) -> list:
        """Propagate detached KerasTensors (shapes, dtypes, masks) through the graph.

        Nested networks are entered as frames on a stack, as in :meth:`run`,
        unless their recorded outputs answer for the inputs they are given.
        """
        values: list = [None] * self.num_slots
        for slot, spec in zip(self.input_slots, input_specs, strict=True):
            values[slot] = spec
        frames = [_Frame(self, values, None, None)]
        while True:
            frame = frames[-1]
            plan, values, index = frame.plan, frame.values, frame.index
            nodes, nested_calls = plan.nodes, plan.nested_calls
            inner = specs = None
            while index < len(nodes):
                nested = nested_calls[index]
                inner = None if nested is None else nested.network._callable_plan()
                if inner is None:
                    plan._infer_node(nodes[index], values)
                else:
                    specs = nested.enter_specs(values)
                    recorded = nested.network._recorded_output_specs(specs)
                    if recorded is None:
                        break
                    nested.finish_specs(values, recorded)
                    inner = None
                index += 1
            if inner is not None:
                frame.index = index + 1
                frame.pending = nested
                inner_values: list = [None] * inner.num_slots
                for slot, spec in zip(inner.input_slots, specs, strict=True):
                    inner_values[slot] = spec
                frames.append(_Frame(inner, inner_values, None, None))
                continue
            outputs = plan._output_specs(values)
            frames.pop()
            if not frames:
                return outputs
            parent = frames[-1]
            parent.pending.finish_specs(parent.values, outputs)

    def _infer_node(self, node: Node, values: list) -> None:
        """Infer one node's outputs from the specs in ``values`` and store them there."""
        args, kwargs = _rebuild_call(node, values, self._slot_of)
        layer = node.outbound_layer
        call = CallArguments(args[0], args[1:], kwargs)
        outputs = layer._output_spec(call)
        flat = nest.flatten(outputs)
        masks = layer._output_masks(call, flat)
        _check_output_count(node, flat)
        for tensor, mask, recorded in zip(flat, masks, node.output_tensors, strict=True):
            tensor._keras_mask = mask
            values[self._slot_of[id(recorded)]] = tensor

    def _output_specs(self, values: list) -> list:
        """The output specs of an inference; an output listed twice comes back as two tensors."""
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


# -------------------------------------------------------------- nested networks


class _Frame:
    """One plan being run (or inferred) on the stack: its slots and where it stopped."""

    __slots__ = ("plan", "values", "masks", "training", "steps", "index", "pending", "scoped")

    def __init__(self, plan: ExecutionPlan, values: list, masks: list | None, training) -> None:
        self.plan = plan
        self.values = values
        self.masks = masks
        self.training = training
        self.steps = plan.steps if masks is None else plan._general_steps()
        self.index = 0
        # The nested call that the frame above this one is running for it.
        self.pending: NestedCall | None = None
        # Whether entering this frame pushed its training value (see call_context).
        self.scoped = False


class NestedCall:
    """A node that calls a functional network, run in place by the enclosing plan.

    Holds what the node's step would do around ``network.call``: rebuild the
    node's arguments from the slots, choose the ``training`` value (the one
    recorded on the node wins), hand the input masks on, and have the network
    convert and check its inputs (``Network._call_values``); when the nested
    plan ends, write its outputs (and masks) to the node's slots and free the
    slots read for the last time. A network that does not run as its plan
    (``_callable_plan()`` is None: a subclass with its own ``call``) is
    called as a step instead.
    """

    __slots__ = (
        "node",
        "network",
        "recorded",
        "explicit_mask",
        "single_source",
        "input_slots",
        "targets",
        "computes_masks",
        "frees",
        "slot_of",
    )

    def __init__(self, node: Node, slot_of: dict, frees) -> None:
        self.node = node
        self.network = node.outbound_layer
        self.recorded = node.arguments.get("training")
        self.explicit_mask = node.call_kwargs.get("mask") is not None
        inputs = node.call_args[0]
        self.single_source = (
            slot_of[id(inputs)] if is_keras_tensor(inputs) and not node.call_kwargs else None
        )
        self.input_slots = [
            None if not is_keras_tensor(leaf) else slot_of[id(leaf)]
            for leaf in nest.flatten(inputs)
        ]
        self.targets = tuple(slot_of[id(tensor)] for tensor in node.output_tensors)
        self.computes_masks = any(tensor._keras_mask is not None for tensor in node.output_tensors)
        self.frees = tuple(frees)
        self.slot_of = slot_of

    @staticmethod
    def applies_to(node: Node) -> bool:
        """Whether ``node`` calls a network that runs as its plan, with its inputs only as
        positional arguments (``training`` and ``mask``, if any, as keywords)."""
        plan_of = getattr(node.outbound_layer, "_callable_plan", None)
        return plan_of is not None and len(node.call_args) == 1 and plan_of() is not None

    def _arguments(self, values: list) -> tuple:
        """The node's inputs and keyword arguments, values in place of KerasTensors."""
        if self.single_source is not None:
            return values[self.single_source], {}
        args, kwargs = _rebuild_call(self.node, values, self.slot_of)
        return args[0], kwargs

    def enter(self, values: list, masks: list | None, training) -> tuple:
        """``(input values, input masks or None, training)`` for the nested plan's frame."""
        inputs, kwargs = self._arguments(values)
        chosen = self.recorded if self.recorded is not None else training
        mask = kwargs.get("mask")
        if masks is not None and not self.explicit_mask:
            flat_masks = [None if slot is None else masks[slot] for slot in self.input_slots]
            if any(leaf is not None for leaf in flat_masks):
                mask = nest.pack_sequence_as(self.node.call_args[0], flat_masks)
        input_values, input_masks = self.network._call_values(inputs, mask)
        return input_values, input_masks, chosen

    def finish(
        self, values: list, masks: list | None, outputs: list, output_masks: list | None
    ) -> None:
        """Store the nested plan's outputs (and masks) in the node's slots; free the spent ones."""
        for slot, value in zip(self.targets, outputs, strict=True):
            values[slot] = value
        if masks is not None and self.computes_masks:
            for slot, mask in zip(self.targets, output_masks or [None] * len(outputs), strict=True):
                masks[slot] = mask
        for slot in self.frees:
            values[slot] = None
            if masks is not None:
                masks[slot] = None

    def enter_specs(self, values: list) -> list:
        """The input specs for inferring through the nested network (masks attached)."""
        inputs, kwargs = self._arguments(values)
        return self.network._call_specs(inputs, kwargs.get("mask"))

    def finish_specs(self, values: list, outputs: list) -> None:
        """Store the inferred output specs in the node's slots."""
        _check_output_count(self.node, outputs)
        for slot, tensor in zip(self.targets, outputs, strict=True):
            values[slot] = tensor


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
