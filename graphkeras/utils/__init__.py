"""Helpers that serve several parts of graphkeras."""

from graphkeras.utils.nest import flatten, pack_sequence_as
from graphkeras.utils.node_table import node_rows, node_table
from graphkeras.utils.progbar import Progbar
from graphkeras.utils.random_seed import set_random_seed
from graphkeras.utils.serialization import (
    get_registered_name,
    get_registered_object,
    register_serializable,
)

__all__ = [
    "Progbar",
    "flatten",
    "get_registered_name",
    "get_registered_object",
    "node_rows",
    "node_table",
    "pack_sequence_as",
    "register_serializable",
    "set_random_seed",
]
