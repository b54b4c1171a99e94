"""``stop_gradient`` cuts the tape even when it is given the watched array itself.

A tape that knows arrays by identity must not take ``stop_gradient(x)`` for
``x``: ``x - stop_gradient(x)`` is zero with a gradient of one, the trick
ops such as ``fmod`` use to give a value one gradient and compute it
another way.
"""

from __future__ import annotations

import numpy as np


def test_x_minus_its_stopped_copy_has_a_gradient_of_one(B):
    x = B.convert_to_tensor(np.array([5.3, -5.3, 0.7]))
    with B.GradientTape() as tape:
        tape.watch(x)
        difference = B.subtract(x, B.stop_gradient(x))
        target = B.sum(B.multiply(difference, B.convert_to_tensor(np.array([1.0, 2.0, 3.0]))))
    # Products of small integers and one: exact in float64.
    np.testing.assert_array_equal(B.convert_to_numpy(difference), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(B.convert_to_numpy(tape.gradient(target, x)), [1.0, 2.0, 3.0])


def test_a_stopped_watched_array_alone_gets_no_gradient(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.add(B.square(x), B.stop_gradient(x)))
    # d/dx (x^2 + constant) = 2x, exact for these values.
    np.testing.assert_array_equal(B.convert_to_numpy(tape.gradient(target, x)), [2.0, 4.0])
