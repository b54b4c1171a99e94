"""The shape checks of the matrix ops (``batch_dot``, ``tril``/``triu``, ``inv``, ``solve``...).

Every backend reads the same shapes the same way and refuses the same
mismatches with the same words; only the arithmetic is its own.
"""

from __future__ import annotations


def batch_dot_axes(x_shape: tuple, y_shape: tuple, axes) -> tuple[int, int]:
    """The non-negative axes ``batch_dot`` contracts: ``axes`` an int or a pair.

    Neither may be the batch axis (0), and both must have the same length.
    """
    if isinstance(axes, int):
        axes = (axes, axes)
    axis_x = axes[0] % len(x_shape)
    axis_y = axes[1] % len(y_shape)
    if axis_x == 0 or axis_y == 0:
        raise ValueError(f"batch_dot cannot contract the batch axis; received axes={axes}.")
    if x_shape[axis_x] != y_shape[axis_y]:
        raise ValueError(
            f"batch_dot expected axes of equal length; received x.shape={x_shape}, "
            f"y.shape={y_shape}, axes={tuple(axes)}."
        )
    return axis_x, axis_y


def check_matrix_rank(function: str, shape: tuple) -> None:
    """``function`` works on the last two axes: the array needs at least two."""
    if len(shape) < 2:
        raise ValueError(
            f"{function}() needs an array of rank 2 or more (it works on the last two axes); "
            f"received shape {shape}."
        )


def check_square(function: str, shape: tuple) -> None:
    """``function`` needs square matrices ``(..., n, n)``."""
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"{function}() needs square matrices (..., n, n), received shape {shape}.")


def solves_vectors(a_shape: tuple, b_shape: tuple) -> bool:
    """Whether ``solve(a, b)`` reads ``b`` as one vector per matrix, after checking it fits.

    ``b`` is ``(..., n, k)`` (matrices) or ``(..., n)`` (vectors) for ``a``
    of shape ``(..., n, n)``.
    """
    vector = len(b_shape) == len(a_shape) - 1
    if len(b_shape) not in (len(a_shape), len(a_shape) - 1) or (
        b_shape[-1 if vector else -2] != a_shape[-1]
    ):
        raise ValueError(
            f"solve() needs b of shape (..., {a_shape[-1]}, k) or (..., {a_shape[-1]}) for a of "
            f"shape {a_shape}, received {b_shape}."
        )
    return vector
