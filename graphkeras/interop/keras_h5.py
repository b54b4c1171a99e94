"""Keras 2 full-model ``.h5`` files, read into graphkeras models.

Such a file keeps the model config as JSON in the root attribute
``model_config`` (and the compile arguments in ``training_config``), and
the weights under ``model_weights``: one group per layer, named in the
attribute ``layer_names``, each listing its datasets in the attribute
``weight_names`` in the layer's weight order (a nested model's group lists
all of its weights). The config is rewritten by
``keras_config_reading.py``; the weights are matched to graphkeras's layers
by name, every shape checked before anything is assigned. The file is read
by a worker process into plain data (``hdf5_snapshot.py``: hard links
only, every array backed by the bytes the file stores). Optimizer weights
are not used.
"""

from __future__ import annotations

import os

from graphkeras.interop import hdf5_reader
from graphkeras.interop.hdf5_snapshot import read_hdf5
from graphkeras.interop.keras2_weight_groups import assign_by_name
from graphkeras.interop.keras_archive import build_and_assign, compile_from_keras
from graphkeras.interop.keras_config_reading import model_config_from_keras
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.format_registry import FileFormat
from graphkeras.saving.json_reading import parse_json

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"


def load_keras_h5(filepath: str, custom_objects: dict | None = None, compile: bool = True):
    """The graphkeras model a Keras 2 ``.h5`` file describes, with its weights."""
    hdf5_reader.require_h5py("Loading a Keras .h5 file")
    filepath = os.fspath(filepath)
    source = f"Keras model file '{filepath}'"
    handle = read_hdf5(filepath, source)
    config_where = f"{source}: attribute 'model_config'"
    text = hdf5_reader.text_attribute(handle, "model_config", source)
    if text is None:
        raise ModelFileError(
            f"{source} has no 'model_config' attribute: it holds weights only, not a "
            "whole model (load it into a model built in code with load_weights)."
        )
    document = parse_json(text.encode("utf-8"), config_where)
    config = model_config_from_keras(document, "keras2", config_where)

    weights_where = f"{source}: group 'model_weights'"
    weights_root = hdf5_reader.child_group(handle, "model_weights", source)
    if weights_root is None:
        raise ModelFileError(f"{source} has no 'model_weights' group.")
    model = build_and_assign(
        config,
        custom_objects,
        weights_root,
        config_where,
        lambda built: assign_by_name(built, weights_root, weights_where, strict=True),
        os.path.getsize(filepath),
    )

    training_text = hdf5_reader.text_attribute(handle, "training_config", source)
    if compile and training_text:
        training = parse_json(training_text.encode("utf-8"), f"{source}: 'training_config'")
        if isinstance(training, dict):
            compile_config = {
                "optimizer": training.get("optimizer_config"),
                "loss": training.get("loss"),
                "loss_weights": training.get("loss_weights"),
                "metrics": _keras2_metrics(training.get("metrics"), len(model.outputs)),
                "weighted_metrics": _keras2_metrics(
                    training.get("weighted_metrics"), len(model.outputs)
                ),
            }
            compile_from_keras(model, compile_config, custom_objects, f"{source}")
    return model


def _keras2_metrics(metrics, output_count: int):
    """Keras 2 keeps one metric list per output and wraps plain metrics as MeanMetricWrapper."""

    def unwrap(metric):
        if isinstance(metric, dict) and metric.get("class_name") == "MeanMetricWrapper":
            return (metric.get("config") or {}).get("name")
        return metric

    if not isinstance(metrics, list):
        return metrics
    per_output = [
        [unwrap(metric) for metric in entry] if isinstance(entry, list) else unwrap(entry)
        for entry in metrics
    ]
    if output_count == 1 and len(per_output) == 1 and isinstance(per_output[0], list):
        return per_output[0]
    return per_output


def is_hdf5_file(filepath: str, head: bytes) -> bool:
    """Whether the file starts with the HDF5 signature (Keras 2 wrote whole models so)."""
    return head.startswith(HDF5_SIGNATURE)


FILE_FORMAT = FileFormat(
    name="Keras 2 HDF5 model (.h5)",
    holds="model",
    suffixes=(".h5",),
    recognizes=is_hdf5_file,
    load=load_keras_h5,
)
