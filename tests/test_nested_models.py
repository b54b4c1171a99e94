"""Models nested inside models: built, inferred and run at a cost linear in the nesting.

A symbolic call of a nested model reuses the outputs recorded when it was
built (same input shapes and dtypes, no masks), or infers through its own
plan; it never runs a model on arrays. Running a model nested N deep is one
loop over a stack of frames, so it needs no Python stack per level. Each
result is checked against a flat model of the same layers and weights.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def nest_dense_levels(depth: int, width: int = 4, seed: int = 0) -> tuple[gk.Model, list]:
    """``depth`` models, each one Dense after the model below it; and the Dense layers in order.

    Kernels are the identity plus small noise, so values stay of order one
    however deep the nesting.
    """
    generator = np.random.default_rng(seed)
    dense_layers = []

    def dense() -> layers.Dense:
        layer = layers.Dense(width)
        dense_layers.append(layer)
        return layer

    x = gk.Input((width,))
    model = gk.Model(x, dense()(x))
    for _ in range(depth - 1):
        x = gk.Input((width,))
        model = gk.Model(x, dense()(model(x)))
    for layer in dense_layers:
        kernel = np.eye(width, dtype="float32") + generator.normal(0, 0.05, (width, width))
        bias = generator.normal(0, 0.05, width)
        layer.set_weights([kernel.astype("float32"), bias.astype("float32")])
    return model, dense_layers


def flat_copy(dense_layers: list, width: int = 4) -> gk.Model:
    """A chain of Dense layers with the weights of ``dense_layers``, in the same order."""
    x = gk.Input((width,))
    tensor = x
    copies = []
    for _ in dense_layers:
        copies.append(layers.Dense(width))
        tensor = copies[-1](tensor)
    flat = gk.Model(x, tensor)
    for copy, original in zip(copies, dense_layers, strict=True):
        copy.set_weights(original.get_weights())
    return flat


class CountingDense(layers.Dense):
    """A Dense that counts the calls of ``call`` and ``compute_output_shape`` on its class."""

    calls = 0
    shape_inferences = 0

    def call(self, inputs):
        CountingDense.calls += 1
        return super().call(inputs)

    def compute_output_shape(self, input_shape):
        CountingDense.shape_inferences += 1
        return super().compute_output_shape(input_shape)


@pytest.fixture
def counting_dense():
    CountingDense.calls = CountingDense.shape_inferences = 0
    yield CountingDense
    CountingDense.calls = CountingDense.shape_inferences = 0


def nest_identity_levels(core: layers.Layer, depth: int) -> gk.Model:
    """``core`` in a model, wrapped ``depth`` times in models that only call the one below."""
    x = gk.Input((4,))
    model = gk.Model(x, core(x))
    for _ in range(depth):
        x = gk.Input((4,))
        model = gk.Model(x, model(x))
    return model


# ------------------------------------------------------------ symbolic calls


def test_building_a_nested_model_neither_runs_nor_reinfers_the_levels_below(counting_dense):
    model = nest_identity_levels(counting_dense(4, name="core"), 30)
    assert counting_dense.shape_inferences == 1
    assert counting_dense.calls == 0
    assert model.output_shape == (None, 4)


def test_nested_call_on_other_shapes_infers_through_every_level(counting_dense):
    model = nest_identity_levels(counting_dense(3, name="core"), 20)
    before = counting_dense.shape_inferences
    y = model(gk.Input(batch_shape=(7, 4)))
    assert y.shape == (7, 3)
    assert counting_dense.shape_inferences == before + 1
    assert counting_dense.calls == 0


def test_nested_call_on_another_dtype_infers_instead_of_reusing(counting_dense):
    model = nest_identity_levels(counting_dense(3, name="core"), 5)
    before = counting_dense.shape_inferences
    y = model(gk.Input((4,), dtype="float64"))
    assert y.shape == (None, 3)
    assert counting_dense.shape_inferences == before + 1


def test_output_specs_of_a_nested_call_are_fresh_tensors_with_fresh_masks():
    x = gk.Input((5,), dtype="int32")
    inner = gk.Model(x, layers.Embedding(10, 3, mask_zero=True, name="embed")(x), name="inner")
    y = inner(gk.Input((5,), dtype="int32"))
    recorded = inner.outputs[0]
    assert y is not recorded and y._keras_mask is not recorded._keras_mask
    assert y.shape == (None, 5, 3) and y._keras_mask.shape == (None, 5)
    # The mask belongs to the new tensor, so it can be passed on explicitly.
    pooled = layers.GlobalAveragePooling1D(name="pool")(y, mask=y._keras_mask)
    assert pooled.shape == (None, 3)


def test_infer_through_nested_models_needs_no_stack_per_level():
    model, _ = nest_dense_levels(300)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len_of_stack() + 150)
    try:
        y = model(gk.Input(batch_shape=(6, 4)))
    finally:
        sys.setrecursionlimit(limit)
    assert y.shape == (6, 4)


def len_of_stack() -> int:
    """How many Python frames are below the caller."""
    frame, depth = sys._getframe(1), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


# ---------------------------------------------------------------- running


def test_a_model_nested_deeper_than_the_stack_allows_runs_and_trains_like_a_flat_one():
    depth = 120
    nested, dense_layers = nest_dense_levels(depth)
    flat = flat_copy(dense_layers)
    generator = np.random.default_rng(1)
    x = generator.normal(size=(16, 4)).astype("float32")
    y = generator.normal(size=(16, 4)).astype("float32")
    limit = sys.getrecursionlimit()
    # Before running in frames, each level took three Python frames: 120 levels need 360.
    sys.setrecursionlimit(len_of_stack() + 200)
    try:
        predicted = nested.predict(x, verbose=0)
        called = nested(x, training=True)
        nested.compile(optimizer=gk.optimizers.SGD(0.01), loss="mse")
        history = nested.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    finally:
        sys.setrecursionlimit(limit)
    np.testing.assert_allclose(predicted, flat.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(called, flat(x, training=True), rtol=1e-5, atol=1e-6)
    flat.compile(optimizer=gk.optimizers.SGD(0.01), loss="mse")
    flat_history = flat.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], flat_history.history["loss"], rtol=1e-5)
    for trained, reference in zip(nested.get_weights(), flat.get_weights(), strict=True):
        np.testing.assert_allclose(trained, reference, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(nested(x), flat(x), rtol=1e-5, atol=1e-6)


def test_function_on_a_nested_model_s_outputs_runs_in_frames():
    nested, dense_layers = nest_dense_levels(5)
    x = gk.Input((4,))
    inner_out = nested(x)
    out = layers.Dense(2, name="head")(inner_out)
    values = np.random.default_rng(2).normal(size=(3, 4)).astype("float32")
    got_inner, got_out = K.function([x], [inner_out, out])([values])
    np.testing.assert_allclose(got_inner, flat_copy(dense_layers)(values), rtol=1e-5, atol=1e-6)
    kernel, bias = out._keras_history.layer.get_weights()
    np.testing.assert_allclose(got_out, got_inner @ kernel + bias, rtol=1e-5, atol=1e-6)


class TrainingRecorder(layers.Layer):
    """Identity that records the training flag it receives and the one in the call context."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: list = []

    def call(self, inputs, training=None):
        from graphkeras.engine import call_context

        self.seen.append((training, call_context.current_training()))
        return inputs


def test_a_nested_model_called_twice_sees_each_call_s_training_flag():
    recorder = TrainingRecorder(name="recorder")
    inner = gk.Model(x := gk.Input((2,)), recorder(x), name="inner")
    outer_x = gk.Input((2,))
    first, second = inner(outer_x, training=True), inner(outer_x)
    model = gk.Model(outer_x, layers.Add(name="add")([first, second]))
    values = np.ones((1, 2), "float32")
    recorder.seen.clear()
    np.testing.assert_allclose(model(values), 2 * values)
    assert recorder.seen == [(True, True), (None, None)]
    recorder.seen.clear()
    model(values, training=False)
    assert recorder.seen == [(True, True), (False, False)]


def test_a_failure_deep_inside_leaves_no_training_flag_behind():
    class FailsOnNegatives(layers.Layer):
        def call(self, inputs):
            if np.any(K.convert_to_numpy(inputs) < 0):
                raise ValueError("negative input")
            return inputs

    model = nest_identity_levels(FailsOnNegatives(name="checked"), 10)
    from graphkeras.engine import call_context

    with pytest.raises(ValueError, match="negative input"):
        model(-np.ones((1, 4), "float32"), training=True)
    assert call_context.current_training() is None
    np.testing.assert_array_equal(model(np.ones((1, 4), "float32")), np.ones((1, 4)))


def test_a_nested_model_shared_by_two_models_runs_in_both():
    nested, dense_layers = nest_dense_levels(4)
    a, b = gk.Input((4,)), gk.Input((4,))
    first = gk.Model(a, nested(a))
    second = gk.Model(b, layers.Activation("relu", name="relu")(nested(b)))
    values = np.random.default_rng(3).normal(size=(5, 4)).astype("float32")
    expected = flat_copy(dense_layers)(values)
    np.testing.assert_allclose(first(values), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(second(values), np.maximum(expected, 0), rtol=1e-5, atol=1e-6)


def test_losses_added_inside_a_nested_model_are_collected():
    def build(nested: bool) -> gk.Model:
        x = gk.Input((3,))
        regularized = layers.ActivityRegularization(l2=0.5, name="regularized")
        if not nested:
            return gk.Model(x, regularized(x))
        inner = gk.Model(x, regularized(x), name="inner")
        outer_x = gk.Input((3,))
        return gk.Model(outer_x, nest_once(inner, outer_x))

    def nest_once(inner, tensor):
        return gk.Model(x := gk.Input((3,)), inner(x), name="middle")(tensor)

    values = np.array([[1.0, 2.0, 3.0]], "float32")
    nested, flat = build(True), build(False)
    nested(values)
    flat(values)
    assert len(nested.losses) == len(flat.losses) == 1
    np.testing.assert_allclose(nested.losses[0], flat.losses[0], rtol=1e-6)
    np.testing.assert_allclose(nested.losses[0], 0.5 * 14.0, rtol=1e-6)


def test_batch_normalization_inside_nested_models_trains_like_a_flat_model():
    def build(nested: bool) -> gk.Model:
        gk.utils.set_random_seed(4)
        dense, norm = layers.Dense(3, name="d"), layers.BatchNormalization(name="bn")
        x = gk.Input((4,))
        if not nested:
            return gk.Model(x, norm(dense(x)))
        inner = gk.Model(x, norm(dense(x)), name="inner")
        model = inner
        for level in range(3):
            outer_x = gk.Input((4,))
            model = gk.Model(outer_x, model(outer_x), name=f"level{level}")
        return model

    generator = np.random.default_rng(5)
    x = generator.normal(2.0, 3.0, size=(32, 4)).astype("float32")
    y = generator.normal(size=(32, 3)).astype("float32")
    trained = []
    for nested in (True, False):
        model = build(nested)
        model.compile(optimizer=gk.optimizers.SGD(0.05), loss="mse")
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        trained.append(model)
    nested_model, flat_model = trained
    moving_mean = flat_model.get_layer("bn").moving_mean.numpy()
    assert np.abs(moving_mean).max() > 0.01  # the updates ran
    for got, expected in zip(nested_model.get_weights(), flat_model.get_weights(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        nested_model.predict(x, verbose=0), flat_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


# ------------------------------------------------------------------- masks


def embedded_tokens() -> np.ndarray:
    return np.array([[3, 1, 0, 0, 0], [4, 2, 7, 5, 0]], dtype="int32")


def test_a_mask_from_outside_flows_into_nested_models():
    embed = layers.Embedding(10, 3, mask_zero=True, name="embed")
    tokens = gk.Input((5,), dtype="int32")
    x = gk.Input((5, 3))
    inner = gk.Model(x, layers.GlobalAveragePooling1D(name="pool")(x), name="inner")
    middle = gk.Model(m := gk.Input((5, 3)), inner(m), name="middle")
    nested = gk.Model(tokens, middle(embed(tokens)))
    values = embedded_tokens()
    vectors = K.convert_to_numpy(embed(values))
    mask = values != 0
    by_hand = (vectors * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(nested(values), by_hand, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(nested.predict(values, verbose=0), by_hand, rtol=1e-5, atol=1e-6)


def test_a_mask_made_inside_a_nested_model_reaches_the_layers_after_it():
    tokens = gk.Input((5,), dtype="int32")
    embed = layers.Embedding(10, 3, mask_zero=True, name="embed")
    inner = gk.Model(tokens, embed(tokens), name="inner")
    middle = gk.Model(t := gk.Input((5,), dtype="int32"), inner(t), name="middle")
    outer_tokens = gk.Input((5,), dtype="int32")
    hidden = middle(outer_tokens)
    assert hidden._keras_mask is not None and hidden._keras_mask.shape == (None, 5)
    nested = gk.Model(outer_tokens, layers.GlobalAveragePooling1D(name="pool")(hidden))
    values = embedded_tokens()
    vectors = K.convert_to_numpy(embed(values))
    mask = values != 0
    by_hand = (vectors * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(nested(values), by_hand, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(K.convert_to_numpy(middle.compute_mask(values)), mask)


def test_a_mask_passed_explicitly_to_a_nested_model_is_used():
    tokens = gk.Input((5,), dtype="int32")
    embed = layers.Embedding(10, 3, mask_zero=True, name="embed")
    embedded = embed(tokens)
    plain = layers.Dense(3, name="plain")(embedded)  # Dense drops the mask
    x = gk.Input((5, 3))
    inner = gk.Model(x, layers.GlobalAveragePooling1D(name="pool")(x), name="inner")
    model = gk.Model(tokens, inner(plain, mask=embedded._keras_mask))
    values = embedded_tokens()
    vectors = K.convert_to_numpy(model.get_layer("plain")(embed(values)))
    mask = values != 0
    by_hand = (vectors * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(model(values), by_hand, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- configs and files


def test_from_config_of_a_nested_config_infers_each_level_once(counting_dense):
    model = nest_identity_levels(counting_dense(4, name="core"), 30)
    config = model.get_config()
    counting_dense.shape_inferences = 0
    rebuilt = gk.Model.from_config(config, custom_objects={"CountingDense": CountingDense})
    assert counting_dense.shape_inferences == 1
    assert counting_dense.calls == 0
    rebuilt.set_weights(model.get_weights())
    values = np.ones((2, 4), "float32")
    np.testing.assert_allclose(rebuilt(values), model(values), rtol=1e-6)


def test_loading_a_nested_model_runs_no_layer_on_arrays(tmp_path, counting_dense):
    tokens = gk.Input((5,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True, name="embed")(tokens)
    inner = gk.Model(tokens, counting_dense(4, name="core")(embedded), name="inner")
    model = nest_identity_levels_of(inner, 20)
    model.save(tmp_path / "nested.gk")
    counting_dense.calls = 0
    loaded = gk.models.load_model(
        tmp_path / "nested.gk", custom_objects={"CountingDense": CountingDense}
    )
    assert counting_dense.calls == 0
    values = embedded_tokens()
    np.testing.assert_allclose(loaded.predict(values, verbose=0), model.predict(values, verbose=0))


def nest_identity_levels_of(inner: gk.Model, depth: int) -> gk.Model:
    """``inner`` (one int32 input of 5 tokens) wrapped ``depth`` times."""
    model = inner
    for _ in range(depth):
        x = gk.Input((5,), dtype="int32")
        model = gk.Model(x, model(x))
    return model


class Doubled(gk.Model):
    """A subclassed model: ``2 * Dense(inputs)``, no graph of its own."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(2, kernel_initializer="ones")

    def call(self, inputs):
        return K.multiply(self.dense(inputs), 2.0)


def test_a_subclassed_model_called_on_an_input_nests_in_a_functional_model():
    # As in Keras 3: the output spec comes from running its call (here, by probing).
    doubled = Doubled()
    x = gk.Input(shape=(3,))
    y = doubled(x)
    assert y.shape == (None, 2)
    assert doubled.output_shape == (None, 2)
    outer = gk.Model(x, y)
    values = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(outer.predict(values), [[12.0, 12.0]], rtol=1e-6)
