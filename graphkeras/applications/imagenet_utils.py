"""What every ImageNet application shares: input checks, preprocessing and decoding of predictions.

The functions Keras 3 keeps in ``keras.applications.imagenet_utils``, with
the same names, arguments, numbers and errors, so a Keras script's
``preprocess_input`` / ``decode_predictions`` lines run unchanged. One
difference, by rule: nothing is downloaded. ``decode_predictions`` reads
the class index (``imagenet_class_index.json``, as Keras publishes it) from
a path given, or from the cache folder Keras itself uses, and says where to
put it when it is missing.
"""

from __future__ import annotations

import json
import os
import warnings

import numpy as np

from graphkeras import activations
from graphkeras import backend as K
from graphkeras.applications.pretrained_weights import cached_file

CLASS_INDEX_FILE = "imagenet_class_index.json"
CLASS_INDEX_ORIGIN = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
_CHANNEL_MEANS = {"caffe": (103.939, 116.779, 123.68), "torch": (0.485, 0.456, 0.406)}
_TORCH_STDS = (0.229, 0.224, 0.225)
_class_index_cache: dict[str, dict] = {}


def preprocess_input(x, data_format: str | None = None, mode: str = "caffe"):
    """Scale a batch of RGB images in ``[0, 255]`` the way a network was trained to see them.

    ``mode="caffe"``: RGB -> BGR, then the ImageNet channel means subtracted;
    ``"tf"``: scaled to ``[-1, 1]``; ``"torch"``: scaled to ``[0, 1]``, then
    standardised per channel. A float NumPy array is changed in place and
    returned (as Keras does); integers are converted to ``floatx`` first.
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(
            f"Expected mode to be one of `caffe`, `tf` or `torch`. Received: mode={mode}"
        )
    data_format = _checked_data_format(data_format)
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(K.floatx())
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    channel_axis = (0 if x.ndim == 3 else 1) if data_format == "channels_first" else x.ndim - 1
    if mode == "caffe":
        x = np.flip(x, axis=channel_axis)
    else:
        x /= 255.0
    shape = [1] * x.ndim
    shape[channel_axis] = 3
    x -= np.asarray(_CHANNEL_MEANS[mode], dtype=x.dtype).reshape(shape)
    if mode == "torch":
        x /= np.asarray(_TORCH_STDS, dtype=x.dtype).reshape(shape)
    return x


def decode_predictions(preds, top: int = 5, class_index_path: str | os.PathLike | None = None):
    """The ``top`` classes of each row of predictions, as ``(wordnet_id, name, score)`` tuples.

    ``preds`` must be ``(samples, 1000)``. The class names come from
    ``class_index_path`` or, when it is None, from ``imagenet_class_index.json``
    in Keras's cache folder (``$KERAS_HOME/models`` or ``~/.keras/models``).
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "`decode_predictions` expects a batch of predictions (i.e. a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {preds.shape}"
        )
    class_index = _class_index(class_index_path)
    results = []
    for row in preds:
        best = np.argsort(row, kind="stable")[-top:][::-1]
        entries = [tuple(class_index[str(int(i))]) + (row[i],) for i in best]
        entries.sort(key=lambda entry: entry[2], reverse=True)
        results.append(entries)
    return results


def _class_index(path) -> dict:
    if path is None:
        path = cached_file(CLASS_INDEX_FILE, CLASS_INDEX_ORIGIN, "decode_predictions")
    key = os.fspath(path)
    if key not in _class_index_cache:
        if os.path.getsize(key) > 1 << 20:
            raise ValueError(
                f"The ImageNet class index '{key}' is {os.path.getsize(key)} bytes; the file "
                "Keras publishes is about 35 KB (a JSON object of 1000 entries)."
            )
        with open(key, encoding="utf-8") as handle:
            index = json.load(handle)
        bad = [k for k in map(str, range(1000)) if not _is_class_entry(index, k)]
        if bad:
            raise ValueError(
                f"The ImageNet class index '{key}' must map '0'..'999' to [wordnet_id, name] "
                f"pairs; entries {bad[:5]} are missing or malformed."
            )
        _class_index_cache[key] = index
    return _class_index_cache[key]


def _is_class_entry(index, key: str) -> bool:
    entry = index.get(key) if isinstance(index, dict) else None
    return isinstance(entry, list) and len(entry) == 2 and all(isinstance(e, str) for e in entry)


def _checked_data_format(data_format: str | None) -> str:
    if data_format is None:
        return K.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "Expected data_format to be one of `channels_first` or `channels_last`. "
            f"Received: data_format={data_format}"
        )
    return data_format


def obtain_input_shape(
    input_shape,
    default_size: int,
    min_size: int,
    data_format: str,
    require_flatten: bool,
    weights=None,
) -> tuple:
    """The image shape (batch excluded) an application is built for, checked as Keras checks it.

    None gives the default (``default_size`` square, 3 channels; unknown
    height and width when no Flatten follows). A given shape must have
    three entries, sides of at least ``min_size``, 3 channels with ImageNet
    weights, and the default shape when ImageNet weights meet a Flatten top.
    """
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an "
                f"input_shape with {channels} input channels.",
                stacklevel=3,
            )
        sides = (default_size, default_size)
        default_shape = (channels, *sides) if channels_first else (*sides, channels)
    else:
        default_shape = (
            (3, default_size, default_size) if channels_first else (default_size, default_size, 3)
        )
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, `input_shape` "
                f"should be {default_shape}.  Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                "`input_shape` must be a tuple of three integers. "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[0] if channels_first else input_shape[-1]
        sides = input_shape[1:] if channels_first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                f"The input must have 3 channels; Received `input_shape={input_shape}`"
            )
        if any(side is not None and side < min_size for side in sides):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; Received: "
                f"input_shape={input_shape}"
            )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs, kernel_size) -> tuple[tuple[int, int], tuple[int, int]]:
    """ZeroPadding2D amounts that make a stride-2 'valid' convolution centre as 'same' would.

    Odd sides are padded ``k // 2`` on both ends; even (or unknown) sides one less at the start.
    """
    first = 2 if K.image_data_format() == "channels_first" else 1
    height, width = tuple(inputs.shape)[first : first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if height is None else (1 - height % 2, 1 - width % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights) -> None:
    """Refuse a top activation other than softmax or none when pretrained weights are loaded."""
    if weights is None:
        return
    chosen = activations.get(classifier_activation)
    if chosen not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` "
            "argument when using pretrained weights, with `include_top=True`; Received: "
            f"classifier_activation={classifier_activation}"
        )


__all__ = [
    "correct_pad",
    "decode_predictions",
    "obtain_input_shape",
    "preprocess_input",
    "validate_activation",
]
