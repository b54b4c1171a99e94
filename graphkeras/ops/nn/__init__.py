"""``gk.ops.nn``: Keras 3's neural-network operations.

Activations and softmaxes, label encodings, losses, normalizations,
convolutions and pools, and dot-product attention, one module per kind;
this namespace holds them all, as ``keras.ops.nn`` does.
"""

from __future__ import annotations

from graphkeras.ops.nn.activations import (  # noqa: F401
    celu,
    elu,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh_shrink,
    threshold,
)
from graphkeras.ops.nn.attention import (  # noqa: F401
    dot_product_attention,
)
from graphkeras.ops.nn.convolution import (  # noqa: F401
    adaptive_average_pool,
    adaptive_max_pool,
    average_pool,
    conv,
    conv_transpose,
    depth_to_space,
    depthwise_conv,
    max_pool,
    separable_conv,
    space_to_depth,
)
from graphkeras.ops.nn.encoding import (  # noqa: F401
    multi_hot,
    one_hot,
)
from graphkeras.ops.nn.losses import (  # noqa: F401
    binary_crossentropy,
    categorical_crossentropy,
    psnr,
    sparse_categorical_crossentropy,
)
from graphkeras.ops.nn.normalization import (  # noqa: F401
    batch_normalization,
    layer_normalization,
    moments,
    normalize,
    rms_normalization,
)
