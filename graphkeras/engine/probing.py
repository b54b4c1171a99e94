"""Shape and mask inference by probing: run a layer's ``call`` on tiny arrays.

A layer that does not write ``compute_output_shape`` (or ``compute_mask``
for symbolic masks) still gets output KerasTensors: the engine stands a tiny
array in for each KerasTensor argument, runs ``call`` (and ``compute_mask``)
and reads the shapes, dtypes and masks off the results. An unknown dim
(``None``, usually the batch) takes two different sizes in two runs; an
output dim that differs between the runs is unknown in the result. Probing
is side-effect free: losses and updates added during a probe are dropped,
and variables that ``call`` assigns are put back.

On JAX the probe is abstract: ``call`` runs under ``jax.eval_shape``, on
tracers that have a shape and a dtype but no numbers, so inferring the
shapes of a large layer allocates and computes nothing.

>>> outputs, _ = probe(layer, CallArguments(KerasTensor((None, 4))), want_masks=False)
>>> outputs.shape
(None, 4)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphkeras import backend as K
from graphkeras.engine import build_limits
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.call_signature import call_signature, fill_argument_masks
from graphkeras.engine.compiled_steps import backend_compiles
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.node import is_keras_tensor
from graphkeras.engine.stateless_execution import process_random_state_variables
from graphkeras.utils import nest

# Two sizes substituted for unknown dims when probing ``call`` for shapes:
# a dim whose output size differs between the probes is unknown in the output.
PROBE_SIZES = (2, 3)

# How many probes are running (a probed ``call`` may call other layers).
_probing_depth = 0


def is_probing() -> bool:
    """Whether a probe is running, so ``add_loss`` and ``add_update`` must record nothing."""
    return _probing_depth > 0


@contextmanager
def _probing() -> Iterator[None]:
    global _probing_depth
    _probing_depth += 1
    try:
        yield
    finally:
        _probing_depth -= 1


def probe(
    layer: Any, call: CallArguments, want_masks: bool, want_outputs: bool = True
) -> tuple[Any, list | None]:
    """Run ``layer.call`` (and ``compute_mask``) on tiny arrays standing in for KerasTensors.

    Returns detached KerasTensors for the outputs, in the structure ``call``
    returned (None unless ``want_outputs``), and a flat list with one
    detached mask or None per mask leaf (None unless ``want_masks``).
    """
    leaves = (*call.input_leaves, *call.argument_leaves)
    has_unknown = any(
        is_keras_tensor(leaf)
        and (
            None in leaf.shape or (leaf._keras_mask is not None and None in leaf._keras_mask.shape)
        )
        for leaf in leaves
    )
    runs = []
    # No numbers move in a symbolic call: a ``call`` that assigns to the
    # layer's variables (a counter, a moving mean) is undone after probing.
    weights = layer.weights
    if backend_compiles():  # and the random state a draw would advance (JAX keys)
        weights = _with_random_state(weights, layer)
    values = [variable.value for variable in weights]
    try:
        for size in PROBE_SIZES if has_unknown else PROBE_SIZES[:1]:
            runs.append(_probe_once(layer, call, size, want_masks, want_outputs))
    finally:
        for variable, value in zip(weights, values, strict=True):
            if variable.value is not value:
                variable.assign(value)
    outputs = masks = None
    if want_outputs:
        outputs = nest.pack_sequence_as(
            runs[0][0], merge_probe_leaves([run[0] for run in runs], layer.name)
        )
    if want_masks:
        masks = merge_probe_leaves([run[1] for run in runs], layer.name)
    return outputs, masks


def _with_random_state(weights: list, layer: Any) -> list:
    """``weights`` and the other Variables a call may change: seed generator states."""
    known = {id(variable) for variable in weights}
    extra = [
        variable
        for variable in (*layer.non_trainable_variables, *process_random_state_variables())
        if id(variable) not in known
    ]
    return [*weights, *extra]


def _probe_once(layer: Any, call: CallArguments, size: int, want_masks: bool, want_outputs: bool):
    """One run of ``call`` (and ``compute_mask``) with unknown dims set to ``size``.

    On a backend that compiles (JAX) the run is abstract, under
    ``jax.eval_shape``: the probe arrays and every result exist as shapes
    and dtypes only, so nothing is allocated or computed. A ``call`` that
    cannot be traced (one reading the values of its inputs) runs concretely.
    """
    if backend_compiles():
        try:
            return _abstract_probe_once(layer, call, size, want_masks, want_outputs)
        except Exception:  # noqa: BLE001 - any failure: the concrete run raises it properly
            pass
    return _concrete_probe_once(layer, call, size, want_masks, want_outputs)


def _abstract_probe_once(
    layer: Any, call: CallArguments, size: int, want_masks: bool, want_outputs: bool
):
    """:func:`_concrete_probe_once` under ``jax.eval_shape``; results as detached KerasTensors."""
    import jax

    def as_keras_tensor(leaf):
        if isinstance(leaf, jax.ShapeDtypeStruct):
            return KerasTensor(tuple(leaf.shape), dtype=K.standardize_dtype(leaf.dtype))
        return leaf

    shapes = jax.eval_shape(
        lambda: _concrete_probe_once(layer, call, size, want_masks, want_outputs)
    )
    return jax.tree_util.tree_map(as_keras_tensor, shapes)


def _concrete_probe_once(
    layer: Any, call: CallArguments, size: int, want_masks: bool, want_outputs: bool
):
    """One run of ``call`` (and ``compute_mask``) on probe arrays, unknown dims set to ``size``."""

    def concrete(leaf):
        return probe_array(leaf, size) if is_keras_tensor(leaf) else leaf

    def probe_mask(leaf):
        mask = getattr(leaf, "_keras_mask", None)
        return None if mask is None else probe_array(mask, size)

    symbolic_inputs = call.inputs
    if nest.is_nested(symbolic_inputs):
        inputs = nest.pack_sequence_as(symbolic_inputs, [concrete(x) for x in call.input_leaves])
        mask_leaves = [probe_mask(leaf) for leaf in call.input_leaves]
        probe_masks = nest.pack_sequence_as(symbolic_inputs, mask_leaves)
    else:
        inputs = concrete(symbolic_inputs)
        probe_masks = probe_mask(symbolic_inputs)
        mask_leaves = [probe_masks]
    if call.args or call.kwargs:
        args, kwargs = nest.pack_sequence_as(
            (call.args, call.kwargs), [concrete(leaf) for leaf in call.argument_leaves]
        )
        kwargs = dict(kwargs)
    else:
        args, kwargs = (), {}
    accepts_training, accepts_mask = call_signature(type(layer).call)
    if accepts_training and kwargs.get("training") is None:
        kwargs["training"] = False
    if (
        accepts_mask
        and kwargs.get("mask") is None
        and any(mask is not None for mask in mask_leaves)
    ):
        kwargs["mask"] = probe_masks
    kwargs = fill_argument_masks(
        type(layer).call, (symbolic_inputs, *call.args), call.kwargs, kwargs, probe_mask
    )
    with warnings.catch_warnings(), _probing():
        warnings.simplefilter("ignore")
        outputs = layer.call(inputs, *args, **kwargs) if want_outputs else None
        masks = None
        if want_masks:
            masks = layer.compute_mask(inputs, kwargs.get("mask", probe_masks))
    return outputs, masks


def probe_array(tensor: KerasTensor, size: int) -> Any:
    """A backend array of ``tensor``'s dtype and shape, unknown dims set to ``size``.

    Zeros, or ones for a boolean tensor (an all-true mask keeps every step).
    """
    shape = tuple(size if dim is None else dim for dim in tensor.shape)
    limit = build_limits.probe_limit()
    if limit is not None and math.prod(shape) > limit:
        raise ValueError(
            f"Tensor {tensor.name} of shape {tensor.shape} is too large to rebuild from a "
            f"file: a shape probe of {shape} exceeds {limit} elements."
        )
    if tensor.dtype == "bool":
        return K.ones(shape, dtype="bool")
    return K.zeros(shape, dtype=tensor.dtype)


def merge_probe_leaves(runs: list, layer_name: str) -> list:
    """Detached KerasTensors from one or two probe runs' outputs (None stays None).

    A dim that is the same in every run is known; one that differs is None.
    """
    flat_runs = [nest.flatten(run) for run in runs]
    merged = []
    for values in zip(*flat_runs, strict=True):
        if values[0] is None:
            merged.append(None)
            continue
        shapes = []
        for value in values:
            if not (
                K.is_tensor(value)
                or K.is_variable(value)
                or is_keras_tensor(value)
                or isinstance(value, (int, float))
            ):
                raise TypeError(
                    f"Layer '{layer_name}': call() must return arrays, received "
                    f"{type(value).__name__} while inferring output shapes."
                )
            shapes.append(K.int_shape(value))
        if any(len(shape) != len(shapes[0]) for shape in shapes):
            raise ValueError(
                f"Layer '{layer_name}': the rank of the output depends on the input's unknown "
                f"dims ({shapes}); define compute_output_shape()."
            )
        shape = tuple(
            dims[0] if all(dim == dims[0] for dim in dims) else None
            for dims in zip(*shapes, strict=True)
        )
        merged.append(KerasTensor(shape, dtype=K.dtype(values[0])))
    return merged
