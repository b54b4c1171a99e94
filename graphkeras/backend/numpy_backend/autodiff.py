"""Reverse-mode automatic differentiation over the numpy backend's own ops.

The model is micrograd's, vectorised: while a :class:`GradientTape` records,
every backend op that receives a watched value (a trainable Variable, an
array passed to ``tape.watch``, or an array an earlier recorded op produced)
appends one record to the tape: the op, its arguments, its output and the
function that maps the output's gradient to its inputs' gradients.
``tape.gradient`` then walks the records backwards once (they are already in
execution order), accumulating gradients by array identity.

Ops are made recordable by :func:`differentiable`, which wraps the plain
function; when no tape records, the wrapper costs one list check. An op
declared without a gradient (a comparison, ``argmax``) is still recorded,
so that a gradient reaching it raises an error naming the op instead of
being silently dropped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from graphkeras.backend.numpy_backend.variable import Variable

# The tapes recording now, innermost last.
_recording: list[GradientTape] = []


class NotDifferentiableError(ValueError):
    """A gradient reached an op that has none."""


class GradientTape:
    """Records backend ops so that gradients of a result can be computed.

    >>> with GradientTape() as tape:
    ...     loss = K.sum(K.square(K.dot(x, kernel)))
    >>> (kernel_gradient,) = tape.gradient(loss, [kernel])

    Trainable Variables used inside the block are watched automatically
    (``watch_accessed_variables``); other values with :meth:`watch`. A
    non-persistent tape gives one set of gradients, then frees its records.
    Gradients are not themselves recorded (no higher-order derivatives).
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._records: list[tuple] = []
        # id -> object, for everything whose gradient the tape can follow.
        self._tracked: dict[int, Any] = {}
        self._used = False

    def __enter__(self) -> GradientTape:
        _recording.append(self)
        return self

    def __exit__(self, *exc_info) -> None:
        _recording.remove(self)

    def watch(self, values) -> None:
        """Follow gradients into ``values`` (arrays or Variables, or a list of them)."""
        for value in values if isinstance(values, (list, tuple)) else [values]:
            self._tracked[id(value)] = value

    def stop_recording(self):
        """A context in which ops are not recorded on this tape."""
        return _Paused(self)

    def reset(self) -> None:
        """Forget every record and watched value."""
        self._records.clear()
        self._tracked.clear()
        self._used = False

    def watched_variables(self) -> list:
        return [value for value in self._tracked.values() if isinstance(value, Variable)]

    # ----------------------------------------------------------- recording
    def _is_tracked(self, value) -> bool:
        if id(value) in self._tracked:
            return True
        if self.watch_accessed_variables and type(value) is Variable and value.trainable:
            self._tracked[id(value)] = value
            return True
        return False

    def _record(self, op: _Op, arguments: dict, output) -> None:
        inputs: list = []
        needs: dict = {}
        for parameter in op.inputs:
            value = arguments.get(parameter)
            if isinstance(value, (list, tuple)):
                flags = [_is_array(item) and self._is_tracked(item) for item in value]
                inputs.extend(item for item, flag in zip(value, flags, strict=True) if flag)
                needs[parameter] = flags
            else:
                needs[parameter] = _is_array(value) and self._is_tracked(value)
                if needs[parameter]:
                    inputs.append(value)
        if not inputs or any(output is item for item in inputs):
            # An op that hands back its own input (a cast to the same dtype) is
            # the identity: recording it would count that input's gradient twice.
            return
        self._records.append((op, arguments, output, needs))
        for produced in output if isinstance(output, tuple) else (output,):
            self._tracked[id(produced)] = produced

    # ----------------------------------------------------------- gradients
    def gradient(self, target, sources, output_gradients=None):
        """Gradients of ``target`` (or the sum of a list of targets) for each source.

        ``sources`` is one value or a list; the result has the same form. A
        source the target does not depend on gives None, as in TensorFlow.
        Raises ``NotDifferentiableError`` when the gradient would have to
        pass through an op without one, and ``ValueError`` when the target
        was not computed by recorded ops.
        """
        if self._used and not self.persistent:
            raise RuntimeError(
                "A non-persistent GradientTape gives one set of gradients; "
                "use GradientTape(persistent=True) to compute several."
            )
        if _recording and _recording[-1] is self:
            raise RuntimeError("Call tape.gradient outside the tape's `with` block.")
        single = not isinstance(sources, (list, tuple))
        source_list = [sources] if single else list(sources)
        targets = target if isinstance(target, (list, tuple)) else [target]
        seeds = (
            output_gradients
            if isinstance(output_gradients, (list, tuple))
            else [output_gradients] * len(targets)
        )
        source_ids = {id(source) for source in source_list}
        gradients: dict[int, Any] = {}
        for value, seed in zip(targets, seeds, strict=True):
            if id(value) not in self._tracked and id(value) not in source_ids:
                raise ValueError(
                    "The gradient target was not computed on this tape from a watched value: "
                    "compute it with graphkeras.backend functions inside the tape's `with` "
                    "block (plain numpy operations are not recorded)."
                )
            array = _value(value)
            start = np.ones_like(array) if seed is None else np.asarray(seed, dtype=array.dtype)
            _accumulate(gradients, id(value), start)

        for op, arguments, output, needs in reversed(self._records):
            outputs = output if isinstance(output, tuple) else (output,)
            upstream = [
                gradients.get(id(item)) if id(item) in source_ids else gradients.pop(id(item), None)
                for item in outputs
            ]
            if all(item is None for item in upstream):
                continue
            if op.gradient is None:
                raise NotDifferentiableError(
                    f"The gradient reaches backend op '{op.name}', which has no gradient; "
                    "the path from a watched value to the target must avoid it."
                )
            cotangent = upstream[0] if len(outputs) == 1 else upstream
            input_gradients = op.gradient(cotangent, output, arguments, needs)
            for parameter, flag in needs.items():
                if isinstance(flag, list):
                    for item, item_flag, item_gradient in zip(
                        arguments[parameter], flag, input_gradients[parameter], strict=True
                    ):
                        if item_flag and item_gradient is not None:
                            _accumulate(gradients, id(item), item_gradient)
                elif flag and input_gradients.get(parameter) is not None:
                    _accumulate(gradients, id(arguments[parameter]), input_gradients[parameter])

        result = [gradients.get(id(source)) for source in source_list]
        self._used = True
        if not self.persistent:
            self._records.clear()
            self._tracked.clear()
        return result[0] if single else result


class _Paused:
    def __init__(self, tape: GradientTape) -> None:
        self._tape = tape
        self._index: int | None = None

    def __enter__(self) -> None:
        self._index = _recording.index(self._tape)
        _recording.pop(self._index)

    def __exit__(self, *exc_info) -> None:
        _recording.insert(self._index, self._tape)


class _Op:
    """What a record needs to know of an op: its name, inputs and gradient."""

    __slots__ = ("name", "gradient", "inputs", "parameters", "defaults")

    def __init__(self, name: str, function: Callable, gradient, inputs: tuple) -> None:
        signature = inspect.signature(function)
        self.name = name
        self.gradient = gradient
        self.inputs = inputs
        self.parameters = tuple(signature.parameters)
        self.defaults = {
            key: parameter.default
            for key, parameter in signature.parameters.items()
            if parameter.default is not inspect.Parameter.empty
        }

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
    the signature (as dataclasses do) and only builds the arguments dict
    when a tape records. Numpy scalars (a reduction of a whole array) come
    back as 0-d arrays, so the tape can follow them like any array.
    """
    signature = inspect.signature(function)
    names = list(signature.parameters)
    if any(p.kind not in (p.POSITIONAL_OR_KEYWORD,) for p in signature.parameters.values()):

        def generic(*args, **kwargs):
            output = function(*args, **kwargs)
            if type(output) is not np.ndarray and isinstance(output, np.generic):
                output = np.asarray(output)
            if _recording:
                arguments = op_info.bind(args, kwargs)
                for tape in _recording:
                    tape._record(op_info, arguments, output)
            return output

        return generic
    parameters = ", ".join(
        name
        if signature.parameters[name].default is inspect.Parameter.empty
        else f"{name}=_defaults[{name!r}]"
        for name in names
    )
    passed = ", ".join(names)
    collected = ", ".join(f"{name!r}: {name}" for name in names)
    source = (
        f"def op({parameters}):\n"
        f"    output = _function({passed})\n"
        f"    if type(output) is not _ndarray and isinstance(output, _generic):\n"
        f"        output = _asarray(output)\n"
        f"    if _recording:\n"
        f"        _record_all(_op_info, {{{collected}}}, output)\n"
        f"    return output\n"
    )
    namespace = {
        "_function": function,
        "_recording": _recording,
        "_record_all": _record_all,
        "_op_info": op_info,
        "_defaults": op_info.defaults,
        "_ndarray": np.ndarray,
        "_generic": np.generic,
        "_asarray": np.asarray,
    }
    exec(compile(source, f"<recordable {op_info.name}>", "exec"), namespace)  # noqa: S102
    return namespace["op"]


def _record_all(op_info: _Op, arguments: dict, output) -> None:
    for tape in _recording:
        tape._record(op_info, arguments, output)


def stop_gradient(x):
    """``x``'s value, cut from the tape: no gradient flows through it."""
    value = _value(x)
    return value.view() if isinstance(value, np.ndarray) else np.asarray(value)


def _is_array(value) -> bool:
    return isinstance(value, (np.ndarray, Variable))


def _value(x):
    return x.value if type(x) is Variable else x


def _accumulate(gradients: dict, key: int, value) -> None:
    existing = gradients.get(key)
    gradients[key] = value if existing is None else existing + value
