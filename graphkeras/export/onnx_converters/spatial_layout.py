"""What convolution and pooling converters share: channels moved first, Keras padding as pads.

ONNX's Conv and pooling nodes take ``(batch, channels, *spatial)``;
a ``channels_last`` layer's input is transposed there and its result back.
Keras's ``"same"`` padding splits the padding evenly with the odd one after
(ONNX's ``SAME_UPPER``), ``"causal"`` puts it all before; explicit pads are
written when the spatial sizes are known, ``auto_pad`` otherwise.
"""

from __future__ import annotations

import math

from graphkeras.export.onnx_export_error import OnnxExportError


def to_channels_first(call, x: str, rank: int, data_format: str) -> str:
    """``x`` (rank ``rank``) with its channels second, as ONNX's spatial nodes want."""
    if data_format == "channels_first":
        return x
    return call.transpose(x, [0, rank - 1, *range(1, rank - 1)])


def from_channels_first(call, x: str, rank: int, data_format: str) -> str:
    """The inverse of :func:`to_channels_first`."""
    if data_format == "channels_first":
        return x
    return call.transpose(x, [0, *range(2, rank), 1])


def spatial_sizes(shape: tuple, data_format: str) -> tuple:
    return tuple(shape[1:-1] if data_format == "channels_last" else shape[2:])


def padding_attributes(call, shape, data_format, kernel, strides, dilations, padding) -> dict:
    """``pads`` (or ``auto_pad``) reproducing Keras's ``padding`` for one window op."""
    sizes = spatial_sizes(shape, data_format)
    if padding == "valid":
        return {"pads": [0] * (2 * len(kernel))}
    extents = [(k - 1) * d + 1 for k, d in zip(kernel, dilations, strict=True)]
    if padding == "causal":
        return {"pads": [extent - 1 for extent in extents] + [0] * len(kernel)}
    if padding != "same":
        raise OnnxExportError(
            f"{type(call.layer).__name__} layer '{call.layer.name}': padding={padding!r} has "
            "no ONNX form; expected 'valid', 'same' or 'causal'."
        )
    if any(size is None for size in sizes):
        return {"auto_pad": "SAME_UPPER"}
    begins, ends = [], []
    for size, extent, stride in zip(sizes, extents, strides, strict=True):
        total = max((math.ceil(size / stride) - 1) * stride + extent - size, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
    return {"pads": begins + ends}


def transposed_padding(inputs, outputs, kernel_size, strides, dilations) -> tuple[list, list]:
    """ConvTranspose's ``pads`` and ``output_padding`` that give the recorded output sizes.

    A transposed convolution is the gradient of a forward one: that one's
    total padding, split as it splits it (the smaller half first), becomes
    ``pads``; what the output size still lacks becomes ``output_padding``.
    """
    begins, ends, extra = [], [], []
    for size, out, k, s, d in zip(inputs, outputs, kernel_size, strides, dilations, strict=True):
        extent = (k - 1) * d + 1
        total = max((size - 1) * s + extent - out, 0)
        begins.append(total // 2)
        ends.append(total - total // 2)
        extra.append(out - ((size - 1) * s + extent - total))
    return begins + ends, extra
