"""Square-matrix linear algebra: ``inv``, ``solve``, ``det``, ``logdet``, ``cholesky``.

Each works on a matrix or a batch of them (the last two axes); integer
inputs are computed in ``floatx()``. They are NumPy's LAPACK routines;
what this module adds is their gradients, for the tape:

- ``inv``: with ``Y = inv(A)``, ``dA = -Yᵀ G Yᵀ``;
- ``solve``: with ``X = solve(A, B)``, ``dB = solve(Aᵀ, G)`` and ``dA = -dB Xᵀ``;
- ``det``: ``dA = G det(A) inv(A)ᵀ``; ``logdet`` (``log |det A|``): ``dA = G inv(A)ᵀ``;
- ``cholesky``: with ``A = L Lᵀ``, ``dA = sym(L⁻ᵀ Φ(Lᵀ dL) L⁻¹)``, where ``Φ`` keeps the
  lower triangle with its diagonal halved and ``sym(M) = (M + Mᵀ) / 2`` (Murray,
  2016), the gradient of the symmetric matrix ``A`` is itself symmetric.

The gradients assume what the functions do: invertible matrices (``det``
and ``logdet`` use the inverse) and symmetric positive-definite ones for
``cholesky``, which reads only the lower triangle (the upper with ``upper``).
"""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.matrix_arguments import check_square, solves_vectors
from graphkeras.backend.numpy_backend.core import convert_to_tensor
from graphkeras.backend.numpy_backend.gradients import _cast_like, _v


def _square(x, name: str) -> np.ndarray:
    """``x`` as a float array of square matrices, or a ValueError naming ``name``."""
    x = convert_to_tensor(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx())
    check_square(name, x.shape)
    return x


def _transposed(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def inv(x) -> np.ndarray:
    """The inverse of each matrix; a singular one raises ValueError."""
    x = _square(x, "inv")
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError as error:
        raise ValueError(f"inv() of a singular matrix: {error}.") from None


def solve(a, b) -> np.ndarray:
    """``x`` with ``a @ x == b``; ``b`` is ``(..., n, k)``, or ``(..., n)``: a vector per matrix."""
    a = _square(a, "solve")
    b = convert_to_tensor(b)
    if not np.issubdtype(b.dtype, np.floating):
        b = b.astype(a.dtype)
    vector = solves_vectors(a.shape, b.shape)
    try:
        result = np.linalg.solve(a, b[..., None] if vector else b)
    except np.linalg.LinAlgError as error:
        raise ValueError(f"solve() with a singular matrix: {error}.") from None
    return result[..., 0] if vector else result


def det(x) -> np.ndarray:
    """The determinant of each matrix."""
    return np.linalg.det(_square(x, "det"))


def logdet(x) -> np.ndarray:
    """``log |det x|`` of each matrix, without the overflow of ``det`` (NumPy's ``slogdet``)."""
    return np.linalg.slogdet(_square(x, "logdet"))[1]


def cholesky(x, upper: bool = False) -> np.ndarray:
    """``L`` lower triangular with ``x == L @ Lᵀ`` (``U`` upper, ``x == Uᵀ U``, with ``upper``)."""
    x = _square(x, "cholesky")
    try:
        lower = np.linalg.cholesky(x)
    except np.linalg.LinAlgError as error:
        raise ValueError(
            f"cholesky() of a matrix that is not positive definite: {error}."
        ) from None
    return _transposed(lower) if upper else lower


# ---------------------------------------------------------------- gradients


def inv_gradient(upstream, output, arguments, needs) -> dict:
    inverse_t = _transposed(output)
    return {"x": _cast_like(-(inverse_t @ upstream @ inverse_t), _v(arguments["x"]))}


def solve_gradient(upstream, output, arguments, needs) -> dict:
    a, b = _v(arguments["a"]), _v(arguments["b"])
    vector = b.ndim == a.ndim - 1
    g = upstream[..., None] if vector else upstream
    x = output[..., None] if vector else output
    grad_b = np.linalg.solve(_transposed(a).astype(g.dtype), g)
    result = {}
    if needs["a"]:
        result["a"] = _cast_like(-(grad_b @ _transposed(x)), a)
    if needs["b"]:
        result["b"] = _cast_like(grad_b[..., 0] if vector else grad_b, b)
    return result


def det_gradient(upstream, output, arguments, needs) -> dict:
    x = _v(arguments["x"])
    scale = (upstream * output)[..., None, None]
    return {"x": _cast_like(scale * _transposed(np.linalg.inv(x)), x)}


def logdet_gradient(upstream, output, arguments, needs) -> dict:
    x = _v(arguments["x"])
    return {"x": _cast_like(upstream[..., None, None] * _transposed(np.linalg.inv(x)), x)}


def cholesky_gradient(upstream, output, arguments, needs) -> dict:
    x = _v(arguments["x"])
    upper = arguments.get("upper", False)
    lower = _transposed(output) if upper else output
    g = _transposed(upstream) if upper else upstream
    phi = np.tril(_transposed(lower) @ g)
    diagonal = np.arange(phi.shape[-1])
    phi[..., diagonal, diagonal] *= 0.5
    inverse = np.linalg.inv(lower)
    middle = _transposed(inverse) @ phi @ inverse
    return {"x": _cast_like(0.5 * (middle + _transposed(middle)), x)}


GRADIENTS: dict = {
    "inv": (inv_gradient, ("x",)),
    "solve": (solve_gradient, ("a", "b")),
    "det": (det_gradient, ("x",)),
    "logdet": (logdet_gradient, ("x",)),
    "cholesky": (cholesky_gradient, ("x",)),
}
