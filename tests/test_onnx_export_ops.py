"""ONNX export of ``gk.ops`` calls (OperationLayer) and of ``x[key]``, ``//`` and ``%``.

Each model strings several ops together and is checked by
``assert_exports_faithfully``: ``onnx.checker.check_model(full_check=True)``
passes and onnxruntime's outputs equal graphkeras's within rtol 1e-5, atol
1e-6 on random batches of two sizes. Integer inputs are ids in ``[0, 10)``,
shifted in the graph where negatives matter (``mod`` and ``floor_divide``
follow NumPy's signs). Ops whose ONNX form changes with the opset
(reductions, ``Pad``'s modes) are checked at opsets 17 and 18. Then the
refusals: an op without a converter and an argument without an exact ONNX
form are named. The guide example's models and the Keras 3 fixture with
ops in its graph (``ops_graph.keras``) are exported, and compared with
Keras's recorded outputs, in ``test_onnx_export_models.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from onnx_checks import assert_exports_faithfully  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras import ops  # noqa: E402
from graphkeras.export import OnnxExportError  # noqa: E402
from graphkeras.export.onnx_converters.operations import WRITERS  # noqa: E402


def test_elementwise_math_ops():
    x = gk.Input((3, 4), name="x")
    unit = ops.sigmoid(x)  # in (0, 1): inside every domain below
    positive = ops.exp(x)
    tiny = ops.multiply(x, 1e-6)  # where expm1 and log1p differ from exp - 1, log(1 + x)
    outputs = [
        ops.abs(x),
        ops.negative(x),
        ops.expm1(tiny),
        ops.expm1(x),
        ops.log1p(tiny),
        ops.log1p(positive),
        ops.log(positive),
        ops.log2(positive),
        ops.log10(positive),
        ops.sqrt(positive),
        ops.rsqrt(positive),
        ops.square(x),
        ops.reciprocal(positive),
        ops.sin(x),
        ops.cos(x),
        ops.tan(unit),
        ops.arcsin(unit),
        ops.arccos(unit),
        ops.arctan(x),
        ops.sinh(x),
        ops.cosh(x),
        ops.tanh(x),
        ops.arcsinh(x),
        ops.arccosh(ops.add(positive, 1.0)),
        ops.arctanh(ops.subtract(unit, 0.5)),
        ops.sign(x),
        ops.floor(x),
        ops.ceil(x),
        ops.round(ops.multiply(x, 2.0)),
        ops.round(ops.array([0.5, 1.5, 2.5, -0.5, -2.5]) + ops.multiply(x[:, :1, :1], 0.0)),
        ops.trunc(x),
        ops.erf(x),
        ops.exp2(x),
        ops.cbrt(x),
        ops.sinc(ops.round(x)),
        ops.sinc(x),
        ops.deg2rad(x),
        ops.rad2deg(x),
        ops.fabs(x),
        ops.absolute(x),
        ops.real(x),
        ops.conjugate(x),
        ops.imag(x),
        ops.isreal(x),
    ]
    assert_exports_faithfully(gk.Model(x, outputs))


def test_expm1_and_log1p_keep_their_digits_near_zero():
    """Without ``atol`` a plain ``exp(x) - 1`` or ``log(1 + x)`` would fail here."""
    x = gk.Input((6,), name="x")
    tiny = ops.multiply(x, 1e-7)
    assert_exports_faithfully(gk.Model(x, [ops.expm1(tiny), ops.log1p(tiny)]), atol=0)


# NaN, infinities and zero divisors are fed on purpose: NumPy warns while computing them.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_binary_comparison_and_logic_ops():
    x, y = gk.Input((5,), name="x"), gk.Input((5,), name="y")
    ids = gk.Input((5,), dtype="int32", name="ids")
    signed = ops.subtract(ids, 5)  # -5 .. 4, zero included
    outputs = [
        ops.add(x, y),
        ops.subtract(x, 2.0),
        ops.multiply(2.5, y),
        ops.divide(x, y),
        ops.true_divide(ids, 4),
        ops.power(ops.abs(x), y),
        ops.maximum(x, y),
        ops.minimum(x, 0.0),
        ops.fmax(x, y),
        ops.fmin(x, y),
        ops.mod(x, y),
        ops.mod(signed, 3),
        ops.mod(signed, -3),
        ops.mod(signed, signed),
        ops.floor_divide(x, y),
        ops.floor_divide(signed, 3),
        ops.floor_divide(signed, -4),
        ops.floor_divide(signed, signed),  # zero divisors give 0, as NumPy gives
        ops.fmod(x, y),
        ops.fmod(signed, 3),
        ops.arctan2(x, y),
        ops.arctan2(ops.multiply(x, 0.0), ops.multiply(y, 0.0)),  # signed zeros
        ops.divide_no_nan(x, ops.maximum(y, 0.0)),
        ops.logaddexp(x, y),
        ops.logaddexp2(x, ops.log(x)),  # NaN and -inf entries too
        ops.hypot(x, y),
        ops.heaviside(ops.round(x), y),
        ops.nan_to_num(ops.log(x)),
        ops.nan_to_num(ops.divide(x, ops.maximum(y, 0.0)), nan=1.0, posinf=9.0, neginf=-9.0),
        ops.isclose(x, ops.add(x, ops.multiply(y, 1e-6))),
        ops.isclose(ops.log(x), ops.log(x), equal_nan=True),
        ops.isclose(signed, 1),
        ops.isposinf(ops.divide(x, ops.maximum(y, 0.0))),
        ops.isneginf(ops.log(ops.maximum(x, 0.0))),
        ops.signbit(ops.multiply(x, 0.0)),
        ops.signbit(signed),
        ops.select([ops.less(x, -1.0), ops.greater(x, 1.0)], [y, ops.negative(y)], 0.5),
        ops.isin(signed, np.array([-3, 0, 2])),
        ops.isin(ids, signed, invert=True),
        ops.ldexp(x, signed),
        ops.add(signed, 2.5),
        ops.equal(signed, 0),
        ops.not_equal(x, y),
        ops.less(x, y),
        ops.less_equal(ids, 4.5),
        ops.greater(x, y),
        ops.greater_equal(signed, ids),
        ops.logical_and(ops.greater(x, 0.0), ops.less(y, 0.0)),
        ops.logical_or(x, ops.less(y, 0.0)),
        ops.logical_xor(ops.greater(x, 0.0), signed),
        ops.logical_not(signed),
        ops.isnan(ops.log(x)),
        ops.isinf(ops.divide(x, ops.maximum(y, 0.0))),
        ops.isfinite(ops.log(x)),
        ops.isnan(ids),
        ops.where(ops.greater(x, y), x, signed),
        ops.clip(x, -0.5, 0.5),
        ops.clip(signed, -2, 3),
        ops.clip(x, y, 1.0),
        ops.cast(x, "int32"),
        ops.cast(signed, "bool"),
        ops.cast(ops.greater(x, 0.0), "float32"),
    ]
    assert_exports_faithfully(gk.Model([x, y, ids], outputs))


def test_activation_ops():
    x = gk.Input((3, 6), name="x")
    ids = gk.Input((6,), dtype="int32", name="ids")
    outputs = [
        ops.relu(x),
        ops.relu6(ops.multiply(x, 4.0)),
        ops.sigmoid(x),
        ops.softplus(x),
        ops.softsign(x),
        ops.silu(x),
        ops.swish(x),
        ops.gelu(x),
        ops.gelu(x, approximate=False),
        ops.elu(x, alpha=0.7),
        ops.selu(x),
        ops.celu(x, alpha=1.3),
        ops.leaky_relu(x, negative_slope=0.1),
        ops.hard_sigmoid(x),
        ops.hard_silu(x),
        ops.hard_tanh(x),
        ops.softmax(x),
        ops.softmax(x, axis=1),
        ops.softmax(x, axis=(1, 2)),
        ops.log_softmax(x, axis=-1),
        ops.log_softmax(x, axis=(1, 2)),
        ops.log_sigmoid(x),
        ops.tanh_shrink(x),
        ops.soft_shrink(x, threshold=0.3),
        ops.hard_shrink(x),
        ops.squareplus(x, b=2),
        ops.sparse_plus(x),
        ops.sparse_sigmoid(x),
        ops.glu(x),
        ops.glu(ops.concatenate([x, x], axis=1), axis=1),
        ops.threshold(x, 0.2, -1.0),
        ops.relu(ids),
        ops.softmax(ids),
    ]
    assert_exports_faithfully(gk.Model([x, ids], outputs))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN entries, made on purpose
@pytest.mark.parametrize("opset", [17, 18])
def test_reduction_ops(opset):
    x = gk.Input((3, 4), name="x")
    ids = gk.Input((3, 4), dtype="int32", name="ids")
    flags = ops.greater(x, 0.0)
    gappy = ops.log(x)  # NaN where x < 0
    outputs = [
        ops.sum(x, axis=1),
        ops.sum(ids, axis=(1, 2), keepdims=True),
        ops.sum(flags, axis=-1),
        ops.mean(x, axis=-1, keepdims=True),
        ops.mean(ids, axis=1),
        ops.max(x, axis=2),
        ops.max(x, axis=1, initial=0.5),
        ops.min(ids, axis=(1, 2)),
        ops.amax(x, axis=-1),
        ops.amin(x, axis=1, keepdims=True),
        ops.prod(ops.add(ops.sigmoid(x), 0.5), axis=-1),
        ops.any(flags, axis=1),
        ops.all(flags, axis=-1, keepdims=True),
        ops.var(x, axis=-1),
        ops.std(x, axis=(1, 2)),
        ops.logsumexp(x, axis=-1),
        ops.logsumexp(x, axis=(1, 2), keepdims=True),
        ops.argmax(ids, axis=-1),
        ops.argmin(x, axis=1, keepdims=True),
        ops.cumsum(x, axis=1),
        ops.cumsum(ids, axis=-1),
        ops.count_nonzero(ops.subtract(ids, 5), axis=-1),
        ops.ptp(x, axis=-1),
        ops.average(x, axis=1),
        ops.norm(x),
        ops.norm(x, axis=-1, keepdims=True),
        ops.norm(x, ord=1, axis=1),
        ops.norm(x, ord=np.inf, axis=-1),
        ops.norm(x, ord=-np.inf, axis=-1),
        ops.norm(ops.round(x), ord=0, axis=-1),
        ops.norm(x, ord=3, axis=1),
        ops.norm(x, ord=1, axis=(1, 2)),
        ops.norm(x, ord=-np.inf, axis=(2, 1), keepdims=True),
        ops.norm(x, ord="fro", axis=(1, 2)),
        ops.average(x, axis=-1, weights=np.array([1.0, 2.0, 0.5, 3.0], "float32")),
        ops.average(x, axis=2, weights=ops.abs(x)),
        ops.sum(x, axis=()),
        ops.nansum(gappy, axis=-1),
        ops.nanprod(gappy, axis=1),
        ops.nanmean(gappy, axis=(1, 2), keepdims=True),
        ops.nanmax(gappy, axis=-1),
        ops.nanvar(gappy, axis=-1),
        ops.nancumsum(gappy, axis=1),
        ops.cumsum(flags),
        ops.nanstd(gappy, axis=(1, 2), keepdims=True),
        ops.nanmin(ops.log(ops.minimum(x, -1.0)), axis=-1),  # NaN-only rows give NaN
        ops.nanmin(gappy, axis=1),
        ops.nanmax(ids, axis=1),
    ]
    assert_exports_faithfully(gk.Model([x, ids], outputs), opset=opset)


@pytest.mark.parametrize("opset", [17, 18])
def test_normalization_ops(opset):
    x = gk.Input((3, 4), name="x")
    row = ops.mean(x, axis=1, keepdims=True)  # a per-sample scale, shaped as x's rank
    vector = np.linspace(0.5, 1.5, 4, dtype="float32")
    grid = np.linspace(0.5, 1.5, 12, dtype="float32").reshape(3, 4)
    mean, variance = ops.moments(x, axes=(0, 1))
    outputs = [
        ops.layer_normalization(x),
        ops.layer_normalization(x, gamma=ops.sigmoid(row), beta=row, epsilon=1e-3),
        ops.layer_normalization(x, gamma=vector, beta=-vector),
        ops.layer_normalization(x, gamma=grid, axis=(1, 2)),
        ops.rms_normalization(x, scale=vector),
        ops.rms_normalization(x, scale=row, axis=(1, 2), epsilon=0.1),
        ops.batch_normalization(x, vector, vector, axis=-1, offset=-vector, scale=vector),
        ops.batch_normalization(x, vector[:3], vector[:3], axis=1, epsilon=0.01),
        mean,
        variance,
        *ops.moments(x, axes=[-1], keepdims=True),
        ops.normalize(x),
        ops.normalize(x, axis=1, order=1),
    ]
    assert_exports_faithfully(gk.Model(x, outputs), opset=opset)


def test_sorting_ops_keep_graphkeras_order_of_ties():
    x = gk.Input((7,), name="x")
    ids = gk.Input((3, 7), dtype="int32", name="ids")  # ids in [0, 10): many ties
    values, positions = ops.top_k(ids, 3)
    float_values, float_positions = ops.top_k(x, 2)
    outputs = [
        values,
        positions,
        float_values,
        float_positions,
        ops.sort(ids),
        ops.argsort(ids, axis=-1),
        ops.argsort(ids, axis=1),
        ops.sort(x, axis=0),
        ops.argsort(x),
        ops.in_top_k(ops.argmax(x, axis=-1), x, 1),
        ops.in_top_k(ops.minimum(ids[:, 0, 0], 6) - 3, x, 2),  # negative targets count back
        ops.in_top_k(ids[:, 0, 0] % 7, ids[:, 1], 3),  # integer scores with ties
        ops.searchsorted(np.array([1.0, 2.0, 2.0, 5.0]), ids),
        ops.searchsorted(np.array([-1.0, 0.0, 0.5]), x, side="right"),
        ops.digitize(x, np.array([-1.0, 0.0, 0.0, 2.0])),
        ops.digitize(ids, np.array([8, 5, 2])),
    ]
    assert_exports_faithfully(gk.Model([x, ids], outputs))


@pytest.mark.parametrize("opset", [17, 18])
def test_shape_ops(opset):
    x = gk.Input((2, 3, 4), name="x")
    y = gk.Input((2, 3, 4), name="y")
    first, second, third = ops.split(x, 3, axis=-2)
    halves = ops.array_split(x, [1, -1], axis=-1)
    uneven = ops.array_split(y, 3, axis=-1)
    rows = ops.unstack(x, axis=1)
    outputs = [
        ops.reshape(x, (-1, 4, 6)),
        ops.ravel(x),
        ops.transpose(x, (0, 3, 1, 2)),
        ops.transpose(y),
        ops.moveaxis(x, 1, -1),
        ops.moveaxis(x, (1, 2), (3, 1)),
        ops.swapaxes(x, 1, 3),
        ops.expand_dims(x, -1),
        ops.expand_dims(x, (1, 3)),
        ops.squeeze(ops.expand_dims(x, 2), axis=2),
        ops.squeeze(first, axis=-2),
        ops.broadcast_to(ops.sum(x, axis=0), (3, 2, 3, 4)),
        ops.tile(x, (1, 2, 1)),
        ops.tile(x, (2, 1, 1, 1, 3)),
        ops.repeat(x, 2, axis=-1),
        ops.repeat(x, 3, axis=0),
        ops.flip(x, axis=(1, -1)),
        ops.fliplr(x),
        ops.flipud(x),
        ops.column_stack([x, y]),
        ops.dstack([x, y]),
        *ops.hsplit(x, 2),
        *ops.vsplit(y, [1]),
        *ops.dsplit(x, 3),
        ops.roll(x, 5, axis=-1),
        ops.rot90(x, axes=(1, 2)),
        ops.rot90(x, k=2, axes=(-1, 1)),
        ops.rot90(x, k=-1, axes=(2, 3)),
        ops.rot90(x, k=4, axes=(2, 3)),
        ops.pad(x, ((0, 0), (1, 2), (0, 1), (2, 0)), constant_values=0.5),
        ops.pad(x, ((0, 0), (1, 1), (2, 1), (0, 3)), mode="reflect"),
        ops.pad(x, ((0, 0), (0, 2), (1, 1), (3, 0)), mode="edge"),
        ops.concatenate([x, y, second], axis=-2),
        ops.stack([x, y], axis=1),
        ops.stack([x, y], axis=-1),
        ops.append(x, y, axis=2),
        ops.append(x, y),
        ops.hstack([x, y]),
        ops.vstack([x, y]),
        ops.tril(x),
        ops.triu(x, k=1),
        ops.tril(y, k=-1),
        third,
        *halves,
        *uneven,
        *rows,
        ops.slice(x, (0, 1, 1, 0), (-1, 1, 2, 4)),
        ops.slice_update(x, (0, 1, 1, 0), ops.slice(y, (0, 0, 0, 0), (-1, 1, 2, 4))),
        ops.slice_update(
            x, (0, 0, 2, 1), ops.multiply(ops.slice(y, (0, 0, 0, 0), (-1, 2, 1, 3)), 2.0)
        ),
        ops.take(x, np.array([2, 0, -1]), axis=-1),
        ops.take(x, np.array([[1, 0], [1, 1]]), axis=1),
        ops.take_along_axis(x, ops.argsort(y, axis=-1), axis=-1),
        ops.zeros_like(x),
        ops.ones_like(x, dtype="int32"),
        ops.full_like(y, 3.5),
        ops.copy(x),
        ops.stop_gradient(y),
    ]
    assert_exports_faithfully(gk.Model([x, y], outputs), opset=opset)


def test_integer_picking_ops():
    ids = gk.Input((4,), dtype="int32", name="ids")
    table = gk.Input((10, 3), name="table")
    outputs = [
        ops.one_hot(ids, 10),
        ops.one_hot(ops.subtract(ids, 2), 6, axis=1, dtype="int32"),  # out of range: zeros
        ops.one_hot(ids, 10, axis=0),
        ops.multi_hot(ids, 10),
        ops.multi_hot(ops.cast(ids, "float32"), 12, dtype="int32"),
        ops.diff(ids),
        ops.diff(table, n=2, axis=1),
        ops.diff(ops.greater(table, 0.0), axis=-1),
        ops.take(table, ids, axis=1),
        ops.take(table, ops.subtract(ids, 10), axis=1),
        ops.take_along_axis(table, ops.cast(ops.multiply(ops.sigmoid(table), 2.9), "int32"), -1),
    ]
    assert_exports_faithfully(gk.Model([ids, table], outputs))


def test_products():
    x = gk.Input((3, 4), name="x")
    y = gk.Input((4, 5), name="y")
    v = gk.Input((4,), name="v")
    ids = gk.Input((3, 4), dtype="int32", name="ids")
    outputs = [
        ops.matmul(x, y),
        ops.matmul(v, y),
        ops.matmul(ids, ops.cast(y, "int32")),
        ops.einsum("bij,bjk->bik", x, y),
        ops.einsum("...j,...j->...", x, ops.sin(x)),
        ops.tensordot(v, ops.transpose(y, (1, 0, 2)), axes=1),
        ops.tensordot(x, y, axes=([2], [1])),
        ops.tensordot(x, x, axes=([1, 2], [1, 2])),
        ops.dot(x, y),
        ops.inner(x, v),
        ops.outer(v, v),
        ops.vdot(x, ops.cos(x)),
        ops.cdist(x, ops.transpose(y, (0, 2, 1))),
    ]
    assert_exports_faithfully(gk.Model([x, y, v, ids], outputs))


# NaN, infinities and zero divisors are fed on purpose: NumPy warns while computing them.
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_getitem_floor_divide_and_mod_operators():
    x = gk.Input((4, 5), name="x")
    ids = gk.Input((6,), dtype="int32", name="ids")
    signed = ids - 5
    outputs = [
        x[:, 1:],
        x[:, ::-1],
        x[:, -1],
        x[..., 1::2],
        x[:, None, 2, -3:0:-2],
        x[0:1, ..., None],
        x[::-1, 3, :2],
        x[:, -5:-1, ::-3],
        signed // 3,
        ids < 2.5,  # compared as floats, as graphkeras compares them
        ids >= 4.5,
        signed // -2,
        signed % 4,
        -7 % ids,
        x // 0.3,
        x % -0.7,
        7.5 // x,
    ]
    assert_exports_faithfully(gk.Model([x, ids], outputs))


def test_image_resize_with_keras_sampling():
    images = gk.Input((5, 6, 2), name="images")
    first = gk.Input((2, 4, 3), name="channels_first")
    outputs = [
        ops.image.resize(images, (8, 4)),
        ops.image.resize(images, (3, 9), interpolation="nearest"),
        ops.image.resize(images, (2, 3), antialias=True),
        ops.image.resize(images, (7, 7), interpolation="bicubic"),
        ops.image.resize(images, (4, 4), interpolation="area"),
        ops.image.resize(first, (3, 5), data_format="channels_first"),
    ]
    assert_exports_faithfully(gk.Model([images, first], outputs))


def test_convolution_and_pooling_ops():
    images = gk.Input((7, 6, 3), name="images")
    signal = gk.Input((4, 9), name="signal")  # channels first
    kernel = np.linspace(-1.0, 1.0, 3 * 3 * 3 * 4, dtype="float32").reshape(3, 3, 3, 4)
    grouped = np.linspace(-1.0, 1.0, 2 * 3 * 1 * 6, dtype="float32").reshape(2, 3, 1, 6)
    depthwise = np.linspace(-1.0, 1.0, 3 * 3 * 3 * 2, dtype="float32").reshape(3, 3, 3, 2)
    pointwise = np.linspace(-1.0, 1.0, 6 * 2, dtype="float32").reshape(1, 1, 6, 2)
    kernel_1d = np.linspace(-1.0, 1.0, 3 * 4 * 5, dtype="float32").reshape(3, 4, 5)
    outputs = [
        ops.conv(images, kernel, padding="same"),
        ops.conv(images, kernel, strides=2, dilation_rate=1),
        ops.conv(images, kernel, padding="same", dilation_rate=(2, 1)),
        ops.conv(images, grouped, strides=(1, 2)),
        ops.conv(signal, kernel_1d, padding="causal", data_format="channels_first"),
        ops.depthwise_conv(images, depthwise, padding="same", strides=2),
        ops.separable_conv(images, depthwise, pointwise, dilation_rate=2),
        ops.image.rgb_to_grayscale(images),
        ops.image.rgb_to_grayscale(ops.cast(ops.multiply(images, 50.0), "int32")),
        ops.depth_to_space(ops.tile(images, (1, 1, 1, 4)), 2),
        ops.space_to_depth(images[:, :6], 2),
        ops.depth_to_space(ops.tile(signal[:, None], (1, 4, 1, 1)), 2, "channels_first"),
        ops.space_to_depth(signal[:, None, :, :8], 2, "channels_first"),
        ops.conv_transpose(images, kernel.transpose(0, 1, 3, 2), strides=2, padding="same"),
        ops.conv_transpose(images, kernel.transpose(0, 1, 3, 2), strides=(2, 3), output_padding=1),
        ops.conv_transpose(
            signal, kernel_1d.transpose(0, 2, 1)[:, :3], 2, data_format="channels_first"
        ),
        ops.max_pool(images, 2),
        ops.max_pool(images, (3, 2), strides=(2, 1), padding="same"),
        ops.average_pool(images, 3, strides=2, padding="same"),
        ops.average_pool(signal, 2, data_format="channels_first"),
    ]
    assert_exports_faithfully(gk.Model([images, signal], outputs))


def test_loss_ops():
    logits = gk.Input((3, 5), name="logits")
    labels = gk.Input((3,), dtype="int32", name="labels")  # 0..9: some beyond the 5 classes
    probabilities = ops.softmax(logits)
    truth = ops.one_hot(ops.minimum(labels, 4), 5)
    outputs = [
        ops.binary_crossentropy(ops.sigmoid(logits), probabilities),
        ops.binary_crossentropy(truth, logits, from_logits=True),
        ops.categorical_crossentropy(truth, probabilities),
        ops.categorical_crossentropy(truth, logits, from_logits=True),
        ops.categorical_crossentropy(
            ops.moveaxis(truth, 1, 2), ops.moveaxis(ops.sigmoid(logits), 1, 2), axis=1
        ),
        ops.sparse_categorical_crossentropy(labels, probabilities),
        ops.sparse_categorical_crossentropy(labels[..., None], logits, from_logits=True),
        ops.psnr(probabilities, ops.sigmoid(logits), 1.0),
    ]
    assert_exports_faithfully(gk.Model([logits, labels], outputs))


def test_dot_product_attention():
    query = gk.Input((4, 6, 8), name="query")
    key = gk.Input((5, 3, 8), name="key")  # grouped: two query heads per key head
    value = gk.Input((5, 3, 8), name="value")
    steps = gk.Input((4, 8), name="steps")
    mask = ops.greater(ops.sum(key, axis=(2, 3))[:, None, None, :], -1.0)  # (B, 1, 1, S)
    square = ops.reshape(steps, (-1, 4, 1, 8))
    outputs = [
        ops.dot_product_attention(query, key, value),
        ops.dot_product_attention(query, key, value, mask=mask, scale=0.3),
        ops.dot_product_attention(query, key, value, bias=ops.multiply(mask, -2.0)),
        ops.dot_product_attention(square, square, square, is_causal=True),
    ]
    assert_exports_faithfully(gk.Model([query, key, value, steps], outputs))


def _batched(value, like):
    """``value`` (no batch axis) repeated over ``like``'s batch, so predict can concatenate it."""
    per_sample = ops.sum(like, axis=tuple(range(1, len(like.shape))))  # finite inputs
    zeros = ops.reshape(ops.multiply(per_sample, 0.0), (-1,) + (1,) * len(value.shape))
    return ops.add(ops.expand_dims(value, 0), zeros)


@pytest.mark.parametrize("opset", [17, 18])  # corrcoef's ReduceMean changes form at 18
def test_matrix_ops(opset):
    x = gk.Input((3, 4), name="x")
    m = gk.Input((3, 3), name="m")
    ids = gk.Input((4,), dtype="int32", name="ids")
    conditioned = ops.add(ops.multiply(m, 0.2), np.eye(3, dtype="float32"))  # |det| near 1
    sign, magnitude = ops.slogdet(ops.negative(conditioned))
    outputs = [
        ops.diagonal(x, axis1=1, axis2=2),
        ops.diagonal(x, offset=1, axis1=2, axis2=1),
        ops.diagonal(x, offset=-2, axis1=1, axis2=2),
        ops.trace(x, axis1=1, axis2=2),
        ops.trace(ops.greater(x, 0.0), offset=1, axis1=-2, axis2=-1),
        _batched(ops.diag(x[0, 0], k=1), x),
        _batched(ops.diag(x[0, 0], k=-2), x),
        _batched(ops.diag(x[0], k=-1), x),
        _batched(ops.diagflat(x[0, :2, :2], k=1), x),
        ops.kron(x, m[0, 0]),
        ops.kron(m, ops.cast(ids[:, :2], "float32")),
        ops.kron(x, np.array([[1.0, -2.0]], "float32")),
        ops.cross(x[:, :, :3], m),
        ops.cross(x[:, :, :2], m),
        ops.cross(x[:, :, :3], np.array([1.0, -2.0, 0.5], "float32")),
        ops.cross(x[:, :, :2], m[:, :, :2]),
        ops.cross(m, x[:, :, :2], axisa=1, axisb=-1, axisc=1),
        _batched(ops.vander(x[0, 0]), x),
        _batched(ops.cast(ops.vander(ids[0], N=3, increasing=True), "float32"), x),
        ops.matrix_power(m, 0),
        ops.matrix_power(m, 1),
        ops.matrix_power(ops.multiply(m, 0.5), 3),
        ops.matrix_power(ops.multiply(m, 0.5), 6),
        ops.det(conditioned),
        ops.logdet(conditioned),
        sign,
        magnitude,
        _batched(ops.corrcoef(x[0]), x),
        _batched(ops.corrcoef(x[0, 0]), x),
    ]
    assert_exports_faithfully(gk.Model([x, m, ids], outputs), opset=opset)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN entries, made on purpose
@pytest.mark.parametrize("opset", [17, 18])
def test_order_statistics_and_running_products(opset):
    x = gk.Input((3, 5), name="x")
    ids = gk.Input((3, 5), dtype="int32", name="ids")
    gappy = ops.log(x)  # NaN where x < 0
    empty = ops.log(ops.minimum(x, -1.0))  # NaN only

    def q_last(value):  # quantiles come first; the batch is moved back to the front
        return ops.moveaxis(value, 0, -1)

    outputs = [
        ops.median(x, axis=-1),
        ops.median(ids, axis=1, keepdims=True),
        ops.median(x, axis=(1, 2)),
        _batched(ops.quantile(x, 0.3, axis=0), x),  # over the batch: counted at run time
        _batched(ops.nanargmax(gappy), x),  # flattened, batch included
        ops.quantile(x, 0.3, axis=-1),
        ops.quantile(gappy, 0.5, axis=-1),  # rows with NaN give NaN
        ops.percentile(x, 40.0, axis=1, keepdims=True),
        *[
            q_last(ops.quantile(x, [0.1, 0.5, 0.97], axis=(1, 2), method=method))
            for method in ("linear", "lower", "higher", "midpoint", "nearest")
        ],
        q_last(ops.percentile(ids, [25, 50, 90], axis=-1, method="nearest")),
        ops.nanmedian(gappy, axis=-1),
        ops.nanmedian(empty, axis=-1),
        q_last(ops.nanquantile(gappy, [0.2, 0.7], axis=-1, method="midpoint")),
        ops.nanpercentile(gappy, 40, axis=(1, 2), keepdims=True),
        ops.nanargmax(gappy, axis=-1),
        ops.nanargmin(gappy, axis=1, keepdims=True),
        ops.nanargmax(empty, axis=-1),
        ops.nanargmin(ids, axis=-1),
        ops.trapezoid(x),
        ops.trapezoid(x, dx=0.5, axis=1),
        ops.trapezoid(ids, x=np.linspace(0.0, 1.0, 5, dtype="float32")),
        ops.trapezoid(x, x=ops.cumsum(ops.abs(x), axis=-1)),
        ops.cumprod(x, axis=-1),
        ops.cumprod(ids, axis=1),
        ops.nancumprod(gappy, axis=-1),
        ops.sparsemax(x),
        ops.sparsemax(ids, axis=1),
    ]
    assert_exports_faithfully(gk.Model([x, ids], outputs), opset=opset)


@pytest.mark.parametrize("opset", [17, 18])
def test_crops_pads_patches_and_adaptive_pools(opset):
    images = gk.Input((7, 6, 3), name="images")
    first = gk.Input((3, 5, 7), name="channels_first")
    signal = gk.Input((4, 10), name="signal")
    outputs = [
        ops.image.crop_images(images, 1, 2, target_height=4, target_width=3),
        ops.image.crop_images(
            first,
            bottom_cropping=1,
            right_cropping=2,
            target_height=3,
            target_width=4,
            data_format="channels_first",
        ),
        ops.image.pad_images(images, 1, 0, 2, 3),
        ops.image.pad_images(
            first,
            top_padding=2,
            target_height=8,
            left_padding=1,
            target_width=9,
            data_format="channels_first",
        ),
        ops.image.extract_patches(images, 2),
        ops.image.extract_patches(images, (3, 2), strides=(2, 1), padding="same"),
        ops.image.extract_patches(images, 2, strides=1, dilation_rate=2),
        ops.image.extract_patches(first, 2, data_format="channels_first"),
        _batched(ops.image.extract_patches(images[0], (2, 3), padding="same"), images),
        ops.adaptive_max_pool(images, (3, 4)),
        ops.adaptive_average_pool(images, 4),
        ops.adaptive_average_pool(first, (2, 3), data_format="channels_first"),
        ops.adaptive_max_pool(signal, 3),
        ops.extract_sequences(signal, 4, 3),
        ops.extract_sequences(signal, 10, 1),
    ]
    assert_exports_faithfully(gk.Model([images, first, signal], outputs), opset=opset)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the NaN entries, made on purpose
@pytest.mark.parametrize("opset", [17, 18])  # allclose's ReduceMin changes form at 18
def test_casts_comparisons_and_coordinates(opset):
    x, y = gk.Input((5,), name="x"), gk.Input((5,), name="y")
    ids = gk.Input((5,), dtype="int32", name="ids")
    signed = ops.subtract(ids, 5)
    rows, columns = ops.unravel_index(ops.multiply(signed, 7), (4, 5))
    outputs = [
        ops.saturate_cast(ops.multiply(x, 100.0), "int8"),
        ops.saturate_cast(ops.multiply(x, 1e3), "uint8"),
        ops.saturate_cast(ops.multiply(x, 1e10), "int32"),
        ops.saturate_cast(ops.multiply(ids, 100), "int8"),
        ops.saturate_cast(signed, "uint8"),
        ops.angle(x),
        ops.angle(signed),
        ops.angle(ops.multiply(x, 0.0)),  # signed zeros: -0.0 is at angle pi
        ops.angle(ops.log(x)),
        _batched(ops.allclose(x, ops.add(x, ops.multiply(y, 1e-6))), x),
        _batched(ops.allclose(x, ops.add(x, ops.multiply(y, 1e-2))), x),
        _batched(ops.allclose(ops.log(x), ops.log(x), equal_nan=True), x),
        *ops.unravel_index(ops.multiply(ids, 7), (4, 5, 3)),
        rows,
        columns,
        *[_batched(grid, x) for grid in ops.meshgrid(x[0], y[0, :3])],
        *[_batched(grid, x) for grid in ops.meshgrid(x[0], y[0, :3], ids[0], indexing="ij")],
    ]
    assert_exports_faithfully(gk.Model([x, y, ids], outputs), opset=opset)


# ------------------------------------------------------------------ refusals
def test_ops_without_a_converter_are_refused_by_name_all_at_once_before_writing(tmp_path):
    x = gk.Input((3, 3), name="x")
    model = gk.Model(x, [ops.qr(x)[0], ops.cholesky(x), ops.erfc(x)])
    assert not {"qr", "cholesky", "erfc", "solve"} & set(WRITERS)
    path = tmp_path / "model.onnx"
    with pytest.raises(OnnxExportError) as raised:
        model.export(path)
    message = str(raised.value)
    assert "OperationLayer layer 'qr" in message and "calls ops.qr, which has no ONNX" in message
    assert "OperationLayer layer 'cholesky" in message and "calls ops.cholesky" in message
    assert "calls ops.erfc" in message
    assert not path.exists()


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda x: ops.pad(x, 1, mode="symmetric"), r"ops\.pad\): mode='symmetric'"),
        (lambda x: ops.round(x, 2), r"ops\.round\): decimals=2"),
        (lambda x: ops.squeeze(x), r"ops\.squeeze\): axis=None"),
        (
            lambda x: ops.slice_update(x, (0, 1, 1), np.ones((1, 1, 1), "float32")),
            r"ops\.slice_update\): updates=.* part of axis 0, whose size is unknown",
        ),
        (lambda x: ops.norm(x, ord="nuc", axis=(1, 2)), r"ops\.norm\): ord='nuc'.*singular"),
        (
            lambda x: ops.image.resize(x[..., None], (2, 2), crop_to_aspect_ratio=True),
            r"ops\.resize\): crop_to_aspect_ratio=True",
        ),
        (lambda x: x[3:0:-1], r"'getitem.*steps backwards"),
        (lambda x: ops.matrix_power(x[:, :3, :3], -1), r"ops\.matrix_power\): n=-1 is negative"),
        (lambda x: ops.cumprod(x, axis=0), r"ops\.cumprod\): axis=0 has a length unknown"),
        (lambda x: ops.diagonal(x), r"ops\.diagonal\): x=a tensor has a matrix axis unknown"),
        (lambda x: ops.unravel_index(x, (2, 2)), r"ops\.unravel_index\): indices=a tensor are not"),
    ],
)
def test_argument_values_without_an_exact_form_are_refused_by_name(build, message, tmp_path):
    x = gk.Input((3, 4), name="x")
    model = gk.Model(x, build(x))
    path = tmp_path / "refused.onnx"
    with pytest.raises(OnnxExportError, match=message):
        model.export(path, format="onnx")
    assert not path.exists()


def test_wrap_padding_is_written_from_opset_19():
    x = gk.Input((3, 4), name="x")
    model = gk.Model(x, ops.pad(x, ((0, 0), (1, 2), (3, 1)), mode="wrap"))
    with pytest.raises(OnnxExportError, match="mode='wrap' has no ONNX Pad form at opset 17"):
        gk.export.to_onnx(model)
    if onnx.defs.onnx_opset_version() >= 19:
        assert_exports_faithfully(model, opset=19)
