"""The table of Keras 3 operation forms agrees with graphkeras's operations.

Each form splits an operation's parameters between Keras 3's constructor,
positional call arguments and keyword call arguments
(:mod:`graphkeras.interop.keras_operation_forms`); a parameter left out of
the split would be lost in a ``.keras`` file, one named wrongly could not
be read back.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import ops
from graphkeras.interop.keras_operation_forms import (
    KERAS_OPERATION_FORMS,
    OPERATIONS_OF_KERAS_CLASSES,
)


def _split(form) -> list[str]:
    return [*form.constructor, *(p.lstrip("*") for p in form.positional), *form.keywords]


@pytest.mark.parametrize("name", sorted(KERAS_OPERATION_FORMS))
def test_a_form_splits_exactly_the_parameters_of_its_operation(name):
    form = KERAS_OPERATION_FORMS[name]
    assert name in ops.OPERATIONS
    parameters = ops.OPERATIONS[name].signature.parameters
    split = _split(form)
    assert len(split) == len(set(split)), f"{name}: a parameter is in two places"
    assert set(split) == set(parameters), f"{name}: {sorted(set(split) ^ set(parameters))}"
    for spread in (p for p in form.positional if p.startswith("*")):
        assert parameters[spread[1:]].kind is inspect.Parameter.VAR_POSITIONAL


def test_each_keras_class_reads_back_as_one_operation():
    classes = [(form.keras_module, form.class_name) for form in KERAS_OPERATION_FORMS.values()]
    aliases = len(classes) - len(set(classes))
    assert len(OPERATIONS_OF_KERAS_CLASSES) == len(KERAS_OPERATION_FORMS) - aliases


@pytest.mark.filterwarnings("ignore:invalid value encountered in log:RuntimeWarning")
def test_a_model_of_the_new_operations_reloads_from_a_keras_file(tmp_path):
    x = gk.Input((4,))
    q = ops.quantile(x, np.array([0.25, 0.75], "float32"), axis=1)
    outputs = [
        ops.logaddexp(x, ops.flip(x, axis=1)),
        ops.isclose(x, ops.round(x), 0.1, 0.2),
        ops.moveaxis(q, 0, 1),
        ops.meshgrid(ops.sum(x, axis=0), ops.mean(x, axis=0), indexing="ij")[0],
        ops.nan_to_num(ops.log(x), nan=-1.0),
        ops.diff(x, 2),
        ops.tensordot(x, np.ones((4, 2), "float32"), axes=1),
    ]
    model = gk.Model(x, outputs)
    data = np.random.default_rng(5).uniform(-2, 2, (3, 4)).astype("float32")
    model.save(tmp_path / "model.keras")
    reloaded = gk.models.load_model(tmp_path / "model.keras")
    for before, after in zip(model(data), reloaded(data), strict=True):
        np.testing.assert_allclose(after, before, rtol=1e-6, atol=1e-6)
