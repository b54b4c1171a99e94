"""NumPy's ``floor_divide`` and ``mod`` (Python's ``//`` and ``%``) as ONNX nodes.

ONNX's ``Div`` truncates integers toward zero and its float ``Mod`` (with
``fmod=1``) keeps the dividend's sign; NumPy floors the quotient and gives
the remainder the divisor's sign. Both writers start from ONNX's truncated
forms and correct the entries where the signs of remainder and divisor
differ, which reproduces NumPy's results exactly, negatives included:

* integer ``mod``: ONNX ``Mod(fmod=0)`` already has the divisor's sign;
* float ``mod``: ``r = fmod(a, b)``, then ``r + b`` where ``r != 0`` and
  the signs of ``r`` and ``b`` differ;
* integer ``floor_divide``: the truncated quotient, minus one where the
  remainder is non-zero with a sign unlike ``b``'s;
* integers divided by zero give 0, as NumPy gives (ONNX leaves it undefined);
* float ``floor_divide``: NumPy's own steps (``(a - fmod(a, b)) / b``,
  less one on a sign mismatch, floored, plus one if the floor lost more than
  a half), and ``a / b`` where ``b`` is zero (NumPy's inf or NaN).

``call`` is the OnnxLayerCall adding the nodes; both operands are ONNX
names already of ``dtype``, an integer or float NumPy dtype name.
"""

from __future__ import annotations

import numpy as np


def _is_float(dtype: str) -> bool:
    return np.dtype(dtype).kind == "f"


def _signs_differ(call, remainder: str, divisor: str, dtype: str) -> str:
    """Where ``remainder`` is non-zero and its sign is not ``divisor``'s."""
    zero = call.constant(np.zeros((), dtype), dtype, role="zero")
    nonzero = call.add("Not", [call.add("Equal", [remainder, zero])])
    differ = call.add(
        "Xor", [call.add("Less", [remainder, zero]), call.add("Less", [divisor, zero])]
    )
    return call.add("And", [nonzero, differ])


def _integer_by_nonzero(call, divisor: str, dtype: str, write) -> str:
    """``write(safe_divisor)`` where ``divisor`` is not 0, and 0 where it is."""
    zero = call.constant(np.zeros((), dtype), dtype, role="zero")
    one = call.constant(np.ones((), dtype), dtype, role="one")
    by_zero = call.add("Equal", [divisor, zero])
    result = write(call.add("Where", [by_zero, one, divisor]))
    return call.add("Where", [by_zero, zero, result])


def write_mod(call, dividend: str, divisor: str, dtype: str) -> str:
    """``dividend % divisor`` as NumPy computes it in ``dtype``."""
    if not _is_float(dtype):
        return _integer_by_nonzero(
            call, divisor, dtype, lambda safe: call.add("Mod", [dividend, safe], fmod=0)
        )
    remainder = call.add("Mod", [dividend, divisor], fmod=1)
    corrected = call.add("Add", [remainder, divisor])
    return call.add("Where", [_signs_differ(call, remainder, divisor, dtype), corrected, remainder])


def write_floor_divide(call, dividend: str, divisor: str, dtype: str) -> str:
    """``dividend // divisor`` as NumPy computes it in ``dtype``."""
    one = call.constant(np.ones((), dtype), dtype, role="one")
    if not _is_float(dtype):

        def floored(safe: str) -> str:
            quotient = call.add("Div", [dividend, safe])
            remainder = call.add("Sub", [dividend, call.add("Mul", [quotient, safe])])
            lowered = call.add("Sub", [quotient, one])
            return call.add(
                "Where", [_signs_differ(call, remainder, safe, dtype), lowered, quotient]
            )

        return _integer_by_nonzero(call, divisor, dtype, floored)
    remainder = call.add("Mod", [dividend, divisor], fmod=1)
    exact = call.add("Div", [call.add("Sub", [dividend, remainder]), divisor])
    exact = call.add(
        "Where",
        [
            _signs_differ(call, remainder, divisor, dtype),
            call.add("Sub", [exact, one]),
            exact,
        ],
    )
    floored = call.add("Floor", [exact])
    half = call.constant(np.asarray(0.5, dtype), dtype, role="half")
    rounds_up = call.add("Greater", [call.add("Sub", [exact, floored]), half])
    result = call.add("Where", [rounds_up, call.add("Add", [floored, one]), floored])
    zero = call.constant(np.zeros((), dtype), dtype, role="zero")
    by_zero = call.add("Equal", [divisor, zero])
    return call.add("Where", [by_zero, call.add("Div", [dividend, divisor]), result])
