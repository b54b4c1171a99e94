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
