"""Preprocessing layers for numbers and images: Rescaling, Normalization, Resizing,
CenterCrop and Discretization (Keras 3's names, configs and numbers), and Pipeline."""

from graphkeras.layers.preprocessing.center_crop import CenterCrop
from graphkeras.layers.preprocessing.discretization import Discretization
from graphkeras.layers.preprocessing.normalization import Normalization
from graphkeras.layers.preprocessing.pipeline import Pipeline
from graphkeras.layers.preprocessing.rescaling import Rescaling
from graphkeras.layers.preprocessing.resizing import Resizing

__all__ = ["CenterCrop", "Discretization", "Normalization", "Pipeline", "Rescaling", "Resizing"]
