"""The symbolic graph engine: tensors, nodes, layers, networks and models.

Importing this package also plugs the engine into the backend (``K.function``)
and into KerasTensor (the Python operators), so it is always imported with
``graphkeras``.
"""

from graphkeras.engine import graph_function, mask_of, op_layer
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.graph_mapping import get_source_inputs
from graphkeras.engine.input_layer import Input, InputLayer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.network import Network, model_from_config, model_from_json
from graphkeras.engine.node import KerasHistory, Node
from graphkeras.engine.op_layer import OperatorLayer
from graphkeras.engine.sequential import Sequential
from graphkeras.engine.training import Model

__all__ = [
    "Input",
    "InputLayer",
    "InputSpec",
    "KerasHistory",
    "KerasTensor",
    "Layer",
    "Model",
    "Network",
    "Node",
    "OperatorLayer",
    "Sequential",
    "get_source_inputs",
    "model_from_config",
    "model_from_json",
]
