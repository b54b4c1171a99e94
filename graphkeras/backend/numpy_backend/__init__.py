"""The default backend: NumPy arrays, computed eagerly on the CPU.

The functions are spread over a few modules by theme (``core``, ``numeric``,
``nn``, ``random``, and one module per op family: ``sorting``, ``slicing``,
...); this package gathers them into the flat namespace that
``graphkeras/backend/interface.py`` describes.
"""

from graphkeras.backend.common.operator_methods import operator_ops as _operator_ops
from graphkeras.backend.common.shape_queries import count_params, int_shape, is_keras_tensor, ndim
from graphkeras.backend.numpy_backend import conv as _conv
from graphkeras.backend.numpy_backend import cumulative as _cumulative
from graphkeras.backend.numpy_backend import einsum as _einsum
from graphkeras.backend.numpy_backend import elementwise_math as _elementwise_math
from graphkeras.backend.numpy_backend import gradients as _gradients
from graphkeras.backend.numpy_backend import image as _image
from graphkeras.backend.numpy_backend import image_transform as _image_transform
from graphkeras.backend.numpy_backend import indexing as _indexing
from graphkeras.backend.numpy_backend import linalg as _linalg
from graphkeras.backend.numpy_backend import norms as _norms
from graphkeras.backend.numpy_backend import numpy_protocol as _numpy_protocol
from graphkeras.backend.numpy_backend import pooling as _pooling
from graphkeras.backend.numpy_backend import recurrent as _recurrent
from graphkeras.backend.numpy_backend import slicing as _slicing
from graphkeras.backend.numpy_backend import sorting as _sorting
from graphkeras.backend.numpy_backend import tape_array as _tape_array
from graphkeras.backend.numpy_backend.autodiff import (
    GradientTape,
    NotDifferentiableError,
    differentiable,
    stop_gradient,
)
from graphkeras.backend.numpy_backend.conv import conv, conv_transpose, depthwise_conv
from graphkeras.backend.numpy_backend.core import (
    arange,
    batch_get_value,
    batch_set_value,
    cast,
    convert_to_numpy,
    convert_to_tensor,
    dtype,
    eye,
    full,
    get_value,
    is_tensor,
    is_variable,
    linspace,
    ones,
    ones_like,
    result_type,
    set_value,
    variable,
    zeros,
    zeros_like,
)
from graphkeras.backend.numpy_backend.core import unwrap as _unwrap
from graphkeras.backend.numpy_backend.cumulative import cumprod, cumsum
from graphkeras.backend.numpy_backend.einsum import einsum
from graphkeras.backend.numpy_backend.elementwise_math import (
    arccos,
    arcsin,
    arctan,
    arctan2,
    ceil,
    cos,
    cosh,
    expm1,
    floor,
    floor_divide,
    isfinite,
    isinf,
    isnan,
    log1p,
    logical_xor,
    mod,
    reciprocal,
    round,
    sin,
    sinh,
    tan,
)
from graphkeras.backend.numpy_backend.functional_gradients import value_and_grad
from graphkeras.backend.numpy_backend.image import resize
from graphkeras.backend.numpy_backend.image_transform import affine_transform
from graphkeras.backend.numpy_backend.indexing import take, take_along_axis
from graphkeras.backend.numpy_backend.linalg import cholesky, det, inv, logdet, solve
from graphkeras.backend.numpy_backend.nn import (
    bias_add,
    celu,
    elu,
    erf,
    erfc,
    gelu,
    hard_sigmoid,
    hard_silu,
    leaky_relu,
    log_softmax,
    mish,
    one_hot,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    tanh,
)
from graphkeras.backend.numpy_backend.norms import norm
from graphkeras.backend.numpy_backend.numeric import (
    abs,
    add,
    all,
    any,
    argmax,
    argmin,
    batch_dot,
    batch_flatten,
    clip,
    concatenate,
    divide,
    dot,
    equal,
    exp,
    expand_dims,
    getitem,
    greater,
    greater_equal,
    l2_normalize,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    multiply,
    negative,
    not_equal,
    power,
    prod,
    qr,
    repeat,
    reshape,
    sign,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    subtract,
    sum,
    tile,
    transpose,
    tril,
    triu,
    var,
    where,
)
from graphkeras.backend.numpy_backend.optimizer_updates import adam_update
from graphkeras.backend.numpy_backend.pooling import average_pool, max_pool, pad
from graphkeras.backend.numpy_backend.random import (
    dropout_mask,
    random_normal,
    random_permutation,
    random_uniform,
    seed_generator,
    set_random_seed,
    truncated_normal,
)
from graphkeras.backend.numpy_backend.recurrent import (
    gru_sequence,
    lstm_sequence,
    simple_rnn_sequence,
)
from graphkeras.backend.numpy_backend.slicing import slice, slice_update
from graphkeras.backend.numpy_backend.sorting import argsort, sort, top_k
from graphkeras.backend.numpy_backend.variable import OPERATORS as _VARIABLE_OPERATORS
from graphkeras.backend.numpy_backend.variable import Variable


def backend() -> str:
    """The name of this backend."""
    return "numpy"


# Modules whose ``GRADIENTS`` (op -> (gradient, differentiable inputs)) and
# ``NOT_DIFFERENTIABLE`` (op -> inputs) tables declare how their ops are
# recorded. A family of ops (convolution, pooling, ...) brings its own table
# in its own module and is listed here.
_GRADIENT_TABLES = (
    _gradients,
    _elementwise_math,
    _cumulative,
    _sorting,
    _indexing,
    _slicing,
    _norms,
    _linalg,
    _pooling,
    _image,
    _image_transform,
    _conv,
    _recurrent,
    _einsum,
)

GRADIENTS: dict = {}
NOT_DIFFERENTIABLE: dict = {}
for _table in _GRADIENT_TABLES:
    GRADIENTS.update(_table.GRADIENTS)
    NOT_DIFFERENTIABLE.update(getattr(_table, "NOT_DIFFERENTIABLE", {}))


def _make_ops_recordable() -> None:
    """Replace each op by its recordable form (see autodiff.py), gradient or not."""
    namespace = globals()
    for name, (gradient, inputs) in GRADIENTS.items():
        namespace[name] = differentiable(name, namespace[name], gradient, inputs)
    for name, inputs in NOT_DIFFERENTIABLE.items():
        namespace[name] = differentiable(name, namespace[name], None, inputs)
    # Numpy calls and Python operators on followed arrays (TapeArrays) and on
    # Variables go through the same recorded ops (see tape_array.py).
    _numpy_protocol.install({name: namespace[name] for name in GRADIENTS | NOT_DIFFERENTIABLE})
    _VARIABLE_OPERATORS.update(
        _operator_ops(namespace),
        positive=_numpy_protocol.positive,
        array_ufunc=_tape_array.array_ufunc,
        array_function=_tape_array.array_function,
    )


_make_ops_recordable()


def dropout(x, rate: float, noise_shape=None, seed=None):
    """Zero each entry with probability ``rate`` and scale the rest by ``1 / (1 - rate)``.

    ``noise_shape`` (broadcastable to ``x``) shares one draw along its axes of
    length 1, as spatial dropout does. It is ``multiply(x, mask)``, so it is
    recorded and differentiated as that product.
    """
    if rate == 0.0:
        return x
    value = _unwrap(x)
    shape = value.shape if noise_shape is None else tuple(noise_shape)
    return multiply(x, dropout_mask(shape, rate, value.dtype, seed))  # noqa: F821
