"""Conformance of ``affine_transform``: Keras 3's ``ops.image.affine_transform`` on every backend.

The fill modes are checked on a one-row image shifted by whole pixels,
where each mode's documented pattern (``d c b a | a b c d | d c b a`` for
reflect, ...) can be read off directly; interpolation on half-pixel shifts.
Whole-layer values recorded from Keras 3 (JAX backend) are in
``tests/test_image_augmentation.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conformance import covers

ROW = np.arange(1.0, 5.0, dtype="float32").reshape(1, 4, 1)  # a b c d = 1 2 3 4


def shift_right(pixels: float) -> list:
    """The transform row moving the content ``pixels`` to the right (reading x - pixels)."""
    return [1.0, 0.0, -pixels, 0.0, 1.0, 0.0, 0.0, 0.0]


def row_after(B, transform, **arguments) -> list:
    output = B.affine_transform(ROW, transform, data_format="channels_last", **arguments)
    return B.convert_to_numpy(output).ravel().tolist()


@covers("affine_transform")
def test_affine_transform_identity_returns_the_images(B):
    images = np.random.default_rng(0).uniform(size=(2, 3, 4, 2)).astype("float32")
    identity = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    for interpolation in ("bilinear", "nearest"):
        output = B.affine_transform(images, identity, interpolation=interpolation)
        np.testing.assert_array_equal(B.convert_to_numpy(output), images)


@covers("affine_transform")
@pytest.mark.parametrize(
    ("fill_mode", "expected"),
    [
        ("reflect", [3.0, 2.0, 1.0, 1.0]),  # c b a | a b c d: reflected about the edge
        ("mirror", [4.0, 3.0, 2.0, 1.0]),  # d c b | a b c d: about the first pixel's centre
        ("wrap", [2.0, 3.0, 4.0, 1.0]),  # b c d | a b c d
        ("nearest", [1.0, 1.0, 1.0, 1.0]),  # a a a | a b c d
        ("constant", [7.0, 7.0, 7.0, 1.0]),  # k k k | a b c d
    ],
)
def test_affine_transform_fills_by_each_modes_pattern(B, fill_mode, expected):
    result = row_after(B, shift_right(3.0), fill_mode=fill_mode, fill_value=7.0)
    assert result == expected


@covers("affine_transform")
def test_affine_transform_bilinear_blends_fill_value_at_the_border(B):
    result = row_after(B, shift_right(0.5), fill_mode="constant", fill_value=10.0)
    np.testing.assert_allclose(result, [5.5, 1.5, 2.5, 3.5])
    reflected = row_after(B, shift_right(0.5), fill_mode="reflect")
    np.testing.assert_allclose(reflected, [1.0, 1.5, 2.5, 3.5])


@covers("affine_transform")
def test_affine_transform_nearest_rounds_half_away_from_zero(B):
    # x - 0.5 for x = 0..3 is -0.5, 0.5, 1.5, 2.5: read at -1 (filled), 1, 2, 3.
    result = row_after(B, shift_right(0.5), interpolation="nearest", fill_value=9.0)
    assert result == [9.0, 2.0, 3.0, 4.0]


@covers("affine_transform")
def test_affine_transform_one_transform_per_image_or_one_for_all(B):
    images = np.stack([ROW, 10 * ROW])
    each = B.affine_transform(images, [shift_right(1.0), shift_right(-1.0)], fill_mode="wrap")
    np.testing.assert_array_equal(
        B.convert_to_numpy(each)[:, 0, :, 0], [[4, 1, 2, 3], [20, 30, 40, 10]]
    )
    shared = B.affine_transform(images, shift_right(1.0), fill_mode="wrap")
    np.testing.assert_array_equal(
        B.convert_to_numpy(shared)[:, 0, :, 0], [[4, 1, 2, 3], [40, 10, 20, 30]]
    )


@covers("affine_transform")
def test_affine_transform_channels_first_and_rows_agree_with_channels_last(B):
    images = np.random.default_rng(1).uniform(size=(2, 5, 6, 3)).astype("float32")
    turn = [0.8, -0.6, 1.5, 0.6, 0.8, -0.7, 0.0, 0.0]
    last = B.convert_to_numpy(B.affine_transform(images, turn, fill_mode="reflect"))
    first = B.affine_transform(
        np.moveaxis(images, -1, 1), turn, fill_mode="reflect", data_format="channels_first"
    )
    np.testing.assert_allclose(np.moveaxis(B.convert_to_numpy(first), 1, -1), last, atol=1e-6)
    # Rows go down: b2 moves content up by reading lower rows.
    column = np.arange(3.0, dtype="float32").reshape(3, 1, 1)
    down = B.affine_transform(column, [1, 0, 0, 0, 1, 1.0, 0, 0], fill_mode="nearest")
    assert B.convert_to_numpy(down).ravel().tolist() == [1.0, 2.0, 2.0]


@covers("affine_transform")
def test_affine_transform_keeps_integer_images_integer_rounding_the_blend(B):
    images = np.array([[[0], [3]]], dtype="uint8")  # one row: 0 3
    output = B.affine_transform(images, shift_right(-0.5), fill_mode="nearest")
    assert B.dtype(output) == "uint8"
    assert B.convert_to_numpy(output).ravel().tolist() == [2, 3]  # 1.5 rounds to 2


@covers("affine_transform")
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"interpolation": "cubic"}, "interpolation must be one of"),
        ({"fill_mode": "edge"}, "fill_mode must be one of"),
        ({"transform": [1.0, 0.0, 0.0]}, r"transform must have shape \(8,\)"),
        ({"images": np.zeros((4, 4))}, "images must have rank 3"),
        ({"transform": np.zeros((3, 8))}, "3 transforms for 2 images"),
    ],
)
def test_affine_transform_refuses_bad_arguments(B, arguments, message):
    call = {"images": np.zeros((2, 3, 3, 1)), "transform": shift_right(0.0), **arguments}
    with pytest.raises(ValueError, match=message):
        B.affine_transform(**call)
