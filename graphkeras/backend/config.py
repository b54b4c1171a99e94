"""Global settings every backend shares: float type, epsilon, image layout, names.

These are process-wide, as in Keras. They live apart from any one backend so
that switching backends keeps them, and so that the engine can read them
without knowing which backend is loaded.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_IMAGE_DATA_FORMATS = ("channels_last", "channels_first")

# prefix -> itertools.count; a fresh counter per prefix hands out 0, 1, 2, ...
_UID_COUNTERS: defaultdict[str, itertools.count] = defaultdict(itertools.count)
_SESSION_CLEARERS: list = []


def floatx() -> str:
    """The default float type, as a string (``"float32"`` unless changed)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type: one of ``float16``, ``float32``, ``float64``."""
    global _FLOATX
    allowed = ("float16", "bfloat16", "float32", "float64")
    if value not in allowed:
        raise ValueError(f"set_floatx expected one of {allowed}, received {value!r}.")
    _FLOATX = str(value)


def epsilon() -> float:
    """The fuzz factor used to avoid division by zero (``1e-7``)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor returned by :func:`epsilon`."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Set the default image layout for convolution-style layers."""
    global _IMAGE_DATA_FORMAT
    if data_format not in _IMAGE_DATA_FORMATS:
        raise ValueError(
            f"set_image_data_format expected one of {_IMAGE_DATA_FORMATS}, "
            f"received {data_format!r}."
        )
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """Return ``data_format``, or the global default when it is None; reject others."""
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    if data_format not in _IMAGE_DATA_FORMATS:
        raise ValueError(
            f"data_format expected one of {_IMAGE_DATA_FORMATS}, received {data_format!r}."
        )
    return data_format


def standardize_dtype(dtype) -> str:
    """Turn any dtype spelling (``np.float32``, ``"float32"``, ``None``) into its name.

    ``None`` means the default float type. Text has one name, ``"string"``
    (Keras's): ``"str"``, ``str``, ``bytes`` and NumPy's unicode, bytes and
    object arrays' dtypes all standardize to it, so string inputs can flow
    to the layers that read them (StringLookup, TextVectorization). Names
    are cached: this runs on every layer call and weight creation.
    """
    if dtype is None:
        return _FLOATX
    try:
        return _DTYPE_NAMES[dtype]
    except (KeyError, TypeError):
        pass
    if isinstance(dtype, str) and dtype in ("bfloat16", "string"):
        return dtype
    if dtype == "str" or dtype is str or dtype is bytes:
        return "string"
    try:
        numpy_dtype = np.dtype(dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(f"Expected a dtype name such as 'float32', received {dtype!r}.") from error
    if numpy_dtype.kind in "USO":
        name = "string"
    elif numpy_dtype.kind not in "biufc":
        raise TypeError(
            f"Expected a numeric or bool dtype such as 'float32', received {dtype!r} "
            f"({numpy_dtype})."
        )
    else:
        name = numpy_dtype.name
    try:
        _DTYPE_NAMES[dtype] = name
    except TypeError:
        pass
    return name


_DTYPE_NAMES: dict = {}


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` names a floating-point type."""
    name = standardize_dtype(dtype)
    return name.startswith("float") or name == "bfloat16"


def get_uid(prefix: str = "") -> int:
    """Return the next number for ``prefix``: 0 the first time, then 1, 2, ...

    Automatic layer and tensor names are built from these counters, which
    :func:`clear_session` resets.
    """
    return next(_UID_COUNTERS[prefix])


def reset_uids() -> None:
    """Forget every name counter, so automatic names start again from the first."""
    _UID_COUNTERS.clear()


def on_clear_session(callback) -> None:
    """Register ``callback()`` to run on every :func:`clear_session`.

    The engine uses this to reset state it owns without the backend knowing it.
    """
    _SESSION_CLEARERS.append(callback)


def clear_session() -> None:
    """Reset automatic names and any global graph state."""
    reset_uids()
    for callback in _SESSION_CLEARERS:
        callback()
