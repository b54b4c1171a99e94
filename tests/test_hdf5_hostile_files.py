"""Small HDF5 files built to exhaust memory or time: each refused, cheaply, with a ModelFileError.

Each hostile load runs in a child process (``hostile_load.py``) that
measures its CPU time (the HDF5 reader process's included) and how far its
memory grew. The files are under 64 KB; the loads must stay under 5 s of
CPU and 200 MB of memory growth and name the file and the part at fault.

``fixtures/hostile/heap_loop.*`` are Keras fixtures with one byte flipped
in a global heap (where variable-length strings such as layer names
live), found by flipping bytes of ``fixtures/keras``: libhdf5 loops
forever reading the attribute that points there.

The last tests replace the worker script to check how the reader reports
a worker that stops answering, crashes or talks nonsense.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hostile_load import run_load_in_child

import graphkeras as gk
from graphkeras.saving import ModelFileError

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("h5py") is None, reason="needs h5py"),
    pytest.mark.skipif(sys.platform == "win32", reason="measures with resource (POSIX)"),
]

FIXTURES = Path(__file__).parent / "fixtures"
KERAS_FILE = FIXTURES / "keras" / "functional_shared.keras"
H5_FILE = FIXTURES / "keras" / "functional_shared.h5"
LOAD = "graphkeras.models:load_model"
MAX_CPU_SECONDS = 5.0
MAX_GROWTH_MB = 200.0


def keras_with_weights(tmp_path: Path, change) -> Path:
    """``functional_shared.keras`` with its ``model.weights.h5`` passed through ``change``."""
    import h5py

    with zipfile.ZipFile(KERAS_FILE) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as handle:
        change(handle, "layers/dense/vars/0")
    members["model.weights.h5"] = buffer.getvalue()
    path = tmp_path / "hostile.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def h5_with_weights(tmp_path: Path, change) -> Path:
    """``functional_shared.h5`` with the file passed through ``change``."""
    import h5py

    path = tmp_path / "hostile.h5"
    path.write_bytes(H5_FILE.read_bytes())
    with h5py.File(path, "r+") as handle:
        change(handle, "model_weights/shared/shared/kernel:0")
    return path


def hostile_file(tmp_path: Path, extension: str, change) -> Path:
    build = keras_with_weights if extension == ".keras" else h5_with_weights
    path = build(tmp_path, change)
    assert path.stat().st_size < 64 * 2**10
    return path


def never_written(handle, path):
    del handle[path]
    handle.create_dataset(path, shape=(16384, 16384), dtype="float32")  # 1 GiB declared


def compressed_zeros(handle, path):
    del handle[path]
    zeros = np.zeros((2048, 2048), "float32")  # 16 MiB in one chunk, gzipped to about 16 KB
    handle.create_dataset(path, data=zeros, chunks=zeros.shape, compression="gzip")


def one_chunk_written(handle, path):
    del handle[path]
    dataset = handle.create_dataset(path, shape=(16384, 16384), dtype="float32", chunks=(64, 64))
    dataset[:64, :64] = 1.0


def assert_refused_cheaply(result: dict, *parts: str) -> None:
    assert result["error_type"] == "ModelFileError", result
    assert result["error_module"] == "graphkeras.saving.errors"
    for part in parts:
        assert part in result["message"], result["message"]
    assert result["cpu_seconds"] < MAX_CPU_SECONDS, result
    assert result["peak_rss_growth_mb"] < MAX_GROWTH_MB, result
    assert result["child_process_peak_rss_mb"] < MAX_GROWTH_MB, result


def weights_part(extension: str) -> str:
    if extension == ".keras":
        return "model.weights.h5: dataset '/layers/dense/vars/0'"
    return "dataset '/model_weights/shared/shared/kernel:0'"


# ---------------------------------------------------------------- arrays the file does not hold
@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_a_dataset_declared_but_never_written_is_refused_before_reading(tmp_path, extension):
    path = hostile_file(tmp_path, extension, never_written)
    result = run_load_in_child(LOAD, path)
    assert_refused_cheaply(
        result, str(path), weights_part(extension), "1073741824 bytes", "never written"
    )


@pytest.mark.parametrize("extension", [".keras", ".h5"])
def test_compressed_zeros_expanding_past_the_ratio_are_refused_before_reading(tmp_path, extension):
    path = hostile_file(tmp_path, extension, compressed_zeros)
    result = run_load_in_child(LOAD, path)
    assert_refused_cheaply(
        result, str(path), weights_part(extension), "stored compressed", "16x expansion"
    )


def test_a_chunked_dataset_with_chunks_never_written_is_refused(tmp_path):
    path = hostile_file(tmp_path, ".keras", one_chunk_written)
    result = run_load_in_child(LOAD, path)
    assert_refused_cheaply(result, weights_part(".keras"), "65536 chunks", "stores 1")


def test_weights_compressed_within_the_ratio_still_load_with_kerass_outputs(tmp_path):
    # Keras never compresses weights, but a repacked file (h5repack -f GZIP) must still load.
    import h5py

    def compress_everything(handle, _):
        def visit(name, item):
            if isinstance(item, h5py.Dataset) and item.shape:
                datasets[name] = item[()]

        datasets = {}
        handle.visititems(visit)
        for name, value in datasets.items():
            del handle[name]
            handle.create_dataset(name, data=value, compression="gzip", shuffle=True, chunks=True)

    model = gk.models.load_model(keras_with_weights(tmp_path, compress_everything))
    arrays = np.load(f"{KERAS_FILE}.npz")
    inputs = [arrays[key] for key in sorted(arrays.files) if key.startswith("input_")]
    expected = [arrays[key] for key in sorted(arrays.files) if key.startswith("output_")]
    outputs = model.predict(inputs, verbose=0)
    for ours, theirs in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_a_config_asking_for_more_than_the_file_holds_is_refused_by_the_config(tmp_path):
    with zipfile.ZipFile(KERAS_FILE) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    document = json.loads(members["config.json"])
    scores = next(entry for entry in document["config"]["layers"] if entry["name"] == "scores")
    scores["config"]["units"] = 2**28  # a (3, 2**28) kernel: 3 GiB of float32
    members["config.json"] = json.dumps(document).encode()
    path = tmp_path / "greedy.keras"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = run_load_in_child(LOAD, path)
    assert_refused_cheaply(result, "config.json", "larger than any array in the file")


# ---------------------------------------------------------------- files that make libhdf5 loop
def test_the_looping_fixtures_are_keras_fixtures_with_one_byte_flipped():
    original = (FIXTURES / "keras" / "sequential_mlp.h5").read_bytes()
    flipped = (FIXTURES / "hostile" / "heap_loop.h5").read_bytes()
    assert len(original) == len(flipped)
    assert [i for i in range(len(original)) if original[i] != flipped[i]] == [4240]
    with zipfile.ZipFile(KERAS_FILE) as archive:
        original = archive.read("model.weights.h5")
    with zipfile.ZipFile(FIXTURES / "hostile" / "heap_loop.keras") as archive:
        flipped = archive.read("model.weights.h5")
    assert [i for i in range(len(original)) if original[i] != flipped[i]] == [2040]


@pytest.mark.parametrize(
    "name, part",
    [("heap_loop.h5", "heap_loop.h5'"), ("heap_loop.keras", "heap_loop.keras': model.weights.h5")],
)
def test_a_file_that_makes_libhdf5_loop_is_stopped_with_a_model_file_error(name, part):
    result = run_load_in_child(LOAD, FIXTURES / "hostile" / name)
    assert_refused_cheaply(result, part, "HDF5 data is corrupt or too slow to read")


# ---------------------------------------------------------------- the worker misbehaving
@pytest.fixture
def worker_script(tmp_path, monkeypatch):
    """Replace the HDF5 worker with a script of the test's choosing; its wall clock is 1 s."""
    from graphkeras.interop import hdf5_snapshot

    real_limits = hdf5_snapshot.worker_limits
    monkeypatch.setattr(
        hdf5_snapshot, "worker_limits", lambda size: {**real_limits(size), "wall_seconds": 1.0}
    )

    def install(code: str) -> None:
        script = tmp_path / "worker.py"
        script.write_text(code)
        monkeypatch.setattr(hdf5_snapshot, "WORKER_SCRIPT", script)
        monkeypatch.setattr(hdf5_snapshot, "_recent", [])

    return install


def test_a_worker_that_stops_answering_is_killed_at_the_wall_clock_limit(worker_script):
    # Where CPU time cannot be limited (Windows), this is the only bound.
    worker_script("import time\ntime.sleep(600)\n")
    with pytest.raises(ModelFileError, match=r"took more than 1 s; refused") as raised:
        gk.models.load_model(KERAS_FILE)
    assert "model.weights.h5" in str(raised.value)


def test_a_worker_that_crashes_is_a_model_file_error(worker_script):
    worker_script("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    with pytest.raises(ModelFileError, match=r"corrupt .* crashed \(SIGSEGV\)"):
        gk.models.load_model(H5_FILE)


def test_a_worker_reply_that_is_not_a_snapshot_is_refused(worker_script):
    worker_script(
        "import sys, json, struct\n"
        "header = json.dumps({'nodes': [{'kind': 'group', 'parent': None, 'attrs': {}},"
        " {'kind': 'dataset', 'parent': 0, 'name': 'w', 'shape': [1000],"
        " 'dtype': '<f4', 'offset': 0}]}).encode()\n"
        "sys.stdout.buffer.write(struct.pack('<Q', len(header)) + header + b'1234')\n"
    )
    with pytest.raises(ModelFileError, match=r"reply is malformed \(/w past the end of the data\)"):
        gk.models.load_model(H5_FILE)


def test_the_same_archive_loaded_twice_is_read_by_one_worker(monkeypatch):
    from graphkeras.interop import hdf5_snapshot

    monkeypatch.setattr(hdf5_snapshot, "_recent", [])
    real_run = hdf5_snapshot._run_worker
    runs = []

    def counting_run(*arguments):
        runs.append(arguments[-1])
        return real_run(*arguments)

    monkeypatch.setattr(hdf5_snapshot, "_run_worker", counting_run)
    first = gk.models.load_model(KERAS_FILE)
    second = gk.models.load_model(KERAS_FILE)
    assert len(runs) == 1
    # Both models were filled from one snapshot's stored arrays: copied, not computed.
    for ours, theirs in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    second.layers[1].weights[0].assign(np.zeros((4, 4), "float32"))
    third = gk.models.load_model(KERAS_FILE)
    np.testing.assert_array_equal(
        third.layers[1].get_weights()[0], first.layers[1].get_weights()[0]
    )
