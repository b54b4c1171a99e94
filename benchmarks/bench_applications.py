"""Predict time of four application models, graphkeras (NumPy) against Keras on JAX when installed.

Run: ``python benchmarks/bench_applications.py`` (it pins BLAS, and XLA when
Keras is importable, to one thread itself). ``--quick`` runs one model.

For ResNet50, MobileNetV2, EfficientNetB0 and ConvNeXtTiny at 96x96, batch
32 (and ResNet50 at 224x224, batch 8), it builds the model with
``gk.applications`` and prints graphkeras's ``predict`` time. When
``keras`` (Keras 3) with the JAX backend is importable (optional, never a
dependency), it builds the same model there, copies Keras's weights into
graphkeras's (same order, by construction), checks both give the same
outputs, and times both in alternation in this process's CPU time (best
of several rounds, ``_timing.compare``), printing the ratio.
Targets: MobileNetV2 and EfficientNetB0 at most 1.2x Keras-JAX, ConvNeXtTiny 1.5x.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy loads BLAS
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"

import importlib.util  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import compare  # noqa: E402

import graphkeras as gk  # noqa: E402

# (application, image side, batch, target ratio against Keras-JAX or None)
CASES = [
    ("ResNet50", 96, 32, None),
    ("MobileNetV2", 96, 32, 1.2),
    ("EfficientNetB0", 96, 32, 1.2),
    ("ConvNeXtTiny", 96, 32, 1.5),
    ("ResNet50", 224, 8, None),
]


def keras_or_none():
    """Keras 3 on JAX, if this environment has it; the comparison is skipped otherwise."""
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
        return None
    import keras

    if keras.backend.backend() != "jax":
        return None
    return keras


def run_case(keras, name: str, side: int, batch: int, target: float | None) -> None:
    shape = (side, side, 3)
    ours = getattr(gk.applications, name)(weights=None, input_shape=shape)
    images = np.random.default_rng(0).uniform(0, 255, (batch, *shape)).astype("float32")
    label = f"{name:<15} {side}x{side} batch {batch:<3}"
    if keras is None:
        ours.predict(images, batch_size=batch, verbose=0)
        best = compare(
            {"graphkeras": lambda: ours.predict(images, batch_size=batch, verbose=0)},
            rounds=3,
            clock=time.process_time,
        )
        print(f"{label} graphkeras {best['graphkeras'] * 1e3:8.1f} ms   (no keras with JAX)")
        return
    theirs = getattr(keras.applications, name)(weights=None, input_shape=shape)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    expected = np.asarray(theirs.predict(images, batch_size=batch, verbose=0))
    np.testing.assert_allclose(
        ours.predict(images, batch_size=batch, verbose=0), expected, rtol=1e-4, atol=1e-6
    )
    best = compare(
        {
            "keras": lambda: theirs.predict(images, batch_size=batch, verbose=0),
            "graphkeras": lambda: ours.predict(images, batch_size=batch, verbose=0),
        },
        rounds=3,
        clock=time.process_time,
    )
    ratio = best["graphkeras"] / best["keras"]
    goal = f"(target <= {target}x)" if target else ""
    print(
        f"{label} keras-jax {best['keras'] * 1e3:8.1f} ms   graphkeras "
        f"{best['graphkeras'] * 1e3:8.1f} ms   ratio {ratio:.2f}x {goal}",
        flush=True,
    )


def main() -> None:
    keras = keras_or_none()
    cases = CASES[1:2] if "--quick" in sys.argv else CASES
    for case in cases:
        run_case(keras, *case)


if __name__ == "__main__":
    main()
