"""graphkeras's own model file (``.gk``): a zip archive that can never run code.

Members, and nothing else:

* ``metadata.json``: ``{"format": "graphkeras.model", "format_version": 1
  or 2, "graphkeras_version", "backend", "date_saved"}``;
* ``config.json``: ``{"class_name", "config", "compile_config"}``, the model
  config of ``Network.get_config`` plus ``Model.get_compile_config``;
* ``weights.npz``: the weights, in the layout of ``weights_file.py``;
* ``optimizer.npz`` (when the model was compiled and trained): the
  optimizer's variables ``"0"``, ``"1"``, ... in ``optimizer.variables`` order;
* ``constants.npz`` (format version 2, when the graph captured large arrays):
  those arrays, referred to from config.json (``graph_constants.py``);
* ``assets/<layer path>/<file>`` and ``layer_variables/<layer path>.npz``
  (lookup and text layers): a layer's asset files (an adapted vocabulary)
  and named arrays (tf_idf weights), through ``layer_assets.py``.

Saving builds every byte in memory first (so an unsavable model, such as a
``Lambda`` around an unregistered function, fails before any file is
touched), checks it against the reader's limits (JSON size and nesting,
layer and call counts), then writes through :func:`atomic_write`.

Loading trusts nothing in the file. Member names must be the ones above (so
no path can point elsewhere, and nothing is ever extracted to disk); JSON
members have a size and a nesting limit; the ``.npz`` members go through the
validating reader of ``npz.py``; class and function names resolve only
through built-ins, registered objects and ``custom_objects``; no layer may
create a weight larger than the largest array the file holds; and every
weight is checked against the rebuilt model before any is assigned. Every
failure is a :class:`ModelFileError` (a ``ValueError``) naming the file and
the member at fault, raised before a model is returned.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import tempfile
import zipfile
import zlib
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.saving import layer_assets
from graphkeras.saving.build_from_config import build_model
from graphkeras.saving.config_checks import check_config
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.format_registry import FileFormat
from graphkeras.saving.graph_constants import move_constants_out, put_constants_back
from graphkeras.saving.json_reading import check_json_depth, parse_json
from graphkeras.saving.load_limits import (
    MAX_JSON_BYTES,
    MAX_JSON_RATIO,
    ZIP_SLACK_BYTES,
    weight_budget,
)
from graphkeras.saving.npz import ArchiveError, read_npz, write_npz
from graphkeras.saving.weights_file import assign_weights, parse_weights, weights_to_npz
from graphkeras.saving.zip_members import STORED, STORED_OR_DEFLATED, MemberRule, read_members
from graphkeras.utils.atomic_write import atomic_write
from graphkeras.utils.serialization import get_registered_name
from graphkeras.version import __version__

FORMAT = "graphkeras.model"
# Version 2 added constants.npz; files without it are written as version 1.
FORMAT_VERSION = 2
OPTIMIZER_FORMAT = "graphkeras.optimizer/1"

METADATA = "metadata.json"
CONFIG = "config.json"
WEIGHTS = "weights.npz"
OPTIMIZER = "optimizer.npz"
CONSTANTS = "constants.npz"
MEMBERS = (METADATA, CONFIG, WEIGHTS, OPTIMIZER, CONSTANTS)
REQUIRED_MEMBERS = (METADATA, CONFIG, WEIGHTS)


# ---------------------------------------------------------------- saving
def archive_bytes(model, include_optimizer: bool = True) -> bytes:
    """The bytes of a ``.gk`` archive holding ``model`` (raises before anything is written)."""
    if not getattr(model, "_is_graph_network", False):
        raise ValueError(
            f"Model '{model.name}' is a subclassed model without a graph, so it has no config "
            "to save. Build it with the functional API or Sequential, or save its weights "
            "with save_weights()."
        )
    compile_config = model.get_compile_config() if getattr(model, "compiled", False) else None
    config = {
        "class_name": get_registered_name(type(model)),
        "config": model.get_config(),
        "compile_config": compile_config,
    }
    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "graphkeras_version": __version__,
        "backend": K.backend(),
        "date_saved": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    refusal = f"Cannot save model '{model.name}'"
    constants = move_constants_out(config["config"])
    if constants:
        metadata["format_version"] = FORMAT_VERSION
    else:
        metadata["format_version"] = 1  # Readable by every graphkeras that reads .gk files.
    members = {
        METADATA: _json_bytes(metadata, f"{refusal}: {METADATA}"),
        CONFIG: _json_bytes(config, f"{refusal}: {CONFIG}"),
        WEIGHTS: weights_to_npz(model),
    }
    if constants:
        members[CONSTANTS] = write_npz(constants)
    members.update(_layer_state_members(model))
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and compile_config is not None and getattr(optimizer, "built", False):
        members[OPTIMIZER] = _optimizer_npz(optimizer)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=_compression_for(name, data))
    data = buffer.getvalue()
    # The reader's checks, applied to what is about to be written: what saves, loads.
    check_config(config, f"{refusal}: {CONFIG}", file_bytes=len(data))
    return data


def _layer_state_members(model) -> dict[str, bytes]:
    """Members for the state layers keep outside their weights (vocabularies, idf weights)."""
    members = {}
    for path, layer in layer_assets.layers_by_path(model):
        if layer_assets.has_assets(layer):
            for name, data in layer_assets.asset_files(layer).items():
                members[f"{ASSETS}{path}/{name}"] = data
        if layer_assets.has_own_variables(layer):
            arrays = layer_assets.own_variables(layer)
            if arrays:
                members[f"{LAYER_VARIABLES}{path}.npz"] = write_npz(arrays)
    return members


def _restore_layer_state(model, members: dict[str, bytes], source: str) -> None:
    for path, layer in layer_assets.layers_by_path(model):
        variables = members.get(f"{LAYER_VARIABLES}{path}.npz")
        if variables is not None and layer_assets.has_own_variables(layer):
            where = f"{source}: {LAYER_VARIABLES}{path}.npz"
            store = _read_arrays(variables, where)
            layer_assets.restore_own_variables(layer, store, where)
        folder = f"{ASSETS}{path}/"
        files = {
            name[len(folder) :]: data
            for name, data in members.items()
            if name.startswith(folder) and "/" not in name[len(folder) :]
        }
        if files and layer_assets.has_assets(layer):
            layer_assets.restore_assets(layer, files, f"{source}: '{folder}'")


def _compression_for(name: str, data: bytes) -> int:
    """Deflate JSON unless it would expand on reading more than the reader allows."""
    if not name.endswith(".json"):
        return zipfile.ZIP_STORED
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    compressed = len(compressor.compress(data)) + len(compressor.flush())
    if len(data) > MAX_JSON_RATIO * compressed + ZIP_SLACK_BYTES:
        return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def save_archive(model, filepath, include_optimizer: bool = True) -> None:
    """Write ``model`` to ``filepath`` as a ``.gk`` archive (temporary file, fsync, rename)."""
    data = archive_bytes(model, include_optimizer=include_optimizer)
    atomic_write(filepath, lambda handle: handle.write(data))


def _json_bytes(value, where: str) -> bytes:
    """``value`` as JSON, refused (``ValueError``) where the reader would refuse it."""
    check_json_depth(value, where, error=ValueError)
    data = json.dumps(value, default=_json_default, indent=1).encode("utf-8")
    if len(data) > MAX_JSON_BYTES:
        raise ValueError(
            f"{where} would be {len(data)} bytes of JSON; the limit is {MAX_JSON_BYTES}."
        )
    return data


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _optimizer_npz(optimizer) -> bytes:
    arrays = {"__format__": np.array(OPTIMIZER_FORMAT)}
    for index, variable in enumerate(optimizer.variables):
        arrays[str(index)] = K.get_value(variable)
    return write_npz(arrays)


# ---------------------------------------------------------------- loading
def load_archive(filepath, custom_objects: dict | None = None, compile: bool = True):
    """The model a ``.gk`` archive describes, with its weights (and optimizer state).

    Raises :class:`ModelFileError` naming the member at fault; no partial
    model is ever returned.
    """
    filepath = os.fspath(filepath)
    source = f"Model file '{filepath}'"
    members = _read_members(filepath, source)
    metadata = parse_json(members[METADATA], f"{source}: {METADATA}")
    _check_metadata(metadata, source)
    config = parse_json(members[CONFIG], f"{source}: {CONFIG}")
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise ModelFileError(
            f"{source}: {CONFIG} must be an object with 'class_name' and 'config', "
            f"received {_preview(config)}."
        )

    weights_source = f"{source}: {WEIGHTS}"
    weight_arrays = _read_arrays(members[WEIGHTS], weights_source)
    file_names, file_weights = parse_weights(weight_arrays, weights_source)
    largest = max((array.size for array in weight_arrays.values()), default=0)
    total = weight_budget(sum(array.size for array in weight_arrays.values()))

    layer_config = {"class_name": config.get("class_name"), "config": config["config"]}
    constants_where = f"{source}: {CONSTANTS}"
    if CONSTANTS in members or metadata["format_version"] >= 2:  # Version 1 has no references.
        constants = (
            _read_arrays(members[CONSTANTS], constants_where) if CONSTANTS in members else {}
        )
        put_constants_back(layer_config, constants, constants_where)
    model = build_model(
        layer_config,
        custom_objects,
        largest,
        f"{source}: {CONFIG}",
        file_bytes=os.path.getsize(filepath),
        total_weight=total,
    )
    assign_weights(model, file_names, file_weights, weights_source)
    _restore_layer_state(model, members, source)

    compile_config = config.get("compile_config")
    if compile and compile_config is not None:
        _compile(model, compile_config, custom_objects, source)
        if OPTIMIZER in members:
            _restore_optimizer(model, members[OPTIMIZER], f"{source}: {OPTIMIZER}")
    return model


def model_from_archive_bytes(data: bytes, custom_objects: dict | None = None):
    """The model held by the bytes of a ``.gk`` archive (read as a file would be)."""
    with tempfile.TemporaryDirectory(prefix="graphkeras-") as folder:
        path = os.path.join(folder, "model.gk")
        with open(path, "wb") as handle:
            handle.write(data)
        return load_archive(path, custom_objects=custom_objects)


_JSON_RULE = MemberRule(STORED_OR_DEFLATED, MAX_JSON_BYTES, MAX_JSON_RATIO)
_NPZ_RULE = MemberRule(STORED)
MEMBER_RULES = {
    METADATA: _JSON_RULE,
    CONFIG: _JSON_RULE,
    WEIGHTS: _NPZ_RULE,
    OPTIMIZER: _NPZ_RULE,
    CONSTANTS: _NPZ_RULE,
}


ASSETS = "assets/"
LAYER_VARIABLES = "layer_variables/"
FOLDER_RULES = {
    ASSETS: MemberRule(STORED_OR_DEFLATED, layer_assets.MAX_ASSET_BYTES),
    LAYER_VARIABLES: _NPZ_RULE,
}


def _read_members(filepath: str, source: str) -> dict[str, bytes]:
    return read_members(
        filepath, source, MEMBER_RULES, REQUIRED_MEMBERS, "a model archive", FOLDER_RULES
    )


def _check_metadata(metadata: Any, source: str) -> None:
    where = f"{source}: {METADATA}"
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        found = metadata.get("format") if isinstance(metadata, dict) else metadata
        raise ModelFileError(f"{where}: expected format {FORMAT!r}, found {_preview(found)}.")
    version = metadata.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(
            f"{where}: 'format_version' must be a positive integer, found {_preview(version)}."
        )
    if version > FORMAT_VERSION:
        written_by = metadata.get("graphkeras_version")
        raise ModelFileError(
            f"{where}: the file has format version {version} (written by graphkeras "
            f"{_preview(written_by)}), newer than the version {FORMAT_VERSION} this graphkeras "
            f"{__version__} reads. Upgrade graphkeras to load it."
        )


def _read_arrays(data: bytes, where: str) -> dict:
    try:
        return read_npz(data, where)
    except ArchiveError as error:
        raise ModelFileError(str(error)) from error


def _compile(model, compile_config: Any, custom_objects, source: str) -> None:
    where = f"{source}: {CONFIG} 'compile_config'"
    if not isinstance(compile_config, dict) or "optimizer" not in compile_config:
        raise ModelFileError(
            f"{where} must be an object with 'optimizer', 'loss', ..., "
            f"received {_preview(compile_config)}."
        )
    try:
        model.compile_from_config(compile_config, custom_objects=custom_objects)
    except Exception as error:  # Same reason as in build_model.
        raise ModelFileError(
            f"{where} cannot be compiled: {type(error).__name__}: {error}"
        ) from error


def _restore_optimizer(model, data: bytes, where: str) -> None:
    arrays = _read_arrays(data, where)
    marker = arrays.pop("__format__", None)
    if marker is None or marker.shape != () or str(marker) != OPTIMIZER_FORMAT:
        raise ModelFileError(f"{where}: expected format {OPTIMIZER_FORMAT!r} in '__format__'.")
    values = []
    while str(len(values)) in arrays:
        values.append(arrays.pop(str(len(values))))
    if arrays:
        raise ModelFileError(f"{where}: unexpected entries {sorted(arrays)[:10]}.")
    optimizer = model.optimizer
    optimizer.build(model.trainable_weights)
    variables = optimizer.variables
    expected = [tuple(variable.shape) for variable in variables]
    found = [tuple(value.shape) for value in values]
    if expected != found:
        raise ModelFileError(
            f"{where}: optimizer '{optimizer.name}' has {len(expected)} variables of shapes "
            f"{_preview(expected)}, but the file holds {len(found)} of shapes {_preview(found)}."
        )
    for value in values:
        if value.dtype.kind not in "biuf":
            raise ModelFileError(f"{where}: optimizer values must be numbers, found {value.dtype}.")
    K.batch_set_value(list(zip(variables, values, strict=True)))


def _preview(value, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


FILE_FORMAT = FileFormat(
    name="graphkeras model archive (.gk)",
    holds="model",
    suffixes=(".gk",),
    load=load_archive,
    save=save_archive,
    reads_the_rest=True,
)
