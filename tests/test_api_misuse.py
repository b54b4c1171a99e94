"""Misuse of the training API gets a clear error and leaves the model as it was.

Each test makes the mistake, checks the error names what was expected and
what was received, then checks that every weight is unchanged and the model
still predicts.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers


@pytest.fixture
def model():
    features = gk.Input((4,), name="features")
    net = gk.Model(features, layers.Dense(2, name="out")(features), name="net")
    net.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return net


def rows(count: int, width: int = 4) -> np.ndarray:
    return np.random.default_rng(count + width).normal(size=(count, width)).astype("float32")


def assert_untouched(model, weights_before) -> None:
    """Every weight is the very array it was: a refused call promises to assign nothing,
    so the stored values are compared exactly (nothing is recomputed)."""
    for before, after in zip(weights_before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(after, before)
    assert model.predict(rows(3), verbose=0).shape == (3, 2)


def test_predict_on_zero_rows_gives_empty_outputs_of_the_right_shape(model):
    result = model.predict(np.zeros((0, 4), "float32"), verbose=0)
    assert result.shape == (0, 2) and result.dtype == np.float32


def test_predict_on_zero_rows_of_a_multi_output_model_gives_one_empty_array_each():
    features = gk.Input((4,))
    outputs = [layers.Dense(2, name="a")(features), layers.Dense(3, name="b")(features)]
    result = gk.Model(features, outputs).predict(np.zeros((0, 4), "float32"), verbose=0)
    assert [array.shape for array in result] == [(0, 2), (0, 3)]


def test_evaluate_on_zero_rows_reports_every_loss_and_metric(model):
    assert model.evaluate(rows(0), np.zeros((0, 2)), verbose=0, return_dict=True) == {
        "loss": 0.0,
        "mae": 0.0,
    }
    assert model.evaluate(rows(0), np.zeros((0, 2)), verbose=0) == [0.0, 0.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.fit(rows(8, 5), rows(8, 2), epochs=2, verbose=0),
        lambda m: m.evaluate(rows(8, 5), rows(8, 2), verbose=0),
        lambda m: m.train_on_batch(rows(8, 5), rows(8, 2)),
        lambda m: m.test_on_batch(rows(8, 5), rows(8, 2)),
        lambda m: m.predict(rows(8, 5), verbose=0),
    ],
    ids=["fit", "evaluate", "train_on_batch", "test_on_batch", "predict"],
)
def test_a_wrong_feature_width_gets_the_input_shape_error_everywhere(model, call):
    before = model.get_weights()
    with pytest.raises(
        ValueError, match=r'"net".*expected shape=\(None, 4\), found shape=\(8, 5\)'
    ):
        call(model)
    assert_untouched(model, before)


def test_bad_validation_data_is_refused_before_the_first_epoch(model):
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"expected shape=\(None, 4\), found shape=\(3, 5\)"):
        model.fit(rows(8), rows(8, 2), validation_data=(rows(3, 5), rows(3, 2)), verbose=0)
    assert_untouched(model, before)


def test_validation_data_with_mismatched_rows_is_refused_before_training(model):
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.fit(rows(8), rows(8, 2), validation_data=(rows(3), rows(5, 2)), verbose=0)
    assert_untouched(model, before)


@pytest.mark.parametrize("batch_size", [0, -1, -32])
@pytest.mark.parametrize(
    "call",
    [
        lambda m, b: m.fit(rows(8), rows(8, 2), batch_size=b, verbose=0),
        lambda m, b: m.evaluate(rows(8), rows(8, 2), batch_size=b, verbose=0),
        lambda m, b: m.predict(rows(8), batch_size=b, verbose=0),
    ],
    ids=["fit", "evaluate", "predict"],
)
def test_batch_size_below_one_is_refused(model, call, batch_size):
    before = model.get_weights()
    with pytest.raises(ValueError, match=f"batch_size must be a positive int.*{batch_size}"):
        call(model, batch_size)
    assert_untouched(model, before)


def test_fit_without_targets_on_a_model_compiled_with_a_loss_says_what_it_needs(model):
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"'net' was compiled with a loss.*\['out'\].*y=None"):
        model.fit(rows(8), None, verbose=0)
    assert_untouched(model, before)


@pytest.mark.parametrize(
    "weights, found",
    [
        ([np.full((4, 2), None, dtype=object), np.zeros(2)], "dtype object"),
        ([np.full((4, 2), "a"), np.zeros(2)], "dtype <U1"),
        ([np.zeros((4, 2)), None], None),
    ],
    ids=["objects", "text", "None"],
)
def test_set_weights_refuses_what_is_not_numbers_and_assigns_nothing(model, weights, found):
    before = model.get_weights()
    with pytest.raises(ValueError, match="'net'.*set_weights received") as caught:
        model.set_weights(weights)
    if found:
        assert found in str(caught.value)
    assert_untouched(model, before)


def test_a_scalar_weight_refuses_none():
    features = gk.Input((2,))
    prelu = layers.PReLU(alpha_initializer="ones", shared_axes=[1], name="prelu")
    model = gk.Model(features, prelu(features))
    before = model.get_weights()
    assert before[0].shape == (1,)
    with pytest.raises(ValueError, match="'prelu'"):
        prelu.set_weights([None])
    assert_untouched_arrays(model.get_weights(), before)


def assert_untouched_arrays(after, before) -> None:
    """Stored weights compared exactly: nothing was assigned, so nothing may differ."""
    for was, now in zip(before, after, strict=True):
        np.testing.assert_array_equal(now, was)


@pytest.mark.parametrize(
    "value, described",
    [
        (np.full((2, 4), "a"), "an array of dtype <U1 and shape (2, 4)"),
        (np.full((2, 4), None, dtype=object), "an array of dtype object and shape (2, 4)"),
    ],
)
def test_text_or_objects_into_a_model_name_the_model_and_what_came(model, value, described):
    before = model.get_weights()
    with pytest.raises(ValueError, match="Model 'net' computes on numbers") as caught:
        model(value)
    assert described in str(caught.value)
    assert_untouched(model, before)


def test_a_string_into_a_layer_names_the_layer_and_the_string():
    dense = layers.Dense(2, name="d")
    with pytest.raises(ValueError, match="Dense 'd' computes on numbers.*a str 'hello'"):
        dense("hello")
    assert not dense.built


def test_k_function_on_a_tensor_inside_a_nested_model_names_it():
    outer_input, inner_input = gk.Input((2,)), gk.Input((2,))
    hidden = layers.Dense(2, name="hidden")(inner_input)
    inner = gk.Model(inner_input, layers.Dense(1, name="top")(hidden), name="inner")
    outer = gk.Model(outer_input, inner(outer_input))
    with pytest.raises(ValueError, match=r"cannot compute outputs \[\"layer 'hidden' output 0\"\]"):
        gk.backend.function(outer.inputs, [hidden])
    value = gk.backend.function(inner.inputs, [hidden])([np.ones((1, 2), "float32")])[0]
    np.testing.assert_allclose(
        value, inner.get_layer("hidden")(np.ones((1, 2), "float32")), rtol=1e-6
    )


def test_appending_to_the_input_list_after_a_call_leaves_the_node_as_it_was():
    first, second, third = (gk.Input((3,)) for _ in range(3))
    inputs = [first, second]
    total = layers.Add()(inputs)
    inputs.append(third)
    node = total._keras_history.layer._inbound_nodes[0]
    assert len(node.input_tensors) == 2
    assert node.input_tensors[0] is first and node.input_tensors[1] is second
    model = gk.Model([first, second], total)
    result = model.predict([np.ones((1, 3)), np.full((1, 3), 2.0)], verbose=0)
    np.testing.assert_allclose(result, np.full((1, 3), 3.0), rtol=1e-6)
