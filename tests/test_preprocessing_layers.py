"""Behaviour of the numeric and image preprocessing layers beyond Keras's recorded numbers.

Round trips through ``.gk`` and ``.keras`` files, ``adapt`` on every kind
of source (and on bad data, which must leave the layer as it was), clear
errors for bad arguments, and use inside a model trained with ``fit``.
Values compared with ``assert_allclose`` at float32 precision
(``rtol=1e-6`` unless stated).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils.py_dataset import PyDataset

pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(7)
IMAGES = RNG.uniform(0, 255, size=(4, 6, 8, 3)).astype("float32")


class Batches(PyDataset):
    def __init__(self, batches: list) -> None:
        super().__init__()
        self.batches = batches

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        return self.batches[index], np.zeros(len(self.batches[index]))


class Endless(PyDataset):
    @property
    def num_batches(self):
        return None

    def __getitem__(self, index: int):
        return np.full((2, 3), float(index))


def preprocessing_model():
    normalization = layers.Normalization()
    normalization.adapt(IMAGES / 255.0)
    inputs = gk.Input((6, 8, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    x = normalization(x)
    x = layers.Resizing(5, 5, interpolation="lanczos3", pad_to_aspect_ratio=True, fill_value=1)(x)
    x = layers.CenterCrop(4, 3)(x)
    bins = layers.Discretization(num_bins=3)
    bins.adapt(RNG.normal(size=(40, 2)))
    return gk.Model(inputs, [x, bins(x)])


@pytest.mark.parametrize("suffix", [".gk", ".keras"])
def test_a_model_of_preprocessing_layers_round_trips_through_files(tmp_path, suffix):
    model = preprocessing_model()
    path = tmp_path / f"model{suffix}"
    model.save(path)
    loaded = gk.saving.load_model(path)
    for got, expected in zip(loaded.predict(IMAGES), model.predict(IMAGES), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
        assert got.dtype == expected.dtype
    adapted = [layer for layer in loaded.layers if isinstance(layer, layers.Discretization)][0]
    assert adapted.bin_boundaries == model.layers[-1].bin_boundaries
    assert loaded.layers[2].get_config() == model.layers[2].get_config()


def test_layers_rebuild_from_their_configs():
    for layer in [
        layers.Rescaling(np.array([1.0, 2.0, 3.0]), offset=-1),
        layers.Normalization(axis=(1, 2), mean=[[1.0]], variance=[[4.0]], invert=True),
        layers.Resizing(3, 4, interpolation="area", antialias=True, data_format="channels_first"),
        layers.CenterCrop(2, 5),
        layers.Discretization(bin_boundaries=[-1.0, 2.0], output_mode="count"),
    ]:
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


# ---------------------------------------------------------------- adapt sources
def normalization_state(layer) -> tuple:
    return (
        gk.backend.convert_to_numpy(layer.adapt_mean),
        gk.backend.convert_to_numpy(layer.adapt_variance),
    )


@pytest.mark.parametrize("kind", ["list", "generator", "py_dataset", "tuple_batches"])
def test_normalization_adapts_to_the_same_statistics_from_any_source(kind):
    data = RNG.normal([1.0, -3.0], [2.0, 0.5], size=(23, 2)).astype("float32")
    batches = [data[start : start + 5] for start in range(0, 23, 5)]
    source = {
        "list": batches,
        "generator": (batch for batch in batches),
        "py_dataset": Batches(batches),
        "tuple_batches": [(batch, batch[:, :1]) for batch in batches],
    }[kind]
    layer = layers.Normalization()
    layer.adapt(source)
    mean, variance = normalization_state(layer)
    np.testing.assert_allclose(mean, data.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(variance, data.var(axis=0), rtol=1e-5)


def test_discretization_adapts_from_a_py_dataset_like_from_its_batches():
    data = RNG.exponential(size=(30, 2))
    batches = [data[:10], data[10:20], data[20:]]
    from_dataset = layers.Discretization(num_bins=4)
    from_dataset.adapt(Batches(batches))
    from_list = layers.Discretization(num_bins=4)
    from_list.adapt(batches)
    assert from_dataset.bin_boundaries == from_list.bin_boundaries
    capped = layers.Discretization(num_bins=4)
    capped.adapt(Endless(), steps=3)
    np.testing.assert_allclose(capped.bin_boundaries, [0.0, 1.0, 2.0], atol=1e-6)


@pytest.mark.parametrize(
    "data, error, message",
    [
        ([], ValueError, "no batches"),
        (np.array([["a", "b", "c"]]), TypeError, "numbers"),
        ([np.ones((2, 3)), np.ones((2, 4))], ValueError, "kept axes"),
        ("text", TypeError, "iterable of batches"),
        (Endless(), ValueError, "steps"),
    ],
)
def test_normalization_adapt_on_bad_data_leaves_the_layer_as_it_was(data, error, message):
    layer = layers.Normalization()
    layer.adapt(np.array([[1.0, 2.0, 3.0], [3.0, 4.0, 5.0]]))
    before = normalization_state(layer)
    with pytest.raises(error, match=message):
        layer.adapt(data)
    for got, expected in zip(normalization_state(layer), before, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_unbuilt_normalization_stays_unbuilt_after_a_failed_adapt():
    layer = layers.Normalization()
    with pytest.raises(ValueError, match="Normalization 'normalization.*kept axes"):
        layer.adapt([np.ones((2, 3)), np.ones((2, 4))])
    assert not layer.built and layer.weights == []


def test_discretization_adapt_on_bad_data_keeps_its_boundaries():
    layer = layers.Discretization(num_bins=2)
    layer.adapt(np.arange(10.0))
    before = list(layer.bin_boundaries)
    with pytest.raises(TypeError, match="Discretization 'discretization.*numbers"):
        layer.adapt([np.arange(3.0), np.array(["x"])])
    assert layer.bin_boundaries == before


def test_normalization_with_given_statistics_refuses_adapt():
    layer = layers.Normalization(mean=0.0, variance=1.0)
    with pytest.raises(ValueError, match="given mean and variance"):
        layer.adapt(np.ones((3, 2)))


# ---------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: layers.Resizing(0, 3), "height must be a positive int, received height=0"),
        (lambda: layers.Resizing(2, 3, interpolation="cubic"), "interpolation must be one of"),
        (
            lambda: layers.Resizing(2, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
            "only one of",
        ),
        (lambda: layers.Resizing(2, 3, fill_mode="reflect"), "fill_mode must be 'constant'"),
        (lambda: layers.CenterCrop(2, -1), "width must be a positive int"),
        (lambda: layers.Rescaling("big"), "scale must be a number"),
        (lambda: layers.Normalization(mean=1.0), "both mean and variance"),
        (lambda: layers.Normalization(mean=[1.0, 2.0], variance=[1.0]), "same shape"),
        (lambda: layers.Discretization(), "either bin_boundaries or num_bins"),
        (lambda: layers.Discretization([0.0], num_bins=2), "not both"),
        (lambda: layers.Discretization([2.0, 1.0]), "non-decreasing"),
        (lambda: layers.Discretization([1.0], output_mode="tf_idf"), "output_mode must be"),
        (lambda: layers.Discretization([1.0], output_mode="count", sparse=True), "sparse"),
    ],
)
def test_bad_arguments_raise_naming_the_layer_and_argument(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_normalization_without_known_feature_size_refuses_to_build():
    with pytest.raises(ValueError, match="need known sizes"):
        layers.Normalization()(gk.Input((None,)))


def test_discretization_before_adapt_says_to_adapt():
    with pytest.raises(ValueError, match="adapt"):
        layers.Discretization(num_bins=3)(np.ones((2, 2)))


# ---------------------------------------------------------------- behaviour
def test_resizing_keeps_integer_images_integer_rounded_and_clipped():
    pixels = np.array([[0, 255], [255, 0]], dtype="uint8").reshape(1, 2, 2, 1)
    resized = gk.backend.convert_to_numpy(layers.Resizing(3, 3, interpolation="bicubic")(pixels))
    assert resized.dtype == np.uint8
    floats = gk.backend.convert_to_numpy(
        layers.Resizing(3, 3, interpolation="bicubic")(pixels.astype("float32"))
    )
    np.testing.assert_array_equal(resized, np.clip(np.round(floats), 0, 255))


def test_normalization_inverts_its_own_normalization():
    data = RNG.normal(3.0, 2.0, size=(10, 4)).astype("float32")
    forward, backward = layers.Normalization(), layers.Normalization(invert=True)
    forward.adapt(data)
    backward.adapt(data)
    restored = backward(forward(data))
    np.testing.assert_allclose(gk.backend.convert_to_numpy(restored), data, rtol=1e-5, atol=1e-5)


def test_discretization_outputs_int32_keras_tensors():
    inputs = gk.Input((3,))
    assert layers.Discretization([0.0])(inputs).dtype == "int32"
    assert layers.Discretization([0.0], output_mode="count")(inputs).shape == (None, 2)


def test_a_model_with_an_adapted_normalization_trains_with_fit():
    x = RNG.normal(50.0, 10.0, size=(64, 3)).astype("float32")
    y = (x[:, :1] - 50.0) / 10.0
    normalization = layers.Normalization()
    normalization.adapt(Batches([x[:32], x[32:]]))
    inputs = gk.Input((3,))
    model = gk.Model(inputs, layers.Dense(1)(normalization(inputs)))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    mean, _ = normalization_state(normalization)
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    height=st.integers(1, 6),
    width=st.integers(1, 6),
    target_height=st.integers(1, 6),
    target_width=st.integers(1, 6),
)
def test_aspect_ratio_fitting_always_gives_the_target_size(
    height, width, target_height, target_width
):
    image = np.ones((height, width, 1), dtype="float32")
    for options in ({"crop_to_aspect_ratio": True}, {"pad_to_aspect_ratio": True}):
        resized = layers.Resizing(target_height, target_width, **options)(image)
        assert gk.backend.int_shape(resized) == (target_height, target_width, 1)
    cropped = layers.CenterCrop(target_height, target_width)(image)
    np.testing.assert_allclose(gk.backend.convert_to_numpy(cropped), 1.0, rtol=1e-6)


@pytest.mark.parametrize("options", [{"crop_to_aspect_ratio": True}, {"pad_to_aspect_ratio": True}])
def test_ops_image_resize_fits_the_aspect_ratio_as_the_resizing_layer(options):
    images = IMAGES[:2, :, :5]
    by_op = gk.ops.image.resize(images, (4, 4), interpolation="bicubic", **options)
    by_layer = layers.Resizing(4, 4, interpolation="bicubic", **options)(images)
    np.testing.assert_allclose(
        gk.backend.convert_to_numpy(by_op), gk.backend.convert_to_numpy(by_layer), rtol=1e-6
    )
