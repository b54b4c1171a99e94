"""Fuzzing the model-file reader: mutated archives, configs and weights.

Whatever a file holds, ``load_model`` either returns a complete model (one
that runs) or raises a ``ValueError`` subclass whose message names the file
and the part at fault. Nothing else may escape: no other exception type,
no hang, no model half built.
"""

import copy
import json
import re
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_file_tools import (
    npz_arrays,
    npz_bytes,
    read_members,
    saved_small_model,
    small_inputs,
    write_members,
)

import graphkeras as gk

PARTS = (
    "metadata.json",
    "config.json",
    "weights.npz",
    "optimizer.npz",
    "not a model archive",
    "cannot be read",
)
FUZZ = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    """A valid archive's path, bytes and members, and a scratch file path."""
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "valid.gk"
    saved_small_model(path)
    return ValidArchive(path.read_bytes(), read_members(path), folder / "mutated.gk")


class ValidArchive(dict):
    """The bytes and members of a valid archive, and a scratch path (short repr for reports)."""

    def __init__(self, data: bytes, members: dict, scratch):
        super().__init__(bytes=data, members=members, scratch=scratch)

    def __repr__(self) -> str:
        return "<valid archive>"


def load_or_refuse(path):
    """Load ``path``; a success must run, a failure must be a ValueError naming the part."""
    try:
        model = gk.models.load_model(path)
    except ValueError as error:
        message = str(error)
        assert str(path) in message, message
        assert any(part in message for part in PARTS), message
        return None
    outputs = model.predict(small_inputs())
    assert isinstance(model, gk.Model)
    assert outputs.shape[0] == 5
    return model


# ------------------------------------------------------------------ raw bytes
@st.composite
def byte_mutations(draw, size):
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "zero_tail"]))
    position = draw(st.integers(0, size - 1))
    if kind == "truncate":
        return kind, position, b""
    if kind == "flip":
        return kind, position, draw(st.binary(min_size=1, max_size=8))
    if kind == "insert":
        return kind, position, draw(st.binary(min_size=1, max_size=64))
    return kind, position, draw(st.integers(1, 256)).to_bytes(2, "little")


def mutate_bytes(data: bytes, mutation) -> bytes:
    kind, position, payload = mutation
    if kind == "truncate":
        return data[:position]
    if kind == "flip":
        end = min(len(data), position + len(payload))
        flipped = bytes(a ^ (b or 1) for a, b in zip(data[position:end], payload, strict=False))
        return data[:position] + flipped + data[end:]
    if kind == "insert":
        return data[:position] + payload + data[position:]
    length = int.from_bytes(payload, "little")
    if kind == "delete":
        return data[:position] + data[position + length :]
    return data[:position] + b"\0" * length + data[position + length :]


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_mutated_archive_bytes(valid, data):
    mutation = data.draw(byte_mutations(len(valid["bytes"])))
    valid["scratch"].write_bytes(mutate_bytes(valid["bytes"], mutation))
    load_or_refuse(valid["scratch"])


# ------------------------------------------------------------------ JSON members
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 2**31, 10**12, 10**100]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["Dense", "os.system", "builtins.eval", "relu", "__keras_tensor__", ""]),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def paths_in(value, prefix=()):
    """Every path (a tuple of keys and indices) to a value inside ``value``."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths_in(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths_in(child, (*prefix, index))


def deep(levels: int) -> str:
    """A marker that :func:`encode` turns into ``levels`` nested lists (too deep for json)."""
    return f"<deep {levels}>"


def encode(document) -> bytes:
    """``document`` as JSON, each :func:`deep` marker written out as nested lists."""
    text = json.dumps(document)
    for match in set(re.findall(r'"<deep (\d+)>"', text)):
        levels = int(match)
        text = text.replace(f'"<deep {levels}>"', "[" * levels + "1" + "]" * levels)
    return text.encode()


@st.composite
def json_mutations(draw, document):
    paths = list(paths_in(document))
    path = draw(st.sampled_from(paths))
    kind = draw(st.sampled_from(["replace", "delete", "add_key", "deep", "wrong_type"]))
    if kind == "replace":
        return kind, path, draw(json_values)
    if kind == "add_key":
        return kind, path, (draw(st.text(max_size=10)), draw(json_values))
    if kind == "deep":
        return kind, path, draw(st.integers(150, 5000))
    return kind, path, None


def apply_json_mutation(document, mutation):
    kind, path, payload = mutation
    document = copy.deepcopy(document)
    if not path:
        if kind == "replace":
            return payload
        if kind == "deep":
            return deep(payload)
        if kind == "add_key":
            return {**document, payload[0]: payload[1]}
        return [] if kind == "wrong_type" else {}
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    if kind == "replace":
        parent[key] = payload
    elif kind == "delete":
        del parent[key]
    elif kind == "add_key":
        if isinstance(parent[key], dict):
            parent[key][payload[0]] = payload[1]
        else:
            parent[key] = {payload[0]: payload[1]}
    elif kind == "deep":
        parent[key] = deep(payload)
    else:
        value = parent[key]
        parent[key] = [value] if not isinstance(value, list) else {"0": value}
    return document


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_mutated_config_json(valid, data):
    members = valid["members"]
    config = json.loads(members["config.json"])
    mutation = data.draw(json_mutations(config))
    write_members(
        valid["scratch"], {**members, "config.json": encode(apply_json_mutation(config, mutation))}
    )
    load_or_refuse(valid["scratch"])


@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_mutated_metadata_json(valid, data):
    members = valid["members"]
    metadata = json.loads(members["metadata.json"])
    mutation = data.draw(json_mutations(metadata))
    mutated = apply_json_mutation(metadata, mutation)
    write_members(valid["scratch"], {**members, "metadata.json": encode(mutated)})
    load_or_refuse(valid["scratch"])


# ------------------------------------------------------------------ weight arrays
array_values = st.one_of(
    st.tuples(
        st.lists(st.integers(0, 7), max_size=3),
        st.sampled_from(["f4", "f8", "i4", "U3", "?", "c8"]),
    ).map(lambda spec: np.zeros(spec[0], dtype=spec[1])),
    st.sampled_from([np.array("graphkeras.weights/1"), np.array(["shared", "head", "x"])]),
)


@st.composite
def weight_mutations(draw, keys):
    kind = draw(st.sampled_from(["replace", "delete", "add"]))
    key = (
        draw(st.sampled_from(keys))
        if kind != "add"
        else draw(st.sampled_from(["x/0", "head/2", "9", "__other__"]))
    )
    return kind, key, draw(array_values)


@settings(FUZZ, max_examples=60)
@given(data=st.data(), member=st.sampled_from(["weights.npz", "optimizer.npz"]))
def test_mutated_weight_arrays(valid, data, member):
    members = valid["members"]
    arrays = npz_arrays(members[member])
    kind, key, value = data.draw(weight_mutations(sorted(arrays)))
    if kind == "delete":
        del arrays[key]
    else:
        arrays[key] = value
    write_members(valid["scratch"], {**members, member: npz_bytes(arrays)})
    load_or_refuse(valid["scratch"])


def test_unmutated_archive_loads(valid):
    valid["scratch"].write_bytes(valid["bytes"])
    assert load_or_refuse(valid["scratch"]) is not None
    with zipfile.ZipFile(valid["scratch"]) as archive:
        assert archive.testzip() is None
