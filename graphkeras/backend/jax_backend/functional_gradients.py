"""``value_and_grad``: JAX's own functional gradients, over arrays this backend accepts.

The function is differentiated by ``jax.value_and_grad``, so it composes
with ``jax.jit`` and the rest of JAX; the differentiated arguments may hold
numpy arrays, Variables or this backend's arrays, in nested lists, tuples
or dicts, and become JAX arrays first.
"""

from __future__ import annotations

from collections.abc import Callable

import jax

from graphkeras.backend.jax_backend.core import convert_to_tensor

__all__ = ["value_and_grad"]


def value_and_grad(
    fn: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable:
    """A function returning ``fn``'s value and its gradients for the arguments ``argnums``."""
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not positions or not all(isinstance(p, int) and p >= 0 for p in positions):
        raise ValueError(
            "value_and_grad: argnums must be a non-negative int or a non-empty tuple of them, "
            f"received {argnums!r}."
        )
    differentiated = jax.value_and_grad(fn, argnums=argnums, has_aux=has_aux)

    def value_and_gradients(*args, **kwargs):
        if max(positions) >= len(args):
            raise ValueError(
                f"value_and_grad: argnums {argnums!r} asks for argument {max(positions)}, "
                f"but the function was called with {len(args)} positional arguments."
            )
        args = [
            jax.tree_util.tree_map(convert_to_tensor, arg) if index in positions else arg
            for index, arg in enumerate(args)
        ]
        return differentiated(*args, **kwargs)

    return value_and_gradients
