"""One training epoch of a 784-256-256-10 ReLU MLP: ``fit`` against a raw NumPy loop.

Adam, sparse categorical cross-entropy from logits, batch 128, 16,384
synthetic rows, timed after a warm-up epoch. The reference, measured in
the same run, is the same epoch written by hand in NumPy: the same shuffled
batches, forward pass, backward pass and Keras 3 Adam update, from the same
initial weights; the first steps are checked to give the same weights. Target:
``fit`` <= 1.3x the raw loop.

A second section times the same epoch read from a Python generator and from
a ``PyDataset`` next to arrays, all unshuffled, in CPU time (target: within
1.1x of arrays).
"""

from __future__ import annotations

import time

import numpy as np
from _timing import compare

import graphkeras as gk
from graphkeras import layers

ROWS, FEATURES, HIDDEN, CLASSES, BATCH = 16_384, 784, 256, 10, 128
LEARNING_RATE, BETA_1, BETA_2, EPSILON = 1e-3, 0.9, 0.999, 1e-7


def build_model() -> gk.Model:
    inputs = gk.Input(shape=(FEATURES,))
    hidden = layers.Dense(HIDDEN, activation="relu")(inputs)
    hidden = layers.Dense(HIDDEN, activation="relu")(hidden)
    model = gk.Model(inputs, layers.Dense(CLASSES)(hidden))
    model.compile(
        optimizer=gk.optimizers.Adam(LEARNING_RATE),
        loss=gk.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


class RawNumpyTrainer:
    """The same training written by hand: forward, backward and Adam, in float32."""

    def __init__(self, weights: list[np.ndarray]) -> None:
        self.params = [w.copy() for w in weights]
        self.m = [np.zeros_like(w) for w in weights]
        self.v = [np.zeros_like(w) for w in weights]
        self.step = 0

    def epoch(self, x: np.ndarray, y: np.ndarray, order: np.ndarray) -> None:
        for start in range(0, len(x), BATCH):
            index = order[start : start + BATCH]
            self.train_step(x[index], y[index])

    def train_step(self, x: np.ndarray, y: np.ndarray) -> None:
        w1, b1, w2, b2, w3, b3 = self.params
        h1 = np.maximum(x @ w1 + b1, 0)
        h2 = np.maximum(h1 @ w2 + b2, 0)
        logits = h2 @ w3 + b3
        shifted = logits - logits.max(axis=1, keepdims=True)
        probabilities = np.exp(shifted)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        probabilities[np.arange(len(y)), y] -= 1
        d_logits = probabilities / len(y)
        d_w3, d_b3 = h2.T @ d_logits, d_logits.sum(axis=0)
        d_h2 = (d_logits @ w3.T) * (h2 > 0)
        d_w2, d_b2 = h1.T @ d_h2, d_h2.sum(axis=0)
        d_h1 = (d_h2 @ w2.T) * (h1 > 0)
        d_w1, d_b1 = x.T @ d_h1, d_h1.sum(axis=0)
        self.step += 1
        alpha = float(LEARNING_RATE * np.sqrt(1 - BETA_2**self.step) / (1 - BETA_1**self.step))
        for p, g, m, v in zip(
            self.params, (d_w1, d_b1, d_w2, d_b2, d_w3, d_b3), self.m, self.v, strict=True
        ):
            m += (g - m) * (1 - BETA_1)
            v += (g * g - v) * (1 - BETA_2)
            p -= alpha * m / (np.sqrt(v) + EPSILON)


def main() -> None:
    generator = np.random.default_rng(0)
    x = generator.standard_normal((ROWS, FEATURES)).astype("float32")
    y = generator.integers(0, CLASSES, size=ROWS)

    gk.utils.set_random_seed(0)
    model = build_model()
    raw = RawNumpyTrainer(model.get_weights())

    # Same start, same batches: the first steps must give the same weights (over a
    # whole epoch, Adam's normalised steps amplify float32 rounding differences).
    for start in range(0, 3 * BATCH, BATCH):
        model.train_on_batch(x[start : start + BATCH], y[start : start + BATCH])
        raw.train_step(x[start : start + BATCH], y[start : start + BATCH])
    for ours, theirs in zip(model.get_weights(), raw.params, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-6)
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)  # warm-up epoch
    raw.epoch(x, y, generator.permutation(ROWS))

    def fit_epoch():
        model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)

    def raw_epoch():
        raw.epoch(x, y, generator.permutation(ROWS))

    best = compare({"raw": raw_epoch, "fit": fit_epoch}, rounds=5)
    print(
        f"one epoch, {ROWS:,} rows, batch {BATCH}, "
        f"{FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES} ReLU MLP, Adam, sparse CE from logits:"
    )
    print(
        f"  raw numpy loop {best['raw'] * 1e3:8.1f} ms   graphkeras fit {best['fit'] * 1e3:8.1f} ms"
        f"   ratio {best['fit'] / best['raw']:.2f}x (target <= 1.3x)"
    )


# ------------------------------------------------- data sources (fit-loop)
class ArrayBatches(gk.utils.PyDataset):
    """The rows of ``x`` and ``y`` in batches of ``BATCH``, as a PyDataset."""

    def __init__(self, x: np.ndarray, y: np.ndarray) -> None:
        super().__init__()
        self.x, self.y = x, y

    def __len__(self) -> int:
        return -(-len(self.x) // BATCH)

    def __getitem__(self, index: int):
        rows = slice(index * BATCH, (index + 1) * BATCH)
        return self.x[rows], self.y[rows]


def data_source_epochs() -> None:
    """One fit epoch from arrays, a generator and a PyDataset of the same batches."""
    generator = np.random.default_rng(0)
    x = generator.standard_normal((ROWS, FEATURES)).astype("float32")
    y = generator.integers(0, CLASSES, size=ROWS)
    gk.utils.set_random_seed(0)
    model = build_model()
    dataset = ArrayBatches(x, y)

    def batches():
        for start in range(0, ROWS, BATCH):
            yield x[start : start + BATCH], y[start : start + BATCH]

    candidates = {
        "arrays": lambda: model.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0),
        "generator": lambda: model.fit(batches(), verbose=0),
        "PyDataset": lambda: model.fit(dataset, shuffle=False, verbose=0),
    }
    for epoch in candidates.values():  # warm-up epochs
        epoch()
    best = compare(candidates, rounds=3, clock=time.process_time)
    print(f"one epoch by data source (CPU time, {ROWS // BATCH} batches of {BATCH}, unshuffled):")
    print(
        "  "
        + "   ".join(
            f"{name} {seconds * 1e3:8.1f} ms ({seconds / best['arrays']:.2f}x)"
            for name, seconds in best.items()
        )
        + "   (target: generator and PyDataset <= 1.1x arrays)"
    )


if __name__ == "__main__":
    main()
    data_source_epochs()
