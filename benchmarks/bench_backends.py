"""graphkeras on NumPy, graphkeras on JAX and (when installed) Keras 3 on JAX, side by side.

Four workloads, each timed after a warm-up run whose extra time (tracing and
XLA compilation, for the JAX engines) is printed apart:

(a) ``mlp``: one ``fit`` epoch of a 784-256-256-10 ReLU MLP, Adam, sparse
    categorical cross-entropy from logits, batch 128, 16,384 synthetic rows;
(b) ``cnn``: one ``fit`` epoch of a small CNN on the bundled digits (1,437
    8x8 images; two 3x3 convolutions of 32 and 64 filters, max pooling,
    Dense 128, Dense 10), batch 32;
(c) ``resnet50``: ``predict`` of ``ResNet50(weights=None)`` on a batch of 8
    images at 224x224 (``--quick``: 96x96);
(d) ``lstm``: one ``fit`` epoch of LSTM(128) -> Dense(1) on 4,096 sequences
    of 50 steps of 16 features, MSE, Adam, batch 64.

Every engine runs in a child process of its own (BLAS and XLA read their
thread settings when they load), once with one thread (``OPENBLAS_NUM_THREADS=1``
and XLA's single-thread flags) and once with the environment's default
threads. The same data, written once by this process, feeds every child.
Each time is the best of ``--repeats`` wall-clock runs after the warm-up.
Targets (issue 15): graphkeras-jax at most 1.0x Keras-JAX on each workload,
and at most 0.6x graphkeras-numpy on (a).

    python benchmarks/bench_backends.py                      # everything installed
    python benchmarks/bench_backends.py --engines numpy      # one engine (a regression check)
    python benchmarks/bench_backends.py --quick --threads one
Keras is an optional peer, never a dependency: without it, its column is empty.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOADS = ("mlp", "cnn", "resnet50", "lstm")
ENGINES = ("numpy", "jax", "keras")
ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
}


# ----------------------------------------------------------------- the data


def write_data(folder: Path, quick: bool) -> Path:
    """Write every workload's inputs to one ``.npz`` file the children read."""
    import numpy as np

    import graphkeras as gk

    rng = np.random.default_rng(0)
    (digits, digit_labels), _ = gk.datasets.digits.load_data()
    side = 96 if quick else 224
    path = folder / "data.npz"
    np.savez(
        path,
        mlp_x=rng.standard_normal((16384, 784), dtype=np.float32),
        mlp_y=rng.integers(0, 10, 16384).astype("int32"),
        cnn_x=(digits.astype("float32") / 16.0)[..., None],
        cnn_y=digit_labels.astype("int32"),
        resnet50_x=rng.uniform(0, 255, (8, side, side, 3)).astype("float32"),
        lstm_x=rng.standard_normal((4096, 50, 16), dtype=np.float32),
        lstm_y=rng.standard_normal((4096, 1), dtype=np.float32),
    )
    return path


# ------------------------------------------------- models, in either library


def build(lib, workload: str, data):
    """The workload's model in ``lib`` (graphkeras or keras: the same functional API)."""
    layers = lib.layers
    if workload == "mlp":
        inputs = lib.Input(shape=(784,))
        x = layers.Dense(256, activation="relu")(inputs)
        x = layers.Dense(256, activation="relu")(x)
        model = lib.Model(inputs, layers.Dense(10)(x))
        loss = lib.losses.SparseCategoricalCrossentropy(from_logits=True)
    elif workload == "cnn":
        inputs = lib.Input(shape=(8, 8, 1))
        x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
        x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Flatten()(x)
        x = layers.Dense(128, activation="relu")(x)
        model = lib.Model(inputs, layers.Dense(10)(x))
        loss = lib.losses.SparseCategoricalCrossentropy(from_logits=True)
    elif workload == "resnet50":
        side = data["resnet50_x"].shape[1]
        return lib.applications.ResNet50(weights=None, input_shape=(side, side, 3))
    else:
        inputs = lib.Input(shape=(50, 16))
        x = layers.LSTM(128)(inputs)
        model = lib.Model(inputs, layers.Dense(1)(x))
        loss = "mse"
    model.compile(optimizer=lib.optimizers.Adam(1e-3), loss=loss)
    return model


BATCH_SIZES = {"mlp": 128, "cnn": 32, "resnet50": 8, "lstm": 64}


def run_once(model, workload: str, data) -> None:
    """One epoch (or one predict) of the workload."""
    batch_size = BATCH_SIZES[workload]
    if workload == "resnet50":
        model.predict(data["resnet50_x"], batch_size=batch_size, verbose=0)
    else:
        model.fit(
            data[f"{workload}_x"],
            data[f"{workload}_y"],
            batch_size=batch_size,
            epochs=1,
            verbose=0,
        )


def child(engine: str, data_path: str, workloads: list[str], repeats: int) -> None:
    """Time each workload in this process and print one JSON line per workload."""
    import numpy as np

    if engine == "keras":
        import keras as lib

        lib.utils.set_random_seed(0)
    else:
        import graphkeras as lib

        lib.utils.set_random_seed(0)
    data = dict(np.load(data_path))
    for workload in workloads:
        model = build(lib, workload, data)
        start = time.perf_counter()
        run_once(model, workload, data)
        first = time.perf_counter() - start
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run_once(model, workload, data)
            times.append(time.perf_counter() - start)
        best = min(times)
        record = {"workload": workload, "seconds": best, "warmup_extra": max(first - best, 0.0)}
        print("RESULT " + json.dumps(record), flush=True)


# ------------------------------------------------------------ the parent run


def engine_available(engine: str) -> bool:
    """Whether this Python can run ``engine`` (JAX for two of them, Keras for the peer)."""
    if engine == "numpy":
        return True
    if importlib.util.find_spec("jax") is None:
        return False
    return engine == "jax" or importlib.util.find_spec("keras") is not None


def run_child(engine: str, threads: str, data_path: Path, args) -> dict[str, dict]:
    """Run one engine's child process and collect its results by workload."""
    env = dict(os.environ)
    if threads == "one":
        env.update(ONE_THREAD)
    else:
        for name in ONE_THREAD:
            env.pop(name, None)
    env["GRAPHKERAS_BACKEND"] = "jax" if engine == "jax" else "numpy"
    env["KERAS_BACKEND"] = "jax"
    command = [sys.executable, __file__, "--child", engine, "--data", str(data_path)]
    command += ["--workloads", *args.workloads, "--repeats", str(args.repeats)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-3:]
        print(f"  {engine} ({threads} thread setting) failed: {' | '.join(tail)}")
        return {}
    results = {}
    for line in completed.stdout.splitlines():
        if line.startswith("RESULT "):
            record = json.loads(line[len("RESULT ") :])
            results[record["workload"]] = record
    return results


def cell(record: dict | None) -> str:
    return "-" if record is None else f"{record['seconds'] * 1000:9.0f} ms"


def ratio(numerator: dict | None, denominator: dict | None) -> str:
    if numerator is None or denominator is None:
        return "-"
    return f"{numerator['seconds'] / denominator['seconds']:.2f}x"


def report(threads: str, results: dict[str, dict[str, dict]], workloads: list[str]) -> None:
    """Print one table: times, the two target ratios and the warm-up (compile) extras."""
    print(f"\n{threads} thread setting (best of the timed runs, wall clock)")
    header = f"{'workload':<10}{'gk-numpy':>13}{'gk-jax':>13}{'keras-jax':>13}"
    print(header + f"{'jax/keras':>11}{'jax/numpy':>11}   warm-up extra (numpy / jax / keras)")
    for workload in workloads:
        numpy_result = results.get("numpy", {}).get(workload)
        jax_result = results.get("jax", {}).get(workload)
        keras_result = results.get("keras", {}).get(workload)
        extras = " / ".join(
            "-" if r is None else f"{r['warmup_extra']:.1f} s"
            for r in (numpy_result, jax_result, keras_result)
        )
        print(
            f"{workload:<10}{cell(numpy_result):>13}{cell(jax_result):>13}{cell(keras_result):>13}"
            f"{ratio(jax_result, keras_result):>11}{ratio(jax_result, numpy_result):>11}   {extras}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--threads", choices=("one", "all", "both"), default="both")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="ResNet50 at 96x96")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.workloads, args.repeats)
        return
    engines = [engine for engine in args.engines if engine_available(engine)]
    skipped = sorted(set(args.engines) - set(engines))
    if skipped:
        print(f"not installed here, left out: {', '.join(skipped)}")
    settings = ("one", "all") if args.threads == "both" else (args.threads,)
    with tempfile.TemporaryDirectory() as folder:
        data_path = write_data(Path(folder), args.quick)
        for threads in settings:
            results = {engine: run_child(engine, threads, data_path, args) for engine in engines}
            report(threads, results, args.workloads)
    print("\ntargets: jax/keras <= 1.00x on each workload; jax/numpy <= 0.60x on mlp")


if __name__ == "__main__":
    main()
