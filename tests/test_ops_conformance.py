"""The ``gk.ops`` conformance table: every op on arrays and on KerasTensors, against NumPy.

Each row names an op, a function applying it to some tensors, the NumPy
reference for the same computation and the arrays to use. For every row:

- on arrays, the result has the reference's values, shape and dtype
  (the dtype given in the row where Keras 3's rule differs from NumPy's);
- on KerasTensors with fully known shapes, the recorded node's output
  KerasTensor has exactly that shape and dtype, and a Model built on it
  computes the same values;
- on KerasTensors whose first axis is unknown (None), the symbolic shape
  agrees with the computed one wherever it is known, and the model's
  values agree too.

Values are compared with ``assert_allclose`` at ``RTOL``/``ATOL`` (float32
arithmetic in a different order than NumPy's float64 references).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import ops

RTOL = 1e-5
ATOL = 1e-6
# Edge rows (infinities, slices of NaN only) make NumPy warn inside ops as it does in its own.
pytestmark = [
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
    pytest.mark.usefixtures("backend"),
]
rng = np.random.default_rng(1234)


def floats(*shape: int, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return rng.uniform(low, high, size=shape).astype("float32")


def positives(*shape: int) -> np.ndarray:
    return rng.uniform(0.1, 3.0, size=shape).astype("float32")


def ints(*shape: int, high: int = 5) -> np.ndarray:
    return rng.integers(0, high, size=shape).astype("int32")


def bools(*shape: int) -> np.ndarray:
    return rng.integers(0, 2, size=shape).astype(bool)


@dataclass
class Row:
    """One op of the table: ``apply(*tensors)`` should equal ``reference(*arrays)``.

    ``op`` is the registered operation the row checks: the first word of
    ``name`` unless given (``"sum all"`` checks ``sum``).
    """

    name: str
    apply: Callable
    reference: Callable
    arrays: tuple
    dtype: str | tuple | None = None  # expected dtype(s), when not the reference's
    records: bool = True  # False: on KerasTensors the op hands its input back unchanged
    op: str = ""

    def __post_init__(self) -> None:
        self.op = self.op or self.name.split()[0]

    def __str__(self) -> str:
        return self.name


@dataclass
class CreationRow:
    """A creation op (no tensor inputs): ``make()`` should equal ``reference()``, on arrays."""

    name: str
    make: Callable
    reference: Callable
    dtype: str | None = None
    op: str = ""

    def __post_init__(self) -> None:
        self.op = self.op or self.name.split()[0]

    def __str__(self) -> str:
        return self.name


def _erf(x):
    return np.vectorize(math.erf)(x.astype("float64"))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


def _selu(x):
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return scale * np.where(x > 0, x, alpha * np.expm1(x))


def _one_hot(x, n):
    return (x[..., None] == np.arange(n)).astype("float32")


def _top_k(x, k):
    indices = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    return np.take_along_axis(x, indices, -1), indices.astype("int32")


def _slice_update(x, u):
    out = x.copy()
    out[1:3, 0:2] = u
    return out


A = floats(3, 4)
B = floats(3, 4)
M = floats(4, 5)
P = positives(3, 4)
I = ints(3, 4)  # noqa: E741
T = floats(3, 4, 5)
# A with NaN entries, a row of them among others.
NAN = A.copy()
NAN[0, 1] = NAN[1, 3] = np.nan
NAN[2, :] = np.nan
# Batches of three 3 x 3 matrices: invertible, and symmetric positive definite.
WELL_CONDITIONED = (floats(3, 3, 3, low=-0.5, high=0.5) + 2 * np.eye(3)).astype("float32")
POSITIVE_DEFINITE = (WELL_CONDITIONED @ WELL_CONDITIONED.transpose(0, 2, 1)).astype("float32")
SPECIAL = np.array([[np.nan, np.inf, -np.inf, 1.5], [-0.0, 0.0, -2.0, 3.0]], "float32")


def _sparsemax(x):
    descending = -np.sort(-x, axis=-1)
    running = np.cumsum(descending, axis=-1)
    ranks = np.arange(1, x.shape[-1] + 1)
    count = (1 + ranks * descending > running).sum(-1, keepdims=True)
    tau = (np.take_along_axis(running, count - 1, -1) - 1) / count
    return np.maximum(x - tau, 0)


def _conv1d(x, kernel, stride=1):
    size = kernel.shape[0]
    steps = range(0, x.shape[1] - size + 1, stride)
    return np.stack([np.einsum("bic,icf->bf", x[:, t : t + size], kernel) for t in steps], axis=1)


def _depthwise1d(x, kernel):
    size, channels, multiplier = kernel.shape
    out = np.stack(
        [
            np.einsum("bic,icm->bcm", x[:, t : t + size], kernel)
            for t in range(x.shape[1] - size + 1)
        ],
        axis=1,
    )
    return out.reshape(out.shape[0], out.shape[1], channels * multiplier)


def _conv_transpose1d(x, kernel, stride):
    size = kernel.shape[0]
    out = np.zeros((x.shape[0], (x.shape[1] - 1) * stride + size, kernel.shape[1]))
    for t in range(x.shape[1]):
        out[:, t * stride : t * stride + size] += np.einsum("bc,ifc->bif", x[:, t], kernel)
    return out


def _windows(x, axis, count):
    length = x.shape[axis]
    return [
        np.take(x, range(i * length // count, -(-(i + 1) * length // count)), axis=axis)
        for i in range(count)
    ]


def _adaptive(x, sizes, reduce):
    for offset, count in enumerate(sizes):
        axis = 1 + offset
        x = np.concatenate(
            [reduce(w, axis=axis, keepdims=True) for w in _windows(x, axis, count)], axis
        )
    return x


def _depth_to_space(x, block):
    n, h, w, c = x.shape
    depth = c // block**2
    out = np.zeros((n, h * block, w * block, depth), x.dtype)
    for i in range(block):
        for j in range(block):
            out[:, i::block, j::block] = x[
                ..., (i * block + j) * depth : (i * block + j + 1) * depth
            ]
    return out


def _attention(q, k, v, mask=None, causal=False):
    groups = q.shape[2] // k.shape[2]
    k, v = np.repeat(k, groups, axis=2), np.repeat(v, groups, axis=2)
    logits = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= mask.astype(bool)
    if causal:
        keep &= np.tril(np.ones(logits.shape[-2:], bool))
    logits = np.where(keep, logits, -1e30)
    return np.einsum("bnts,bsnh->btnh", _softmax(logits), v)


def _segments(data, ids, count, reduce, identity):
    out = np.full((count, *data.shape[1:]), identity, "float64")
    for s in range(count):
        if (ids == s).any():
            out[s] = reduce(data[ids == s], axis=0)
    return out.astype(data.dtype)


def _scatter_last(x, indices, updates):
    out = x.copy()
    for index, update in zip(indices[:, 0], updates, strict=True):
        out[index] = update
    return out


def _scatter_add(indices, values, shape):
    out = np.zeros(shape, values.dtype)
    np.add.at(out, indices[:, 0], values)
    return out


def _scatter_reduce(reduce, x, indices, updates):
    out = x.copy()
    reduce.at(out, indices[:, 0], updates)
    return out


def _quiet(reference: Callable) -> Callable:
    """``reference`` run without NumPy's warnings (NaN slices, division by zero)."""

    def run(*arrays):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reference(*arrays)

    return run


ROWS = [
    # ------------------------------------------------------------- core
    Row("cast", lambda x: ops.cast(x, "int32"), lambda x: x.astype("int32"), (A,)),
    Row("convert_to_tensor", lambda x: ops.convert_to_tensor(x), lambda x: x, (A,), records=False),
    Row("stop_gradient", ops.stop_gradient, lambda x: x, (A,)),
    Row(
        "slice",
        lambda x: ops.slice(x, (1, 1), (2, 2)),
        lambda x: x[1:3, 1:3],
        (A,),
    ),
    Row(
        "slice_update",
        lambda x, u: ops.slice_update(x, (1, 0), u),
        _slice_update,
        (A, floats(2, 2)),
    ),
    Row(
        "cond",
        lambda x: ops.cond(ops.all(ops.greater(x, -10.0)), lambda: 1.0, lambda: 0.0),
        lambda x: np.float32(1.0),
        (A,),
        dtype="float32",
    ),
    Row(
        "scan",
        lambda x: ops.scan(lambda c, row: (c + row, c * 2.0), np.zeros(4, "float32"), x)[1],
        lambda x: 2.0 * np.concatenate([np.zeros((1, 4), "float32"), np.cumsum(x, 0)[:-1]]),
        (A,),
    ),
    Row(
        "fori_loop",
        lambda x: ops.fori_loop(0, 3, lambda i, v: v * 2.0 + 1.0, x),
        lambda x: ((x * 2 + 1) * 2 + 1) * 2 + 1,
        (A,),
    ),
    Row(
        "while_loop",
        lambda x: ops.while_loop(lambda v: ops.max(v) < 50.0, lambda v: v * 2.0, x),
        lambda x: x * 2.0 ** int(np.ceil(np.log2(50.0 / x.max()))),
        (P,),
    ),
    Row("unstack", lambda x: ops.unstack(x, axis=1)[2], lambda x: x[:, 2], (A,)),
    Row(
        "switch",
        lambda x: ops.switch(1, [lambda a: a + 1.0, lambda a: a * 2.0], x),
        lambda x: x * 2.0,
        (A,),
    ),
    Row("map", lambda x: ops.map(lambda row: row * row, x), np.square, (A,)),
    Row("vectorized_map", lambda x: ops.vectorized_map(ops.sum, x), lambda x: x.sum(1), (A,)),
    # ---------------------------------------------------------- creation
    Row("zeros_like", ops.zeros_like, np.zeros_like, (A,)),
    Row("ones_like", ops.ones_like, np.ones_like, (I,)),
    Row("full_like", lambda x: ops.full_like(x, 7), lambda x: np.full_like(x, 7), (I,)),
    # ------------------------------------------------------- arithmetic
    Row("add", ops.add, np.add, (A, B)),
    Row("subtract", ops.subtract, np.subtract, (A, B)),
    Row("multiply", ops.multiply, np.multiply, (A, B)),
    Row("divide", ops.divide, np.divide, (A, P)),
    Row("divide ints", ops.divide, np.divide, (I, I + 1), dtype="float32"),
    Row("true_divide", ops.true_divide, np.true_divide, (A, P)),
    Row("floor_divide", ops.floor_divide, np.floor_divide, (I, I + 1)),
    Row("mod", ops.mod, np.mod, (I, I + 1)),
    Row("power", ops.power, np.power, (P, A)),
    Row("negative", ops.negative, np.negative, (A,)),
    Row("abs", ops.abs, np.abs, (A,)),
    Row("absolute", ops.absolute, np.absolute, (I - 2,)),
    Row("sign", ops.sign, np.sign, (A,)),
    Row("square", ops.square, np.square, (A,)),
    Row("sqrt", ops.sqrt, np.sqrt, (P,)),
    Row("sqrt ints", ops.sqrt, np.sqrt, (I,), dtype="float32"),
    Row("reciprocal", ops.reciprocal, np.reciprocal, (P,)),
    Row("maximum", ops.maximum, np.maximum, (A, B)),
    Row("minimum", ops.minimum, np.minimum, (A, B)),
    Row("rsqrt", ops.rsqrt, lambda x: 1 / np.sqrt(x), (P,)),
    Row("clip", lambda x: ops.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), (A,)),
    Row("exp", ops.exp, np.exp, (A,)),
    Row("expm1", ops.expm1, np.expm1, (A * 1e-4,)),
    Row("log", ops.log, np.log, (P,)),
    Row("log1p", ops.log1p, np.log1p, (P * 1e-5,)),
    Row("sin", ops.sin, np.sin, (A,)),
    Row("cos", ops.cos, np.cos, (A,)),
    Row("tan", ops.tan, np.tan, (A * 0.5,)),
    Row("arcsin", ops.arcsin, np.arcsin, (A * 0.4,)),
    Row("arccos", ops.arccos, np.arccos, (A * 0.4,)),
    Row("arctan", ops.arctan, np.arctan, (A,)),
    Row("arctan2", ops.arctan2, np.arctan2, (A, B)),
    Row("sinh", ops.sinh, np.sinh, (A,)),
    Row("cosh", ops.cosh, np.cosh, (A,)),
    Row("tanh", ops.tanh, np.tanh, (A,)),
    Row("floor", ops.floor, np.floor, (A,)),
    Row("ceil", ops.ceil, np.ceil, (A,)),
    Row("round", ops.round, np.round, (A * 3,)),
    Row("erf", ops.erf, _erf, (A,), dtype="float32"),
    Row("erfc", ops.erfc, lambda x: 1 - _erf(x), (A,), dtype="float32"),
    # ---------------------------------------------- comparison and logic
    Row("equal", ops.equal, np.equal, (I, I.T.copy().reshape(3, 4))),
    Row("not_equal", ops.not_equal, np.not_equal, (I, I[::-1].copy())),
    Row("greater", ops.greater, np.greater, (A, B)),
    Row("greater_equal", ops.greater_equal, np.greater_equal, (I, I[::-1].copy())),
    Row("less", ops.less, np.less, (A, B)),
    Row("less_equal", ops.less_equal, np.less_equal, (I, I[::-1].copy())),
    Row("logical_and", ops.logical_and, np.logical_and, (bools(3, 4), bools(3, 4))),
    Row("logical_or", ops.logical_or, np.logical_or, (bools(3, 4), bools(3, 4))),
    Row("logical_xor", ops.logical_xor, np.logical_xor, (bools(3, 4), bools(3, 4))),
    Row("logical_not", ops.logical_not, np.logical_not, (bools(3, 4),)),
    Row("isnan", ops.isnan, np.isnan, (np.array([[0.0, np.nan]], "float32"),)),
    Row("isinf", ops.isinf, np.isinf, (np.array([[np.inf, 1.0]], "float32"),)),
    Row("isfinite", ops.isfinite, np.isfinite, (np.array([[np.inf, 1.0, np.nan]], "float32"),)),
    Row("where", lambda c, x, y: ops.where(c, x, y), np.where, (bools(3, 4), A, B)),
    # -------------------------------------------------------- reductions
    Row("sum", lambda x: ops.sum(x, axis=1), lambda x: x.sum(1), (A,)),
    Row("sum all", ops.sum, np.sum, (A,)),
    Row("mean", lambda x: ops.mean(x, axis=(0, 2)), lambda x: x.mean((0, 2)), (T,)),
    Row("mean ints", ops.mean, np.mean, (I,), dtype="float32"),
    Row(
        "max",
        lambda x: ops.max(x, axis=-1, keepdims=True),
        lambda x: x.max(-1, keepdims=True),
        (A,),
    ),
    Row("min", lambda x: ops.min(x, axis=0), lambda x: x.min(0), (A,)),
    Row("amax", lambda x: ops.amax(x, axis=1), lambda x: x.max(1), (A,)),
    Row("amin", lambda x: ops.amin(x, axis=(0, 1)), lambda x: x.min((0, 1)), (T,)),
    Row("prod", lambda x: ops.prod(x, axis=1), lambda x: x.prod(1), (A,)),
    Row("sum ints", lambda x: ops.sum(x, axis=1), lambda x: x.sum(1), (I,), dtype="int32"),
    Row("sum bools", ops.sum, np.sum, (bools(3, 4),), dtype="int32"),
    Row("prod ints", lambda x: ops.prod(x, axis=0), lambda x: x.prod(0), (I,), dtype="int32"),
    Row(
        "count_nonzero",
        lambda x: ops.count_nonzero(x, axis=1),
        lambda x: np.count_nonzero(x, axis=1).astype("int32"),
        (I,),
    ),
    Row(
        "count_nonzero all",
        ops.count_nonzero,
        lambda x: np.int32(np.count_nonzero(x)),
        (I,),
    ),
    Row(
        "average",
        lambda x, w: ops.average(x, axis=1, weights=w),
        lambda x, w: np.average(x, axis=1, weights=w),
        (A, positives(4)),
    ),
    Row("average all", ops.average, np.average, (A,)),
    Row("var", lambda x: ops.var(x, axis=1), lambda x: x.var(1), (A,)),
    Row("std", lambda x: ops.std(x, axis=1), lambda x: x.std(1), (A,)),
    Row("argmax", lambda x: ops.argmax(x, axis=1), lambda x: x.argmax(1).astype("int32"), (A,)),
    Row("argmin", lambda x: ops.argmin(x, axis=0), lambda x: x.argmin(0).astype("int32"), (A,)),
    Row("any", lambda x: ops.any(x, axis=1), lambda x: x.any(1), (bools(3, 4),)),
    Row("all", lambda x: ops.all(x, axis=0), lambda x: x.all(0), (bools(3, 4),)),
    Row("cumsum", lambda x: ops.cumsum(x, axis=1), lambda x: x.cumsum(1), (A,)),
    Row("cumprod", lambda x: ops.cumprod(x, axis=0), lambda x: x.cumprod(0), (A,)),
    Row("logsumexp", lambda x: ops.logsumexp(x, axis=1), lambda x: np.log(np.exp(x).sum(1)), (A,)),
    Row("norm", lambda x: ops.norm(x, axis=-1), lambda x: np.linalg.norm(x, axis=-1), (A,)),
    Row(
        "norm fro",
        lambda x: ops.norm(x, axis=(1, 2)),
        lambda x: np.linalg.norm(x, axis=(1, 2)),
        (T,),
    ),
    # ---------------------------------------------------- linear algebra
    Row("matmul", ops.matmul, np.matmul, (A, M)),
    Row("dot", ops.dot, np.dot, (A, M)),
    Row("einsum", lambda x, y: ops.einsum("ij,jk->ik", x, y), lambda x, y: x @ y, (A, M)),
    Row("outer", ops.outer, np.outer, (A, floats(5))),
    Row("diagonal", ops.diagonal, np.diagonal, (A,)),
    Row(
        "diagonal offset",
        lambda x: ops.diagonal(x, offset=-1, axis1=1, axis2=2),
        lambda x: np.diagonal(x, offset=-1, axis1=1, axis2=2),
        (T,),
    ),
    Row("trace", ops.trace, np.trace, (A,)),
    Row(
        "trace ints",
        lambda x: ops.trace(x, offset=1),
        lambda x: np.trace(x, 1),
        (I,),
        dtype="int32",
    ),
    Row(
        "qr",
        ops.qr,
        lambda x: tuple(np.linalg.qr(x.astype("float64"))),
        (floats(4, 3),),
        dtype="float32",
    ),
    Row("tril", ops.tril, np.tril, (A,)),
    Row("triu", lambda x: ops.triu(x, k=1), lambda x: np.triu(x, 1), (A,)),
    # ------------------------------------------------------------ shapes
    Row("reshape", lambda x: ops.reshape(x, (-1, 2, 2)), lambda x: x.reshape(-1, 2, 2), (A,)),
    Row("transpose", lambda x: ops.transpose(x, (0, 2, 1)), lambda x: x.transpose(0, 2, 1), (T,)),
    Row("expand_dims", lambda x: ops.expand_dims(x, 1), lambda x: x[:, None], (A,)),
    Row("squeeze", lambda x: ops.squeeze(x, 1), lambda x: x[:, 0], (floats(3, 1, 4),)),
    Row("ravel", ops.ravel, np.ravel, (A,)),
    Row(
        "broadcast_to",
        lambda x: ops.broadcast_to(x, (2, 3, 4)),
        lambda x: np.broadcast_to(x, (2, 3, 4)),
        (floats(3, 1),),
    ),
    Row(
        "concatenate",
        lambda x, y: ops.concatenate([x, y], axis=1),
        lambda x, y: np.concatenate([x, y], 1),
        (A, B),
    ),
    Row("stack", lambda x, y: ops.stack([x, y], axis=1), lambda x, y: np.stack([x, y], 1), (A, B)),
    Row("hstack", lambda x, y: ops.hstack([x, y]), lambda x, y: np.hstack([x, y]), (A, M[:3])),
    Row("vstack", lambda x, y: ops.vstack([x, y]), lambda x, y: np.vstack([x, y]), (A, B)),
    Row(
        "append",
        lambda x, y: ops.append(x, y, axis=0),
        lambda x, y: np.append(x, y, axis=0),
        (A, floats(2, 4)),
    ),
    Row("append flat", ops.append, np.append, (A, B)),
    Row("split", lambda x: ops.split(x, 2, axis=1)[1], lambda x: x[:, 2:], (A,)),
    Row("split at", lambda x: ops.split(x, [1, 3], axis=1)[1], lambda x: x[:, 1:3], (A,)),
    Row("tile", lambda x: ops.tile(x, (1, 2)), lambda x: np.tile(x, (1, 2)), (A,)),
    Row("repeat", lambda x: ops.repeat(x, 2, axis=1), lambda x: np.repeat(x, 2, 1), (A,)),
    Row("flip", lambda x: ops.flip(x, axis=1), lambda x: x[:, ::-1], (A,)),
    Row("roll", lambda x: ops.roll(x, 1, axis=1), lambda x: np.roll(x, 1, 1), (A,)),
    Row("moveaxis", lambda x: ops.moveaxis(x, 2, 1), lambda x: np.moveaxis(x, 2, 1), (T,)),
    Row("swapaxes", lambda x: ops.swapaxes(x, 1, 2), lambda x: np.swapaxes(x, 1, 2), (T,)),
    Row(
        "pad",
        lambda x: ops.pad(x, ((0, 0), (1, 2))),
        lambda x: np.pad(x, ((0, 0), (1, 2))),
        (A,),
    ),
    # ---------------------------------------------------------- indexing
    Row(
        "take",
        lambda x: ops.take(x, np.array([0, 2, 2]), axis=1),
        lambda x: np.take(x, [0, 2, 2], axis=1),
        (A,),
    ),
    Row(
        "take_along_axis",
        lambda x, i: ops.take_along_axis(x, i, axis=1),
        lambda x, i: np.take_along_axis(x, i, axis=1),
        (A, ints(3, 2, high=4)),
    ),
    Row("sort", lambda x: ops.sort(x, axis=1), lambda x: np.sort(x, 1), (A,)),
    Row(
        "argsort",
        lambda x: ops.argsort(x, axis=1),
        lambda x: np.argsort(x, 1, kind="stable").astype("int32"),
        (A,),
    ),
    Row("top_k", lambda x: ops.top_k(x, 2), lambda x: _top_k(x, 2), (A,)),
    Row("one_hot", lambda x: ops.one_hot(x, 5), lambda x: _one_hot(x, 5), (I,)),
    Row(
        "in_top_k",
        lambda t, p: ops.in_top_k(t, p, 2),
        lambda t, p: (p > np.take_along_axis(p, t[:, None], 1)).sum(1) < 2,
        (ints(3, high=4), A),
    ),
    # ----------------------------------------------------------------- nn
    Row("relu", ops.relu, lambda x: np.maximum(x, 0), (A,)),
    Row("relu6", ops.relu6, lambda x: np.clip(x, 0, 6), (A * 4,)),
    Row("softplus", ops.softplus, lambda x: np.log1p(np.exp(x)), (A,)),
    Row("softsign", ops.softsign, lambda x: x / (1 + np.abs(x)), (A,)),
    Row("hard_sigmoid", ops.hard_sigmoid, _hard_sigmoid, (A * 3,)),
    Row("hard_silu", ops.hard_silu, lambda x: x * _hard_sigmoid(x), (A * 3,)),
    Row("selu", ops.selu, _selu, (A,)),
    Row("swish", ops.swish, lambda x: x / (1 + np.exp(-x)), (A,)),
    Row("leaky_relu", ops.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), (A,)),
    Row(
        "elu",
        lambda x: ops.elu(x, alpha=0.5),
        lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
        (A,),
    ),
    Row(
        "celu",
        lambda x: ops.celu(x, alpha=2.0),
        lambda x: np.maximum(x, 0) + np.minimum(0, 2.0 * np.expm1(x / 2.0)),
        (A,),
    ),
    Row(
        "normalize",
        ops.normalize,
        lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True),
        (A,),
    ),
    Row("moments", lambda x: ops.moments(x, axes=[1]), lambda x: (x.mean(1), x.var(1)), (A,)),
    Row(
        "binary_crossentropy",
        ops.binary_crossentropy,
        lambda t, p: -(t * np.log(p) + (1 - t) * np.log(1 - p)),
        (bools(3, 4).astype("float32"), rng.uniform(0.1, 0.9, (3, 4)).astype("float32")),
    ),
    Row(
        "binary_crossentropy logits",
        lambda t, z: ops.binary_crossentropy(t, z, from_logits=True),
        lambda t, z: -(t * np.log(_sigmoid(z)) + (1 - t) * np.log(1 - _sigmoid(z))),
        (bools(3, 4).astype("float32"), A),
    ),
    Row(
        "categorical_crossentropy",
        ops.categorical_crossentropy,
        lambda t, p: -(t * np.log(p)).sum(-1),
        (_one_hot(ints(3, high=4), 4), _softmax(A)),
    ),
    Row(
        "categorical_crossentropy logits",
        lambda t, z: ops.categorical_crossentropy(t, z, from_logits=True),
        lambda t, z: -(t * np.log(_softmax(z))).sum(-1),
        (_one_hot(ints(3, high=4), 4), A),
    ),
    Row(
        "sparse_categorical_crossentropy",
        ops.sparse_categorical_crossentropy,
        lambda t, p: -np.log(np.take_along_axis(p, t[:, None], 1))[:, 0],
        (ints(3, high=4), _softmax(A)),
    ),
    Row("gelu", ops.gelu, _gelu_tanh, (A,), dtype="float32"),
    Row("silu", ops.silu, lambda x: x / (1 + np.exp(-x)), (A,)),
    Row("sigmoid", ops.sigmoid, lambda x: 1 / (1 + np.exp(-x)), (A,)),
    Row("softmax", ops.softmax, _softmax, (A,)),
    Row("log_softmax", ops.log_softmax, lambda x: np.log(_softmax(x)), (A,)),
    # --------------------------------------------- more element-wise math
    Row("log2", ops.log2, np.log2, (P,)),
    Row("log10", ops.log10, np.log10, (P,)),
    Row("exp2", ops.exp2, np.exp2, (A * 3,)),
    Row("logaddexp", ops.logaddexp, np.logaddexp, (A * 20, B * 20)),
    Row("logaddexp ties", ops.logaddexp, np.logaddexp, (A, A)),
    Row("logaddexp2", ops.logaddexp2, np.logaddexp2, (A, B)),
    Row("hypot", ops.hypot, np.hypot, (A, B)),
    Row("hypot ints", ops.hypot, np.hypot, (I, I + 1), dtype="float32"),
    Row("cbrt", ops.cbrt, np.cbrt, (A * 4,)),
    Row("arcsinh", ops.arcsinh, np.arcsinh, (A * 3,)),
    Row("arccosh", ops.arccosh, np.arccosh, (P + 1,)),
    Row("arctanh", ops.arctanh, np.arctanh, (A * 0.45,)),
    Row("sinc", ops.sinc, np.sinc, (np.array([[0.0, 0.5, -1.5, 2.25]], "float32"),)),
    Row("deg2rad", ops.deg2rad, np.deg2rad, (A * 90,)),
    Row("rad2deg", ops.rad2deg, np.rad2deg, (A,)),
    Row("trunc", ops.trunc, np.trunc, (A * 3,)),
    Row("trunc ints", ops.trunc, lambda x: x, (I - 2,)),
    Row("fabs", ops.fabs, np.fabs, (I - 2,), dtype="float32"),
    Row("nan_to_num", ops.nan_to_num, np.nan_to_num, (SPECIAL,)),
    Row(
        "nan_to_num values",
        lambda x: ops.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-3.0),
        lambda x: np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-3.0),
        (SPECIAL,),
    ),
    Row("real", ops.real, np.real, (A,)),
    Row("imag", ops.imag, np.imag, (A,)),
    Row("conjugate", ops.conjugate, np.conjugate, (A,)),
    Row("conjugate conj", ops.conj, np.conj, (A,), op="conjugate"),
    Row("angle", ops.angle, np.angle, (A,)),
    Row("heaviside", ops.heaviside, np.heaviside, (np.round(A), B)),
    Row(
        "divide_no_nan",
        ops.divide_no_nan,
        _quiet(lambda x, y: np.where(y == 0, 0, x / y)),
        (A, np.round(B)),
    ),
    Row("fmod", ops.fmod, np.fmod, (I - 2, (I[::-1] - 2) | 1)),
    Row("fmod floats", ops.fmod, np.fmod, (A * 3, np.where(B > 0, P, -P))),
    Row("fmax", ops.fmax, _quiet(np.fmax), (NAN, B)),
    Row("fmin", ops.fmin, _quiet(np.fmin), (B, NAN)),
    Row("ldexp", ops.ldexp, np.ldexp, (A, ints(3, 4, high=6) - 3)),
    Row("diff", lambda x: ops.diff(x, axis=1), lambda x: np.diff(x, axis=1), (A,)),
    Row("diff twice", lambda x: ops.diff(x, 2, axis=0), lambda x: np.diff(x, 2, axis=0), (T,)),
    Row("diff bools", ops.diff, np.diff, (bools(3, 4),)),
    # ------------------------------------------------------- more logic
    Row(
        "isclose",
        ops.isclose,
        np.isclose,
        (A, A + np.where(bools(3, 4), 1e-6, 1e-3).astype("float32")),
    ),
    Row(
        "isclose nan",
        lambda x, y: ops.isclose(x, y, equal_nan=True),
        lambda x, y: np.isclose(x, y, equal_nan=True),
        (SPECIAL, SPECIAL),
    ),
    Row("allclose", ops.allclose, np.allclose, (A, A + 1e-7)),
    Row("signbit", ops.signbit, np.signbit, (SPECIAL,)),
    Row("isneginf", ops.isneginf, np.isneginf, (SPECIAL,)),
    Row("isposinf", ops.isposinf, np.isposinf, (SPECIAL,)),
    Row("isreal", ops.isreal, np.isreal, (A,)),
    Row("isin", ops.isin, np.isin, (I, np.array([1, 3], "int32"))),
    Row(
        "isin invert",
        lambda x: ops.isin(x, [0, 4], invert=True),
        lambda x: np.isin(x, [0, 4], invert=True),
        (I,),
    ),
    Row(
        "select",
        lambda x, y: ops.select([x > 1.0, x < -1.0], [x, y], default=0.5),
        lambda x, y: np.select([x > 1.0, x < -1.0], [x, y], default=0.5),
        (A, B),
    ),
    # ------------------------------------------ products and matrices
    Row("inner", ops.inner, np.inner, (A, B)),
    Row("tensordot", ops.tensordot, np.tensordot, (T, floats(4, 5, 2))),
    Row(
        "tensordot pairs",
        lambda x, y: ops.tensordot(x, y, axes=([0, 2], [2, 0])),
        lambda x, y: np.tensordot(x, y, axes=([0, 2], [2, 0])),
        (T, floats(5, 2, 3)),
    ),
    Row("vdot", ops.vdot, np.vdot, (A, B)),
    Row("vdot ints", ops.vdot, lambda x, y: np.vdot(x, y).astype("int32"), (I, I)),
    Row("kron", ops.kron, np.kron, (A, floats(2, 3))),
    Row("cross", ops.cross, np.cross, (floats(3, 3), floats(3, 3))),
    Row(
        "cross 2-vectors",
        ops.cross,
        lambda x, y: x[:, 0] * y[:, 1] - x[:, 1] * y[:, 0],
        (floats(3, 2), floats(3, 2)),
    ),
    Row(
        "cross axis",
        lambda x, y: ops.cross(x, y, axis=1),
        lambda x, y: np.cross(x, y, axis=1),
        (floats(4, 3, 2), floats(4, 3, 2)),
    ),
    Row("diag", lambda x: ops.diag(x, k=1), lambda x: np.diag(x, k=1), (floats(4),)),
    Row("diag below", lambda x: ops.diag(x, k=-2), lambda x: np.diag(x, k=-2), (floats(3),)),
    Row("diag of a matrix", lambda x: ops.diag(x, k=-1), lambda x: np.diag(x, k=-1), (A,)),
    Row("diagflat", lambda x: ops.diagflat(x, 1), lambda x: np.diagflat(x, 1), (floats(2, 2),)),
    Row("vander", ops.vander, np.vander, (floats(4),), dtype="float32"),
    Row(
        "vander increasing",
        lambda x: ops.vander(x, 3, increasing=True),
        lambda x: np.vander(x, 3, increasing=True),
        (ints(4),),
        dtype="int32",
    ),
    # ---------------------------------------------------- more shapes
    Row("copy", ops.copy, np.copy, (A,)),
    Row("fliplr", ops.fliplr, np.fliplr, (A,)),
    Row("flipud", ops.flipud, np.flipud, (A,)),
    Row("rot90", ops.rot90, np.rot90, (A,)),
    Row(
        "rot90 thrice",
        lambda x: ops.rot90(x, k=3, axes=(1, 2)),
        lambda x: np.rot90(x, k=3, axes=(1, 2)),
        (T,),
    ),
    Row("dstack", lambda x, y: ops.dstack([x, y]), lambda x, y: np.dstack([x, y]), (A, B)),
    Row(
        "column_stack",
        lambda x, y: ops.column_stack([x, y]),
        lambda x, y: np.column_stack([x, y]),
        (floats(3), A),
    ),
    Row("hsplit", lambda x: ops.hsplit(x, 2)[1], lambda x: np.hsplit(x, 2)[1], (A,)),
    Row("vsplit", lambda x: ops.vsplit(x, 2)[0], lambda x: np.vsplit(x, 2)[0], (floats(4, 3),)),
    Row("dsplit", lambda x: ops.dsplit(x, [1, 3])[1], lambda x: np.dsplit(x, [1, 3])[1], (T,)),
    Row(
        "array_split",
        lambda x: ops.array_split(x, 3, axis=1),
        lambda x: tuple(np.array_split(x, 3, axis=1)),
        (A,),
    ),
    Row(
        "array_split batch",
        lambda x: ops.array_split(x, 3)[2],
        lambda x: np.array_split(x, 3)[2],
        (floats(5, 2),),
    ),
    Row("split batch", lambda x: ops.split(x, [1])[1], lambda x: x[1:], (A,)),
    Row(
        "meshgrid",
        lambda x, y: tuple(ops.meshgrid(x, y)),
        lambda x, y: tuple(np.meshgrid(x, y)),
        (floats(3), floats(4)),
    ),
    Row(
        "meshgrid ij",
        lambda x, y, z: tuple(ops.meshgrid(x, y, z, indexing="ij")),
        lambda x, y, z: tuple(np.meshgrid(x, y, z, indexing="ij")),
        (floats(3), floats(2), floats(4)),
    ),
    Row("empty_like", ops.empty_like, np.zeros_like, (A,)),
    Row("array", lambda x: ops.array(x, "float32"), lambda x: x.astype("float32"), (I,)),
    # ---------------------------------------- reductions and statistics
    Row("ptp", lambda x: ops.ptp(x, axis=1), lambda x: np.ptp(x, axis=1), (A,)),
    Row("trapezoid", ops.trapezoid, np.trapezoid, (A,)),
    Row(
        "trapezoid at points",
        lambda y, x: ops.trapezoid(y, x, axis=0),
        lambda y, x: np.trapezoid(y, x[:, None], axis=0),
        (A, np.sort(floats(3))),
    ),
    Row("median", lambda x: ops.median(x, axis=1), lambda x: np.median(x, axis=1), (A,)),
    Row("median all", ops.median, np.median, (T,)),
    Row(
        "quantile",
        lambda x: ops.quantile(x, np.array([0.1, 0.5, 0.95]), axis=1),
        lambda x: np.quantile(x, [0.1, 0.5, 0.95], axis=1),
        (A,),
        dtype="float32",
    ),
    *[
        Row(
            f"quantile {method}",
            lambda x, method=method: ops.quantile(x, 0.4, axis=0, method=method, keepdims=True),
            lambda x, method=method: np.quantile(x, 0.4, axis=0, method=method, keepdims=True),
            (T,),
        )
        for method in ("lower", "higher", "nearest", "midpoint")
    ],
    Row(
        "percentile",
        lambda x: ops.percentile(x, 30, axis=(0, 2), keepdims=True),
        lambda x: np.percentile(x, 30, axis=(0, 2), keepdims=True),
        (T,),
    ),
    Row("corrcoef", ops.corrcoef, np.corrcoef, (A,), dtype="float32"),
    Row("nansum", lambda x: ops.nansum(x, axis=1), lambda x: np.nansum(x, axis=1), (NAN,)),
    Row("nanprod", lambda x: ops.nanprod(x, axis=0), lambda x: np.nanprod(x, axis=0), (NAN,)),
    *[
        Row(
            name,
            lambda x, name=name: getattr(ops, name)(x, axis=1),
            _quiet(lambda x, name=name: getattr(np, name)(x, axis=1)),
            (NAN,),
        )
        for name in ("nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "nanmedian")
    ],
    Row(
        "nanargmax",
        lambda x: ops.nanargmax(x, axis=1),
        lambda x: np.where(
            np.isnan(x).all(1), -1, np.argmax(np.where(np.isnan(x), -np.inf, x), 1)
        ).astype("int32"),
        (NAN,),
    ),
    Row("nanargmin", ops.nanargmin, lambda x: np.int32(np.nanargmin(x)), (NAN,)),
    Row("nancumsum", lambda x: ops.nancumsum(x, axis=1), lambda x: np.nancumsum(x, 1), (NAN,)),
    Row("nancumprod", ops.nancumprod, np.nancumprod, (NAN,)),
    Row(
        "nanquantile",
        lambda x: ops.nanquantile(x, [0.25, 0.5], axis=1),
        _quiet(lambda x: np.nanquantile(x, [0.25, 0.5], axis=1)),
        (NAN,),
        dtype="float32",
    ),
    Row(
        "nanpercentile",
        lambda x: ops.nanpercentile(x, 75, axis=1, method="higher"),
        _quiet(lambda x: np.nanpercentile(x, 75, axis=1, method="higher")),
        (NAN,),
    ),
    # ------------------------------------------------ positions in order
    Row(
        "digitize",
        lambda x: ops.digitize(x, np.array([-1.0, 0.0, 1.0])),
        lambda x: np.digitize(x, [-1.0, 0.0, 1.0]).astype("int32"),
        (A,),
    ),
    Row(
        "digitize decreasing",
        lambda x: ops.digitize(x, np.array([1.0, 0.0, -1.0])),
        lambda x: np.digitize(x, [1.0, 0.0, -1.0]).astype("int32"),
        (A,),
    ),
    Row(
        "searchsorted",
        lambda s, v: ops.searchsorted(s, v),
        lambda s, v: np.searchsorted(s, v).astype("int32"),
        (np.array([-1.0, 0.0, 0.0, 1.5], "float32"), np.round(A)),
    ),
    Row(
        "searchsorted right",
        lambda s, v: ops.searchsorted(s, v, side="right"),
        lambda s, v: np.searchsorted(s, v, side="right").astype("int32"),
        (np.array([-1.0, 0.0, 0.0, 1.5], "float32"), np.round(A)),
    ),
    Row(
        "unravel_index",
        lambda i: ops.unravel_index(i, (3, 4)),
        lambda i: tuple(np.unravel_index(i, (3, 4))),
        (ints(3, 2, high=12),),
        dtype="int32",
    ),
    # ---------------------------------------------------- more activations
    Row("hard_swish", ops.hard_swish, lambda x: x * _hard_sigmoid(x), (A * 3,), op="hard_silu"),
    Row("log_sigmoid", ops.log_sigmoid, lambda x: np.log(_sigmoid(x)), (A * 5,)),
    Row("hard_tanh", ops.hard_tanh, lambda x: np.clip(x, -1, 1), (A,)),
    Row("tanh_shrink", ops.tanh_shrink, lambda x: x - np.tanh(x), (A,)),
    Row(
        "soft_shrink",
        ops.soft_shrink,
        lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
        (A,),
    ),
    Row(
        "hard_shrink",
        lambda x: ops.hard_shrink(x, 1.0),
        lambda x: np.where(np.abs(x) > 1.0, x, 0),
        (A,),
    ),
    Row(
        "threshold",
        lambda x: ops.threshold(x, 0.3, -1.0),
        lambda x: np.where(x > 0.3, x, -1.0),
        (A,),
    ),
    Row("squareplus", ops.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2, (A,)),
    Row(
        "sparse_plus",
        ops.sparse_plus,
        lambda x: np.where(x <= -1, 0, np.where(x < 1, (x + 1) ** 2 / 4, x)),
        (A,),
    ),
    Row("sparse_sigmoid", ops.sparse_sigmoid, lambda x: np.clip((x + 1) / 2, 0, 1), (A,)),
    Row("glu", ops.glu, lambda x: x[:, :2] * _sigmoid(x[:, 2:]), (A,)),
    Row("sparsemax", ops.sparsemax, _sparsemax, (A,), dtype="float32"),
    Row(
        "sparsemax axis",
        lambda x: ops.sparsemax(x * 0.3, axis=0),
        lambda x: _sparsemax((x * 0.3).T).T,
        (A,),
        dtype="float32",
    ),
    Row(
        "multi_hot",
        lambda x: ops.multi_hot(x, 5),
        lambda x: (x[:, :, None] == np.arange(5)).any(1).astype("float32"),
        (ints(3, 2),),
    ),
    Row(
        "psnr",
        lambda x, y: ops.psnr(x, y, 2.0),
        lambda x, y: np.float32(20 * np.log10(2.0) - 10 * np.log10(np.mean((x - y) ** 2))),
        (A, B),
    ),
    # ---------------------------------------------------- normalizations
    Row(
        "batch_normalization",
        lambda x, m, v, o, s: ops.batch_normalization(x, m, v, axis=1, offset=o, scale=s),
        lambda x, m, v, o, s: (x - m) / np.sqrt(v + 1e-3) * s + o,
        (A, floats(4), positives(4), floats(4), floats(4)),
    ),
    Row(
        "layer_normalization",
        lambda x, g, b: ops.layer_normalization(x, g, b),
        lambda x, g, b: (
            (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + 1e-7) * g + b
        ),
        (A, floats(4), floats(4)),
    ),
    Row(
        "layer_normalization axes",
        lambda x: ops.layer_normalization(x, axis=(1, 2), epsilon=1e-3),
        lambda x: (
            (x - x.mean((1, 2), keepdims=True)) / np.sqrt(x.var((1, 2), keepdims=True) + 1e-3)
        ),
        (T,),
    ),
    Row(
        "rms_normalization",
        lambda x, s: ops.rms_normalization(x, s),
        lambda x, s: x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-7) * s,
        (A, floats(4)),
    ),
    # ------------------------------------------------ convolution, pooling
    Row("conv", ops.conv, _conv1d, (floats(2, 6, 3), floats(3, 3, 4))),
    Row(
        "conv strided",
        lambda x, k: ops.conv(x, k, strides=2),
        lambda x, k: _conv1d(x, k, 2),
        (floats(2, 7, 3), floats(3, 3, 2)),
    ),
    Row("depthwise_conv", ops.depthwise_conv, _depthwise1d, (floats(2, 6, 3), floats(2, 3, 2))),
    Row(
        "separable_conv",
        ops.separable_conv,
        lambda x, d, p: _conv1d(_depthwise1d(x, d), p),
        (floats(2, 6, 3), floats(2, 3, 2), floats(1, 6, 4)),
    ),
    Row(
        "conv_transpose",
        lambda x, k: ops.conv_transpose(x, k, strides=2),
        lambda x, k: _conv_transpose1d(x, k, 2),
        (floats(2, 4, 3), floats(3, 5, 3)),
        dtype="float32",
    ),
    Row(
        "max_pool",
        lambda x: ops.max_pool(x, 2),
        lambda x: x.reshape(2, 3, 2, 3).max(2),
        (floats(2, 6, 3),),
    ),
    Row(
        "average_pool",
        lambda x: ops.average_pool(x, (2, 2)),
        lambda x: x.reshape(2, 2, 2, 3, 2, 1).mean((2, 4)),
        (floats(2, 4, 6, 1),),
    ),
    Row(
        "adaptive_average_pool",
        lambda x: ops.adaptive_average_pool(x, 3),
        lambda x: _adaptive(x, (3,), np.mean),
        (floats(2, 7, 3),),
    ),
    Row(
        "adaptive_max_pool",
        lambda x: ops.adaptive_max_pool(x, (2, 3)),
        lambda x: _adaptive(x, (2, 3), np.max),
        (floats(2, 5, 4, 2),),
    ),
    Row(
        "depth_to_space",
        lambda x: ops.depth_to_space(x, 2),
        lambda x: _depth_to_space(x, 2),
        (floats(2, 2, 3, 8),),
    ),
    Row(
        "space_to_depth",
        lambda x: ops.space_to_depth(ops.depth_to_space(x, 2), 2),
        lambda x: x,
        (floats(2, 2, 3, 8),),
    ),
    Row(
        "space_to_depth channels_first",
        lambda x: ops.space_to_depth(x, 2, data_format="channels_first"),
        lambda x: (
            _depth_to_space(x.transpose(0, 2, 3, 1), 1)
            .transpose(0, 3, 1, 2)
            .reshape(2, 3, 2, 2, 3, 2)
            .transpose(0, 1, 3, 5, 2, 4)
            .reshape(2, 12, 2, 3)
        ),
        (floats(2, 3, 4, 6),),
    ),
    # ----------------------------------------------------------- attention
    Row(
        "dot_product_attention",
        ops.dot_product_attention,
        _attention,
        (floats(2, 3, 4, 5), floats(2, 6, 4, 5), floats(2, 6, 4, 5)),
        dtype="float32",
    ),
    Row(
        "dot_product_attention grouped causal",
        lambda q, k, v, m: ops.dot_product_attention(q, k, v, mask=m, is_causal=True),
        lambda q, k, v, m: _attention(q, k, v, m, causal=True),
        (floats(2, 4, 4, 3), floats(2, 4, 2, 3), floats(2, 4, 2, 3), bools(2, 1, 4, 4)),
        dtype="float32",
    ),
    # ------------------------------------------------------------- math
    Row(
        "cdist",
        ops.cdist,
        lambda x, y: np.sqrt(((x[:, None] - y[None]) ** 2).sum(-1)),
        (A, floats(5, 4)),
    ),
    Row(
        "extract_sequences",
        lambda x: ops.extract_sequences(x, 3, 2),
        lambda x: np.stack([x[..., s : s + 3] for s in (0, 2, 4)], axis=-2),
        (floats(3, 7),),
    ),
    *[
        Row(
            name,
            lambda d, i, name=name: getattr(ops, name)(d, i, num_segments=4),
            lambda d, i, reduce=reduce, identity=identity: _segments(d, i, 4, reduce, identity),
            (floats(5, 2), np.array([0, 2, 0, 3, -1], "int32")),
        )
        for name, reduce, identity in [
            ("segment_sum", np.sum, 0.0),
            ("segment_max", np.max, -np.inf),
            ("segment_min", np.min, np.inf),
            ("segment_prod", np.prod, 1.0),
        ]
    ],
    # ----------------------------------------------------- linear algebra
    Row("inv", ops.inv, np.linalg.inv, (WELL_CONDITIONED,)),
    Row("det", ops.det, np.linalg.det, (WELL_CONDITIONED,)),
    Row(
        "slogdet",
        ops.slogdet,
        lambda x: tuple(np.linalg.slogdet(x)),
        (np.stack([WELL_CONDITIONED[0], -WELL_CONDITIONED[1]]) * 1e-15,),
    ),
    Row("logdet", ops.logdet, lambda x: np.linalg.slogdet(x)[1], (WELL_CONDITIONED,)),
    Row("solve", ops.solve, np.linalg.solve, (WELL_CONDITIONED, floats(3, 3, 2))),
    Row(
        "solve vectors",
        ops.solve,
        lambda a, b: np.linalg.solve(a, b[..., None])[..., 0],
        (WELL_CONDITIONED, floats(3, 3)),
    ),
    Row(
        "solve_triangular",
        lambda a, b: ops.solve_triangular(a, b, lower=True),
        lambda a, b: np.linalg.solve(np.tril(a), b),
        (WELL_CONDITIONED, floats(3, 3, 2)),
    ),
    Row("cholesky", ops.cholesky, np.linalg.cholesky, (POSITIVE_DEFINITE,)),
    Row(
        "cholesky upper",
        lambda x: ops.cholesky(x, upper=True),
        lambda x: np.swapaxes(np.linalg.cholesky(x), -1, -2),
        (POSITIVE_DEFINITE,),
    ),
    Row(
        "cholesky_inverse",
        ops.cholesky_inverse,
        lambda x: np.linalg.inv(x @ np.swapaxes(x, -1, -2)),
        (np.linalg.cholesky(POSITIVE_DEFINITE),),
    ),
    Row(
        "cholesky_inverse upper",
        lambda x: ops.cholesky_inverse(x, upper=True),
        lambda x: np.linalg.inv(np.swapaxes(x, -1, -2) @ x),
        (np.swapaxes(np.linalg.cholesky(POSITIVE_DEFINITE), -1, -2).copy(),),
    ),
    Row(
        "matrix_power",
        lambda x: ops.matrix_power(x, 5),
        lambda x: np.linalg.matrix_power(x, 5),
        (WELL_CONDITIONED * 0.5,),
    ),
    Row(
        "matrix_power inverse",
        lambda x: ops.matrix_power(x, -2),
        lambda x: np.linalg.matrix_power(x, -2),
        (WELL_CONDITIONED,),
    ),
    Row(
        "matrix_power zero",
        lambda x: ops.matrix_power(x, 0),
        lambda x: np.broadcast_to(np.eye(3, dtype="float32"), x.shape),
        (WELL_CONDITIONED,),
    ),
    # ------------------------------------------------------------- core
    Row(
        "associative_scan",
        lambda x: ops.associative_scan(lambda a, b: a + b, x, axis=1),
        lambda x: np.cumsum(x, axis=1),
        (A,),
    ),
    Row(
        "associative_scan reverse",
        lambda x: ops.associative_scan(ops.maximum, x, reverse=True),
        lambda x: np.maximum.accumulate(x[::-1], axis=0)[::-1],
        (A,),
    ),
    Row(
        "saturate_cast",
        lambda x: ops.saturate_cast(x, "uint8"),
        lambda x: np.clip(x, 0, 255).astype("uint8"),
        (A * 200,),
    ),
    Row(
        "scatter",
        lambda i, v: ops.scatter(i, v, (5, 2)),
        lambda i, v: _scatter_add(i, v, (5, 2)),
        (np.array([[1], [3], [1]], "int32"), floats(3, 2)),
    ),
    Row(
        "scatter_update",
        ops.scatter_update,
        _scatter_last,
        (floats(5, 2), np.array([[1], [3], [1]], "int32"), floats(3, 2)),
    ),
    Row(
        "scatter_update max",
        lambda x, i, u: ops.scatter_update(x, i, u, reduction="max"),
        lambda x, i, u: _scatter_reduce(np.maximum, x, i, u),
        (floats(5, 2), np.array([[1], [3], [1]], "int32"), floats(3, 2)),
    ),
    # -------------------------------------------------------------- image
    Row(
        "image.rgb_to_grayscale",
        ops.image.rgb_to_grayscale,
        lambda x: (x @ np.array([0.2989, 0.5870, 0.1140], "float32"))[..., None],
        (floats(2, 3, 4, 3),),
        op="rgb_to_grayscale",
    ),
    Row(
        "image.pad_images",
        lambda x: ops.image.pad_images(x, 1, 2, target_height=5, target_width=7),
        lambda x: np.pad(x, ((0, 0), (1, 1), (2, 1), (0, 0))),
        (floats(2, 3, 4, 3),),
        op="pad_images",
    ),
    Row(
        "image.crop_images",
        lambda x: ops.image.crop_images(x, 1, 0, bottom_cropping=1, target_width=3),
        lambda x: x[:, 1:4, 0:3],
        (floats(2, 5, 4, 3),),
        op="crop_images",
    ),
    Row(
        "image.extract_patches",
        lambda x: ops.image.extract_patches(x, 2),
        lambda x: x.reshape(2, 2, 2, 3, 2, 3).transpose(0, 1, 3, 2, 4, 5).reshape(2, 2, 3, 12),
        (floats(2, 4, 6, 3),),
        op="extract_patches",
    ),
    # -------------------------------------------------------------- image
    Row(
        "image.resize",
        lambda x: ops.image.resize(x, (4, 6), interpolation="nearest"),
        lambda x: x.repeat(2, axis=1).repeat(2, axis=2),
        (floats(2, 2, 3, 1),),
        op="resize",
    ),
]

CREATION_ROWS = [
    CreationRow("arange", lambda: ops.arange(2, 11, 3), lambda: np.arange(2, 11, 3, "int32")),
    CreationRow("arange floats", lambda: ops.arange(1.5), lambda: np.arange(1.5, dtype="float32")),
    CreationRow("zeros", lambda: ops.zeros((2, 3)), lambda: np.zeros((2, 3), "float32")),
    CreationRow("ones", lambda: ops.ones(4, dtype="int32"), lambda: np.ones(4, "int32")),
    CreationRow("full", lambda: ops.full((2, 2), 7), lambda: np.full((2, 2), 7, "float32")),
    CreationRow("eye", lambda: ops.eye(3, 4, k=1), lambda: np.eye(3, 4, 1, dtype="float32")),
    CreationRow("identity", lambda: ops.identity(3), lambda: np.identity(3, "float32")),
    *[
        CreationRow(
            name,
            lambda name=name: getattr(ops, name)(7),
            lambda name=name: getattr(np, name)(7),
            "float32",
        )
        for name in ("bartlett", "blackman", "hamming", "hanning")
    ],
    CreationRow("tri", lambda: ops.tri(3, 4, k=1), lambda: np.tri(3, 4, 1, dtype="float32")),
    CreationRow("empty", lambda: ops.empty((2, 3)), lambda: np.zeros((2, 3), "float32")),
    CreationRow(
        "logspace",
        lambda: ops.logspace(0.0, 2.0, 5, base=3.0),
        lambda: np.logspace(0, 2, 5, base=3.0, dtype="float32"),
    ),
    CreationRow(
        "geomspace",
        lambda: ops.geomspace(-1.0, -1000.0, 4, endpoint=False),
        lambda: np.geomspace(-1, -1000, 4, endpoint=False, dtype="float32"),
    ),
    CreationRow(
        "linspace",
        lambda: ops.linspace(0.0, 1.0, 5),
        lambda: np.linspace(0, 1, 5, dtype="float32"),
    ),
]


def _close(actual, expected, dtype) -> None:
    if isinstance(expected, tuple):
        dtypes = dtype if isinstance(dtype, tuple) else (dtype,) * len(expected)
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected)
        for a, e, d in zip(actual, expected, dtypes, strict=True):
            _close(a, e, d)
        return
    actual = gk.ops.convert_to_numpy(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape
    assert actual.dtype == np.dtype(dtype or expected.dtype)
    np.testing.assert_allclose(actual, expected.astype(actual.dtype), rtol=RTOL, atol=ATOL)


def _leaves(value) -> list:
    return list(value) if isinstance(value, (tuple, list)) else [value]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_an_op_on_arrays_matches_numpy(row):
    arrays = [np.array(a) for a in row.arrays]
    result = row.apply(*arrays)
    _close(result, row.reference(*row.arrays), row.dtype)
    for given, kept in zip(arrays, row.arrays, strict=True):
        np.testing.assert_array_equal(given, kept)  # inputs untouched


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_an_op_on_keras_tensors_records_a_node_with_the_computed_shape_and_dtype(row):
    inputs = [gk.Input(batch_shape=a.shape, dtype=a.dtype.name) for a in row.arrays]
    symbolic = row.apply(*inputs)
    model = gk.Model(inputs, _leaves(symbolic))
    computed = _leaves(model([np.array(a) for a in row.arrays]))
    expected = _leaves(row.reference(*row.arrays))
    dtypes = row.dtype if isinstance(row.dtype, tuple) else (row.dtype,) * len(expected)
    for tensor, value, reference, dtype in zip(
        _leaves(symbolic), computed, expected, dtypes, strict=True
    ):
        assert tensor.shape == np.shape(reference)
        assert tensor.dtype == (dtype or np.asarray(reference).dtype.name)
        _close(value, reference, dtype)
    operation_layers = [layer for layer in model.layers if isinstance(layer, ops.OperationLayer)]
    assert bool(operation_layers) == row.records  # the op is a node of the graph


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_an_op_on_keras_tensors_with_an_unknown_batch_agrees_where_known(row):
    batch = row.arrays[0].shape[0]
    inputs = [
        gk.Input(
            batch_shape=(None, *a.shape[1:]) if a.ndim and a.shape[0] == batch else a.shape,
            dtype=a.dtype.name,
        )
        for a in row.arrays
    ]
    symbolic = _leaves(row.apply(*inputs))
    expected = _leaves(row.reference(*row.arrays))
    values = _leaves(gk.Model(inputs, symbolic)([np.array(a) for a in row.arrays]))
    for tensor, value, reference in zip(symbolic, values, expected, strict=True):
        assert len(tensor.shape) == np.ndim(reference)
        for known, actual in zip(tensor.shape, np.shape(reference), strict=True):
            assert known is None or known == actual
        np.testing.assert_allclose(
            gk.ops.convert_to_numpy(value), np.asarray(reference), rtol=RTOL, atol=ATOL
        )


@pytest.mark.parametrize("row", CREATION_ROWS, ids=str)
def test_a_creation_op_matches_numpy(row):
    _close(row.make(), row.reference(), row.dtype)


# Registered ops the tables leave out, each with the reason.
NOT_IN_TABLES: dict[str, str] = {}


def test_every_registered_op_has_a_row():
    covered = {row.op for row in ROWS if row.records} | {row.op for row in CREATION_ROWS}
    assert covered <= set(ops.OPERATIONS), f"unregistered: {sorted(covered - set(ops.OPERATIONS))}"
    missing = set(ops.OPERATIONS) - covered - set(NOT_IN_TABLES)
    assert not missing, f"registered ops without a conformance row: {sorted(missing)}"
