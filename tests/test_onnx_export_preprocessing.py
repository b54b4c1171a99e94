"""ONNX export of the preprocessing and image-resizing layers, checked by onnxruntime.

Each model goes through ``assert_exports_faithfully`` (``check_model`` with
``full_check``, onnxruntime against graphkeras on batches of two sizes).
Resize is checked at opset 17 and 18, where its attributes change
(``axes``, ``antialias``). Interpolating resizes are compared with atol
1e-5 instead of 1e-6: the runtime computes its sampling weights in float32
from a float32 scale, graphkeras in float64 before rounding them to
float32, so on images of magnitude about 4 (``random_inputs``) the results
differ by a few float32 ulps of the images, not of the (possibly
cancelling) result. Lookups, bins and encodings are compared exactly.
The Keras-made ``fixtures/keras/preprocessing.keras`` (Rescaling,
Normalization, a cropped bicubic Resizing, CenterCrop, Discretization) is
exported with the other Keras-made files in ``test_onnx_export_models.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from onnx_checks import assert_exports_faithfully, chain  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras import layers  # noqa: E402
from graphkeras.export import OnnxExportError  # noqa: E402

RESIZE_ATOL = 1e-5


def branches(input_shape, stack, dtype="float32"):
    """One input, one output per layer of ``stack`` (each applied to the input)."""
    inputs = gk.Input(input_shape, dtype=dtype, name="images")
    return gk.Model(inputs, [layer(inputs) for layer in stack], name="branches")


def op_types(proto) -> set[str]:
    return {node.op_type for node in proto.graph.node}


# ------------------------------------------------------------------ resizing
@pytest.mark.parametrize("opset", [17, 18])
def test_resizing_every_interpolation_and_aspect_setting(opset):
    channels_last = [
        layers.Resizing(5, 4),
        layers.Resizing(9, 13, interpolation="nearest"),
        layers.Resizing(4, 3, interpolation="nearest"),
        layers.Resizing(11, 13, interpolation="bicubic"),
        layers.Resizing(11, 6, interpolation="bicubic"),
        layers.Resizing(4, 6, interpolation="bicubic", crop_to_aspect_ratio=True),
        layers.Resizing(3, 4, interpolation="bicubic", antialias=True),
        layers.Resizing(3, 7, antialias=True, pad_to_aspect_ratio=True, fill_value=0.5),
        layers.Resizing(9, 5, interpolation="lanczos3"),
        layers.Resizing(4, 6, interpolation="lanczos5", antialias=True),
        layers.Resizing(3, 7, interpolation="area"),
        layers.Resizing(14, 20, antialias=True),
    ]
    proto = assert_exports_faithfully(
        branches((7, 10, 3), channels_last), opset=opset, atol=RESIZE_ATOL
    )
    assert {"Resize", "MatMul", "Slice", "Pad"} <= op_types(proto)
    channels_first = [
        layers.Resizing(5, 4, data_format="channels_first"),
        layers.Resizing(2, 8, interpolation="nearest", data_format="channels_first"),
        layers.Resizing(
            4, 4, interpolation="bicubic", crop_to_aspect_ratio=True, data_format="channels_first"
        ),
        layers.Resizing(6, 3, pad_to_aspect_ratio=True, data_format="channels_first"),
        layers.Resizing(3, 5, interpolation="area", data_format="channels_first"),
    ]
    assert_exports_faithfully(branches((2, 7, 10), channels_first), opset=opset, atol=RESIZE_ATOL)


def test_antialiased_bicubic_shrinking_is_one_resize_from_opset_18_and_matrices_before():
    model = chain((8, 9, 2), layers.Resizing(3, 4, interpolation="bicubic", antialias=True))
    at_18 = assert_exports_faithfully(model, opset=18, atol=RESIZE_ATOL)
    antialias = [
        attribute.i
        for node in at_18.graph.node
        for attribute in node.attribute
        if attribute.name == "antialias"
    ]
    assert antialias == [1]
    assert "MatMul" not in op_types(at_18)
    assert "Resize" not in op_types(assert_exports_faithfully(model, opset=17, atol=RESIZE_ATOL))


def test_integer_images_are_resized_then_rounded_and_clipped_to_their_range():
    model = branches(
        (6, 5, 3),
        [layers.Resizing(9, 7), layers.Resizing(4, 4, interpolation="bicubic")],
        dtype="uint8",
    )
    proto = assert_exports_faithfully(model, atol=RESIZE_ATOL)
    assert {"Round", "Clip"} <= op_types(proto)


def test_bilinear_up_sampling_2d_at_both_resize_forms():
    for opset in (17, 18):
        model = branches(
            (3, 4, 2),
            [
                layers.UpSampling2D((2, 3), interpolation="bilinear"),
                layers.UpSampling2D(2, interpolation="bilinear", data_format="channels_first"),
            ],
        )
        assert_exports_faithfully(model, opset=opset, atol=RESIZE_ATOL)


def test_resizes_without_a_resize_form_need_the_image_size():
    model = chain((None, None, 3), layers.Resizing(4, 4, interpolation="lanczos3", name="sharp"))
    with pytest.raises(OnnxExportError, match="Resizing layer 'sharp'.*'lanczos3'.*height"):
        gk.export.to_onnx(model)
    cubic = chain((None, None, 3), layers.Resizing(4, 4, "bicubic", antialias=True, name="soft"))
    with pytest.raises(OnnxExportError, match="'soft'.*antialias=True.*opset=18"):
        gk.export.to_onnx(cubic, opset=17)
    proto = gk.export.to_onnx(cubic, opset=18)
    onnx.checker.check_model(proto, full_check=True)


def test_a_resize_of_unknown_image_size_follows_the_runtime_image():
    model = chain((None, None, 3), layers.Resizing(5, 7))
    images = np.random.default_rng(0).standard_normal((2, 9, 4, 3)).astype("float32")
    for opset in (17, 18):
        proto = gk.export.to_onnx(model, opset=opset)
        session = onnxruntime.InferenceSession(
            proto.SerializeToString(), providers=["CPUExecutionProvider"]
        )
        (exported,) = session.run(None, {"features": images})
        expected = model.predict(images, verbose=0)
        np.testing.assert_allclose(exported, expected, rtol=1e-5, atol=RESIZE_ATOL)


# ------------------------------------------------------------------ crops and augmentation
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_crops_and_random_augmentation_layers_at_inference(dtype):
    stack = [
        layers.CenterCrop(4, 6),
        layers.CenterCrop(9, 5),
        layers.CenterCrop(3, 3, data_format="channels_first"),
        layers.RandomCrop(4, 4),
        layers.RandomCrop(3, 4),
        layers.RandomCrop(6, 8),
        layers.RandomFlip(),
        layers.RandomRotation(0.3),
        layers.RandomTranslation(0.2, 0.2),
        layers.RandomZoom(0.3),
        layers.RandomBrightness(0.4),
        layers.RandomContrast(0.5),
    ]
    proto = assert_exports_faithfully(branches((6, 8, 3), stack, dtype), atol=RESIZE_ATOL)
    assert "Resize" in op_types(proto)


# ------------------------------------------------------------------ categorical layers
def test_discretization_in_every_output_mode():
    boundaries = [-1.0, 0.0, 1.5]
    model = branches(
        (4,),
        [
            layers.Discretization(boundaries),
            layers.Discretization(boundaries, output_mode="one_hot"),
            layers.Discretization(boundaries, output_mode="multi_hot"),
            layers.Discretization(boundaries, output_mode="count"),
        ],
    )
    assert_exports_faithfully(model, atol=0)
    integers = branches(
        (3, 1),
        [layers.Discretization([2, 5]), layers.Discretization([2, 5], output_mode="one_hot")],
        dtype="int32",
    )
    assert_exports_faithfully(integers, atol=0)


def test_category_encoding_modes_and_count_weights():
    ids = gk.Input((5,), dtype="int32", name="ids")
    weights = gk.Input((5,), name="weights")
    outputs = [
        layers.CategoryEncoding(7, output_mode="multi_hot")(ids),
        layers.CategoryEncoding(7, output_mode="count")(ids),
        layers.CategoryEncoding(7, output_mode="count")(ids, count_weights=weights),
        layers.CategoryEncoding(6, output_mode="one_hot")(ids),
    ]
    assert_exports_faithfully(gk.Model([ids, weights], outputs), atol=0)
    column = chain((1,), layers.CategoryEncoding(9, output_mode="one_hot"), dtype="int64")
    assert_exports_faithfully(column, atol=0)


def test_integer_lookup_indices_oov_buckets_mask_and_encodings():
    vocabulary = [7, 2, 9, 4]
    model = branches(
        (6,),
        [
            layers.IntegerLookup(vocabulary=vocabulary),
            layers.IntegerLookup(vocabulary=vocabulary, num_oov_indices=3, mask_token=0),
            layers.IntegerLookup(vocabulary=vocabulary, output_mode="multi_hot", mask_token=3),
            layers.IntegerLookup(vocabulary=vocabulary, output_mode="count", num_oov_indices=2),
            layers.IntegerLookup(
                vocabulary=vocabulary,
                output_mode="tf_idf",
                idf_weights=[0.5, 1.25, 2.0, 0.75],
            ),
            layers.IntegerLookup(vocabulary=vocabulary, invert=True),
            layers.IntegerLookup(
                vocabulary=vocabulary, max_tokens=8, pad_to_max_tokens=True, output_mode="multi_hot"
            ),
        ],
        dtype="int64",
    )
    assert_exports_faithfully(model, atol=0)
    one_hot = chain(
        (1,), layers.IntegerLookup(vocabulary=vocabulary, output_mode="one_hot"), dtype="int32"
    )
    assert_exports_faithfully(one_hot, atol=0)


@pytest.mark.parametrize(
    "layer, dtype, reason",
    [
        (layers.Hashing(4, name="hashed"), "int64", "Hashing layer 'hashed'.*FarmHash"),
        (
            layers.IntegerLookup(
                vocabulary=[1, 2], num_oov_indices=2, oov_method="farmhash", name="farm"
            ),
            "int64",
            "IntegerLookup layer 'farm'.*oov_method='farmhash'",
        ),
        (
            layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=0, name="strict"),
            "int64",
            "IntegerLookup layer 'strict'.*num_oov_indices=0",
        ),
        (
            layers.StringLookup(vocabulary=["a"], name="words"),
            "string",
            "StringLookup layer 'words'.*no string lookup",
        ),
        (layers.TextVectorization(name="text"), "string", "TextVectorization layer 'text'.*splits"),
    ],
)
def test_layers_without_an_exact_onnx_form_are_refused_by_name(layer, dtype, reason):
    with pytest.raises(OnnxExportError, match=reason):
        gk.export.to_onnx(chain((3,), layer, dtype=dtype))


# ------------------------------------------------------------------ Pipeline
def test_a_pipeline_writes_its_layers_in_order_named_inside_it():
    pipeline = layers.Pipeline(
        [
            layers.Rescaling(1 / 8, name="scale"),
            layers.RandomFlip(name="flip"),
            layers.CenterCrop(5, 6, name="crop"),
            layers.Resizing(7, 7, name="resize"),
        ],
        name="prep",
    )
    model = chain((6, 8, 3), pipeline, dtype="uint8")
    proto = assert_exports_faithfully(model, atol=RESIZE_ATOL)
    names = [node.name for node in proto.graph.node]
    assert names[0].startswith("prep/scale") and "prep/flip" in names and "prep/crop" in names
    assert names[-1] == "prep"
    hashed = layers.Pipeline([layers.Hashing(3, name="bins")], name="wrapped")
    with pytest.raises(OnnxExportError, match="Hashing layer 'bins' inside Pipeline 'wrapped'"):
        gk.export.to_onnx(chain((2,), hashed, dtype="int64"))
