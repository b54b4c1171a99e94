"""Callbacks, driven the way ``Model.fit`` / ``evaluate`` / ``predict`` drive them.

A small fake model stands in for the real one: it implements only the model
protocol callbacks rely on (weights as numpy arrays, ``stop_training``, an
optimizer with a float ``learning_rate``, atomic ``save_weights``). Each
training step adds 1 to every weight, so a weight's value says how many steps
the model has taken, and which epoch a restored set of weights came from.
"""

from __future__ import annotations

import io
import math
import os
import sys

import numpy as np
import pytest

from graphkeras import callbacks
from graphkeras.callbacks import (
    Callback,
    CallbackList,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from graphkeras.saving.weights_file import read_weights_npz, save_weights_npz

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

# ---------------------------------------------------------------------------
# The fake model and a loop that calls the hooks as fit/evaluate/predict will.


class FakeOptimizer:
    def __init__(self, learning_rate: float = 1.0) -> None:
        self.learning_rate = learning_rate


class FakeLayer:
    def __init__(self, name: str, weights: list) -> None:
        self.name = name
        self.weights = weights


class FakeModel:
    """The model protocol: get/set/save weights, ``stop_training``, ``optimizer``, ``history``."""

    def __init__(self, learning_rate: float = 1.0) -> None:
        self.layers = [FakeLayer("dense", [np.zeros((2, 3)), np.zeros(3)])]
        self.optimizer = FakeOptimizer(learning_rate)
        self.stop_training = False
        self.history = None

    def get_weights(self) -> list:
        return [weight.copy() for layer in self.layers for weight in layer.weights]

    def set_weights(self, weights: list) -> None:
        weights = iter(weights)
        for layer in self.layers:
            layer.weights = [np.array(next(weights), copy=True) for _ in layer.weights]

    def save_weights(self, filepath) -> None:
        save_weights_npz(self, filepath)

    def train_step(self, loss: float) -> None:
        """One optimizer step: +1 on every weight, or NaN everywhere when the loss blew up."""
        for layer in self.layers:
            for weight in layer.weights:
                weight += 1.0 if math.isfinite(loss) else math.nan

    @property
    def steps_taken(self) -> float:
        return float(self.layers[0].weights[0][0, 0])


class SavingModel(FakeModel):
    """A model that can also save itself whole; records the paths."""

    def __init__(self) -> None:
        super().__init__()
        self.saved_to: list[str] = []

    def save(self, filepath) -> None:
        self.saved_to.append(filepath)


def fit(model, epoch_logs, callbacks=(), steps=2, verbose=0, batch_losses=None, validate=False):
    """Drive the training hooks as ``Model.fit`` will; one epoch per entry of ``epoch_logs``.

    ``epoch_logs[e]`` is added to epoch ``e``'s logs (the ``val_`` results);
    ``batch_losses`` gives each batch's loss in order (default 1 / (epoch + 1)).
    ``validate`` runs a two-batch validation pass through the ``on_test_*`` hooks.
    """
    callback_list = CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=len(epoch_logs),
        steps=steps,
    )
    model.stop_training = False
    losses = iter(batch_losses) if batch_losses is not None else None
    callback_list.on_train_begin()
    logs: dict = {}
    for epoch, extra in enumerate(epoch_logs):
        callback_list.on_epoch_begin(epoch)
        for batch in range(steps):
            callback_list.on_train_batch_begin(batch)
            loss = next(losses) if losses is not None else 1.0 / (epoch + 1)
            model.train_step(loss)
            callback_list.on_train_batch_end(batch, {"loss": loss})
            if model.stop_training:
                break
        if validate:
            callback_list.on_test_begin()
            for batch in range(2):
                callback_list.on_test_batch_begin(batch)
                callback_list.on_test_batch_end(batch, {"loss": 9.0})
            callback_list.on_test_end({"loss": 9.0})
        logs = {"loss": loss, **extra}
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end(logs)
    return model.history


def val_losses(*values) -> list[dict]:
    return [{"val_loss": value} for value in values]


def evaluate(model, steps=3, verbose=1, callbacks=()):
    """Drive the ``on_test_*`` hooks as ``Model.evaluate`` will."""
    callback_list = CallbackList(
        callbacks, add_progbar=verbose != 0, model=model, verbose=verbose, epochs=1, steps=steps
    )
    callback_list.on_test_begin()
    for batch in range(steps):
        callback_list.on_test_batch_begin(batch)
        callback_list.on_test_batch_end(batch, {"loss": 0.5})
    callback_list.on_test_end({"loss": 0.5})


def predict(model, steps=3, verbose=1, callbacks=()):
    """Drive the ``on_predict_*`` hooks as ``Model.predict`` will."""
    callback_list = CallbackList(
        callbacks, add_progbar=verbose != 0, model=model, verbose=verbose, epochs=1, steps=steps
    )
    callback_list.on_predict_begin()
    for batch in range(steps):
        callback_list.on_predict_batch_begin(batch)
        callback_list.on_predict_batch_end(batch, {"outputs": np.zeros((4, 2))})
    callback_list.on_predict_end()


class Recorder(Callback):
    """Records every hook call as ``(hook, *arguments)``."""

    def __init__(self, tag: str = "") -> None:
        super().__init__()
        self.tag = tag
        self.calls: list[tuple] = []

    def __getattribute__(self, name):
        attribute = super().__getattribute__(name)
        if name.startswith("on_") and callable(attribute):

            def record(*args, **kwargs):
                self.calls.append((self.tag + name, *args, *kwargs.values()))
                return attribute(*args, **kwargs)

            return record
        return attribute


# ---------------------------------------------------------------------------
# Callback and CallbackList


def test_public_names():
    assert sorted(callbacks.__all__) == sorted(
        [
            "Callback",
            "CallbackList",
            "CSVLogger",
            "EarlyStopping",
            "History",
            "LambdaCallback",
            "LearningRateScheduler",
            "ModelCheckpoint",
            "MonitorCallback",
            "ProgbarLogger",
            "ReduceLROnPlateau",
            "TensorBoard",
            "TerminateOnNaN",
        ]
    )
    for name in callbacks.__all__:
        assert getattr(callbacks, name).__name__ == name


def test_base_callback_hooks_do_nothing_and_hold_model_and_params():
    callback = Callback()
    assert callback.model is None and callback.params is None
    model = FakeModel()
    callback.set_model(model)
    callback.set_params({"verbose": 0, "epochs": 2, "steps": 3})
    assert callback.model is model
    assert callback.params == {"verbose": 0, "epochs": 2, "steps": 3}
    for hook in ("train", "test", "predict"):
        assert getattr(callback, f"on_{hook}_begin")({}) is None
        assert getattr(callback, f"on_{hook}_end")({}) is None
        assert getattr(callback, f"on_{hook}_batch_begin")(0, {}) is None
        assert getattr(callback, f"on_{hook}_batch_end")(0, {}) is None
    assert callback.on_epoch_begin(0) is None and callback.on_epoch_end(0, {}) is None


def test_train_batch_hooks_reach_the_older_on_batch_names():
    class OldStyle(Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_batch_begin(self, batch, logs=None):
            self.seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            self.seen.append(("end", batch, logs["loss"]))

    old_style = OldStyle()
    fit(FakeModel(), [{}], [old_style], steps=2)
    assert old_style.seen == [("begin", 0), ("end", 0, 1.0), ("begin", 1), ("end", 1, 1.0)]


def test_callback_list_forwards_every_hook_to_each_callback_in_order():
    first, second = Recorder("a."), Recorder("b.")
    callback_list = CallbackList([first, second], model=FakeModel())
    callback_list.on_train_begin()
    callback_list.on_epoch_begin(0)
    callback_list.on_train_batch_begin(0)
    callback_list.on_train_batch_end(0, {"loss": 2.0})
    callback_list.on_test_begin()
    callback_list.on_test_batch_begin(0)
    callback_list.on_test_batch_end(0, {"loss": 3.0})
    callback_list.on_test_end({"loss": 3.0})
    callback_list.on_epoch_end(0, {"loss": 2.0, "val_loss": 3.0})
    callback_list.on_train_end({"loss": 2.0})
    callback_list.on_predict_begin()
    callback_list.on_predict_batch_begin(0)
    callback_list.on_predict_batch_end(0)
    callback_list.on_predict_end()
    expected = [
        ("on_train_begin", {}),
        ("on_epoch_begin", 0, {}),
        ("on_train_batch_begin", 0, {}),
        ("on_batch_begin", 0, {}),
        ("on_train_batch_end", 0, {"loss": 2.0}),
        ("on_batch_end", 0, {"loss": 2.0}),
        ("on_test_begin", {}),
        ("on_test_batch_begin", 0, {}),
        ("on_test_batch_end", 0, {"loss": 3.0}),
        ("on_test_end", {"loss": 3.0}),
        ("on_epoch_end", 0, {"loss": 2.0, "val_loss": 3.0}),
        ("on_train_end", {"loss": 2.0}),
        ("on_predict_begin", {}),
        ("on_predict_batch_begin", 0, {}),
        ("on_predict_batch_end", 0, {}),
        ("on_predict_end", {}),
    ]
    assert first.calls == [("a." + hook, *rest) for hook, *rest in expected]
    assert second.calls == [("b." + hook, *rest) for hook, *rest in expected]


def test_callback_list_gives_callbacks_python_floats_in_sorted_key_order():
    seen = []
    record = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs))
    callback_list = CallbackList([record], model=FakeModel())
    callback_list.on_epoch_end(
        0, {"val_loss": np.float32(0.5), "loss": np.array(0.25), "accuracy": np.float64(1)}
    )
    (logs,) = seen
    assert list(logs) == ["accuracy", "loss", "val_loss"]
    assert logs == {"accuracy": 1.0, "loss": 0.25, "val_loss": 0.5}
    assert all(type(value) is float for value in logs.values())


def test_callback_list_adds_history_and_progbar_only_when_asked_and_absent():
    model = FakeModel()
    plain = CallbackList([], model=model)
    assert plain.callbacks == []
    added = CallbackList([], add_history=True, add_progbar=True, model=model)
    assert [type(callback) for callback in added.callbacks] == [History, ProgbarLogger]
    assert model.history is added.callbacks[0]
    history, progbar = History(), ProgbarLogger()
    kept = CallbackList([progbar, history], add_history=True, add_progbar=True, model=model)
    assert kept.callbacks == [progbar, history]
    assert model.history is history


def test_callback_list_hands_model_and_params_to_every_callback():
    model, first, second = FakeModel(), Callback(), Callback()
    callback_list = CallbackList([first, [second]], model=model, verbose=2, epochs=3, steps=7)
    assert callback_list.callbacks == [first, second]
    params = {"verbose": 2, "epochs": 3, "steps": 7}
    for callback in (first, second):
        assert callback.model is model and callback.params == params
    late = Callback()
    callback_list.append(late)
    assert late.model is model and late.params == params


def test_callback_list_rejects_objects_that_are_not_callbacks():
    with pytest.raises(TypeError, match="expected Callback instances.*'EarlyStopping' of type str"):
        CallbackList(["EarlyStopping"])


# ---------------------------------------------------------------------------
# History


def test_history_records_every_epochs_logs_and_is_returned_as_model_history():
    model = FakeModel()
    history = fit(model, val_losses(0.9, 0.7, 0.8))
    assert isinstance(history, History) and model.history is history
    assert history.epoch == [0, 1, 2]
    assert history.history == {"loss": [1.0, 0.5, 1 / 3], "val_loss": [0.9, 0.7, 0.8]}
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}


def test_history_starts_a_new_epoch_list_on_each_run():
    history = History()
    fit(FakeModel(), val_losses(0.9, 0.7), [history])
    fit(FakeModel(), val_losses(0.6), [history])
    assert history.epoch == [0]
    assert history.history["val_loss"] == [0.9, 0.7, 0.6]


# ---------------------------------------------------------------------------
# EarlyStopping


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    stop = EarlyStopping(monitor="val_loss", patience=2)
    history = fit(FakeModel(), val_losses(1.0, 0.9, 0.95, 0.96, 0.97, 0.98), [stop])
    assert history.epoch == [0, 1, 2, 3]
    assert stop.stopped_epoch == 3 and stop.best == 0.9


def test_early_stopping_with_zero_patience_stops_at_the_first_stall():
    history = fit(FakeModel(), val_losses(1.0, 0.9, 0.95, 0.5), [EarlyStopping()])
    assert history.epoch == [0, 1, 2]


def test_early_stopping_ignores_improvements_smaller_than_min_delta():
    values = val_losses(1.0, 0.95, 0.9, 0.85, 0.8)
    assert fit(FakeModel(), values, [EarlyStopping(patience=1)]).epoch == [0, 1, 2, 3, 4]
    small = fit(FakeModel(), values, [EarlyStopping(patience=1, min_delta=0.1)])
    assert small.epoch == [0, 1]


def test_early_stopping_baseline_must_be_beaten_to_reset_patience():
    values = val_losses(0.9, 0.95, 0.97, 0.99)
    without = fit(FakeModel(), values, [EarlyStopping(patience=2)])
    assert without.epoch == [0, 1, 2]
    below_baseline = fit(FakeModel(), values, [EarlyStopping(patience=2, baseline=0.5)])
    assert below_baseline.epoch == [0, 1]
    beats = val_losses(0.4, 0.45, 0.46, 0.47)
    assert fit(FakeModel(), beats, [EarlyStopping(patience=2, baseline=0.5)]).epoch == [0, 1, 2]


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    values = val_losses(1.0, 0.5, 0.7, 0.8)
    model = FakeModel()
    fit(model, values, [EarlyStopping(patience=2, restore_best_weights=True)], steps=2)
    # Stopped after epoch 3 (8 steps); epoch 1 ended after 4 steps.
    assert model.steps_taken == 4.0
    np.testing.assert_array_equal(model.get_weights()[1], np.full(3, 4.0))
    kept = FakeModel()
    fit(kept, values, [EarlyStopping(patience=2)], steps=2)
    assert kept.steps_taken == 8.0


def test_early_stopping_restores_best_weights_even_when_training_runs_to_the_end():
    model = FakeModel()
    stop = EarlyStopping(patience=5, restore_best_weights=True)
    fit(model, val_losses(0.8, 0.3, 0.6), [stop], steps=1)
    assert stop.stopped_epoch == 0 and stop.best_epoch == 1
    assert model.steps_taken == 2.0


def test_early_stopping_waits_start_from_epoch_epochs_before_judging():
    rising = val_losses(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
    assert fit(FakeModel(), rising, [EarlyStopping(patience=1)]).epoch == [0, 1]
    stop = EarlyStopping(patience=1, start_from_epoch=2, restore_best_weights=True)
    model = FakeModel()
    history = fit(model, rising, [stop], steps=1)
    assert history.epoch == [0, 1, 2, 3]
    assert stop.best == 3.0 and stop.best_epoch == 2 and model.steps_taken == 3.0


def test_early_stopping_infers_max_mode_for_accuracy():
    accuracies = [{"val_accuracy": value} for value in (0.5, 0.6, 0.7, 0.65)]
    stop = EarlyStopping(monitor="val_accuracy")
    assert fit(FakeModel(), accuracies, [stop]).epoch == [0, 1, 2, 3]
    assert stop.monitor_op == "max" and stop.best == 0.7
    forced = EarlyStopping(monitor="val_accuracy", mode="min")
    assert fit(FakeModel(), accuracies, [forced]).epoch == [0, 1]


def test_early_stopping_warns_and_keeps_training_when_the_monitor_is_missing():
    stop = EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="`val_loss`.*not available.*Available metrics are: loss"):
        history = fit(FakeModel(), [{}, {}, {}], [stop])
    assert history.epoch == [0, 1, 2]


def test_early_stopping_can_be_reused_across_runs():
    stop = EarlyStopping(patience=1)
    fit(FakeModel(), val_losses(0.1, 0.2, 0.3), [stop])
    history = fit(FakeModel(), val_losses(5.0, 4.0, 3.0), [stop])
    assert history.epoch == [0, 1, 2] and stop.best == 3.0


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="mode='biggest'"):
        stop = EarlyStopping(monitor="val_accuracy", mode="biggest")
    assert stop.mode == "auto"


def test_auto_mode_refuses_a_quantity_it_cannot_read():
    stop = EarlyStopping(monitor="val_wobble")
    with pytest.raises(ValueError, match="val_wobble.*mode='min'.*mode='max'"):
        fit(FakeModel(), [{"val_wobble": 1.0}], [stop])


@pytest.mark.parametrize(
    ("monitor", "direction"),
    [
        ("loss", "min"),
        ("val_loss", "min"),
        ("val_dense_1_loss", "min"),
        ("mean_squared_error", "min"),
        ("val_mae", "min"),
        ("accuracy", "max"),
        ("val_sparse_categorical_accuracy", "max"),
        ("val_dense_1_acc", "max"),
        ("auc", "max"),
        ("val_precision", "max"),
    ],
)
def test_auto_mode_reads_the_direction_from_the_name(monitor, direction):
    assert callbacks.monitor_callback.infer_direction(monitor) == direction


def test_auto_mode_uses_a_model_metrics_declared_direction():
    class Metric:
        name = "goodness"
        _direction = "up"

    model = FakeModel()
    model.metrics = [Metric()]
    assert callbacks.monitor_callback.infer_direction("val_goodness", model) == "max"


# ---------------------------------------------------------------------------
# ModelCheckpoint


def saved_steps(path) -> float:
    """The step count stored in a fake model's weight file."""
    names, weights = read_weights_npz(path)
    assert names == ["dense"]
    return float(weights["dense"][0][0, 0])


def test_checkpoint_fills_the_filepath_with_epoch_and_logs(tmp_path):
    pattern = str(tmp_path / "w-{epoch:02d}-{val_loss:.2f}.weights.npz")
    checkpoint = ModelCheckpoint(pattern, save_weights_only=True)
    fit(FakeModel(), val_losses(0.9, 0.75), [checkpoint], steps=3)
    assert sorted(os.listdir(tmp_path)) == ["w-01-0.90.weights.npz", "w-02-0.75.weights.npz"]
    assert saved_steps(tmp_path / "w-01-0.90.weights.npz") == 3.0
    assert saved_steps(tmp_path / "w-02-0.75.weights.npz") == 6.0


def test_checkpoint_creates_missing_folders(tmp_path):
    path = tmp_path / "run" / "ckpt" / "last.weights.npz"
    fit(FakeModel(), val_losses(0.9), [ModelCheckpoint(path, save_weights_only=True)], steps=1)
    assert saved_steps(path) == 1.0


def test_checkpoint_save_best_only_writes_only_on_improvement(tmp_path):
    values = val_losses(1.0, 1.2, 0.8, 0.9)
    per_epoch = ModelCheckpoint(
        str(tmp_path / "best-{epoch}.npz"), save_best_only=True, save_weights_only=True
    )
    fit(FakeModel(), values, [per_epoch], steps=1)
    assert sorted(os.listdir(tmp_path)) == ["best-1.npz", "best-3.npz"]
    single = tmp_path / "best.npz"
    checkpoint = ModelCheckpoint(single, save_best_only=True, save_weights_only=True)
    fit(FakeModel(), values, [checkpoint], steps=1)
    assert saved_steps(single) == 3.0 and checkpoint.best == 0.8


def test_checkpoint_infers_max_mode_for_accuracy(tmp_path):
    accuracies = [{"val_accuracy": value} for value in (0.5, 0.7, 0.6, 0.9)]
    checkpoint = ModelCheckpoint(
        str(tmp_path / "{epoch}.npz"),
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
    )
    fit(FakeModel(), accuracies, [checkpoint], steps=1)
    assert sorted(os.listdir(tmp_path)) == ["1.npz", "2.npz", "4.npz"]
    assert checkpoint.monitor_op == "max"


def test_checkpoint_initial_value_threshold_is_the_first_value_to_beat(tmp_path):
    checkpoint = ModelCheckpoint(
        str(tmp_path / "{epoch}.npz"),
        save_best_only=True,
        save_weights_only=True,
        initial_value_threshold=0.6,
    )
    fit(FakeModel(), val_losses(0.9, 0.7, 0.5), [checkpoint], steps=1)
    assert os.listdir(tmp_path) == ["3.npz"]


def test_checkpoint_save_best_only_warns_and_saves_when_the_monitor_is_missing(tmp_path):
    path = tmp_path / "w.npz"
    checkpoint = ModelCheckpoint(path, save_best_only=True, save_weights_only=True)
    with pytest.warns(UserWarning, match="`val_loss`"):
        fit(FakeModel(), [{}], [checkpoint], steps=1)
    assert saved_steps(path) == 1.0


def test_checkpoint_with_integer_save_freq_saves_every_n_batches(tmp_path):
    checkpoint = ModelCheckpoint(
        str(tmp_path / "e{epoch}-b{batch}.npz"), save_weights_only=True, save_freq=3
    )
    fit(FakeModel(), [{}, {}, {}], [checkpoint], steps=4)
    # Batches 3, 6, 9 and 12 overall: epoch 1 batch 3, epoch 2 batch 2, epoch 3 batches 1 and 4.
    assert sorted(os.listdir(tmp_path)) == ["e1-b3.npz", "e2-b2.npz", "e3-b1.npz", "e3-b4.npz"]
    assert saved_steps(tmp_path / "e2-b2.npz") == 6.0
    assert saved_steps(tmp_path / "e3-b4.npz") == 12.0


def test_checkpoint_rejects_a_save_freq_that_is_neither_epoch_nor_positive_int(tmp_path):
    for bad in ("batch", 0, 2.5):
        with pytest.raises(ValueError, match="save_freq"):
            ModelCheckpoint(tmp_path / "w.npz", save_freq=bad)


def test_checkpoint_names_a_placeholder_the_logs_lack(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "{val_accuracy}.npz"), save_weights_only=True)
    with pytest.raises(KeyError, match="val_accuracy"):
        fit(FakeModel(), val_losses(0.5), [checkpoint])


def test_interrupted_checkpoint_write_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "model.weights.npz"
    checkpoint = ModelCheckpoint(path, save_weights_only=True)
    model = FakeModel()
    fit(model, val_losses(0.9), [checkpoint], steps=2)
    before = path.read_bytes()
    assert saved_steps(path) == 2.0

    def savez_dies_midway(handle, **arrays):
        handle.write(b"PK\x03\x04 half an archive")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", savez_dies_midway)
    with pytest.raises(OSError, match="disk full"):
        fit(model, val_losses(0.8), [checkpoint], steps=2)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert saved_steps(path) == 2.0
    assert os.listdir(tmp_path) == ["model.weights.npz"]


def test_full_model_checkpoint_calls_model_save(tmp_path):
    model = SavingModel()
    checkpoint = ModelCheckpoint(str(tmp_path / "m-{epoch}.keras"))
    fit(model, val_losses(0.5, 0.4), [checkpoint])
    assert model.saved_to == [str(tmp_path / "m-1.keras"), str(tmp_path / "m-2.keras")]


def test_full_model_checkpoint_without_model_save_asks_for_weights_only(tmp_path):
    model = FakeModel()
    checkpoint = ModelCheckpoint(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="save_weights_only=True"):
        fit(model, val_losses(0.5), [checkpoint])
    assert model.steps_taken == 0.0  # refused before the first step


# ---------------------------------------------------------------------------
# LearningRateScheduler and ReduceLROnPlateau


def learning_rates_after_each_epoch(model) -> tuple[LambdaCallback, list]:
    rates: list[float] = []
    return LambdaCallback(
        on_epoch_end=lambda epoch, logs: rates.append(model.optimizer.learning_rate)
    ), rates


def test_scheduler_sets_the_learning_rate_before_each_epoch():
    model = FakeModel(learning_rate=0.8)
    seen = []
    schedule = LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr / 2)
    spy = LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(model.optimizer.learning_rate)
    )
    history = fit(model, [{}] * 4, [schedule, spy])
    assert seen == [0.8, 0.8, 0.4, 0.2]
    assert history.history["learning_rate"] == [0.8, 0.8, 0.4, 0.2]
    assert model.optimizer.learning_rate == 0.2


def test_scheduler_accepts_a_schedule_of_the_epoch_alone():
    model = FakeModel()
    fit(model, [{}] * 3, [LearningRateScheduler(lambda epoch: 0.1 * (epoch + 1))])
    assert model.optimizer.learning_rate == pytest.approx(0.3)
    assert type(model.optimizer.learning_rate) is float


def test_scheduler_rejects_a_schedule_that_returns_no_number():
    with pytest.raises(ValueError, match="must return a float.*'fast'"):
        fit(FakeModel(), [{}], [LearningRateScheduler(lambda epoch, lr: "fast")])


def test_scheduler_verbose_reports_the_new_rate(capsys):
    fit(FakeModel(), [{}], [LearningRateScheduler(lambda epoch, lr: 0.5, verbose=1)])
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.5." in capsys.readouterr().out


def test_reduce_lr_on_plateau_multiplies_by_factor_down_to_min_lr():
    model = FakeModel(learning_rate=1.0)
    reduce = ReduceLROnPlateau(factor=0.5, patience=1, min_lr=0.2)
    spy, rates = learning_rates_after_each_epoch(model)
    history = fit(model, val_losses(1.0, 1.0, 1.0, 1.0, 1.0), [reduce, spy])
    assert rates == [1.0, 0.5, 0.25, 0.2, 0.2]
    # The logged rate is the one the epoch trained with.
    assert history.history["learning_rate"] == [1.0, 1.0, 0.5, 0.25, 0.2]


def test_reduce_lr_on_plateau_counts_patience_stalled_epochs_and_resets_on_improvement():
    model = FakeModel(learning_rate=1.0)
    spy, rates = learning_rates_after_each_epoch(model)
    values = val_losses(1.0, 1.0, 0.5, 0.6, 0.7, 0.8)
    fit(model, values, [ReduceLROnPlateau(factor=0.1, patience=2), spy])
    assert rates == pytest.approx([1.0, 1.0, 1.0, 1.0, 0.1, 0.1])


def test_reduce_lr_on_plateau_pauses_for_cooldown_epochs_after_a_reduction():
    model = FakeModel(learning_rate=1.0)
    spy, rates = learning_rates_after_each_epoch(model)
    reduce = ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)
    fit(model, val_losses(*[1.0] * 7), [reduce, spy])
    assert rates == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]


def test_reduce_lr_on_plateau_min_delta_and_max_mode():
    model = FakeModel(learning_rate=1.0)
    spy, rates = learning_rates_after_each_epoch(model)
    accuracies = [{"val_accuracy": value} for value in (0.5, 0.50005, 0.6)]
    fit(model, accuracies, [ReduceLROnPlateau(monitor="val_accuracy", patience=1), spy])
    assert rates == pytest.approx([1.0, 0.1, 0.1])


def test_reduce_lr_on_plateau_refuses_a_factor_that_would_not_reduce():
    with pytest.raises(ValueError, match="factor=1.5"):
        ReduceLROnPlateau(factor=1.5)


def test_reduce_lr_on_plateau_warns_when_the_monitor_is_missing():
    model = FakeModel(learning_rate=1.0)
    with pytest.warns(UserWarning, match="`val_loss`.*not available"):
        fit(model, [{}, {}], [ReduceLROnPlateau(patience=0)])
    assert model.optimizer.learning_rate == 1.0


# ---------------------------------------------------------------------------
# TerminateOnNaN


@pytest.mark.parametrize("bad_loss", [math.nan, math.inf, -math.inf])
def test_terminate_on_nan_stops_and_restores_the_last_good_weights(bad_loss, capsys):
    model = FakeModel()
    losses = [0.5, 0.4, 0.3, bad_loss, 0.2, 0.1]
    history = fit(model, [{}, {}, {}], [TerminateOnNaN()], steps=2, batch_losses=losses)
    assert model.stop_training is True
    assert history.epoch == [0, 1]  # epoch 2 never starts
    # The bad step turned every weight into NaN; the three good steps are back.
    assert all(np.isfinite(weight).all() for weight in model.get_weights())
    assert model.steps_taken == 3.0
    assert "Batch 1: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_leaves_finite_training_alone():
    model = FakeModel()
    history = fit(model, [{}, {}], [TerminateOnNaN()], steps=3)
    assert history.epoch == [0, 1] and model.steps_taken == 6.0 and not model.stop_training


def test_terminate_on_nan_can_raise_instead_after_restoring():
    model = FakeModel()
    with pytest.raises(RuntimeError, match="Batch 1: the loss is nan"):
        fit(model, [{}], [TerminateOnNaN(raise_error=True)], steps=2, batch_losses=[0.5, math.nan])
    assert model.steps_taken == 1.0


# ---------------------------------------------------------------------------
# CSVLogger


def test_csv_logger_writes_a_header_and_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    logs = [{"val_loss": 0.9, "accuracy": 0.5}, {"val_loss": 0.7, "accuracy": 0.75}]
    fit(FakeModel(), logs, [CSVLogger(path)])
    assert path.read_text() == ("epoch,accuracy,loss,val_loss\n0,0.5,1.0,0.9\n1,0.75,0.5,0.7\n")


def test_csv_logger_adds_val_columns_even_without_validation(tmp_path):
    path = tmp_path / "log.csv"
    fit(FakeModel(), [{}, {}], [CSVLogger(path)])
    assert path.read_text() == "epoch,loss,val_loss\n0,1.0,NA\n1,0.5,NA\n"


def test_csv_logger_append_continues_the_file_without_a_second_header(tmp_path):
    path = tmp_path / "log.csv"
    fit(FakeModel(), val_losses(0.9), [CSVLogger(path, append=True)])
    fit(FakeModel(), val_losses(0.8, 0.7), [CSVLogger(path, append=True)])
    assert path.read_text() == "epoch,loss,val_loss\n0,1.0,0.9\n0,1.0,0.8\n1,0.5,0.7\n"
    fit(FakeModel(), val_losses(0.6), [CSVLogger(path)])
    assert path.read_text() == "epoch,loss,val_loss\n0,1.0,0.6\n"


def test_csv_logger_uses_the_separator_and_closes_the_file(tmp_path):
    path = tmp_path / "log.tsv"
    logger = CSVLogger(path, separator="\t")
    fit(FakeModel(), val_losses(0.9), [logger])
    assert path.read_text() == "epoch\tloss\tval_loss\n0\t1.0\t0.9\n"
    assert logger.csv_file.closed


def test_csv_logger_flushes_each_row_as_the_epoch_ends(tmp_path):
    path = tmp_path / "log.csv"
    rows_on_disk = []
    peek = LambdaCallback(on_epoch_end=lambda epoch, logs: rows_on_disk.append(path.read_text()))
    fit(FakeModel(), val_losses(0.9, 0.8), [CSVLogger(path), peek])
    assert rows_on_disk[0] == "epoch,loss,val_loss\n0,1.0,0.9\n"


# ---------------------------------------------------------------------------
# LambdaCallback


def test_lambda_callback_calls_each_function_with_the_hooks_arguments():
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append(("train_begin", logs)),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch, logs)),
        on_train_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch, logs)),
        on_train_batch_end=lambda batch, logs: calls.append(("batch_end", batch, logs)),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs)),
        on_train_end=lambda logs: calls.append(("train_end", logs)),
        on_test_end=lambda logs: calls.append(("test_end", logs)),
    )
    fit(FakeModel(), val_losses(0.9), [callback], steps=1, validate=True)
    assert calls == [
        ("train_begin", {}),
        ("epoch_begin", 0, {}),
        ("batch_begin", 0, {}),
        ("batch_end", 0, {"loss": 1.0}),
        ("test_end", {"loss": 9.0}),
        ("epoch_end", 0, {"loss": 1.0, "val_loss": 0.9}),
        ("train_end", {"loss": 1.0, "val_loss": 0.9}),
    ]


def test_lambda_callback_leaves_hooks_it_was_not_given_as_no_ops():
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    assert callback.on_train_begin({}) is None
    assert type(callback).on_epoch_begin is Callback.on_epoch_begin


def test_lambda_callback_refuses_a_name_that_is_no_hook():
    with pytest.raises(ValueError, match="on_epoch_finish.*not a hook"):
        LambdaCallback(on_epoch_finish=print)


# ---------------------------------------------------------------------------
# ProgbarLogger


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progbar_verbose_1_off_a_terminal_writes_only_each_epochs_final_line(capsys):
    fit(FakeModel(), val_losses(0.9, 0.8), verbose=1, steps=3)
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == 4
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("3/3 [==============================] - ")
    assert lines[1].endswith(" - loss: 1.0000 - val_loss: 0.9000")
    assert lines[3].endswith(" - loss: 0.5000 - val_loss: 0.8000")
    assert "\r" not in out and "ETA" not in out


def test_progbar_verbose_1_on_a_terminal_redraws_the_bar_with_an_eta(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    fit(FakeModel(), val_losses(0.9, 0.8), verbose=1, steps=3)
    out = terminal.getvalue()
    epochs = out.split("Epoch 2/2\n")
    assert len(epochs) == 2 and epochs[0].startswith("Epoch 1/2\n")
    first = epochs[0].removeprefix("Epoch 1/2\n")
    redraws = first.split("\r")[1:]
    assert len(redraws) == 4  # three batches, then the finished line
    assert redraws[0].startswith("1/3 [=========>....................] - ETA: ")
    assert "ETA: " in redraws[2] and redraws[2].rstrip().endswith("loss: 1.0000")
    assert redraws[3].startswith("3/3 [==============================] - ")
    assert "ETA" not in redraws[3] and redraws[3].rstrip().endswith("val_loss: 0.9000")
    assert out.endswith("\n")


def test_progbar_verbose_2_writes_one_line_per_epoch(capsys):
    fit(FakeModel(), val_losses(0.9, 0.8, 0.7), verbose=2, steps=4)
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("Epoch")] == [
        "Epoch 1/3",
        "Epoch 2/3",
        "Epoch 3/3",
    ]
    progress = [line for line in lines if not line.startswith("Epoch")]
    assert len(progress) == 3
    expected = ("loss: 1.0000 - val_loss: 0.9000", "loss: 0.5000 - val_loss: 0.8000")
    expected += ("loss: 0.3333 - val_loss: 0.7000",)
    for line, metrics in zip(progress, expected, strict=True):
        assert line.startswith("4/4 - ") and line.endswith("/step - " + metrics)
        assert "[" not in line and "ETA" not in line


def test_progbar_verbose_0_writes_nothing(capsys):
    fit(FakeModel(), val_losses(0.9, 0.8), verbose=0)
    explicit = ProgbarLogger()
    fit(FakeModel(), val_losses(0.9, 0.8), [explicit], verbose=0)
    evaluate(FakeModel(), verbose=0)
    predict(FakeModel(), verbose=0)
    assert capsys.readouterr().out == ""


def test_progbar_of_a_single_epoch_has_no_epoch_header(capsys):
    fit(FakeModel(), val_losses(0.9), verbose=2, steps=2)
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("2/2 - ")


def test_progbar_does_not_draw_validation_batches_inside_fit(capsys):
    fit(FakeModel(), val_losses(0.9), verbose=1, steps=2, validate=True)
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("2/2 [") and line.endswith("loss: 1.0000 - val_loss: 0.9000")


def test_progbar_reports_evaluate_and_predict(capsys):
    evaluate(FakeModel(), steps=3, verbose=1)
    predict(FakeModel(), steps=5, verbose=2)
    evaluated, predicted = capsys.readouterr().out.splitlines()
    assert evaluated.startswith("3/3 [==============================] - ")
    assert evaluated.endswith(" - loss: 0.5000")
    assert predicted.startswith("5/5 - ") and predicted.endswith("/step")


def test_progbar_with_unknown_steps_learns_the_count_from_the_first_epoch(capsys):
    model = FakeModel()
    progbar = ProgbarLogger()
    callback_list = CallbackList([progbar], model=model, verbose=1, epochs=1, steps=None)
    callback_list.on_train_begin()
    callback_list.on_epoch_begin(0)
    for batch in range(3):
        callback_list.on_train_batch_end(batch, {"loss": 0.5})
    callback_list.on_epoch_end(0, {"loss": 0.5})
    callback_list.on_train_end()
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("3/3 [==============================]")
    assert progbar.target == 3


# ---------------------------------------------------------------------------
# TensorBoard without its optional writer (the callback itself: test_tensorboard_callback.py)


def test_tensorboard_without_tensorboardx_is_an_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # import tensorboardX now fails
    with pytest.raises(ImportError, match=r"pip install graphkeras\[tensorboard\]"):
        callbacks.TensorBoard("logs")
