"""Helpers that serve several parts of graphkeras."""

from graphkeras.utils import np_utils
from graphkeras.utils.data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from graphkeras.utils.dataset_utils import split_dataset
from graphkeras.utils.model_graph import to_networkx
from graphkeras.utils.model_to_dot import model_to_dot
from graphkeras.utils.model_viewer import ModelView, view_model
from graphkeras.utils.nest import flatten, pack_sequence_as
from graphkeras.utils.node_table import node_rows, node_table
from graphkeras.utils.numerical_utils import normalize, to_categorical
from graphkeras.utils.plot_model import ModelDiagram, model_to_svg, plot_model
from graphkeras.utils.progbar import Progbar
from graphkeras.utils.py_dataset import PyDataset, Sequence
from graphkeras.utils.random_seed import set_random_seed
from graphkeras.utils.sequence_utils import pad_sequences
from graphkeras.utils.serialization import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_serializable,
)
from graphkeras.utils.serialization import (
    register_serializable as register_keras_serializable,
)
from graphkeras.utils.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope",
    "ModelDiagram",
    "ModelView",
    "Progbar",
    "PyDataset",
    "Sequence",
    "custom_object_scope",
    "deserialize_keras_object",
    "flatten",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "model_to_dot",
    "model_to_svg",
    "node_rows",
    "node_table",
    "normalize",
    "np_utils",
    "pack_sequence_as",
    "pack_x_y_sample_weight",
    "pad_sequences",
    "plot_model",
    "register_keras_serializable",
    "register_serializable",
    "serialize_keras_object",
    "set_random_seed",
    "split_dataset",
    "to_categorical",
    "to_networkx",
    "unpack_x_y_sample_weight",
    "view_model",
]
