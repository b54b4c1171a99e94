"""Every built-in activation function as ONNX nodes, for layers' ``activation=`` and Activation.

``write_activation(call, function, x, shape)`` adds the nodes computing
``function(x)`` and returns their output. Formulas follow ``graphkeras.activations``
with their default arguments; ``sparsemax`` and ``threshold`` (which has
no defaults) have no ONNX form yet and are refused by name.

``shape`` is ``x``'s recorded shape, which no writer needs today; it is
passed so a writer can use static sizes.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable

from graphkeras import activations
from graphkeras.export.onnx_export_error import OnnxExportError

# The scaled ELU's constants (Klambauer et al., 2017), as graphkeras's backends use them.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _clip(call, x, low, high):
    return call.add("Clip", [x, call.constant(low, role="min"), call.constant(high, role="max")])


def _gelu(call, x, shape):
    half = call.constant(0.5, role="half")
    one = call.constant(1.0, role="one")
    erf = call.add("Erf", [call.add("Mul", [x, call.constant(1 / math.sqrt(2), role="scale")])])
    return call.add("Mul", [call.add("Mul", [x, half]), call.add("Add", [erf, one])])


def _gelu_tanh(call, x, shape):
    cube = call.add("Mul", [call.add("Mul", [x, x]), x])
    inner = call.add("Add", [x, call.add("Mul", [cube, call.constant(0.044715, role="cubic")])])
    scaled = call.add("Mul", [inner, call.constant(math.sqrt(2 / math.pi), role="scale")])
    one = call.constant(1.0, role="one")
    gate = call.add("Add", [call.add("Tanh", [scaled]), one])
    return call.add("Mul", [call.add("Mul", [x, call.constant(0.5, role="half")]), gate])


def _glu(call, x, shape):
    """The last axis split into equal halves (ONNX checks at run time that it is even)."""
    halves = {"num_outputs": 2} if call.opset >= 18 else {}
    values, gates = call.add("Split", [x], outputs=2, axis=-1, **halves)
    return call.add("Mul", [values, call.add("Sigmoid", [gates])])


def _squareplus(call, x, shape):
    root = call.add("Sqrt", [call.add("Add", [call.add("Mul", [x, x]), call.constant(4.0)])])
    return call.add("Mul", [call.add("Add", [x, root]), call.constant(0.5, role="half")])


def _sparse_plus(call, x, shape):
    zero, one = call.constant(0.0, role="zero"), call.constant(1.0, role="one")
    shifted = call.add("Add", [x, one])
    curve = call.add("Mul", [call.add("Mul", [shifted, shifted]), call.constant(0.25)])
    upper = call.add("Where", [call.add("Less", [x, one]), curve, x])
    below = call.add("LessOrEqual", [x, call.constant(-1.0, role="minus_one")])
    return call.add("Where", [below, zero, upper])


def _sparse_sigmoid(call, x, shape):
    half = call.constant(0.5, role="half")
    return _clip(call, call.add("Mul", [call.add("Add", [x, call.constant(1.0)]), half]), 0.0, 1.0)


def _one(op_type: str, **attributes) -> Callable:
    return lambda call, x, shape: call.add(op_type, [x], **attributes)


WRITERS: dict[Callable, Callable] = {
    activations.linear: lambda call, x, shape: x,
    activations.relu: _one("Relu"),
    activations.relu6: lambda call, x, shape: _clip(call, x, 0.0, 6.0),
    activations.leaky_relu: lambda call, x, shape, negative_slope=0.2: call.add(
        "LeakyRelu", [x], alpha=float(negative_slope)
    ),
    activations.elu: lambda call, x, shape, alpha=1.0: call.add("Elu", [x], alpha=float(alpha)),
    activations.selu: _one("Selu", alpha=SELU_ALPHA, gamma=SELU_SCALE),
    activations.celu: lambda call, x, shape, alpha=1.0: call.add("Celu", [x], alpha=float(alpha)),
    activations.gelu: lambda call, x, shape, approximate=False: write_gelu(call, x, approximate),
    activations.sigmoid: _one("Sigmoid"),
    activations.hard_sigmoid: _one("HardSigmoid", alpha=1 / 6, beta=0.5),
    activations.silu: lambda call, x, shape: call.add("Mul", [x, call.add("Sigmoid", [x])]),
    activations.hard_silu: lambda call, x, shape: call.add(
        "Mul", [x, call.add("HardSigmoid", [x], alpha=1 / 6, beta=0.5)]
    ),
    activations.tanh: _one("Tanh"),
    activations.softplus: _one("Softplus"),
    activations.softsign: _one("Softsign"),
    activations.softmax: lambda call, x, shape, axis=-1: call.add("Softmax", [x], axis=int(axis)),
    activations.log_softmax: lambda call, x, shape, axis=-1: call.add(
        "LogSoftmax", [x], axis=int(axis)
    ),
    activations.exponential: _one("Exp"),
    activations.mish: lambda call, x, shape: call.add(
        "Mul", [x, call.add("Tanh", [call.add("Softplus", [x])])]
    ),
    activations.log_sigmoid: lambda call, x, shape: call.add(
        "Neg", [call.add("Softplus", [call.add("Neg", [x])])]
    ),
    activations.hard_tanh: lambda call, x, shape: _clip(call, x, -1.0, 1.0),
    activations.tanh_shrink: lambda call, x, shape: call.add("Sub", [x, call.add("Tanh", [x])]),
    activations.soft_shrink: lambda call, x, shape, threshold=0.5: call.add(
        "Shrink", [x], lambd=float(threshold), bias=float(threshold)
    ),
    activations.hard_shrink: lambda call, x, shape, threshold=0.5: call.add(
        "Shrink", [x], lambd=float(threshold), bias=0.0
    ),
    activations.squareplus: _squareplus,
    activations.sparse_plus: _sparse_plus,
    activations.sparse_sigmoid: _sparse_sigmoid,
    activations.glu: _glu,
}


def write_activation(call, function: Callable, x: str, shape: tuple) -> str:
    """Add the nodes of ``function(x)``; an activation without an ONNX form is refused by name.

    A ``functools.partial`` of a built-in with keyword arguments
    (``partial(gelu, approximate=True)``) is written with those arguments.
    """
    options: dict = {}
    if isinstance(function, functools.partial) and not function.args:
        function, options = function.func, dict(function.keywords)
    writer = WRITERS.get(function)
    if writer is not None and (not options or _takes(writer, options)):
        return writer(call, x, shape, **options)
    name = getattr(function, "__name__", repr(function))
    raise OnnxExportError(
        f"{type(call.layer).__name__} layer '{call.layer.name}' uses the activation "
        f"{name!r}{f' with {options}' if options else ''}, which has no ONNX form; use a "
        "built-in activation with one, or register a converter for the layer."
    )


def _takes(writer: Callable, options: dict) -> bool:
    try:
        inspect.signature(writer).bind(None, None, None, **options)
    except TypeError:
        return False
    return True


def write_gelu(call, x: str, approximate: bool) -> str:
    """GELU, exact (through Erf) or in its tanh form."""
    return (_gelu_tanh if approximate else _gelu)(call, x, ())
