"""Whole models out to ONNX: the examples' models, Keras-made files and application fixtures.

Each model is written by ``gk.export.to_onnx``, checked by
``onnx.checker.check_model(full_check=True)`` and run by onnxruntime on
random batches of two sizes, whose outputs must equal graphkeras's within
rtol 1e-5 and atol 1e-6 (``onnx_checks.assert_exports_faithfully``). The
files Keras wrote also come with the outputs Keras computed; onnxruntime
must reproduce those too, within rtol 1e-5 and atol 1e-5 (the tolerance the
loading tests use for Keras's numbers: a third computation, in another
order).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from example_scripts import load_example  # noqa: E402
from onnx_checks import assert_exports_faithfully  # noqa: E402
from test_applications_convnext import narrow_convnext  # noqa: E402
from test_applications_nasnet import narrow_mobile  # noqa: E402

import graphkeras as gk  # noqa: E402
from graphkeras.applications import inception_resnet_v2  # noqa: E402
from graphkeras.export import OnnxExportError  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "keras"
APPLICATIONS = FIXTURES / "applications"


def assert_reproduces_keras(proto, model, inputs: dict, expected: list) -> None:
    """onnxruntime, fed the arrays Keras was fed, gives the outputs Keras recorded."""
    session = onnxruntime.InferenceSession(
        proto.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    outputs = session.run(None, {name: inputs[name] for name in model.input_names})
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ examples
EXAMPLE_MODELS = {
    "cnn_digits": lambda: load_example("cnn_digits.py").build_model(),
    "custom_training_loop": lambda: load_example("custom_training_loop.py").build_model(),
    "inspect_shared_layers": lambda: load_example("inspect_shared_layers.py").build_model(),
    "lstm_sequence_classifier": lambda: load_example("lstm_sequence_classifier.py").build_model(),
    "multi_output_loss_weights": lambda: load_example("multi_output_loss_weights.py").build_model(),
    "transformer_encoder": lambda: load_example("transformer_encoder.py").build_model(),
    "unet_denoising": lambda: load_example("unet_denoising.py").build_unet(),
    "custom_train_step (a Model subclass with its own train_step)": lambda: (
        module := load_example("keras_guides/custom_train_step.py")
    ).classifier(module.GuidedModel),
    "custom_train_step (the GAN's generator and discriminator)": lambda: _chained(
        *load_example("keras_guides/custom_train_step.py").gan_parts()[::-1]
    ),
    "fit_from_generator": lambda: load_example("keras_guides/fit_from_generator.py").classifier(),
    "functional_with_ops (first model)": lambda: load_example(
        "keras_guides/functional_with_ops.py"
    ).first_model(),
    "functional_with_ops (tickets)": lambda: load_example(
        "keras_guides/functional_with_ops.py"
    ).ticket_model(),
    "functional_with_ops (toy ResNet)": lambda: load_example(
        "keras_guides/functional_with_ops.py"
    ).residual_model(),
}


def _chained(first, second):
    """``second(first(x))`` as one model: both Sequentials inlined, one after the other."""
    inputs = gk.Input(first.input_shape[1:])
    return gk.Model(inputs, second(first(inputs)), name="gan")


@pytest.mark.parametrize("name", sorted(EXAMPLE_MODELS))
def test_each_examples_model_exports_faithfully(name):
    gk.backend.clear_session()
    gk.utils.set_random_seed(0)
    assert_exports_faithfully(EXAMPLE_MODELS[name]())


# ------------------------------------------------------------------ Keras-made files
KERAS_FILES = sorted(path.name.removesuffix(".npz") for path in FIXTURES.glob("*.npz"))
#: The Keras-made files that hold a layer ONNX has no form for, and that layer.
REFUSED = {"lookup.keras": "StringLookup"}


@pytest.mark.parametrize("file_name", KERAS_FILES)
def test_each_keras_made_file_exports_and_reproduces_keras(file_name):
    model = gk.models.load_model(FIXTURES / file_name)
    if file_name in REFUSED:
        with pytest.raises(OnnxExportError, match=REFUSED[file_name]):
            gk.export.to_onnx(model)
        return
    with np.load(FIXTURES / f"{file_name}.npz") as record:
        arrays = dict(record)
    inputs = {
        name: arrays[f"input_{index}"] if f"input_{index}" in arrays else arrays[name]
        for index, name in enumerate(model.input_names)
    }
    expected = [arrays[f"output_{index}"] for index in range(len(model.outputs))]
    proto = assert_exports_faithfully(model)
    assert_reproduces_keras(proto, model, inputs, expected)


# ------------------------------------------------------------------ application fixtures
def _inception_resnet_blocks():
    inputs = gk.Input((9, 9, 3))
    x = inception_resnet_v2.conv2d_bn(inputs, 24, 3, name="stem")
    x = inception_resnet_v2.inception_resnet_block(x, 0.17, "block35", 1)
    x = inception_resnet_v2.inception_resnet_block(x, 1.0, "block35", 2, activation=None)
    return gk.Model(inputs, x, name="blocks")


#: Each sample's stem, and how to build the architecture its ``.weights.h5`` fits (as the
#: application tests build them).
APPLICATION_BUILDERS = {
    "mobilenet_v3_small_min": functools.partial(
        gk.applications.MobileNetV3Small,
        weights=None,
        alpha=0.75,
        minimalistic=True,
        input_shape=(32, 32, 3),
        include_top=False,
    ),
    "narrow_convnext": functools.partial(
        narrow_convnext,
        weights=None,
        input_shape=(32, 32, 3),
        classes=5,
        drop_path_rate=0.2,
        layer_scale_init_value=0.5,
    ),
    "narrow_nasnet": functools.partial(
        narrow_mobile, input_shape=(32, 32, 3), include_top=False, pooling="avg", weights=None
    ),
    "inception_resnet_blocks": _inception_resnet_blocks,
}


def application_sample(stem: str):
    """The sample's model with Keras's weights, and Keras's images and outputs."""
    gk.backend.clear_session()
    if stem.startswith("mobilenet_a025"):
        model = gk.models.load_model(APPLICATIONS / stem)
        stem = "mobilenet_a025"
    else:
        model = APPLICATION_BUILDERS[stem]()
        model.load_weights(APPLICATIONS / f"{stem}.weights.h5")
    with np.load(APPLICATIONS / f"{stem}.npz") as record:
        return model, record["x"], record["y"]


@pytest.mark.parametrize(
    "stem", ["mobilenet_a025.keras", "mobilenet_a025.h5", *sorted(APPLICATION_BUILDERS)]
)
def test_each_application_fixture_exports_and_reproduces_keras(stem):
    model, images, expected = application_sample(stem)
    proto = assert_exports_faithfully(model)
    assert_reproduces_keras(proto, model, {model.input_names[0]: images}, [expected])
