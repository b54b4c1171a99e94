"""Tests for model weights in memory and in files (API.md sections 5 and 9).

``get_weights`` / ``set_weights`` and ``save_weights`` / ``load_weights``
round trips, the documented ``.npz`` key layout, any file name, loading by
name, ``skip_mismatch``, and files that do not fit: ``ValueError`` naming the
file, with every weight left as it was.
"""

from __future__ import annotations

import os
import pathlib
import stat

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def data(rows: int, cols: int, seed: int = 0):
    return np.random.default_rng(seed).normal(size=(rows, cols)).astype("float32")


def make_model(hidden: int = 4, head_name: str = "head", seed: int = 0):
    """``x -> body(hidden) -> head(2)``, with a shortcut ``x -> skip(2)`` added on."""
    gk.utils.set_random_seed(seed)
    x = gk.Input(shape=(3,), name="x")
    body = layers.Dense(hidden, activation="tanh", name="body")(x)
    head = layers.Dense(2, name=head_name)(body)
    skip = layers.Dense(2, name="skip", use_bias=False)(x)
    return gk.Model(x, layers.add([head, skip], name="sum"))


def by_hand(weights: list, values):
    """The output of :func:`make_model` from its weights, in ``model.weights`` order."""
    body_kernel, body_bias, head_kernel, head_bias, skip_kernel = weights
    hidden = np.tanh(values @ body_kernel + body_bias)
    return hidden @ head_kernel + head_bias + values @ skip_kernel


def assert_weights_equal(first: list, second: list) -> None:
    assert len(first) == len(second)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------- in memory


def test_get_weights_gives_model_weights_in_layer_order():
    model = make_model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4, 2), (2,), (3, 2)]
    values = data(5, 3)
    np.testing.assert_allclose(model(values), by_hand(model.get_weights(), values), rtol=1e-5)


def test_set_weights_from_another_model_gives_identical_outputs():
    source, target = make_model(seed=1), make_model(seed=2)
    values = data(5, 3)
    assert not np.allclose(source(values), target(values))
    target.set_weights(source.get_weights())
    np.testing.assert_allclose(target(values), source(values), rtol=1e-6, atol=1e-7)


# ------------------------------------------------------------------- files


def test_save_and_load_round_trip_into_a_fresh_model(tmp_path):
    source, target = make_model(seed=1), make_model(seed=2)
    path = tmp_path / "model.weights.npz"
    source.save_weights(path)
    target.load_weights(path)
    assert_weights_equal(target.get_weights(), source.get_weights())
    values = data(6, 3)
    np.testing.assert_allclose(target(values), source(values), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(target(values), by_hand(source.get_weights(), values), rtol=1e-5)


@pytest.mark.parametrize("name", ["weights", "w.bin", "checkpoint.npz", "nested.dir.h5"])
def test_any_file_name_works_and_is_kept_exactly(tmp_path, name):
    source, target = make_model(seed=1), make_model(seed=2)
    path = str(tmp_path / name)
    source.save_weights(path)
    assert os.listdir(tmp_path) == [name]
    target.load_weights(path)
    assert_weights_equal(target.get_weights(), source.get_weights())


def test_pathlib_paths_are_accepted(tmp_path):
    source, target = make_model(seed=1), make_model(seed=2)
    path = pathlib.Path(tmp_path) / "w"
    source.save_weights(path)
    target.load_weights(path)
    assert_weights_equal(target.get_weights(), source.get_weights())


def test_file_has_the_documented_key_layout(tmp_path):
    model = make_model()
    path = tmp_path / "w.npz"
    model.save_weights(path)
    with np.load(path, allow_pickle=False) as archive:
        assert str(archive["__format__"]) == "graphkeras.weights/2"
        assert list(archive["__layers__"]) == ["body", "head", "skip"]
        assert set(archive.files) == {
            "__format__",
            "__layers__",
            "body/0",
            "body/1",
            "head/0",
            "head/1",
            "skip/0",
        }
        np.testing.assert_array_equal(archive["head/0"], model.get_layer("head").get_weights()[0])


def test_saving_over_an_existing_file_replaces_it_and_leaves_no_temporary(tmp_path):
    first, second, target = make_model(seed=1), make_model(seed=2), make_model(seed=3)
    path = tmp_path / "w"
    first.save_weights(path)
    second.save_weights(path)
    assert os.listdir(tmp_path) == ["w"]
    target.load_weights(path)
    assert_weights_equal(target.get_weights(), second.get_weights())


def test_nested_model_weights_round_trip(tmp_path):
    def outer_model(seed):
        gk.utils.set_random_seed(seed)
        inner_x = gk.Input(shape=(3,), name="inner_x")
        inner = gk.Model(inner_x, layers.Dense(4, name="inner_dense")(inner_x), name="inner")
        x = gk.Input(shape=(3,), name="x")
        return gk.Model(x, layers.Dense(1, name="head")(inner(x)))

    source, target = outer_model(1), outer_model(2)
    source.save_weights(tmp_path / "w")
    target.load_weights(tmp_path / "w")
    values = data(4, 3)
    np.testing.assert_allclose(target(values), source(values), rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------- files that misfit


def test_file_of_another_architecture_raises_naming_the_file(tmp_path):
    other = make_model(hidden=5)
    path = tmp_path / "other.weights.npz"
    other.save_weights(path)
    model = make_model(hidden=4)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"other\.weights\.npz.*'body'.*\(3, 4\).*\(3, 5\)"):
        model.load_weights(path)
    assert_weights_equal(model.get_weights(), before)


def test_file_with_another_layer_count_raises_and_changes_nothing(tmp_path):
    x = gk.Input(shape=(3,), name="x")
    small = gk.Model(x, layers.Dense(4, name="body")(x))
    path = tmp_path / "small"
    small.save_weights(path)
    model = make_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"'.*small'.*1 layers"):
        model.load_weights(path)
    assert_weights_equal(model.get_weights(), before)


def test_mismatch_in_the_last_layer_changes_none_of_the_earlier_ones(tmp_path):
    x = gk.Input(shape=(3,), name="x")
    body = layers.Dense(4, activation="tanh", name="body")(x)
    head = layers.Dense(2, name="head")(body)
    skip = layers.Dense(2, name="skip")(x)  # a bias the saved model's skip lacks
    model = gk.Model(x, layers.add([head, skip]))
    source = make_model(seed=5)
    source.save_weights(tmp_path / "w")
    before = model.get_weights()
    values = data(3, 3)
    outputs = model(values)
    with pytest.raises(ValueError, match="'skip'"):
        model.load_weights(tmp_path / "w")
    assert_weights_equal(model.get_weights(), before)
    np.testing.assert_allclose(model(values), outputs, rtol=1e-6, atol=1e-7)


def test_file_that_is_not_a_weight_file_raises_naming_it(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"this is not a zip archive")
    model = make_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match="garbage.npz"):
        model.load_weights(path)
    assert_weights_equal(model.get_weights(), before)


def test_npz_without_the_format_marker_raises(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, body=np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"plain\.npz.*format"):
        make_model().load_weights(path)


def test_missing_file_raises_naming_it(tmp_path):
    with pytest.raises(ValueError, match="nowhere.npz"):
        make_model().load_weights(tmp_path / "nowhere.npz")


# ---------------------------------------------------------------- by name


def test_load_by_name_matches_layers_by_name_whatever_the_order(tmp_path):
    source = make_model(seed=1)
    source.save_weights(tmp_path / "w")
    # Same names, other layout: skip is created (and ordered) before body here.
    gk.utils.set_random_seed(9)
    x = gk.Input(shape=(3,), name="x")
    skip = layers.Dense(2, name="skip", use_bias=False)(x)
    extra = layers.Dense(3, name="extra")(x)
    body = layers.Dense(4, activation="tanh", name="body")(x)
    head = layers.Dense(2, name="head")(body)
    target = gk.Model(x, [layers.add([head, skip]), extra])
    extra_before = target.get_layer("extra").get_weights()
    target.load_weights(tmp_path / "w", by_name=True)
    for name in ("body", "head", "skip"):
        assert_weights_equal(
            target.get_layer(name).get_weights(), source.get_layer(name).get_weights()
        )
    assert_weights_equal(target.get_layer("extra").get_weights(), extra_before)
    values = data(4, 3)
    np.testing.assert_allclose(target(values)[0], source(values), rtol=1e-6, atol=1e-7)


def test_load_by_name_ignores_file_layers_the_model_lacks(tmp_path):
    source = make_model(seed=1)
    source.save_weights(tmp_path / "w")
    x = gk.Input(shape=(3,), name="x")
    target = gk.Model(x, layers.Dense(4, activation="tanh", name="body")(x))
    target.load_weights(tmp_path / "w", by_name=True)
    assert_weights_equal(target.get_weights(), source.get_layer("body").get_weights())


def test_load_by_name_with_a_shape_mismatch_raises_and_changes_nothing(tmp_path):
    make_model(hidden=5, seed=1).save_weights(tmp_path / "w")
    target = make_model(hidden=4, seed=2)
    before = target.get_weights()
    with pytest.raises(ValueError, match="'body'"):
        target.load_weights(tmp_path / "w", by_name=True)
    assert_weights_equal(target.get_weights(), before)


def test_skip_mismatch_by_name_loads_what_fits_and_warns(tmp_path):
    source = make_model(hidden=5, seed=1)
    source.save_weights(tmp_path / "w")
    target = make_model(hidden=4, seed=2)
    body_before = target.get_layer("body").get_weights()
    head_before = target.get_layer("head").get_weights()
    with pytest.warns(UserWarning) as record:
        target.load_weights(tmp_path / "w", by_name=True, skip_mismatch=True)
    messages = [str(warning.message) for warning in record]
    assert len(messages) == 2
    assert "'body'" in messages[0] and "'head'" in messages[1]
    assert all(message.endswith("Skipped.") for message in messages)
    # body (3x5 vs 3x4) and head (5x2 vs 4x2) do not fit; skip does.
    assert_weights_equal(target.get_layer("body").get_weights(), body_before)
    assert_weights_equal(target.get_layer("head").get_weights(), head_before)
    assert_weights_equal(
        target.get_layer("skip").get_weights(), source.get_layer("skip").get_weights()
    )


def test_skip_mismatch_by_position_loads_what_fits(tmp_path):
    source = make_model(hidden=5, seed=1)
    source.save_weights(tmp_path / "w")
    target = make_model(hidden=4, seed=2)
    body_before = target.get_layer("body").get_weights()
    with pytest.warns(UserWarning) as record:
        target.load_weights(tmp_path / "w", skip_mismatch=True)
    assert len(record) == 2
    assert_weights_equal(target.get_layer("body").get_weights(), body_before)
    assert_weights_equal(
        target.get_layer("skip").get_weights(), source.get_layer("skip").get_weights()
    )


def test_a_saved_file_gets_the_mode_a_plain_open_would_give(tmp_path):
    model = make_model()
    old_umask = os.umask(0o022)
    try:
        model.save_weights(tmp_path / "new.weights.npz")
        existing = tmp_path / "kept.weights.npz"
        existing.write_bytes(b"")
        existing.chmod(0o640)
        model.save_weights(existing)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new.weights.npz").stat().st_mode) == 0o644
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
