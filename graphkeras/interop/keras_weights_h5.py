"""Keras 3 weights-only files (``.weights.h5``), written and read.

Keras 3's ``model.save_weights("x.weights.h5")`` writes the HDF5 file a
``.keras`` archive keeps as its ``model.weights.h5`` member: a ``vars``
group per layer, at the path ``keras_weight_layout.py`` derives from the
model's structure. graphkeras writes the same bytes as that member
(atomically), and reads such a file the way it reads the member: in a
worker process (``hdf5_snapshot.py``), every dataset checked against the
model before any weight changes.

Weights are matched by their place in the model's structure, as Keras 3
matches them, so ``by_name`` is refused. With ``skip_mismatch`` a layer
whose weights do not fit is skipped with a warning; without it, a file
that does not fit raises a :class:`ModelFileError` and changes no weight.
Groups the model has no place for (an optimizer's state) are ignored.
"""

from __future__ import annotations

import os

from graphkeras.interop import hdf5_reader
from graphkeras.interop.hdf5_snapshot import read_hdf5
from graphkeras.interop.keras_archive import assign_from_slots, weights_h5_bytes
from graphkeras.interop.keras_h5 import is_hdf5_file
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.format_registry import FileFormat
from graphkeras.utils.atomic_write import atomic_write


def save_keras_weights(model, filepath: str | os.PathLike) -> None:
    """Write ``model``'s weights as a Keras 3 ``.weights.h5`` file (temporary file, then rename)."""
    data = weights_h5_bytes(model)
    atomic_write(os.fspath(filepath), lambda handle: handle.write(data))


def load_keras_weights(
    model, filepath: str | os.PathLike, by_name: bool = False, skip_mismatch: bool = False
) -> None:
    """Assign ``model`` the weights in a Keras 3 ``.weights.h5`` file.

    Every dataset is checked against its variable before any is assigned;
    with ``skip_mismatch`` a layer that does not fit is skipped (warning).
    """
    filepath = os.fspath(filepath)
    if by_name:
        raise ValueError(
            f"Cannot load '{filepath}' by_name: a Keras 3 .weights.h5 file places each "
            "weight by the model's structure, not by layer name (as in Keras 3)."
        )
    hdf5_reader.require_h5py("Loading a Keras .weights.h5 file")
    source = f"Keras weights file '{filepath}'"
    root = read_hdf5(filepath, source)
    _refuse_keras2_layouts(root, source)
    assign_from_slots(model, root, source, skip_mismatch=skip_mismatch)


def _refuse_keras2_layouts(root: hdf5_reader.Group, source: str) -> None:
    """Name the Keras 2 files that share the HDF5 signature but not the layout."""
    if "model_config" in root.attrs or "model_weights" in root.children:
        raise ModelFileError(
            f"{source} is a Keras 2 whole-model .h5 file, not a .weights.h5 file; "
            "load it with gk.models.load_model."
        )
    if "layer_names" in root.attrs:
        raise ModelFileError(
            f"{source} is a Keras 2 weights file (layer names at its root); graphkeras "
            "reads Keras 3 .weights.h5 files."
        )


FILE_FORMAT = FileFormat(
    name="Keras 3 weights (.weights.h5)",
    holds="weights",
    suffixes=(".weights.h5",),
    recognizes=is_hdf5_file,
    load=load_keras_weights,
    save=save_keras_weights,
)
