"""Running a layer on given variable values: ``stateless_call``, as Keras 3 has it.

A model's state lives in its Variables. To run it as a pure function of
that state (what ``jax.jit`` and ``jax.grad`` need, and what Keras 3 offers
as ``layer.stateless_call``), the engine *swaps* values in: each
Variable's ``.value`` is a plain attribute on every backend, so it is set
to the given array, the layer runs as usual (assignments during the run,
BatchNormalization's moving averages or a dropout's random state, replace
the swapped values), the values the run leaves are collected, and the
Variables get their own values back, whatever happens.

Random state is part of the non-trainable state where the backend keeps it
in a Variable (JAX keys): a layer's seed generators (found by
:func:`seed_state_variables`) and the backend's process-wide generator
(:func:`process_random_state_variables`). On numpy a generator is a
``numpy.random.Generator``, not a Variable, so neither adds anything there.

>>> outputs, non_trainable = model.stateless_call(
...     [v.value for v in model.trainable_variables],
...     [v.value for v in model.non_trainable_variables],
...     x,
...     training=True,
... )
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.tracing import tracing


def seed_state_variables(layer: Any) -> list:
    """The Variables holding the random state of ``layer``'s own seed generators.

    A generator is an attribute of the layer: a backend generator (as
    ``K.seed_generator`` returns) or a ``gk.random.SeedGenerator`` (which
    holds one as ``backend_state``); its state counts when it is a Variable.
    Sublayers are not searched (their own call finds theirs).
    """
    found: list = []
    for value in layer.__dict__.values():
        if value is None or isinstance(value, (str, bool, int, float)):
            continue
        generator = getattr(value, "backend_state", value)
        state = getattr(generator, "state", None)
        if state is not None and K.is_variable(state) and all(state is not v for v in found):
            found.append(state)
    return found


def process_random_state_variables() -> list:
    """The Variable of the backend's process-wide generator, if the backend keeps one.

    A backend whose ``random`` module offers ``global_seed_generator()``
    (returning an object with a Variable ``state``) has its unseeded draws
    threaded through compiled steps like any other state; the numpy backend
    has no such function and this returns ``[]``. The generator is looked up
    on every call, since ``set_random_seed`` may replace it.
    """
    module = importlib.import_module(f"{K.AVAILABLE_BACKENDS[K.backend()]}.random")
    find = getattr(module, "global_seed_generator", None)
    if find is None:
        return []
    state = getattr(find(), "state", None)
    return [state] if state is not None and K.is_variable(state) else []


@contextmanager
def swapped_values(variables: Sequence, values: Sequence) -> Iterator[None]:
    """Give each Variable the matching value for the duration, then its own value back."""
    own = [variable.value for variable in variables]
    try:
        for variable, value in zip(variables, values, strict=True):
            variable.value = value
        yield
    finally:
        for variable, value in zip(variables, own, strict=True):
            variable.value = value


def apply_recorded_updates(layers: Sequence) -> None:
    """Run the ``add_update`` updates each layer recorded, then forget them."""
    for layer in layers:
        if not layer._updates:
            continue
        for update, _ in layer._updates:
            if callable(update):
                update()
            else:
                variable, value = update
                variable.assign(value)
        layer._updates = ()


def checked_values(variables: Sequence, values: Any, argument: str, owner: str) -> list:
    """``values`` as backend arrays, one per Variable with its shape and dtype (else ValueError).

    The arrays are fresh copies where the backend's arrays are mutable (a
    numpy Variable adds in place), so a run never writes into the caller's arrays.
    """
    if not isinstance(values, (list, tuple)):
        raise ValueError(
            f"{owner}: `{argument}` must be a list of arrays, one per variable of "
            f"`{argument.replace('_values', '_variables')}`; received {type(values).__name__}."
        )
    if len(values) != len(variables):
        raise ValueError(
            f"{owner}: `{argument}` must hold {len(variables)} arrays, one per variable of "
            f"`{argument.replace('_values', '_variables')}` in that order; received "
            f"{len(values)}."
        )
    arrays = []
    for index, (variable, value) in enumerate(zip(variables, values, strict=True)):
        shape = tuple(K.int_shape(value)) if hasattr(value, "shape") else None
        if shape is None:
            value = K.convert_to_tensor(value, dtype=variable.dtype)
            shape = tuple(K.int_shape(value))
        if shape != tuple(variable.shape):
            raise ValueError(
                f"{owner}: `{argument}[{index}]` is for variable '{variable.name}' of shape "
                f"{tuple(variable.shape)}; received a value of shape {shape}."
            )
        if K.is_tensor(value) and K.dtype(value) != variable.dtype:
            value = K.cast(value, variable.dtype)  # a recorded op: a tape still follows it
        if _plain_numpy(value) or not K.is_tensor(value):
            # A throwaway Variable converts to the dtype and owns its array (a numpy
            # Variable adds in place). A value a GradientTape follows is kept as it is.
            value = K.Variable(value, dtype=variable.dtype, name=variable.name).value
        arrays.append(value)
    return arrays


def stateless_call(
    layer: Any,
    trainable_values: Sequence,
    non_trainable_values: Sequence,
    *args: Any,
    return_losses: bool = False,
    **kwargs: Any,
):
    """``layer(*args, **kwargs)`` on the given variable values; returns the new non-trainable ones.

    ``trainable_values`` and ``non_trainable_values`` follow
    ``layer.trainable_variables`` and ``layer.non_trainable_variables``.
    Returns ``(outputs, non_trainable_values)`` (and the losses the call
    added when ``return_losses``); the layer's Variables are as before.
    """
    owner = f"{type(layer).__name__} '{layer.name}'.stateless_call"
    if not layer.built:
        raise ValueError(
            f"{owner}: the layer must be built first (call it once, or call build()), so that "
            "its variables exist."
        )
    trainable = layer.trainable_variables
    non_trainable = layer.non_trainable_variables
    trainable_values = checked_values(trainable, trainable_values, "trainable_values", owner)
    non_trainable_values = checked_values(
        non_trainable, non_trainable_values, "non_trainable_values", owner
    )
    layers = [layer, *layer._all_sublayers()]
    # Updates an earlier call left pending stay pending, untouched by this call.
    pending = [layer._updates for layer in layers]
    try:
        for each in layers:
            each._updates = ()
        values = [*trainable_values, *non_trainable_values]
        # A pure function of the values: it runs op by op (no compiled call of its
        # own inside), so jax.grad or jax.jit can trace it and the caller's arrays
        # are never handed to XLA as buffers to reuse.
        with swapped_values([*trainable, *non_trainable], values), tracing():
            outputs = layer(*args, **kwargs)
            apply_recorded_updates(layers)
            new_values = [variable.value for variable in non_trainable]
            losses = list(layer.losses) if return_losses else None
    finally:
        for each, updates in zip(layers, pending, strict=True):
            each._updates = updates
    if return_losses:
        return outputs, new_values, losses
    return outputs, new_values


def _plain_numpy(value: Any) -> bool:
    """Whether ``value`` is a plain, mutable numpy array (not one a tape follows)."""
    return type(value).__module__ == "numpy"
