"""Finite-difference checks of a layer's gradients, for the layer test files.

:func:`check_layer_gradients` compares the ``GradientTape`` gradients of
``sum(call(*inputs) * w)`` (``w`` a fixed random weighting, from
``gradient_checks.weighting``) with central differences
(``gradient_checks.numeric_gradient``), for every given input array and
every given Variable (at every entry on numpy, at a fixed sample of entries
on other backends). Build the layer with ``dtype="float64"`` so the
differences are accurate.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from gradient_checks import numeric_gradient, weighting

from graphkeras import backend as K


def check_layer_gradients(
    call: Callable,
    inputs: list,
    variables: list,
    rtol: float = 1e-6,
    atol: float = 1e-8,
) -> None:
    """Assert that tape gradients for ``inputs`` and ``variables`` match central differences.

    ``call(*inputs)`` returns the layer's output; ``variables`` are Variables
    it reads (trainable ones are watched by the tape automatically; others
    are watched explicitly). The Variables get their values back afterwards.
    """
    inputs = [np.array(value, dtype="float64") for value in inputs]
    originals = [variable.numpy() for variable in variables]
    w = weighting(K.int_shape(call(*inputs)))

    with K.GradientTape() as tape:
        tape.watch([*inputs, *variables])
        target = K.sum(K.multiply(call(*inputs), w))
    gradients = tape.gradient(target, [*inputs, *variables])

    def loss(values: list) -> float:
        for variable, value in zip(variables, values[len(inputs) :], strict=True):
            variable.assign(value)
        return float(np.sum(K.convert_to_numpy(call(*values[: len(inputs)])) * w))

    values = [*inputs, *originals]
    names = [f"input {i}" for i in range(len(inputs))] + [v.name for v in variables]
    try:
        for index, (gradient, name) in enumerate(zip(gradients, names, strict=True)):
            assert gradient is not None, f"no gradient for {name}"
            found = K.convert_to_numpy(gradient)
            expected = numeric_gradient(loss, values, index, found, K.backend())
            np.testing.assert_allclose(found, expected, rtol=rtol, atol=atol, err_msg=name)
    finally:
        for variable, value in zip(variables, originals, strict=True):
            variable.assign(value)
