"""Normalisation layers: batch, layer, group and unit normalisation."""

from graphkeras.layers.normalization.batch_normalization import BatchNormalization
from graphkeras.layers.normalization.group_normalization import GroupNormalization
from graphkeras.layers.normalization.layer_normalization import LayerNormalization
from graphkeras.layers.normalization.unit_normalization import UnitNormalization
