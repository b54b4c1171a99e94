"""``gk.utils.to_categorical``, ``normalize`` and ``pad_sequences``, as Keras 3 behaves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=20), st.integers(0, 5))
def test_to_categorical_puts_a_single_one_at_each_label(labels, extra_classes):
    classes = max(labels) + 1 + extra_classes
    one_hot = gk.utils.to_categorical(labels, classes)
    assert one_hot.shape == (len(labels), classes) and one_hot.dtype == np.float32
    assert one_hot.argmax(axis=-1).tolist() == labels  # class indices: integers
    np.testing.assert_allclose(one_hot.sum(axis=-1), np.ones(len(labels)), rtol=1e-7)


def test_to_categorical_drops_a_trailing_axis_of_one_and_keeps_others():
    assert gk.utils.to_categorical(np.array([[1], [0]])).shape == (2, 2)
    assert gk.utils.to_categorical(np.zeros((2, 3), "int64"), 4).shape == (2, 3, 4)
    assert gk.utils.to_categorical([1.0, 0.0]).tolist() == [[0.0, 1.0], [1.0, 0.0]]


@pytest.mark.parametrize(
    "labels, classes, message",
    [([0, 3], 3, "out of range"), ([-1, 0], None, ">= 0"), ([0.5], None, "integer class")],
)
def test_to_categorical_refuses_labels_it_cannot_encode(labels, classes, message):
    with pytest.raises(ValueError, match=message):
        gk.utils.to_categorical(labels, classes)


def test_normalize_gives_unit_rows_and_leaves_zero_rows_alone():
    rows = gk.utils.normalize(np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]]))
    np.testing.assert_allclose(rows, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]], rtol=1e-12)
    columns = gk.utils.normalize(np.array([[3.0, 1.0], [4.0, 0.0]]), axis=0, order=1)
    np.testing.assert_allclose(columns, [[3 / 7, 1.0], [4 / 7, 0.0]], rtol=1e-12)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(st.lists(st.integers(1, 9), max_size=6), min_size=1, max_size=5),
    st.one_of(st.none(), st.integers(0, 7)),
    st.sampled_from(["pre", "post"]),
    st.sampled_from(["pre", "post"]),
)
def test_pad_sequences_cuts_and_fills_each_row_on_the_sides_asked(rows, maxlen, padding, cut):
    padded = gk.utils.pad_sequences(rows, maxlen=maxlen, padding=padding, truncating=cut)
    length = max(len(row) for row in rows) if maxlen is None else maxlen
    assert padded.shape == (len(rows), length) and padded.dtype == np.int32
    for row, result in zip(rows, padded, strict=True):
        kept = (row[-length:] if cut == "pre" else row[:length]) if length else []
        filler = [0] * (length - len(kept))
        expected = filler + list(kept) if padding == "pre" else list(kept) + filler
        assert result.tolist() == expected


def test_pad_sequences_keeps_step_shapes_and_the_fill_value():
    steps = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    padded = gk.utils.pad_sequences(steps, dtype="float32", value=-1.0)
    assert padded.shape == (2, 2, 3)
    np.testing.assert_array_equal(padded[1], [[-1.0] * 3, [2.0] * 3])


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"padding": "middle"}, "padding must be 'pre' or 'post'"),
        ({"truncating": "both"}, "truncating must be"),
        ({"maxlen": -1}, "maxlen must be a non-negative int"),
    ],
)
def test_pad_sequences_refuses_bad_arguments_by_name(arguments, message):
    with pytest.raises(ValueError, match=message):
        gk.utils.pad_sequences([[1, 2]], **arguments)


def test_pad_sequences_refuses_a_scalar_in_place_of_a_sequence():
    with pytest.raises(ValueError, match=r"sequences\[1\] is a scalar"):
        gk.utils.pad_sequences([[1, 2], 3])
