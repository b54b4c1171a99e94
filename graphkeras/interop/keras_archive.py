"""Keras 3 ``.keras`` archives: read into graphkeras models, and written for Keras to read.

A ``.keras`` file is a zip of ``metadata.json`` (``keras_version``,
``date_saved``), ``config.json`` (the model config, in Keras 3's object
wrappers, plus ``compile_config``) and ``model.weights.h5`` (the weights,
laid out as ``keras_weight_layout.py`` describes). Lookup and text layers
add files under ``assets/<layer path>/`` (an adapted ``vocabulary.txt``)
and named arrays to their ``vars`` group (``idf_weights``), through the
hooks of ``saving/layer_assets.py``; any other member is refused.

Reading checks the zip as strictly as a ``.gk`` archive (known member
names, sizes, no encryption), rewrites the config as plain data
(``keras_config_reading.py``), has ``model.weights.h5`` read by a worker
process into plain data (``hdf5_snapshot.py``: hard links only, every
array backed by the bytes the file stores), builds the model under the
load-time size limits, and assigns only datasets whose shape is the one
the model expects (``hdf5_reader.py``). Optimizer state is
not carried over in either direction: a compiled file loads compiled, with
a fresh optimizer.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile
from collections.abc import Callable
from typing import Any

from graphkeras import backend as K
from graphkeras.interop import hdf5_reader
from graphkeras.interop.hdf5_snapshot import read_hdf5
from graphkeras.interop.keras_config_reading import model_config_from_keras, value_from_keras
from graphkeras.interop.keras_config_writing import keras_document
from graphkeras.interop.keras_weight_layout import layer_paths, weight_slots
from graphkeras.saving import layer_assets
from graphkeras.saving.build_from_config import build_model
from graphkeras.saving.config_checks import check_config
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.format_registry import FileFormat
from graphkeras.saving.json_reading import check_json_depth, parse_json
from graphkeras.saving.load_limits import (
    MAX_JSON_BYTES,
    MAX_JSON_RATIO,
    MAX_KERAS_WEIGHTS_BYTES,
    weight_budget,
)
from graphkeras.saving.zip_members import STORED_OR_DEFLATED, MemberRule, read_members
from graphkeras.utils.atomic_write import atomic_write

METADATA = "metadata.json"
CONFIG = "config.json"
WEIGHTS = "model.weights.h5"
MEMBERS = (METADATA, CONFIG, WEIGHTS)
ASSETS = "assets/"

# The Keras version graphkeras writes files for (their layout is Keras 3's).
KERAS_VERSION_WRITTEN = "3.15.1"


# ---------------------------------------------------------------- loading
def load_keras_archive(filepath: str, custom_objects: dict | None = None, compile: bool = True):
    """The graphkeras model a Keras 3 ``.keras`` file describes, with its weights."""
    hdf5_reader.require_h5py("Loading a Keras .keras file")
    source = f"Keras model file '{filepath}'"
    members = _read_members(filepath, source)
    document = parse_json(members[CONFIG], f"{source}: {CONFIG}")
    config = model_config_from_keras(document, "keras3", f"{source}: {CONFIG}")

    weights_where = f"{source}: {WEIGHTS}"
    weights_root = read_hdf5(members[WEIGHTS], weights_where)
    model = build_and_assign(
        config,
        custom_objects,
        weights_root,
        f"{source}: {CONFIG}",
        lambda built: assign_from_slots(built, weights_root, weights_where),
        os.path.getsize(filepath),
    )
    restore_layer_state(model, weights_root, members, source)

    compile_config = document.get("compile_config") if isinstance(document, dict) else None
    if compile and compile_config:
        compile_from_keras(model, compile_config, custom_objects, f"{source}: {CONFIG}")
    return model


def build_and_assign(
    config: dict,
    custom_objects: dict | None,
    weights_root: hdf5_reader.Group,
    config_where: str,
    assign: Callable[[Any], None],
    file_bytes: int,
):
    """Build the model under the file's largest array, then ``assign(model)`` its weights.

    A config that asks for a weight larger than every array in the file
    fails to build. That is the config's fault, or the weights': the array
    replaced by a scalar, a group or nothing. To tell which, the model is
    built once more with no weight above the arrays' total (still no more
    than the file's stored bytes back) and that model's weights are checked,
    so the error names the dataset at fault; if that build fails too, or
    the check finds nothing, the first error stands.
    """
    largest = hdf5_reader.largest_dataset(weights_root)
    total = hdf5_reader.total_elements(weights_root)
    budget = weight_budget(total)
    try:
        model = build_model(config, custom_objects, largest, config_where, file_bytes, budget)
    except ModelFileError as error:
        if total <= largest:
            raise
        try:
            probe = build_model(config, custom_objects, total, config_where, file_bytes, budget)
        except ModelFileError:
            raise error from None
        assign(probe)
        raise
    assign(model)
    return model


def assign_from_slots(
    model, weights_root: hdf5_reader.Group, where: str, skip_mismatch: bool = False
) -> None:
    """Check every variable's dataset against the model, then assign them all at once.

    With ``skip_mismatch`` a ``vars`` group that does not fit (missing,
    other datasets, other shapes) is skipped with a warning; otherwise it
    is an error and no weight changes.
    """
    assignments = []
    named = {f"{path}/vars" for path, layer in layer_paths(model) if _keeps_named_arrays(layer)}
    for path, variables, _ in weight_slots(model):
        try:
            values = _slot_values(weights_root, path, variables, where, path in named)
        except ModelFileError as error:
            if not skip_mismatch:
                raise
            warnings.warn(f"{error} Skipped.", stacklevel=3)
            continue
        assignments.extend(zip(variables, values, strict=True))
    K.batch_set_value(assignments)


def _keeps_named_arrays(layer) -> bool:
    return layer_assets.has_own_variables(layer)


def _slot_values(
    weights_root, path: str, variables: list, where: str, named_arrays: bool = False
) -> list:
    """The arrays for one ``vars`` group, each checked against its variable's shape.

    ``named_arrays``: the layer also keeps arrays under names of its own
    (``idf_weights``), read by :func:`restore_layer_state`, not here.
    """
    group = _group_at(weights_root, path, where)
    names = [] if group is None else sorted(group.children, key=_dataset_order)
    if named_arrays:
        names = [name for name in names if name.isdigit()]
    if len(names) != len(variables) or names != [str(i) for i in range(len(names))]:
        raise ModelFileError(
            f"{where}: '{path}' should hold {len(variables)} weights "
            f"{[tuple(v.shape) for v in variables]}, found datasets {names[:10]}."
        )
    return [
        hdf5_reader.read_dataset(group.children[str(index)], tuple(variable.shape), where)
        for index, variable in enumerate(variables)
    ]


def restore_layer_state(model, weights_root, members: dict[str, bytes], source: str) -> None:
    """Give each layer its named arrays (``vars/<name>``) and asset files (``assets/<path>/``)."""
    weights_where = f"{source}: {WEIGHTS}"
    for path, layer in layer_paths(model):
        if layer_assets.has_own_variables(layer):
            group = _group_at(weights_root, f"{path}/vars", weights_where)
            store = {}
            for name, child in (group.children if group is not None else {}).items():
                if not name.isdigit():
                    shape = hdf5_reader.dataset_shape(child, weights_where)
                    store[name] = hdf5_reader.read_dataset(child, shape, weights_where)
            layer_assets.restore_own_variables(layer, store, f"{weights_where}: '{path}/vars'")
        if layer_assets.has_assets(layer):
            folder = f"{ASSETS}{path}/"
            files = {
                name[len(folder) :]: data
                for name, data in members.items()
                if name.startswith(folder) and "/" not in name[len(folder) :]
            }
            if files:
                layer_assets.restore_assets(layer, files, f"{source}: '{folder}'")


def _dataset_order(name: str) -> tuple:
    return (0, int(name)) if name.isdigit() else (1, name)


def _group_at(weights_root, path: str, where: str):
    group = weights_root
    for part in path.split("/"):
        group = hdf5_reader.child_group(group, part, where)
        if group is None:
            return None
    return group


def compile_from_keras(model, compile_config: Any, custom_objects, where: str) -> None:
    """Compile with the file's arguments; what graphkeras cannot honour is a warning."""
    try:
        config = value_from_keras(compile_config, f"{where} 'compile_config'")
        config = _strip_keras_only_compile_options(config)
        model.compile_from_config(config, custom_objects=custom_objects)
    except Exception as error:  # The model itself loaded; compiling is best effort, as Keras.
        warnings.warn(
            f"{where}: the model loaded but was not compiled ({type(error).__name__}: {error}). "
            "Call model.compile() before training.",
            stacklevel=3,
        )


_KERAS_ONLY_COMPILE_KEYS = ("run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss")
_KERAS_ONLY_OPTIMIZER_KEYS = ("is_legacy_optimizer", "jit_compile")


def _strip_keras_only_compile_options(config: Any) -> Any:
    if not isinstance(config, dict):
        return config
    config = {k: v for k, v in config.items() if k not in _KERAS_ONLY_COMPILE_KEYS}
    optimizer = config.get("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("config"), dict):
        class_name = optimizer.get("class_name")
        if isinstance(class_name, str) and class_name.startswith("Custom>"):
            class_name = class_name.split(">", 1)[1]  # Keras 2.11+ writes Custom>Adam.
        options = {
            key: value
            for key, value in optimizer["config"].items()
            if key not in _KERAS_ONLY_OPTIMIZER_KEYS
        }
        config["optimizer"] = {"class_name": class_name, "config": options}
    return config


def _read_members(filepath: str, source: str) -> dict[str, bytes]:
    """The archive's three members, checked as strictly as a ``.gk`` archive's."""
    rules = {
        METADATA: MemberRule(STORED_OR_DEFLATED, MAX_JSON_BYTES, MAX_JSON_RATIO),
        CONFIG: MemberRule(STORED_OR_DEFLATED, MAX_JSON_BYTES, MAX_JSON_RATIO),
        WEIGHTS: MemberRule(STORED_OR_DEFLATED, MAX_KERAS_WEIGHTS_BYTES),
    }
    asset_rule = MemberRule(STORED_OR_DEFLATED, layer_assets.MAX_ASSET_BYTES)
    return read_members(
        filepath, source, rules, MEMBERS, "a .keras archive graphkeras reads", {ASSETS: asset_rule}
    )


# ---------------------------------------------------------------- saving
def save_keras_archive(model, filepath: str, include_optimizer: bool = True) -> None:
    """Write ``model`` as a Keras 3 ``.keras`` archive (atomically; weights, no optimizer).

    ``include_optimizer`` is accepted for ``save_model``'s sake; graphkeras
    never writes optimizer state into Keras archives.
    """
    hdf5_reader.require_h5py("Saving a Keras .keras file")
    document = keras_document(model)
    metadata = {
        "keras_version": KERAS_VERSION_WRITTEN,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    refusal = f"Cannot save model '{model.name}' as a .keras file: {CONFIG}"
    check_json_depth(document, refusal, error=ValueError)
    config_text = json.dumps(document).encode("utf-8")
    if len(config_text) > MAX_JSON_BYTES:
        raise ValueError(
            f"{refusal} would be {len(config_text)} bytes of JSON (Keras writes graph constants "
            f"into it as lists); the limit is {MAX_JSON_BYTES}. Save as .gk instead."
        )
    members = {
        METADATA: json.dumps(metadata).encode("utf-8"),
        CONFIG: config_text,
        WEIGHTS: weights_h5_bytes(model),
    }
    for path, layer in layer_paths(model):
        if layer_assets.has_assets(layer):
            for name, data in layer_assets.asset_files(layer).items():
                members[f"{ASSETS}{path}/{name}"] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
    data = buffer.getvalue()
    # The reader's layer, call and nesting checks, on what is about to be written.
    own_config = {"class_name": type(model).__name__, "config": model.get_config()}
    check_config(own_config, refusal, file_bytes=len(data))
    atomic_write(os.fspath(filepath), lambda handle: handle.write(data))


def weights_h5_bytes(model) -> bytes:
    """``model``'s weights as a Keras 3 weights HDF5 file (``model.weights.h5``'s layout)."""
    h5py = hdf5_reader.require_h5py("Saving Keras weights")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as weights_file:
        for path, variables, owner in weight_slots(model):
            group = weights_file.require_group(path)
            group.attrs["name"] = owner
            for index, variable in enumerate(variables):
                group.create_dataset(str(index), data=K.get_value(variable))
        for path, layer in layer_paths(model):
            if layer_assets.has_own_variables(layer):
                group = weights_file.require_group(f"{path}/vars")
                for name, value in layer_assets.own_variables(layer).items():
                    group.create_dataset(name, data=value)
    return buffer.getvalue()


def is_keras_archive(filepath: str, head: bytes) -> bool:
    """Whether ``filepath`` is a zip holding ``model.weights.h5`` (a Keras 3 archive)."""
    if not head.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(filepath) as archive:
            return WEIGHTS in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


FILE_FORMAT = FileFormat(
    name="Keras 3 archive (.keras)",
    holds="model",
    suffixes=(".keras",),
    recognizes=is_keras_archive,
    load=load_keras_archive,
    save=save_keras_archive,
)
