"""Deterministic weights for comparing an application model with Keras's, without storing them.

The recording script (``scripts/record_keras_applications.py``, run with
Keras) and the tests (run with graphkeras) give every variable of the same
architecture the same values, made here from the variable's place in
``model.weights``, its short name and its shape, so a 60-million-parameter
ResNet152 is compared through a few recorded outputs instead of a file of
its weights. The scales keep activations of order one through a deep
network: kernels get ``1/sqrt(fan_in)``, batch-norm variances stay near one.

This file imports only NumPy, so the recording script can load it beside Keras.
"""

from __future__ import annotations

import math

import numpy as np


def short_name(name: str) -> str:
    """``"conv1/kernel:0"`` -> ``"kernel"``: the variable's own name, as Keras 3's ``.name``."""
    return name.split("/")[-1].split(":")[0]


def reference_value(index: int, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The float32 value variable number ``index`` of a model gets, from its name and shape."""
    rng = np.random.default_rng(1000 + index)
    name = short_name(name)
    shape = tuple(int(size) for size in shape)
    if name in ("moving_variance", "variance"):
        return rng.uniform(0.5, 1.5, shape).astype(np.float32)
    if name == "gamma":
        return rng.uniform(0.8, 1.2, shape).astype(np.float32)
    if name in ("beta", "bias", "moving_mean", "mean") or len(shape) < 2:
        return (0.1 * rng.standard_normal(shape)).astype(np.float32)
    if name == "depthwise_kernel":
        fan_in = math.prod(shape[:-2])
    else:
        fan_in = math.prod(shape[:-1])
    return (rng.standard_normal(shape) / math.sqrt(max(fan_in, 1))).astype(np.float32)


def reference_inputs(shape: tuple[int, ...]) -> np.ndarray:
    """A batch of images in ``[0, 255)``, the pixel range the applications expect."""
    return np.random.default_rng(7).uniform(0.0, 255.0, shape).astype(np.float32)
