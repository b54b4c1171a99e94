"""Helpers for the model-file tests: a small saved model and archive surgery."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np

import graphkeras as gk
from graphkeras import layers


def small_model():
    """Two inputs, a shared Dense and a merge: small, but every config feature in play."""
    left = gk.Input((4,), name="left")
    right = gk.Input((4,), name="right")
    shared = layers.Dense(3, activation="relu", name="shared")
    merged = layers.concatenate([shared(left), shared(right)], name="merge")
    return gk.Model([left, right], layers.Dense(2, name="head")(merged), name="small")


def small_inputs():
    rng = np.random.default_rng(3)
    return [rng.normal(size=(5, 4)).astype("float32") for _ in range(2)]


def saved_small_model(path, trained: bool = True):
    """Save a (compiled, trained) :func:`small_model` to ``path``; return the model."""
    model = small_model()
    if trained:
        model.compile(optimizer="adam", loss="mse")
        x = small_inputs()
        model.fit(x, np.ones((5, 2), "float32"), epochs=1, verbose=0)
    model.save(path)
    return model


def read_members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_members(path, members: dict[str, bytes]) -> None:
    """Write an archive with exactly these members (JSON deflated, the rest stored)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            method = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
            archive.writestr(name, data, compress_type=method)
    with open(path, "wb") as handle:
        handle.write(buffer.getvalue())


def with_json(members: dict[str, bytes], name: str, value) -> dict[str, bytes]:
    return {**members, name: json.dumps(value).encode()}


def npz_bytes(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def npz_arrays(data: bytes) -> dict:
    with np.load(io.BytesIO(data), allow_pickle=False) as loaded:
        return {key: loaded[key] for key in loaded.files}
