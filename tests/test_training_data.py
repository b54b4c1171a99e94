"""What ``fit``, ``evaluate`` and ``predict`` read: arrays, generators, PyDatasets, tf.data, torch.

Keras 3 takes, besides arrays, anything that yields whole batches (``x``,
``(x, y)`` or ``(x, y, sample_weight)``); ``steps_per_epoch`` and
``validation_steps`` say how many make an epoch. TensorFlow and PyTorch are
not installed here: their objects are stood in for by classes carrying
their class and module names, which is all graphkeras looks at.
"""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import layers

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")

ROWS, BATCH = 32, 8


def regression_data(rows: int = ROWS, seed: int = 1):
    generator = np.random.default_rng(seed)
    x = generator.normal(size=(rows, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1).astype("float32")
    return x, y


def small_regression(seed: int = 0, metrics=("mae",)) -> gk.Model:
    gk.utils.set_random_seed(seed)
    inputs = gk.Input(shape=(3,), name="features")
    model = gk.Model(inputs, layers.Dense(1)(layers.Dense(4, activation="tanh")(inputs)))
    model.compile(optimizer=gk.optimizers.SGD(0.05), loss="mse", metrics=list(metrics))
    return model


def batch_generator(x, y, weights=None, loops: int = 1):
    for _ in range(loops):
        for start in range(0, len(x), BATCH):
            rows = slice(start, start + BATCH)
            yield (x[rows], y[rows]) if weights is None else (x[rows], y[rows], weights[rows])


class Batches(gk.utils.PyDataset):
    """``x`` and ``y`` in batches of ``BATCH``; records which batches were read."""

    def __init__(self, x, y, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = x, y
        self.read: list[int] = []
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.x) // BATCH)

    def __getitem__(self, index):
        self.read.append(index)
        rows = slice(index * BATCH, (index + 1) * BATCH)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


def assert_same_weights(first: gk.Model, second: gk.Model) -> None:
    # Exact equality: both runs apply the same ops, in the same order, to the
    # same float32 batches from the same initial weights, so they agree bit for bit.
    for a, b in zip(first.get_weights(), second.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


# ----------------------------------------------- the same training, any source


def test_arrays_a_generator_and_a_py_dataset_reach_identical_weights():
    x, y = regression_data()
    by_arrays, by_generator, by_dataset = small_regression(), small_regression(), small_regression()
    arrays = by_arrays.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    streamed = by_generator.fit(
        batch_generator(x, y, loops=3), steps_per_epoch=ROWS // BATCH, epochs=3, verbose=0
    )
    dataset = by_dataset.fit(Batches(x, y), epochs=3, shuffle=False, verbose=0)
    assert_same_weights(by_arrays, by_generator)
    assert_same_weights(by_arrays, by_dataset)
    assert arrays.history == streamed.history == dataset.history
    assert arrays.history["loss"][2] < arrays.history["loss"][0]


def test_sample_weights_yielded_by_a_generator_weigh_the_loss_as_arrays_do():
    x, y = regression_data()
    weights = np.linspace(0.0, 2.0, ROWS).astype("float32")
    by_arrays, by_generator = small_regression(), small_regression()
    by_arrays.fit(x, y, sample_weight=weights, batch_size=BATCH, shuffle=False, verbose=0)
    by_generator.fit(batch_generator(x, y, weights), verbose=0)
    assert_same_weights(by_arrays, by_generator)


def test_a_plain_iterator_is_read_like_a_generator():
    x, y = regression_data()
    by_arrays, by_iterator = small_regression(), small_regression()
    by_arrays.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0)
    by_iterator.fit(iter(list(batch_generator(x, y))), verbose=0)
    assert_same_weights(by_arrays, by_iterator)


def test_evaluate_and_predict_read_generators_and_py_datasets():
    x, y = regression_data()
    model = small_regression()
    expected = model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    from_generator = model.evaluate(batch_generator(x, y), verbose=0, return_dict=True)
    from_dataset = model.evaluate(Batches(x, y), verbose=0, return_dict=True)
    # The same batches folded into the same metrics in the same order: identical floats.
    assert from_generator == from_dataset == expected
    inputs_only = (x[start : start + 5] for start in range(0, ROWS, 5))
    # Batches of 5 rows against predict's 32: the matrix products round differently.
    np.testing.assert_allclose(model.predict(inputs_only), model.predict(x), rtol=1e-6, atol=1e-7)
    # Targets in the batches are ignored by predict.
    np.testing.assert_allclose(model.predict(Batches(x, y)), model.predict(x), rtol=1e-6, atol=1e-7)


def test_predict_on_a_stream_joins_every_output_of_a_multi_output_model():
    inputs = gk.Input((3,), name="features")
    model = gk.Model(inputs, {"a": layers.Dense(1)(inputs), "b": layers.Dense(2)(inputs)})
    x, _ = regression_data()
    streamed = model.predict((x[start : start + 10],) for start in range(0, ROWS, 10))
    whole = model.predict(x)
    assert sorted(streamed) == ["a", "b"] and streamed["b"].shape == (ROWS, 2)
    for key in whole:
        # Batches of 10 rows against predict's 32: the matrix products round differently.
        np.testing.assert_allclose(streamed[key], whole[key], rtol=1e-6, atol=1e-7)


def test_a_py_dataset_hears_on_epoch_end_after_each_epoch_and_shuffles_its_batch_order():
    x, y = regression_data()
    dataset = Batches(x, y)
    model = small_regression()
    model.fit(dataset, epochs=2, shuffle=False, verbose=0)
    assert dataset.read == [0, 1, 2, 3, 0, 1, 2, 3] and dataset.epochs_ended == 2
    dataset.read.clear()
    gk.utils.set_random_seed(5)
    model.fit(dataset, epochs=2, verbose=0)  # shuffle=True: a new batch order each epoch (Keras 3)
    first, second = dataset.read[:4], dataset.read[4:]
    assert sorted(first) == sorted(second) == [0, 1, 2, 3]
    assert dataset.read != [0, 1, 2, 3, 0, 1, 2, 3]
    shuffled_again = Batches(x, y)
    gk.utils.set_random_seed(5)
    model.fit(shuffled_again, epochs=2, verbose=0)
    assert shuffled_again.read == dataset.read  # the order follows set_random_seed


def test_py_dataset_workers_read_ahead_in_order():
    x, y = regression_data()
    by_threads, one_by_one = small_regression(), small_regression()
    threaded = Batches(x, y, workers=3, max_queue_size=2)
    by_threads.fit(threaded, epochs=2, shuffle=False, verbose=0)
    one_by_one.fit(Batches(x, y), epochs=2, shuffle=False, verbose=0)
    assert_same_weights(by_threads, one_by_one)
    assert sorted(threaded.read) == [0, 0, 1, 1, 2, 2, 3, 3]


def test_class_weight_weighs_the_batches_of_a_py_dataset():
    x = np.eye(3, dtype="float32")
    y = np.array([0, 1, 2])

    class Labels(gk.utils.PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return x, y

    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(3,))
    model = gk.Model(inputs, layers.Dense(3, activation="softmax")(inputs))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    per_sample = -np.log(model.predict(x)[np.arange(3), y])
    expected = float(np.sum(per_sample * np.array([1.0, 0.0, 2.0])) / 3)
    history = model.fit(Labels(), class_weight={0: 1.0, 1: 0.0, 2: 2.0}, verbose=0)
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-6)


# ---------------------------------------------------------- tf.data and torch


class FakeTensor:
    """Stands in for a torch tensor: ``detach().cpu().numpy()`` gives the array."""

    def __init__(self, array):
        self.array = array

    def detach(self):
        return self

    def cpu(self):
        return self

    def numpy(self):
        return self.array


class FakeDataLoader:
    """Yields ``[x, y]`` lists of tensors, as a DataLoader's default collation does."""

    def __init__(self, x, y):
        self.x, self.y = x, y

    def __len__(self):
        return -(-len(self.x) // BATCH)

    def __iter__(self):
        for start in range(0, len(self.x), BATCH):
            rows = slice(start, start + BATCH)
            yield [FakeTensor(self.x[rows]), FakeTensor(self.y[rows])]


FakeDataLoader.__name__ = "DataLoader"
FakeDataLoader.__module__ = "torch.utils.data.dataloader"


class FakeDataset:
    """Stands in for a ``tf.data.Dataset``: ``as_numpy_iterator`` and ``cardinality``."""

    def __init__(self, x, y, cardinality=None):
        self.x, self.y = x, y
        self._cardinality = cardinality

    def cardinality(self):
        if self._cardinality is not None:
            return np.int64(self._cardinality)
        return np.int64(-(-len(self.x) // BATCH))

    def as_numpy_iterator(self):
        return batch_generator(self.x, self.y, loops=1000 if self._cardinality == -1 else 1)


FakeDataset.__name__ = "DatasetV2"
FakeDataset.__module__ = "tensorflow.python.data.ops.dataset_ops"


def test_a_torch_data_loader_and_a_tf_dataset_train_as_arrays_do():
    x, y = regression_data()
    by_arrays, by_torch, by_tf = small_regression(), small_regression(), small_regression()
    by_arrays.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    by_torch.fit(FakeDataLoader(x, y), epochs=2, verbose=0)
    by_tf.fit(FakeDataset(x, y), epochs=2, verbose=0)
    assert_same_weights(by_arrays, by_torch)
    assert_same_weights(by_arrays, by_tf)
    np.testing.assert_allclose(
        by_torch.predict(FakeDataLoader(x, y)), by_torch.predict(x), rtol=1e-6, atol=1e-7
    )


def test_an_endless_tf_dataset_needs_steps_per_epoch():
    x, y = regression_data()
    model = small_regression()
    with pytest.raises(ValueError, match=r"x is a tf.data.Dataset without end; pass steps_per"):
        model.fit(FakeDataset(x, y, cardinality=-1), verbose=0)
    history = model.fit(FakeDataset(x, y, cardinality=-1), steps_per_epoch=2, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3


def test_class_weight_with_a_torch_data_loader_is_refused_as_in_keras():
    x, y = regression_data()
    with pytest.raises(ValueError, match="class_weight is not supported when x is a torch"):
        small_regression().fit(FakeDataLoader(x, y), class_weight={0: 1.0}, verbose=0)


# ------------------------------------------------------------ steps per epoch


def recording_model() -> gk.Model:
    """A model whose train_step records each batch's first feature, then trains as usual."""

    class Recording(gk.Model):
        def train_step(self, data):
            self.seen.append(float(data[0][0, 0]))
            return super().train_step(data)

    gk.utils.set_random_seed(0)
    inputs = gk.Input(shape=(1,))
    model = Recording(inputs, layers.Dense(1)(inputs))
    model.seen = []
    # Op by op, as the step reads a number off each batch (a compiled step cannot).
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    return model


def counting_rows(count: int):
    x = np.arange(count, dtype="float32").reshape(-1, 1)
    return x, np.zeros_like(x)


def test_steps_per_epoch_on_arrays_carries_on_where_the_last_epoch_stopped():
    # Keras 3: with steps_per_epoch an epoch takes the next batches, and the data
    # ends inside the second epoch here (4 batches, 3 a epoch): a warning, then a new pass.
    x, y = counting_rows(8)
    model = recording_model()
    with pytest.warns(UserWarning, match="Your input ran out of data.*starts the data again"):
        history = model.fit(x, y, batch_size=2, steps_per_epoch=3, epochs=3, shuffle=False)
    assert model.seen == [0.0, 2.0, 4.0, 6.0, 0.0, 2.0, 4.0]
    assert len(history.history["loss"]) == 3


def test_without_batch_size_steps_per_epoch_spreads_the_rows_over_that_many_batches():
    x, y = counting_rows(8)
    model = recording_model()
    model.fit(x, y, steps_per_epoch=4, shuffle=False, verbose=0)
    assert model.seen == [0.0, 2.0, 4.0, 6.0]


def test_a_generator_is_read_once_across_epochs_and_running_out_stops_training():
    x, y = counting_rows(14)
    model = recording_model()
    with pytest.warns(UserWarning, match="Your input ran out of data.*the run stops here"):
        history = model.fit(
            batch_generator(x, y), steps_per_epoch=1, epochs=3, verbose=0
        )  # 2 batches for 3 epochs of 1
    assert model.seen == [0.0, 8.0]
    assert len(history.history["loss"]) == 2


def test_a_finite_generator_without_steps_makes_one_epoch_then_stops_with_a_warning():
    x, y = counting_rows(16)
    model = recording_model()
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        history = model.fit(batch_generator(x, y), epochs=4, verbose=0)
    assert model.seen == [0.0, 8.0] and len(history.history["loss"]) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one epoch asked, one epoch given: no warning
        recording_model().fit(batch_generator(x, y), epochs=1, verbose=0)


def test_steps_per_epoch_beyond_a_py_dataset_ends_the_epoch_early_and_starts_again():
    x, y = regression_data()
    dataset = Batches(x, y)
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        small_regression().fit(dataset, steps_per_epoch=3, epochs=3, shuffle=False, verbose=0)
    assert dataset.read == [0, 1, 2, 3, 0, 1, 2]
    assert dataset.epochs_ended == 3


# ------------------------------------------------------------- validation


def test_validation_data_may_be_a_generator_with_validation_steps():
    x, y = regression_data()
    model = small_regression()
    history = model.fit(
        x,
        y,
        batch_size=BATCH,
        epochs=2,
        shuffle=False,
        validation_data=batch_generator(x, y, loops=10),
        validation_steps=2,
        verbose=0,
    )
    # The second epoch's validation read the generator's next two batches (rows 16-31).
    expected = model.evaluate(x[16:], y[16:], batch_size=BATCH, verbose=0, return_dict=True)
    np.testing.assert_allclose(history.history["val_loss"][1], expected["loss"], rtol=1e-6)
    np.testing.assert_allclose(history.history["val_mae"][1], expected["mae"], rtol=1e-6)


def test_validation_steps_restart_a_py_dataset_at_each_validation():
    x, y = regression_data()
    dataset = Batches(x, y)
    small_regression().fit(
        x, y, epochs=2, validation_data=dataset, validation_steps=2, verbose=0, batch_size=BATCH
    )
    assert dataset.read == [0, 1, 0, 1]


def test_validation_split_needs_arrays():
    x, y = regression_data()
    with pytest.raises(ValueError, match="validation_split needs x and y as arrays; x is a gen"):
        small_regression().fit(batch_generator(x, y), validation_split=0.2, verbose=0)


# -------------------------------------------------------------- bad streams


@pytest.mark.parametrize(
    ("argument", "value"),
    [("y", np.zeros((ROWS, 1))), ("sample_weight", np.ones(ROWS))],
)
def test_y_or_sample_weight_beside_a_generator_is_refused_naming_it(argument, value):
    x, y = regression_data()
    model = small_regression()
    before = model.get_weights()
    with pytest.raises(ValueError, match=rf"x is a generator.*{argument} cannot be given"):
        model.fit(batch_generator(x, y), verbose=0, **{argument: value})
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


def test_a_generator_yielding_a_4_tuple_is_refused_before_training():
    x, y = regression_data()
    model = small_regression()
    stream = ((x[:8], y[:8], np.ones(8), np.ones(8)) for _ in range(3))
    with pytest.raises(ValueError, match=r"x yielded a tuple of 4 elements.*\(x, y, sample_weigh"):
        model.fit(stream, verbose=0)
    assert_same_weights(model, small_regression())


def test_an_empty_generator_is_refused():
    with pytest.raises(ValueError, match="x is a generator that yielded no batches"):
        small_regression().fit(iter([]), verbose=0)


def test_an_endless_py_dataset_needs_steps_per_epoch():
    class Endless(gk.utils.PyDataset):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            x, y = regression_data(BATCH, seed=index)
            return x, y

    with pytest.raises(ValueError, match="x is a PyDataset without end; pass steps_per_epoch"):
        small_regression().fit(Endless(), verbose=0)
    history = small_regression().fit(Endless(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_a_batch_of_mismatched_rows_names_the_data():
    stream = iter([(np.ones((4, 3), "float32"), np.ones((3, 1), "float32"))])
    with pytest.raises(ValueError, match=r"same number of rows.*x\[0\]: 4, y\[0\]: 3"):
        small_regression().fit(stream, verbose=0)


# -------------------------------------------------------------- progress bar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_progress_bar_shows_an_unknown_total_then_learns_it(monkeypatch):
    # A tf.data cardinality of -2 means "unknown": the first epoch counts up, as Keras's bar does.
    x, y = regression_data()
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    small_regression().fit(FakeDataset(x, y, cardinality=-2), epochs=2)
    first, second = terminal.getvalue().split("Epoch 2/2")
    assert re.findall(r"(\d+)/Unknown", first) == ["1", "2", "3", "4"]
    assert re.search(r"4/4 \[=+\]", first)
    assert "Unknown" not in second and re.findall(r"(\d)/4 \[", second) == ["1", "2", "3", "4", "4"]


def test_data_of_no_known_kind_is_refused_and_a_generator_function_gets_a_hint():
    x, y = regression_data()

    def make_batches():
        yield x, y

    model = small_regression()
    with pytest.raises(ValueError, match=r"x must be arrays .*received set\.$"):
        model.fit({1, 2}, y, verbose=0)
    with pytest.raises(ValueError, match=r"received function\. x is a generator function: call"):
        model.fit(make_batches, verbose=0)
