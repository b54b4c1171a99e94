"""Reverse-mode gradients of every backend op, checked against finite differences.

Every test takes the module-scoped fixture ``B``, parametrised over every
installed backend (as the conformance suite does). A backend with autodiff
exposes two tables, merged from its op modules: ``GRADIENTS`` (op name ->
(gradient function, differentiable inputs)) and ``NOT_DIFFERENTIABLE`` (ops that
are recorded but have no gradient). Every interface name must be classified:
differentiable, recorded-but-not-differentiable, built from recorded ops, or not
an array op (listed below), so an op added without a decision fails this suite.

Each differentiable op has finite-difference checks in float64 (central
differences) of ``sum(op(...) * w)`` for a fixed random ``w``, through
``GradientTape`` with ``tape.watch`` on the inputs; inputs are chosen away from
the op's kinks.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
import pytest
from gradient_checks import Case, family_modules, run_gradient_check, to_np, weighting

from graphkeras.backend import (
    BACKEND_INTERFACE,
    installed_backends,
    load_backend_module,
)

# ------------------------------------------------------------ classification

# Interface names that are not array ops: nothing to differentiate through them
# (configuration, creation, random draws, variables, shape and dtype queries, the
# tape itself, and stop_gradient, whose result is cut from it). Their results are
# constants for the tape.
NOT_ARRAY_OPS = frozenset(
    {
        "backend",
        "Variable",
        "variable",
        "is_variable",
        "is_tensor",
        "is_keras_tensor",
        "convert_to_numpy",
        "dtype",
        "result_type",
        "int_shape",
        "ndim",
        "count_params",
        "get_value",
        "set_value",
        "batch_get_value",
        "batch_set_value",
        "zeros",
        "ones",
        "full",
        "zeros_like",
        "ones_like",
        "eye",
        "arange",
        "linspace",
        "set_random_seed",
        "seed_generator",
        "random_uniform",
        "random_normal",
        "truncated_normal",
        "random_permutation",
        "GradientTape",
        "stop_gradient",
        "value_and_grad",
    }
)

# Differentiable array ops with no gradient of their own: they are computed by
# recorded ops (dropout is ``multiply(x, mask)``), which carry the gradient.
BUILT_FROM_RECORDED_OPS = frozenset({"dropout"})


@pytest.fixture(scope="module", params=installed_backends())
def B(request):
    """The backend module under test.

    On JAX the finite-difference checks of every op run op by op through the
    tape, many times numpy's time: the default run leaves them to
    GRAPHKERAS_TEST_ALL_BACKENDS=1 (tests/test_jax_gradient_tape.py checks the
    JAX tape against jax.grad in every run).
    """
    if request.param != "numpy" and not os.environ.get("GRAPHKERAS_TEST_ALL_BACKENDS"):
        pytest.skip(f"{request.param}: runs only with GRAPHKERAS_TEST_ALL_BACKENDS=1")
    return load_backend_module(request.param)


def tables(B) -> tuple[dict, dict]:
    """``(GRADIENTS, NOT_DIFFERENTIABLE)`` of the backend ``B``."""
    return B.GRADIENTS, B.NOT_DIFFERENTIABLE


def rand(*shape, low=-2.0, high=2.0, seed=1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def away_from(values: np.ndarray, kinks, margin: float = 0.05) -> np.ndarray:
    """``values`` with every entry moved at least ``margin`` from each kink."""
    values = np.array(values, dtype="float64")
    for kink in kinks:
        close = np.abs(values - kink) < margin
        values[close] = kink + np.where(values[close] >= kink, margin, -margin) * 2
    return values


# Points for element-wise activations: spread over [-4, 8], away from 0, +-3, 6.
POINTS = away_from(np.linspace(-4.1, 7.7, 18).reshape(3, 6), [0.0, 3.0, -3.0, 6.0, 0.5, -0.5])
POSITIVE = rand(3, 4, low=0.5, high=2.5, seed=2)
X3 = rand(2, 3, 4, seed=3)
DISTINCT = np.random.default_rng(4).permutation(24).reshape(2, 3, 4) / 7.0 - 1.5
CONDITION = np.array([[True, False, True], [False, False, True]])
Q = Case  # short alias for the table below


def _variants(op: str, function: Callable, inputs_list: dict, **kwargs) -> list:
    return [Q(op, key, function, inputs, **kwargs) for key, inputs in inputs_list.items()]


BINARY_SHAPES = {
    "same_shape": [rand(2, 3, seed=5), rand(2, 3, low=0.5, high=2.0, seed=6)],
    "column_plus_row": [rand(3, 1, seed=7), rand(1, 4, low=0.5, high=2.0, seed=8)],
    "scalar_y": [rand(2, 3, seed=9), np.array(1.7)],
    "vector_y": [rand(3, 4, seed=10), rand(4, low=0.5, high=2.0, seed=11)],
    "scalar_x": [np.array(-0.8), rand(2, 3, low=0.5, high=2.0, seed=12)],
}


def _cases() -> list[Case]:
    cases: list[Case] = []
    # ------------------------------------------------------- binary element-wise
    for op in ("add", "subtract", "multiply", "divide"):
        cases += _variants(op, lambda B, x, y, op=op: getattr(B, op)(x, y), BINARY_SHAPES)
        cases.append(
            Q(op, "python_scalar_y", lambda B, x, op=op: getattr(B, op)(x, 1.5), [rand(2, 3)])
        )
    cases += _variants(
        "power",
        lambda B, x, y: B.power(x, y),
        {
            "same_shape": [POSITIVE, rand(3, 4, low=-1.0, high=2.0, seed=13)],
            "column_plus_row": [rand(3, 1, low=0.5, high=2.0), rand(1, 4, low=-1.0, high=2.0)],
            "scalar_y": [POSITIVE, np.array(1.3)],
        },
    )
    cases.append(Q("power", "python_int_exponent", lambda B, x: B.power(x, 3), [rand(2, 3)]))
    for op in ("maximum", "minimum"):
        cases += _variants(
            op,
            lambda B, x, y, op=op: getattr(B, op)(x, y),
            {
                "same_shape": [DISTINCT[0], DISTINCT[1]],
                "column_plus_row": [np.array([[-1.0], [0.3], [1.1]]), np.array([[0.0, 0.7, -0.6]])],
                "scalar_y": [DISTINCT[0], np.array(0.05)],
            },
        )
    cases += _variants(
        "where",
        lambda B, x, y: B.where(CONDITION, x, y),
        {
            "same_shape": [rand(2, 3, seed=14), rand(2, 3, seed=15)],
            "broadcast_y": [rand(2, 3, seed=16), rand(3, seed=17)],
            "scalar_y": [rand(2, 3, seed=18), np.array(0.5)],
        },
    )
    cases.append(
        Q("where", "python_scalar_y", lambda B, x: B.where(CONDITION, x, 0.0), [rand(2, 3)])
    )
    # -------------------------------------------------------- unary element-wise
    nonzero = away_from(rand(3, 4, seed=19), [0.0], 0.2)
    unary = {
        "negative": ({}, rand(3, 4)),
        "abs": ({}, nonzero),
        "sign": ({}, nonzero),
        "sqrt": ({}, POSITIVE),
        "square": ({}, rand(3, 4)),
        "exp": ({}, rand(3, 4)),
        "log": ({}, POSITIVE),
        "tanh": ({}, POINTS),
        "sigmoid": ({}, POINTS),
        "relu6": ({}, POINTS),
        "leaky_relu": ({"negative_slope": 0.3}, POINTS),
        "elu": ({"alpha": 0.5}, POINTS),
        "selu": ({}, POINTS),
        "celu": ({"alpha": 2.0}, POINTS),
        "hard_sigmoid": ({}, POINTS),
        "silu": ({}, POINTS),
        "hard_silu": ({}, POINTS),
        "softplus": ({}, POINTS),
        "softsign": ({}, POINTS),
        "mish": ({}, POINTS),
        "erf": ({}, POINTS),
        "erfc": ({}, POINTS),
    }
    # erf and erfc are Chebyshev fits (fractional error 1.2e-7): their finite
    # differences match the exact derivative to about 1e-6 relative.
    approximated = {"erf": 1e-5, "erfc": 1e-5}
    for op, (kwargs, x) in unary.items():
        cases.append(
            Q(
                op,
                "elementwise",
                lambda B, x, op=op, kw=kwargs: getattr(B, op)(x, **kw),
                [x],
                rtol=approximated.get(op, 1e-6),
            )
        )
    cases.append(Q("leaky_relu", "default_slope", lambda B, x: B.leaky_relu(x), [POINTS]))
    cases.append(Q("elu", "default_alpha", lambda B, x: B.elu(x), [POINTS]))
    relu_options = {
        "plain": {},
        "negative_slope": {"negative_slope": 0.1},
        "max_value": {"max_value": 2.0},
        "threshold": {"threshold": 1.0},
        "negative_threshold": {"threshold": -1.0},
        "negative_threshold_and_max_value": {"threshold": -1.0, "max_value": 6.0},
        "all_options": {"negative_slope": 0.1, "max_value": 2.0, "threshold": 0.5},
    }
    for key, kwargs in relu_options.items():
        x = away_from(POINTS, [-1.0, 1.0, 2.0])
        cases.append(Q("relu", key, lambda B, x, kw=kwargs: B.relu(x, **kw), [x]))
    cases.append(Q("gelu", "exact", lambda B, x: B.gelu(x), [POINTS], rtol=1e-5))
    cases.append(Q("gelu", "approximate", lambda B, x: B.gelu(x, approximate=True), [POINTS]))
    clip_input = away_from(rand(3, 4), [-0.5, 0.5])
    cases += [
        Q("clip", "both_bounds", lambda B, x: B.clip(x, -0.5, 0.5), [clip_input]),
        Q("clip", "no_lower_bound", lambda B, x: B.clip(x, None, 0.5), [clip_input]),
        Q("clip", "no_upper_bound", lambda B, x: B.clip(x, -0.5, None), [clip_input]),
    ]
    for op in ("softmax", "log_softmax"):
        for axis in (-1, 0, 1):
            cases.append(
                Q(op, f"axis_{axis}", lambda B, x, op=op, a=axis: getattr(B, op)(x, axis=a), [X3])
            )
        cases.append(Q(op, "default_axis", lambda B, x, op=op: getattr(B, op)(x), [rand(2, 5)]))
    # ---------------------------------------------------------------- reductions
    axis_variants = {
        "all_axes": {"axis": None},
        "axis_int": {"axis": 1},
        "axis_negative": {"axis": -1},
        "axis_tuple": {"axis": (0, 2)},
        "axis_negative_tuple": {"axis": (-1, -3)},
        "axis_list": {"axis": [0, 2]},
        "all_axes_keepdims": {"axis": None, "keepdims": True},
        "axis_int_keepdims": {"axis": 1, "keepdims": True},
        "axis_tuple_keepdims": {"axis": (0, 2), "keepdims": True},
    }
    for op in ("sum", "mean", "max", "min", "prod", "var", "std"):
        x = rand(2, 3, 4, low=0.5, high=1.5, seed=20) if op == "prod" else DISTINCT
        for key, kwargs in axis_variants.items():
            cases.append(Q(op, key, lambda B, x, op=op, kw=kwargs: getattr(B, op)(x, **kw), [x]))
    with_zero = rand(2, 3, 4, low=0.5, high=1.5, seed=21)
    with_zero[0, 1, 2] = 0.0
    two_zeros = np.array(with_zero)
    two_zeros[1, 0, 0] = two_zeros[1, 0, 3] = 0.0
    for key, kwargs in {"all_axes": {}, "axis_-1": {"axis": -1}, "axis_0": {"axis": 0}}.items():
        cases.append(
            Q("prod", f"zero_entry_{key}", lambda B, x, kw=kwargs: B.prod(x, **kw), [with_zero])
        )
        cases.append(
            Q("prod", f"two_zeros_{key}", lambda B, x, kw=kwargs: B.prod(x, **kw), [two_zeros])
        )
    for key, kwargs in axis_variants.items():
        cases.append(Q("logsumexp", key, lambda B, x, kw=kwargs: B.logsumexp(x, **kw), [X3]))
    cases.append(Q("logsumexp", "large_values", lambda B, x: B.logsumexp(x, axis=-1), [X3 * 300.0]))
    # ------------------------------------------------------------ linear algebra
    for op in ("tril", "triu"):
        for k in (0, 1, -1):
            cases.append(Q(op, f"k_{k}", lambda B, x, op=op, k=k: getattr(B, op)(x, k), [X3]))
        cases.append(Q(op, "square", lambda B, x, op=op: getattr(B, op)(x), [rand(3, 3)]))
    cases += _variants(
        "dot",
        lambda B, x, y: B.dot(x, y),
        {
            "matrix_matrix": [rand(2, 3), rand(3, 4, seed=22)],
            "3d_x_matrix_y": [rand(2, 3, 4), rand(4, 5, seed=23)],
            "matrix_x_3d_y": [rand(2, 3), rand(2, 3, 4, seed=24)],
            "3d_x_3d_y": [rand(2, 3, 4), rand(5, 4, 2, seed=25)],
            "matrix_x_4d_y": [rand(2, 3), rand(2, 2, 3, 2, seed=26)],
            "vector_x_matrix_y": [rand(3), rand(3, 4, seed=27)],
            "matrix_x_vector_y": [rand(2, 3), rand(3, seed=28)],
            "vector_x_vector_y": [rand(3), rand(3, seed=58)],
        },
    )
    cases += _variants(
        "matmul",
        lambda B, x, y: B.matmul(x, y),
        {
            "matrix_matrix": [rand(2, 3), rand(3, 4, seed=29)],
            "vector_vector": [rand(3), rand(3, seed=30)],
            "vector_matrix": [rand(3), rand(3, 4, seed=31)],
            "matrix_vector": [rand(2, 3), rand(3, seed=32)],
            "batched_batched": [rand(2, 3, 4), rand(2, 4, 5, seed=33)],
            "batched_matrix": [rand(2, 3, 4), rand(4, 5, seed=34)],
            "matrix_batched": [rand(3, 4), rand(2, 4, 5, seed=35)],
            "vector_batched": [rand(4), rand(2, 4, 5, seed=36)],
            "batched_vector": [rand(2, 3, 4), rand(4, seed=37)],
            "broadcast_batches": [rand(2, 1, 3, 4), rand(5, 4, 2, seed=38)],
            "size_one_batch": [rand(1, 3, 4), rand(2, 4, 5, seed=39)],
        },
    )
    batch_dot_variants = {
        "rank1_result_int_axes": (1, [rand(3, 4), rand(3, 4, seed=40)]),
        "matrix_matrix_pair": ((1, 1), [rand(3, 4), rand(3, 4, seed=41)]),
        "3d_3d_last_first": ((2, 1), [rand(2, 3, 4), rand(2, 4, 5, seed=42)]),
        "3d_3d_negative": ((-1, -1), [rand(2, 3, 4), rand(2, 5, 4, seed=43)]),
        "3d_matrix": ((1, 1), [rand(2, 3, 4), rand(2, 3, seed=44)]),
        "matrix_3d": ((1, 2), [rand(2, 4), rand(2, 3, 4, seed=45)]),
        "3d_3d_middle": ((1, 1), [rand(2, 3, 4), rand(2, 3, 2, seed=46)]),
    }
    for key, (axes, inputs) in batch_dot_variants.items():
        cases.append(Q("batch_dot", key, lambda B, x, y, a=axes: B.batch_dot(x, y, a), inputs))
    for key, kwargs in {
        "default_axis": {},
        "axis_0": {"axis": 0},
        "axis_tuple": {"axis": (0, 1)},
        "axis_list": {"axis": [0, 1]},
    }.items():
        cases.append(
            Q("l2_normalize", key, lambda B, x, kw=kwargs: B.l2_normalize(x, **kw), [rand(3, 4)])
        )
    cases.append(Q("l2_normalize", "3d_axis_1", lambda B, x: B.l2_normalize(x, axis=1), [X3]))
    # ----------------------------------------------------------------- reshaping
    cases += [
        Q("reshape", "to_matrix", lambda B, x: B.reshape(x, (6, 4)), [X3]),
        Q("reshape", "flat_minus_one", lambda B, x: B.reshape(x, (-1,)), [X3]),
        Q("transpose", "default_axes", lambda B, x: B.transpose(x), [X3]),
        Q("transpose", "axes", lambda B, x: B.transpose(x, (1, 0, 2)), [X3]),
        Q("transpose", "cyclic_axes", lambda B, x: B.transpose(x, (2, 0, 1)), [X3]),
        Q("transpose", "negative_axes", lambda B, x: B.transpose(x, (-1, 0, 1)), [X3]),
        Q("expand_dims", "axis_0", lambda B, x: B.expand_dims(x, 0), [X3]),
        Q("expand_dims", "axis_-1", lambda B, x: B.expand_dims(x, -1), [X3]),
        Q("squeeze", "all", lambda B, x: B.squeeze(x), [rand(2, 1, 3, 1)]),
        Q("squeeze", "axis", lambda B, x: B.squeeze(x, axis=1), [rand(2, 1, 3, 1)]),
        Q("batch_flatten", "3d", lambda B, x: B.batch_flatten(x), [X3]),
        Q("batch_flatten", "4d", lambda B, x: B.batch_flatten(x), [rand(2, 2, 3, 2)]),
    ]
    parts = [rand(2, 3), rand(2, 1, seed=47), rand(2, 2, seed=48)]
    cases += [
        Q("concatenate", "all_watched", lambda B, *t: B.concatenate(list(t), axis=-1), parts),
        Q(
            "concatenate",
            "some_watched",
            lambda B, *t: B.concatenate(list(t), axis=1),
            parts,
            watched=(0, 2),
        ),
        Q(
            "concatenate",
            "axis_0",
            lambda B, *t: B.concatenate(list(t), axis=0),
            [rand(2, 3), rand(1, 3, seed=49), rand(3, 3, seed=50)],
            watched=(1,),
        ),
        Q(
            "concatenate",
            "tuple_of_tensors",
            lambda B, *t: B.concatenate(tuple(t), axis=-1),
            parts,
            watched=(1, 2),
        ),
    ]
    same = [rand(2, 3), rand(2, 3, seed=51), rand(2, 3, seed=52)]
    cases += [
        Q("stack", "axis_0", lambda B, *t: B.stack(list(t)), same),
        Q("stack", "axis_-1_some_watched", lambda B, *t: B.stack(list(t), axis=-1), same, (0, 2)),
        Q("stack", "axis_1_one_watched", lambda B, *t: B.stack(list(t), axis=1), same, (1,)),
    ]
    cases += [
        Q("repeat", "no_axis", lambda B, x: B.repeat(x, 3), [rand(2, 3)]),
        Q("repeat", "axis_0", lambda B, x: B.repeat(x, 2, axis=0), [rand(2, 3)]),
        Q("repeat", "axis_-1", lambda B, x: B.repeat(x, 3, axis=-1), [X3]),
        Q("repeat", "numpy_int_count", lambda B, x: B.repeat(x, np.int64(2), axis=1), [X3]),
        Q("tile", "int", lambda B, x: B.tile(x, 3), [rand(2, 3)]),
        Q("tile", "tuple", lambda B, x: B.tile(x, (2, 3)), [rand(2, 3)]),
        Q("tile", "longer_than_rank", lambda B, x: B.tile(x, (2, 1, 2)), [rand(2, 3)]),
        Q("tile", "shorter_than_rank", lambda B, x: B.tile(x, (2,)), [X3]),
    ]
    keys = {
        "int": 1,
        "negative_int": -1,
        "slice": slice(1, 3),
        "step_slice": (slice(None), slice(None, None, -2)),
        "int_and_slice": (0, slice(1, None)),
        "ints_to_scalar": (1, 2, 3),
        "none": (None, 1),
        "ellipsis": (Ellipsis, 2),
        "ellipsis_and_none": (0, Ellipsis, None),
        "fancy_with_repeats": [0, 1, 0, 0],
        "fancy_array_on_axis": (slice(None), np.array([2, 0, 2])),
        "two_fancy_arrays": (np.array([0, 1, 1]), np.array([2, 2, 0])),
        "boolean_mask": np.array([True, False]),
    }
    for key, index in keys.items():
        cases.append(Q("getitem", key, lambda B, x, k=index: B.getitem(x, k), [X3]))
    cases += [
        Q("bias_add", "channels_last", lambda B, x, b: B.bias_add(x, b), [X3, rand(4, seed=53)]),
        Q(
            "bias_add",
            "channels_last_explicit",
            lambda B, x, b: B.bias_add(x, b, data_format="channels_last"),
            [X3, rand(4, seed=54)],
        ),
        Q(
            "bias_add",
            "channels_first",
            lambda B, x, b: B.bias_add(x, b, data_format="channels_first"),
            [X3, rand(3, seed=55)],
        ),
        Q(
            "bias_add",
            "channels_first_4d",
            lambda B, x, b: B.bias_add(x, b, data_format="channels_first"),
            [rand(2, 3, 2, 2), rand(3, seed=56)],
        ),
        Q(
            "bias_add",
            "matrix_channels_first",
            lambda B, x, b: B.bias_add(x, b, data_format="channels_first"),
            [rand(2, 3), rand(3, seed=57)],
        ),
        Q("bias_add", "bias_only", lambda B, x, b: B.bias_add(x, b), [X3, rand(4)], (1,)),
    ]
    # ------------------------------------------------------ conversions, dropout
    cases += [
        Q("cast", "same_dtype", lambda B, x: B.cast(x, "float64"), [rand(2, 3)]),
        Q(
            "cast",
            "same_dtype_used_twice",
            lambda B, x: B.multiply(B.cast(x, "float64"), x),
            [rand(2, 3)],
        ),
        Q("convert_to_tensor", "array", lambda B, x: B.convert_to_tensor(x), [rand(2, 3)]),
        Q(
            "convert_to_tensor",
            "array_with_dtype",
            lambda B, x: B.square(B.convert_to_tensor(x, dtype="float64")),
            [rand(2, 3)],
        ),
        Q("dropout", "seeded", lambda B, x: B.dropout(x, 0.5, seed=3), [rand(4, 5)]),
        Q(
            "dropout",
            "noise_shape",
            lambda B, x: B.dropout(x, 0.3, noise_shape=(1, 5), seed=4),
            [rand(4, 5)],
        ),
    ]
    return cases


CASES = _cases() + [case for module in family_modules() for case in module.CASES]


@pytest.mark.parametrize("case", CASES, ids=[f"{case.op}-{case.id}" for case in CASES])
def test_gradient_matches_finite_differences(B, case):
    run_gradient_check(B, case)


# ============================================================ classification


def test_every_interface_name_is_classified_exactly_once(B):
    gradients, not_differentiable = tables(B)
    groups = {
        "GRADIENTS": set(gradients),
        "NOT_DIFFERENTIABLE": set(not_differentiable),
        "BUILT_FROM_RECORDED_OPS": set(BUILT_FROM_RECORDED_OPS),
        "NOT_ARRAY_OPS": set(NOT_ARRAY_OPS).union(
            *(getattr(module, "NOT_ARRAY_OPS", ()) for module in family_modules())
        ),
    }
    for name in BACKEND_INTERFACE:
        homes = [group for group, names in groups.items() if name in names]
        assert len(homes) == 1, f"{name!r} is in {homes or 'no group'}"
    unknown = set().union(*groups.values()) - set(BACKEND_INTERFACE)
    assert not unknown, f"classified names not in the interface: {sorted(unknown)}"


def test_every_differentiable_op_has_a_gradient_check(B):
    gradients, _ = tables(B)
    checked = {case.op for case in CASES}
    assert checked == set(gradients) | BUILT_FROM_RECORDED_OPS


def test_every_not_differentiable_op_has_a_raising_check(B):
    _, not_differentiable = tables(B)
    assert set(NOT_DIFFERENTIABLE_PATHS) == set(not_differentiable)


def test_every_recordable_op_carries_its_gradient_table_entry(B):
    gradients, not_differentiable = tables(B)
    for name, (gradient, inputs) in gradients.items():
        info = getattr(B, name).op_info
        assert (info.name, info.gradient, info.inputs) == (name, gradient, inputs)
    for name, inputs in not_differentiable.items():
        info = getattr(B, name).op_info
        assert (info.name, info.gradient, info.inputs) == (name, None, inputs)


# ============================================== op parameters without FD checks


def gradient_of(B, function, *values, watched=None):
    """Gradients of ``sum(function(*values))`` for each watched value (all by default)."""
    values = [B.convert_to_tensor(value) for value in values]
    watched = values if watched is None else [values[i] for i in watched]
    with B.GradientTape() as tape:
        tape.watch(watched)
        target = B.sum(function(*values))
    return tape.gradient(target, watched)


def test_max_gradient_splits_equally_between_ties(B):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0], [5.0, 5.0, 5.0]])
    (gradient,) = gradient_of(B, lambda x: B.max(x, axis=1), x)
    expected = [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [1 / 3, 1 / 3, 1 / 3]]
    np.testing.assert_allclose(to_np(B, gradient), expected, rtol=1e-12)


def test_min_gradient_splits_equally_between_ties(B):
    x = np.array([[1.0, 3.0, 1.0], [2.0, 0.0, 0.5]])
    (gradient,) = gradient_of(B, lambda x: B.min(x, axis=-1, keepdims=True), x)
    np.testing.assert_allclose(to_np(B, gradient), [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]])


def test_max_over_all_axes_splits_between_ties_anywhere(B):
    x = np.array([[4.0, 1.0], [0.0, 4.0]])
    (gradient,) = gradient_of(B, lambda x: B.max(x), x)
    np.testing.assert_allclose(to_np(B, gradient), [[0.5, 0.0], [0.0, 0.5]])


def test_maximum_of_equal_values_gives_the_whole_gradient_to_one_input(B):
    x, y = np.array([1.0, 2.0]), np.array([1.0, 3.0])
    gx, gy = gradient_of(B, lambda x, y: B.maximum(x, y), x, y)
    np.testing.assert_allclose(to_np(B, gx) + to_np(B, gy), [1.0, 1.0])


def test_prod_gradient_at_a_zero_is_the_product_of_the_others(B):
    x = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]])
    (gradient,) = gradient_of(B, lambda x: B.prod(x, axis=1), x)
    np.testing.assert_array_equal(to_np(B, gradient), [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])


def test_cast_float32_to_float64_gives_a_float32_gradient(B):
    x = B.convert_to_tensor(np.array([1.0, -2.0, 3.0], dtype="float32"))
    w = np.array([0.5, 2.0, -1.0])
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.multiply(B.cast(x, "float64"), w))
    gradient = tape.gradient(target, x)
    assert B.dtype(gradient) == "float32"
    np.testing.assert_array_equal(to_np(B, gradient), w.astype("float32"))


def test_cast_float64_to_float32_gives_a_float64_gradient(B):
    x = B.convert_to_tensor(np.array([1.0, -2.0, 3.0]))
    w = np.array([0.5, 2.0, -1.0], dtype="float32")
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.multiply(B.square(B.cast(x, "float32")), w))
    gradient = tape.gradient(target, x)
    assert B.dtype(gradient) == "float64"
    np.testing.assert_allclose(to_np(B, gradient), 2 * np.array([1.0, -2.0, 3.0]) * w, rtol=1e-7)


def test_convert_to_tensor_of_a_variable_passes_the_gradient_to_the_variable(B):
    v = B.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), dtype="float64")
    w = np.array([[0.5, -1.0], [2.0, 0.25]])
    with B.GradientTape() as tape:
        target = B.sum(B.multiply(B.square(B.convert_to_tensor(v)), w))
    gradient = tape.gradient(target, v)
    np.testing.assert_allclose(to_np(B, gradient), 2 * B.get_value(v) * w)


def test_convert_to_tensor_to_float32_gives_the_variable_its_dtype(B):
    v = B.Variable(np.array([1.0, 2.0]), dtype="float64")
    with B.GradientTape() as tape:
        target = B.sum(B.convert_to_tensor(v, dtype="float32"))
    gradient = tape.gradient(target, v)
    assert B.dtype(gradient) == "float64"
    np.testing.assert_array_equal(to_np(B, gradient), [1.0, 1.0])


def test_dropout_gradient_is_its_mask(B):
    x = B.convert_to_tensor(rand(5, 6))
    mask = to_np(B, B.dropout(B.ones_like(x), 0.4, seed=11))
    assert set(np.unique(mask)) == {0.0, 1 / 0.6}
    (gradient,) = gradient_of(B, lambda x: B.dropout(x, 0.4, seed=11), x)
    np.testing.assert_allclose(to_np(B, gradient), mask, rtol=1e-12)


def test_dropout_with_rate_zero_passes_the_gradient_unchanged(B):
    (gradient,) = gradient_of(B, lambda x: B.dropout(x, 0.0), rand(2, 3))
    np.testing.assert_array_equal(to_np(B, gradient), np.ones((2, 3)))


def test_repeat_with_a_list_of_counts_gives_each_entry_its_count_or_raises(B):
    """The numpy backend has no gradient for per-entry counts and says so; JAX's vjp has one."""
    if B.backend() == "numpy":
        with pytest.raises(B.NotDifferentiableError, match="repeat"):
            gradient_of(B, lambda x: B.repeat(x, [1, 2], axis=0), rand(2, 3))
        return
    (gradient,) = gradient_of(B, lambda x: B.repeat(x, [1, 2], axis=0), rand(2, 3))
    np.testing.assert_array_equal(to_np(B, gradient), [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])


# ====================================================== not differentiable ops


def _through(op: str) -> Callable:
    """A target whose gradient must pass through ``op`` (its output feeds float math)."""
    comparisons = {"equal", "not_equal", "greater", "greater_equal", "less", "less_equal"}

    def path(B, x):
        if op in comparisons:
            flags = getattr(B, op)(x, B.convert_to_tensor(np.full(x.shape, 0.25)))
        elif op in ("logical_and", "logical_or"):
            flags = getattr(B, op)(B.greater(x, 0.0), B.less(x, 1.0))
        elif op == "logical_not":
            flags = B.logical_not(B.greater(x, 0.0))
        elif op in ("any", "all"):
            return B.multiply(getattr(B, op)(B.greater(x, 0.0), axis=-1), B.sum(x, axis=-1))
        elif op in ("argmax", "argmin"):
            return B.multiply(getattr(B, op)(x, axis=-1), B.sum(x, axis=-1))
        elif op == "qr":
            q, r = B.qr(x)
            return B.add(B.sum(q), B.sum(r))
        elif op == "one_hot":
            # Float entries that are not whole numbers encode as zero rows: still a path.
            return B.multiply(B.sum(B.one_hot(x, 3), axis=-1), x)
        else:  # pragma: no cover - a new op needs a path here
            raise AssertionError(f"no path through {op!r}")
        return B.multiply(flags, x)

    return path


NOT_DIFFERENTIABLE_PATHS = {
    op: _through(op)
    for op in (
        "equal",
        "not_equal",
        "greater",
        "greater_equal",
        "less",
        "less_equal",
        "logical_and",
        "logical_or",
        "logical_not",
        "any",
        "all",
        "argmax",
        "argmin",
        "qr",
        "one_hot",
    )
} | {
    op: path
    for module in family_modules()
    for op, path in getattr(module, "NOT_DIFFERENTIABLE_PATHS", {}).items()
}


@pytest.mark.parametrize("op", sorted(NOT_DIFFERENTIABLE_PATHS))
def test_gradient_through_a_not_differentiable_op_raises_naming_it(B, op):
    x = B.convert_to_tensor(rand(3, 3, seed=60))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(NOT_DIFFERENTIABLE_PATHS[op](B, x))
    with pytest.raises(B.NotDifferentiableError, match=f"'{op}'"):
        tape.gradient(target, x)


def test_not_differentiable_error_is_a_value_error(B):
    assert issubclass(B.NotDifferentiableError, ValueError)


def test_gradient_through_a_cast_of_booleans_raises(B):
    x = B.convert_to_tensor(rand(2, 3))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.multiply(B.cast(B.greater(x, 0.0), "float64"), x))
    with pytest.raises(B.NotDifferentiableError, match="'cast'"):
        tape.gradient(target, x)


@pytest.mark.parametrize(
    "op", ["equal", "not_equal", "greater", "greater_equal", "less", "less_equal"]
)
def test_comparison_as_a_where_condition_differentiates(B, op):
    values = np.array([[-1.0, 0.25, 2.0], [0.5, -0.3, 0.25]])
    mask = getattr(np, op)(values, 0.25)
    (gradient,) = gradient_of(B, lambda x: B.where(getattr(B, op)(x, 0.25), x, 0.0), values)
    np.testing.assert_array_equal(to_np(B, gradient), mask.astype("float64"))


def test_logical_ops_as_a_where_condition_differentiate(B):
    values = np.array([-1.0, 0.5, 2.0, 0.2])

    def function(x):
        inside = B.logical_and(B.greater(x, 0.0), B.less(x, 1.0))
        keep = B.logical_or(B.logical_not(inside), B.less(x, 0.3))
        return B.where(keep, B.square(x), 0.0)

    (gradient,) = gradient_of(B, function, values)
    np.testing.assert_allclose(to_np(B, gradient), [-2.0, 0.0, 4.0, 0.4])


def test_argmax_as_an_index_differentiates(B):
    values = np.array([[0.1, 0.9, 0.3], [0.7, 0.2, 0.5]])

    def function(x):
        index = B.convert_to_numpy(B.argmax(x, axis=-1))
        return B.getitem(x, (np.arange(2), index))

    (gradient,) = gradient_of(B, function, values)
    np.testing.assert_array_equal(to_np(B, gradient), [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


# ============================================================ GradientTape


def test_trainable_variable_is_watched_automatically(B):
    v = B.Variable(np.array([1.0, -2.0]), dtype="float64")
    with B.GradientTape() as tape:
        target = B.sum(B.square(v))
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, v)), [2.0, -4.0])


def test_non_trainable_variable_is_not_watched_automatically(B):
    trainable = B.Variable(np.array([1.0, 2.0]), dtype="float64")
    frozen = B.Variable(np.array([3.0, 4.0]), dtype="float64", trainable=False)
    with B.GradientTape() as tape:
        target = B.sum(B.multiply(trainable, frozen))
    gradient_frozen, gradient_trainable = tape.gradient(target, [frozen, trainable])
    assert gradient_frozen is None
    np.testing.assert_array_equal(to_np(B, gradient_trainable), [3.0, 4.0])


def test_non_trainable_variable_is_followed_when_watched(B):
    frozen = B.Variable(np.array([3.0, 4.0]), dtype="float64", trainable=False)
    with B.GradientTape() as tape:
        tape.watch(frozen)
        target = B.sum(B.square(frozen))
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, frozen)), [6.0, 8.0])


def test_watch_accessed_variables_false_watches_only_what_is_watched(B):
    a = B.Variable(np.array([1.0, 2.0]), dtype="float64")
    b = B.Variable(np.array([3.0, 5.0]), dtype="float64")
    with B.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(b)
        target = B.sum(B.multiply(a, b))
    gradient_a, gradient_b = tape.gradient(target, [a, b])
    assert gradient_a is None
    np.testing.assert_array_equal(to_np(B, gradient_b), [1.0, 2.0])


def test_watch_accessed_variables_false_without_watch_has_no_target(B):
    v = B.Variable(np.array([1.0, 2.0]), dtype="float64")
    with B.GradientTape(watch_accessed_variables=False) as tape:
        target = B.sum(B.square(v))
    with pytest.raises(ValueError):
        tape.gradient(target, v)


def test_persistent_tape_gives_several_gradients(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape(persistent=True) as tape:
        tape.watch(x)
        square = B.sum(B.square(x))
        cube = B.sum(B.power(x, 3))
    np.testing.assert_allclose(to_np(B, tape.gradient(square, x)), [2.0, 4.0])
    np.testing.assert_allclose(to_np(B, tape.gradient(cube, x)), [3.0, 12.0])
    np.testing.assert_allclose(to_np(B, tape.gradient(square, x)), [2.0, 4.0])


def test_non_persistent_tape_refuses_a_second_gradient(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.square(x))
    tape.gradient(target, x)
    with pytest.raises(RuntimeError):
        tape.gradient(target, x)


def test_gradient_inside_the_with_block_raises(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.square(x))
        with pytest.raises(RuntimeError):
            tape.gradient(target, x)


def test_reset_forgets_records_and_watched_values(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        B.sum(B.exp(x))
        tape.reset()
        target = B.sum(B.square(x))
    with pytest.raises(ValueError):
        tape.gradient(target, x)


def test_unconnected_source_gives_none(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    y = B.convert_to_tensor(np.array([3.0, 4.0]))
    with B.GradientTape() as tape:
        tape.watch([x, y])
        target = B.sum(B.square(x))
    gradient_x, gradient_y = tape.gradient(target, [x, y])
    assert gradient_y is None
    np.testing.assert_array_equal(to_np(B, gradient_x), [2.0, 4.0])


def test_single_source_gives_a_single_gradient_and_a_list_gives_a_list(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape(persistent=True) as tape:
        tape.watch(x)
        target = B.sum(B.square(x))
    assert B.is_tensor(tape.gradient(target, x))
    as_list = tape.gradient(target, [x])
    assert isinstance(as_list, list) and len(as_list) == 1


def test_target_computed_with_plain_numpy_raises(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = np.sum(B.convert_to_numpy(x) ** 2)
    with pytest.raises(ValueError, match="not computed on this tape"):
        tape.gradient(target, x)


def test_target_that_is_a_watched_source_has_gradient_one(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
    np.testing.assert_array_equal(to_np(B, tape.gradient(x, x)), [1.0, 1.0])


def test_stop_gradient_cuts_the_path(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.multiply(x, B.stop_gradient(B.square(x))))
    # d/dx [x * c] with c = x**2 held constant.
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, x)), [1.0, 4.0])


def test_stop_gradient_of_a_variable_keeps_its_value_and_no_gradient(B):
    v = B.Variable(np.array([1.0, 2.0]), dtype="float64")
    with B.GradientTape() as tape:
        stopped = B.stop_gradient(v)
        target = B.sum(B.add(B.square(stopped), v))
    np.testing.assert_array_equal(to_np(B, stopped), [1.0, 2.0])
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, v)), [1.0, 1.0])


def test_stop_recording_leaves_ops_off_the_tape(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        with tape.stop_recording():
            constant = B.square(x)
        target = B.sum(B.multiply(x, constant))
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, x)), [1.0, 4.0])


def test_stop_recording_pauses_only_its_own_tape(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as outer, B.GradientTape() as inner:
        outer.watch(x)
        inner.watch(x)
        with inner.stop_recording():
            target = B.sum(B.square(x))
    np.testing.assert_array_equal(to_np(B, outer.gradient(target, x)), [2.0, 4.0])
    with pytest.raises(ValueError):
        inner.gradient(target, x)


def test_list_of_targets_gives_the_gradient_of_their_sum(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        targets = [B.sum(B.square(x)), B.multiply(x, 3.0)]
    np.testing.assert_allclose(to_np(B, tape.gradient(targets, x)), [5.0, 7.0])


def test_output_gradients_weight_the_target(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0, 3.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.square(x)
    gradient = tape.gradient(target, x, output_gradients=np.array([1.0, 0.5, -2.0]))
    np.testing.assert_allclose(to_np(B, gradient), [2.0, 2.0, -12.0])


def test_output_gradients_per_target_in_a_list(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        targets = [B.square(x), B.multiply(x, 3.0)]
    seeds = [np.array([1.0, -1.0]), np.array([2.0, 0.0])]
    np.testing.assert_allclose(
        to_np(B, tape.gradient(targets, x, output_gradients=seeds)), [8.0, -4.0]
    )


def test_value_used_twice_accumulates_its_gradients(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.add(B.multiply(x, x), B.exp(x)))
    np.testing.assert_allclose(
        to_np(B, tape.gradient(target, x)), 2 * np.array([1, 2]) + np.exp([1, 2])
    )


def test_intermediate_used_on_several_paths_accumulates(B):
    x = B.convert_to_tensor(np.array([0.5, -1.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        hidden = B.tanh(x)
        target = B.sum(B.add(B.square(hidden), B.multiply(hidden, 3.0)))
    t = np.tanh([0.5, -1.0])
    np.testing.assert_allclose(to_np(B, tape.gradient(target, x)), (2 * t + 3) * (1 - t * t))


def test_reduction_to_a_scalar_is_followed_by_later_ops(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.multiply(B.sum(B.square(x)), 3.0)
    np.testing.assert_allclose(to_np(B, tape.gradient(target, x)), [6.0, 12.0])


def variable_operator_gradient(B, operator, value):
    """The gradient for ``v`` of ``sum(operator(v) * w)``, w a fixed weighting."""
    v = B.Variable(np.array(value), dtype="float64")
    with B.GradientTape() as tape:
        out = operator(v)
        target = B.sum(B.multiply(out, weighting(np.shape(B.convert_to_numpy(out)))))
    return to_np(B, tape.gradient(target, v))


VALUE = np.array([[1.0, 2.0], [3.0, -1.5]])
VECTOR = np.array([0.5, -2.0])
VARIABLE_OPERATORS = {
    # name: (operator, d out / d v applied to the weighting w, as a function of (v, w))
    "mul_self": (lambda v: v * v, lambda v, w: 2 * v * w),
    "mul_scalar": (lambda v: v * 3.0, lambda v, w: 3.0 * w),
    "rmul_scalar": (lambda v: 3.0 * v, lambda v, w: 3.0 * w),
    "add_self": (lambda v: v + v, lambda v, w: 2 * w),
    "radd": (lambda v: 1.0 + v, lambda v, w: w),
    "sub_array": (lambda v: v - VECTOR, lambda v, w: w),
    "rsub": (lambda v: 1.0 - v, lambda v, w: -w),
    "truediv": (lambda v: v / 4.0, lambda v, w: w / 4.0),
    "rtruediv": (lambda v: 3.0 / v, lambda v, w: -3.0 * w / v**2),
    "pow": (lambda v: v**3, lambda v, w: 3 * v**2 * w),
    "neg": (lambda v: -v, lambda v, w: -w),
    "abs": (lambda v: abs(v), lambda v, w: np.sign(v) * w),
    "matmul_vector": (lambda v: v @ VECTOR, lambda v, w: np.outer(w, VECTOR)),
    "rmatmul_vector": (lambda v: VECTOR @ v, lambda v, w: np.outer(VECTOR, w)),
    "rmul_array": (lambda v: VECTOR * v, lambda v, w: VECTOR * w),
    "radd_array": (lambda v: VECTOR + v, lambda v, w: w),
    "getitem_row": (lambda v: v[0], lambda v, w: np.stack([w, np.zeros(2)])),
    "getitem_column": (lambda v: v[:, 1], lambda v, w: np.stack([np.zeros(2), w], axis=1)),
}


@pytest.mark.parametrize("name", sorted(VARIABLE_OPERATORS))
def test_variable_arithmetic_operator_is_differentiable(B, name):
    operator, derivative = VARIABLE_OPERATORS[name]
    out_shape = np.shape(operator(VALUE))
    expected = derivative(VALUE, weighting(out_shape))
    np.testing.assert_allclose(variable_operator_gradient(B, operator, VALUE), expected)


def test_variable_matmul_of_two_vectors_is_differentiable(B):
    v = B.Variable(np.array([1.0, 2.0, 3.0]), dtype="float64")
    x = np.array([0.5, -1.0, 4.0])
    with B.GradientTape() as tape:
        target = v @ x
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, v)), x)


MIXED_PRECISION = {
    # name: (function of (a, b), shape of a, shape of b)
    "multiply": (lambda B, a, b: B.multiply(a, b), (2, 3), (3,)),
    "dot": (lambda B, a, b: B.dot(a, b), (2, 3), (3, 4)),
    "dot_nd_y": (lambda B, a, b: B.dot(a, b), (2, 3), (2, 3, 4)),
    "matmul_batched": (lambda B, a, b: B.matmul(a, b), (2, 2, 3), (3, 4)),
    "batch_dot": (lambda B, a, b: B.batch_dot(a, b, (2, 1)), (2, 2, 3), (2, 3, 4)),
    "bias_add": (lambda B, a, b: B.bias_add(a, b), (2, 3), (3,)),
    "concatenate": (lambda B, a, b: B.concatenate([a, b], axis=0), (2, 3), (1, 3)),
    "stack": (lambda B, a, b: B.stack([a, b]), (2, 3), (2, 3)),
    "where": (lambda B, a, b: B.where(CONDITION, a, b), (2, 3), (2, 3)),
}


@pytest.mark.parametrize("name", sorted(MIXED_PRECISION))
@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("float64", "float32")])
def test_gradient_of_mixed_precision_op_has_each_source_dtype(B, name, dtypes):
    function, shape_a, shape_b = MIXED_PRECISION[name]
    a = B.convert_to_tensor(rand(*shape_a).astype(dtypes[0]))
    b = B.convert_to_tensor(rand(*shape_b, seed=2).astype(dtypes[1]))
    with B.GradientTape() as tape:
        tape.watch([a, b])
        target = B.sum(function(B, a, b))
    gradient_a, gradient_b = tape.gradient(target, [a, b])
    assert (B.dtype(gradient_a), B.dtype(gradient_b)) == dtypes
    assert (B.int_shape(gradient_a), B.int_shape(gradient_b)) == (shape_a, shape_b)


def test_gradients_have_the_shapes_and_dtypes_of_their_sources(B):
    kernel = B.Variable(np.ones((3, 2)), dtype="float32")
    bias = B.Variable(np.zeros((2,)), dtype="float32")
    x = B.convert_to_tensor(np.ones((4, 3), dtype="float64"))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.square(B.bias_add(B.dot(x, kernel), bias)))
    gradients = tape.gradient(target, [kernel, bias, x])
    assert [tuple(B.int_shape(g)) for g in gradients] == [(3, 2), (2,), (4, 3)]
    assert [B.dtype(g) for g in gradients] == ["float32", "float32", "float64"]


def test_float32_variable_gets_a_float32_gradient_through_float64_math(B):
    v = B.Variable(np.array([1.0, 2.0]), dtype="float32")
    with B.GradientTape() as tape:
        target = B.sum(B.multiply(v, np.array([0.5, 0.25], dtype="float64")))
    gradient = tape.gradient(target, v)
    assert B.dtype(gradient) == "float32"
    np.testing.assert_array_equal(to_np(B, gradient), np.array([0.5, 0.25], dtype="float32"))


def test_gradient_leaves_the_sources_unchanged(B):
    v = B.Variable(np.array([1.0, 2.0]), dtype="float64")
    x = B.convert_to_tensor(np.array([3.0, 4.0]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.multiply(v, x))
    tape.gradient(target, [v, x])
    np.testing.assert_array_equal(B.get_value(v), [1.0, 2.0])
    np.testing.assert_array_equal(to_np(B, x), [3.0, 4.0])


def test_ops_outside_any_tape_are_not_recorded(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    square = B.square(x)
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.multiply(square, x))
    np.testing.assert_array_equal(to_np(B, tape.gradient(target, x)), [1.0, 4.0])


def test_nested_tapes_both_record(B):
    x = B.convert_to_tensor(np.array([1.0, 2.0]))
    with B.GradientTape() as outer:
        outer.watch(x)
        with B.GradientTape() as inner:
            inner.watch(x)
            target = B.sum(B.square(x))
    np.testing.assert_array_equal(to_np(B, inner.gradient(target, x)), [2.0, 4.0])
    np.testing.assert_array_equal(to_np(B, outer.gradient(target, x)), [2.0, 4.0])
