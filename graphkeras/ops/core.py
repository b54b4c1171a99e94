"""``gk.ops.core``: conversions, dynamic slices, gradient stops and control flow.

The control-flow operations (``cond``, ``switch``, ``scan``, ``map``,
``fori_loop``, ``while_loop``) take Python functions and run them on
arrays; called on KerasTensors they record a node that runs them when the
model runs. Such a node is saved by the functions' registered names, never
as code (see :mod:`graphkeras.ops.arguments`).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.node import is_keras_tensor
from graphkeras.ops.dtypes import as_tensor
from graphkeras.ops.operation import has_keras_tensor, operation
from graphkeras.utils import nest

# --------------------------------------------------------------- conversion


def _same_specs(values: Any) -> Any:
    """Fresh KerasTensors with the shapes and dtypes of ``values``' KerasTensors."""
    return nest.map_structure(
        lambda value: (
            KerasTensor(value.shape, dtype=value.dtype)
            if is_keras_tensor(value)
            else KerasTensor(K.int_shape(value), dtype=K.dtype(value))
        ),
        values,
    )


def shape(x) -> tuple:
    """``x``'s shape as a tuple of ints (None for a KerasTensor's unknown dims)."""
    return tuple(K.int_shape(x))


def dtype(x) -> str:
    """``x``'s dtype name."""
    return (
        K.dtype(x)
        if (K.is_tensor(x) or K.is_variable(x) or is_keras_tensor(x))
        else K.dtype(K.convert_to_tensor(x))
    )


def is_tensor(x) -> bool:
    """Whether ``x`` is a backend array."""
    return bool(K.is_tensor(x))


@operation
def cast(x, dtype):
    """``x`` as ``dtype``."""
    return K.cast(as_tensor(x), K.standardize_dtype(dtype))


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` as a backend array (a KerasTensor stays one, cast when ``dtype`` differs)."""
    if sparse or ragged:
        raise ValueError("ops.convert_to_tensor: graphkeras has no sparse or ragged tensors.")
    if is_keras_tensor(x):
        return x if dtype is None or K.standardize_dtype(dtype) == x.dtype else cast(x, dtype)
    if K.is_variable(x):
        x = x.value
    if dtype is None and K.is_tensor(x):
        return x
    return K.convert_to_tensor(x, dtype=None if dtype is None else K.standardize_dtype(dtype))


def convert_to_numpy(x) -> np.ndarray:
    """``x`` as a NumPy array; a KerasTensor holds no values and raises."""
    if is_keras_tensor(x):
        raise ValueError(
            f"ops.convert_to_numpy: {x} is symbolic (a KerasTensor) and holds no values; "
            "build a Model and call it on arrays."
        )
    return K.convert_to_numpy(x)


@operation
def stop_gradient(variable):
    """``variable``'s value, cut from the gradient tape."""
    return K.stop_gradient(variable)


# ------------------------------------------------------------ dynamic slices


def _slice_spec(inputs, start_indices, shape):
    sizes = tuple(None if size == -1 else int(size) for size in shape)
    known = tuple(inputs.shape) if is_keras_tensor(inputs) else K.int_shape(inputs)
    sizes = tuple(
        dim - int(start) if size is None and dim is not None and isinstance(start, int) else size
        for size, dim, start in zip(sizes, known, start_indices, strict=False)
    )
    return KerasTensor(sizes, dtype=dtype(inputs))


# A slice's output has the size asked for whatever the input's batch, so it is
# inferred, not probed (a box may not fit in the small stand-in arrays).
@operation(name="slice", infer=_slice_spec)
def slice(inputs, start_indices, shape):  # noqa: A001 (Keras 3's name)
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices``."""
    return K.slice(inputs, start_indices, shape)


@operation(infer=lambda inputs, start_indices, updates: _same_specs(inputs))
def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    return K.slice_update(inputs, start_indices, updates)


@operation
def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    x = as_tensor(x)
    axis = axis % K.ndim(x)
    length = K.int_shape(x)[axis]
    if num is not None and num != length:
        raise ValueError(f"ops.unstack: num={num} but axis {axis} has length {length}.")
    head = (builtins.slice(None),) * axis
    return [K.getitem(x, (*head, index)) for index in range(length)]


# -------------------------------------------------------------- control flow


def _check_arrays(result: Any, name: str) -> Any:
    if has_keras_tensor(result):
        raise ValueError(
            f"ops.{name}: a branch or body returned a KerasTensor while running on arrays. "
            "In a functional graph the functions must compute from their arguments only "
            "(not from KerasTensors they close over)."
        )
    return result


@operation
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` holds, else ``false_fn()``."""
    taken = true_fn if bool(K.convert_to_numpy(pred)) else false_fn
    return nest.map_structure(convert_to_tensor, _check_arrays(taken(), "cond"))


@operation
def switch(index, branches, *operands):
    """``branches[index](*operands)``, the index clamped to the branches."""
    position = int(np.clip(int(K.convert_to_numpy(index)), 0, len(branches) - 1))
    return _check_arrays(branches[position](*operands), "switch")


@operation
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loop ``carry, y = f(carry, x)`` over the leading axis of ``xs``; ``(carry, stacked ys)``.

    Without ``xs``, ``f`` receives None ``length`` times.
    """
    leaves = None if xs is None else nest.flatten(xs)
    if leaves is None:
        if length is None:
            raise ValueError("ops.scan: give xs or length.")
        steps = length
    else:
        steps = K.int_shape(leaves[0])[0]
        if length is not None and length != steps:
            raise ValueError(f"ops.scan: length={length} but xs has {steps} steps.")
    carry = init
    outputs = []
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    for step in order:
        x = None if leaves is None else nest.pack_sequence_as(xs, [leaf[step] for leaf in leaves])
        carry, y = _check_arrays(f(carry, x), "scan")
        outputs.append(y)
    if reverse:
        outputs.reverse()
    if not outputs or builtins.all(y is None for y in outputs):
        return carry, None
    stacked = [
        K.stack(list(column), axis=0)
        for column in zip(*builtins.map(nest.flatten, outputs), strict=True)
    ]
    return carry, nest.pack_sequence_as(outputs[0], stacked)


@operation(name="map")
def map(f, xs):  # noqa: A001 (Keras 3's name)
    """``f`` applied to each slice of ``xs`` along the leading axis, results stacked."""
    leaves = nest.flatten(xs)
    steps = K.int_shape(leaves[0])[0]
    results = [
        _check_arrays(f(nest.pack_sequence_as(xs, [leaf[step] for leaf in leaves])), "map")
        for step in range(steps)
    ]
    columns = zip(*(nest.flatten(result) for result in results), strict=True)
    return nest.pack_sequence_as(results[0], [K.stack(list(c), axis=0) for c in columns])


@operation
def vectorized_map(function, elements):
    """``function`` over the leading axis of ``elements`` (``map``)."""
    return map(function, elements)


# The loops keep their values' shapes and dtypes (as Keras 3 requires), so
# their outputs are inferred without running them: a loop whose end depends
# on the values could run forever on the stand-in arrays of shape probing.
@operation(infer=lambda lower, upper, body_fun, init_val: _same_specs(init_val))
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` from ``lower`` up to ``upper``."""
    value = init_val
    for index in range(int(lower), int(upper)):
        value = _check_arrays(body_fun(index, value), "fori_loop")
    return value


@operation(infer=lambda cond, body, loop_vars, maximum_iterations=None: _same_specs(loop_vars))
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds, at most that often."""
    single = not isinstance(loop_vars, (list, tuple))
    values = (loop_vars,) if single else tuple(loop_vars)
    count = 0
    while bool(K.convert_to_numpy(cond(*values))):
        if maximum_iterations is not None and count >= maximum_iterations:
            break
        result = _check_arrays(body(*values), "while_loop")
        values = (result,) if single else tuple(result)
        count += 1
    return values[0] if single else type(loop_vars)(values)


@operation
def associative_scan(f, elems, reverse=False, axis=0):
    """Running ``f``-combinations along ``axis``: entry i is ``f(...f(f(e0, e1), e2)..., ei)``.

    ``f`` must be associative (for it, Keras 3's parallel scan and this
    left-to-right one agree); ``elems`` may be a structure of arrays whose
    leaves share the length of ``axis``; ``reverse`` runs from the end.
    """
    leaves = [as_tensor(leaf) for leaf in nest.flatten(elems)]
    axis = axis % K.ndim(leaves[0])
    length = K.int_shape(leaves[0])[axis]
    if any(K.int_shape(leaf)[axis] != length for leaf in leaves):
        raise ValueError(
            f"ops.associative_scan: the leaves of elems must share the length of axis {axis}, "
            f"received shapes {[K.int_shape(leaf) for leaf in leaves]}."
        )
    head = (builtins.slice(None),) * axis
    order = range(length - 1, -1, -1) if reverse else range(length)
    running, results = None, []
    for step in order:
        current = nest.pack_sequence_as(elems, [K.getitem(leaf, (*head, step)) for leaf in leaves])
        running = (
            current if running is None else _check_arrays(f(running, current), "associative_scan")
        )
        results.append(nest.flatten(running))
    if reverse:
        results.reverse()
    stacked = [K.stack(list(column), axis=axis) for column in zip(*results, strict=True)]
    return nest.pack_sequence_as(elems, stacked)


def _dtype_limits(name: str) -> tuple:
    if name == "bool":
        return 0, 1
    info = np.iinfo(name) if "int" in name else np.finfo(name)
    return info.min, info.max


def saturation_limits(source: str, target: str) -> tuple[np.ndarray, np.ndarray]:
    """The clip bounds, in dtype ``source``, that keep a cast to ``target`` inside its range.

    A limit that rounds past the target's range in ``source`` is nudged inside it.
    """
    (in_low, in_high), (out_low, out_high) = _dtype_limits(source), _dtype_limits(target)
    low = np.asarray(max(in_low, out_low)).astype(source)
    high = np.asarray(min(in_high, out_high)).astype(source)
    if low < out_low:
        low = np.nextafter(low, np.zeros((), source))
    if high > out_high:
        high = np.nextafter(high, np.zeros((), source))
    return low, high


@operation
def saturate_cast(x, dtype):
    """``x`` cast to ``dtype`` with values first clipped to its range (no wrap-around)."""
    x = as_tensor(x)
    dtype = K.standardize_dtype(dtype)
    low, high = saturation_limits(K.dtype(x), dtype)
    return K.cast(K.clip(x, low.item(), high.item()), dtype)


# ----------------------------------------------------------------- scatters


def _flat_positions(indices: Any, shape: tuple, name: str) -> tuple[Any, int, tuple]:
    """Indices ``(..., k)`` into ``shape`` as flat positions in its first ``k`` axes."""
    indices = K.cast(as_tensor(indices), "int32")
    depth = K.int_shape(indices)[-1]
    if depth > len(shape):
        raise ValueError(f"ops.{name}: indices of depth {depth} cannot index shape {tuple(shape)}.")
    strides = [int(np.prod(shape[axis + 1 : depth], dtype=np.int64)) for axis in range(depth)]
    flat = K.sum(
        K.multiply(K.reshape(indices, (-1, depth)), K.convert_to_tensor(strides, "int32")), axis=1
    )
    return flat, int(np.prod(shape[:depth], dtype=np.int64)), tuple(shape[depth:])


def _members(flat: Any, places: int, slice_rank: int) -> Any:
    """``members[n, p]``: update ``n`` goes to place ``p`` (with trailing length-1 axes)."""
    members = K.equal(K.expand_dims(flat, 1), K.expand_dims(K.arange(0, places, 1, "int32"), 0))
    return K.reshape(members, (*K.int_shape(members), *(1,) * slice_rank))


@operation
def scatter(indices, values, shape):
    """Zeros of ``shape`` with ``values`` added at ``indices`` (repeated indices add up).

    ``indices`` has shape ``(..., k)``: each row indexes the first ``k`` axes;
    ``values`` has ``indices``' leading shape, then ``shape[k:]``.
    """
    shape = tuple(shape)
    values = as_tensor(values)
    flat, places, slice_shape = _flat_positions(indices, shape, "scatter")
    rows = K.reshape(values, (-1, *slice_shape))
    members = _members(flat, places, len(slice_shape))
    spread = K.where(members, K.expand_dims(rows, 1), K.zeros((), K.dtype(values)))
    return K.reshape(K.sum(spread, axis=0), shape)


_SCATTER_REDUCTIONS = (None, "add", "max", "min", "mul")


@operation
def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with the entries (or slices) at ``indices`` set to ``updates``.

    Where an index repeats, the last update wins; with ``reduction``
    ('add', 'max', 'min' or 'mul') the updates combine with each other and
    the input instead.
    """
    if reduction not in _SCATTER_REDUCTIONS:
        raise ValueError(
            f"ops.scatter_update: reduction must be one of {_SCATTER_REDUCTIONS}, "
            f"received {reduction!r}."
        )
    inputs, updates = as_tensor(inputs), as_tensor(updates)
    shape = K.int_shape(inputs)
    flat, places, slice_shape = _flat_positions(indices, shape, "scatter_update")
    rows = K.cast(K.reshape(updates, (-1, *slice_shape)), K.dtype(inputs))
    table = K.reshape(inputs, (places, *slice_shape))
    members = _members(flat, places, len(slice_shape))
    if reduction is None:
        count = K.int_shape(flat)[0]
        order = K.reshape(K.arange(0, count, 1, "int32"), (count, 1, *(1,) * len(slice_shape)))
        last = K.max(K.where(members, order, K.full((), -1, "int32")), axis=0)
        chosen = K.take(rows, K.maximum(K.reshape(last, (places,)), 0), axis=0)
        written = K.reshape(K.greater_equal(last, 0), (places, *(1,) * len(slice_shape)))
        return K.reshape(K.where(written, chosen, table), shape)
    combine, reduce, identity = {
        "add": (K.add, K.sum, 0),
        "mul": (K.multiply, K.prod, 1),
        "max": (K.maximum, K.max, -np.inf),
        "min": (K.minimum, K.min, np.inf),
    }[reduction]
    if identity in (-np.inf, np.inf) and not K.is_float_dtype(K.dtype(inputs)):
        info = np.iinfo(K.dtype(inputs))
        identity = info.min if identity < 0 else info.max
    filler = K.full((), identity, dtype=K.dtype(inputs))
    gathered = reduce(K.where(members, K.expand_dims(rows, 1), filler), axis=0)
    return K.reshape(combine(table, gathered), shape)
