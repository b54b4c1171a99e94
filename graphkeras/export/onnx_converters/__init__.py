"""The built-in ONNX converters, one module per layer family; importing registers them."""

from graphkeras.export.onnx_converters import (
    activation_layers,
    attention,
    categorical,
    convolution,
    dense,
    embedding,
    identities,
    image_augmentation,
    image_resizing,
    mask_of,
    merging,
    normalization,
    operators,
    pooling,
    preprocessing,
    recurrent,
    reshaping,
    residual,
    spatial_reshaping,
)
