"""Small hostile files cost small memory and small time: each load runs in a capped child.

Every file here is under 64 KB and built to make a naive reader allocate or
compute far more than its bytes justify. Each load runs in a fresh child
process (``hostile_load.py``) that measures the load's own CPU time and peak
memory growth; each must end in a ``ModelFileError`` (or, for text given to
``model_from_json``, a ``ValueError``) naming the part at fault, within 5 s
of CPU and 200 MB of memory. The last test builds the largest model the
limits let a 64 KB file describe, and holds it to the same bounds.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile

import numpy as np
import pytest
from hostile_load import run_load_in_child
from model_file_tools import (
    npz_arrays,
    npz_bytes,
    read_members,
    saved_small_model,
    write_members,
)

pytest.importorskip("resource")

CPU_SECONDS = 5.0
MEMORY_MB = 200.0
FILE_BYTES = 64 * 2**10
LOAD = "graphkeras.models:load_model"


def assert_cheap_refusal(result: dict, *fragments: str, error_type: str = "ModelFileError"):
    assert result["error_type"] == error_type, result
    for fragment in fragments:
        assert fragment in result["message"], result["message"]
    assert result["cpu_seconds"] < CPU_SECONDS, result
    assert result["peak_rss_growth_mb"] < MEMORY_MB, result


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.gk"
    saved_small_model(path, trained=False)
    return path


def rewrite_config(path, change) -> None:
    members = read_members(path)
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config, separators=(",", ":")).encode()
    write_members(path, members)
    assert path.stat().st_size < FILE_BYTES


def test_a_config_json_deflate_bomb_is_refused_unread(saved):
    members = read_members(saved)
    members["config.json"] = b"[" + b" " * (400 * 2**20) + b"]"  # 400 MB of blanks deflated
    write_members(saved, members)
    assert saved.stat().st_size < 2 * 2**20
    result = run_load_in_child(LOAD, saved)
    assert_cheap_refusal(result, "'config.json'", "bytes")


def test_a_zip_entry_claiming_a_tebibyte_is_refused(saved):
    members = read_members(saved)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
        claimed = next(info for info in archive.filelist if info.filename == "weights.npz")
        claimed.file_size = claimed.compress_size = 2**40
    saved.write_bytes(buffer.getvalue())
    assert_cheap_refusal(run_load_in_child(LOAD, saved), "'weights.npz'", "1099511627776")


def test_an_npy_header_declaring_a_terabyte_array_is_refused(saved):
    members = read_members(saved)
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576), }"
    text = header.encode("latin1")
    body = text + b" " * (64 - (10 + len(text) + 1) % 64) + b"\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(body)) + body + bytes(16)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with zipfile.ZipFile(io.BytesIO(members["weights.npz"])) as original:
            for info in original.infolist():
                content = npy if info.filename == "head/0.npy" else original.read(info)
                archive.writestr(info.filename, content)
    members["weights.npz"] = buffer.getvalue()
    write_members(saved, members)
    assert_cheap_refusal(run_load_in_child(LOAD, saved), "weights.npz", "'head/0.npy'")


def test_a_layer_asking_for_a_gigantic_kernel_is_refused_before_allocating(saved):
    def widen(config):
        head = next(layer for layer in config["config"]["layers"] if layer["name"] == "head")
        head["config"]["units"] = 10**9

    rewrite_config(saved, widen)
    assert_cheap_refusal(run_load_in_child(LOAD, saved), "config.json", "'head'", "kernel")


def test_thousands_of_calls_packed_in_a_few_bytes_are_refused(saved):
    def repeat_calls(config):
        shared = next(layer for layer in config["config"]["layers"] if layer["name"] == "shared")
        shared["inbound_nodes"] = [[["left", 0, 0, {}]]] * 500_000

    rewrite_config(saved, repeat_calls)
    assert_cheap_refusal(run_load_in_child(LOAD, saved), "config.json", "calls")


def test_models_nested_past_the_limit_are_refused(saved):
    def nest(config):
        inner = {"class_name": "Model", "config": config["config"]}
        for level in range(150):
            inner = {
                "class_name": "Model",
                "config": {
                    "name": f"level{level}",
                    "layers": [
                        {
                            "class_name": "InputLayer",
                            "name": f"in{level}",
                            "config": {"name": f"in{level}", "batch_shape": [None, 4]},
                            "inbound_nodes": [],
                        },
                        {
                            **inner,
                            "name": f"wrap{level}",
                            "inbound_nodes": [[[f"in{level}", 0, 0, {}]]],
                        },
                    ],
                    "input_layers": [[f"in{level}", 0, 0]],
                    "output_layers": [[f"wrap{level}", 0, 0]],
                },
            }
        config["config"] = inner["config"]

    rewrite_config(saved, nest)
    assert_cheap_refusal(run_load_in_child(LOAD, saved), "config.json", "nested more than")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("[" * 100_000 + "]" * 100_000, "nested"),
        (
            '{"class_name": "Dense", "config": {"name": "d", "units": ' + "9" * 20_000 + "}}",
            "units",
        ),
    ],
    ids=["100000 levels", "20000-digit units"],
)
def test_hostile_json_text_is_a_cheap_value_error(tmp_path, text, fragment):
    path = tmp_path / "model.json"
    path.write_text(text)
    code = "import graphkeras as gk; gk.models.model_from_json(open(path).read())"
    result = run_load_in_child(code, path)
    assert result["error_type"] in ("ValueError", "ModelFileError"), result
    assert fragment in result["message"]
    assert result["cpu_seconds"] < CPU_SECONDS and result["peak_rss_growth_mb"] < MEMORY_MB


def test_the_largest_model_a_64_kb_file_may_describe_loads_within_the_bounds(tmp_path):
    """A chain of Activation layers as long as the limits let a 64 KB file hold.

    Packed layers deflate to about 9 bytes each, so the file is padded with
    an unused array up to just under 64 KB, which earns it the most layers.
    """
    path = tmp_path / "long.gk"
    saved_small_model(path, trained=False)
    members = read_members(path)
    config = json.loads(members["config.json"])
    append_activation_chain(config, 1_950)  # the budget: 1,000 + one per 64 bytes of 64 KB
    members["config.json"] = json.dumps(config, separators=(",", ":")).encode()
    weights = npz_arrays(members["weights.npz"])
    weights["padding"] = np.zeros(11_000, dtype="float32")
    members["weights.npz"] = npz_bytes(weights)
    write_members(path, members)
    assert 60_000 < path.stat().st_size < FILE_BYTES
    result = run_load_in_child(LOAD, path)
    assert result["error_type"] is None, result  # within this file's budget: it loads
    assert result["cpu_seconds"] < CPU_SECONDS, result
    assert result["peak_rss_growth_mb"] < MEMORY_MB, result


def test_one_layer_more_than_the_budget_is_refused_cheaply(tmp_path):
    path = tmp_path / "long.gk"
    saved_small_model(path, trained=False)
    members = read_members(path)
    config = json.loads(members["config.json"])
    append_activation_chain(config, 2_100)
    members["config.json"] = json.dumps(config, separators=(",", ":")).encode()
    write_members(path, members)
    assert path.stat().st_size < 40_000
    assert_cheap_refusal(run_load_in_child(LOAD, path), "layers, more than a file of")


def append_activation_chain(config: dict, count: int) -> None:
    """Chain ``count`` ReLU layers after the saved model's head; the last is the output."""
    previous = "head"
    for index in range(count):
        name = f"a{index}"
        config["config"]["layers"].append(
            {
                "class_name": "Activation",
                "name": name,
                "config": {"name": name, "activation": "relu"},
                "inbound_nodes": [[[previous, 0, 0, {}]]],
            }
        )
        previous = name
    config["config"]["output_layers"] = [[previous, 0, 0]]
