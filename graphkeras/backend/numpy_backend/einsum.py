"""Einstein summation on numpy arrays, and its gradient.

``einsum("btd,dnh->btnh", x, kernel)`` names every axis of every operand
with a letter; letters shared between operands are multiplied together,
letters missing from the output are summed. It is the one op behind
``EinsumDense`` and ``MultiHeadAttention``.

The gradient for an operand is itself an einsum: the upstream gradient
contracted with the other operands, written back to the operand's own
letters. Three cases need a step more than that, and are handled after the
contraction: a letter only this operand has and the output lacks (it was
summed, so its gradient is broadcast back), a letter repeated within the
operand (a diagonal: the gradient is written onto that diagonal, zero
elsewhere), and an axis of length 1 that numpy broadcast against a longer one
(the gradient is summed back to length 1).

The recordable op takes one or two operands (``einsum(subscripts, x)``,
``einsum(subscripts, x, y)``), which is what every layer needs: the tape binds
an op's arguments to named parameters, so a call with any number of operands
cannot be recorded. Chain two-operand einsums for longer products.
"""

from __future__ import annotations

import string

import numpy as np

from graphkeras.backend.common.einsum_arguments import check_einsum_arguments
from graphkeras.backend.numpy_backend.core import unwrap

_ELLIPSIS = "..."


def einsum(subscripts: str, x, y=None, *more) -> np.ndarray:
    """Einstein summation of one or two operands, with numpy's notation and broadcasting.

    ``subscripts`` is numpy's string: explicit (``"ij,jk->ik"``) or implicit
    (``"ij,jk"``: the letters used once, in alphabetical order), with
    ``...`` for leading axes that broadcast.
    """
    check_einsum_arguments(subscripts, more)
    operands = [unwrap(x)] if y is None else [unwrap(x), unwrap(y)]
    return np.asarray(np.einsum(subscripts, *operands, optimize=len(operands) > 1))


# ------------------------------------------------------------------ notation


def explicit_subscripts(subscripts: str, ranks: list[int]) -> tuple[list[str], str]:
    """``(operand letters, output letters)`` with ``...`` spelled out and the output explicit.

    Ellipsis axes get letters the subscripts do not use, aligned from the
    right as broadcasting aligns them. An implicit output is numpy's: the
    ellipsis axes, then the letters that appear once, in character order.

    >>> explicit_subscripts("...ij,jk", [3, 2])
    (['aij', 'jk'], 'aik')
    """
    subscripts = subscripts.replace(" ", "")
    inputs, arrow, output = subscripts.partition("->")
    specs = inputs.split(",")
    if len(specs) != len(ranks):
        raise ValueError(
            f"einsum subscripts {subscripts!r} name {len(specs)} operands, "
            f"but {len(ranks)} were given."
        )
    used = set(subscripts)
    free = [letter for letter in string.ascii_letters if letter not in used]
    # How many axes each operand's "..." stands for (None: it has no "...").
    elided = [
        rank - (len(spec) - len(_ELLIPSIS)) if _ELLIPSIS in spec else None
        for spec, rank in zip(specs, ranks, strict=True)
    ]
    ellipsis_letters = "".join(free[: max((n for n in elided if n is not None), default=0)])
    explicit = [
        spec
        if count is None
        else spec.replace(_ELLIPSIS, ellipsis_letters[len(ellipsis_letters) - count :])
        for spec, count in zip(specs, elided, strict=True)
    ]
    if arrow:
        return explicit, output.replace(_ELLIPSIS, ellipsis_letters)
    named = "".join(spec.replace(_ELLIPSIS, "") for spec in specs)
    once = sorted(letter for letter in set(named) if named.count(letter) == 1)
    return explicit, ellipsis_letters + "".join(once)


# ------------------------------------------------------------------ gradient


def _unique(spec: str) -> str:
    return "".join(dict.fromkeys(spec))


def operand_gradient(
    upstream: np.ndarray, operands: list, specs: list[str], output: str, index: int
) -> np.ndarray:
    """The gradient for ``operands[index]`` of ``sum(upstream * einsum(specs -> output))``."""
    operand = operands[index]
    spec = specs[index]
    letters = _unique(spec)
    others = [
        (s, o)
        for position, (s, o) in enumerate(zip(specs, operands, strict=True))
        if position != index
    ]
    reachable = set(output).union(*(set(s) for s, _ in others))
    kept = "".join(letter for letter in letters if letter in reachable)
    equation = ",".join([output, *(s for s, _ in others)]) + "->" + kept
    gradient = np.einsum(equation, upstream, *(o for _, o in others), optimize=len(others) > 0)
    # Back to the operand's letters: summed-away letters come back as length-1 axes.
    sizes = {letter: operand.shape[spec.index(letter)] for letter in letters}
    gradient = np.reshape(
        gradient,
        [gradient.shape[kept.index(letter)] if letter in kept else 1 for letter in letters],
    )
    broadcast_axes = tuple(
        axis
        for axis, letter in enumerate(letters)
        if sizes[letter] == 1 and gradient.shape[axis] != 1
    )
    if broadcast_axes:
        gradient = gradient.sum(axis=broadcast_axes, keepdims=True)
    gradient = np.broadcast_to(gradient, [sizes[letter] for letter in letters])
    if len(letters) == len(spec):
        return np.ascontiguousarray(gradient)
    # A repeated letter reads a diagonal: its gradient lives on that diagonal.
    result = np.zeros(operand.shape, dtype=gradient.dtype)
    index_arrays = tuple(
        np.arange(sizes[letter]).reshape(
            [-1 if position == letters.index(letter) else 1 for position in range(len(letters))]
        )
        for letter in spec
    )
    result[index_arrays] = gradient
    return result


def einsum_gradient(upstream, output, arguments, needs) -> dict:
    """Gradients of ``einsum(subscripts, x, y)`` for the operands that need one."""
    names = ["x"] if arguments["y"] is None else ["x", "y"]
    operands = [np.asarray(unwrap(arguments[name])) for name in names]
    specs, output_letters = explicit_subscripts(
        arguments["subscripts"], [operand.ndim for operand in operands]
    )
    gradients = {}
    for index, name in enumerate(names):
        if needs.get(name):
            gradient = operand_gradient(upstream, operands, specs, output_letters, index)
            gradients[name] = gradient.astype(operands[index].dtype, copy=False)
    return gradients


GRADIENTS: dict = {"einsum": (einsum_gradient, ("x", "y"))}
