"""``gk.utils.split_dataset``: Keras 3's size rules, the input's own structure back."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk

split_dataset = gk.utils.split_dataset


def test_a_fraction_splits_an_array_in_order():
    left, right = split_dataset(np.arange(10), left_size=0.8)
    assert left.tolist() == list(range(8)) and right.tolist() == [8, 9]


def test_counts_on_both_sides_leave_the_middle_out():
    left, right = split_dataset(np.arange(10), left_size=3, right_size=2)
    assert left.tolist() == [0, 1, 2] and right.tolist() == [8, 9]


def test_a_tuple_of_arrays_keeps_rows_together_and_comes_back_a_tuple():
    x, y = np.arange(12).reshape(6, 2), np.arange(6) * 10
    left, right = split_dataset((x, y), right_size=2, shuffle=True, seed=3)
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0].shape == (4, 2) and right[1].shape == (2,)
    for part in (left, right):
        assert (part[0][:, 0] * 5 == part[1]).all()  # each x row still sits with its y
    assert sorted(left[1].tolist() + right[1].tolist()) == y.tolist()


def test_a_list_of_arrays_and_a_dict_of_arrays_keep_their_structure():
    left, right = split_dataset([np.arange(4), np.arange(4) + 10], left_size=0.5)
    assert isinstance(left, list) and [a.tolist() for a in right] == [[2, 3], [12, 13]]
    left, right = split_dataset({"a": np.arange(5), "b": np.ones((5, 2))}, left_size=4)
    assert set(left) == {"a", "b"} and right["a"].tolist() == [4] and left["b"].shape == (4, 2)


def test_a_list_of_samples_comes_back_as_two_lists_of_samples():
    samples = [(1, "a"), (2, "b"), (3, "c"), (4, "d")]
    left, right = split_dataset(samples, right_size=0.25)
    assert left == samples[:3] and right == samples[3:]


def test_a_seeded_shuffle_repeats_and_a_global_seed_makes_an_unseeded_one_repeat():
    data = np.arange(20)
    first = split_dataset(data, left_size=0.5, shuffle=True, seed=7)
    again = split_dataset(data, left_size=0.5, shuffle=True, seed=7)
    assert np.array_equal(first[0], again[0]) and not np.array_equal(first[0], data[:10])
    gk.utils.set_random_seed(11)
    one = split_dataset(data, left_size=0.5, shuffle=True)
    gk.utils.set_random_seed(11)
    two = split_dataset(data, left_size=0.5, shuffle=True)
    assert np.array_equal(one[0], two[0])


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(2, 40),
    left=st.one_of(st.none(), st.integers(1, 39), st.floats(0.01, 0.99)),
    right=st.one_of(st.none(), st.integers(1, 39), st.floats(0.01, 0.99)),
)
def test_sizes_follow_keras_rules(total, left, right):
    """Valid sizes give disjoint parts of exactly the expected sizes; the rest raise ValueError."""

    def rows(size):
        return round(size * total) if isinstance(size, float) else size

    expected_left = rows(left) if left is not None else None
    expected_right = rows(right) if right is not None else None
    valid = not (left is None and right is None)
    for size in (left, right):
        if isinstance(size, int) and not size < total:
            valid = False
    if isinstance(left, float) and isinstance(right, float) and left + right > 1:
        valid = False
    if valid:
        expected_left = total - expected_right if expected_left is None else expected_left
        expected_right = total - expected_left if expected_right is None else expected_right
        valid = expected_left > 0 and expected_right > 0
        valid = valid and expected_left + expected_right <= total
    if not valid:
        with pytest.raises(ValueError, match="split_dataset"):
            split_dataset(np.arange(total), left_size=left, right_size=right)
        return
    a, b = split_dataset(np.arange(total), left_size=left, right_size=right)
    assert (len(a), len(b)) == (expected_left, expected_right)
    assert set(a.tolist()).isdisjoint(b.tolist())


@pytest.mark.parametrize(
    "left, right, message",
    [
        (None, None, "at least one of `left_size` and `right_size`"),
        (0, 0, "both zero"),
        (10, None, r"`left_size` as an int must be a row count in \(0, 10\)"),
        (None, 1.0, r"`right_size` as a float must be a fraction in \(0, 1\)"),
        (0.6, 0.6, "add up to more than 1"),
        (6, 5, "ask for 6 \\+ 5 rows"),
        (0.01, None, "leave the left split empty"),
    ],
)
def test_bad_sizes_are_value_errors_naming_the_argument(left, right, message):
    with pytest.raises(ValueError, match=message):
        split_dataset(np.arange(10), left_size=left, right_size=right)


def test_bad_types_and_ragged_inputs_are_refused_clearly():
    with pytest.raises(TypeError, match="`left_size` must be an int, a float or None"):
        split_dataset(np.arange(4), left_size="half")
    with pytest.raises(TypeError, match="received a str"):
        split_dataset("rows", left_size=1)
    with pytest.raises(ValueError, match="item 0 has 3, item 1 has 4"):
        split_dataset((np.arange(3), np.arange(4)), left_size=1)
    with pytest.raises(ValueError, match="empty list"):
        split_dataset([], left_size=1)
    with pytest.raises(TypeError, match="`seed` must be an int"):
        split_dataset(np.arange(4), left_size=1, shuffle=True, seed=1.5)
