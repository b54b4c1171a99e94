"""Whole-model files (.gk): save, load, and carry on exactly where the model was."""

import json
import zipfile

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers
from graphkeras.saving import ModelFileError

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(48, 6)).astype("float32")
Y = RNG.normal(size=(48, 3)).astype("float32")


def functional_model():
    inputs = gk.Input((6,), name="features")
    hidden = layers.Dense(8, activation="tanh", name="hidden")(inputs)
    skip = layers.Dense(8, name="skip")(inputs)
    merged = layers.add([hidden, skip])
    normed = layers.BatchNormalization(name="bn")(merged)
    return gk.Model(inputs, layers.Dense(3, name="head")(normed), name="functional")


def sequential_model():
    return gk.Sequential(
        [gk.Input((6,)), layers.Dense(10, activation="relu"), layers.Dense(3)], name="stack"
    )


def nested_model():
    inner_in = gk.Input((6,))
    inner = gk.Model(inner_in, layers.Dense(5, activation="relu")(inner_in), name="inner")
    inputs = gk.Input((6,))
    return gk.Model(inputs, layers.Dense(3)(inner(inputs)), name="outer")


def shared_model():
    """One Dense applied at three nodes, and a two-input merge of its outputs."""
    inputs = gk.Input((6,))
    shared = layers.Dense(6, activation="tanh", name="shared")
    first = shared(inputs)
    second = shared(first)
    third = shared(layers.Dense(6)(inputs))
    outputs = layers.Dense(3)(layers.concatenate([second, third]))
    return gk.Model(inputs, outputs, name="shared_net")


BUILDERS = [functional_model, sequential_model, nested_model, shared_model]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda build: build.__name__)
def test_round_trip_gives_identical_outputs(build, tmp_path):
    model = build()
    path = tmp_path / "model.gk"
    model.save(path)
    loaded = gk.models.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.name == model.name
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-6, atol=1e-7)
    assert loaded.get_config() == model.get_config()


@pytest.mark.parametrize("build", BUILDERS, ids=lambda build: build.__name__)
def test_training_continues_identically_after_loading(build, tmp_path):
    model = build()
    model.compile(optimizer=gk.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    path = tmp_path / "model.gk"
    gk.models.save_model(model, path)
    loaded = gk.models.load_model(path)
    assert int(loaded.optimizer.iterations.value) == int(model.optimizer.iterations.value) == 6

    history = model.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    loaded_history = loaded.fit(X, Y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    assert loaded_history == history
    for original, restored in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(restored, original)


def test_without_optimizer_state_training_restarts_the_optimizer(tmp_path):
    model = functional_model()
    model.compile(optimizer=gk.optimizers.Adam(0.01), loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    path = tmp_path / "model.gk"
    model.save(path, include_optimizer=False)
    assert "optimizer.npz" not in zipfile.ZipFile(path).namelist()
    loaded = gk.models.load_model(path)
    assert loaded.compiled and not loaded.optimizer.built
    np.testing.assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-6, atol=1e-7)


def test_compile_false_gives_an_uncompiled_model(tmp_path):
    model = sequential_model()
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "model.gk")
    loaded = gk.models.load_model(tmp_path / "model.gk", compile=False)
    assert not loaded.compiled
    np.testing.assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-6, atol=1e-7)


def test_archive_members_and_metadata(tmp_path):
    model = functional_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(tmp_path / "model.gk")
    with zipfile.ZipFile(tmp_path / "model.gk") as archive:
        assert archive.namelist() == [
            "metadata.json",
            "config.json",
            "weights.npz",
            "optimizer.npz",
        ]
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
        for name in ("weights.npz", "optimizer.npz"):
            assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
    assert metadata["format"] == "graphkeras.model"
    assert metadata["format_version"] == 1
    assert metadata["graphkeras_version"] == gk.__version__
    assert metadata["backend"] == gk.backend.backend()  # the backend that wrote it
    assert config["class_name"] == "Model"
    assert config["compile_config"]["loss"] == "mse"
    assert config["config"] == model.get_config()


@gk.utils.register_serializable(package="files_test")
class Scale(layers.Layer):
    """A custom layer with one weight, loadable through the registry."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight("scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Offset(layers.Layer):
    """A custom layer that is not registered: it needs custom_objects."""

    def call(self, inputs):
        return inputs + 1.0


def test_registered_and_custom_object_layers(tmp_path):
    inputs = gk.Input((6,))
    outputs = Offset(name="offset")(Scale(3.0, name="scale")(inputs))
    model = gk.Model(inputs, outputs)
    model.layers[1].set_weights([np.arange(6, dtype="float32")])
    model.save(tmp_path / "custom.gk")
    with pytest.raises(ModelFileError, match="Unknown layer: 'Offset'"):
        gk.models.load_model(tmp_path / "custom.gk")
    loaded = gk.models.load_model(tmp_path / "custom.gk", custom_objects={"Offset": Offset})
    assert isinstance(loaded.get_layer("scale"), Scale)
    np.testing.assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-6, atol=1e-7)


@gk.utils.register_serializable(package="files_test")
def cube(x):
    return x * x * x


def test_lambda_saves_its_registered_function_by_name(tmp_path):
    inputs = gk.Input((6,))
    model = gk.Model(inputs, layers.Lambda(cube)(layers.Dense(4)(inputs)))
    model.save(tmp_path / "lambda.gk")
    loaded = gk.models.load_model(tmp_path / "lambda.gk")
    np.testing.assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-6, atol=1e-7)


def test_unregistered_lambda_fails_at_save_time_and_writes_nothing(tmp_path):
    inputs = gk.Input((6,))
    model = gk.Model(inputs, layers.Lambda(lambda x: x * 2.0, name="doubler")(inputs))
    with pytest.raises(ValueError, match="doubler"):
        model.save(tmp_path / "lambda.gk")
    assert list(tmp_path.iterdir()) == []


def test_save_needs_a_known_extension_and_respects_overwrite(tmp_path):
    model = sequential_model()
    with pytest.raises(ValueError, match=r"\.gk"):
        model.save(tmp_path / "model.bin")
    model.save(tmp_path / "model.gk")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "model.gk", overwrite=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["model.gk"]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        gk.models.load_model(tmp_path / "absent.gk")
