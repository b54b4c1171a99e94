"""Keras 3 operation nodes with several positional tensors, read from Keras-made files.

``tests/data/keras_ops_positional.keras`` and ``.h5`` (Keras 3's legacy HDF5
writer, which drops each operation's module) were written by Keras 3 with
``scripts/record_keras_convlstm_values.py``: ``ops.add(a, b)``,
``ops.multiply``, ``ops.concatenate`` and ``ops.stack`` of several tensors,
``ops.einsum`` of three operands and ``ops.where(condition, x, y)``.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import numeric_gradient
from hypothesis import given, settings
from hypothesis import strategies as st
from keras_recorded_models import assert_round_trips, load_keras_made

import graphkeras as gk
from graphkeras import backend as K
from graphkeras.engine.op_layer import OperatorLayer
from graphkeras.ops.operation_layer import OperationLayer

h5py = pytest.importorskip("h5py")


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_operations_on_several_tensors_load_as_gk_ops_with_kerass_outputs(extension):
    model = load_keras_made("keras_ops_positional", extension, rtol=1e-5, atol=2e-6)
    operations = {
        layer.operation: layer for layer in model.layers if isinstance(layer, OperationLayer)
    }
    assert {"concatenate", "stack", "einsum", "where"} <= set(operations)
    # Binary arithmetic reads back as graphkeras's operator nodes.
    operators = {layer.operator for layer in model.layers if isinstance(layer, OperatorLayer)}
    assert {"add", "multiply"} <= operators
    einsum_node = operations["einsum"].inbound_nodes[0]
    assert [layer.name for layer in einsum_node.inbound_layers] == ["a", "b", "c"]


def test_the_positional_operations_model_round_trips(tmp_path):
    model = load_keras_made("keras_ops_positional", ".keras", rtol=1e-5, atol=2e-6)
    assert_round_trips(model, tmp_path, "keras_ops_positional")


EINSUM_CASES = [
    ("bi,bi,bi->b", [(2, 3), (2, 3), (2, 3)]),
    ("ij,jk,kl", [(2, 3), (3, 4), (4, 2)]),
    ("ij,jk,kl,l->i", [(2, 3), (3, 4), (4, 5), (5,)]),
    ("ii,ij,jk->k", [(3, 3), (3, 4), (4, 2)]),
    ("...ij,jk,...kl->...il", [(2, 1, 3, 4), (4, 5), (3, 5, 2)]),
    ("bij,bjk,bkl->", [(2, 2, 3), (2, 3, 2), (2, 2, 2)]),
]


@settings(max_examples=20, deadline=None)
@given(case=st.sampled_from(EINSUM_CASES), seed=st.integers(0, 2**16))
def test_einsum_of_three_or_more_operands_equals_numpy(case, seed):
    subscripts, shapes = case
    rng = np.random.default_rng(seed)
    operands = [rng.normal(size=shape) for shape in shapes]
    np.testing.assert_allclose(
        gk.ops.einsum(subscripts, *operands),
        np.einsum(subscripts, *operands),
        rtol=1e-10,
        atol=1e-12,
    )


def test_einsum_of_three_operands_records_one_node_with_the_keras_shape():
    a, b, c = gk.Input((3,)), gk.Input((3,)), gk.Input((3,))
    out = gk.ops.einsum("bi,bi,bi->b", a, b, c)
    assert tuple(out.shape) == (None,)
    assert out.node.outbound_layer.operation == "einsum"


def test_einsum_of_three_operands_has_the_finite_difference_gradients():
    rng = np.random.default_rng(3)
    operands = [rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    weights = rng.normal(size=(2, 2))

    def loss(values: list) -> float:
        return float(np.sum(np.asarray(gk.ops.einsum("ij,jk,kl->il", *values)) * weights))

    with K.GradientTape() as tape:
        tape.watch(operands)
        target = K.sum(K.multiply(gk.ops.einsum("ij,jk,kl->il", *operands), weights))
    gradients = tape.gradient(target, operands)
    for index, gradient in enumerate(gradients):
        expected = numeric_gradient(loss, operands, index)
        np.testing.assert_allclose(K.convert_to_numpy(gradient), expected, rtol=1e-6, atol=1e-8)


def test_einsum_with_subscripts_for_other_operand_counts_raises():
    with pytest.raises(ValueError, match="3 were given"):
        gk.ops.einsum("ij,jk->ik", np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)))
