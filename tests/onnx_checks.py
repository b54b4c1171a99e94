"""Shared checks for the ONNX export tests: export, validate, run, compare.

``assert_exports_faithfully`` is the one check every family's test makes:
``onnx.checker.check_model(full_check=True)`` passes, and onnxruntime's
outputs equal graphkeras's within rtol 1e-5 and atol 1e-6 (two float32
computations of the same formula, in different orders) on random batches of
two sizes, so the symbolic batch axis is exercised.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime

import graphkeras as gk

RTOL = 1e-5
ATOL = 1e-6
BATCH_SIZES = (2, 5)


def random_inputs(model, batch: int, seed: int) -> list[np.ndarray]:
    """One array per model input: normal floats (scaled by 2), or ids in ``[0, 10)``."""
    generator = np.random.default_rng(seed)
    arrays = []
    for tensor in model.inputs:
        shape = (batch, *tensor.shape[1:])
        if "int" in str(tensor.dtype):
            arrays.append(generator.integers(0, 10, size=shape).astype(str(tensor.dtype)))
        else:
            arrays.append((2 * generator.standard_normal(shape)).astype(str(tensor.dtype)))
    return arrays


def graphkeras_outputs(model, arrays: list[np.ndarray]) -> list[np.ndarray]:
    """``predict``'s outputs as a list in the order of ``model.outputs`` (the ONNX order)."""
    outputs = model.predict(arrays if len(arrays) > 1 else arrays[0], verbose=0)
    if isinstance(outputs, dict):
        outputs = [outputs[name] for name in model.output_names]
    elif not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    return [np.asarray(output) for output in outputs]


def assert_runs_like_graphkeras(
    model, feeds: list[list[np.ndarray]], opset: int | None = None, rtol=RTOL, atol=ATOL
):
    """Export and check ``model``, then compare onnxruntime with graphkeras on each feed.

    Each feed is one list of arrays, one per model input; returns the ModelProto.
    """
    proto = gk.export.to_onnx(model, opset=opset)
    onnx.checker.check_model(proto, full_check=True)
    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    for arrays in feeds:
        exported = session.run(None, dict(zip(model.input_names, arrays, strict=True)))
        expected = graphkeras_outputs(model, arrays)
        assert len(exported) == len(expected)
        for got, want in zip(exported, expected, strict=True):
            assert got.shape == want.shape
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)
    return proto


def assert_exports_faithfully(model, opset: int | None = None, rtol=RTOL, atol=ATOL):
    """Export, check, and compare onnxruntime with graphkeras on two random batch sizes."""
    feeds = [random_inputs(model, batch, seed) for seed, batch in enumerate(BATCH_SIZES)]
    return assert_runs_like_graphkeras(model, feeds, opset, rtol, atol)


def chain(input_shape, *stack, dtype="float32"):
    inputs = gk.Input(input_shape, dtype=dtype, name="features")
    outputs = inputs
    for layer in stack:
        outputs = layer(outputs)
    return gk.Model(inputs, outputs, name="chain")


def with_random_weights(model, seed: int = 0):
    """Every weight drawn at random; variances kept positive (moving statistics)."""
    generator = np.random.default_rng(seed)
    model.set_weights(
        [
            np.abs(generator.standard_normal(weight.shape)).astype(weight.dtype) + 0.1
            for weight in model.get_weights()
        ]
    )
    return model


def randomised(model, seed: int = 0, scale: float = 0.5):
    """Every weight (biases included) normal with ``scale``, signs mixed.

    Random biases make a misplaced gate block or bias half change the
    result; a small scale keeps deep stacks' scores where float32 rounding
    cannot dominate a softmax.
    """
    generator = np.random.default_rng(seed)
    for variable in model.weights:
        shape = tuple(variable.shape)
        variable.assign((scale * generator.standard_normal(shape)).astype("float32"))
    return model
