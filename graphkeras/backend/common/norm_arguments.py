"""Which axes ``norm`` reduces and which orders it takes, checked alike by every backend.

One axis holds vectors, two axes hold matrices; ``axis=None`` means every
axis with the default ``ord`` (the 2-norm of the flattened array) and, with
another ``ord``, the only axis of a vector or the two of a matrix.

Vector norms by ``ord``: None or 2 (``sqrt(sum(x²))``), 1 (``sum(|x|)``),
``inf`` / ``-inf`` (largest / smallest ``|x|``), 0 (the count of non-zero
entries) and any other number p (``sum(|x|^p)^(1/p)``). Matrix norms: None
or ``'fro'`` (Frobenius), ``'nuc'`` (sum of singular values), 1 / -1
(largest / smallest column sum of ``|x|``), ``inf`` / ``-inf`` (largest /
smallest row sum), 2 / -2 (largest / smallest singular value).
"""

from __future__ import annotations

import math

import numpy as np

MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


def norm_axes(function: str, ndim: int, ord, axis) -> tuple:
    """The normalised axes the norm reduces: one (vectors) or two (matrices).

    ``axis=None`` with ``ord=None`` gives every axis (the flattened 2-norm).
    """
    if axis is None:
        if ord is None or ndim in (1, 2):
            return tuple(range(ndim))
        raise ValueError(
            f"{function}() with ord={ord!r} needs an axis for an array of rank {ndim} "
            "(without one only a vector or a matrix has a norm of that order)."
        )
    axes = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    if not 1 <= len(axes) <= 2 or any(not -ndim <= a < ndim for a in axes):
        raise ValueError(
            f"{function}() needs axis as one axis (vectors) or two (matrices) of an array "
            f"of rank {ndim}; received axis={axis!r}."
        )
    axes = tuple(a % ndim for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"{function}() needs two different axes, received axis={axis!r}.")
    return axes


def check_ord(ord, axes: tuple) -> None:
    """Refuse an ``ord`` that has no meaning for the vectors or matrices on ``axes``."""
    if isinstance(ord, bool):
        raise ValueError(f"norm() needs ord as a number, 'fro' or 'nuc', received {ord!r}.")
    if len(axes) == 2 and ord not in MATRIX_ORDS:
        raise ValueError(
            "norm() of matrices (two axes) takes ord None, 'fro', 'nuc', 1, -1, 2, -2, inf "
            f"or -inf; received ord={ord!r}."
        )
    if len(axes) == 1 and not (ord is None or isinstance(ord, (int, float, np.number))):
        raise ValueError(f"norm() of vectors (one axis) needs a number ord, received {ord!r}.")
