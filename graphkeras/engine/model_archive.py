"""graphkeras's own model file (``.gk``): a zip archive that can never run code.

Members, and nothing else:

* ``metadata.json``: ``{"format": "graphkeras.model", "format_version": 1,
  "graphkeras_version", "backend", "date_saved"}``;
* ``config.json``: ``{"class_name", "config", "compile_config"}``, the model
  config of ``Network.get_config`` plus ``Model.get_compile_config``;
* ``weights.npz``: the weights, in the layout of ``saving.py``;
* ``optimizer.npz`` (when the model was compiled and trained): the
  optimizer's variables ``"0"``, ``"1"``, ... in ``optimizer.variables`` order.

Saving builds every byte in memory first (so an unsavable model, such as a
``Lambda`` around an unregistered function, fails before any file is
touched), then writes through :func:`atomic_write`.

Loading trusts nothing in the file. Member names must be the ones above (so
no path can point elsewhere, and nothing is ever extracted to disk); JSON
members have a size and a nesting limit; the ``.npz`` members go through the
validating reader of ``utils/npz.py``; class and function names resolve only
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
import zipfile
import zlib
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.layer_registry import deserialize_layer
from graphkeras.engine.load_limits import loading_limits
from graphkeras.engine.saving import assign_weights, parse_weights, weights_to_npz
from graphkeras.utils.atomic_write import atomic_write
from graphkeras.utils.npz import ArchiveError, read_npz, write_npz
from graphkeras.utils.serialization import get_registered_name
from graphkeras.version import __version__

FORMAT = "graphkeras.model"
FORMAT_VERSION = 1
OPTIMIZER_FORMAT = "graphkeras.optimizer/1"

METADATA = "metadata.json"
CONFIG = "config.json"
WEIGHTS = "weights.npz"
OPTIMIZER = "optimizer.npz"
MEMBERS = (METADATA, CONFIG, WEIGHTS, OPTIMIZER)
REQUIRED_MEMBERS = (METADATA, CONFIG, WEIGHTS)

# A JSON member larger than this, or nested deeper, is refused unread.
MAX_JSON_BYTES = 64 * 2**20
MAX_JSON_DEPTH = 200
# No deflate stream expands more than this (the format's limit is about 1032:1).
MAX_DEFLATE_RATIO = 1100


class ModelFileError(ValueError):
    """A model file that is malformed, unsafe, or does not describe a loadable model."""


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
    members = {
        METADATA: _json_bytes(metadata),
        CONFIG: _json_bytes(config),
        WEIGHTS: weights_to_npz(model),
    }
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and compile_config is not None and getattr(optimizer, "built", False):
        members[OPTIMIZER] = _optimizer_npz(optimizer)

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            compression = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def save_archive(model, filepath, include_optimizer: bool = True) -> None:
    """Write ``model`` to ``filepath`` as a ``.gk`` archive (temporary file, fsync, rename)."""
    data = archive_bytes(model, include_optimizer=include_optimizer)
    atomic_write(filepath, lambda handle: handle.write(data))


def _json_bytes(value) -> bytes:
    return json.dumps(value, default=_json_default, indent=1).encode("utf-8")


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _optimizer_npz(optimizer) -> bytes:
    import numpy as np

    arrays = {"__format__": np.array(OPTIMIZER_FORMAT)}
    for index, variable in enumerate(optimizer.variables):
        arrays[str(index)] = K.get_value(variable)
    return write_npz(arrays)


# ---------------------------------------------------------------- loading
def is_model_archive(filepath) -> bool:
    """Whether ``filepath`` is a zip whose members include ``metadata.json`` naming our format."""
    try:
        with zipfile.ZipFile(filepath) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return CONFIG in names and WEIGHTS in names


def load_archive(filepath, custom_objects: dict | None = None, compile: bool = True):
    """The model a ``.gk`` archive describes, with its weights (and optimizer state).

    Raises :class:`ModelFileError` naming the member at fault; no partial
    model is ever returned.
    """
    filepath = os.fspath(filepath)
    source = f"Model file '{filepath}'"
    members = _read_members(filepath, source)
    _check_metadata(parse_json(members[METADATA], f"{source}: {METADATA}"), source)
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

    layer_config = {"class_name": config.get("class_name"), "config": config["config"]}
    model = build_model(layer_config, custom_objects, largest, f"{source}: {CONFIG}")
    assign_weights(model, file_names, file_weights, weights_source)

    compile_config = config.get("compile_config")
    if compile and compile_config is not None:
        _compile(model, compile_config, custom_objects, source)
        if OPTIMIZER in members:
            _restore_optimizer(model, members[OPTIMIZER], f"{source}: {OPTIMIZER}")
    return model


_JSON_RULE = ((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED), MAX_JSON_BYTES)
_NPZ_RULE = ((zipfile.ZIP_STORED,), None)
# Member name -> (compression methods allowed, most bytes; None: what the entry declares).
MEMBER_RULES = {METADATA: _JSON_RULE, CONFIG: _JSON_RULE, WEIGHTS: _NPZ_RULE, OPTIMIZER: _NPZ_RULE}


def _read_members(filepath: str, source: str) -> dict[str, bytes]:
    return read_members(filepath, source, MEMBER_RULES, REQUIRED_MEMBERS, "a model archive")


def read_members(
    filepath: str, source: str, rules: dict, required: tuple, kind: str
) -> dict[str, bytes]:
    """A zip's members by name, each checked against ``rules`` before it is read.

    ``rules`` maps every allowed member name to ``(compression methods, byte
    limit)``; any other name, a repeated name, encryption, another method, a
    size over the limit or a size that differs from the declared one is a
    :class:`ModelFileError` naming ``source`` and the member. ``kind`` says
    what the file should be (``"a model archive"``).
    """
    try:
        archive = zipfile.ZipFile(filepath)
    except OSError as error:
        raise ModelFileError(f"{source} cannot be read: {error}") from error
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise ModelFileError(f"{source} is not {kind} (expected a zip file): {error}") from error
    members: dict[str, bytes] = {}
    with archive:
        infos = archive.infolist()
        if not infos or min(info.header_offset for info in infos) != 0:
            # A zip found after other bytes: a cut-off archive whose end is an
            # inner file, or something else with a zip appended.
            raise ModelFileError(
                f"{source} is not {kind}: the zip directory found does not start "
                "at the beginning of the file (truncated, or other data before it)."
            )
        for info in infos:
            name = info.filename
            where = f"{source}: member {name!r}"
            if name not in rules:
                raise ModelFileError(f"{where} is not part of {kind}; expected only {list(rules)}.")
            if name in members:
                raise ModelFileError(f"{where} appears twice.")
            if info.flag_bits & 0x1:
                raise ModelFileError(f"{where} is encrypted.")
            methods, limit = rules[name]
            if info.compress_type not in methods:
                expected = "stored or deflated" if len(methods) > 1 else "stored (uncompressed)"
                raise ModelFileError(
                    f"{where} uses compression method {info.compress_type}; expected {expected}."
                )
            if limit is not None and info.file_size > limit:
                raise ModelFileError(
                    f"{where} declares {info.file_size} bytes; the limit is {limit}."
                )
            if info.file_size > MAX_DEFLATE_RATIO * info.compress_size + 2**20:
                # Deflate cannot shrink data more than ~1032:1: a larger claim
                # is a zip bomb (or a lie) and would be decompressed into memory.
                raise ModelFileError(
                    f"{where} declares {info.file_size} bytes from {info.compress_size} "
                    "compressed bytes, more than deflate can produce."
                )
            try:
                with archive.open(info) as handle:
                    data = handle.read(info.file_size + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
                raise ModelFileError(f"{where} cannot be read: {error}") from error
            if len(data) != info.file_size:
                raise ModelFileError(
                    f"{where} holds {len(data)} bytes but declares {info.file_size}."
                )
            members[name] = data
    missing = [name for name in required if name not in members]
    if missing:
        raise ModelFileError(f"{source} lacks the member(s) {missing} of {kind}.")
    return members


def parse_json(data: bytes, where: str) -> Any:
    """JSON from ``data``, refused when invalid or nested deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ModelFileError(f"{where} is not valid JSON: {error}") from error
    except RecursionError as error:
        raise ModelFileError(f"{where} is nested too deeply.") from error
    depth = _depth(value)
    if depth > MAX_JSON_DEPTH:
        raise ModelFileError(
            f"{where} is nested {depth} levels deep; the limit is {MAX_JSON_DEPTH}."
        )
    return value


def _depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (without recursion)."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            return depth
        pending.extend((child, depth + 1) for child in children)
    return deepest


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


def build_model(layer_config: dict, custom_objects, largest_weight: int, where: str):
    """The model ``{"class_name", "config"}`` describes, built under the load-time limits.

    Any failure is a :class:`ModelFileError` naming ``where``; so is a config
    that describes a layer rather than a model.
    """
    from graphkeras.engine.network import Network

    try:
        with loading_limits(largest_weight):
            model = deserialize_layer(layer_config, custom_objects)
    except Exception as error:  # Anything a hostile config provokes becomes one error type.
        raise ModelFileError(
            f"{where} does not describe a model graphkeras can build: "
            f"{type(error).__name__}: {error}"
        ) from error
    if not isinstance(model, Network):
        raise ModelFileError(f"{where} describes a {type(model).__name__} layer, not a model.")
    return model


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
