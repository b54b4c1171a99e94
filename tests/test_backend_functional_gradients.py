"""Conformance of ``value_and_grad``, the functional form of gradients, on every backend."""

from __future__ import annotations

import numpy as np
import pytest
from conformance import covers


def to_np(B, x):
    return np.asarray(B.convert_to_numpy(x))


@covers("value_and_grad")
def test_value_and_grad_of_a_squared_product_matches_the_closed_form(B):
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal((3, 2)), rng.standard_normal((4, 3))

    def loss(w, x):
        return B.sum(B.square(B.matmul(x, w)))

    value, gradient = B.value_and_grad(loss)(w, x)
    np.testing.assert_allclose(to_np(B, value), np.sum((x @ w) ** 2), rtol=1e-12)
    np.testing.assert_allclose(to_np(B, gradient), 2 * x.T @ (x @ w), rtol=1e-12)


@covers("value_and_grad")
def test_value_and_grad_keeps_structures_aux_and_gives_zeros_where_unconnected(B):
    params = {"a": np.array([1.0, 2.0]), "b": [np.array(3.0), np.array([4.0])]}
    unused = np.array([5.0, 6.0])

    def loss(params, unused, scale):
        total = B.sum(B.multiply(params["a"], params["a"]))
        total = B.add(total, B.multiply(params["b"][0], scale))
        return total, "aux-value"

    (value, aux), (params_gradient, unused_gradient) = B.value_and_grad(
        loss, argnums=(0, 1), has_aux=True
    )(params, unused, 2.0)
    assert aux == "aux-value"
    np.testing.assert_allclose(to_np(B, value), 1 + 4 + 6, rtol=1e-12)
    assert sorted(params_gradient) == ["a", "b"]
    np.testing.assert_allclose(to_np(B, params_gradient["a"]), [2.0, 4.0], rtol=1e-12)
    np.testing.assert_allclose(to_np(B, params_gradient["b"][0]), 2.0, rtol=1e-12)
    np.testing.assert_array_equal(to_np(B, params_gradient["b"][1]), [0.0])  # unconnected: zeros
    np.testing.assert_array_equal(to_np(B, unused_gradient), [0.0, 0.0])  # zeros_like: exact


@covers("value_and_grad")
def test_value_and_grad_refuses_bad_argnums(B):
    with pytest.raises(ValueError, match="argnums"):
        B.value_and_grad(lambda x: x, argnums=-1)
    with pytest.raises(ValueError, match="argument 2"):
        B.value_and_grad(lambda x: B.sum(x), argnums=2)(np.ones(2))
