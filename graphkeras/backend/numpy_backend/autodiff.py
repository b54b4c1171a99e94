"""Reverse-mode automatic differentiation over the numpy backend's own ops.

The model is micrograd's, vectorised: while a :class:`GradientTape` records,
every backend op that receives a watched value (a trainable Variable, an
array passed to ``tape.watch``, or an array an earlier recorded op produced)
appends one record to the tape: the op, its arguments, its output and the
function that maps the output's gradient to its inputs' gradients.
``tape.gradient`` then walks the records backwards once (they are already in
execution order), accumulating gradients by array identity.

Ops are made recordable by :func:`differentiable`, which wraps the plain
function; when no tape records, the wrapper costs one list check. While one
records, the op runs on plain arrays and an output that depends on a
followed value comes back as a ``TapeArray`` (``tape_array.py``), so the
Python operators and numpy functions user code applies to it are recorded
too. An op declared without a gradient (a comparison, ``argmax``) is still
recorded, so that a gradient reaching it raises an error naming the op
instead of being silently dropped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from graphkeras.backend.common.tape_bookkeeping import TapeBookkeeping
from graphkeras.backend.numpy_backend.tape_array import RECORDING as _recording
from graphkeras.backend.numpy_backend.tape_array import (
    NotDifferentiableError,
    TapeArray,
    plain,
    track,
)
from graphkeras.backend.numpy_backend.variable import Variable

__all__ = ["GradientTape", "NotDifferentiableError", "differentiable", "stop_gradient"]

# Argument types that can be followed without being tracked by id yet, or hold such.
_MAY_HOLD_FOLLOWED = frozenset({Variable, list, tuple})
# ... and those that must be unwrapped before an op runs.
_MAY_HOLD_FOLLOWED_OR_TAPE_ARRAY = _MAY_HOLD_FOLLOWED | {TapeArray}


class GradientTape(TapeBookkeeping):
    """Records backend ops so that gradients of a result can be computed.

    What it follows and the rules of ``gradient`` are :class:`TapeBookkeeping`'s
    (with an example there); values are watched with :meth:`watch`. Every
    op on a watched value is recorded, whether called through ``K``, a
    Python operator or a numpy function (see ``tape_array.py``). A
    non-persistent tape gives one set of gradients, then frees its records.
    Gradients are not themselves recorded (no higher-order derivatives).
    """

    _recording = _recording
    _variable_type = Variable
    _followed_producers = "backend ops, Python operators and numpy functions"

    # Each record: (op, plain arguments, plain output, needs, input ids, blocked
    # parameter, output ids).

    def _followed_view(self, value):
        """A TapeArray view of a plain numpy array: numpy functions on it are recorded too."""
        return value.view(TapeArray) if type(value) is np.ndarray else None

    # ----------------------------------------------------------- recording
    def _followed_id(self, value) -> int | None:
        """The id the tape follows ``value`` by (a swapped-in array's for a Variable), or None."""
        if type(value) is Variable and id(value.value) in self._tracked:
            return id(value.value)
        return id(value) if self._follows(value) else None

    def _followed_inputs(self, op: _Op, values: tuple) -> tuple | None:
        """``(needs, input ids, blocked)`` for a call of ``op``; None if it uses nothing followed.

        ``values`` are the call's arguments in ``op.parameters`` order.
        ``needs`` says per differentiable input whether it wants a gradient
        (a list of flags for a list input); ``blocked`` names a parameter with
        no gradient that holds a followed float array (``clip``'s bounds):
        a gradient reaching the record then raises instead of leaving that
        array out. Runs on every op while the tape records, so it is inlined.
        """
        tracked = self._tracked
        for _, position in op.input_positions:  # ops on labels and constants: settled here
            value = values[position]
            if id(value) in tracked or type(value) in _MAY_HOLD_FOLLOWED:
                break
        else:
            return None
        needs: dict = {}
        input_ids: dict = {}
        found = False
        for parameter, position in op.input_positions:
            value = values[position]
            key = id(value)
            if key in tracked:
                needs[parameter] = found = True
                input_ids[parameter] = key
                continue
            kind = type(value)
            if kind is Variable and id(value.value) in tracked:
                # A followed array swapped into a Variable (stateless_call under a
                # tape): the gradient goes to the array, which the caller asks for.
                needs[parameter] = found = True
                input_ids[parameter] = id(value.value)
            elif kind is Variable and self._follows(value):
                needs[parameter] = found = True
                input_ids[parameter] = key
            elif kind is list or kind is tuple:
                ids = [self._followed_id(item) for item in value]
                flags = [item_key is not None for item_key in ids]
                needs[parameter] = flags
                input_ids[parameter] = ids
                found = found or True in flags
            else:
                needs[parameter] = False
        if not found:
            return None
        blocked = None
        for parameter, position in op.other_positions:
            value = values[position]
            kind = type(value)
            if kind is list or kind is tuple:
                if any(self._follows(item) and _is_float(item) for item in value):
                    blocked = parameter
            elif (id(value) in tracked or kind is Variable) and self._follows(value):
                if _is_float(value):
                    blocked = parameter
        return needs, input_ids, blocked

    def _append(self, op: _Op, plain_arguments: dict, output, followed: tuple, tracked) -> None:
        needs, input_ids, blocked = followed
        if type(tracked) is TapeArray:
            output_ids: tuple = (id(tracked),)
            self._tracked[id(tracked)] = tracked
        else:
            produced = tracked if isinstance(tracked, tuple) else (tracked,)
            output_ids = tuple(id(item) if type(item) is TapeArray else None for item in produced)
            for item in produced:
                if type(item) is TapeArray:
                    self._tracked[id(item)] = item
        self._records.append((op, plain_arguments, output, needs, input_ids, blocked, output_ids))

    def _record_untraceable(self, name: str, outputs: list) -> None:
        """Record that ``outputs`` came from followed values by ``name``, which has no gradient."""
        self._records.append(
            (_Op.without_gradient(name), {}, None, {}, {}, None, tuple(map(id, outputs)))
        )
        for item in outputs:
            self._tracked[id(item)] = item

    # ----------------------------------------------------------- gradients
    def gradient(self, target, sources, output_gradients=None):
        """Gradients of ``target`` (or the sum of a list of targets) for each source.

        ``sources`` is one value or a list; the result has the same form. A
        source the target does not depend on gives None, as in TensorFlow.
        Raises ``NotDifferentiableError`` when the gradient would have to
        pass through an op without one, and ``ValueError`` when the target
        was not computed by recorded ops.
        """
        single, source_list, seeded_targets, source_ids = self._start_gradient(
            target, sources, output_gradients
        )
        gradients: dict[int, Any] = {}
        for value, seed in seeded_targets:
            array = plain(value)
            start = np.ones_like(array) if seed is None else np.asarray(plain(seed), array.dtype)
            _accumulate(gradients, id(value), start)

        for op, arguments, output, needs, input_ids, blocked, output_ids in reversed(self._records):
            if len(output_ids) == 1:
                key = output_ids[0]
                cotangent = gradients.get(key) if key in source_ids else gradients.pop(key, None)
                if cotangent is None:
                    continue
            else:
                cotangent = [
                    gradients.get(key) if key in source_ids else gradients.pop(key, None)
                    for key in output_ids
                ]
                if all(item is None for item in cotangent):
                    continue
            if op.gradient is None:
                raise NotDifferentiableError(
                    f"The gradient reaches {op.kind} '{op.name}', which has no gradient; "
                    "the path from a watched value to the target must avoid it."
                )
            if blocked is not None:
                raise NotDifferentiableError(
                    f"The gradient reaches backend op '{op.name}', whose argument '{blocked}' "
                    "is a value the tape follows but the op has no gradient for it; wrap "
                    "that argument in K.stop_gradient, or compute it with ops that have one."
                )
            input_gradients = op.gradient(cotangent, output, arguments, needs)
            for parameter, key in input_ids.items():
                if type(key) is list:
                    for item_key, item_gradient in zip(
                        key, input_gradients[parameter], strict=True
                    ):
                        if item_key is not None and item_gradient is not None:
                            _accumulate(gradients, item_key, item_gradient)
                else:
                    item_gradient = input_gradients.get(parameter)
                    if item_gradient is not None:
                        _accumulate(gradients, key, item_gradient)

        result = [self._gradient_of(gradients, source) for source in source_list]
        return self._finish_gradient(result, single)

    def _gradient_of(self, gradients: dict, source):
        gradient = gradients.get(id(source))
        alias = self._aliases.get(id(source))
        if alias is not None and gradients.get(alias) is not None:
            gradient = gradients[alias] if gradient is None else gradient + gradients[alias]
        return gradient


class _Op:
    """What a record needs to know of an op: its name, function, inputs and gradient."""

    __slots__ = (
        "name",
        "kind",
        "function",
        "gradient",
        "inputs",
        "others",
        "parameters",
        "defaults",
        "input_positions",
        "other_positions",
    )

    def __init__(self, name: str, function: Callable, gradient, inputs: tuple) -> None:
        signature = inspect.signature(function)
        self.name = name
        self.kind = "backend op"
        self.function = function
        self.gradient = gradient
        self.inputs = inputs
        self.parameters = tuple(signature.parameters)
        self.others = tuple(name for name in self.parameters if name not in inputs)
        # (name, position in the call's values) of each input and each other parameter.
        self.input_positions = tuple(
            (name, self.parameters.index(name)) for name in inputs if name in self.parameters
        )
        self.other_positions = tuple((name, self.parameters.index(name)) for name in self.others)
        self.defaults = {
            key: parameter.default
            for key, parameter in signature.parameters.items()
            if parameter.default is not inspect.Parameter.empty
        }

    @classmethod
    def without_gradient(cls, name: str) -> _Op:
        """A record's op for a call the tape cannot differentiate (a numpy function, ...)."""
        op = cls.__new__(cls)
        op.name, op.kind, op.function, op.gradient = name, "operation", None, None
        op.inputs = op.others = op.parameters = op.input_positions = op.other_positions = ()
        op.defaults = {}
        return op

    def bind(self, args: tuple, kwargs: dict) -> dict:
        arguments = dict(self.defaults)
        arguments.update(zip(self.parameters, args, strict=False))
        arguments.update(kwargs)
        return arguments


def differentiable(
    name: str, function: Callable, gradient: Callable | None, inputs: tuple = ("x",)
) -> Callable:
    """``function`` as a recordable op called ``name``.

    ``inputs`` names the parameters gradients can flow into (a parameter may
    hold a list of arrays, as ``concatenate``'s ``tensors``).
    ``gradient(upstream, output, arguments, needs)`` receives the call's
    arguments by parameter name and ``needs`` (per input: whether it wants
    a gradient, a list of flags for a list input) and returns a dict of
    input gradients by parameter name, skipping the ones not needed.
    ``gradient=None`` declares the op not differentiable.

    While a tape records, the op runs on plain arrays (TapeArrays and
    Variables unwrapped, so its own numpy calls are not recorded again) and
    its output comes back as a TapeArray when a tape follows an input.
    """
    op_info = _Op(name, function, gradient, inputs)
    op = _wrapper_with_signature(function, op_info)
    op.__name__ = function.__name__
    op.__qualname__ = function.__qualname__
    op.__doc__ = function.__doc__
    op.__wrapped__ = function
    op.op_info = op_info
    return op


def _wrapper_with_signature(function: Callable, op_info: _Op) -> Callable:
    """A wrapper taking exactly ``function``'s parameters, so a call costs no packing.

    Ops run on every layer call, where a generic ``*args, **kwargs`` wrapper
    would add measurable overhead; the wrapper's source is generated from
    the signature (as dataclasses do), and with no tape recording it calls
    the function directly. Numpy scalars (a reduction of a whole array) come
    back as 0-d arrays, so the tape can follow them like any array.
    """
    signature = inspect.signature(function)
    names = list(signature.parameters)
    if any(p.kind not in (p.POSITIONAL_OR_KEYWORD,) for p in signature.parameters.values()):

        def generic(*args, **kwargs):
            if not _recording:
                return _as_array(function(*args, **kwargs))
            arguments = op_info.bind(args, kwargs)
            values = tuple(arguments.get(name) for name in op_info.parameters)
            plain_args, plain_kwargs = plain(args), plain(kwargs)
            output = _as_array(function(*plain_args, **plain_kwargs))
            return _record_call(op_info, values, plain(values), output)

        return generic
    parameters = ", ".join(
        name
        if signature.parameters[name].default is inspect.Parameter.empty
        else f"{name}=_defaults[{name!r}]"
        for name in names
    )
    passed = ", ".join(names)
    source = (
        f"def op({parameters}):\n"
        f"    if _recording:\n"
        f"        return _call_recorded(_op_info, ({passed},))\n"
        f"    output = _function({passed})\n"
        f"    if type(output) is not _ndarray and isinstance(output, _generic):\n"
        f"        output = _asarray(output)\n"
        f"    return output\n"
    )
    namespace = {
        "_function": function,
        "_recording": _recording,
        "_call_recorded": _call_recorded,
        "_op_info": op_info,
        "_defaults": op_info.defaults,
        "_ndarray": np.ndarray,
        "_generic": np.generic,
        "_asarray": np.asarray,
    }
    exec(compile(source, f"<recordable {op_info.name}>", "exec"), namespace)  # noqa: S102
    return namespace["op"]


def _call_recorded(op: _Op, values: tuple):
    """Run ``op`` on plain values while tapes record; record it on those following an input.

    ``values`` are the call's arguments in ``op.parameters`` order.
    """
    plain_values = values
    for value in values:
        if type(value) in _MAY_HOLD_FOLLOWED_OR_TAPE_ARRAY:
            plain_values = plain(values)
            break
    output = op.function(*plain_values)
    if type(output) is not np.ndarray and isinstance(output, np.generic):
        output = np.asarray(output)
    return _record_call(op, values, plain_values, output)


def _record_call(op: _Op, values: tuple, plain_values: tuple, output):
    """``output``, followed (as TapeArrays) and recorded by each tape that follows an input."""
    tracked = None
    for tape in _recording:
        followed = tape._followed_inputs(op, values)
        if followed is not None:
            if tracked is None:
                tracked = output.view(TapeArray) if type(output) is np.ndarray else track(output)
                arguments = dict(zip(op.parameters, plain_values, strict=True))
            tape._append(op, arguments, output, followed, tracked)
    return output if tracked is None else tracked


def stop_gradient(x):
    """``x``'s value, cut from the tape: no gradient flows through it."""
    value = plain(x)
    return value.view(np.ndarray) if isinstance(value, np.ndarray) else np.asarray(value)


def _as_array(output):
    if type(output) is not np.ndarray and isinstance(output, np.generic):
        return np.asarray(output)
    return output


def _is_float(value) -> bool:
    dtype = getattr(value, "dtype", None)
    return dtype is not None and np.issubdtype(np.dtype(dtype), np.inexact)


def _accumulate(gradients: dict, key: int, value) -> None:
    existing = gradients.get(key)
    gradients[key] = value if existing is None else existing + value
