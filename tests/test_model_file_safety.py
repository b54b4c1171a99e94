"""Hostile and broken model files: each refused with a clear error, nothing run, nothing left."""

import gc
import json
import struct
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
from child_python import run_python
from model_file_tools import (
    npz_arrays,
    npz_bytes,
    read_members,
    saved_small_model,
    small_inputs,
    with_json,
    write_members,
)

import graphkeras as gk
from graphkeras.saving import ModelFileError

TESTS_FOLDER = str(Path(__file__).resolve().parent)


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.gk"
    saved_small_model(path)
    return path


def assert_refused(path, *fragments):
    """Loading raises a ValueError subclass naming the file and every fragment."""
    with pytest.raises(ValueError) as caught:
        gk.models.load_model(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_truncated_zip(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    assert_refused(saved, "not a model archive")


def test_member_with_a_parent_path(saved, tmp_path):
    members = read_members(saved)
    with zipfile.ZipFile(saved, "a") as archive:
        archive.writestr("../x", b"escape")
    assert_refused(saved, "'../x'", "not part of a model archive")
    assert not (tmp_path.parent / "x").exists()
    # Absolute names and names hidden in a folder are refused the same way.
    for name in ("/etc/x", "sub/../../x", "weights.npz/../../x"):
        write_members(saved, {**members, name: b"1"})
        assert_refused(saved, repr(name))


def test_unknown_extra_member(saved):
    write_members(saved, {**read_members(saved), "payload.pkl": b"\x80\x04."})
    assert_refused(saved, "'payload.pkl'")


def test_missing_member(saved):
    members = read_members(saved)
    del members["weights.npz"]
    write_members(saved, members)
    assert_refused(saved, "weights.npz")


def test_compressed_weights_member_is_refused(saved):
    members = read_members(saved)
    with zipfile.ZipFile(saved, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    assert_refused(saved, "'weights.npz'", "compression")


def test_weights_of_another_shape(saved):
    members = read_members(saved)
    arrays = npz_arrays(members["weights.npz"])
    arrays["head/0"] = np.zeros((6, 5), "float32")
    write_members(saved, {**members, "weights.npz": npz_bytes(arrays)})
    assert_refused(saved, "weights.npz", "'head'", "(6, 5)")


def test_weights_for_fewer_layers(saved):
    members = read_members(saved)
    arrays = npz_arrays(members["weights.npz"])
    arrays["__layers__"] = np.array(["shared"])
    del arrays["head/0"], arrays["head/1"]
    write_members(saved, {**members, "weights.npz": npz_bytes(arrays)})
    assert_refused(saved, "weights.npz", "1 layers")


def test_weights_that_are_not_numbers(saved):
    members = read_members(saved)
    arrays = npz_arrays(members["weights.npz"])
    arrays["head/1"] = np.array(["a", "b"])
    write_members(saved, {**members, "weights.npz": npz_bytes(arrays)})
    assert_refused(saved, "weights.npz", "must hold numbers")


def test_optimizer_state_that_does_not_fit(saved):
    members = read_members(saved)
    arrays = npz_arrays(members["optimizer.npz"])
    arrays["3"] = np.zeros((9, 9), "float32")
    write_members(saved, {**members, "optimizer.npz": npz_bytes(arrays)})
    assert_refused(saved, "optimizer.npz", "(9, 9)")


def test_newer_format_version(saved):
    members = read_members(saved)
    metadata = json.loads(members["metadata.json"])
    metadata["format_version"] = 3
    write_members(saved, with_json(members, "metadata.json", metadata))
    assert_refused(saved, "metadata.json", "format version 3", "newer", "Upgrade graphkeras")


def test_other_format_name(saved):
    members = read_members(saved)
    write_members(saved, with_json(members, "metadata.json", {"format": "keras"}))
    assert_refused(saved, "metadata.json", "'keras'")


def test_deeply_nested_json(saved):
    members = read_members(saved)
    members["config.json"] = b"[" * 100_000 + b"]" * 100_000
    write_members(saved, members)
    assert_refused(saved, "config.json", "nested")


def test_oversized_layer_in_config_fails_before_allocating(saved):
    members = read_members(saved)
    config = json.loads(members["config.json"])
    head = next(layer for layer in config["config"]["layers"] if layer["name"] == "head")
    head["config"]["units"] = 10**12  # a 6e12-element kernel if it were built
    write_members(saved, with_json(members, "config.json", config))
    assert_refused(saved, "config.json", "'head'", "larger than any array in the file")


def test_oversized_input_in_config_fails_before_allocating(saved):
    members = read_members(saved)
    config = json.loads(members["config.json"])
    left = next(layer for layer in config["config"]["layers"] if layer["name"] == "left")
    left["config"]["batch_shape"] = [None, 10**12]
    write_members(saved, with_json(members, "config.json", config))
    assert_refused(saved, "config.json")


def test_config_referencing_a_missing_layer(saved):
    members = read_members(saved)
    config = json.loads(members["config.json"])
    config["config"]["output_layers"] = [["nowhere", 0, 0]]
    write_members(saved, with_json(members, "config.json", config))
    assert_refused(saved, "config.json", "nowhere")


def test_a_layer_config_is_not_a_model(saved):
    members = read_members(saved)
    config = {"class_name": "Dense", "config": {"units": 2, "name": "d"}}
    write_members(saved, with_json(members, "config.json", config))
    assert_refused(saved, "config.json", "not a model")


def test_failed_load_leaves_no_layer_alive(saved):
    members = read_members(saved)
    config = json.loads(members["config.json"])
    config["config"]["output_layers"] = [["nowhere", 0, 0]]
    write_members(saved, with_json(members, "config.json", config))
    gc.collect()
    before = sum(isinstance(obj, gk.layers.Layer) for obj in gc.get_objects())
    for _ in range(3):
        with pytest.raises(ModelFileError):
            gk.models.load_model(saved)
    gc.collect()
    after = sum(isinstance(obj, gk.layers.Layer) for obj in gc.get_objects())
    assert after == before


# Each hostile config names something that would run code if it were
# resolved by module path: as a model class, a layer class, a Keras 3 style
# module + class, a Lambda function, an activation, an initializer.
HOSTILE_NAMES = ["os.system", "builtins.eval", "smtplib.SMTP", "NoSuchLayer"]

HOSTILE_SCRIPT = textwrap.dedent(
    """
    import builtins, json, os, sys, zipfile
    import graphkeras as gk
    from model_file_tools import read_members, saved_small_model, write_members, with_json

    def forbidden(*args, **kwargs):
        raise AssertionError("code named by the file was run")

    folder = sys.argv[1]
    path = os.path.join(folder, "model.gk")
    saved_small_model(path)
    gk.models.load_model(path)  # every module a normal load needs is now imported
    members = read_members(path)
    original = json.loads(members["config.json"])
    hostile_files = {}
    for name in json.loads(sys.argv[2]):
        module, _, attribute = name.rpartition(".")
        variants = []
        variants.append({**original, "class_name": name})
        variants.append({**original, "module": module, "class_name": attribute})
        config = json.loads(json.dumps(original))
        config["config"]["layers"][2]["class_name"] = name
        config["config"]["layers"][2]["module"] = module
        variants.append(config)
        config = json.loads(json.dumps(original))
        config["config"]["layers"][2] = {
            "name": "shared", "class_name": "Lambda",
            "config": {"name": "shared", "function": name},
            "inbound_nodes": config["config"]["layers"][2]["inbound_nodes"]}
        variants.append(config)
        config = json.loads(json.dumps(original))
        config["config"]["layers"][2]["config"]["activation"] = name
        variants.append(config)
        config = json.loads(json.dumps(original))
        config["config"]["layers"][2]["config"]["kernel_initializer"] = {
            "class_name": name, "module": module, "config": {"command": "touch pwned"}}
        variants.append(config)
        for index, variant in enumerate(variants):
            file = os.path.join(folder, f"{name}-{index}.gk")
            write_members(file, with_json(members, "config.json", variant))
            hostile_files[file] = name

    os.system = builtins.eval = builtins.exec = forbidden
    modules_before = set(sys.modules)
    listing_before = sorted(os.listdir(folder))
    for file, name in hostile_files.items():
        try:
            gk.models.load_model(file)
        except ValueError as error:
            message = str(error)
            assert file in message and "config.json" in message, message
        else:
            raise AssertionError(f"{file} loaded")
    imported = set(sys.modules) - modules_before
    assert not imported, f"modules imported while loading: {sorted(imported)}"
    assert "smtplib" not in sys.modules
    assert sorted(os.listdir(folder)) == listing_before, "a file was created"
    assert not os.path.exists("pwned")
    print("refused", len(hostile_files))
    """
)


def test_hostile_names_are_refused_and_nothing_is_imported_or_created(tmp_path):
    result = run_python(
        ["-c", HOSTILE_SCRIPT, str(tmp_path), json.dumps(HOSTILE_NAMES)],
        path=[TESTS_FOLDER],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["refused", str(6 * len(HOSTILE_NAMES))]


KILLED_SAVE_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    import graphkeras as gk
    from graphkeras.utils import atomic_write as atomic_write_module
    from model_file_tools import small_model

    path = sys.argv[1]
    model = small_model()
    model.set_weights([np.full(w.shape, 7.0, "float32") for w in model.get_weights()])
    real_replace = os.replace

    def killed_before_rename(source, target):
        with open(source, "rb") as handle:
            assert len(handle.read()) > 0
        os.kill(os.getpid(), signal.SIGKILL)

    os.replace = killed_before_rename
    model.save(path)
    """
)


def test_a_save_killed_midway_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "model.gk"
    original = saved_small_model(path)
    before = path.read_bytes()
    result = run_python(["-c", KILLED_SAVE_SCRIPT, str(path)], path=[TESTS_FOLDER])
    assert result.returncode == -9, result.stderr
    assert path.read_bytes() == before
    loaded = gk.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(small_inputs()), original.predict(small_inputs()), rtol=1e-6, atol=1e-7
    )
    # The killed process's complete temporary file is all it left behind.
    leftovers = [entry.name for entry in tmp_path.iterdir() if entry.name != "model.gk"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".tmp-")


def test_a_member_claiming_more_than_deflate_can_give_is_refused(saved):
    data = bytearray(saved.read_bytes())
    # Raise config.json's size in its central directory entry (the size zipfile
    # trusts) to 50 MiB: under the JSON limit, far beyond its compressed bytes.
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == b"config.json":
            struct.pack_into("<I", data, position + 24, 50 * 2**20)
            break
        position = data.find(b"PK\x01\x02", position + 4)
    assert position >= 0
    saved.write_bytes(bytes(data))
    assert_refused(saved, "'config.json'", "more than deflate can produce")
