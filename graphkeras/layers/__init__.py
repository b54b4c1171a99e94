"""The layer library: every built-in layer, plus the base classes users subclass."""

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_layer import Input, InputLayer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import deserialize_layer as deserialize
from graphkeras.engine.layer_registry import serialize_layer as serialize
from graphkeras.engine.op_layer import OperatorLayer
from graphkeras.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Identity,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from graphkeras.layers.merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Merge,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
