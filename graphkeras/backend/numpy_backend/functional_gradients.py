"""``value_and_grad``: the functional form of gradients, over this backend's GradientTape.

JAX users write ``value_and_grad(loss_fn)(params, ...)`` rather than a tape
block; with ``model.stateless_call`` that form trains any model as a pure
function of its weights. Here it runs the function once under a
``GradientTape`` watching every array of the differentiated arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphkeras.backend.numpy_backend.autodiff import GradientTape
from graphkeras.backend.numpy_backend.core import convert_to_tensor, zeros_like


def value_and_grad(
    fn: Callable, argnums: int | tuple[int, ...] = 0, has_aux: bool = False
) -> Callable:
    """A function returning ``fn``'s value and its gradients for the arguments ``argnums``."""
    positions = _positions(argnums)

    def value_and_gradients(*args, **kwargs):
        args = list(args)
        if max(positions) >= len(args):
            raise ValueError(
                f"value_and_grad: argnums {argnums!r} asks for argument {max(positions)}, "
                f"but the function was called with {len(args)} positional arguments."
            )
        with GradientTape(watch_accessed_variables=False) as tape:
            watched = []
            for position in positions:
                leaves, rebuild = _flatten(args[position])
                leaves = [tape.watch(convert_to_tensor(leaf)) for leaf in leaves]
                watched.append((leaves, rebuild))
                args[position] = rebuild(leaves)
            output = fn(*args, **kwargs)
            value, aux = _split_aux(output, has_aux)
        every_leaf = [leaf for leaves, _ in watched for leaf in leaves]
        gradients = tape.gradient(value, every_leaf) if every_leaf else []
        # As jax.value_and_grad: an argument the value does not depend on gets zeros.
        gradients = [
            zeros_like(leaf) if gradient is None else gradient
            for leaf, gradient in zip(every_leaf, gradients, strict=True)
        ]
        grouped = []
        for leaves, rebuild in watched:
            grouped.append(rebuild(gradients[: len(leaves)]))
            gradients = gradients[len(leaves) :]
        result = grouped[0] if isinstance(argnums, int) else tuple(grouped)
        return ((value, aux), result) if has_aux else (value, result)

    return value_and_gradients


def _positions(argnums) -> tuple[int, ...]:
    positions = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not positions or not all(isinstance(p, int) and p >= 0 for p in positions):
        raise ValueError(
            "value_and_grad: argnums must be a non-negative int or a non-empty tuple of them, "
            f"received {argnums!r}."
        )
    return positions


def _split_aux(output: Any, has_aux: bool) -> tuple[Any, Any]:
    if not has_aux:
        return output, None
    if not (isinstance(output, (tuple, list)) and len(output) == 2):
        raise ValueError(
            "value_and_grad(has_aux=True): the function must return a pair (value, aux), "
            f"received {type(output).__name__}."
        )
    return output[0], output[1]


def _flatten(structure: Any) -> tuple[list, Callable[[list], Any]]:
    """The arrays in a (nested) list, tuple or dict, and a function putting new ones in place."""
    if isinstance(structure, (list, tuple)):
        parts = [_flatten(item) for item in structure]
        kind = type(structure)
    elif isinstance(structure, dict):
        keys = list(structure)
        parts = [_flatten(structure[key]) for key in keys]
        kind = dict
    else:
        return [structure], lambda leaves: leaves[0]
    sizes = [len(leaves) for leaves, _ in parts]

    def rebuild(leaves: list) -> Any:
        items, start = [], 0
        for (_, rebuild_part), size in zip(parts, sizes, strict=True):
            items.append(rebuild_part(leaves[start : start + size]))
            start += size
        if kind is dict:
            return dict(zip(keys, items, strict=True))
        return kind(items) if kind in (list, tuple) else kind(*items)

    return [leaf for leaves, _ in parts for leaf in leaves], rebuild
