"""Write a model's weights as Keras publishes its ImageNet files: Keras 2's HDF5 layout.

One group per layer, listed in the root attribute ``layer_names``; each
group lists its datasets (``<layer>/<weight>:0``) in ``weight_names``. A
``Normalization``'s ``count`` is stored as a 64-bit integer, as tf.keras
wrote it. The tests put such a file in a temporary Keras cache folder to
check ``weights="imagenet"`` without any real download.
"""

from __future__ import annotations

import h5py
import numpy as np


def write_keras2_weights(model, path) -> None:
    """``model``'s weights in Keras 2's weights-only layout at ``path``."""
    with h5py.File(path, "w") as handle:
        handle.attrs["layer_names"] = np.array([layer.name.encode() for layer in model.layers])
        for layer in model.layers:
            group = handle.create_group(layer.name)
            names = []
            for variable in layer.weights:
                short = variable.name.split("/")[-1].split(":")[0]
                name = f"{layer.name}/{short}:0"
                value = np.asarray(variable.numpy())
                if short == "count":
                    value = value.astype(np.int64)
                group.create_dataset(name, data=value)
                names.append(name.encode())
            group.attrs["weight_names"] = np.array(names, dtype="S")
