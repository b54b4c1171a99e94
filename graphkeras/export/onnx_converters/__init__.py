"""The built-in ONNX converters, one module per layer family; importing registers them."""

from graphkeras.export.onnx_converters import (
    activation_layers,
    convolution,
    dense,
    embedding,
    identities,
    masking,
    merging,
    normalization,
    operators,
    pooling,
    preprocessing,
    recurrent,
    reshaping,
    residual,
    spatial_reshaping,
    wrappers,
)
