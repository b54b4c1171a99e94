"""Hostile and broken Keras files: each refused with a ModelFileError naming the part at fault.

Built by altering the real Keras fixtures of ``tests/fixtures/keras``.
Apart from the first test (which checks the message a user without h5py
gets), these need h5py and skip without it.
"""

from __future__ import annotations

import copy
import importlib.util
import io
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.saving import ModelFileError

FIXTURES = Path(__file__).parent / "fixtures" / "keras"
KERAS_FILE = FIXTURES / "functional_shared.keras"
H5_FILE = FIXTURES / "functional_shared.h5"

needs_h5py = pytest.mark.skipif(
    importlib.util.find_spec("h5py") is None, reason="needs h5py (graphkeras[keras])"
)


def test_keras_files_without_h5py_raise_an_error_saying_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install 'graphkeras\[keras\]'"):
        gk.models.load_model(KERAS_FILE)
    with pytest.raises(ImportError, match="h5py"):
        gk.models.load_model(H5_FILE)
    x = gk.Input((2,))
    model = gk.Model(x, layers.Dense(1)(x))
    with pytest.raises(ImportError, match="h5py"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()


# ---------------------------------------------------------------- helpers
def members_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_config(tmp_path: Path, change) -> Path:
    """The fixture with its config.json passed through ``change`` (which edits it in place)."""
    members = members_of(KERAS_FILE)
    document = json.loads(members["config.json"])
    change(document)
    members["config.json"] = json.dumps(document).encode()
    return write_members(tmp_path / "altered.keras", members)


def with_weights(tmp_path: Path, change) -> Path:
    """The fixture with its model.weights.h5 opened writable and passed through ``change``."""
    import h5py

    members = members_of(KERAS_FILE)
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as handle:
        change(handle)
    members["model.weights.h5"] = buffer.getvalue()
    return write_members(tmp_path / "altered.keras", members)


def layer_entry(document: dict, name: str) -> dict:
    return next(entry for entry in document["config"]["layers"] if entry["name"] == name)


# ---------------------------------------------------------------- configs
@needs_h5py
def test_a_layer_graphkeras_lacks_is_named(tmp_path):
    def change(document):
        layer_entry(document, "scores")["class_name"] = "RandomFourierFeatures"

    with pytest.raises(ModelFileError, match="RandomFourierFeatures") as raised:
        gk.models.load_model(with_config(tmp_path, change))
    assert "config.json" in str(raised.value)


@needs_h5py
@pytest.mark.parametrize(
    "module, class_name",
    [
        ("os", "system"),
        ("builtins", "eval"),
        ("graphkeras_hostile_probe_module", "Payload"),
    ],
)
def test_a_config_naming_a_module_imports_nothing(tmp_path, module, class_name):
    def change(document):
        entry = layer_entry(document, "scores")
        entry["module"] = module
        entry["class_name"] = class_name
        entry["registered_name"] = class_name

    gk.models.load_model(KERAS_FILE)  # whatever an ordinary load imports is imported now
    before = set(sys.modules)
    with pytest.raises(ModelFileError, match=class_name):
        gk.models.load_model(with_config(tmp_path, change))
    assert set(sys.modules) - before == set()
    assert "graphkeras_hostile_probe_module" not in sys.modules


@needs_h5py
def test_a_lambda_carrying_code_is_refused(tmp_path):
    def change(document):
        entry = layer_entry(document, "add")
        entry["class_name"] = "Lambda"
        entry["config"]["function"] = {
            "module": "builtins",
            "class_name": "__lambda__",
            "config": {"code": "4wEAAAAAAAAA", "defaults": None, "closure": None},
            "registered_name": None,
        }

    with pytest.raises(ModelFileError, match="__lambda__"):
        gk.models.load_model(with_config(tmp_path, change))


@needs_h5py
def test_a_keras_operation_graphkeras_does_not_map_is_refused_by_name(tmp_path):
    def change(document):
        entry = layer_entry(document, "add")
        entry["module"] = "keras.src.ops.numpy"
        entry["class_name"] = "Bincount"

    with pytest.raises(ModelFileError, match="Keras operation 'Bincount'"):
        gk.models.load_model(with_config(tmp_path, change))


@needs_h5py
def test_a_mixed_precision_policy_is_refused(tmp_path):
    def change(document):
        layer_entry(document, "scores")["config"]["dtype"]["config"]["name"] = "mixed_float16"

    with pytest.raises(ModelFileError, match="mixed_float16"):
        gk.models.load_model(with_config(tmp_path, change))


@needs_h5py
def test_an_enabled_keras_only_option_is_refused_by_name(tmp_path):
    def change(document):
        layer_entry(document, "scores")["config"]["lora_rank"] = 4

    with pytest.raises(ModelFileError, match=r"layer 'scores' \(Dense\): option lora_rank=4"):
        gk.models.load_model(with_config(tmp_path, change))


# ---------------------------------------------------------------- weights
@needs_h5py
@pytest.mark.parametrize("kind", ["external", "soft"])
def test_a_link_in_the_weights_is_refused(tmp_path, kind):
    import h5py

    def change(handle):
        group = handle["layers/dense/vars"]
        del group["1"]
        if kind == "external":
            group["1"] = h5py.ExternalLink("/etc/hostname", "/data")
        else:
            group["1"] = h5py.SoftLink("/layers/dense_1/vars/1")

    expected = "ExternalLink" if kind == "external" else "SoftLink"
    with pytest.raises(ModelFileError, match=expected) as raised:
        gk.models.load_model(with_weights(tmp_path, change))
    assert "model.weights.h5" in str(raised.value)


@needs_h5py
@pytest.mark.parametrize("kind", ["external link", "soft link", "group", "scalar"])
def test_a_broken_largest_weight_is_blamed_on_the_weights_not_the_config(tmp_path, kind):
    # layers/dense/vars/0 (4, 4) is the largest array: without it, the model's
    # largest weight is larger than any array left in the file.
    import h5py

    def change(handle):
        path = "layers/dense/vars/0"
        del handle[path]
        if kind == "external link":
            handle[path] = h5py.ExternalLink("/etc/hostname", "/data")
        elif kind == "soft link":
            handle[path] = h5py.SoftLink("/layers/dense_1/vars/1")
        elif kind == "group":
            handle.create_group(path)
        else:
            handle.create_dataset(path, data=np.float32(1.0))

    expected = {
        "external link": "'/layers/dense/vars/0' is an ExternalLink",
        "soft link": "'/layers/dense/vars/0' is a SoftLink",
        "group": "'/layers/dense/vars/0' should be a dataset, found a group",
        "scalar": r"dataset '/layers/dense/vars/0' has shape \(\), expected \(4, 4\)",
    }[kind]
    with pytest.raises(ModelFileError, match=expected) as raised:
        gk.models.load_model(with_weights(tmp_path, change))
    assert "model.weights.h5" in str(raised.value)
    assert "config.json" not in str(raised.value)


@needs_h5py
def test_a_scalar_in_place_of_an_h5_weight_is_blamed_on_that_weight(tmp_path):
    import h5py

    path = tmp_path / "altered.h5"
    path.write_bytes(H5_FILE.read_bytes())
    with h5py.File(path, "r+") as handle:
        del handle["model_weights/shared/shared/kernel:0"]
        handle["model_weights/shared/shared"].create_dataset("kernel:0", data=np.float32(1.0))
    with pytest.raises(
        ModelFileError, match=r"kernel:0' has shape \(\), expected \(4, 4\)"
    ) as raised:
        gk.models.load_model(path)
    assert "group 'model_weights': layer 'shared'" in str(raised.value)
    assert "model_config" not in str(raised.value)


@needs_h5py
def test_a_weight_of_the_wrong_shape_names_the_dataset(tmp_path):
    def change(handle):
        del handle["layers/dense/vars/0"]
        handle["layers/dense/vars"].create_dataset("0", data=np.zeros((4, 5), "float32"))

    with pytest.raises(ModelFileError, match=r"layers/dense/vars/0' has shape \(4, 5\), expected"):
        gk.models.load_model(with_weights(tmp_path, change))


@needs_h5py
def test_a_missing_weight_is_refused(tmp_path):
    def change(handle):
        del handle["layers/batch_normalization/vars/3"]

    with pytest.raises(ModelFileError, match="layers/batch_normalization/vars' should hold 4"):
        gk.models.load_model(with_weights(tmp_path, change))


@needs_h5py
def test_text_weights_are_refused(tmp_path):
    import h5py

    def change(handle):
        del handle["layers/dense/vars/1"]
        handle["layers/dense/vars"].create_dataset(
            "1", data=np.array([b"a", b"b", b"c", b"d"]), dtype=h5py.string_dtype()
        )

    with pytest.raises(ModelFileError, match="must hold numbers"):
        gk.models.load_model(with_weights(tmp_path, change))


# ---------------------------------------------------------------- archives
@needs_h5py
def test_an_extra_member_is_refused(tmp_path):
    members = members_of(KERAS_FILE)
    members["assets/../../x"] = b"payload"
    path = write_members(tmp_path / "extra.keras", members)
    with pytest.raises(ModelFileError, match="assets/../../x"):
        gk.models.load_model(path)


@needs_h5py
def test_a_truncated_keras_file_is_refused(tmp_path):
    data = KERAS_FILE.read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError):
        gk.models.load_model(path)


@needs_h5py
def test_an_h5_file_of_weights_only_says_so(tmp_path):
    import h5py

    path = tmp_path / "weights_only.h5"
    with h5py.File(path, "w") as handle:
        handle.create_group("model_weights")
    with pytest.raises(ModelFileError, match="weights only"):
        gk.models.load_model(path)


@needs_h5py
def test_an_h5_file_with_weights_for_an_unknown_layer_is_refused(tmp_path):
    import h5py

    path = tmp_path / "altered.h5"
    path.write_bytes(H5_FILE.read_bytes())
    with h5py.File(path, "r+") as handle:
        names = [*handle["model_weights"].attrs["layer_names"], b"ghost"]
        handle["model_weights"].attrs["layer_names"] = np.array(names, dtype="S")
    with pytest.raises(ModelFileError, match="ghost"):
        gk.models.load_model(path)


# ---------------------------------------------------------------- fuzzing
def _replacement_values():
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.floats(allow_nan=True),
        st.text(max_size=12),
        st.lists(st.integers(-3, 3), max_size=4),
        st.dictionaries(st.text(max_size=6), st.integers(-3, 3), max_size=3),
    )


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@needs_h5py
@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_keras_configs_fail_only_with_model_file_errors(tmp_path, data):
    members = members_of(KERAS_FILE)
    document = json.loads(members["config.json"])
    paths = list(_paths(document))[1:]
    altered = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = altered
        try:
            for key in path[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(_replacement_values())
        except (KeyError, IndexError, TypeError):
            continue
    members["config.json"] = json.dumps(altered).encode()
    path = write_members(tmp_path / "fuzzed.keras", members)
    try:
        model = gk.models.load_model(path)
    except ModelFileError as error:
        assert "config.json" in str(error) or "model.weights.h5" in str(error)
    else:
        assert isinstance(model, gk.Model)
