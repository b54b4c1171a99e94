"""``ops.image.resize`` (two constant interpolation matrices, one Einsum) and ``rgb_to_grayscale``.

graphkeras resizes separably: each output row is a fixed weighted sum of
input rows and each output column of input columns, whatever the
interpolation (nearest, bilinear, bicubic, Lanczos, area, with or without
antialiasing), on Keras 3's half-pixel grid. Those weights depend only on
the static sizes, so the export asks graphkeras's own ``resize`` for them:
resizing the identity basis (``size`` pixels, one channel per pixel) along
one axis gives that axis' matrix exactly. The ONNX graph then computes
``rows @ image @ columns^T`` as one ``Einsum``, which follows the backend's
arithmetic rather than ONNX ``Resize``'s own (whose kernels and edge
handling differ from Keras's for everything but the simplest cases).
``crop_to_aspect_ratio`` and ``pad_to_aspect_ratio`` are refused.
``rgb_to_grayscale`` is graphkeras's weighted sum of the channels, in
floats, cast back to the images' dtype.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K
from graphkeras.export.onnx_converters.operation_call import OperationCall


def _axis_matrix(
    size: int, new_size: int, interpolation: str, antialias: bool, dtype: str
) -> np.ndarray:
    """``(new_size, size)`` weights: graphkeras's resize of each unit image along one axis."""
    basis = np.eye(size, dtype=dtype)[:, None, :]  # height = size, width 1, a channel per pixel
    resized = K.resize(
        basis,
        (new_size, 1),
        interpolation=interpolation,
        antialias=antialias,
        data_format="channels_last",
    )
    return np.asarray(K.convert_to_numpy(resized), dtype=dtype)[:, 0, :]


def _resize(op: OperationCall) -> str:
    images = op.tensor("images")
    for flag in ("crop_to_aspect_ratio", "pad_to_aspect_ratio"):
        if op[flag]:
            op.refuse(flag, "is True; only a plain resize has a converter")
    if op["fill_mode"] != "constant":
        op.refuse("fill_mode", "is not 'constant'")
    if images.rank not in (3, 4):
        op.refuse("images", f"has rank {images.rank}; resize takes rank 3 or 4")
    size = op["size"]
    if not isinstance(size, (list, tuple)) or len(size) != 2:
        op.refuse("size", "must be a static (height, width)")
    new_height, new_width = (op.integer("size", value) for value in size)
    data_format = K.standardize_data_format(op["data_format"])
    channels_last = data_format == "channels_last"
    height_axis = images.rank - 3 if channels_last else images.rank - 2
    height, width = images.shape[height_axis], images.shape[height_axis + 1]
    if height is None or width is None:
        op.refuse("images", f"of shape {images.shape} has a size unknown until run time")
    dtype = op.output_dtype()
    interpolation = op["interpolation"]
    antialias = bool(op["antialias"])
    rows = _axis_matrix(height, new_height, interpolation, antialias, dtype)
    columns = _axis_matrix(width, new_width, interpolation, antialias, dtype)
    batch = "n" if images.rank == 4 else ""
    pixels = f"{batch}hwc" if channels_last else f"{batch}chw"
    result = f"{batch}ijc" if channels_last else f"{batch}cij"
    return op.add(
        "Einsum",
        [
            op.constant(rows, dtype, "rows"),
            op.operand(images, dtype, "images"),
            op.constant(columns, dtype, "columns"),
        ],
        equation=f"ih,{pixels},jw->{result}",
    )


def _rgb_to_grayscale(op: OperationCall) -> str:
    """``0.2989 R + 0.5870 G + 0.1140 B`` summed in floats, then in the images' dtype."""
    images = op.tensor("images")
    if images.rank not in (3, 4):
        op.refuse("images", f"has rank {images.rank}; expected 3 or 4")
    data_format = K.standardize_data_format(op["data_format"])
    axis = images.rank - 1 if data_format == "channels_last" else images.rank - 3
    channels = images.shape[axis]
    if channels == 1:
        return op.add("Identity", [images.name])
    if channels != 3:
        op.refuse("images", f"has {channels} channels; expected 3 or 1")
    dtype = images.dtype if np.dtype(images.dtype).kind == "f" else K.floatx()
    shape = [1] * images.rank
    shape[axis] = 3
    weights = np.asarray([0.2989, 0.5870, 0.1140], dtype=dtype).reshape(shape)
    luma = op.constant(weights, dtype, "luma")
    weighted = op.add("Mul", [op.operand(images, dtype, "images"), luma])
    gray = op.reduce("ReduceSum", weighted, [axis], True)
    return gray if dtype == images.dtype else op.cast(gray, images.dtype)


WRITERS: dict[str, Callable] = {"resize": _resize, "rgb_to_grayscale": _rgb_to_grayscale}
