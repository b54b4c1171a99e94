"""``gk.ops.numpy``: Keras 3's NumPy-like operations, on arrays and on KerasTensors.

Each function takes Keras 3's arguments and computes with backend ops, so
the gradient tape records it; on KerasTensors it records an operation node
(see :mod:`graphkeras.ops.operation`). Results follow Keras 3's dtype
rules where they differ from NumPy's: math that gives fractions
(``mean``, ``sqrt``, ``exp``, ...) turns integers into ``floatx()``.
"""

from __future__ import annotations

import builtins
import math as _math
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.ops.dtypes import accumulated, as_float, as_tensor, dtype_or_floatx
from graphkeras.ops.elementwise import binary, unary
from graphkeras.ops.operation import operation

# ----------------------------------------------------------------- creation


@operation
def arange(start, stop=None, step=None, dtype=None):
    """Evenly spaced values in ``[start, stop)`` (``[0, start)`` without ``stop``)."""
    if dtype is None:
        numbers = [value for value in (start, stop, step) if value is not None]
        dtype = "float32" if builtins.any(isinstance(v, float) for v in numbers) else "int32"
    return K.arange(start, stop, 1 if step is None else step, dtype=dtype)


@operation
def zeros(shape, dtype=None):
    """An array of zeros (``floatx()`` by default)."""
    return K.zeros(shape, dtype=dtype_or_floatx(dtype))


@operation
def ones(shape, dtype=None):
    """An array of ones."""
    return K.ones(shape, dtype=dtype_or_floatx(dtype))


@operation
def full(shape, fill_value, dtype=None):
    """An array of ``fill_value`` (``floatx()`` unless ``dtype`` is given, as Keras 3)."""
    return K.full(shape, K.convert_to_numpy(fill_value), dtype=dtype_or_floatx(dtype))


@operation
def zeros_like(x, dtype=None):
    """Zeros with ``x``'s shape (and dtype, unless given)."""
    return K.zeros_like(as_tensor(x), dtype=dtype)


@operation
def ones_like(x, dtype=None):
    """Ones with ``x``'s shape (and dtype, unless given)."""
    return K.ones_like(as_tensor(x), dtype=dtype)


@operation
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with ``x``'s shape (and dtype, unless given)."""
    x = as_tensor(x)
    return K.full(K.int_shape(x), K.convert_to_numpy(fill_value), dtype=dtype or K.dtype(x))


@operation
def eye(N, M=None, k=0, dtype=None):  # noqa: N803 (Keras 3's argument names)
    """An ``N`` by ``M`` matrix with ones on diagonal ``k``."""
    matrix = K.eye(N, M, dtype=dtype_or_floatx(dtype))
    if k == 0:
        return matrix
    columns = N if M is None else M
    return K.convert_to_tensor(np.eye(N, columns, k), dtype=dtype_or_floatx(dtype))


@operation
def identity(n, dtype=None):
    """The ``n`` by ``n`` identity matrix."""
    return K.eye(n, dtype=dtype_or_floatx(dtype))


@operation
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop``."""
    return K.linspace(
        start, stop, num=num, endpoint=endpoint, retstep=retstep, dtype=dtype, axis=axis
    )


# --------------------------------------------------------------- arithmetic


add = binary("add", "``x1 + x2``, broadcasting.")


subtract = binary("subtract", "``x1 - x2``.")


multiply = binary("multiply", "``x1 * x2``.")


@operation
def divide(x1, x2):
    """True division; integers give ``floatx()``."""
    return K.divide(as_float(x1), as_float(x2))


@operation
def true_divide(x1, x2):
    """True division (``divide``)."""
    return K.divide(as_float(x1), as_float(x2))


floor_divide = binary("floor_divide", "``x1 // x2``.")


mod = binary("mod", "``x1 % x2``, with the sign of ``x2`` as in NumPy.")


power = binary("power", "``x1 ** x2``.")


negative = unary("negative", "``-x``.", float_result=False)


@operation
def absolute(x):
    """``|x|``."""
    return K.abs(x)


@operation(name="abs")
def abs(x):  # noqa: A001 (Keras 3's name)
    """``|x|``."""
    return K.abs(x)


sign = unary("sign", "-1, 0 or 1 by the sign of each entry.", float_result=False)


square = unary("square", "``x * x``.", float_result=False)


sqrt = unary("sqrt", "Square root; integers give ``floatx()``.")


reciprocal = unary("reciprocal", "``1 / x``.")


maximum = binary("maximum", "Element-wise maximum.")


minimum = binary("minimum", "Element-wise minimum.")


@operation
def clip(x, x_min, x_max):
    """``x`` limited to ``[x_min, x_max]``."""
    return K.clip(x, x_min, x_max)


# ---------------------------------------------------------- transcendental


exp = unary("exp", "``e ** x``; integers give ``floatx()``.")
expm1 = unary("expm1", "``e ** x - 1``, accurate near 0.")
log = unary("log", "Natural logarithm.")
log1p = unary("log1p", "``log(1 + x)``, accurate near 0.")
sin = unary("sin", "Sine.")
cos = unary("cos", "Cosine.")
tan = unary("tan", "Tangent.")
arcsin = unary("arcsin", "Inverse sine.")
arccos = unary("arccos", "Inverse cosine.")
arctan = unary("arctan", "Inverse tangent.")
sinh = unary("sinh", "Hyperbolic sine.")
cosh = unary("cosh", "Hyperbolic cosine.")
tanh = unary("tanh", "Hyperbolic tangent.")


@operation
def arctan2(x1, x2):
    """The angle of the point ``(x2, x1)``, in ``[-pi, pi]``."""
    return K.arctan2(as_float(x1), as_float(x2))


floor = unary("floor", "Largest integer not above each entry (as floats).")


ceil = unary("ceil", "Smallest integer not below each entry (as floats).")


@operation(name="round")
def round(x, decimals=0):  # noqa: A001 (Keras 3's name)
    """Round half to even, to ``decimals`` places."""
    return K.round(x, decimals=decimals)


# ---------------------------------------------------- comparison and logic


equal = binary("equal", "``x1 == x2`` (booleans).")
not_equal = binary("not_equal", "``x1 != x2``.")
greater = binary("greater", "``x1 > x2``.")
greater_equal = binary("greater_equal", "``x1 >= x2``.")
less = binary("less", "``x1 < x2``.")
less_equal = binary("less_equal", "``x1 <= x2``.")
logical_and = binary("logical_and", "Element-wise and.")
logical_or = binary("logical_or", "Element-wise or.")
logical_xor = binary("logical_xor", "Element-wise exclusive or.")


logical_not = unary("logical_not", "Element-wise not.", float_result=False)


isnan = unary("isnan", "Whether each entry is NaN.", float_result=False)


isinf = unary("isinf", "Whether each entry is infinite.", float_result=False)


isfinite = unary("isfinite", "Whether each entry is neither infinite nor NaN.", float_result=False)


@operation
def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` holds, else ``x2`` (both needed here)."""
    if x1 is None or x2 is None:
        raise ValueError(
            "ops.where: x1 and x2 must both be given; the one-argument form (the indices "
            "of nonzero entries) has a data-dependent shape and is not supported."
        )
    return K.where(condition, x1, x2)


# --------------------------------------------------------------- reductions


def _reduction_axis(axis: Any) -> Any:
    return tuple(axis) if isinstance(axis, list) else axis


@operation(name="sum")
def sum(x, axis=None, keepdims=False):  # noqa: A001 (Keras 3's name)
    """Sum over ``axis`` (all axes when None); bools and small integers sum as int32."""
    x = as_tensor(x)
    dtype = K.dtype(x)
    if dtype == "bool":
        x = K.cast(x, "int32")
    return accumulated(K.sum(x, axis=_reduction_axis(axis), keepdims=keepdims), dtype)


@operation
def mean(x, axis=None, keepdims=False):
    """Mean over ``axis``; integers give ``floatx()``."""
    return K.mean(as_float(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``."""
    return K.var(as_float(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``."""
    return K.std(as_float(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis``, in ``dtype`` when given (bools and small integers as int32)."""
    x = as_tensor(x)
    if dtype is not None:
        x = K.cast(x, K.standardize_dtype(dtype))
    elif K.dtype(x) == "bool":
        x = K.cast(x, "int32")
    return accumulated(K.prod(x, axis=_reduction_axis(axis), keepdims=keepdims), K.dtype(x))


@operation(name="max")
def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001 (Keras 3's name)
    """Largest entry over ``axis``, at least ``initial`` when given."""
    result = K.max(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)
    return result if initial is None else K.maximum(result, initial)


@operation(name="min")
def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001 (Keras 3's name)
    """Smallest entry over ``axis``, at most ``initial`` when given."""
    result = K.min(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)
    return result if initial is None else K.minimum(result, initial)


@operation
def amax(x, axis=None, keepdims=False):
    """Largest entry over ``axis`` (``max``)."""
    return K.max(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def amin(x, axis=None, keepdims=False):
    """Smallest entry over ``axis`` (``min``)."""
    return K.min(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation(name="any")
def any(x, axis=None, keepdims=False):  # noqa: A001 (Keras 3's name)
    """Whether any entry over ``axis`` is nonzero."""
    return K.any(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation(name="all")
def all(x, axis=None, keepdims=False):  # noqa: A001 (Keras 3's name)
    """Whether every entry over ``axis`` is nonzero."""
    return K.all(as_tensor(x), axis=_reduction_axis(axis), keepdims=keepdims)


@operation
def argmax(x, axis=None, keepdims=False):
    """Index of the largest entry along ``axis`` (of the flattened array when None), int32."""
    return K.cast(K.argmax(as_tensor(x), axis=axis, keepdims=keepdims), "int32")


@operation
def argmin(x, axis=None, keepdims=False):
    """Index of the smallest entry along ``axis``, int32."""
    return K.cast(K.argmin(as_tensor(x), axis=axis, keepdims=keepdims), "int32")


@operation
def count_nonzero(x, axis=None):
    """How many entries over ``axis`` are nonzero (int32)."""
    counts = K.sum(K.cast(K.not_equal(as_tensor(x), 0), "int32"), axis=_reduction_axis(axis))
    return accumulated(counts, "int32")


@operation
def average(x, axis=None, weights=None):
    """Mean over ``axis``, weighted by ``weights`` (1-D along ``axis``, or ``x``'s shape)."""
    x = as_float(x)
    if weights is None:
        return K.mean(x, axis=axis)
    weights = as_float(weights)
    if axis is not None and K.ndim(weights) == 1 and K.ndim(x) > 1:
        shape = [1] * K.ndim(x)
        shape[axis] = K.int_shape(weights)[0]
        weights = K.reshape(weights, tuple(shape))
    return K.divide(K.sum(K.multiply(x, weights), axis=axis), K.sum(weights, axis=axis))


@operation
def cumsum(x, axis=None, dtype=None):
    """Running sum along ``axis`` (of the flattened array when None)."""
    return K.cumsum(as_tensor(x), axis=axis, dtype=dtype)


@operation
def cumprod(x, axis=None, dtype=None):
    """Running product along ``axis``."""
    return K.cumprod(as_tensor(x), axis=axis, dtype=dtype)


# ----------------------------------------------------------- linear algebra


@operation
def matmul(x1, x2):
    """Matrix product with batching (``x1 @ x2``)."""
    return K.matmul(x1, x2)


@operation
def dot(x1, x2):
    """NumPy's dot: products of scalars, inner products of vectors, else contraction."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    if K.ndim(x1) == 0 or K.ndim(x2) == 0:
        return K.multiply(x1, x2)
    if K.ndim(x2) == 1:
        return K.sum(K.multiply(x1, x2), axis=-1)
    return K.dot(x1, x2)


@operation
def einsum(subscripts, *operands):
    """Einstein summation over one or two operands (NumPy's notation)."""
    return K.einsum(subscripts, *operands)


@operation
def outer(x1, x2):
    """The outer product of the flattened ``x1`` and ``x2``."""
    a = K.reshape(as_tensor(x1), (-1, 1))
    b = K.reshape(as_tensor(x2), (1, -1))
    return K.multiply(a, b)


@operation
def tril(x, k=0):
    """``x`` with entries above diagonal ``k`` zeroed."""
    return K.tril(as_tensor(x), k=k)


@operation
def triu(x, k=0):
    """``x`` with entries below diagonal ``k`` zeroed."""
    return K.triu(as_tensor(x), k=k)


# ----------------------------------------------------------------- shapes


@operation
def reshape(x, newshape):
    """``x`` with shape ``newshape`` (one entry may be -1)."""
    newshape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    return K.reshape(x, newshape)


@operation
def transpose(x, axes=None):
    """``x`` with its axes permuted (reversed when ``axes`` is None)."""
    return K.transpose(x, None if axes is None else tuple(axes))


@operation
def expand_dims(x, axis):
    """``x`` with a new axis of length 1 at ``axis`` (or at each of a tuple of axes)."""
    if isinstance(axis, (list, tuple)):
        rank = K.ndim(as_tensor(x)) + len(axis)
        for position in sorted(a % rank for a in axis):
            x = K.expand_dims(x, position)
        return x
    return K.expand_dims(x, axis)


@operation
def squeeze(x, axis=None):
    """``x`` without its length-1 axes (only ``axis`` when given)."""
    return K.squeeze(x, tuple(axis) if isinstance(axis, list) else axis)


@operation
def ravel(x):
    """``x`` flattened to one axis."""
    return K.reshape(x, (-1,))


@operation
def moveaxis(x, source, destination):
    """``x`` with axes ``source`` moved to positions ``destination``."""
    rank = K.ndim(as_tensor(x))
    sources = [s % rank for s in (source if isinstance(source, (list, tuple)) else [source])]
    targets = [
        d % rank for d in (destination if isinstance(destination, (list, tuple)) else [destination])
    ]
    order = [axis for axis in range(rank) if axis not in sources]
    for target, axis in sorted(zip(targets, sources, strict=True)):
        order.insert(target, axis)
    return K.transpose(x, tuple(order))


@operation
def swapaxes(x, axis1, axis2):
    """``x`` with two axes exchanged."""
    order = list(range(K.ndim(as_tensor(x))))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return K.transpose(x, tuple(order))


# The output has the shape asked for whatever the input's batch, so it is
# inferred: probing would stand a batch of 2 in for a batch that must be 1.
@operation(infer=lambda x, shape: KerasTensor(tuple(shape), dtype=x.dtype))
def broadcast_to(x, shape):
    """``x`` broadcast to ``shape``."""
    return K.add(as_tensor(x), K.zeros(tuple(shape), dtype=K.dtype(as_tensor(x))))


@operation
def concatenate(xs, axis=0):
    """The arrays of ``xs`` joined along ``axis``."""
    return K.concatenate(list(xs), axis=axis)


@operation
def stack(x, axis=0):
    """The arrays of ``x`` stacked along a new ``axis``."""
    return K.stack(list(x), axis=axis)


@operation
def hstack(xs):
    """Arrays joined along axis 1 (axis 0 for vectors)."""
    return K.concatenate(list(xs), axis=0 if K.ndim(as_tensor(xs[0])) == 1 else 1)


@operation
def vstack(xs):
    """Arrays joined along axis 0 (vectors become rows)."""
    rows = [K.reshape(x, (1, -1)) if K.ndim(as_tensor(x)) == 1 else x for x in xs]
    return K.concatenate(rows, axis=0)


@operation
def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened when None)."""
    if axis is None:
        return K.concatenate([K.reshape(x1, (-1,)), K.reshape(x2, (-1,))], axis=0)
    return K.concatenate([x1, x2], axis=axis)


@operation
def split(x, indices_or_sections, axis=0):
    """``x`` cut along ``axis`` into equal sections, or at the given indices; a list."""
    x = as_tensor(x)
    size = K.int_shape(x)[axis]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0 or size % sections:
            raise ValueError(
                f"ops.split: axis {axis} of length {size} cannot be cut into {sections} "
                "equal sections."
            )
        step = size // sections
        bounds = [(start, start + step) for start in range(0, size, step)]
    else:
        cuts = [0, *indices_or_sections, size]
        bounds = list(zip(cuts[:-1], cuts[1:], strict=True))
    axis = axis % K.ndim(x)
    return [
        K.getitem(x, (builtins.slice(None),) * axis + (builtins.slice(start, stop),))
        for start, stop in bounds
    ]


@operation
def tile(x, repeats):
    """``x`` repeated whole, ``repeats`` times along each axis."""
    return K.tile(x, repeats)


@operation
def repeat(x, repeats, axis=None):
    """Each entry of ``x`` repeated ``repeats`` times along ``axis``."""
    return K.repeat(x, repeats, axis=axis)


@operation
def flip(x, axis=None):
    """``x`` reversed along ``axis`` (every axis when None)."""
    rank = K.ndim(as_tensor(x))
    axes = range(rank) if axis is None else [axis] if isinstance(axis, int) else axis
    axes = {a % rank for a in axes}
    key = tuple(
        builtins.slice(None, None, -1) if a in axes else builtins.slice(None) for a in range(rank)
    )
    return K.getitem(x, key)


@operation
def roll(x, shift, axis=None):
    """``x`` rotated by ``shift`` along ``axis`` (flattened when None)."""
    x = as_tensor(x)
    if axis is None:
        return K.reshape(roll(K.reshape(x, (-1,)), shift, 0), K.int_shape(x))
    size = K.int_shape(x)[axis]
    if not size:
        return x
    shift = shift % size
    axis = axis % K.ndim(x)
    head = (builtins.slice(None),) * axis
    return K.concatenate(
        [
            K.getitem(x, head + (builtins.slice(size - shift, None),)),
            K.getitem(x, head + (builtins.slice(0, size - shift),)),
        ],
        axis=axis,
    )


@operation
def pad(x, pad_width, mode="constant", constant_values=None):
    """``x`` grown by ``pad_width`` as ``numpy.pad`` does."""
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"ops.pad: constant_values applies to mode 'constant' only, received mode {mode!r}."
        )
    return K.pad(x, pad_width, mode=mode, constant_values=constant_values or 0)


# ----------------------------------------------------------------- indexing


@operation
def take(x, indices, axis=None):
    """The slices of ``x`` at integer ``indices`` along ``axis``."""
    return K.take(x, indices, axis=axis)


@operation
def take_along_axis(x, indices, axis=None):
    """Entries of ``x`` picked by ``indices`` along ``axis`` (as ``numpy.take_along_axis``)."""
    return K.take_along_axis(x, indices, axis=axis)


@operation
def sort(x, axis=-1):
    """``x`` sorted along ``axis``."""
    return K.sort(x, axis=axis)


@operation
def argsort(x, axis=-1):
    """Indices that sort ``x`` along ``axis`` (a stable sort), int32."""
    return K.cast(K.argsort(x, axis=axis), "int32")


@operation
def diagonal(x, offset=0, axis1=0, axis2=1):
    """The diagonal ``offset`` of the matrices on axes ``axis1``, ``axis2``, as the last axis."""
    x = as_tensor(x)
    rank = K.ndim(x)
    axis1, axis2 = axis1 % rank, axis2 % rank
    rest = [a for a in range(rank) if a not in (axis1, axis2)]
    x = K.transpose(x, (*rest, axis1, axis2))
    rows, columns = K.int_shape(x)[-2:]
    start_row, start_column = (0, offset) if offset >= 0 else (-offset, 0)
    length = builtins.max(0, builtins.min(rows - start_row, columns - start_column))
    flat = K.reshape(x, (*K.int_shape(x)[:-2], rows * columns))
    positions = [(start_row + i) * columns + start_column + i for i in range(length)]
    return K.take(flat, K.convert_to_tensor(positions, dtype="int32"), axis=-1)


@operation
def trace(x, offset=0, axis1=0, axis2=1):
    """Sum of the diagonal ``offset`` (bools and small integers as int32)."""
    return sum(diagonal(x, offset, axis1, axis2), axis=-1)


# -------------------------------------------------------------- properties


def size(x) -> int:
    """The number of entries of ``x`` (a KerasTensor's unknown dims give None)."""
    shape = K.int_shape(x)
    if None in shape:
        return None
    return _math.prod(shape)


def ndim(x) -> int:
    """The rank of ``x``."""
    return len(K.int_shape(x))
