"""Preprocessing layers: Rescaling, Normalization, Resizing, CenterCrop and Discretization
for numbers and images; Hashing and CategoryEncoding for categories (Keras 3's names,
configs and numbers), and Pipeline."""

from graphkeras.layers.preprocessing.category_encoding import CategoryEncoding
from graphkeras.layers.preprocessing.center_crop import CenterCrop
from graphkeras.layers.preprocessing.discretization import Discretization
from graphkeras.layers.preprocessing.hashing import Hashing
from graphkeras.layers.preprocessing.normalization import Normalization
from graphkeras.layers.preprocessing.pipeline import Pipeline
from graphkeras.layers.preprocessing.rescaling import Rescaling
from graphkeras.layers.preprocessing.resizing import Resizing

__all__ = [
    "CategoryEncoding",
    "CenterCrop",
    "Discretization",
    "Hashing",
    "Normalization",
    "Pipeline",
    "Rescaling",
    "Resizing",
]
