"""graphkeras: Keras's functional engine, rebuilt small, complete and fast on NumPy.

>>> import graphkeras as gk
>>> from graphkeras import layers
>>> x = gk.Input(shape=(4,))
>>> model = gk.Model(x, layers.Dense(2)(x))
"""

from graphkeras import (
    activations,
    applications,
    backend,
    callbacks,
    constraints,
    datasets,
    distribution,
    engine,
    export,
    initializers,
    interop,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    utils,
)
from graphkeras.engine import Input, KerasTensor, Model, Sequential
from graphkeras.version import __version__

__all__ = [
    "Input",
    "KerasTensor",
    "Model",
    "Sequential",
    "__version__",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "constraints",
    "datasets",
    "distribution",
    "engine",
    "export",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "utils",
]
