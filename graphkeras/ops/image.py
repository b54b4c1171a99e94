"""``gk.ops.image``: Keras 3's image operations."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.ops.dtypes import as_float
from graphkeras.ops.operation import operation


@operation
def resize(
    images,
    size,
    interpolation="bilinear",
    antialias=False,
    crop_to_aspect_ratio=False,
    pad_to_aspect_ratio=False,
    fill_mode="constant",
    fill_value=0.0,
    data_format=None,
):
    """Images of rank 3 or 4 resized to ``size=(height, width)``.

    'bilinear' and 'nearest' interpolation sample at half-pixel centers as
    Keras 3; antialiasing and the aspect-ratio options are not implemented
    and raise ValueError rather than giving other numbers.
    """
    if antialias or crop_to_aspect_ratio or pad_to_aspect_ratio:
        raise ValueError(
            "ops.image.resize: antialias, crop_to_aspect_ratio and pad_to_aspect_ratio are "
            "not supported by graphkeras."
        )
    return K.resize(
        as_float(images), tuple(size), interpolation=interpolation, data_format=data_format
    )
