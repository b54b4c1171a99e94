"""Tests for the bundled digits dataset: contents, split, determinism, attribution, validation.

The file is re-read here independently of the loader (gzip + ``np.loadtxt``)
so the split can be checked against the file's own rows.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections import Counter
from importlib import resources

import numpy as np
import pytest

from graphkeras import datasets
from graphkeras.datasets import digits

# The sha256 recorded for the file when it was copied into the package.
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


def _package_file(name: str) -> bytes:
    return resources.files("graphkeras.datasets").joinpath("data").joinpath(name).read_bytes()


@pytest.fixture(scope="module")
def file_rows() -> np.ndarray:
    """The bundled file as an int array of shape (1797, 65), in file order."""
    text = gzip.decompress(_package_file("digits.csv.gz")).decode("ascii")
    return np.loadtxt(io.StringIO(text), delimiter=",", dtype=np.int64)


@pytest.fixture(scope="module")
def split():
    return digits.load_data()


def _row_multiset(images: np.ndarray, labels: np.ndarray) -> Counter:
    images = np.asarray(images, dtype=np.uint8).reshape(len(images), 64)
    return Counter(
        (image.tobytes(), int(label)) for image, label in zip(images, labels, strict=True)
    )


# --- contents -------------------------------------------------------------------------


def test_datasets_package_exposes_digits():
    assert datasets.digits is digits


def test_bundled_file_is_the_recorded_copy():
    assert hashlib.sha256(_package_file("digits.csv.gz")).hexdigest() == DIGITS_SHA256


def test_shapes_and_dtypes(split):
    (x_train, y_train), (x_test, y_test) = split
    assert x_train.shape == (1437, 8, 8)
    assert y_train.shape == (1437,)
    assert x_test.shape == (360, 8, 8)
    assert y_test.shape == (360,)
    for array in (x_train, y_train, x_test, y_test):
        assert array.dtype == np.uint8
    assert (digits.NUM_TRAIN, digits.NUM_TEST) == (1437, 360)


def test_value_ranges(split):
    (x_train, y_train), (x_test, y_test) = split
    for x in (x_train, x_test):
        assert x.min() == 0
        assert x.max() == 16
    for y in (y_train, y_test):
        assert set(np.unique(y).tolist()) == set(range(10))


def test_class_balance(split, file_rows):
    (_, y_train), (_, y_test) = split
    train_counts = np.bincount(y_train, minlength=10)
    test_counts = np.bincount(y_test, minlength=10)
    assert len(train_counts) == len(test_counts) == 10
    assert (train_counts > 0).all() and (test_counts > 0).all()
    assert train_counts.sum() + test_counts.sum() == 1797
    np.testing.assert_array_equal(
        train_counts + test_counts, np.bincount(file_rows[:, 64], minlength=10)
    )
    # The file itself is balanced: every class has 174..183 images.
    assert (train_counts + test_counts).min() == 174
    assert (train_counts + test_counts).max() == 183


def test_images_are_the_file_rows_reshaped_row_major(split, file_rows):
    (x_train, y_train), (x_test, y_test) = split
    x_all = np.concatenate([x_train, x_test]).reshape(-1, 64)
    y_all = np.concatenate([y_train, y_test])
    order = np.random.default_rng(digits.SHUFFLE_SEED).permutation(1797)
    np.testing.assert_array_equal(x_all, file_rows[order, :64])
    np.testing.assert_array_equal(y_all, file_rows[order, 64])


# --- the split ------------------------------------------------------------------------


def test_split_is_pinned(split, file_rows):
    # A reference point for the split: if these change, so did every result
    # reported on it (for example a NumPy change to Generator.permutation).
    (x_train, y_train), (x_test, y_test) = split
    assert digits.SHUFFLE_SEED == 1998
    assert y_test[:5].tolist() == [9, 0, 9, 6, 4]
    assert y_train[:5].tolist() == [5, 7, 7, 2, 7]
    np.testing.assert_array_equal(x_test[0].reshape(64), file_rows[73, :64])


def test_split_is_identical_across_calls(split):
    again = digits.load_data()
    for first, second in zip(
        (split[0][0], split[0][1], split[1][0], split[1][1]),
        (again[0][0], again[0][1], again[1][0], again[1][1]),
        strict=True,
    ):
        np.testing.assert_array_equal(first, second)


def test_split_neither_uses_nor_changes_global_random_state(split):
    digits._load_bundled.cache_clear()  # exercise the full path, file reading included
    np.random.seed(12345)
    before = np.random.get_state()
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    after = np.random.get_state()
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    # A different global seed gives the same split.
    np.random.seed(54321)
    (_, y_train_2), (_, y_test_2) = digits.load_data()
    np.testing.assert_array_equal(y_train, y_train_2)
    np.testing.assert_array_equal(y_test, y_test_2)
    np.testing.assert_array_equal(y_test, split[1][1])


def test_train_and_test_partition_the_file_rows(split, file_rows):
    (x_train, y_train), (x_test, y_test) = split
    file_multiset = _row_multiset(file_rows[:, :64], file_rows[:, 64])
    train_multiset = _row_multiset(x_train, y_train)
    test_multiset = _row_multiset(x_test, y_test)
    # Together they are exactly the file's rows, each as many times as it occurs.
    assert train_multiset + test_multiset == file_multiset
    assert sum(train_multiset.values()) == 1437
    assert sum(test_multiset.values()) == 360
    # Rows that occur once in the file are never in both splits.
    unique_rows = {row for row, count in file_multiset.items() if count == 1}
    assert not (set(train_multiset) & set(test_multiset) & unique_rows)


def test_shuffle_mixes_the_file_order(split, file_rows):
    (x_train, _), (x_test, y_test) = split
    tail = _row_multiset(file_rows[-360:, :64], file_rows[-360:, 64])
    test_rows = _row_multiset(x_test, y_test)
    assert test_rows != tail
    # About a fifth of the test set (72 expected) comes from the file's last
    # 360 rows, not all of it.
    from_tail = sum((test_rows & tail).values())
    assert 40 < from_tail < 110
    # The training set does not start with the file's first rows either.
    assert not np.array_equal(x_train[:10].reshape(10, 64), file_rows[:10, :64])


def test_returns_fresh_writable_arrays():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    original = x_test.copy(), y_train.copy()
    for array in (x_train, y_train, x_test, y_test):
        assert array.flags.writeable
        array[...] = 0
    (_, y_train_2), (x_test_2, _) = digits.load_data()
    np.testing.assert_array_equal(x_test_2, original[0])
    np.testing.assert_array_equal(y_train_2, original[1])
    assert not np.shares_memory(x_test, x_test_2)


# --- attribution ----------------------------------------------------------------------


def test_notice_is_package_data_with_attribution():
    notice = _package_file("NOTICE").decode("utf-8")
    assert "CC BY 4.0" in notice
    assert "Alpaydin" in notice and "Kaynak" in notice
    assert "1998" in notice
    assert "Optical Recognition of Handwritten Digits" in notice
    assert "UCI Machine Learning Repository" in notice
    assert "digits.csv.gz" in notice
    assert "unchanged" in notice


def test_module_docstring_and_description_carry_attribution():
    for text in (digits.__doc__, digits.DESCRIPTION):
        assert "CC BY 4.0" in text
        assert "Alpaydin" in text and "Kaynak" in text


# --- validation -----------------------------------------------------------------------


def _file_lines() -> list[str]:
    return gzip.decompress(_package_file("digits.csv.gz")).decode("ascii").splitlines()


def _with_cell(lines: list[str], row: int, column: int, value: str) -> list[str]:
    lines = list(lines)
    cells = lines[row].split(",")
    cells[column] = value
    lines[row] = ",".join(cells)
    return lines


def _bad_files():
    lines = _file_lines()
    short = list(lines)
    short[2] = short[2].rsplit(",", 1)[0]  # drop the label of line 3
    long = list(lines)
    long[4] = long[4] + ",0"
    yield "short row", short, ["expected 65", "received 64", "line 3"]
    yield "long row", long, ["expected 65", "received 66", "line 5"]
    yield "pixel 17", _with_cell(lines, 9, 20, "17"), ["0..16", "received 17", "row 10"]
    yield "pixel -1", _with_cell(lines, 0, 0, "-1"), ["0..16", "received -1", "row 1"]
    yield "label 10", _with_cell(lines, 6, 64, "10"), ["0..9", "received 10", "row 7"]
    yield "label -3", _with_cell(lines, 6, 64, "-3"), ["0..9", "received -3", "row 7"]
    yield "non-integer", _with_cell(lines, 3, 5, "1.5"), ["integers", "1.5", "row 4"]
    yield "nan", _with_cell(lines, 3, 5, "nan"), ["integers", "nan", "row 4"]
    yield "text", _with_cell(lines, 3, 5, "x"), ["integers"]
    yield "a row missing", lines[:-1], ["expected 1797 rows", "received 1796"]
    yield "a row extra", lines + lines[:1], ["expected 1797 rows", "received 1798"]
    yield "empty", [], ["expected 1797 rows", "received 0"]


BAD_FILES = list(_bad_files())


@pytest.mark.parametrize(
    ("lines", "fragments"), [case[1:] for case in BAD_FILES], ids=[case[0] for case in BAD_FILES]
)
def test_bad_file_raises_value_error_naming_the_file(tmp_path, lines, fragments):
    path = tmp_path / "broken-digits.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("ascii")))
    with pytest.raises(ValueError) as info:
        digits._load_file(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message


def test_file_that_is_not_gzip_raises_value_error(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_bytes(b"0,0,0\n")
    with pytest.raises(ValueError, match="gzip") as info:
        digits._load_file(path)
    assert str(path) in str(info.value)


def test_parse_accepts_bytes_and_matches_the_loader(file_rows):
    images, labels = digits._parse(_package_file("digits.csv.gz"), source="digits.csv.gz")
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    np.testing.assert_array_equal(images.reshape(1797, 64), file_rows[:, :64])
    np.testing.assert_array_equal(labels, file_rows[:, 64])
