"""``serialize_keras_object`` / ``deserialize_keras_object``: Keras 3's forms, read back safely."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils.serialization_lib import DeserializationError

serialize = gk.saving.serialize_keras_object
deserialize = gk.saving.deserialize_keras_object
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "keras"


@gk.saving.register_keras_serializable(package="test_serialization_lib")
class Scale(layers.Layer):
    """A registered custom layer whose config holds a sublayer, written Keras 3's way."""

    def __init__(self, factor=2.0, inner=None, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.inner = inner if inner is not None else layers.Dense(1, name="inner_dense")

    def call(self, inputs):
        return self.inner(inputs) * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "inner": serialize(self.inner)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["inner"] = deserialize(config["inner"])
        return cls(**config)


class Unregistered(layers.Layer):
    def call(self, inputs):
        return inputs


@gk.saving.register_keras_serializable(package="test_serialization_lib")
def halve(x):
    return x / 2


# ---------------------------------------------------------------- writing
def test_a_built_in_layer_is_written_in_keras_3s_wrapper_with_its_initializers_wrapped():
    written = serialize(layers.Dense(3, activation="relu", name="d"))
    assert list(written) == ["module", "class_name", "config", "registered_name"]
    assert (written["module"], written["class_name"], written["registered_name"]) == (
        "keras.layers",
        "Dense",
        None,
    )
    assert written["config"]["units"] == 3 and written["config"]["activation"] == "relu"
    assert written["config"]["kernel_initializer"] == {
        "module": "keras.initializers",
        "class_name": "GlorotUniform",
        "config": {"seed": None},
        "registered_name": None,
    }


@pytest.mark.parametrize(
    "obj, module",
    [
        (gk.losses.Huber(delta=2.0), "keras.losses"),
        (gk.metrics.MeanSquaredError(name="m"), "keras.metrics"),
        (gk.optimizers.Adam(learning_rate=0.5), "keras.optimizers"),
        (gk.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5), "keras.optimizers.schedules"),
        (gk.initializers.RandomNormal(stddev=0.3, seed=4), "keras.initializers"),
        (gk.regularizers.L1L2(l1=0.1, l2=0.2), "keras.regularizers"),
        (gk.constraints.MaxNorm(3.0), "keras.constraints"),
        (layers.LSTM(4, name="rnn"), "keras.layers"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else value,
)
def test_each_family_is_written_under_its_keras_module_and_reads_back_equal(obj, module):
    written = serialize(obj)
    assert written["module"] == module and written["class_name"] == type(obj).__name__
    rebuilt = deserialize(written)
    assert type(rebuilt) is type(obj)
    assert rebuilt.get_config() == obj.get_config()


def test_functions_are_written_under_the_module_keras_3_exports_them_from_first():
    assert serialize(gk.activations.relu) == {
        "module": "keras.activations",
        "class_name": "function",
        "config": "relu",
        "registered_name": "relu",
    }
    # Keras 3 exports the loss functions as keras.metrics.* first.
    assert serialize(gk.losses.mean_squared_error)["module"] == "keras.metrics"
    assert serialize(gk.activations.swish)["config"] == "silu"
    for function in (gk.activations.relu, gk.losses.mean_squared_error, gk.activations.silu):
        assert deserialize(serialize(function)) is function


def test_a_registered_function_is_written_under_its_registered_name():
    written = serialize(halve)
    assert written == {
        "module": __name__,
        "class_name": "function",
        "config": "test_serialization_lib>halve",
        "registered_name": "test_serialization_lib>halve",
    }
    assert deserialize(written) is halve


def test_plain_values_pass_through_and_tuples_stay_tuples_until_read():
    value = {"a": [1, 2.5, "x", None, True], "b": (3, 4)}
    written = serialize(value)
    assert written == value and isinstance(written["b"], tuple)
    assert deserialize(written) == {"a": [1, 2.5, "x", None, True], "b": [3, 4]}


def test_arrays_scalars_and_dtypes_are_written_as_keras_writes_them():
    array = np.arange(6, dtype="int16").reshape(2, 3)
    written = serialize(array)
    assert written == {
        "class_name": "__numpy__",
        "config": {"value": [[0, 1, 2], [3, 4, 5]], "dtype": "int16"},
    }
    back = deserialize(written)
    assert back.dtype == np.int16 and np.array_equal(back, array)  # integers: exact
    assert serialize(np.float32(1.5)) == 1.5 and type(serialize(np.float32(1.5))) is float
    assert serialize(np.dtype("float64")) == "float64" and serialize(np.int32) == "int32"


def test_bytes_slices_and_ellipsis_round_trip():
    for value in (b"abc", slice(1, None, 2), Ellipsis):
        assert deserialize(serialize(value)) == value


@settings(max_examples=40, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3)
        ),
        max_leaves=10,
    )
)
def test_plain_structures_read_back_as_written(value):
    # A plain string that names no custom object reads back as itself.
    assert deserialize(serialize(value)) == value


def test_a_class_or_an_object_without_a_config_cannot_be_written():
    with pytest.raises(TypeError, match="pass an instance"):
        serialize(layers.Dense)
    with pytest.raises(TypeError, match="get_config"):
        serialize(object())


def test_a_lambda_is_refused_when_written():
    with pytest.raises(ValueError, match="lambda"):
        serialize(lambda x: x)


# ---------------------------------------------------------------- custom objects
def test_a_registered_custom_layer_round_trips_with_its_sublayer():
    layer = Scale(3.0, name="scale")
    written = serialize(layer)
    assert written["registered_name"] == "test_serialization_lib>Scale"
    assert written["module"] == __name__ and written["class_name"] == "Scale"
    assert written["config"]["inner"]["class_name"] == "Dense"
    rebuilt = deserialize(json.loads(json.dumps(written)))
    assert type(rebuilt) is Scale and rebuilt.factor == 3.0
    assert type(rebuilt.inner) is layers.Dense and rebuilt.inner.name == "inner_dense"


def test_an_unregistered_class_resolves_only_through_custom_objects_or_a_scope():
    written = serialize(Unregistered(name="u"))
    assert written["registered_name"] == "Unregistered"
    with pytest.raises(DeserializationError, match="cannot find the object class 'Unregistered'"):
        deserialize(written)
    assert type(deserialize(written, custom_objects={"Unregistered": Unregistered})) is Unregistered
    with gk.saving.custom_object_scope({"Unregistered": Unregistered}):
        assert deserialize(written).name == "u"


def test_an_unknown_class_is_both_value_error_and_type_error():
    config = {"module": "keras.layers", "class_name": "NoSuchLayer", "config": {}}
    with pytest.raises(ValueError, match="'NoSuchLayer'"):
        deserialize(config)
    with pytest.raises(TypeError, match="never imports"):
        deserialize(config)


def test_custom_objects_reach_nested_lookups_inside_from_config():
    config = serialize(layers.Dense(2, kernel_initializer=gk.initializers.Ones()))
    config["config"]["kernel_initializer"] = {
        "module": None,
        "class_name": "MyInit",
        "config": {},
        "registered_name": "MyInit",
    }

    class MyInit(gk.initializers.Ones):
        pass

    layer = deserialize(config, custom_objects={"MyInit": MyInit})
    assert type(layer.kernel_initializer) is MyInit


def test_a_name_shared_by_a_loss_and_a_metric_needs_its_module():
    with pytest.raises(ValueError, match="add a 'module' key"):
        deserialize({"class_name": "MeanSquaredError", "config": {}})
    config = {"module": "keras.metrics", "class_name": "MeanSquaredError", "config": {}}
    metric = deserialize(config)
    assert isinstance(metric, gk.metrics.Metric)


def test_graphkeras_own_form_reads_too():
    layer = deserialize({"class_name": "Dense", "config": {"units": 5, "name": "own"}})
    assert type(layer) is layers.Dense and layer.units == 5 and layer.name == "own"


# ---------------------------------------------------------------- safety
@pytest.mark.parametrize("safe_mode", [True, False])
def test_a_lambda_is_refused_whatever_safe_mode_says(safe_mode):
    config = {"class_name": "__lambda__", "config": {"value": ["code", None, None]}}
    with pytest.raises(ValueError, match=r"config\['act'\].*'__lambda__'.*whatever safe_mode"):
        deserialize({"act": config}, safe_mode=safe_mode)


def test_a_lambda_inside_a_layer_config_is_refused_naming_where():
    config = serialize(layers.Dense(2, name="d"))
    config["config"]["activation"] = {"class_name": "__lambda__", "config": {"value": "x"}}
    with pytest.raises(ValueError, match=r"config \(Dense\).*'__lambda__'"):
        deserialize(config, safe_mode=False)


def test_a_module_named_in_a_config_is_never_imported():
    module = "graphkeras_test_never_imported.payload"
    for config in (
        {"module": module, "class_name": "Evil", "config": {}, "registered_name": "Evil"},
        {"module": module, "class_name": "function", "config": "run", "registered_name": "run"},
        {"module": "os", "class_name": "function", "config": "system", "registered_name": None},
    ):
        with pytest.raises(DeserializationError, match="never imports a module"):
            deserialize(config)
    assert "graphkeras_test_never_imported" not in sys.modules


def test_a_tensor_reference_outside_a_model_is_refused():
    with pytest.raises(ValueError, match="model's config"):
        deserialize({"class_name": "__keras_tensor__", "config": {"shape": [1]}})


def test_unknown_keywords_and_bad_custom_objects_are_type_errors():
    with pytest.raises(TypeError, match="unexpected keyword arguments \\['colour'\\]"):
        deserialize(1, colour="red")
    with pytest.raises(TypeError, match="custom_objects must be a dict"):
        deserialize(1, custom_objects=["Scale"])


def test_keras_2_module_objects_resolve_bare_names():
    table = {"glorot_uniform": gk.initializers.GlorotUniform, "relu": gk.activations.relu}
    initializer = deserialize("glorot_uniform", module_objects=table)
    assert type(initializer) is gk.initializers.GlorotUniform
    assert deserialize("relu", module_objects=table) is gk.activations.relu
    assert deserialize("elsewhere", module_objects=table) == "elsewhere"


def test_a_dtype_policy_reads_as_its_dtype():
    config = serialize(layers.Dense(2))
    config["config"]["dtype"] = {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": "float64"},
        "registered_name": None,
    }
    assert deserialize(config).dtype == "float64"


# ---------------------------------------------------------------- models
def test_a_compiled_functional_model_round_trips_compiled_with_the_same_outputs():
    inputs = gk.Input((4,), name="x")
    hidden = layers.Dense(3, activation="tanh", name="hidden")(inputs)
    model = gk.Model(inputs, layers.Dense(1, name="out")(hidden), name="net")
    model.compile(optimizer="adam", loss="mse")
    written = serialize(model)
    assert (written["class_name"], written["module"]) == (
        "Functional",
        "keras.src.models.functional",
    )
    assert written["compile_config"]["loss"] == "mse"
    rebuilt = deserialize(json.loads(json.dumps(written)))
    assert rebuilt.compiled and [layer.name for layer in rebuilt.layers] == ["x", "hidden", "out"]
    rebuilt.set_weights(model.get_weights())
    data = np.linspace(-1.0, 1.0, 8, dtype="float32").reshape(2, 4)
    # Same weights, same graph: the outputs agree to float32 rounding.
    np.testing.assert_allclose(
        rebuilt.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6, atol=1e-7
    )


def test_a_sequential_model_in_graphkeras_own_form_reads_too():
    model = gk.Sequential([gk.Input((3,)), layers.Dense(2, name="d")], name="seq")
    rebuilt = deserialize({"class_name": "Sequential", "config": model.get_config()})
    assert isinstance(rebuilt, gk.Sequential) and rebuilt.get_layer("d").units == 2


def test_a_config_keras_wrote_deserializes_to_the_model_it_describes():
    with zipfile.ZipFile(FIXTURES / "functional_shared.keras") as archive:
        document = json.loads(archive.read("config.json"))
    model = deserialize(document)
    written_names = [entry["name"] for entry in document["config"]["layers"]]
    assert [layer.name for layer in model.layers] == written_names


def test_the_utils_and_saving_names_are_the_same_functions():
    assert gk.utils.serialize_keras_object is serialize
    assert gk.utils.deserialize_keras_object is deserialize
    assert gk.utils.register_keras_serializable is gk.saving.register_keras_serializable
