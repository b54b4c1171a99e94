"""On JAX, what compiled steps copy: datasets stay on the host, unchanged state stays put."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from compiled_step_tools import backend_selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine import data_adapter

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)


@pytest.fixture
def jax_backend() -> Iterator[None]:
    with backend_selected("jax"):
        yield


def test_a_whole_dataset_on_the_host_stays_numpy_cast_to_the_dtype_asked(jax_backend):
    floats = np.arange(6, dtype="float64").reshape(3, 2)
    labels = np.array([0, 1, 2], dtype="int32")
    kept, cast, untyped = data_adapter.as_arrays(
        [labels, floats, floats], ["int32", "float32", None], on_host=True
    )
    assert kept is labels  # already the dtype asked: not copied
    assert isinstance(cast, np.ndarray) and cast.dtype == np.float32
    np.testing.assert_array_equal(cast, floats)  # small integers: exact in float32
    assert untyped is floats
    # Without on_host (a batch inside a step) the values become backend arrays.
    (converted,) = data_adapter.as_arrays([floats], ["float32"])
    assert not isinstance(converted, np.ndarray)
    assert K.dtype(converted) == "float32"


def test_fit_and_predict_on_the_host_arrays_match_backend_arrays(jax_backend):
    rng = np.random.default_rng(0)
    x = rng.random((24, 3))  # float64: cast to the input's float32 on the host
    y = rng.random((24, 2)).astype("float32")
    results = []
    for data in ((x, y), (K.convert_to_tensor(x, dtype="float32"), K.convert_to_tensor(y))):
        K.clear_session()
        gk.utils.set_random_seed(3)
        inputs = gk.Input((3,))
        model = gk.Model(inputs, layers.Dense(2)(inputs))
        model.compile(gk.optimizers.SGD(0.1), "mse")
        history = model.fit(*data, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.predict(data[0], verbose=0)))
    # The same float32 values reach the same programs: equal to float32 rounding.
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6, atol=1e-7)


def test_predict_leaves_every_weight_array_in_place_and_fit_replaces_them(jax_backend):
    K.clear_session()
    inputs = gk.Input((3,))
    hidden = layers.BatchNormalization()(layers.Dense(4)(inputs))
    model = gk.Model(inputs, layers.Dense(2)(hidden))
    model.compile(gk.optimizers.SGD(0.1), "mse")
    x = np.ones((8, 3), dtype="float32")
    held = [variable.value for variable in model.weights]
    model.predict(x, verbose=0)
    model.evaluate(x, np.zeros((8, 2), dtype="float32"), verbose=0)
    # An inference step hands back no state it left unchanged: the same arrays stay.
    assert all(variable.value is array for variable, array in zip(model.weights, held, strict=True))
    model.fit(x, np.zeros((8, 2), dtype="float32"), epochs=1, verbose=0)
    assert all(
        variable.value is not array for variable, array in zip(model.weights, held, strict=True)
    )
