"""Convolutions on numpy arrays: ``conv``, ``depthwise_conv`` and ``conv_transpose``.

All three are built on one pair of adjoint array moves:

* :func:`_windows` (im2col) views a padded input as ``(batch, *output,
  *kernel, channels)`` with ``as_strided``: entry ``[n, o..., q..., c]`` is
  the input pixel that kernel offset ``q`` meets at output position ``o``.
  Copying that view into a matrix (im2col), and one ``matmul`` with the
  kernel per group, gives the convolution (see "grouped products" below for
  how the copy is arranged; depthwise convolutions skip it, and 2-D 3x3
  stride-1 ones with enough channels per group take Winograd's algorithm in
  ``winograd.py``, which needs 4/9 of the products).
* :func:`_add_windows` (col2im) is its adjoint: it adds such an array of
  windows back into an image, one strided slice per kernel offset (a loop
  over the few kernel positions, never over pixels).

A convolution's input gradient is an ``_add_windows``; a transposed
convolution's forward pass is one, and its gradients are ``_windows`` again.
Shapes, padding and the rules for the output size follow Keras 3's
``ops.conv`` / ``ops.conv_transpose``, with the kernel layouts
``(*kernel_size, in_channels // groups, filters)`` for ``conv``,
``(*kernel_size, in_channels, depth_multiplier)`` for ``depthwise_conv`` and
``(*kernel_size, filters, in_channels)`` for ``conv_transpose``. Inputs are
computed in ``channels_last`` order; ``channels_first`` arrays are moved
there and back.

``GRADIENTS`` declares the three ops' gradients for the tape (see
``autodiff.py``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from graphkeras.backend import config
from graphkeras.backend.common import convolution_geometry
from graphkeras.backend.common.convolution_geometry import ConvGeometry as _Geometry
from graphkeras.backend.common.convolution_geometry import conv_geometry as _conv_geometry
from graphkeras.backend.numpy_backend import winograd
from graphkeras.backend.numpy_backend.copies import copy_in_runs as _copy_in_runs
from graphkeras.backend.numpy_backend.core import unwrap

# ------------------------------------------------------------------- layouts


def _channels_last(x: np.ndarray, channels_first: bool) -> np.ndarray:
    return np.moveaxis(x, 1, -1) if channels_first else x


def _restore_layout(x: np.ndarray, channels_first: bool) -> np.ndarray:
    return np.ascontiguousarray(np.moveaxis(x, -1, 1)) if channels_first else x


# ------------------------------------------------------- windows and adjoint


def _windows(padded: np.ndarray, geometry: _Geometry) -> np.ndarray:
    """A read-only view ``(batch, *output, *kernel, channels)`` of a padded image."""
    step = padded.strides
    rank = len(geometry.kernel_spatial)
    shape = (padded.shape[0], *geometry.output_spatial, *geometry.kernel_spatial, padded.shape[-1])
    strides = (
        step[0],
        *(step[1 + i] * geometry.strides[i] for i in range(rank)),
        *(step[1 + i] * geometry.dilation[i] for i in range(rank)),
        step[-1],
    )
    return as_strided(padded, shape=shape, strides=strides, writeable=False)


def _tap(offset: tuple, geometry: _Geometry) -> tuple:
    """The index of the input pixels kernel offset ``offset`` meets, one per output position.

    ``padded[_tap(offset, geometry)]`` is ``(batch, *output, channels)``: the
    image shifted by the offset (times the dilation) and sampled at the strides.
    """
    return (
        slice(None),
        *(
            slice(q * d, q * d + (o - 1) * s + 1, s)
            for q, d, o, s in zip(
                offset, geometry.dilation, geometry.output_spatial, geometry.strides, strict=True
            )
        ),
    )


def _add_windows(windows: np.ndarray, image: np.ndarray, geometry: _Geometry) -> np.ndarray:
    """The adjoint of :func:`_windows`: each window entry added back (in place) where it was read.

    ``windows`` is ``(batch, *output, *kernel, *channels)`` and ``image``
    ``(batch, *spatial, *channels)`` (the channels may be split into several
    axes, as the grouped kernels keep them); ``image`` is returned.
    """
    rank = len(geometry.kernel_spatial)
    for offset in np.ndindex(*geometry.kernel_spatial):
        image[_tap(offset, geometry)] += windows[(slice(None),) * (1 + rank) + offset]
    return image


def _pad(x: np.ndarray, pads: tuple) -> np.ndarray:
    if not any(before or after for before, after in pads):
        return x
    return np.pad(x, ((0, 0), *pads, (0, 0)))


def _crop(image: np.ndarray, pads: tuple, spatial: tuple) -> np.ndarray:
    if not any(before or after for before, after in pads):
        return image
    index = tuple(
        slice(before, before + size) for (before, _), size in zip(pads, spatial, strict=True)
    )
    return image[(slice(None), *index)]


def _batch_chunks(batch: int, per_sample: int, target: int) -> list[slice]:
    """Slices of the batch, each holding about ``target`` elements of ``per_sample`` each.

    The kernels below work one chunk at a time so that their scratch arrays
    stay in the CPU cache instead of streaming whole batches through memory.
    """
    size = max(1, target // max(per_sample, 1))
    return [slice(start, min(start + size, batch)) for start in range(0, batch, size)]


# -------------------------------------------------------- grouped products
#
# A grouped convolution (``groups == 1`` included) runs one batch chunk at a
# time. The chunk is first copied group-major, ``(groups, batch, *spatial,
# c_g)``, so that within one group a window's neighbouring kernel offsets
# along the last axis and its ``c_g`` channels lie next to each other; each
# group's windows are then copied into contiguous columns ``(rows, taps *
# c_g)`` (im2col) in runs of ``kernel[-1] * c_g`` elements instead of
# ``c_g``, and one matrix product with the group's kernel block writes
# straight into the group's slice of the output. Keeping the groups' columns
# apart costs nothing in the products (one per group either way) and makes
# the copy several times cheaper than gathering all groups' windows at once.

# Elements of one group's im2col columns per chunk: a couple of MiB.
_COLUMNS_PER_CHUNK = 1 << 19

# Result types for which 3x3 stride-1 convolutions take the Winograd path
# (``winograd.py``); integer and half-precision ones stay on the direct path.
_WINOGRAD_DTYPES = (np.dtype("float32"), np.dtype("float64"))


def _kernel_matrix(kernel: np.ndarray, groups: int) -> np.ndarray:
    """A ``conv`` kernel as ``(groups, k * c_g, filters // groups)`` matrices."""
    taps = math.prod(kernel.shape[:-2])
    group_channels, filters = kernel.shape[-2], kernel.shape[-1]
    grouped = kernel.reshape(taps, group_channels, groups, filters // groups)
    return grouped.transpose(2, 0, 1, 3).reshape(groups, taps * group_channels, filters // groups)


def _kernel_from_matrix(matrix: np.ndarray, kernel_shape: tuple, groups: int) -> np.ndarray:
    """The inverse of :func:`_kernel_matrix`."""
    taps = math.prod(kernel_shape[:-2])
    group_channels, filters = kernel_shape[-2], kernel_shape[-1]
    grouped = matrix.reshape(groups, taps, group_channels, filters // groups)
    return grouped.transpose(1, 2, 0, 3).reshape(kernel_shape)


class _GroupColumns:
    """The im2col columns of each group of an image, one batch chunk at a time.

    Iterating gives ``(rows, group, columns)``: ``rows`` the slice of the
    flattened output positions the chunk covers and ``columns`` the
    contiguous ``(rows, taps * c_g)`` matrix of that group's windows. Each
    chunk is first copied, padded, into a group-major scratch image
    ``(groups, batch, *padded spatial, c_g)`` (its borders zeroed once, only
    the inside rewritten); ``columns`` is one scratch buffer too, so both are
    overwritten by the next step.
    """

    def __init__(self, image: np.ndarray, taps: int, geometry: _Geometry, groups: int, dtype):
        self.image, self.geometry, self.groups = image, geometry, groups
        self.rows_per_sample = math.prod(geometry.output_spatial)
        group_channels = image.shape[-1] // groups
        per_sample = self.rows_per_sample * taps * group_channels
        self.chunks = _batch_chunks(image.shape[0], per_sample, _COLUMNS_PER_CHUNK)
        size = self.chunks[0].stop - self.chunks[0].start
        self.columns = np.empty((size * self.rows_per_sample, taps * group_channels), dtype)
        self.copy_needed = groups > 1 or image.dtype != dtype or _padded(geometry.pads)
        if self.copy_needed:
            spatial = tuple(
                before + extent + after
                for (before, after), extent in zip(geometry.pads, image.shape[1:-1], strict=True)
            )
            self.grouped = np.zeros((groups, size, *spatial, group_channels), dtype)
            self.inside = tuple(
                slice(before, before + extent)
                for (before, _), extent in zip(geometry.pads, image.shape[1:-1], strict=True)
            )

    def _group_major(self, chunk: slice) -> np.ndarray:
        """The chunk, padded, as ``(groups, batch, *spatial, c_g)``."""
        image = self.image[chunk]
        if not self.copy_needed:
            return image[None]
        grouped = self.grouped[:, : image.shape[0]]
        split = image.reshape((*image.shape[:-1], self.groups, image.shape[-1] // self.groups))
        _copy_in_runs(grouped[(slice(None), slice(None), *self.inside)], np.moveaxis(split, -2, 0))
        return grouped

    def __iter__(self):
        for chunk in self.chunks:
            grouped = self._group_major(chunk)
            rows = slice(chunk.start * self.rows_per_sample, chunk.stop * self.rows_per_sample)
            columns = self.columns[: rows.stop - rows.start]
            for group in range(self.groups):
                windows = _windows(grouped[group], self.geometry)
                _copy_in_runs(columns.reshape(windows.shape), windows)
                yield rows, group, columns


def _padded(pads: tuple) -> bool:
    return any(before or after for before, after in pads)


def _by_group(array: np.ndarray, groups: int) -> np.ndarray:
    """``(batch, *spatial, channels)`` as ``(groups, rows, channels // groups)`` (a view)."""
    return array.reshape(-1, groups, array.shape[-1] // groups).transpose(1, 0, 2)


def _takes_winograd(dtype, kernel_shape: tuple, geometry: _Geometry, groups: int) -> bool:
    """Whether this grouped convolution (and its gradients) run through ``winograd.py``."""
    return dtype in _WINOGRAD_DTYPES and winograd.applies(
        kernel_shape, geometry.strides, geometry.dilation, groups, geometry.output_spatial
    )


def _grouped_forward(image, kernel, geometry: _Geometry, groups: int) -> np.ndarray:
    """A grouped convolution of a ``channels_last`` image padded by ``geometry.pads``.

    Returns ``(batch, *output, filters)``.
    """
    dtype = np.result_type(image, kernel)
    if _takes_winograd(dtype, kernel.shape, geometry, groups):
        return winograd.forward(image, kernel, geometry.pads, geometry.output_spatial, groups)
    matrices = _kernel_matrix(kernel, groups)
    output = np.empty((image.shape[0], *geometry.output_spatial, kernel.shape[-1]), dtype)
    by_group = _by_group(output, groups)
    taps = math.prod(kernel.shape[:-2])
    for rows, group, columns in _GroupColumns(image, taps, geometry, groups, dtype):
        np.matmul(columns, matrices[group], out=by_group[group, rows])
    return output


def _grouped_backward(gradient, image, kernel, geometry: _Geometry, groups, needs_x, needs_kernel):
    """``(input gradient or None, kernel gradient or None)`` of :func:`_grouped_forward`."""
    dtype = np.result_type(gradient, image, kernel)
    kernel_gradient = None
    if needs_kernel and _takes_winograd(dtype, kernel.shape, geometry, groups):
        kernel_gradient = winograd.kernel_gradient(
            gradient, image, kernel.shape, geometry.pads, groups, dtype
        )
    elif needs_kernel:
        by_group = _by_group(gradient.astype(dtype, copy=False), groups)
        taps = math.prod(kernel.shape[:-2])
        matrix_gradient = np.zeros((groups, *_kernel_matrix(kernel, groups).shape[1:]), dtype)
        product = np.empty(matrix_gradient.shape[1:], dtype)
        for rows, group, columns in _GroupColumns(image, taps, geometry, groups, dtype):
            np.matmul(columns.T, by_group[group, rows], out=product)
            matrix_gradient[group] += product
        kernel_gradient = _kernel_from_matrix(matrix_gradient, kernel.shape, groups)
    x_gradient = None
    if needs_x and all(stride == 1 for stride in geometry.strides):
        x_gradient = _unstrided_input_gradient(gradient, image.shape, kernel, geometry, groups)
    elif needs_x:
        padded_shape = (
            image.shape[0],
            *(b + size + a for (b, a), size in zip(geometry.pads, image.shape[1:-1], strict=True)),
            image.shape[-1],
        )
        padded_gradient = _strided_input_gradient(gradient, padded_shape, kernel, geometry, groups)
        x_gradient = _crop(padded_gradient, geometry.pads, image.shape[1:-1])
    return x_gradient, kernel_gradient


def _unstrided_input_gradient(gradient, image_shape, kernel, geometry: _Geometry, groups: int):
    """The input's gradient of a stride-1 grouped convolution, as a convolution.

    Padded input pixel ``p`` met output ``p - q * dilation`` through kernel
    offset ``q``, so its gradient is the upstream gradient, padded by the
    dilated kernel extent less one on each side, convolved with the kernel
    flipped in space and transposed within each group (``c_g`` and
    ``f_g`` swapped); that convolution is one more :func:`_grouped_forward`.
    Only the pixels inside the forward pass's padding are wanted, so the
    upstream padding is cut by that padding (it never exceeds the extent at
    stride 1) and the convolution computes exactly the input's positions.
    """
    rank = len(geometry.kernel_spatial)
    extents = [
        convolution_geometry.dilated_extent(k, d) - 1
        for k, d in zip(kernel.shape[:-2], geometry.dilation, strict=True)
    ]
    group_channels, filters = kernel.shape[-2], kernel.shape[-1]
    flipped = kernel[(slice(None, None, -1),) * rank]
    split = flipped.reshape((*kernel.shape[:-2], group_channels, groups, filters // groups))
    transposed = np.swapaxes(split, -3, -1).reshape(
        (*kernel.shape[:-2], filters // groups, groups * group_channels)
    )
    pads = tuple(
        (extent - before, extent - after)
        for extent, (before, after) in zip(extents, geometry.pads, strict=True)
    )
    geometry = geometry._replace(pads=pads, output_spatial=tuple(image_shape[1:-1]))
    return _grouped_forward(gradient, transposed, geometry, groups)


def _strided_input_gradient(gradient, padded_shape, kernel, geometry: _Geometry, groups: int):
    """The padded input's gradient of a strided grouped convolution, by col2im."""
    matrices = _kernel_matrix(kernel, groups)
    dtype = np.result_type(gradient, kernel)
    by_group = _by_group(gradient, groups)
    rows_per_sample = math.prod(geometry.output_spatial)
    padded_gradient = np.zeros(padded_shape, dtype)
    rank = len(geometry.kernel_spatial)
    per_sample = rows_per_sample * math.prod(kernel.shape[:-1])
    for chunk in _batch_chunks(padded_shape[0], per_sample, _COLUMNS_PER_CHUNK):
        rows = slice(chunk.start * rows_per_sample, chunk.stop * rows_per_sample)
        window_gradient = np.empty((rows.stop - rows.start, groups, matrices.shape[1]), dtype)
        np.matmul(
            by_group[:, rows], matrices.transpose(0, 2, 1), out=window_gradient.transpose(1, 0, 2)
        )
        shaped = window_gradient.reshape(
            (
                chunk.stop - chunk.start,
                *geometry.output_spatial,
                groups,
                *geometry.kernel_spatial,
                -1,
            )
        )
        target = padded_gradient[chunk]
        _add_windows(
            np.moveaxis(shaped, 1 + rank, -2),
            target.reshape((*target.shape[:-1], groups, -1)),
            geometry,
        )
    return padded_gradient


# ------------------------------------------------------ depthwise products
#
# When each group holds one input channel (a depthwise convolution) a
# matrix product has nothing to contract, so the convolution is computed
# as what it is: for each kernel offset, the shifted image times that
# offset's weights, added up, one batch chunk at a time.

# Elements of the output per chunk: a few hundred KiB, inside the core's cache.
_DEPTHWISE_PER_CHUNK = 1 << 17


def _depthwise_chunks(padded: np.ndarray, geometry: _Geometry, width: int) -> list[slice]:
    per_sample = math.prod(geometry.output_spatial) * width
    return _batch_chunks(padded.shape[0], per_sample, _DEPTHWISE_PER_CHUNK)


def _depthwise_forward(padded, kernel, geometry: _Geometry) -> np.ndarray:
    """Depthwise convolution of a padded image with a ``(*kernel, channels, multiplier)`` kernel.

    Returns ``(batch, *output, channels * multiplier)``.
    """
    channels, multiplier = kernel.shape[-2:]
    batch = padded.shape[0]
    output = np.empty(
        (batch, *geometry.output_spatial, channels, multiplier),
        dtype=np.result_type(padded, kernel),
    )
    for chunk in _depthwise_chunks(padded, geometry, channels * multiplier):
        target = output[chunk]
        scratch = np.empty_like(target)
        for index, offset in enumerate(np.ndindex(*geometry.kernel_spatial)):
            shifted = padded[chunk][_tap(offset, geometry)][..., None]
            if index == 0:
                np.multiply(shifted, kernel[offset], out=target)
            else:
                target += np.multiply(shifted, kernel[offset], out=scratch)
    return output.reshape((batch, *geometry.output_spatial, channels * multiplier))


def _depthwise_backward(gradient, padded, kernel, geometry: _Geometry, needs_x, needs_kernel):
    """``(padded input gradient or None, kernel gradient or None)`` of the depthwise forward."""
    channels, multiplier = kernel.shape[-2:]
    dtype = np.result_type(gradient, padded, kernel)
    gradient = gradient.reshape((*gradient.shape[:-1], channels, multiplier))
    padded_gradient = np.zeros(padded.shape, dtype) if needs_x else None
    kernel_gradient = np.zeros(kernel.shape, dtype) if needs_kernel else None
    for chunk in _depthwise_chunks(padded, geometry, channels * multiplier):
        upstream = gradient[chunk]
        scratch = np.empty(upstream.shape, dtype)
        for offset in np.ndindex(*geometry.kernel_spatial):
            tap = _tap(offset, geometry)
            if needs_kernel:
                np.multiply(padded[chunk][tap][..., None], upstream, out=scratch)
                kernel_gradient[offset] += scratch.reshape(-1, channels, multiplier).sum(axis=0)
            if needs_x:
                np.multiply(upstream, kernel[offset], out=scratch)
                padded_gradient[chunk][tap] += (
                    scratch[..., 0] if multiplier == 1 else scratch.sum(axis=-1)
                )
    return padded_gradient, kernel_gradient


# -------------------------------------------------------------------- conv


def _prepare_conv(op: str, x, kernel, strides, padding, data_format, dilation_rate):
    x, kernel = unwrap(x), unwrap(kernel)
    convolution_geometry.check_ranks(op, x.shape, kernel.shape)
    geometry = _conv_geometry(
        op, x.shape, kernel.shape[:-2], strides, padding, data_format, dilation_rate
    )
    channels = convolution_geometry.channel_count(x.shape, geometry.channels_first)
    groups = convolution_geometry.group_count(op, channels, kernel.shape)
    return x, kernel, geometry, groups


def _as_depthwise(kernel: np.ndarray, groups: int) -> np.ndarray | None:
    """A grouped kernel with one channel per group as ``(*k, channels, multiplier)``, else None."""
    if kernel.shape[-2] != 1 or groups == 1:
        return None
    return kernel.reshape((*kernel.shape[:-2], groups, kernel.shape[-1] // groups))


def _conv_forward(x, kernel, geometry: _Geometry, groups: int) -> np.ndarray:
    image = _channels_last(x, geometry.channels_first)
    depthwise = _as_depthwise(kernel, groups)
    if depthwise is not None:
        output = _depthwise_forward(_pad(image, geometry.pads), depthwise, geometry)
    else:
        output = _grouped_forward(image, kernel, geometry, groups)
    return _restore_layout(output, geometry.channels_first)


def _conv_backward(upstream, x, kernel, geometry: _Geometry, groups: int, needs_x, needs_kernel):
    """``(input gradient or None, kernel gradient or None)`` of a grouped convolution."""
    image = _channels_last(x, geometry.channels_first)
    gradient = np.ascontiguousarray(_channels_last(np.asarray(upstream), geometry.channels_first))
    depthwise = _as_depthwise(kernel, groups)
    if depthwise is not None:
        padded_gradient, kernel_gradient = _depthwise_backward(
            gradient, _pad(image, geometry.pads), depthwise, geometry, needs_x, needs_kernel
        )
        x_gradient = _crop(padded_gradient, geometry.pads, image.shape[1:-1]) if needs_x else None
    else:
        x_gradient, kernel_gradient = _grouped_backward(
            gradient, image, kernel, geometry, groups, needs_x, needs_kernel
        )
    if kernel_gradient is not None:
        kernel_gradient = kernel_gradient.reshape(kernel.shape)
    if x_gradient is not None:
        x_gradient = _restore_layout(x_gradient, geometry.channels_first)
    return x_gradient, kernel_gradient


def conv(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1) -> np.ndarray:
    """N-D convolution (cross-correlation) of ``x`` with ``kernel``, as Keras 3's ``ops.conv``.

    ``x`` is ``(batch, *spatial, channels)`` (``channels_first``: channels
    second) with 1, 2 or 3 spatial axes; ``kernel`` is ``(*kernel_size,
    in_channels // groups, filters)``: when the kernel's in_channels divide
    the input's channels, the channels split into that many groups, each
    convolved with its own ``filters // groups`` filters (a grouped
    convolution). ``padding`` is ``"valid"`` (no padding), ``"same"``
    (output size ``ceil(size / stride)``, padding split evenly, the extra
    one after) or ``"causal"`` (all padding before the start, as Keras's
    ``Conv1D(padding="causal")`` does).
    """
    x, kernel, geometry, groups = _prepare_conv(
        "conv", x, kernel, strides, padding, data_format, dilation_rate
    )
    return _conv_forward(x, kernel, geometry, groups)


def depthwise_conv(
    x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1
) -> np.ndarray:
    """Each input channel convolved with its own ``depth_multiplier`` filters.

    ``kernel`` is ``(*kernel_size, in_channels, depth_multiplier)``; output
    channel ``c * depth_multiplier + m`` is channel ``c`` convolved with
    ``kernel[..., c, m]``, as Keras 3's ``ops.depthwise_conv``.
    """
    x, kernel = unwrap(x), unwrap(kernel)
    grouped = _depthwise_as_grouped(x, kernel, data_format)
    x, grouped, geometry, groups = _prepare_conv(
        "depthwise_conv", x, grouped, strides, padding, data_format, dilation_rate
    )
    return _conv_forward(x, grouped, geometry, groups)


def _depthwise_as_grouped(x: np.ndarray, kernel: np.ndarray, data_format) -> np.ndarray:
    """A depthwise kernel as the equivalent grouped ``conv`` kernel ``(*k, 1, c * m)``."""
    convolution_geometry.check_ranks("depthwise_conv", x.shape, kernel.shape)
    channels_first = config.standardize_data_format(data_format) == "channels_first"
    convolution_geometry.check_depthwise_kernel(
        convolution_geometry.channel_count(x.shape, channels_first), kernel.shape
    )
    return kernel.reshape((*kernel.shape[:-2], 1, kernel.shape[-2] * kernel.shape[-1]))


# ------------------------------------------------------------ conv_transpose


class _TransposeGeometry(NamedTuple):
    """A transposed convolution as the adjoint of a convolution of its output.

    ``windows`` describes that convolution over the ``buffer`` image (the
    full transposed output, extended where ``output_padding`` reaches past
    it); the result is ``buffer[offset : offset + output]`` per axis.
    """

    windows: _Geometry
    buffer_spatial: tuple
    offsets: tuple
    output_spatial: tuple


def _transpose_geometry(
    x_shape, kernel_spatial, strides, padding, output_padding, data_format, dilation_rate
):
    shared = convolution_geometry.transpose_geometry(
        x_shape, kernel_spatial, strides, padding, output_padding, data_format, dilation_rate
    )
    buffers, offsets = [], []
    for size, k, s, d, (before, _), out in zip(
        shared.input_spatial,
        shared.kernel_spatial,
        shared.strides,
        shared.dilation,
        shared.pads,
        shared.output_spatial,
        strict=True,
    ):
        extent = convolution_geometry.dilated_extent(k, d)
        full = (size - 1) * s + extent
        offset = extent - 1 - before
        offsets.append(offset)
        buffers.append(max(full, offset + out))
    windows = _Geometry(
        shared.channels_first,
        shared.strides,
        shared.dilation,
        shared.kernel_spatial,
        (),
        shared.input_spatial,
    )
    return _TransposeGeometry(windows, tuple(buffers), tuple(offsets), shared.output_spatial)


def _prepare_transpose(x, kernel, strides, padding, output_padding, data_format, dilation_rate):
    x, kernel = unwrap(x), unwrap(kernel)
    convolution_geometry.check_ranks("conv_transpose", x.shape, kernel.shape)
    geometry = _transpose_geometry(
        x.shape, kernel.shape[:-2], strides, padding, output_padding, data_format, dilation_rate
    )
    channels = convolution_geometry.channel_count(x.shape, geometry.windows.channels_first)
    convolution_geometry.check_transpose_kernel(channels, kernel.shape)
    return x, kernel, geometry


def conv_transpose(
    x,
    kernel,
    strides=1,
    padding="valid",
    output_padding=None,
    data_format=None,
    dilation_rate=1,
) -> np.ndarray:
    """Transposed convolution (the gradient of ``conv`` for its input), as Keras 3's op.

    ``kernel`` is ``(*kernel_size, filters, in_channels)``. Each output axis
    has size ``(size - 1) * stride + max(kernel, stride)`` for ``"valid"``
    and ``size * stride`` for ``"same"``, where ``kernel`` is the dilated
    kernel extent; with ``output_padding`` it is ``(size - 1) * stride +
    kernel + output_padding`` (``"valid"``) or ``(size - 1) * stride +
    kernel % 2 + output_padding`` (``"same"``).
    """
    x, kernel, geometry = _prepare_transpose(
        x, kernel, strides, padding, output_padding, data_format, dilation_rate
    )
    channels_first = geometry.windows.channels_first
    image = _channels_last(x, channels_first)
    filters, channels = kernel.shape[-2], kernel.shape[-1]
    taps = math.prod(kernel.shape[:-2])
    columns = image.reshape(-1, channels) @ kernel.reshape(taps * filters, channels).T
    windows = columns.reshape(
        (image.shape[0], *geometry.windows.output_spatial, *kernel.shape[:-2], filters)
    )
    buffer = np.zeros((image.shape[0], *geometry.buffer_spatial, filters), dtype=windows.dtype)
    _add_windows(windows, buffer, geometry.windows)
    output = buffer[(slice(None), *_output_slices(geometry))]
    if output.shape[1:-1] != buffer.shape[1:-1]:
        output = np.ascontiguousarray(output)
    return _restore_layout(output, channels_first)


def _output_slices(geometry: _TransposeGeometry) -> tuple:
    return tuple(
        slice(offset, offset + size)
        for offset, size in zip(geometry.offsets, geometry.output_spatial, strict=True)
    )


def _transpose_backward(upstream, x, kernel, geometry: _TransposeGeometry, needs_x, needs_kernel):
    channels_first = geometry.windows.channels_first
    image = _channels_last(x, channels_first)
    gradient = _channels_last(np.asarray(upstream), channels_first)
    if gradient.shape[1:-1] != geometry.buffer_spatial:
        buffer = np.zeros(
            (gradient.shape[0], *geometry.buffer_spatial, gradient.shape[-1]), gradient.dtype
        )
        buffer[(slice(None), *_output_slices(geometry))] = gradient
        gradient = buffer
    filters, channels = kernel.shape[-2], kernel.shape[-1]
    taps = math.prod(kernel.shape[:-2])
    columns = _windows(gradient, geometry.windows).reshape(-1, taps * filters)
    x_gradient = kernel_gradient = None
    if needs_x:
        product = columns @ kernel.reshape(taps * filters, channels)
        x_gradient = _restore_layout(product.reshape(image.shape), channels_first)
    if needs_kernel:
        kernel_gradient = (columns.T @ image.reshape(-1, channels)).reshape(kernel.shape)
    return x_gradient, kernel_gradient


# ----------------------------------------------------------------- gradients


def _cast(gradient, reference: np.ndarray):
    if gradient is None or gradient.dtype == reference.dtype:
        return gradient
    return gradient.astype(reference.dtype)


def conv_gradient(upstream, output, arguments, needs) -> dict:
    x, kernel, geometry, groups = _prepare_conv(
        "conv",
        arguments["x"],
        arguments["kernel"],
        arguments["strides"],
        arguments["padding"],
        arguments["data_format"],
        arguments["dilation_rate"],
    )
    x_gradient, kernel_gradient = _conv_backward(
        upstream, x, kernel, geometry, groups, needs["x"], needs["kernel"]
    )
    return _results(needs, x, kernel, x_gradient, kernel_gradient)


def depthwise_conv_gradient(upstream, output, arguments, needs) -> dict:
    x, kernel = unwrap(arguments["x"]), unwrap(arguments["kernel"])
    grouped = _depthwise_as_grouped(x, kernel, arguments["data_format"])
    x, grouped, geometry, groups = _prepare_conv(
        "depthwise_conv",
        x,
        grouped,
        arguments["strides"],
        arguments["padding"],
        arguments["data_format"],
        arguments["dilation_rate"],
    )
    x_gradient, kernel_gradient = _conv_backward(
        upstream, x, grouped, geometry, groups, needs["x"], needs["kernel"]
    )
    if kernel_gradient is not None:
        kernel_gradient = kernel_gradient.reshape(kernel.shape)
    return _results(needs, x, kernel, x_gradient, kernel_gradient)


def conv_transpose_gradient(upstream, output, arguments, needs) -> dict:
    x, kernel, geometry = _prepare_transpose(
        arguments["x"],
        arguments["kernel"],
        arguments["strides"],
        arguments["padding"],
        arguments["output_padding"],
        arguments["data_format"],
        arguments["dilation_rate"],
    )
    x_gradient, kernel_gradient = _transpose_backward(
        upstream, x, kernel, geometry, needs["x"], needs["kernel"]
    )
    return _results(needs, x, kernel, x_gradient, kernel_gradient)


def _results(needs, x, kernel, x_gradient, kernel_gradient) -> dict:
    result = {}
    if needs["x"]:
        result["x"] = _cast(x_gradient, x)
    if needs["kernel"]:
        result["kernel"] = _cast(kernel_gradient, kernel)
    return result


GRADIENTS: dict = {
    "conv": (conv_gradient, ("x", "kernel")),
    "depthwise_conv": (depthwise_conv_gradient, ("x", "kernel")),
    "conv_transpose": (conv_transpose_gradient, ("x", "kernel")),
}
