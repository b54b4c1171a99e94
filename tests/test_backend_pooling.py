"""Conformance of the pooling, padding and resizing ops: ``max_pool``, ``average_pool``,
``pad`` and ``resize``.

Pooling is checked against a direct loop over output positions written here
(tiny arrays), which clips each window to the real input, so it also states
what "same" padding means: windows centred as XLA does, padding never
winning a max and never counted in a mean. A few literal values come from
Keras 3.15.1 (JAX backend), as noted where they are used.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conformance import covers


def naive_pool(x, pool_size, strides, padding, data_format, reduce):
    """Pool ``x`` by looping over output positions; ``reduce`` takes a window's real entries."""
    x = np.asarray(x)
    if data_format == "channels_first":
        x = np.moveaxis(x, 1, -1)
    spatial = x.shape[1:-1]
    starts, counts = [], []
    for size, window, stride in zip(spatial, pool_size, strides, strict=True):
        if padding == "same":
            count = -(-size // stride)
            before = max((count - 1) * stride + window - size, 0) // 2
        else:
            count, before = (size - window) // stride + 1, 0
        starts.append([index * stride - before for index in range(count)])
        counts.append(count)
    out = np.zeros((x.shape[0], *counts, x.shape[-1]), dtype="float64")
    for position in itertools.product(*(range(count) for count in counts)):
        region = tuple(
            slice(max(start[index], 0), min(start[index] + window, size))
            for start, index, window, size in zip(starts, position, pool_size, spatial, strict=True)
        )
        block = x[(slice(None), *region, slice(None))]
        flat = block.reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *position, slice(None))] = reduce(flat, axis=1)
    if data_format == "channels_first":
        out = np.moveaxis(out, -1, 1)
    return out


def distinct(*shape, seed=0) -> np.ndarray:
    """Entries all different (so a max has one winner), some negative."""
    size = int(np.prod(shape))
    return (np.random.default_rng(seed).permutation(size).reshape(shape) - size / 2) / 4.0


POOLING_SETUPS = {
    "1d_valid": ((2, 7, 3), 3, 2, "valid", "channels_last"),
    "1d_same_overlapping": ((2, 7, 3), 3, 1, "same", "channels_last"),
    "2d_valid_default_strides": ((2, 5, 6, 2), (2, 3), None, "valid", "channels_last"),
    "2d_same_strided": ((1, 5, 6, 2), (3, 2), (2, 2), "same", "channels_last"),
    "2d_same_channels_first": ((2, 3, 5, 4), 3, (2, 1), "same", "channels_first"),
    "2d_valid_channels_first": ((1, 2, 6, 5), (2, 2), (1, 2), "valid", "channels_first"),
    "3d_valid": ((1, 4, 5, 4, 2), 2, None, "valid", "channels_last"),
    "3d_same_channels_first": ((1, 2, 3, 4, 5), (2, 3, 2), (2, 2, 3), "same", "channels_first"),
}


def _tuples(setup):
    shape, pool_size, strides, padding, data_format = setup
    count = len(shape) - 2
    pool = (pool_size,) * count if isinstance(pool_size, int) else pool_size
    if strides is None:
        return pool, pool
    return pool, (strides,) * count if isinstance(strides, int) else strides


@covers("max_pool")
@pytest.mark.parametrize("setup", POOLING_SETUPS.values(), ids=POOLING_SETUPS.keys())
def test_max_pool_matches_a_direct_loop(B, setup):
    shape, pool_size, strides, padding, data_format = setup
    x = distinct(*shape)
    result = B.max_pool(x, pool_size, strides, padding, data_format)
    pool, stride = _tuples(setup)
    expected = naive_pool(x, pool, stride, padding, data_format, np.max)
    np.testing.assert_array_equal(B.convert_to_numpy(result), expected)


@covers("average_pool")
@pytest.mark.parametrize("setup", POOLING_SETUPS.values(), ids=POOLING_SETUPS.keys())
def test_average_pool_matches_a_direct_loop(B, setup):
    shape, pool_size, strides, padding, data_format = setup
    x = distinct(*shape)
    result = B.average_pool(x, pool_size, strides, padding, data_format)
    pool, stride = _tuples(setup)
    expected = naive_pool(x, pool, stride, padding, data_format, np.mean)
    np.testing.assert_allclose(B.convert_to_numpy(result), expected, rtol=1e-12)


@covers("average_pool")
def test_average_pool_same_divides_by_the_real_entries_of_each_window(B):
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0]).reshape(1, 5, 1)
    result = B.average_pool(x, 2, strides=2, padding="same", data_format="channels_last")
    # Three windows: [1, 2], [3, 4] and [5] over the one padded position after it.
    np.testing.assert_array_equal(B.convert_to_numpy(result).ravel(), [1.5, 3.5, 5.0])


@covers("average_pool")
def test_average_pool_same_centres_the_padding_as_keras(B):
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    result = B.average_pool(x, 3, strides=1, padding="same", data_format="channels_last")
    # Keras 3.15.1 (JAX backend), ops.average_pool on the same input.
    expected = [
        [2.5, 3.0, 4.0, 4.5],
        [4.5, 5.0, 6.0, 6.5],
        [8.5, 9.0, 10.0, 10.5],
        [10.5, 11.0, 12.0, 12.5],
    ]
    np.testing.assert_allclose(B.convert_to_numpy(result)[0, :, :, 0], expected)


@covers("max_pool")
def test_max_pool_same_padding_never_wins_over_negative_entries(B):
    x = -np.arange(1.0, 6.0).reshape(1, 5, 1)
    result = B.max_pool(x, 2, strides=2, padding="same", data_format="channels_last")
    np.testing.assert_array_equal(B.convert_to_numpy(result).ravel(), [-1.0, -3.0, -5.0])


@covers("max_pool", "average_pool")
def test_pooling_keeps_float32_and_reads_variables(B):
    x = B.Variable(np.arange(8.0, dtype="float32").reshape(1, 4, 2), name="x")
    for op in (B.max_pool, B.average_pool):
        result = op(x, 2, data_format="channels_last")
        assert B.dtype(result) == "float32"
        assert B.int_shape(result) == (1, 2, 2)
    np.testing.assert_array_equal(
        B.convert_to_numpy(B.max_pool(x, 2, data_format="channels_last"))[0], [[2, 3], [6, 7]]
    )


@covers("max_pool")
def test_pooling_data_format_none_means_image_data_format(B):
    x = distinct(1, 4, 4, 2)
    np.testing.assert_array_equal(
        B.convert_to_numpy(B.max_pool(x, 2)),
        B.convert_to_numpy(B.max_pool(x, 2, data_format="channels_last")),
    )


@covers("max_pool", "average_pool")
@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"pool_size": 0}, "pool_size"),
        ({"pool_size": (2, 2, 2)}, "pool_size"),
        ({"pool_size": 2, "strides": 0}, "strides"),
        ({"pool_size": 2, "padding": "full"}, "padding"),
        ({"pool_size": 5}, "pool_size"),
        ({"pool_size": 2, "data_format": "channels_middle"}, "data_format"),
    ],
)
def test_pooling_rejects_bad_arguments(B, arguments, message):
    x = np.zeros((1, 4, 4, 1))
    for op in (B.max_pool, B.average_pool):
        with pytest.raises(ValueError, match=message):
            op(x, **arguments)


@covers("max_pool")
def test_max_pool_gradient_goes_to_the_first_maximum_of_a_window(B):
    x = B.convert_to_tensor(np.array([[[3.0], [3.0], [1.0], [2.0]]]))
    with B.GradientTape() as tape:
        tape.watch(x)
        target = B.sum(B.max_pool(x, 2, strides=1, data_format="channels_last"))
    gradient = tape.gradient(target, x)
    # Windows [3, 3], [3, 1], [1, 2] pick entries 0, 1 and 3; JAX (Keras 3.15.1) agrees.
    np.testing.assert_array_equal(B.convert_to_numpy(gradient).ravel(), [1.0, 1.0, 0.0, 1.0])


# ------------------------------------------------------------------------ pad


@covers("pad")
def test_pad_constant_surrounds_with_the_value(B):
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32")
    result = B.pad(x, ((1, 0), (0, 2)), constant_values=7)
    expected = [[7, 7, 7, 7], [1, 2, 7, 7], [3, 4, 7, 7]]
    np.testing.assert_array_equal(B.convert_to_numpy(result), expected)
    assert B.dtype(result) == "float32"


@covers("pad")
def test_pad_int_and_single_pair_apply_to_every_axis(B):
    x = np.ones((2, 3))
    assert B.int_shape(B.pad(x, 1)) == (4, 5)
    assert B.int_shape(B.pad(x, (0, 2))) == (4, 5)
    np.testing.assert_array_equal(B.convert_to_numpy(B.pad(x, 1))[0], [0, 0, 0, 0, 0])


@covers("pad")
@pytest.mark.parametrize(
    "mode, expected",
    [
        ("edge", [1, 1, 1, 2, 3, 3]),
        ("reflect", [3, 2, 1, 2, 3, 2]),
        ("symmetric", [2, 1, 1, 2, 3, 3]),
        ("wrap", [2, 3, 1, 2, 3, 1]),
    ],
)
def test_pad_copying_modes(B, mode, expected):
    result = B.pad(np.array([1.0, 2.0, 3.0]), (2, 1), mode=mode)
    np.testing.assert_array_equal(B.convert_to_numpy(result), expected)


@covers("pad")
@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"pad_width": -1}, "pad_width"),
        ({"pad_width": ((1, 1), (1, 1), (1, 1))}, "pad_width"),
        ({"pad_width": 1.5}, "pad_width"),
        ({"pad_width": 1, "mode": "median"}, "mode"),
    ],
)
def test_pad_rejects_bad_arguments(B, arguments, message):
    with pytest.raises(ValueError, match=message):
        B.pad(np.zeros((2, 2)), **arguments)


# --------------------------------------------------------------------- resize


@covers("resize")
def test_resize_bilinear_doubles_with_half_pixel_centers_as_keras(B):
    images = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)
    result = B.convert_to_numpy(B.resize(images, (8, 8), data_format="channels_last"))
    # Keras 3.15.1 (JAX backend), UpSampling2D(interpolation="bilinear"), first two rows.
    np.testing.assert_allclose(result[0, 0, :, 0], [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
    np.testing.assert_allclose(result[0, 1, :, 0], [1, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75, 4])
    assert B.dtype(result) == "float32"


@covers("resize")
def test_resize_bilinear_shrinks_without_antialiasing(B):
    column = np.arange(4.0).reshape(1, 4, 1, 1)
    # Keras 3.15.1 (JAX backend), ops.image.resize to (3, 1) and (2, 1).
    three = B.resize(column, (3, 1), data_format="channels_last")
    two = B.resize(column, (2, 1), data_format="channels_last")
    np.testing.assert_allclose(B.convert_to_numpy(three).ravel(), [1 / 6, 1.5, 17 / 6])
    np.testing.assert_allclose(B.convert_to_numpy(two).ravel(), [0.5, 2.5])


@covers("resize")
def test_resize_nearest_picks_the_pixel_under_each_center(B):
    column = np.arange(4.0).reshape(1, 4, 1, 1)
    # Keras 3.15.1 (JAX backend): [0, 2, 3] for 4 -> 3 rows.
    result = B.resize(column, (3, 1), interpolation="nearest", data_format="channels_last")
    np.testing.assert_array_equal(B.convert_to_numpy(result).ravel(), [0.0, 2.0, 3.0])
    doubled = B.resize(column, (8, 1), interpolation="nearest", data_format="channels_last")
    np.testing.assert_array_equal(B.convert_to_numpy(doubled).ravel(), np.repeat(range(4), 2))


@covers("resize")
def test_resize_channels_first_and_single_images_agree_with_channels_last(B):
    images = np.random.default_rng(0).uniform(size=(2, 3, 4, 5))
    last = B.convert_to_numpy(B.resize(images, (5, 7), data_format="channels_last"))
    first = B.resize(np.moveaxis(images, -1, 1), (5, 7), data_format="channels_first")
    np.testing.assert_allclose(np.moveaxis(B.convert_to_numpy(first), 1, -1), last)
    single = B.resize(images[1], (5, 7), data_format="channels_last")
    np.testing.assert_allclose(B.convert_to_numpy(single), last[1])


@covers("resize")
def test_resize_kernel_methods_match_keras_on_jax(B):
    column = np.arange(4.0, dtype="float32").reshape(1, 4, 1, 1)
    # Keras 3.16 (JAX backend), ops.image.resize on a column 0, 1, 2, 3.
    shrunk = B.resize(column, (2, 1), antialias=True, data_format="channels_last")
    np.testing.assert_allclose(B.convert_to_numpy(shrunk).ravel(), [5 / 7, 16 / 7], rtol=1e-6)
    cubic = B.resize(column, (3, 1), interpolation="bicubic", data_format="channels_last")
    np.testing.assert_allclose(
        B.convert_to_numpy(cubic).ravel(), [0.10284432, 1.5, 2.8971555], rtol=1e-5
    )
    spike = np.array([0.0, 1.0, 0.0], dtype="float32").reshape(1, 3, 1, 1)
    lanczos = B.resize(spike, (5, 1), interpolation="lanczos3", data_format="channels_last")
    np.testing.assert_allclose(
        B.convert_to_numpy(lanczos).ravel(),
        [-0.14079585, 0.43121603, 1.0, 0.43121573, -0.14079584],
        rtol=1e-5,
    )


@covers("resize")
@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic", "lanczos3", "lanczos5", "area"])
def test_resize_to_the_same_size_is_the_identity(B, interpolation):
    images = np.random.default_rng(1).uniform(size=(2, 4, 5, 3)).astype("float32")
    same = B.resize(images, (4, 5), interpolation=interpolation, data_format="channels_last")
    np.testing.assert_allclose(B.convert_to_numpy(same), images, rtol=1e-6, atol=1e-6)


@covers("resize")
def test_resize_area_averages_the_box_each_output_pixel_covers(B):
    # TensorFlow's area resize: 5 -> 2 boxes [0, 2.5) and [2.5, 5), half pixels half weighted.
    column = np.arange(5.0, dtype="float32").reshape(1, 5, 1, 1)
    area = B.resize(column, (2, 1), interpolation="area", data_format="channels_last")
    np.testing.assert_allclose(B.convert_to_numpy(area).ravel(), [2 / 2.5, 8 / 2.5], rtol=1e-6)
    images = np.random.default_rng(2).uniform(size=(1, 6, 4, 2)).astype("float32")
    pooled = images.reshape(1, 3, 2, 2, 2, 2).mean(axis=(2, 4))
    halved = B.resize(images, (3, 2), interpolation="area", data_format="channels_last")
    np.testing.assert_allclose(B.convert_to_numpy(halved), pooled, rtol=1e-6)


@covers("resize")
@pytest.mark.parametrize(
    "images, arguments, message",
    [
        (np.zeros((4, 4)), {"size": (2, 2)}, "rank"),
        (np.zeros((1, 4, 4, 1)), {"size": (2, 2), "interpolation": "spline"}, "interpolation"),
        (np.zeros((1, 4, 4, 1)), {"size": (2, 0)}, "size"),
        (np.zeros((1, 4, 4, 1)), {"size": (2, 2, 2)}, "size"),
    ],
)
def test_resize_rejects_bad_arguments(B, images, arguments, message):
    with pytest.raises(ValueError, match=message):
        B.resize(images, **arguments)
