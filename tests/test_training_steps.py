"""The steps ``fit`` is built from, overridden as Keras 3's "customizing fit" guide shows.

``train_step(data)``, ``test_step(data)`` and ``predict_step(data)`` get each
batch as the user gave it; ``compute_loss`` and ``compute_metrics`` are the
pieces a step calls; ``Model.metrics`` lists the loss tracker, the compiled
metrics (one metric, ``compile_metrics``) and the model's own metrics.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


def regression_data(rows: int = 32, seed: int = 1):
    generator = np.random.default_rng(seed)
    x = generator.normal(size=(rows, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
    return x, y


def build(cls=gk.Model, seed: int = 0, **compile_arguments) -> gk.Model:
    gk.utils.set_random_seed(seed)
    inputs = gk.Input(shape=(3,))
    model = cls(inputs, layers.Dense(1)(layers.Dense(4, activation="tanh")(inputs)))
    arguments = {"optimizer": gk.optimizers.SGD(0.05), "loss": "mse", "metrics": ["mae"]}
    arguments.update(compile_arguments)
    model.compile(**arguments)
    return model


class GuideModel(gk.Model):
    """The guide's first example: the compiled loss, then every metric of ``self.metrics``."""

    def train_step(self, data):
        x, y = data
        with K.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {metric.name: metric.result() for metric in self.metrics}


# ------------------------------------------------------------ train_step


def test_the_guides_train_step_trains_as_the_built_in_step_does():
    x, y = regression_data()
    guide, built_in = build(GuideModel), build()
    by_guide = guide.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    by_built_in = built_in.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    # The guide's step runs the built-in step's ops in the same order (the loss through
    # the same compute_loss, the same optimizer): the weights agree bit for bit.
    for a, b in zip(guide.get_weights(), built_in.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    # Its logs hold {"loss": ..., "compile_metrics": {"mae": ...}}, flattened as Keras does.
    assert by_guide.history == by_built_in.history
    assert sorted(by_guide.history) == ["loss", "mae"]


def test_a_subclassed_train_step_reaches_the_built_in_accuracy_on_the_digits():
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0

    class Classifier(gk.Model):
        def train_step(self, data):
            x, y, sample_weight = unpack_x_y_sample_weight(data)
            with K.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(x, y, y_pred, sample_weight)
            variables = self.trainable_variables
            self.optimizer.apply_gradients(
                zip(tape.gradient(loss, variables), variables, strict=True)
            )
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight)
            return self.get_metrics_result()

    def classifier(cls):
        gk.utils.set_random_seed(3)
        inputs = gk.Input(shape=(64,))
        hidden = layers.Dense(32, activation="relu")(inputs)
        model = cls(inputs, layers.Dense(10, activation="softmax")(hidden))
        model.compile(
            optimizer=gk.optimizers.Adam(0.01),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    # Whole batches and one evaluation batch: one program per step kind on JAX.
    rows = len(x_train) // 64 * 64
    custom, built_in = classifier(Classifier), classifier(gk.Model)
    for model in (custom, built_in):
        model.fit(x_train[:rows], y_train[:rows], batch_size=64, epochs=5, shuffle=False, verbose=0)
    custom_loss, custom_accuracy = custom.evaluate(
        x_test, y_test, batch_size=len(x_test), verbose=0
    )
    loss, accuracy = built_in.evaluate(x_test, y_test, batch_size=len(x_test), verbose=0)
    # Same ops in the same order on the same batches: the same numbers, exactly.
    assert (custom_loss, custom_accuracy) == (loss, accuracy)
    assert accuracy > 0.9  # chance is 0.1


def test_train_step_sees_the_batch_as_fit_was_given_it():
    seen = []

    class Spy(gk.Model):
        def train_step(self, data):
            seen.append(data)
            return super().train_step(data)

    x, y = regression_data(rows=4)
    weights = np.ones(4, "float32")
    # Op by op, so the step keeps arrays: a compiled step (JAX) sees placeholders.
    model = build(Spy, run_eagerly=True)
    model.fit(x, y, batch_size=4, shuffle=False, verbose=0)
    model.fit(x, y, sample_weight=weights, batch_size=4, shuffle=False, verbose=0)
    (pair,), (triple,) = seen[:1], seen[1:2]
    assert isinstance(pair, tuple) and len(pair) == 2
    np.testing.assert_array_equal(pair[0], x)
    np.testing.assert_array_equal(pair[1], y)
    assert len(triple) == 3
    np.testing.assert_array_equal(triple[2], weights)


def test_a_model_without_targets_gets_x_alone():
    seen = []

    class Penalised(gk.Model):
        def train_step(self, data):
            seen.append(data)
            return super().train_step(data)

    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(3,))
    outputs = layers.ActivityRegularization(l2=1.0)(layers.Dense(2)(inputs))
    model = Penalised(inputs, outputs)
    model.compile(optimizer="sgd")
    x, _ = regression_data(rows=4)
    history = model.fit(x, batch_size=4, epochs=2, verbose=0)
    assert seen and all(K.is_tensor(data) and tuple(data.shape) == (4, 3) for data in seen)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_a_model_with_no_trainable_weights_measures_but_does_not_change():
    x, y = regression_data()
    model = build()
    model.trainable = False
    before = model.get_weights()
    with pytest.warns(UserWarning, match="has no trainable weights"):
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    expected = float(np.mean((model.predict(x) - y) ** 2))
    np.testing.assert_allclose(history.history["loss"], [expected, expected], rtol=1e-6)


def test_a_subclassed_model_trains_from_its_first_batch():
    class TwoLayers(gk.Model):
        def __init__(self):
            super().__init__()
            self.hidden = layers.Dense(4, activation="tanh")
            self.out = layers.Dense(1)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

    gk.utils.set_random_seed(0)
    model = TwoLayers()
    model.compile(optimizer=gk.optimizers.SGD(0.05), loss="mse")
    x, y = regression_data(rows=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the first step already finds the weights it built
        model.fit(x, y, batch_size=8, verbose=0)
    assert int(K.convert_to_numpy(model.optimizer.iterations)) == 1


# ------------------------------------------------- compute_loss, compute_metrics


def test_compute_loss_can_be_overridden_and_an_override_without_training_is_called():
    class AbsoluteLoss(gk.Model):
        def compute_loss(self, x, y, y_pred, sample_weight):  # Keras < 3.3 spelling
            return K.mean(K.abs(y - y_pred))

    x, y = regression_data()
    model = build(AbsoluteLoss, optimizer=gk.optimizers.SGD(0.0))
    expected = float(np.mean(np.abs(model.predict(x) - y)))
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    np.testing.assert_allclose(results["loss"], expected, rtol=1e-6)
    np.testing.assert_allclose(results["mae"], expected, rtol=1e-6)


def test_compute_loss_receives_training():
    flags = []

    class Flagged(gk.Model):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            flags.append(training)
            return super().compute_loss(x, y, y_pred, sample_weight, training)

    x, y = regression_data(rows=8)
    model = build(Flagged)
    model.fit(x, y, batch_size=8, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert flags == [True, False]


def test_compute_metrics_can_add_a_metric_of_its_own():
    class WithMaximum(gk.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.largest_error = gk.metrics.Mean(name="largest_error")

        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            results = super().compute_metrics(x, y, y_pred, sample_weight)
            self.largest_error.update_state(K.max(K.abs(y - y_pred)))
            results["largest_error"] = self.largest_error.result()
            return results

    x, y = regression_data()
    model = build(WithMaximum)
    assert model.metrics_names == ["loss", "compile_metrics", "largest_error"]
    results = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    errors = np.abs(model.predict(x) - y)
    np.testing.assert_allclose(results["largest_error"], errors.max(), rtol=1e-6)
    np.testing.assert_allclose(results["mae"], errors.mean(), rtol=1e-6)


def test_the_guides_own_metrics_with_no_compiled_loss():
    class OwnMetrics(gk.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = gk.metrics.Mean(name="loss")
            self.mae_metric = gk.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = gk.losses.MeanSquaredError()

        def train_step(self, data):
            x, y = data
            with K.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.loss_fn(y, y_pred)
            gradients = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply(gradients, self.trainable_variables)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    x, y = regression_data()
    model = build(OwnMetrics, loss=None, metrics=None, optimizer=gk.optimizers.SGD(0.05))
    history = model.fit(x, y, batch_size=32, epochs=2, verbose=0)
    # One batch an epoch, and the metrics start over each epoch: the first epoch's
    # mae is that of the initial weights, measured by hand on a twin model.
    twin = build(OwnMetrics, loss=None, metrics=None)
    np.testing.assert_allclose(
        history.history["mae"][0], np.mean(np.abs(twin.predict(x) - y)), rtol=1e-6
    )
    assert history.history["loss"][1] < history.history["loss"][0]


# ------------------------------------------------------- test and predict steps


def test_a_custom_test_step_serves_evaluate_and_fit_validation():
    class Halved(gk.Model):
        def test_step(self, data):
            x, y = data
            loss = self.compute_loss(y=y, y_pred=self(x, training=False))
            return {"half_loss": K.multiply(loss, 0.5)}

    x, y = regression_data()
    model = build(Halved, optimizer=gk.optimizers.SGD(0.0))
    expected = float(np.mean((model.predict(x) - y) ** 2)) / 2
    assert model.evaluate(x, y, batch_size=32, verbose=0) == pytest.approx(expected, rel=1e-6)
    history = model.fit(x, y, batch_size=32, validation_data=(x, y), verbose=0)
    np.testing.assert_allclose(history.history["val_half_loss"], [expected], rtol=1e-6)


def test_a_custom_predict_step_shapes_predict_and_predict_on_batch():
    class Doubled(gk.Model):
        def predict_step(self, data):
            x, _, _ = unpack_x_y_sample_weight(data)
            return {"twice": K.multiply(self(x, training=False), 2.0)}

    x, _ = regression_data()
    model = build(Doubled)
    plain = gk.Model.predict(build(), x)
    # Two computations (batches of 5 and of 32; XLA may order the sums differently):
    # float32 rounding near zero needs an absolute tolerance too.
    np.testing.assert_allclose(
        model.predict(x, batch_size=5)["twice"], 2 * plain, rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(model.predict_on_batch(x[:4])["twice"], 2 * plain[:4], rtol=1e-6)


# -------------------------------------------------------------- Model.metrics


def two_output_model() -> gk.Model:
    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(3,))
    return gk.Model(inputs, [layers.Dense(1, name="a")(inputs), layers.Dense(1, name="b")(inputs)])


def test_metrics_list_the_loss_then_compile_metrics_then_each_output_loss():
    model = two_output_model()
    assert model.metrics == []
    model.compile(optimizer="sgd", loss="mse", metrics={"a": ["mae"]})
    assert model.metrics_names == ["loss", "compile_metrics", "a_loss", "b_loss"]
    model.compile(optimizer="sgd", loss="mse")
    assert model.metrics_names == ["loss", "a_loss", "b_loss"]  # no metrics: no compile_metrics


def test_evaluate_lists_the_results_in_metrics_order():
    x, y = regression_data()
    model = two_output_model()
    model.compile(optimizer="sgd", loss="mse", metrics={"a": ["mae"]})
    values = model.evaluate(x, [y, -y], verbose=0)
    results = model.evaluate(x, [y, -y], verbose=0, return_dict=True)
    # Keras 3.16 lists loss, the metric objects' own names ("mae", not a key here),
    # the output losses, then the rest by name: [loss, a_loss, b_loss, a_mae].
    assert values == [results[name] for name in ("loss", "a_loss", "b_loss", "a_mae")]


def test_get_metrics_result_and_reset_metrics():
    x, y = regression_data()
    model = build()
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    results = model.get_metrics_result()
    assert sorted(results) == ["loss", "mae"]
    np.testing.assert_allclose(
        [float(results["loss"]), float(results["mae"])],
        [
            logs["loss"],
            logs["mae"],
        ],
        rtol=1e-7,
    )
    model.reset_metrics()
    assert {name: float(value) for name, value in model.get_metrics_result().items()} == {
        "loss": 0.0,
        "mae": 0.0,
    }


def test_the_compiled_metrics_variables_keep_their_own_names_in_the_state_tree():
    x, y = regression_data()
    model = build()
    model.fit(x, y, verbose=0)
    # "mae" made a MeanAbsoluteError, whose variables were made under its own name (Keras 3).
    assert sorted(model.get_state_tree()["metrics_variables"]) == ["loss", "mean_absolute_error"]
    assert len(model.metrics_variables) == 4


# ---------------------------------------------------------- packing helpers


def test_unpack_and_pack_x_y_sample_weight_are_inverse():
    x, y, w = np.ones((2, 3)), np.zeros((2, 1)), np.ones(2)
    assert unpack_x_y_sample_weight(x) == (x, None, None)
    assert unpack_x_y_sample_weight((x,)) == (x, None, None)
    assert unpack_x_y_sample_weight([x, y]) == (x, y, None)
    assert unpack_x_y_sample_weight((x, y, w)) == (x, y, w)
    assert pack_x_y_sample_weight(x) is x
    assert pack_x_y_sample_weight([x, x]) == ([x, x],)
    assert pack_x_y_sample_weight(x, y) == (x, y)
    assert pack_x_y_sample_weight(x, y, w) == (x, y, w)
    with pytest.raises(ValueError, match=r"tuple of 4 elements \(ndarray of shape \(2, 3\)"):
        unpack_x_y_sample_weight((x, y, w, w))
