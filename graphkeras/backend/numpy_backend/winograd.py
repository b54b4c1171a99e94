"""Stride-1 3x3 grouped convolutions with fewer products: Winograd F(6, 3) along height.

A convolution's output rows come in tiles of six. Along the height axis,
six outputs of a 3-tap filter need only eight products instead of eighteen
when the eight input rows the tile reads and the three kernel rows are
first mixed with fixed small matrices (``_INPUT_ROWS``, ``_KERNEL_ROWS``)
and the eight products mixed back (``_OUTPUT_ROWS``): Winograd's minimal
filtering algorithm F(6, 3), with interpolation points 0, 1, -1, 2, -2,
1/2, -1/2 and infinity. Along the width nothing changes: each of the eight
mixed images is convolved with its mixed kernel row by im2col over the
three kernel columns, one matrix product per group and mixed row. That
cuts the multiplications of the direct im2col path and the columns it
copies to 4/9; the mixing is one small batched matrix product per chunk on
each side (a tile's rows are ``(8, width * channels)`` matrices, so no
extra copy is needed). Against F(4, 3) (six products per four rows) it
makes a ninth fewer products and columns and a quarter fewer tiles to mix
back: about a sixth less time for a 48x48 image with 24 channels per group
(measured). Its points stay small enough that float32 results stay within
about 2.5e-6 of the largest value (F(4, 3): 2e-6, the direct path: 1e-6;
F(8, 3) with points 4 or 1/4 added: 3.5e-5, too coarse).

The kernel gradient is the same algorithm transposed: the mixed input rows
times the upstream gradient mixed by ``_OUTPUT_ROWS`` transposed, summed
over all positions, then mixed back by ``_KERNEL_ROWS`` transposed. The
input gradient of a stride-1 convolution is a convolution itself (see
``conv.py``), so it takes this route too.

Work runs one small batch chunk at a time through scratch arrays made once
per call (:class:`_Scratch`), with every view of them prepared up front, so
that each chunk stays in the core's cache and each step is one NumPy call.
Images here are ``channels_last``; ``conv.py`` chooses when this path
applies (:func:`applies`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from graphkeras.backend.numpy_backend.copies import runs_of

# Rows of output per tile, input rows per tile, kernel taps.
_TILE, _SPAN, _TAPS = 6, 8, 3

# G: the three kernel rows mixed into eight.
_KERNEL_ROWS = np.array(
    [
        [1, 0, 0],
        [-2 / 9, -2 / 9, -2 / 9],
        [-2 / 9, 2 / 9, -2 / 9],
        [1 / 90, 1 / 45, 2 / 45],
        [1 / 90, -1 / 45, 2 / 45],
        [32 / 45, 16 / 45, 8 / 45],
        [32 / 45, -16 / 45, 8 / 45],
        [0, 0, 1],
    ]
)
# B^T: the eight input rows of a tile mixed into eight.
_INPUT_ROWS = np.array(
    [
        [1, 0, -21 / 4, 0, 21 / 4, 0, -1, 0],
        [0, 1, 1, -17 / 4, -17 / 4, 1, 1, 0],
        [0, -1, 1, 17 / 4, -17 / 4, -1, 1, 0],
        [0, 1 / 2, 1 / 4, -5 / 2, -5 / 4, 2, 1, 0],
        [0, -1 / 2, 1 / 4, 5 / 2, -5 / 4, -2, 1, 0],
        [0, 2, 4, -5 / 2, -5, 1 / 2, 1, 0],
        [0, -2, 4, 5 / 2, -5, -1 / 2, 1, 0],
        [0, -1, 0, 21 / 4, 0, -21 / 4, 0, 1],
    ]
)
# A^T: the eight products mixed into six output rows.
_OUTPUT_ROWS = np.array(
    [
        [1, 1, 1, 1, 1, 1, 1, 0],
        [0, 1, -1, 2, -2, 1 / 2, -1 / 2, 0],
        [0, 1, 1, 4, 4, 1 / 4, 1 / 4, 0],
        [0, 1, -1, 8, -8, 1 / 8, -1 / 8, 0],
        [0, 1, 1, 16, 16, 1 / 16, 1 / 16, 0],
        [0, 1, -1, 32, -32, 1 / 32, -1 / 32, 1],
    ]
)

# The smallest channels per group (in and out) and output height that take this route.
_MIN_CHANNELS, _MIN_HEIGHT = 16, 16

# Elements of one mixed row's columns per batch chunk: about a MiB.
_COLUMNS_PER_CHUNK = 1 << 18


def applies(kernel_shape: tuple, strides: tuple, dilation: tuple, groups: int, output_spatial):
    """Whether a grouped convolution is one this module computes, and gains on.

    2-D, a 3x3 kernel, stride and dilation 1, at least ``_MIN_CHANNELS``
    input and output channels per group and ``_MIN_HEIGHT`` output rows:
    thinner products or shorter images gain too little from the saved
    products to pay for the mixing (measured: a 7x7 image with 256
    channels runs at 0.6x, 8 channels per group at 0.9x).
    """
    return (
        len(kernel_shape) == 4
        and tuple(kernel_shape[:2]) == (_TAPS, _TAPS)
        and all(s == 1 for s in strides)
        and all(d == 1 for d in dilation)
        and kernel_shape[2] >= _MIN_CHANNELS
        and kernel_shape[3] // groups >= _MIN_CHANNELS
        and output_spatial[0] >= _MIN_HEIGHT
    )


def _tiles(output_height: int) -> int:
    """Tiles of six output rows covering ``output_height`` rows."""
    return -(-output_height // _TILE)


def _mixed_kernel(kernel: np.ndarray, groups: int, dtype) -> np.ndarray:
    """``(8, groups, 3 * c_g, f_g)``: each group's kernel rows mixed, as matrices over width."""
    group_channels, filters = kernel.shape[-2:]
    mixed = np.tensordot(_KERNEL_ROWS.astype(dtype), kernel.astype(dtype), axes=(1, 0))
    split = mixed.reshape(_SPAN, _TAPS, group_channels, groups, filters // groups)
    return np.ascontiguousarray(split.transpose(0, 3, 1, 2, 4)).reshape(
        _SPAN, groups, _TAPS * group_channels, filters // groups
    )


def _kernel_from_mixed(total: np.ndarray, kernel_shape: tuple, dtype) -> np.ndarray:
    """The adjoint of :func:`_mixed_kernel`: ``(8, groups, 3 * c_g, f_g)`` back to a kernel."""
    groups = total.shape[1]
    split = total.reshape(_SPAN, groups, _TAPS, kernel_shape[2], kernel_shape[3] // groups)
    rows = np.tensordot(_KERNEL_ROWS.T.astype(dtype), split, axes=(1, 0))
    return rows.transpose(0, 2, 3, 1, 4).reshape(kernel_shape)


class _Scratch:
    """The scratch arrays of one call, and their views, for chunks of ``size`` samples.

    ``load(chunk)`` copies a chunk of the image, padded, into a group-major
    scratch ``(groups, size, height, width, c_g)`` whose borders stay zero
    (``height`` covers every tile, so rows past the bottom padding are zero
    too) and mixes its rows into ``mixed`` ``(8, groups, size, tiles, width,
    c_g)``; ``columns_of(j)`` then copies mixed row ``j``'s im2col columns over
    width into ``self.columns`` ``(groups, size * tiles * out_width, 3 *
    c_g)``: for group ``g``, output position ``(n, tile, x)``, kernel column
    ``s`` and channel ``c``, that channel of mixed row ``j`` of the tile at
    column ``x + s``. One mixed row's columns at a time stay small enough
    for the cache while the matrix product reads them.
    """

    def __init__(self, image: np.ndarray, size: int, pads: tuple, out_width: int, groups, dtype):
        (top, _), (left, right) = pads
        _, rows, width, channels = image.shape
        self.size = size
        self.tiles = _tiles(rows + top + pads[0][1] - (_TAPS - 1))
        group_channels = channels // groups
        padded = (groups, size, _TILE * self.tiles + 2, left + width + right, group_channels)
        self.grouped = np.zeros(padded, dtype)
        inside = self.grouped[:, :, top : top + rows, left : left + width]
        split = image.reshape((*image.shape[:-1], groups, group_channels))
        # The whole image, group-major, in runs of channels (or more): sliced per chunk.
        self.inside, self.image = runs_of(inside, np.moveaxis(split, -2, 0), kept_axes=2)
        step = self.grouped.strides
        # (groups, size, tiles, 8 rows, width * c_g): each tile's eight input rows, overlapping.
        self.tile_rows = as_strided(
            self.grouped,
            shape=(groups, size, self.tiles, _SPAN, padded[3] * group_channels),
            strides=(step[0], step[1], _TILE * step[2], step[2], step[4]),
            writeable=False,
        )
        self.mixed = np.empty((_SPAN, groups, size, self.tiles, *padded[3:]), dtype)
        flat = self.mixed.reshape(_SPAN, groups, size, self.tiles, -1)
        self.mixed_rows = np.moveaxis(flat, 0, 3)
        self.input_rows = _INPUT_ROWS.astype(dtype)
        self.positions = size * self.tiles * out_width
        self.columns = np.empty((groups, self.positions, _TAPS * group_channels), dtype)
        target = self.columns.reshape(groups, size, self.tiles, out_width, -1)
        self.copies = []
        for mixed in self.mixed:
            step = mixed.strides
            windows = as_strided(
                mixed,
                shape=target.shape,
                strides=(*step[:3], step[3], step[4]),
                writeable=False,
            )
            self.copies.append(runs_of(target, windows))

    def load(self, chunk: slice) -> None:
        np.copyto(self.inside, self.image[:, chunk])
        np.matmul(self.input_rows, self.tile_rows, out=self.mixed_rows)

    def columns_of(self, row: int) -> np.ndarray:
        np.copyto(*self.copies[row])
        return self.columns


def _chunks(batch: int, size: int) -> list[slice]:
    """The full chunks of ``size`` samples (the remainder gets a scratch of its own)."""
    return [slice(start, start + size) for start in range(0, batch - batch % size, size)]


def _chunk_size(image_shape: tuple, groups: int) -> int:
    """Samples per chunk: as many as keep one mixed row's columns near ``_COLUMNS_PER_CHUNK``."""
    per_sample = image_shape[1] * image_shape[2] * _TAPS * image_shape[3] // groups
    return max(1, min(image_shape[0], _COLUMNS_PER_CHUNK // max(per_sample, 1)))


def _scratches(image: np.ndarray, pads: tuple, out_width: int, groups: int, dtype):
    """``(scratch, chunks)`` pairs: full-size chunks, then the batch's remainder if any."""
    batch = image.shape[0]
    size = _chunk_size(image.shape, groups)
    pairs = [(_Scratch(image, size, pads, out_width, groups, dtype), _chunks(batch, size))]
    if batch % size:
        rest = slice(batch - batch % size, batch)
        pairs.append((_Scratch(image, batch % size, pads, out_width, groups, dtype), [rest]))
    return pairs


def _tile_rows(array: np.ndarray) -> tuple:
    """``(n, height, width, filters)`` as ``(full tiles, last rows)``, both views.

    ``full tiles`` is ``(n, height // 6, 6, width * filters)``; ``last
    rows`` ``(n, height % 6, width * filters)``, the rows of a last, partial
    tile (none when the tiles fit exactly). Mixing those rows alone, with
    the matching rows or columns of ``_OUTPUT_ROWS``, spares a copy of the
    whole array into one a tile taller.
    """
    n, height, width, filters = array.shape
    rows = array.reshape(n, height, width * filters)
    full = height - height % _TILE
    return rows[:, :full].reshape(n, full // _TILE, _TILE, width * filters), rows[:, full:]


def _by_group(array: np.ndarray, groups: int) -> np.ndarray:
    """``(8, n, tiles, width, filters)`` as ``(8, groups, positions, f_g)`` (a view)."""
    return array.reshape(_SPAN, -1, groups, array.shape[-1] // groups).transpose(0, 2, 1, 3)


def forward(image: np.ndarray, kernel: np.ndarray, pads: tuple, output_spatial: tuple, groups: int):
    """The grouped convolution of ``image`` padded by ``pads``: ``(batch, *output, filters)``."""
    dtype = np.result_type(image, kernel)
    height, width = output_spatial
    tiles, filters = _tiles(height), kernel.shape[-1]
    full = height // _TILE
    matrices = _mixed_kernel(kernel, groups, dtype)
    output_rows = _OUTPUT_ROWS.astype(dtype)
    last_rows = output_rows[: height - _TILE * full]
    output = np.empty((image.shape[0], height, width, filters), dtype)
    full_tiles, last = _tile_rows(output)
    for scratch, chunks in _scratches(image, pads, width, groups, dtype):
        products = np.empty((_SPAN, scratch.size, tiles, width, filters), dtype)
        by_group = _by_group(products, groups)
        per_tile = np.moveaxis(products.reshape(_SPAN, scratch.size, tiles, -1), 0, 2)
        products_full, products_last = per_tile[:, :full], per_tile[:, tiles - 1]
        for chunk in chunks:
            scratch.load(chunk)
            for row in range(_SPAN):
                np.matmul(scratch.columns_of(row), matrices[row], out=by_group[row])
            np.matmul(output_rows, products_full, out=full_tiles[chunk])
            if full < tiles:
                np.matmul(last_rows, products_last, out=last[chunk])
    return output


def kernel_gradient(gradient, image, kernel_shape: tuple, pads: tuple, groups: int, dtype):
    """The kernel's gradient of :func:`forward` for the upstream ``gradient``."""
    height, width, filters = gradient.shape[1:]
    tiles, full = _tiles(height), height // _TILE
    gradient = gradient.astype(dtype, copy=False)
    gradient_rows = _OUTPUT_ROWS.T.astype(dtype)
    last_rows = gradient_rows[:, : height - _TILE * full]
    total = np.zeros((_SPAN, groups, _TAPS * kernel_shape[2], filters // groups), dtype)
    product = np.empty(total.shape[1:], dtype)
    full_tiles, last = _tile_rows(gradient)
    for scratch, chunks in _scratches(image, pads, width, groups, dtype):
        mixed = np.empty((_SPAN, scratch.size, tiles, width, filters), dtype)
        by_group = _by_group(mixed, groups)
        per_tile = np.moveaxis(mixed.reshape(_SPAN, scratch.size, tiles, -1), 0, 2)
        mixed_full, mixed_last = per_tile[:, :full], per_tile[:, tiles - 1]
        for chunk in chunks:
            scratch.load(chunk)
            np.matmul(gradient_rows, full_tiles[chunk], out=mixed_full)
            if full < tiles:
                np.matmul(last_rows, last[chunk], out=mixed_last)
            for row in range(_SPAN):
                columns = np.swapaxes(scratch.columns_of(row), 1, 2)
                total[row] += np.matmul(columns, by_group[row], out=product)
    return _kernel_from_mixed(total, kernel_shape, dtype)
