"""RandomCrop runs inside a compiled JAX step: its random window start stays traced.

The window's corner is drawn as backend int32 scalars and cut with
``K.slice``, so nothing turns a drawn value into a Python int while a step
is traced; a model with the layer trains as one compiled program (a
``CompiledStepFallbackWarning`` is an error here). Eager results are those
of the earlier integer version: the corners recorded below for seed 7 came
from it, on both backends.
"""

from __future__ import annotations

import numpy as np
import pytest
from compiled_step_tools import selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)

# (top, left) of six draws by RandomCrop(4, 3, seed=7) on (2, 11, 9, 1) images.
RECORDED_CORNERS = {
    "numpy": [(5, 6), (6, 1), (2, 6), (0, 5), (6, 3), (2, 1)],
    "jax": [(5, 6), (6, 4), (0, 6), (6, 3), (6, 3), (0, 0)],
}


def images(shape=(8, 12, 10, 3)) -> np.ndarray:
    return np.random.default_rng(4).uniform(0.0, 1.0, shape).astype("float32")


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_a_model_with_random_crop_fits_as_one_compiled_program(data_format):
    x = images() if data_format == "channels_last" else images((8, 3, 12, 10))
    y = np.random.default_rng(5).standard_normal((8, 1)).astype("float32")
    with selected("jax"):
        gk.utils.set_random_seed(2)
        inputs = gk.Input(shape=x.shape[1:])
        cropped = layers.RandomCrop(6, 5, seed=1, data_format=data_format)(inputs)
        model = gk.Model(inputs, layers.Dense(1)(layers.Flatten()(cropped)))
        model.compile(optimizer="sgd", loss="mse")
        history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        # Inference takes the centred window, resized: same shape as training's crop.
        assert model.predict(x, batch_size=4).shape == (8, 1)


def test_a_traced_corner_cuts_the_same_window_as_python_ints():
    import jax

    x = images()
    with selected("jax"):
        layer = layers.RandomCrop(6, 5)
        cut = jax.jit(lambda data, top, left: layer.transform_images(data, (top, left)))
        for top, left in [(0, 0), (3, 2), (6, 5)]:
            window = np.asarray(cut(x, top, left))
            # a crop copies values, it computes nothing: exact
            np.testing.assert_array_equal(window, x[:, top : top + 6, left : left + 5, :])


def test_corners_drawn_under_jit_lie_inside_the_image():
    import jax

    x = images()
    with selected("jax"):
        layer = layers.RandomCrop(6, 5)
        draw = jax.jit(lambda data: layer.get_random_transformation(data, training=True, seed=3))
        top, left = (int(value) for value in draw(x))
        assert 0 <= top <= 12 - 6 and 0 <= left <= 10 - 5


@pytest.mark.parametrize("name", ["numpy", "jax"])
def test_eager_corners_and_windows_are_unchanged(name):
    x = np.arange(2 * 11 * 9, dtype="float32").reshape(2, 11, 9, 1)
    with selected(name):
        layer = layers.RandomCrop(4, 3, seed=7)
        corners = [
            tuple(int(value) for value in layer.get_random_transformation(x, training=True))
            for _ in range(6)
        ]
        assert corners == RECORDED_CORNERS[name]
        layer = layers.RandomCrop(4, 3, seed=7)
        for top, left in RECORDED_CORNERS[name][:3]:
            window = K.convert_to_numpy(layer(x, training=True))
            # a crop copies values, it computes nothing: exact
            np.testing.assert_array_equal(window, x[:, top : top + 4, left : left + 3, :])
