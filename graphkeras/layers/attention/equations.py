"""The einsum equations of multi-head attention, for inputs of any rank.

Axes are named by letters in order (``a`` for axis 0, ``b`` for axis 1,
...). The projections map ``(batch, <steps>, features)`` to ``(batch,
<steps>, heads, size)`` and back; the attention equations work on projected
tensors ``(batch, <steps>, heads, size)``, where ``attention_axes`` (among
the step axes) are the ones attended over and the other step axes act as
batch axes.

For the usual rank-3 input, with ``attention_axes=(1,)``::

    projection in:   "abc,cde->abde"    (batch, T, dim) x (dim, N, H) -> (batch, T, N, H)
    scores:          "aecd,abcd->acbe"  key (batch, S, N, H), query -> (batch, N, T, S)
    combination:     "acbe,aecd->abcd"  scores, value (batch, S, N, H) -> (batch, T, N, H)
    projection out:  "abcd,cde->abe"    (batch, T, N, H) x (N, H, dim) -> (batch, T, dim)
"""

from __future__ import annotations

import string
from typing import NamedTuple


def _letters(start: int, count: int) -> str:
    return string.ascii_lowercase[start : start + count]


class Projection(NamedTuple):
    """An ``EinsumDense`` equation, its bias letters, and the rank of its output."""

    equation: str
    bias_axes: str
    output_rank: int


def projection(free_dims: int, bound_dims: int, output_dims: int) -> Projection:
    """The equation that keeps ``free_dims`` leading axes, contracts the next ``bound_dims``
    with the kernel, and adds ``output_dims`` axes from the kernel (which carry the bias).

    >>> projection(2, 1, 2)
    Projection(equation='abc,cde->abde', bias_axes='de', output_rank=4)
    """
    free = _letters(0, free_dims)
    bound = _letters(free_dims, bound_dims)
    produced = _letters(free_dims + bound_dims, output_dims)
    equation = f"{free}{bound},{bound}{produced}->{free}{produced}"
    return Projection(equation, produced, free_dims + output_dims)


class AttentionEquations(NamedTuple):
    """The two einsums of dot-product attention, and the scores' layout."""

    dot_product: str  # key, query -> scores
    combine: str  # scores, value -> attended values
    scores_rank: int
    # Axes of the projected query and key that the scores' axes come from, in order.
    batch_axes: tuple
    attention_axes: tuple


def attention(rank: int, attention_axes: tuple) -> AttentionEquations:
    """The score and combination equations for projected tensors of ``rank`` axes.

    The scores have the batch axes (the heads axis among them) first, then
    the query's attention axes, then the key's.

    >>> attention(4, (1,)).dot_product
    'aecd,abcd->acbe'
    """
    target = _letters(0, rank)
    batch_axes = tuple(
        axis for axis in range(rank) if axis not in attention_axes and axis != rank - 1
    )
    source = list(target)
    next_letter = rank
    for axis in range(rank):
        if axis in attention_axes:
            source[axis] = string.ascii_lowercase[next_letter]
            next_letter += 1
    source = "".join(source)
    product = "".join(
        [target[axis] for axis in batch_axes]
        + [target[axis] for axis in attention_axes]
        + [source[axis] for axis in attention_axes]
    )
    return AttentionEquations(
        dot_product=f"{source},{target}->{product}",
        combine=f"{product},{source}->{target}",
        scores_rank=len(product),
        batch_axes=batch_axes,
        attention_axes=tuple(attention_axes),
    )
