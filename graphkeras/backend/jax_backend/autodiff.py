"""Reverse-mode automatic differentiation over the JAX backend's own ops.

The model is the numpy backend's (micrograd's, vectorised): while a
:class:`GradientTape` records, every backend op that receives a followed
value (a trainable Variable, a value passed to ``tape.watch``, or an output
of an earlier recorded op) appends one record to the tape. Here the record's
backward step comes from ``jax.vjp`` of the op, taken with respect to its
followed float inputs, so every op written with ``jax.numpy`` is
differentiable without a gradient of its own. ``tape.gradient`` walks the
records backwards once, accumulating gradients by the identity of the value
they belong to.

Nothing here reads a number: under ``jax.jit`` the tape records tracers and
its backward walk traces the pullbacks, so a whole training step that uses a
GradientTape compiles into one XLA program.

Integers and booleans carry no gradient. A gradient that has to pass through
an op declared without one (``NOT_DIFFERENTIABLE``: comparisons, ``argmax``,
``one_hot``...), through an integer or boolean value computed from floats
(``top_k``'s indices, a float cast to int), or into an op from integer or
boolean inputs only (a cast of booleans to float), raises
``NotDifferentiableError`` naming the op; a use off the gradient path (a
comparison as a ``where`` condition) is fine.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from graphkeras.backend.common.tape_bookkeeping import TapeBookkeeping
from graphkeras.backend.jax_backend import variable
from graphkeras.backend.jax_backend.tape_tensor import (
    OPS,
    RECORDING,
    NotDifferentiableError,
    TapeTensor,
    leaves,
    plain,
)
from graphkeras.backend.jax_backend.variable import Variable

__all__ = [
    "GRADIENTS",
    "GradientTape",
    "NOT_DIFFERENTIABLE",
    "NotDifferentiableError",
    "stop_gradient",
]

# ------------------------------------------------------------------ tables

# Differentiable ops and the parameters gradients flow into (a parameter may
# hold a list of arrays, as concatenate's ``tensors``).
# Other parameters are constants for the tape: a float value the tape follows
# there (clip's bounds) raises when a gradient reaches the op, as on numpy.
_DIFFERENTIABLE_INPUTS: dict[str, tuple] = {
    **dict.fromkeys(
        ("add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "where"),
        ("x", "y"),
    ),
    **dict.fromkeys(("dot", "matmul", "batch_dot"), ("x", "y")),
    **dict.fromkeys(("arctan2", "floor_divide", "mod"), ("x1", "x2")),
    # One-input ops: element-wise, activations, reductions, reshaping, indexing...
    **dict.fromkeys(
        (
            "negative abs sign sqrt square exp log clip tanh sigmoid relu relu6 leaky_relu elu selu"
            " celu gelu hard_sigmoid silu hard_silu softplus softsign mish erf erfc softmax"
            " log_softmax sum mean max min prod var std logsumexp cumsum cumprod l2_normalize tril"
            " triu norm inv det logdet cholesky reshape transpose expand_dims squeeze batch_flatten"
            " repeat tile getitem take take_along_axis sort top_k cast convert_to_tensor log1p"
            " expm1 reciprocal sin cos tan arcsin arccos arctan sinh cosh floor ceil round max_pool"
            " average_pool pad"
        ).split(),
        ("x",),
    ),
    "concatenate": ("tensors",),
    "stack": ("tensors",),
    "bias_add": ("x", "bias"),
    "solve": ("a", "b"),
    "slice": ("inputs",),
    "slice_update": ("inputs", "updates"),
    "resize": ("images",),
    "affine_transform": ("images",),
    "einsum": ("x", "y"),
    **dict.fromkeys(("conv", "depthwise_conv", "conv_transpose"), ("x", "kernel")),
    "lstm_sequence": ("inputs", "initial_h", "initial_c", "kernel", "recurrent_kernel", "bias"),
    **dict.fromkeys(
        ("gru_sequence", "simple_rnn_sequence"),
        ("inputs", "initial_h", "kernel", "recurrent_kernel", "bias"),
    ),
}

# op name -> (gradient, differentiable inputs), as on the numpy backend; the
# gradient of every op here is derived by ``jax.vjp``.
GRADIENTS: dict[str, tuple] = {
    name: (jax.vjp, inputs) for name, inputs in _DIFFERENTIABLE_INPUTS.items()
}

# Recorded without a gradient (the interface's "Not differentiable" ops and
# those with integer or boolean results), so that a gradient reaching them
# raises instead of vanishing.
NOT_DIFFERENTIABLE: dict[str, tuple] = {
    **dict.fromkeys(
        ("equal", "not_equal", "greater", "greater_equal", "less", "less_equal"), ("x", "y")
    ),
    "logical_and": ("x", "y"),
    "logical_or": ("x", "y"),
    "logical_xor": ("x1", "x2"),
    **dict.fromkeys(
        ("logical_not", "any", "all", "argmax", "argmin", "argsort", "qr", "one_hot"), ("x",)
    ),
    **dict.fromkeys(("isnan", "isinf", "isfinite"), ("x",)),
}

# Ops the numpy backend builds from recorded ops (dropout is a product by a
# mask): here ``jax.numpy`` builds them, so the whole op is recorded.
_COMPOSED_OPS: dict[str, tuple] = {"dropout": ("x",)}


# ------------------------------------------------------------ the tape


class GradientTape(TapeBookkeeping):
    """Records backend ops so that gradients of a result can be computed.

    What it follows and the rules of ``gradient`` are :class:`TapeBookkeeping`'s
    (with an example there); values are watched with :meth:`watch`. Every
    op on a watched value is recorded, whether called through ``K`` or a
    Python operator (see ``tape_tensor.py``). A non-persistent tape gives one
    set of gradients, then frees its records. Gradients are not themselves
    recorded (no higher-order derivatives), as on the numpy backend.
    """

    _recording = RECORDING
    _variable_type = Variable
    _followed_producers = "backend ops and Python operators"

    # Each record: (call, input ids, integer input ids, blocked parameter).

    def _followed_view(self, value):
        """A TapeTensor of a plain array, on which Python operators are recorded too.

        Anything but an array, a Variable or a TapeTensor cannot be watched.
        """
        if not isinstance(value, (jax.Array, np.ndarray, Variable, TapeTensor)):
            raise TypeError(
                "GradientTape.watch() needs arrays, Variables or tensors a tape "
                f"follows (or a list of them); received {type(value).__name__}."
            )
        if isinstance(value, (jax.Array, np.ndarray)):
            return TapeTensor(jnp.asarray(value))
        return None

    # ----------------------------------------------------------- recording
    def _append(self, call: _Call, input_ids, integer_ids, blocked) -> None:
        for key, output in zip(call.output_ids, call.outputs, strict=True):
            if key is not None:
                self._tracked[key] = output
        self._records.append((call, input_ids, integer_ids, blocked))

    def _record_numpy_call(
        self,
        name: str,
        differentiable: bool,
        pullback,
        outputs: list,
        structure,
        differentiated: list,
        arguments: list,
    ) -> None:
        """Record a numpy call on TapeTensors (see ``tape_tensor.py``) if it uses a followed value.

        ``differentiated`` are the arguments ``pullback`` gives cotangents
        for, ``arguments`` every argument a recording tape follows.
        """
        if not any(self._follows(value) for value in arguments):
            return
        call = _Call(name, "numpy call", differentiable, pullback, outputs, structure)
        input_ids = [id(value) if self._follows(value) else None for value in differentiated]
        self._append(call, input_ids, (), None)

    # ----------------------------------------------------------- gradients
    def gradient(self, target, sources, output_gradients=None):
        """Gradients of ``target`` (or the sum of a list of targets) for each source.

        ``sources`` is one value or a list; the result has the same form. A
        source the target does not depend on, or an integer or boolean one,
        gives None, as in TensorFlow. Raises ``NotDifferentiableError`` when
        the gradient would have to pass through an op without one, and
        ``ValueError`` when the target was not computed by recorded ops.
        """
        single, source_list, seeded_targets, source_ids = self._start_gradient(
            target, sources, output_gradients
        )
        gradients: dict[int, Any] = {}
        for value, seed in seeded_targets:
            array = jnp.asarray(plain(value))
            if not _is_float(array):
                start = _INTEGER_GRADIENT
            elif seed is None:
                start = jnp.ones_like(array)
            else:
                start = jnp.asarray(plain(seed), dtype=array.dtype)
            _accumulate(gradients, id(value), start)

        for call, input_ids, integer_ids, blocked in reversed(self._records):
            cotangents = [
                None
                if key is None
                else (gradients.get(key) if key in source_ids else gradients.pop(key, None))
                for key in call.output_ids
            ]
            if all(cotangent is None for cotangent in cotangents):
                continue
            _backward_step(call, cotangents, input_ids, integer_ids, blocked, gradients)

        result = [self._gradient_of(gradients, source) for source in source_list]
        return self._finish_gradient(result, single)

    def _gradient_of(self, gradients: dict, source):
        gradient = gradients.get(id(source))
        alias = self._aliases.get(id(source))
        if alias is not None and gradients.get(alias) is not None:
            gradient = gradients[alias] if gradient is None else _sum(gradient, gradients[alias])
        return None if gradient is _INTEGER_GRADIENT else gradient


# A gradient reached an integer or boolean value: it has no numbers, but the
# value's producer must learn of it (and raise if it was computed from floats).
_INTEGER_GRADIENT = object()


class _Call:
    """One recorded call of an op, shared by every tape that records it.

    ``differentiable`` is False for an op declared without a gradient;
    ``pullback`` maps the outputs' cotangents to those of the differentiated
    inputs (as ``jax.vjp`` returns it; None when no float input was
    followed); ``outputs`` are the TapeTensors (or other
    leaves) the call returned, in the order of ``jax.tree_util`` leaves, and
    ``structure`` their tree.
    """

    __slots__ = ("name", "kind", "differentiable", "pullback", "outputs", "output_ids", "structure")

    def __init__(
        self, name: str, kind: str, differentiable: bool, pullback, outputs: list, structure=None
    ) -> None:
        self.name = name
        self.kind = kind
        self.differentiable = differentiable
        self.pullback = pullback
        self.outputs = outputs
        self.output_ids = tuple(id(item) if type(item) is TapeTensor else None for item in outputs)
        self.structure = structure


def _backward_step(call: _Call, cotangents, input_ids, integer_ids, blocked, gradients) -> None:
    """Pass the outputs' cotangents of one recorded call to its followed inputs."""
    reached_integers = any(item is _INTEGER_GRADIENT for item in cotangents)
    if not call.differentiable:
        raise NotDifferentiableError(
            f"The gradient reaches {call.kind} '{call.name}', which has no gradient; "
            "the path from a watched value to the target must avoid it."
        )
    if blocked is not None:
        raise NotDifferentiableError(
            f"The gradient reaches backend op '{call.name}', whose argument '{blocked}' "
            "is a value the tape follows but the op has no gradient for it; wrap "
            "that argument in K.stop_gradient, or compute it with ops that have one."
        )
    follows_floats = any(key is not None for key in input_ids)
    if reached_integers and follows_floats:
        raise NotDifferentiableError(
            f"The gradient reaches an integer or boolean output of backend op '{call.name}', "
            "computed from float values: integers carry no gradient back to them."
        )
    reached_floats = any(item is not None and item is not _INTEGER_GRADIENT for item in cotangents)
    if reached_floats and not follows_floats:
        raise NotDifferentiableError(
            f"The gradient reaches backend op '{call.name}', whose followed inputs are "
            "integers or booleans: they carry no gradient."
        )
    for key in integer_ids:
        gradients[key] = _INTEGER_GRADIENT
    if not reached_floats:
        return
    seeds = [
        _zeros_like(output) if cotangent is None or cotangent is _INTEGER_GRADIENT else cotangent
        for output, cotangent in zip(call.outputs, cotangents, strict=True)
    ]
    input_gradients = call.pullback(call.structure.unflatten(seeds))
    for key, gradient in zip(input_ids, input_gradients, strict=True):
        if key is not None:
            _accumulate(gradients, key, gradient)


def _zeros_like(output):
    """The cotangent of an output no gradient reached: zeros (float0 for integers)."""
    array = plain(output)
    if _is_float(array):
        return jnp.zeros(array.shape, array.dtype)
    return np.zeros(array.shape, dtype=jax.dtypes.float0)


# ------------------------------------------------------ recordable ops


class _OpInfo:
    """What a record needs to know of an op: its name, function, inputs and gradient."""

    __slots__ = ("name", "function", "gradient", "inputs", "signature")

    def __init__(self, name: str, function: Callable, gradient, inputs: tuple) -> None:
        self.name = name
        self.function = function
        self.gradient = gradient
        self.inputs = inputs
        self.signature = inspect.signature(function)


def recordable(name: str, function: Callable, gradient, inputs: tuple) -> Callable:
    """``function`` as an op called ``name`` that a recording tape records.

    ``inputs`` names the parameters gradients flow into; ``gradient`` is
    ``jax.vjp`` (the op is differentiated by JAX) or None (the op has no
    gradient: it is recorded so that a gradient reaching it raises). With no
    tape recording, the op is ``function`` itself plus one list check.
    """
    info = _OpInfo(name, function, gradient, inputs)

    @functools.wraps(function)
    def op(*args, **kwargs):
        if RECORDING:
            return _call_recorded(info, args, kwargs)
        return function(*args, **kwargs)

    op.op_info = info
    return op


def _call_recorded(op: _OpInfo, args: tuple, kwargs: dict):
    """Run ``op`` while tapes record; record it on each tape that follows one of its inputs."""
    bound = op.signature.bind(*args, **kwargs)
    arguments = bound.arguments
    # (parameter, index in a list parameter or None, value) of each input array.
    slots = []
    for parameter in op.inputs:
        if parameter in arguments:
            value = arguments[parameter]
            if isinstance(value, (list, tuple)):
                slots.extend((parameter, index, item) for index, item in enumerate(value))
            else:
                slots.append((parameter, None, value))
    followed_by = []  # (tape, followed slot positions, blocked parameter)
    for tape in RECORDING:
        positions = [position for position, slot in enumerate(slots) if tape._follows(slot[2])]
        blocked = _blocked_parameter(tape, op, arguments)
        if positions or blocked is not None:
            followed_by.append((tape, positions, blocked))
    plain_arguments = {parameter: plain(value) for parameter, value in arguments.items()}
    if not followed_by:
        return _run(op, plain_arguments)

    followed = sorted({position for _, positions, _ in followed_by for position in positions})
    differentiated = [
        position
        for position in followed
        if op.gradient is not None and _is_float(plain(slots[position][2]))
    ]

    def forward(*values):
        filled = dict(plain_arguments)
        lists: dict = {}
        for position, value in zip(differentiated, values, strict=True):
            parameter, index, _ = slots[position]
            if index is None:
                filled[parameter] = value
            else:
                lists.setdefault(parameter, list(plain_arguments[parameter]))[index] = value
        for parameter, items in lists.items():
            filled[parameter] = items if type(plain_arguments[parameter]) is list else tuple(items)
        return _run(op, filled)

    if differentiated:
        # As JAX arrays: jax.vjp hands a NumPy primal that an op returns unchanged
        # (convert_to_tensor of a watched NumPy array) back as NumPy, not as an array.
        primals = [jnp.asarray(plain(slots[position][2])) for position in differentiated]
        output, pullback = jax.vjp(forward, *primals)
    else:
        output, pullback = forward(), None
    flat, structure = jax.tree_util.tree_flatten(output)
    outputs = [TapeTensor(item) if isinstance(item, jax.Array) else item for item in flat]
    call = _Call(op.name, "backend op", op.gradient is not None, pullback, outputs, structure)
    for tape, positions, blocked in followed_by:
        input_ids = [
            id(slots[position][2]) if position in positions else None for position in differentiated
        ]
        integer_ids = [
            id(slots[position][2])
            for position in positions
            if position not in differentiated and not _is_float(plain(slots[position][2]))
        ]
        tape._append(call, input_ids, integer_ids, blocked)
    return structure.unflatten(outputs)


def _blocked_parameter(tape: GradientTape, op: _OpInfo, arguments: dict) -> str | None:
    """A parameter outside ``op.inputs`` that holds a float value ``tape`` follows, if any."""
    for parameter, value in arguments.items():
        if parameter in op.inputs:
            continue
        for leaf in leaves(value, depth=1):
            if tape._follows(leaf) and _is_float(plain(leaf)):
                return parameter
    return None


def _run(op: _OpInfo, arguments: dict):
    call = inspect.BoundArguments(op.signature, arguments)
    return op.function(*call.args, **call.kwargs)


def make_ops_recordable(namespace: dict) -> None:
    """Replace each op in ``namespace`` (the backend's globals) by its recordable form.

    Ops not in ``namespace`` yet (or only as the submodule of the same name,
    as ``conv`` before its module is written) are skipped. Afterwards the
    TapeTensor's and the Variable's Python operators run the recordable ops.
    """
    tables = (
        [(name, gradient, inputs) for name, (gradient, inputs) in GRADIENTS.items()]
        + [(name, None, inputs) for name, inputs in NOT_DIFFERENTIABLE.items()]
        + [(name, jax.vjp, inputs) for name, inputs in _COMPOSED_OPS.items()]
    )
    for name, gradient, inputs in tables:
        function = namespace.get(name)
        if not callable(function):
            continue
        if not hasattr(function, "op_info"):
            namespace[name] = recordable(name, function, gradient, inputs)
        OPS[name] = namespace[name]
    variable.install_variable_operators(namespace)


def stop_gradient(x):
    """``x``'s value, cut from the tape: no gradient flows through it (a plain array).

    The tape knows arrays by identity, and on a concrete array
    ``jax.lax.stop_gradient`` gives back the very same object: a watched
    array would stay watched, and ``x - stop_gradient(x)`` would get no
    gradient. Such a result is copied, so the tape never follows it.
    """
    value = jnp.asarray(plain(x))
    result = jax.lax.stop_gradient(value)
    if result is value or result is x:
        result = jnp.array(result, copy=True)
    return result


# ------------------------------------------------------------------ helpers


def _is_float(value) -> bool:
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        dtype = np.asarray(value).dtype
    return bool(jnp.issubdtype(dtype, jnp.inexact))


def _accumulate(gradients: dict, key: int, value) -> None:
    existing = gradients.get(key)
    gradients[key] = value if existing is None else _sum(existing, value)


def _sum(first, second):
    if first is _INTEGER_GRADIENT:
        return second
    if second is _INTEGER_GRADIENT:
        return first
    return first + second
