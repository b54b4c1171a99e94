"""Targets for models whose ``Input`` fixes the batch size.

The whole arrays given to fit and evaluate hold many batches, so their row
count is not compared with the model's declared batch; each batch's targets
are compared with that batch's predictions instead (as Keras 3 does). Real
mismatches still fail with a clear error: targets with another number of
rows than the inputs, targets of another feature shape, and a batch size
for which the model's outputs keep a different number of rows.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")


class FirstFourRows(layers.Layer):
    """Keeps the first four rows: its output really depends on a batch of four."""

    def call(self, inputs):
        return inputs[:4]

    def compute_output_shape(self, input_shape):
        return (4, *input_shape[1:])


def fixed_batch_model(keep_four_rows: bool = False) -> gk.Model:
    gk.utils.set_random_seed(5)
    inputs = gk.Input(shape=(3,), batch_size=4)
    hidden = FirstFourRows()(inputs) if keep_four_rows else inputs
    model = gk.Model(inputs, layers.Dense(2)(hidden))
    model.compile(optimizer="sgd", loss="mse")
    return model


def data(rows: int, target_rows: int | None = None, target_width: int = 2):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((rows, 3)).astype("float32")
    y = rng.standard_normal((target_rows or rows, target_width)).astype("float32")
    return x, y


@pytest.mark.parametrize("rows, batch_size", [(8, 4), (10, 4), (8, 8), (8, 2)])
def test_fit_and_evaluate_accept_more_rows_than_the_fixed_batch(rows, batch_size):
    model = fixed_batch_model()
    x, y = data(rows)
    history = model.fit(x, y, batch_size=batch_size, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert np.all(np.isfinite(history.history["loss"]))
    loss = model.evaluate(x, y, batch_size=batch_size, verbose=0)
    expected = np.mean((model.predict(x, batch_size=batch_size) - y) ** 2)
    np.testing.assert_allclose(loss, expected, rtol=1e-5, atol=1e-6)


def test_targets_with_another_row_count_than_inputs_are_refused():
    model = fixed_batch_model()
    x, y = data(8, target_rows=6)
    with pytest.raises(ValueError, match=r"same number of rows.*x\[0\]: 8, y\[0\]: 6"):
        model.fit(x, y, batch_size=4, verbose=0)


def test_targets_of_another_feature_shape_are_refused_before_training():
    model = fixed_batch_model()
    x, y = data(8, target_width=3)
    with pytest.raises(ValueError, match=r"output 'dense' produces shape \(None, 2\).*\(8, 3\)"):
        model.fit(x, y, batch_size=4, verbose=0)


def test_a_batch_size_the_model_cannot_keep_is_refused_per_batch():
    model = fixed_batch_model(keep_four_rows=True)
    x, y = data(8)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"produces shape \(4, 2\).*targets of shape \(8, 2\)"):
        model.fit(x, y, batch_size=8, verbose=0)
