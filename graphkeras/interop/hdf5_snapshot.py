"""A Keras HDF5 file as plain data, read by a worker process that can be stopped.

libhdf5 can loop forever on a corrupt file and allocates what a file
declares, so the Keras readers never call it on a file they load. They
call :func:`read_hdf5`, which runs ``hdf5_worker.py`` in a fresh
interpreter under a CPU-time and memory cap (limits in
``saving/load_limits.py``, scaled with the file's size) and a generous
wall-clock timeout, and decodes its reply into :class:`Group` and
:class:`Dataset` values: attributes as text, bytes or arrays, datasets as
read-only numpy arrays that the file's stored bytes were checked to back.
The reply is JSON plus raw array bytes, decoded here with every offset and
size checked; nothing from the worker is unpickled. A worker that is
killed, crashes, or runs out of time is a :class:`ModelFileError` saying
the HDF5 data is corrupt (or too slow to read), naming the file.

The worker is a plain ``subprocess`` running a script, not a
``multiprocessing`` process: spawn and forkserver children re-import the
caller's main module, so a user's script without an ``if __name__ ==
"__main__"`` guard would run again inside every load; forking a process
that may hold threads is not safe. A subprocess is safe from any thread,
on every platform, and takes from this process only its environment and
``sys.path``.

Starting the worker costs an interpreter start and the numpy and h5py
imports: about 0.17 s of CPU and 0.27 s of wall-clock time per load on
a busy 2-core machine. The last snapshot of a small file or ``.keras``
member is kept, keyed by its bytes' SHA-256, so loading the same weights
again (a ``.keras`` archive, or the ``.weights.h5`` file saved beside it)
starts no worker.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.load_limits import (
    HDF5_BYTES_PER_CPU_SECOND,
    HDF5_CPU_SECONDS_PER_MIB,
    HDF5_CPU_SECONDS_PER_OBJECT,
    HDF5_DATASET_SLACK,
    HDF5_FILE_SLACK,
    HDF5_WORKER_CPU_SECONDS,
    HDF5_WORKER_MEMORY_SLACK,
    HDF5_WORKER_WALL_FACTOR,
    HDF5_WORKER_WALL_SECONDS,
    MAX_HDF5_EXPANSION,
)

WORKER_SCRIPT = Path(__file__).with_name("hdf5_worker.py")
LENGTH = struct.Struct("<Q")
# Bytes (and a snapshot whose arrays take) more than this are not kept for a second
# load: small models are the ones reloaded often, and the cache never holds more.
CACHED_SNAPSHOT_BYTES = 8 * 2**20
# Array types a reply may hold: numbers (and booleans, in attributes) only.
ARRAY_KINDS = "biuf"


@dataclass(frozen=True)
class Dataset:
    """A dataset: its path, declared shape and type, and its values when it holds numbers.

    ``value`` is ``None`` for a dataset that does not hold plain numbers
    (text, compound types, an empty dataspace): it was described, not read.
    """

    path: str
    shape: tuple[int, ...] | None
    dtype: str
    value: np.ndarray | None


@dataclass(frozen=True)
class Group:
    """A group: its path, its attributes and its children (hard links only), by name."""

    path: str
    attrs: Mapping[str, Any]
    children: Mapping[str, Group | Dataset]


@dataclass(frozen=True)
class Unreadable:
    """An attribute whose value is not plain text, bytes or numbers, and why."""

    reason: str


def read_hdf5(source: bytes | str | os.PathLike, where: str) -> Group:
    """The root group of the HDF5 file ``source`` (its bytes, or a path), as plain data.

    ``where`` names the file (and member) in every error.
    """
    digest = None
    if isinstance(source, bytes):
        size, path = len(source), None
        if size <= CACHED_SNAPSHOT_BYTES:
            digest = hashlib.sha256(source).hexdigest()
            with _recent_lock:
                if _recent and _recent[0][0] == digest:
                    return _recent[0][1]
    else:
        path = os.path.abspath(os.fspath(source))
        try:
            size = os.path.getsize(path)
            if size <= CACHED_SNAPSHOT_BYTES:  # Small: read here, so the cache can answer.
                with open(path, "rb") as handle:
                    return read_hdf5(handle.read(CACHED_SNAPSHOT_BYTES + 1), where)
        except OSError as error:
            raise ModelFileError(f"{where} cannot be read: {error}") from error
    reply = _run_worker(source if path is None else None, path, size, where)
    root, kept = _decode(reply, where)
    if digest is not None and kept <= CACHED_SNAPSHOT_BYTES:
        with _recent_lock:
            _recent[:] = [(digest, root)]
    return root


_recent: list[tuple[str, Group]] = []
_recent_lock = threading.Lock()


def worker_limits(size: int) -> dict[str, float]:
    """The limits the worker reading a file of ``size`` bytes runs under (``load_limits.py``)."""
    cpu_ceiling = HDF5_WORKER_CPU_SECONDS + size / HDF5_BYTES_PER_CPU_SECOND
    readable = MAX_HDF5_EXPANSION * size + HDF5_FILE_SLACK
    return {
        "cpu_seconds": HDF5_WORKER_CPU_SECONDS,
        "cpu_seconds_per_object": HDF5_CPU_SECONDS_PER_OBJECT,
        "cpu_seconds_per_mib": HDF5_CPU_SECONDS_PER_MIB,
        "cpu_ceiling_seconds": cpu_ceiling,
        "wall_seconds": HDF5_WORKER_WALL_SECONDS + HDF5_WORKER_WALL_FACTOR * cpu_ceiling,
        "address_space_bytes": 2 * readable + HDF5_WORKER_MEMORY_SLACK,
    }


# ---------------------------------------------------------------- the worker
def _run_worker(data: bytes | None, path: str | None, size: int, where: str) -> bytearray:
    """The worker's reply (header and arrays) for one file; any failure names ``where``."""
    limits = worker_limits(size)
    request = {
        **limits,
        "sys_path": [entry for entry in sys.path if isinstance(entry, str)],
        "path": path,
        "size": size,
        "max_expansion": MAX_HDF5_EXPANSION,
        "dataset_slack": HDF5_DATASET_SLACK,
        "file_slack": HDF5_FILE_SLACK,
    }
    header = json.dumps(request).encode("utf-8")
    if not sys.executable:
        raise ModelFileError(f"{where}: no Python executable is known to read HDF5 data with.")
    environment = {
        **os.environ,
        # One thread for numpy's BLAS: the worker does no math, and threads
        # would only add address space under the worker's cap.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    try:
        process = subprocess.Popen(
            # -S: no site initialisation (about 40 ms); the worker takes this
            # process's sys.path, which already holds what site would add.
            [sys.executable, "-S", os.fspath(WORKER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
        )
    except OSError as error:
        raise ModelFileError(f"{where}: the HDF5 reader process cannot start: {error}") from error

    def feed() -> None:
        try:
            process.stdin.write(LENGTH.pack(len(header)))
            process.stdin.write(header)
            if data is not None:
                process.stdin.write(data)
            process.stdin.close()
        except OSError:
            pass  # The worker ended early; its exit status says why.

    errors: list[bytes] = []

    def drain() -> None:
        for chunk in iter(lambda: process.stderr.read(2**16), b""):
            errors[:] = [(b"".join(errors) + chunk)[-4096:]]

    expired = threading.Event()

    def stop() -> None:
        expired.set()
        process.kill()

    helpers = [threading.Thread(target=feed, daemon=True), threading.Thread(target=drain)]
    timer = threading.Timer(limits["wall_seconds"], stop)
    try:
        for helper in helpers:
            helper.start()
        timer.start()
        output = _read_at_most(process.stdout, limits["address_space_bytes"])
        if output is None:
            process.kill()
        process.wait()
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
        for helper in helpers:
            helper.join()
        process.stdout.close()
        process.stderr.close()
    if output is None:
        raise ModelFileError(f"{where}: the HDF5 reader's reply is larger than the file allows.")
    if process.returncode != 0 and expired.is_set():
        raise ModelFileError(
            f"{where}: the HDF5 data is corrupt or too slow to read: reading it took more "
            f"than {limits['wall_seconds']:.0f} s; refused."
        )
    if process.returncode != 0:
        raise ModelFileError(
            f"{where}: the HDF5 data is corrupt or too slow to read: the process reading it "
            f"{_ending(process.returncode, b''.join(errors))}; refused."
        )
    return output


def _read_at_most(stream, limit: int) -> bytearray | None:
    """Everything ``stream`` gives until it closes, or ``None`` past ``limit`` bytes."""
    data = bytearray()
    while chunk := stream.read1(2**20):
        data += chunk
        if len(data) > limit:
            return None
    return data


def _ending(returncode: int, errors: bytes) -> str:
    """How the worker ended, in words."""
    if returncode < 0:
        number = -returncode
        out_of_time = {getattr(signal, name, None) for name in ("SIGXCPU", "SIGKILL")}
        if number in out_of_time:
            return f"was stopped after using up its CPU time (signal {number})"
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        return f"crashed ({name})"
    lines = errors.decode("utf-8", "replace").strip().splitlines()
    return f"failed (exit status {returncode}: {lines[-1][:200] if lines else 'no message'})"


# ---------------------------------------------------------------- decoding
def _decode(reply: bytearray, where: str) -> tuple[Group, int]:
    """The snapshot a worker reply describes, and how many bytes its arrays take."""

    def malformed(detail: str) -> ModelFileError:
        return ModelFileError(f"{where}: the HDF5 reader's reply is malformed ({detail}).")

    if len(reply) < LENGTH.size:
        raise malformed("too short")
    header_size = LENGTH.unpack_from(reply)[0]
    if header_size > len(reply) - LENGTH.size:
        raise malformed("header past its end")
    try:
        header = json.loads(reply[LENGTH.size : LENGTH.size + header_size])
    except (ValueError, RecursionError) as error:
        raise malformed(f"header: {error}") from error
    payload = memoryview(reply)[LENGTH.size + header_size :]
    if not isinstance(header, dict):
        raise malformed("header is not an object")
    if "error" in header:
        raise ModelFileError(f"{where}: {header['error']}")
    nodes = header.get("nodes")
    if not isinstance(nodes, list) or not nodes:
        raise malformed("no nodes")
    decoder = _Decoder(payload, malformed)
    return decoder.tree(nodes), decoder.kept


class _Decoder:
    """Turns a reply's flat node list and array bytes into groups and datasets, checking each."""

    def __init__(self, payload: memoryview, malformed):
        self.payload = payload
        self.malformed = malformed
        self.kept = 0

    def tree(self, nodes: list) -> Group:
        paths: list[str] = []
        children: list[dict | None] = []
        attrs: list[dict | None] = []
        built: list[Group | Dataset | None] = []
        for index, node in enumerate(nodes):
            if not isinstance(node, dict) or node.get("kind") not in ("group", "dataset"):
                raise self.malformed(f"node {index}")
            parent, name = node.get("parent"), node.get("name")
            if index == 0:
                if node["kind"] != "group" or parent is not None:
                    raise self.malformed("root")
                path = "/"
            else:
                if not isinstance(parent, int) or not 0 <= parent < index:
                    raise self.malformed(f"node {index}'s parent")
                if children[parent] is None or not isinstance(name, str) or not name:
                    raise self.malformed(f"node {index}'s name")
                if "/" in name or name in children[parent]:
                    raise self.malformed(f"node {index}'s name {name!r}")
                path = f"{paths[parent].rstrip('/')}/{name}"
            paths.append(path)
            if node["kind"] == "group":
                children.append({})
                attrs.append(self.attributes(node.get("attrs")))
                built.append(None)
            else:
                children.append(None)
                attrs.append(None)
                built.append(self.dataset(node, path))
            if index:
                children[parent][name] = index
        # Children come after their parents, so building from the end finds each ready.
        for index in range(len(nodes) - 1, -1, -1):
            if children[index] is not None:
                members = {name: built[child] for name, child in children[index].items()}
                built[index] = Group(
                    paths[index], MappingProxyType(attrs[index]), MappingProxyType(members)
                )
        return built[0]

    def dataset(self, node: dict, path: str) -> Dataset:
        shape = node.get("shape")
        dtype = node.get("dtype")
        if not isinstance(dtype, str):
            raise self.malformed(f"dataset '{path}' type")
        if shape is not None:
            shape = self.shape(shape, path)
        if "offset" not in node:
            return Dataset(path, shape, dtype, None)
        if shape is None:
            raise self.malformed(f"dataset '{path}' shape")
        return Dataset(path, shape, dtype, self.array(node, path))

    def attributes(self, found: Any) -> dict:
        if not isinstance(found, dict):
            raise self.malformed("attributes")
        return {name: self.attribute(value, name) for name, value in found.items()}

    def attribute(self, value: Any, name: str) -> Any:
        if not isinstance(value, dict):
            raise self.malformed(f"attribute '{name}'")
        if "text" in value and isinstance(value["text"], str):
            return value["text"]
        if "bytes" in value:
            return self.bytes(value["bytes"], name)
        if "unreadable" in value:
            return Unreadable(str(value["unreadable"]))
        if "texts" in value:
            items = value["texts"]
            if not isinstance(items, list):
                raise self.malformed(f"attribute '{name}'")
            shape = self.shape(value.get("shape"), name)
            if math.prod(shape) != len(items):
                raise self.malformed(f"attribute '{name}' shape")
            return [self.attribute(item, name) for item in items]
        if "offset" in value:
            return self.array(value, f"attribute '{name}'")
        raise self.malformed(f"attribute '{name}'")

    def bytes(self, encoded: Any, name: str) -> bytes:
        if not isinstance(encoded, str):
            raise self.malformed(f"attribute '{name}'")
        try:
            return base64.b64decode(encoded, validate=True)
        except ValueError as error:
            raise self.malformed(f"attribute '{name}'") from error

    def shape(self, shape: Any, what: str) -> tuple[int, ...]:
        if not isinstance(shape, list) or not all(
            isinstance(size, int) and size >= 0 for size in shape
        ):
            raise self.malformed(f"{what} shape")
        return tuple(shape)

    def array(self, node: dict, what: str) -> np.ndarray:
        """A read-only view of the payload, after checking its type, size and place."""
        shape = self.shape(node.get("shape"), what)
        offset = node.get("offset")
        try:
            dtype = np.dtype(node.get("dtype"))
        except TypeError as error:
            raise self.malformed(f"{what} type") from error
        if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.itemsize > 16:
            raise self.malformed(f"{what} type {dtype}")
        count = math.prod(shape)
        if not isinstance(offset, int) or offset < 0:
            raise self.malformed(f"{what} offset")
        if offset + count * dtype.itemsize > len(self.payload):
            raise self.malformed(f"{what} past the end of the data")
        self.kept += count * dtype.itemsize
        array = np.frombuffer(self.payload, dtype=dtype, count=count, offset=offset)
        array.flags.writeable = False  # Snapshots are shared (see read_hdf5's cache).
        return array.reshape(shape)
