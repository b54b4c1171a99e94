"""Preprocessing layers: Rescaling, Normalization, Resizing, CenterCrop and Discretization for
numbers and images; Hashing, CategoryEncoding, IntegerLookup, StringLookup and
TextVectorization for categories and text (Keras 3's names, configs and numbers); Pipeline."""

from graphkeras.layers.preprocessing.category_encoding import CategoryEncoding
from graphkeras.layers.preprocessing.center_crop import CenterCrop
from graphkeras.layers.preprocessing.discretization import Discretization
from graphkeras.layers.preprocessing.hashing import Hashing
from graphkeras.layers.preprocessing.integer_lookup import IntegerLookup
from graphkeras.layers.preprocessing.normalization import Normalization
from graphkeras.layers.preprocessing.pipeline import Pipeline
from graphkeras.layers.preprocessing.rescaling import Rescaling
from graphkeras.layers.preprocessing.resizing import Resizing
from graphkeras.layers.preprocessing.string_lookup import StringLookup
from graphkeras.layers.preprocessing.text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "Hashing",
    "Normalization",
    "Pipeline",
    "Rescaling",
    "Resizing",
    "IntegerLookup",
    "StringLookup",
    "TextVectorization",
]
