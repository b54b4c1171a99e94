"""Dtype rules the ops share: which ops give floats, and Keras 3's defaults."""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K


def as_tensor(x: Any) -> Any:
    """``x`` as a backend array (arrays and Variables pass through)."""
    if K.is_tensor(x) or K.is_variable(x):
        return x
    return K.convert_to_tensor(x)


def as_float(x: Any) -> Any:
    """``x`` with integer and boolean values cast to ``floatx()``, as Keras 3's float ops do."""
    x = as_tensor(x)
    return x if K.is_float_dtype(K.dtype(x)) else K.cast(x, K.floatx())


def dtype_or_floatx(dtype: Any) -> str:
    """``dtype`` as a name, ``floatx()`` when it is None."""
    return K.floatx() if dtype is None else K.standardize_dtype(dtype)


def accumulation_dtype(dtype: str) -> str:
    """Keras 3's dtype for a sum, product or trace of ``dtype`` values.

    Bools and small integers widen to (u)int32 and other dtypes stay as
    they are (NumPy would widen int32 to int64, Keras 3 does not).
    """
    dtype = K.standardize_dtype(dtype)
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def accumulated(result: Any, dtype: str) -> Any:
    """``result`` cast to ``accumulation_dtype(dtype)`` where the backend widened it."""
    target = accumulation_dtype(dtype)
    return result if K.dtype(result) == target else K.cast(result, target)
