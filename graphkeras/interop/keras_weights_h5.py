"""Keras 3 weights-only files (``.weights.h5``), written and read.

Keras 3's ``model.save_weights("x.weights.h5")`` writes the HDF5 file a
``.keras`` archive keeps as its ``model.weights.h5`` member: a ``vars``
group per layer, at the path ``keras_weight_layout.py`` derives from the
model's structure. graphkeras writes the same bytes as that member
(atomically), and reads such a file the way it reads the member: in a
worker process (``hdf5_snapshot.py``), every dataset checked against the
model before any weight changes.

Weights are matched by their place in the model's structure, as Keras 3
matches them, so ``by_name`` is refused. An HDF5 file in Keras 2's layout
(``layer_names`` at its root, as ``save_weights("x.h5")`` and the ImageNet
files of Keras's applications are written, or a whole-model file's
``model_weights``) is matched by layer order, or by name with ``by_name``
(``keras2_weight_groups.py``), as Keras 3 loads those. With ``skip_mismatch`` a layer
whose weights do not fit is skipped with a warning; without it, a file
that does not fit raises a :class:`ModelFileError` and changes no weight.
Groups the model has no place for (an optimizer's state) are ignored.
"""

from __future__ import annotations

import os

from graphkeras.interop import hdf5_reader
from graphkeras.interop.hdf5_snapshot import read_hdf5
from graphkeras.interop.keras2_weight_groups import assign_by_name, assign_by_order
from graphkeras.interop.keras_archive import assign_from_slots, weights_h5_bytes
from graphkeras.interop.keras_h5 import is_hdf5_file
from graphkeras.saving.format_registry import FileFormat
from graphkeras.utils.atomic_write import atomic_write


def save_keras_weights(model, filepath: str | os.PathLike) -> None:
    """Write ``model``'s weights as a Keras 3 ``.weights.h5`` file (temporary file, then rename)."""
    data = weights_h5_bytes(model)
    atomic_write(os.fspath(filepath), lambda handle: handle.write(data))


def load_keras_weights(
    model, filepath: str | os.PathLike, by_name: bool = False, skip_mismatch: bool = False
) -> None:
    """Assign ``model`` the weights in a Keras 3 ``.weights.h5`` file (or a Keras 2 weights file).

    Every dataset is checked against its variable before any is assigned;
    with ``skip_mismatch`` a layer that does not fit is skipped (warning).
    """
    filepath = os.fspath(filepath)
    hdf5_reader.require_h5py("Loading a Keras weights file")
    source = f"Keras weights file '{filepath}'"
    root = read_hdf5(filepath, source)
    keras2_root = _keras2_weights_root(root, source)
    if keras2_root is not None:
        if by_name:
            assign_by_name(model, keras2_root, source, skip_mismatch=skip_mismatch)
        else:
            assign_by_order(model, keras2_root, source, skip_mismatch=skip_mismatch)
        return
    if by_name:
        raise ValueError(
            f"Cannot load '{filepath}' by_name: a Keras 3 .weights.h5 file places each "
            "weight by the model's structure, not by layer name (as in Keras 3)."
        )
    assign_from_slots(model, root, source, skip_mismatch=skip_mismatch)


def _keras2_weights_root(root: hdf5_reader.Group, source: str):
    """The group holding a Keras 2 layout (``layer_names``), or None for a Keras 3 file."""
    if "layer_names" in root.attrs:
        return root
    if "model_weights" in root.children:
        return hdf5_reader.child_group(root, "model_weights", source)
    return None


FILE_FORMAT = FileFormat(
    name="Keras 3 weights (.weights.h5)",
    holds="weights",
    suffixes=(".weights.h5",),
    recognizes=is_hdf5_file,
    load=load_keras_weights,
    save=save_keras_weights,
)
