"""compile(loss=..., loss_weights=..., metrics=..., weighted_metrics=...) in Keras 3's structures.

Every value below is known by hand. The model has fixed weights and an
optimizer that learns nothing: output ``a`` gives the row sums of X (3, -1,
4) against targets 0, output ``b`` a constant 1 against targets 3. Log keys
are compared exactly with the names Keras 3 (3.16) gives for the same
compile call.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.engine.compile_structure import output_template, spread_over_outputs

X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]], "float32")
TARGET_A = np.zeros((3, 1), "float32")
TARGET_B = np.full((3, 1), 3.0, "float32")
MSE_A, MAE_A = 26.0 / 3.0, 8.0 / 3.0  # errors 3, -1, 4
MSE_B, MAE_B = 4.0, 2.0  # errors -2, -2, -2
BY_HAND = {("a", "mse"): MSE_A, ("a", "mae"): MAE_A, ("b", "mse"): MSE_B, ("b", "mae"): MAE_B}
# Float32 losses against float64 references: 1e-6 relative.
RTOL = 1e-6


def fixed_model(outputs: str = "list") -> gk.Model:
    """Outputs ``a`` and ``b`` as a list, a tuple, a dict, one tensor, or a list of one."""
    x = gk.Input(shape=(2,), name="x")
    a = layers.Dense(1, kernel_initializer="ones", name="a")(x)
    b = layers.Dense(1, kernel_initializer="zeros", bias_initializer="ones", name="b")(x)
    structure = {
        "list": [a, b],
        "tuple": (a, b),
        "dict": {"a": a, "b": b},
        "single": a,
        "list_of_one": [a],
    }[outputs]
    return gk.Model(x, structure)


def targets_for(model: gk.Model):
    if len(model.outputs) == 1:
        return TARGET_A
    if isinstance(model.output, dict):
        return {"a": TARGET_A, "b": TARGET_B}
    return [TARGET_A, TARGET_B]


def evaluated(model: gk.Model, **compile_arguments) -> dict:
    model.compile(optimizer=gk.optimizers.SGD(learning_rate=0.0), **compile_arguments)
    return model.evaluate(X, targets_for(model), batch_size=2, verbose=0, return_dict=True)


# ------------------------------------------------------------ one output


@pytest.mark.parametrize(
    "loss",
    ["mse", ["mse"], ("mse",), {"a": "mse"}, [["mse"]], gk.losses.MeanSquaredError()],
    ids=["one", "list", "tuple", "dict", "nested_list", "object"],
)
@pytest.mark.parametrize("outputs", ["single", "list_of_one"])
def test_a_single_output_takes_one_loss_in_any_of_keras_3s_forms(loss, outputs):
    logs = evaluated(fixed_model(outputs), loss=loss)
    assert list(logs) == sorted(["loss"])  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(logs["loss"], MSE_A, rtol=RTOL)


def test_a_single_output_refuses_two_losses_naming_the_output():
    # Keras 3 silently trains on the first of the two; graphkeras says so instead.
    model = fixed_model("single")
    model.compile(optimizer="sgd", loss=["mse", "mae"])
    with pytest.raises(ValueError, match=r"loss gives output 'a' 2 values.*one loss per output"):
        model.evaluate(X, TARGET_A, verbose=0)


# ---------------------------------------------------------- two outputs


TWO_LOSSES = {
    "list": ["mse", "mae"],
    "tuple": ("mse", "mae"),
    "dict": {"a": "mse", "b": "mae"},
    "dict_reversed": {"b": "mae", "a": "mse"},
    "list_of_lists": [["mse"], ["mae"]],
    "dict_of_lists": {"a": ["mse"], "b": ("mae",)},
    "objects": [gk.losses.MeanSquaredError(), gk.losses.mean_absolute_error],
}


@pytest.mark.parametrize("loss", TWO_LOSSES.values(), ids=TWO_LOSSES.keys())
@pytest.mark.parametrize("outputs", ["list", "tuple", "dict"])
def test_two_outputs_take_one_loss_each_in_any_of_keras_3s_forms(loss, outputs):
    logs = evaluated(fixed_model(outputs), loss=loss)
    # Keras 3's keys: the total, then each output's unweighted loss.
    assert list(logs) == sorted(
        ["loss", "a_loss", "b_loss"]
    )  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(logs["a_loss"], MSE_A, rtol=RTOL)
    np.testing.assert_allclose(logs["b_loss"], MAE_B, rtol=RTOL)
    np.testing.assert_allclose(logs["loss"], MSE_A + MAE_B, rtol=RTOL)


@pytest.mark.parametrize("outputs", ["list", "tuple", "dict"])
def test_one_loss_serves_every_output(outputs):
    logs = evaluated(fixed_model(outputs), loss="mse")
    np.testing.assert_allclose(
        [logs["loss"], logs["a_loss"], logs["b_loss"]], [MSE_A + MSE_B, MSE_A, MSE_B], rtol=RTOL
    )


@pytest.mark.parametrize(
    "loss",
    [{"a": "mse"}, {"a": "mse", "b": None}, ["mse", None], [["mse"], None]],
    ids=["dict", "dict_with_none", "list_with_none", "nested_with_none"],
)
@pytest.mark.parametrize("outputs", ["list", "dict"])
def test_an_output_without_a_loss_adds_nothing_and_one_loss_logs_no_output_loss(loss, outputs):
    # Keras 3 logs <output>_loss only when there are several losses.
    logs = evaluated(fixed_model(outputs), loss=loss)
    assert list(logs) == sorted(["loss"])  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(logs["loss"], MSE_A, rtol=RTOL)


STRUCTURES = ["list", "tuple", "dict", "list_of_lists", "dict_of_lists", "dict_by_name"]


def shaped(per_output: dict, structure: str):
    """``per_output`` ({"a": loss or None, "b": ...}) written in one of compile's structures."""
    a, b = per_output["a"], per_output["b"]
    return {
        "list": [a, b],
        "tuple": (a, b),
        "dict": per_output,
        "list_of_lists": [[a] if a else None, [b] if b else None],
        "dict_of_lists": {key: [value] for key, value in per_output.items() if value},
        "dict_by_name": {key: value for key, value in per_output.items() if value},
    }[structure]


@settings(max_examples=30, deadline=None)
@given(
    loss_a=st.sampled_from(["mse", "mae", None]),
    loss_b=st.sampled_from(["mse", "mae", None]),
    structure=st.sampled_from(STRUCTURES),
    outputs=st.sampled_from(["list", "tuple", "dict"]),
    weight_a=st.sampled_from([None, 0.5, 3.0]),
)
def test_any_structure_gives_the_weighted_sum_and_keras_3s_keys(
    loss_a, loss_b, structure, outputs, weight_a
):
    per_output = {"a": loss_a, "b": loss_b}
    if loss_a is None and loss_b is None:
        return
    weights = None  # else a dict weighing every output with a loss, as Keras 3 requires
    if weight_a is not None:
        weights = {key: weight_a if key == "a" else 2.0 for key, name in per_output.items() if name}
    logs = evaluated(fixed_model(outputs), loss=shaped(per_output, structure), loss_weights=weights)
    losses = {key: BY_HAND[key, name] for key, name in per_output.items() if name}
    weight_of = weights or {}
    expected = sum(weight_of.get(key, 1.0) * value for key, value in losses.items())
    np.testing.assert_allclose(logs["loss"], expected, rtol=RTOL)
    if len(losses) > 1:
        assert list(logs) == sorted(
            ["loss", "a_loss", "b_loss"]
        )  # Keras 3 returns the logs sorted by name
        np.testing.assert_allclose([logs["a_loss"], logs["b_loss"]], [*losses.values()], rtol=RTOL)
    else:
        assert list(logs) == sorted(["loss"])  # Keras 3 returns the logs sorted by name


# ------------------------------------------------- structures that fit no output


@pytest.mark.parametrize(
    ("outputs", "loss", "expected"),
    [
        (
            "list",
            {"a": "mse", "c": "mae"},
            r"\['a', 'b'\] in loss dict.*loss.keys\(\)=\['a', 'c'\]",
        ),
        (
            "dict",
            {"a": "mse", "c": "mae"},
            r"\['a', 'b'\] in loss dict.*loss.keys\(\)=\['a', 'c'\]",
        ),
        ("single", {"output": "mse"}, r"\['a'\] in loss dict.*loss.keys\(\)=\['output'\]"),
        ("dict", {"a": {"c": "mse"}}, r"\['a'\] in loss dict.*loss.keys\(\)=\['c'\]"),
    ],
    ids=["list_outputs", "dict_outputs", "single_output", "nested"],
)
def test_a_loss_dict_key_that_is_no_output_raises_at_fit_in_keras_3s_words(outputs, loss, expected):
    model = fixed_model(outputs)
    model.compile(optimizer="sgd", loss=loss)  # accepted, as in Keras 3
    before = model.get_weights()
    for routine in (
        lambda: model.fit(X, targets_for(model), verbose=0),
        lambda: model.evaluate(X, targets_for(model), verbose=0),
        lambda: model.train_on_batch(X, targets_for(model)),
    ):
        with pytest.raises(ValueError, match="Expected keys " + expected):
            routine()
    for after, weight in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(after, weight)


@pytest.mark.parametrize(
    ("loss", "received"),
    [(["mse"], "1 entry"), (["mse", "mae", "mse"], "3 entries"), ([["mse", "mae"]], "1 entry")],
)
def test_a_loss_list_of_the_wrong_length_names_both_counts(loss, received):
    model = fixed_model("list")
    model.compile(optimizer="sgd", loss=loss)
    with pytest.raises(ValueError, match=f"loss has {received}, but the model has 2 outputs"):
        model.fit(X, targets_for(model), verbose=0)


def test_a_mismatched_loss_does_not_hide_a_later_good_compile():
    model = fixed_model("list")
    model.compile(optimizer="sgd", loss={"c": "mse"})
    model.compile(optimizer=gk.optimizers.SGD(0.0), loss={"a": "mse", "b": "mae"})
    logs = model.evaluate(X, targets_for(model), verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], MSE_A + MAE_B, rtol=RTOL)


# ------------------------------------------------------------- loss_weights


@pytest.mark.parametrize(
    "loss_weights",
    [[2.0, 0.5], (2.0, 0.5), {"a": 2.0, "b": 0.5}, [[2.0], [0.5]], {"b": [0.5], "a": 2}],
    ids=["list", "tuple", "dict", "nested", "dict_of_lists"],
)
@pytest.mark.parametrize("outputs", ["list", "dict"])
def test_loss_weights_follow_the_same_structures(loss_weights, outputs):
    logs = evaluated(fixed_model(outputs), loss="mse", loss_weights=loss_weights)
    np.testing.assert_allclose(logs["loss"], 2.0 * MSE_A + 0.5 * MSE_B, rtol=RTOL)
    np.testing.assert_allclose([logs["a_loss"], logs["b_loss"]], [MSE_A, MSE_B], rtol=RTOL)


def test_a_flat_list_of_weights_may_weigh_only_the_outputs_with_a_loss():
    # Keras 3: loss={"a": ...} on dict outputs with loss_weights=[2.0] weighs "a".
    logs = evaluated(fixed_model("dict"), loss={"a": "mse"}, loss_weights=[2.0])
    np.testing.assert_allclose(logs["loss"], 2.0 * MSE_A, rtol=RTOL)


def test_a_weight_list_that_fits_neither_outputs_nor_losses_is_refused_at_compile():
    model = fixed_model("list")
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"loss_weights has 3 entries, but the model has 2"):
        model.compile(optimizer="sgd", loss="mse", loss_weights=[1.0, 2.0, 3.0])
    assert model.evaluate(X, targets_for(model), verbose=0) == pytest.approx(
        [MSE_A + MSE_B, MSE_A, MSE_B], rel=RTOL
    )


# ------------------------------------------------------------------ metrics


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (["mae", "mse"], {"mae": MAE_A, "mse": MSE_A}),
        ("mae", {"mae": MAE_A}),
        ({"anything": ["mae"]}, {"mae": MAE_A}),  # one output: Keras 3 flattens whatever is given
        ([["mae"], "mse"], {"mae": MAE_A, "mse": MSE_A}),
        (["mae", "mae"], {"mae": MAE_A, "mae_1": MAE_A}),
        ([gk.metrics.MeanAbsoluteError()], {"mean_absolute_error": MAE_A}),
    ],
    ids=["list", "one", "dict", "nested", "repeated", "object"],
)
def test_a_single_outputs_metrics_are_named_as_keras_3_names_them(metrics, expected):
    logs = evaluated(fixed_model("single"), loss="mse", metrics=metrics)
    assert list(logs) == sorted(["loss", *expected])  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose([logs[key] for key in expected], list(expected.values()), rtol=RTOL)


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (["mae", "mse"], {"a_mae": MAE_A, "b_mse": MSE_B}),  # one entry per output
        ([["mae", "mse"], ["mae"]], {"a_mae": MAE_A, "a_mse": MSE_A, "b_mae": MAE_B}),
        ({"b": ["mae", "mse"]}, {"b_mae": MAE_B, "b_mse": MSE_B}),
        ({"a": "mae", "b": None}, {"a_mae": MAE_A}),
        ((None, ("mse",)), {"b_mse": MSE_B}),
    ],
    ids=["list", "list_of_lists", "dict", "dict_with_none", "tuple"],
)
@pytest.mark.parametrize("outputs", ["list", "dict"])
def test_each_outputs_metrics_are_prefixed_with_its_name(metrics, expected, outputs):
    logs = evaluated(fixed_model(outputs), loss="mse", metrics=metrics)
    assert list(logs) == sorted(
        ["loss", *expected, "a_loss", "b_loss"]
    )  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose([logs[key] for key in expected], list(expected.values()), rtol=RTOL)


@pytest.mark.parametrize(
    ("metrics", "expected"),
    [
        (["mae"], r"metrics has 1 entry, but the model has 2 outputs"),
        ({"c": ["mae"]}, r"Expected keys \['a', 'b'\] in metrics dict.*\['c'\]"),
        ("mae", r"2 outputs \['a', 'b'\]: pass metrics as a list with one entry per output"),
    ],
    ids=["short_list", "unknown_key", "one_metric"],
)
def test_metrics_that_fit_no_output_raise_when_evaluate_starts(metrics, expected):
    model = fixed_model("list")
    model.compile(optimizer="sgd", loss="mse", metrics=metrics)
    with pytest.raises(ValueError, match=expected):
        model.evaluate(X, targets_for(model), verbose=0)


def test_an_unknown_metric_name_still_fails_at_compile():
    with pytest.raises(ValueError, match="no_such_metric"):
        fixed_model("list").compile(optimizer="sgd", loss="mse", metrics={"a": ["no_such_metric"]})


# --------------------------------------------------------- weighted_metrics

SAMPLE_WEIGHT = np.array([1.0, 0.0, 2.0], "float32")
WEIGHTED_MAE_A = (3.0 * 1.0 + 4.0 * 2.0) / 3.0  # weighted mean of |3|, |-1|, |4|
WEIGHTED_MSE_A = (9.0 * 1.0 + 16.0 * 2.0) / 3.0  # the loss: summed, over the batch size


def weighted_logs(model: gk.Model, **compile_arguments) -> dict:
    model.compile(optimizer=gk.optimizers.SGD(0.0), **compile_arguments)
    return model.evaluate(
        X, targets_for(model), sample_weight=SAMPLE_WEIGHT, verbose=0, return_dict=True
    )


def test_weighted_metrics_see_the_sample_weights_and_take_weighted_on_a_taken_name():
    logs = weighted_logs(
        fixed_model("single"), loss="mse", metrics=["mae"], weighted_metrics=["mae", "mae"]
    )
    assert list(logs) == sorted(
        ["loss", "mae", "weighted_mae", "weighted_mae_1"]
    )  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(
        [logs["loss"], logs["mae"], logs["weighted_mae"], logs["weighted_mae_1"]],
        [WEIGHTED_MSE_A, MAE_A, WEIGHTED_MAE_A, WEIGHTED_MAE_A],
        rtol=RTOL,
    )


def test_a_weighted_metric_whose_name_is_free_keeps_it():
    # Keras 3 adds "weighted_" only when an unweighted metric already has the name.
    logs = weighted_logs(fixed_model("single"), loss="mse", weighted_metrics=["mae"])
    assert list(logs) == sorted(["loss", "mae"])  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(logs["mae"], WEIGHTED_MAE_A, rtol=RTOL)


def test_weighted_metrics_per_output_are_named_output_weighted_metric():
    logs = weighted_logs(
        fixed_model("list"),
        loss="mse",
        metrics={"a": ["mae"]},
        weighted_metrics={"a": ["mae"], "b": "mae"},
    )
    assert list(logs) == sorted(
        ["loss", "a_mae", "a_weighted_mae", "b_mae", "a_loss", "b_loss"]
    )  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(
        [logs["a_mae"], logs["a_weighted_mae"], logs["b_mae"]],
        [MAE_A, WEIGHTED_MAE_A, MAE_B],  # b's errors are all 2, whatever the weights
        rtol=RTOL,
    )


def test_a_metric_object_given_by_the_user_keeps_its_name():
    metric = gk.metrics.MeanAbsoluteError(name="my_mae")
    model = fixed_model("list")
    for _ in range(2):  # compiling again must not prefix twice
        logs = evaluated(model, loss="mse", metrics={"b": [metric]})
    assert metric.name == "my_mae"
    assert list(logs) == sorted(
        ["loss", "b_my_mae", "a_loss", "b_loss"]
    )  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(logs["b_my_mae"], MAE_B, rtol=RTOL)


# ------------------------------------------------------- lists and history


def test_evaluate_lists_loss_output_losses_then_metrics_sorted_as_keras_3():
    model = fixed_model("list")
    logs = evaluated(model, loss="mse", metrics={"b": ["mse"], "a": ["mse", "mae"]})
    listed = model.evaluate(X, targets_for(model), verbose=0)
    order = ["loss", "a_loss", "b_loss", "a_mae", "a_mse", "b_mse"]
    np.testing.assert_allclose(listed, [logs[key] for key in order], rtol=RTOL)
    np.testing.assert_allclose(listed[3:], [MAE_A, MSE_A, MSE_B], rtol=RTOL)


def test_history_holds_keras_3s_keys_for_structured_compiles():
    model = fixed_model("dict")
    model.compile(
        optimizer=gk.optimizers.SGD(0.0),
        loss={"a": "mse", "b": ["mae"]},
        metrics={"a": ["mae"]},
        weighted_metrics=[None, ["mse"]],
    )
    data = targets_for(model)
    history = model.fit(X, data, validation_data=(X, data), epochs=1, verbose=0)
    keys = ["loss", "a_mae", "b_mse", "a_loss", "b_loss"]
    assert set(history.history) == {*keys, *(f"val_{key}" for key in keys)}
    np.testing.assert_allclose(
        [history.history[key][0] for key in keys],
        [MSE_A + MAE_B, MAE_A, MSE_B, MSE_A, MAE_B],
        rtol=RTOL,
    )


def test_a_tuple_and_nested_compile_config_round_trips():
    model = fixed_model("tuple")
    model.compile(
        optimizer="sgd",
        loss=("mse", ["mae"]),
        loss_weights=(2.0, 0.5),
        metrics=(["mae"], None),
    )
    copy = fixed_model("tuple")
    copy.compile_from_config(model.get_compile_config())
    logs = copy.evaluate(X, (TARGET_A, TARGET_B), verbose=0, return_dict=True)
    assert list(logs) == sorted(
        ["loss", "a_mae", "a_loss", "b_loss"]
    )  # Keras 3 returns the logs sorted by name
    np.testing.assert_allclose(logs["loss"], 2.0 * MSE_A + 0.5 * MAE_B, rtol=RTOL)


# --------------------------------------------------------- the matching itself


def test_output_template_puts_each_output_name_in_the_outputs_place():
    x = gk.Input(shape=(1,))
    assert output_template([x], ["a"]) == "a"
    assert output_template((x, x), ["a", "b"]) == ("a", "b")
    assert output_template({"q": x, "p": x}, ["p", "q"]) == {"q": "q", "p": "p"}
    assert output_template(None, ["output"]) == "output"


def test_spread_follows_nested_templates_level_by_level():
    template = {"head": ["a", "b"], "tail": "c"}
    spread = spread_over_outputs({"head": ["mse", ["mae"]], "tail": "huber"}, template, "loss", "m")
    assert spread == ["mse", "mae", "huber"]
    assert spread_over_outputs({"tail": "mse"}, template, "loss", "m") == [None, None, "mse"]
    assert spread_over_outputs(["x", "y", "z"], template, "loss", "m") == ["x", "y", "z"]
    with pytest.raises(ValueError, match=r"Expected keys \['a', 'b'\]"):
        spread_over_outputs({"head": {"d": "mse"}}, template, "loss", "m")


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from(["mse", "mae", None]), min_size=1, max_size=4),
    container=st.sampled_from([list, tuple, dict]),
    form=st.sampled_from(["list", "tuple", "dict", "nested", "by_name"]),
)
def test_every_form_of_one_value_per_output_spreads_back_to_those_values(values, container, form):
    names = [f"out_{index}" for index in range(len(values))]
    template = output_template(
        dict.fromkeys(names) if container is dict else container(names), names
    )
    by_name = dict(zip(names, values, strict=True))
    given_value = {
        "list": list(values),
        "tuple": tuple(values),
        "dict": by_name,
        "nested": [[value] for value in values],
        "by_name": {name: value for name, value in by_name.items() if value is not None},
    }[form]
    assert spread_over_outputs(given_value, template, "loss", "m") == values
