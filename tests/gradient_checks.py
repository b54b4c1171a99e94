"""Finite-difference gradient checks shared by the gradient test files.

A :class:`Case` names a backend op, a function of the backend ``B`` and its
inputs, and which inputs are watched; :func:`run_gradient_check` compares the
tape's gradients with central differences in float64.

Op families kept in their own backend module (convolution, pooling, ...)
bring their cases in a module ``tests/gradient_cases_<family>.py`` defining
``CASES`` (and, when they add interface names that are not array ops,
``NOT_ARRAY_OPS``; when they add ops recorded without a gradient,
``NOT_DIFFERENTIABLE_PATHS``: op name -> ``path(B, x)``, a target computed
from a watched ``x`` whose gradient must pass through that op);
``tests/test_gradients.py`` collects every such module, so its coverage
checks see the whole backend.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

STEP = 1e-6


def to_np(B, x) -> np.ndarray:
    return np.asarray(B.convert_to_numpy(x))


def weighting(shape, seed: int = 0) -> np.ndarray:
    """The fixed random weights that reduce an output to a scalar loss."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def weighted_sum_gradient(B, function: Callable, x, weights=None) -> np.ndarray:
    """The tape's gradient for ``x`` of ``sum(function(x) * weights)`` (or of ``sum``).

    For the exact-value gradient checks of the conformance suites: with
    weights like 1, 10, 100 the gradient shows which output each entry of
    ``x`` reached.
    """
    x = B.convert_to_tensor(np.asarray(x, dtype="float64"))
    with B.GradientTape() as tape:
        tape.watch(x)
        output = function(x)
        if weights is not None:
            output = B.multiply(output, B.convert_to_tensor(np.asarray(weights, "float64")))
        target = B.sum(output)
    return to_np(B, tape.gradient(target, x))


# On a backend other than numpy each op is dispatched to a compiler's runtime,
# which makes differencing every entry slow; there the differences are taken
# at this many entries of each array, drawn once with a fixed seed. The numpy
# run still differences every entry, so the layer math is checked in full; the
# sample checks that the other backend's tape reaches every input and weight.
SAMPLED_ENTRIES = 6


def entries_to_difference(shape: tuple, backend_name: str) -> list:
    """Every entry of an array of ``shape`` on numpy; a fixed sample on other backends."""
    positions = list(np.ndindex(*shape))
    if backend_name == "numpy" or len(positions) <= SAMPLED_ENTRIES:
        return positions
    chosen = np.random.default_rng(1).choice(len(positions), SAMPLED_ENTRIES, replace=False)
    return [positions[i] for i in sorted(chosen)]


def numeric_gradient(
    loss: Callable[[list], float],
    values: list,
    index: int,
    tape_gradient: np.ndarray | None = None,
    backend_name: str = "numpy",
) -> np.ndarray:
    """Central differences of ``loss(values)`` with respect to ``values[index]``.

    With ``backend_name`` other than numpy only a sample of entries is
    differenced (:func:`entries_to_difference`) and the others are copied
    from ``tape_gradient``, so comparing the two checks just the sample.
    """
    positions = entries_to_difference(np.shape(values[index]), backend_name)
    if tape_gradient is None or len(positions) == np.size(values[index]):
        gradient = np.zeros_like(values[index], dtype="float64")
    else:
        gradient = np.array(tape_gradient, dtype="float64")
    for position in positions:
        shifted = []
        for sign in (1.0, -1.0):
            moved = [np.array(value, copy=True) for value in values]
            moved[index][position] += sign * STEP
            shifted.append(loss(moved))
        gradient[position] = (shifted[0] - shifted[1]) / (2 * STEP)
    return gradient


def backend_name_of(B) -> str:
    """``"numpy"`` or ``"jax"`` for a backend module from the ``B`` fixture."""
    return "jax" if "jax" in B.__name__ else "numpy"


@dataclass
class Case:
    """One gradient check: ``function(B, *inputs)`` with the inputs in ``watched`` watched."""

    op: str
    id: str
    function: Callable
    inputs: list
    watched: tuple | None = None  # indices; None watches every input
    rtol: float = 1e-6
    atol: float = 1e-8
    arrays: list = field(init=False)

    def __post_init__(self) -> None:
        self.arrays = [np.asarray(value, dtype="float64") for value in self.inputs]


def run_gradient_check(B, case: Case) -> None:
    watched = range(len(case.arrays)) if case.watched is None else case.watched
    inputs = [B.convert_to_tensor(np.array(value)) for value in case.arrays]
    output_shape = np.shape(to_np(B, case.function(B, *inputs)))
    w = weighting(output_shape)

    def loss(values: list) -> float:
        tensors = [B.convert_to_tensor(value) for value in values]
        return float(np.sum(to_np(B, case.function(B, *tensors)) * w))

    with B.GradientTape() as tape:
        tape.watch([inputs[i] for i in watched])
        target = B.sum(B.multiply(case.function(B, *inputs), B.convert_to_tensor(w)))
    gradients = tape.gradient(target, inputs)
    for index, gradient in enumerate(gradients):
        if index not in watched:
            assert gradient is None, f"input {index} is not watched but got a gradient"
            continue
        assert gradient is not None, f"input {index} got no gradient"
        assert tuple(B.int_shape(gradient)) == case.arrays[index].shape
        assert B.dtype(gradient) == "float64"
        found = to_np(B, gradient)
        expected = numeric_gradient(loss, case.arrays, index, found, backend_name_of(B))
        np.testing.assert_allclose(
            found,
            expected,
            rtol=case.rtol,
            atol=case.atol,
            err_msg=f"{case.op} [{case.id}], input {index}",
        )


def family_modules() -> list:
    """The ``gradient_cases_*`` modules beside this file, imported, in name order."""
    folder = Path(__file__).resolve().parent
    return [
        importlib.import_module(path.stem) for path in sorted(folder.glob("gradient_cases_*.py"))
    ]
