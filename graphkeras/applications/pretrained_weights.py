"""Where an application's published weights come from: a local file, never the network.

Keras fetches ``weights="imagenet"`` files into its cache folder
(``$KERAS_HOME/models``, else ``~/.keras/models``). graphkeras reads the
same files from the same folder, so a machine where Keras has already
fetched them works as it is, but it never downloads: a missing file is an
error that names the file, where Keras publishes it and where to put it.
``weights`` may also be the path of any weights file the model's
``load_weights`` reads (a Keras 2 ``.h5``, a Keras 3 ``.weights.h5``, a
graphkeras ``.weights.npz``).
"""

from __future__ import annotations

import os
from pathlib import Path

KERAS_WEIGHTS_ROOT = "https://storage.googleapis.com/tensorflow/keras-applications/"


def cache_folder() -> Path:
    """Keras's cache folder for model files: ``$KERAS_HOME/models`` or ``~/.keras/models``."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "models"


def cached_file(file_name: str, origin: str, purpose: str) -> Path:
    """The path of ``file_name`` in the cache folder; an error saying how to get it when absent."""
    path = cache_folder() / file_name
    if not path.is_file():
        raise FileNotFoundError(
            f"{purpose} needs the file '{file_name}', which graphkeras never downloads. "
            f"Keras publishes it at {origin}; put it at '{path}' (the folder is $KERAS_HOME/models "
            "or ~/.keras/models, as in Keras), or pass its path instead."
        )
    return path


def check_weights_argument(weights, include_top: bool, classes: int) -> None:
    """Refuse, before building, a ``weights`` that is not None, 'imagenet' or a file's path."""
    if not (
        weights in ("imagenet", None)
        or (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights))
    ):
        raise ValueError(
            "The `weights` argument should be either `None` (random initialization), 'imagenet' "
            "(pre-training on ImageNet), or the path to the weights file to be loaded. "
            f"Received: weights={weights}"
        )
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError(
            "If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000. "
            f"Received: classes={classes}"
        )


def load_application_weights(model, weights, file_name: str | None, origin: str | None) -> None:
    """Give ``model`` its pretrained weights: ImageNet's from the cache folder, or a file's.

    ``file_name``/``origin`` name the file Keras publishes for this model and
    top (None where Keras publishes none for it: then 'imagenet' is refused).
    """
    if weights is None:
        return
    if weights == "imagenet":
        if file_name is None:
            raise ValueError(
                f"Keras publishes no ImageNet weights for '{model.name}' as configured."
            )
        weights = cached_file(file_name, origin, f"{model.name}(weights='imagenet')")
    model.load_weights(weights)
