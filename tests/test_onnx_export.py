"""ONNX export: each layer family written by ``gk.export.to_onnx`` and run by onnxruntime.

Every model is checked by ``onnx.checker.check_model(full_check=True)`` and
run by onnxruntime on random batches of two sizes (the batch axis is
symbolic); its outputs must equal graphkeras's within rtol 1e-5 and atol
1e-6 (two float32 computations of the same formula, in different orders).
Then the structure: ONNX node names are the model's node paths, a shared
layer's weights are one initializer, nested models are inlined, a layer
without a converter is refused before any file is written.
"""

from __future__ import annotations

import functools
import sys

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from onnx_checks import (  # noqa: E402
    ATOL,
    RTOL,
    assert_exports_faithfully,
    chain,
    random_inputs,
    with_random_weights,
)

import graphkeras as gk  # noqa: E402
from graphkeras import activations, cli, layers  # noqa: E402
from graphkeras.export import OnnxExportError  # noqa: E402
from graphkeras.export.onnx_converters.activation_functions import WRITERS  # noqa: E402


# ------------------------------------------------------------------ families
def test_dense_with_bias_activation_and_leading_axes():
    assert_exports_faithfully(
        chain((3, 6), layers.Dense(5, activation="tanh"), layers.Dense(4, use_bias=False))
    )


def test_einsum_dense_with_bias_axes():
    assert_exports_faithfully(
        chain(
            (3, 6),
            layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d"),
            layers.EinsumDense("abc,bcd->ad", output_shape=(2,), activation="relu"),
        )
    )


BUILT_IN_ACTIVATIONS = sorted(
    name
    for name, function in activations.ALL_ACTIVATIONS.items()
    if function in WRITERS and name not in ("swish", "hard_swish", "glu")
)


def test_every_built_in_activation_but_sparsemax_and_threshold_has_an_onnx_form():
    missing = {
        name for name, function in activations.ALL_ACTIVATIONS.items() if function not in WRITERS
    }
    assert missing == {"sparsemax", "threshold"}


@pytest.mark.parametrize("name", BUILT_IN_ACTIVATIONS)
@pytest.mark.parametrize("opset", [17, 18])
def test_activation_argument_and_activation_layer(name, opset):
    x = gk.Input((8,), name="features")
    outputs = [layers.Dense(6, activation=name)(x), layers.Activation(name)(x)]
    assert_exports_faithfully(gk.Model(x, outputs), opset=opset)


@pytest.mark.parametrize("opset", [17, 18])
def test_glu_halves_the_last_axis(opset):
    # The model records GLU's output with the input's shape (Activation keeps shapes), so
    # the declared output dims are dropped before checking; the values must still match.
    model = chain((8,), layers.Dense(6), layers.Activation("glu"))
    proto = gk.export.to_onnx(model, opset=opset)
    proto.graph.output[0].type.tensor_type.shape.dim[1].Clear()
    onnx.checker.check_model(proto, full_check=True)
    session = onnxruntime.InferenceSession(proto.SerializeToString())
    (array,) = random_inputs(model, 3, seed=1)
    (exported,) = session.run(None, {"features": array})
    assert exported.shape == (3, 3)
    np.testing.assert_allclose(exported, model.predict(array, verbose=0), rtol=RTOL, atol=ATOL)


def test_gelu_tanh_form_and_configured_activations():
    assert_exports_faithfully(
        chain(
            (6,),
            layers.Dense(6, activation=functools.partial(activations.gelu, approximate=True)),
            layers.Activation(functools.partial(activations.leaky_relu, negative_slope=0.3)),
            layers.Activation(functools.partial(activations.softmax, axis=1)),
        )
    )


def test_an_activation_without_an_onnx_form_is_refused_by_name():
    model = chain((6,), layers.Dense(4, activation="sparsemax", name="sparse_head"))
    with pytest.raises(OnnxExportError, match="Dense layer 'sparse_head'.*'sparsemax'"):
        gk.export.to_onnx(model)


def test_activation_layers():
    assert_exports_faithfully(
        chain(
            (4, 5),
            layers.ReLU(max_value=2.5, negative_slope=0.1, threshold=0.2),
            layers.LeakyReLU(negative_slope=0.3),
            layers.ELU(alpha=0.7),
            layers.PReLU(alpha_initializer="random_uniform", shared_axes=[1]),
            layers.ReLU(),
            layers.Softmax(axis=1),
            layers.Softmax(axis=[1, 2]),
        )
    )


@pytest.mark.parametrize(
    "convolution",
    [
        layers.Conv1D(4, 3, padding="same"),
        layers.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu"),
        layers.Conv1D(6, 2, strides=2, groups=3),
        layers.SeparableConv1D(4, 3, depth_multiplier=2, padding="same"),
        layers.DepthwiseConv1D(3, depth_multiplier=2),
        layers.Conv1DTranspose(4, 3, strides=2, padding="same"),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_one_dimensional_convolutions(convolution):
    assert_exports_faithfully(chain((9, 3), convolution))


@pytest.mark.parametrize(
    "convolution",
    [
        layers.Conv2D(4, 3, padding="same", strides=2),
        layers.Conv2D(4, (2, 4), padding="same", activation="gelu"),
        layers.Conv2D(4, 3, dilation_rate=2, use_bias=False),
        layers.Conv2D(4, 3, data_format="channels_first"),
        layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", strides=2),
        layers.SeparableConv2D(5, 3, depth_multiplier=2, activation="relu"),
        layers.Conv2DTranspose(4, 3, strides=2),
        layers.Conv2DTranspose(4, 4, strides=2, padding="same"),
        layers.Conv2DTranspose(4, 3, strides=2, output_padding=1),
        layers.Conv3D(2, 2, padding="same"),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_two_and_three_dimensional_convolutions(convolution):
    shape = (7, 6, 5, 3) if isinstance(convolution, layers.Conv3D) else (7, 6, 3)
    assert_exports_faithfully(chain(shape, convolution))


@pytest.mark.parametrize(
    "pooling",
    [
        layers.MaxPooling2D(3, strides=2, padding="same"),
        layers.AveragePooling2D(3, strides=2, padding="same"),
        layers.AveragePooling2D(2),
        layers.MaxPooling2D(2, data_format="channels_first"),
        layers.GlobalAveragePooling2D(),
        layers.GlobalMaxPooling2D(keepdims=True),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_two_dimensional_pooling(pooling):
    assert_exports_faithfully(chain((7, 5, 3), pooling))


@pytest.mark.parametrize("opset", [13, 18])
def test_one_dimensional_and_global_pooling_at_the_opsets_either_side_of_axes_inputs(opset):
    inputs = gk.Input((9, 4), name="steps")
    pooled = layers.MaxPooling1D(2)(inputs)
    pooled = layers.AveragePooling1D(3, strides=1, padding="same")(pooled)
    outputs = [layers.GlobalAveragePooling1D()(pooled), layers.GlobalMaxPooling1D()(pooled)]
    assert_exports_faithfully(gk.Model(inputs, outputs), opset=opset)


@pytest.mark.filterwarnings("ignore:LayerNormalization.rms_scaling=True. is deprecated")
@pytest.mark.parametrize("opset", [17, 18])
def test_batch_and_layer_normalization(opset):
    model = chain(
        (4, 5, 3),
        layers.BatchNormalization(),
        layers.BatchNormalization(axis=1, center=False),
        layers.LayerNormalization(),
        layers.LayerNormalization(axis=[1, 3], scale=False),
        layers.LayerNormalization(rms_scaling=True),
    )
    assert_exports_faithfully(with_random_weights(model), opset=opset)


def test_dropout_and_noise_layers_are_identities():
    model = chain(
        (4, 6),
        layers.Dropout(0.5),
        layers.SpatialDropout1D(0.3),
        layers.GaussianDropout(0.2),
        layers.GaussianNoise(1.0),
        layers.AlphaDropout(0.1),
        layers.ActivityRegularization(l1=0.1),
        layers.Identity(),
    )
    proto = assert_exports_faithfully(model)
    assert [node.op_type for node in proto.graph.node] == ["Identity"] * 7


def test_embedding_gathers_rows():
    assert_exports_faithfully(chain((5,), layers.Embedding(10, 3), layers.Flatten(), dtype="int32"))


def test_reshaping_layers():
    assert_exports_faithfully(
        chain(
            (4, 3, 2),
            layers.Flatten(data_format="channels_first"),
            layers.Reshape((-1, 4)),
            layers.Permute((2, 1)),
            layers.Flatten(),
            layers.RepeatVector(2),
        )
    )


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_padding_cropping_and_up_sampling(data_format):
    assert_exports_faithfully(
        chain(
            (5, 6, 3),
            layers.ZeroPadding2D(((1, 2), (0, 3)), data_format=data_format),
            layers.Cropping2D(((2, 0), (1, 1)), data_format=data_format),
            layers.UpSampling2D((2, 3), data_format=data_format),
        )
    )
    assert_exports_faithfully(
        chain((5, 3), layers.ZeroPadding1D(2), layers.Cropping1D((1, 2)), layers.UpSampling1D(2))
    )


def test_merge_layers_with_an_input_of_lower_rank():
    first, second = gk.Input((3, 4), name="first"), gk.Input((3, 4), name="second")
    low = gk.Input((4,), name="low")
    outputs = [
        layers.Add()([first, second, low]),
        layers.Subtract()([first, second]),
        layers.Multiply()([first, second, low]),
        layers.Average()([first, low]),
        layers.Maximum()([first, second]),
        layers.Minimum()([first, second, low]),
        layers.Concatenate(axis=1)([first, second]),
        layers.Concatenate()([first, second]),
    ]
    assert_exports_faithfully(gk.Model([first, second, low], outputs))


def test_rescaling_and_normalization():
    adapted = layers.Normalization()
    adapted.adapt(np.random.default_rng(3).normal(2.0, 3.0, size=(50, 4)).astype("float32"))
    model = chain(
        (4,),
        layers.Rescaling(0.5, offset=-1.0),
        layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 0.25, 2.0]),
        adapted,
        layers.Normalization(mean=0.5, variance=2.0, invert=True),
    )
    assert_exports_faithfully(model)


def test_rescaling_casts_integer_inputs():
    assert_exports_faithfully(chain((6,), layers.Rescaling(1 / 255), dtype="int32"))


def test_python_operators_on_tensors():
    x, y = gk.Input((4,), name="x"), gk.Input((4,), name="y")
    ids = gk.Input((4,), dtype="int32", name="ids")
    total = (x + y) * 2.0 - 1.5 / (abs(y) + 1.0)
    powered = -((abs(x) + 0.5) ** y)
    gate = ((x < y) | (x >= 1.0)) * 1.0
    outputs = [total, powered, gate, (ids * 3 + 1) / 2]
    assert_exports_faithfully(gk.Model([x, y, ids], outputs))


def test_residual_scaling_layers():
    shortcut, branch = gk.Input((3, 4), name="shortcut"), gk.Input((3, 4), name="branch")
    scaled = layers.LayerScale(0.3, 4)(branch)
    summed = layers.CustomScaleLayer(0.2)([shortcut, scaled])
    outputs = layers.StochasticDepth(0.5)(summed)
    assert_exports_faithfully(with_random_weights(gk.Model([shortcut, branch], outputs)))


def test_an_application_with_unknown_image_sizes():
    model = gk.applications.MobileNetV3Small(
        input_shape=(None, None, 3), include_top=False, pooling="avg", weights=None
    )
    proto = gk.export.to_onnx(model)
    onnx.checker.check_model(proto, full_check=True)
    session = onnxruntime.InferenceSession(proto.SerializeToString())
    generator = np.random.default_rng(0)
    for batch, size in ((2, 40), (3, 33)):
        images = generator.uniform(0, 255, size=(batch, size, size, 3)).astype("float32")
        (exported,) = session.run(None, {model.input_names[0]: images})
        expected = model.predict(images, verbose=0)
        # The untrained network's features are about 1e-10: compared relative to them.
        np.testing.assert_allclose(
            exported, expected, rtol=RTOL, atol=1e-6 * np.abs(expected).max()
        )


def test_float_inputs_are_cast_to_a_layers_dtype_as_the_engine_does():
    x = gk.Input((3,), name="x")
    hidden = layers.Dense(4, dtype="float64", name="wide")(x)
    model = gk.Model(x, layers.Dense(2, name="narrow")(hidden))
    proto = assert_exports_faithfully(model)
    assert [node.name for node in proto.graph.node if node.op_type == "Cast"] == [
        "wide:Cast",
        "narrow:Cast",
    ]


def test_a_sequential_model():
    model = gk.Sequential(
        [gk.Input((8, 8, 1)), layers.Conv2D(3, 3), layers.MaxPooling2D(), layers.Flatten()]
        + [layers.Dense(2, activation="softmax")]
    )
    assert_exports_faithfully(model)


# ------------------------------------------------------------------ structure
def onnx_paths(proto) -> list[str]:
    """Each ONNX node's model path: its name before ``:OpType`` (one-node layers have none)."""
    return [node.name.split(":")[0] for node in proto.graph.node]


def nested_shared_model():
    """``outer`` (a model) holds ``inner`` (a model) called twice; ``shared`` is called twice."""
    inner_in = gk.Input((6,), name="inner_in")
    inner = gk.Model(
        inner_in, layers.Dense(6, activation="relu", name="dense")(inner_in), name="inner"
    )
    outer_in = gk.Input((6,), name="outer_in")
    outer_out = layers.LayerNormalization(name="norm")(inner(inner(outer_in)))
    outer = gk.Model(outer_in, outer_out, name="outer")
    x = gk.Input((6,), name="x")
    shared = layers.Dense(6, name="shared")
    hidden = shared(layers.Dropout(0.1, name="drop")(outer(x)))
    y = layers.Add(name="sum")([shared(hidden), x])
    return gk.Model(x, y, name="top")


def test_onnx_node_names_map_one_to_one_onto_the_model_nodes():
    model = nested_shared_model()
    proto = assert_exports_faithfully(model)
    paths = onnx_paths(proto)
    assert sorted(set(paths)) == sorted(
        [
            "outer/inner[1]/dense",
            "outer/inner[2]/dense",
            "outer/norm",
            "drop",
            "shared[0]",
            "shared[1]",
            "sum",
        ]
    )
    # One ONNX node for a one-node layer, named exactly by its path.
    assert [node.name for node in proto.graph.node if node.op_type == "Identity"] == ["drop"]
    assert [node.name for node in proto.graph.node if node.op_type == "Sum"] == ["sum"]
    assert [tensor.name for tensor in proto.graph.input] == ["x"]
    assert [tensor.name for tensor in proto.graph.output] == ["sum"]


def test_a_nested_model_with_several_inputs_and_outputs_passing_one_through():
    a, b = gk.Input((3,), name="a"), gk.Input((3,), name="b")
    inner = gk.Model([a, b], [layers.Add(name="plus")([a, b]), a], name="inner")
    x, y = gk.Input((3,), name="x"), gk.Input((3,), name="y")
    total, passed = inner([x, y])
    model = gk.Model([x, y], [total, passed, layers.Dense(2, name="head")(total)])
    proto = assert_exports_faithfully(model)
    assert model.output_names == ["inner", "inner", "head"]
    assert [tensor.name for tensor in proto.graph.output] == ["inner", "inner_2", "head"]
    assert [node.name for node in proto.graph.node] == [
        "inner/plus",
        "head:MatMul",
        "head:Add",
        "inner_2:output",
    ]


def test_node_count_equals_the_model_nodes_for_one_op_layers():
    x = gk.Input((5,), name="x")
    h = layers.ReLU(name="relu")(x)
    h = layers.Dropout(0.2, name="drop")(h)
    y = layers.Concatenate(name="join")([h, layers.Softmax(name="soft")(h)])
    proto = gk.export.to_onnx(gk.Model(x, y))
    assert [node.name for node in proto.graph.node] == ["relu", "drop", "soft", "join"]


def test_a_shared_layer_writes_one_initializer_read_by_each_call():
    proto = gk.export.to_onnx(nested_shared_model())
    names = [initializer.name for initializer in proto.graph.initializer]
    assert names.count("shared/kernel") == 1
    assert len(names) == len(set(names))
    readers = [node.name for node in proto.graph.node if "shared/kernel" in node.input]
    assert readers == ["shared[0]:MatMul", "shared[1]:MatMul"]
    inner_readers = [node.name for node in proto.graph.node if "dense/kernel" in node.input]
    assert inner_readers == ["outer/inner[1]/dense:MatMul", "outer/inner[2]/dense:MatMul"]


def test_nested_models_are_inlined():
    proto = gk.export.to_onnx(nested_shared_model())
    assert len(proto.functions) == 0
    assert {node.op_type for node in proto.graph.node} == {
        "MatMul",
        "Add",
        "Relu",
        "ReduceMean",
        "Sub",
        "Mul",
        "Pow",
        "Neg",
        "Identity",
        "Sum",
    }
    assert "outer/inner[2]/dense:Relu" in [node.name for node in proto.graph.node]


def test_the_batch_axis_is_symbolic_or_fixed():
    x = gk.Input((3,), batch_size=4, name="x")
    model = gk.Model(x, layers.Dense(2, name="head")(x))
    dynamic = gk.export.to_onnx(model)
    fixed = gk.export.to_onnx(model, dynamic_batch=False)
    dims = lambda value: [  # noqa: E731
        dim.dim_param or dim.dim_value for dim in value.type.tensor_type.shape.dim
    ]
    assert dims(dynamic.graph.input[0]) == ["batch", 3]
    assert dims(fixed.graph.output[0]) == [4, 2]
    unbatched = chain((3,), layers.Dense(2))
    with pytest.raises(OnnxExportError, match="fixed batch size.*features"):
        gk.export.to_onnx(unbatched, dynamic_batch=False)


def test_bad_opsets_are_refused():
    model = chain((3,), layers.Dense(2))
    with pytest.raises(ValueError, match="opset must be between 13 and"):
        gk.export.to_onnx(model, opset=11)
    with pytest.raises(TypeError, match="opset must be an int"):
        gk.export.to_onnx(model, opset="17")


# ------------------------------------------------------------------ refusals and files
class Doubling(gk.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def doubling_model():
    x = gk.Input((3,), name="x")
    return gk.Model(x, layers.Dense(2, name="head")(Doubling(name="twice")(x)))


def test_an_unmapped_layer_is_refused_by_class_and_name_before_anything_is_written(tmp_path):
    path = tmp_path / "model.onnx"
    with pytest.raises(OnnxExportError, match="Doubling layer 'twice'.*no ONNX converter"):
        doubling_model().export(path)
    assert list(tmp_path.iterdir()) == []


def test_a_lambda_layer_is_refused_by_name_with_the_reason():
    inputs = gk.Input((3,), name="features")
    model = gk.Model(inputs, layers.Lambda(lambda x: x * 2, name="double")(inputs))
    with pytest.raises(OnnxExportError, match="Lambda layer 'double'.*runs a Python function"):
        gk.export.to_onnx(model)


def test_a_refused_export_leaves_an_existing_file_untouched(tmp_path):
    path = tmp_path / "model.onnx"
    path.write_bytes(b"previous")
    with pytest.raises(OnnxExportError):
        doubling_model().export(path)
    assert path.read_bytes() == b"previous"
    assert [item.name for item in tmp_path.iterdir()] == ["model.onnx"]


def test_a_registered_converter_writes_a_custom_layer(tmp_path):
    class Tripling(gk.layers.Layer):
        def call(self, inputs):
            return inputs * 3.0

    def tripling(call):
        return call.add("Mul", [call.inputs[0], call.constant(3.0, role="factor")])

    gk.export.register_onnx_converter(Tripling, tripling)
    x = gk.Input((3,), name="x")
    model = gk.Model(x, layers.Dense(2, name="head")(Tripling(name="thrice")(x)))
    path = tmp_path / "custom.onnx"
    model.export(path)
    proto = onnx.load(str(path))
    assert [node.name for node in proto.graph.node][0] == "thrice"
    assert_exports_faithfully(model)


def test_a_subclass_that_changes_call_does_not_inherit_its_parents_converter():
    class ScaledDense(layers.Dense):
        def call(self, inputs):
            return super().call(inputs) * 2.0

    x = gk.Input((3,), name="x")
    model = gk.Model(x, ScaledDense(2, name="scaled")(x))
    with pytest.raises(OnnxExportError, match="ScaledDense layer 'scaled'"):
        gk.export.to_onnx(model)


def test_a_mask_that_changes_the_result_is_refused():
    ids = gk.Input((4,), dtype="int32", name="ids")
    embedded = layers.Embedding(10, 3, mask_zero=True, name="embed")(ids)
    # Minimum skips masked positions; its converter does not carry masks.
    model = gk.Model(ids, layers.Minimum(name="low")([embedded, embedded]))
    with pytest.raises(OnnxExportError, match="Minimum layer 'low'.*mask"):
        gk.export.to_onnx(model)


def test_masked_mean_pooling_and_masked_softmax():
    """Padding ids (0) leave the mean; masked scores get probability 0, given or carried."""
    ids = gk.Input((6,), dtype="int32", name="ids")
    embedded = layers.Embedding(10, 4, mask_zero=True)(ids)
    scores = gk.Input((3, 5), name="scores")
    weights = gk.Input((3, 5), name="weights")
    steps = gk.Input((5,), name="steps")
    outputs = [
        layers.GlobalAveragePooling1D()(embedded),
        layers.GlobalAveragePooling1D(data_format="channels_first")(scores, mask=steps > 0.0),
        layers.Softmax(axis=[1, 2])(scores, mask=weights),  # a float mask: kept where > 0.5
        layers.Softmax()(scores, mask=weights > 0.0),
    ]
    assert_exports_faithfully(gk.Model([ids, scores, weights, steps], outputs))


def test_a_mask_that_a_layer_ignores_does_not_block_the_export():
    ids = gk.Input((4,), dtype="int32", name="ids")
    embedded = layers.Embedding(10, 3, mask_zero=True)(ids)
    model = gk.Model(ids, layers.Add()([layers.Dense(3)(embedded), embedded]))
    assert_exports_faithfully(model)


def test_a_call_recorded_with_training_true_is_refused():
    x = gk.Input((3,), name="x")
    model = gk.Model(x, layers.Dropout(0.5, name="always")(x, training=True))
    with pytest.raises(OnnxExportError, match="'always'.*training=True"):
        gk.export.to_onnx(model)


def test_a_subclassed_model_is_refused():
    class Free(gk.Model):
        def call(self, inputs):
            return inputs

    with pytest.raises(OnnxExportError, match="has no graph"):
        gk.export.to_onnx(Free())


def test_an_unknown_format_names_the_known_ones(tmp_path):
    with pytest.raises(ValueError, match="format='tflite'.*'onnx'"):
        chain((3,), layers.Dense(2)).export(tmp_path / "m.tflite", format="tflite")
    assert list(tmp_path.iterdir()) == []


def test_without_onnx_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"graphkeras\[onnx\]"):
        gk.export.to_onnx(chain((3,), layers.Dense(2)))


# ------------------------------------------------------------------ command line
@pytest.mark.parametrize("extension", [".gk", ".keras"])
def test_the_export_command_round_trips_a_saved_model(tmp_path, capsys, extension):
    if extension == ".keras":
        pytest.importorskip("h5py")
    model = chain((4, 4, 2), layers.Conv2D(3, 3, padding="same"), layers.Flatten())
    saved = tmp_path / f"model{extension}"
    model.save(saved)
    output = tmp_path / "model.onnx"
    status = cli.main(["export", str(saved), "-o", str(output), "--opset", "18"])
    assert status == 0
    assert capsys.readouterr().out.strip() == f"Wrote {output}"
    proto = onnx.load(str(output))
    assert proto.opset_import[0].version == 18
    session = onnxruntime.InferenceSession(str(output), providers=["CPUExecutionProvider"])
    (array,) = random_inputs(model, 3, seed=7)
    (exported,) = session.run(None, {"features": array})
    np.testing.assert_allclose(exported, model.predict(array, verbose=0), rtol=RTOL, atol=ATOL)


def test_the_export_command_reports_an_unmapped_layer_and_writes_nothing(tmp_path, capsys):
    saved = tmp_path / "model.gk"
    model = chain((3,), layers.Dense(2, activation="sparsemax", name="head"))
    model.save(saved)
    output = tmp_path / "model.onnx"
    status = cli.main(["export", str(saved), "-o", str(output)])
    assert status == 2
    assert "graphkeras export: error:" in capsys.readouterr().err
    assert not output.exists()
