"""One training epoch of a 784-256-256-10 ReLU MLP: ``fit`` against a raw NumPy loop.

Adam, sparse categorical cross-entropy from logits, batch 128, 16,384
synthetic rows, timed after a warm-up epoch. The reference, measured in
the same run, is the same epoch written by hand in NumPy: the same shuffled
batches, forward pass, backward pass and Keras 3 Adam update, from the same
initial weights; the first steps are checked to give the same weights. Target:
``fit`` <= 1.3x the raw loop.

The script measures twice, each time in a fresh child process (the BLAS
reads its thread count when numpy is imported): with one BLAS thread
(``OPENBLAS_NUM_THREADS=1`` and friends), where the per-op overhead of the
framework shows, timed in process CPU time so that other work on a shared
machine does not land in the measurement; and with the environment's
default threads, timed on the wall clock (CPU time would add up every BLAS
thread). Both lines also give the minor page faults per step of each side:
fresh memory pages are a large, noisy part of an epoch's cost, and glibc's
heap hands them out depending on the order of every allocation in the process.

    python benchmarks/bench_train.py            # both settings
    python benchmarks/bench_train.py --one      # only the setting of this environment

A second section times the same epoch read from a Python generator and from
a ``PyDataset`` next to arrays, all unshuffled, in CPU time (target: within
1.1x of arrays).
"""

from __future__ import annotations

import os
import subprocess
import sys
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


def _page_faults() -> int:
    """Minor page faults of this process so far (0 where the platform does not count them)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def measure(label: str, clock) -> None:
    """Time ``fit`` against the raw loop in this process and print one result line."""
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

    faults = {"raw": 0, "fit": 0}

    def counting(name, function):
        def run():
            before = _page_faults()
            function()
            faults[name] += _page_faults() - before

        return run

    rounds = 7
    best = compare(
        {
            "raw": counting("raw", lambda: raw.epoch(x, y, generator.permutation(ROWS))),
            "fit": counting("fit", lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)),
        },
        rounds=rounds,
        clock=clock,
    )
    steps = rounds * -(-ROWS // BATCH)
    print(
        f"  {label}: raw numpy loop {best['raw'] * 1e3:7.1f} ms   graphkeras fit "
        f"{best['fit'] * 1e3:7.1f} ms   ratio {best['fit'] / best['raw']:.2f}x (target <= 1.3x)"
        f"   page faults/step raw {faults['raw'] / steps:.0f}, fit {faults['fit'] / steps:.0f}",
        flush=True,
    )


_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def main() -> None:
    if "--child" in sys.argv:
        one_thread = os.environ.get("OPENBLAS_NUM_THREADS") == "1"
        if one_thread:
            measure("1 BLAS thread, process CPU time", time.process_time)
        else:
            measure("default BLAS threads, wall clock", time.perf_counter)
        return
    print(
        f"one epoch, {ROWS:,} rows, batch {BATCH}, "
        f"{FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES} ReLU MLP, Adam, sparse CE from logits:",
        flush=True,
    )
    if "--one" in sys.argv:
        sys.argv.append("--child")
        main()
        return
    for one_thread in (True, False):
        environment = dict(os.environ)
        for name in _THREAD_VARIABLES:
            if one_thread:
                environment[name] = "1"
            else:
                environment.pop(name, None)
        # Each child imports numpy afresh, after its thread count is set.
        subprocess.run([sys.executable, __file__, "--child"], env=environment, check=True)


# ------------------------------------------------------------ data sources
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
    if "--child" not in sys.argv:  # the children time only the arrays-against-raw epoch
        data_source_epochs()
