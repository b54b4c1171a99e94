"""Attention layers: Attention, AdditiveAttention and MultiHeadAttention."""

from graphkeras.layers.attention.additive_attention import AdditiveAttention
from graphkeras.layers.attention.attention import Attention
from graphkeras.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]
