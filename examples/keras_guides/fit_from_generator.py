"""Feeding ``fit`` from Python: generators and ``PyDataset``, guide style, on the digits.

Written after the data sections of Keras 3's training guide, in
graphkeras's own words. Arrays are not the only thing ``fit``, ``evaluate``
and ``predict`` read: anything that yields whole batches will do.

1. a Python generator that loops for ever, with ``steps_per_epoch`` saying
   how many batches make an epoch, and a second one for ``validation_data``
   with ``validation_steps``;
2. a ``gk.utils.PyDataset``: batch ``i`` on demand, rows reshuffled in
   ``on_epoch_end``, read ahead by two worker threads;
3. the same training from arrays, from a generator and from a PyDataset:
   unshuffled and from the same seed, they end with the same weights;
4. ``evaluate`` on a PyDataset and ``predict`` on a generator of inputs
   alone (the outputs of the batches are joined);
5. weights in the batches: ``(x, y, sample_weight)`` from a generator, and
   ``class_weight`` on a PyDataset;
6. a generator that ends before the epochs do: Keras's warning that the
   input ran out of data, and training stops.

Run: ``python examples/keras_guides/fit_from_generator.py``; with ``--quick``
(or ``GRAPHKERAS_EXAMPLES_QUICK=1``) every step runs on a few hundred
digits for one or two epochs, a smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np

import graphkeras as gk
from graphkeras import layers

BATCH = 32


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="fit from generators and PyDatasets.")
    parser.add_argument("--quick", action="store_true", help="small data, few epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def classifier(seed: int = 0) -> gk.Model:
    """A compiled two-layer classifier of flat 8x8 digits."""
    gk.utils.set_random_seed(seed)
    pixels = gk.Input(shape=(64,), name="pixels")
    hidden = layers.Dense(32, activation="relu")(pixels)
    model = gk.Model(pixels, layers.Dense(10, activation="softmax")(hidden))
    model.compile(
        optimizer=gk.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# ----------------------------------------------------- 1. generators
def endless_batches(x: np.ndarray, y: np.ndarray, seed: int):
    """``(x, y)`` batches for ever, a new random order on each pass over the rows."""
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(len(x))
        for start in range(0, len(x), BATCH):
            rows = order[start : start + BATCH]
            yield x[rows], y[rows]


def batches_once(*arrays: np.ndarray):
    """The rows of ``arrays`` in order, one tuple of batches each, once."""
    for start in range(0, len(arrays[0]), BATCH):
        yield tuple(array[start : start + BATCH] for array in arrays)


# ------------------------------------------------------- 2. a PyDataset
class DigitBatches(gk.utils.PyDataset):
    """Digits in batches of ``BATCH``; with ``reshuffle`` the rows change order every epoch."""

    def __init__(self, x, y, reshuffle: bool = False, seed: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = x, y
        self.reshuffle = reshuffle
        self.rng = np.random.default_rng(seed)
        self.order = np.arange(len(x))
        self.epochs_seen = 0

    def __len__(self) -> int:
        return -(-len(self.x) // BATCH)

    def __getitem__(self, index: int):
        rows = self.order[index * BATCH : (index + 1) * BATCH]
        return self.x[rows], self.y[rows]

    def on_epoch_end(self) -> None:
        self.epochs_seen += 1
        if self.reshuffle:
            self.order = self.rng.permutation(len(self.x))


# ------------------------------------------------------------------ running
def main(argv: list[str] | None = None) -> dict:
    """Run the six scenarios; returns the numbers they printed."""
    quick = quick_mode(argv)
    epochs = 2 if quick else 12
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
    if quick:
        x_train, y_train = x_train[:320], y_train[:320]
        print(f"quick mode: 320 digits, {epochs} epochs (a smoke test)")
    steps = -(-len(x_train) // BATCH)
    results: dict = {}

    model = classifier()
    history = model.fit(
        endless_batches(x_train, y_train, seed=1),
        steps_per_epoch=steps,
        epochs=epochs,
        validation_data=endless_batches(x_test, y_test, seed=2),
        validation_steps=4,
        verbose=0,
    )
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    results["generator_accuracy"] = float(accuracy)
    results["generator_history"] = history.history
    print(
        f"1. endless generator, {steps} steps an epoch: test accuracy {accuracy:.4f}, "
        f"last val_accuracy (4 batches) {history.history['val_accuracy'][-1]:.4f}"
    )

    model = classifier()
    dataset = DigitBatches(x_train, y_train, reshuffle=True, workers=2)
    model.fit(dataset, epochs=epochs, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    results["py_dataset_accuracy"] = float(accuracy)
    results["py_dataset_epochs_seen"] = dataset.epochs_seen
    print(
        f"2. PyDataset on 2 threads: test accuracy {accuracy:.4f}, "
        f"on_epoch_end called {dataset.epochs_seen} times"
    )

    by_arrays, by_generator, by_dataset = classifier(), classifier(), classifier()
    by_arrays.fit(x_train, y_train, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
    endless_in_order = (batch for _ in range(epochs) for batch in batches_once(x_train, y_train))
    by_generator.fit(endless_in_order, steps_per_epoch=steps, epochs=epochs, verbose=0)
    by_dataset.fit(DigitBatches(x_train, y_train), epochs=epochs, shuffle=False, verbose=0)
    differences = {
        name: max(
            float(np.max(np.abs(a - b)))
            for a, b in zip(by_arrays.get_weights(), other.get_weights(), strict=True)
        )
        for name, other in (("generator", by_generator), ("PyDataset", by_dataset))
    }
    results["weight_differences"] = differences
    print(f"3. the same training three ways: largest weight difference from arrays {differences}")

    evaluated = by_arrays.evaluate(DigitBatches(x_test, y_test), verbose=0, return_dict=True)
    inputs_only = (batch for (batch,) in batches_once(x_test))
    probabilities = by_arrays.predict(inputs_only)
    predicted_accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == y_test))
    results["evaluated_accuracy"] = evaluated["accuracy"]
    results["predicted_accuracy"] = predicted_accuracy
    print(
        f"4. evaluate on a PyDataset: accuracy {evaluated['accuracy']:.4f}; predict on a "
        f"generator: {probabilities.shape[0]} rows, accuracy {predicted_accuracy:.4f}"
    )

    weights = np.where(y_train == 1, 5.0, 1.0).astype("float32")
    by_sample_weight, by_class_weight = classifier(), classifier()
    by_sample_weight.fit(batches_once(x_train, y_train, weights), verbose=0)
    by_class_weight.fit(
        DigitBatches(x_train, y_train),
        class_weight={label: 5.0 if label == 1 else 1.0 for label in range(10)},
        shuffle=False,
        verbose=0,
    )
    difference = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(by_sample_weight.get_weights(), by_class_weight.get_weights(), strict=True)
    )
    results["weighting_difference"] = difference
    print(f"5. weights in the batches and class_weight agree: weight difference {difference}")

    model = classifier()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(batches_once(x_train, y_train), epochs=3, verbose=0)
    message = next(str(warning.message) for warning in caught)
    results["ran_out_epochs"] = len(history.history["loss"])
    results["ran_out_warning"] = message
    print(f"6. a generator that ends: {results['ran_out_epochs']} epoch of 3; {message[:60]}...")
    return results


if __name__ == "__main__":
    main()
