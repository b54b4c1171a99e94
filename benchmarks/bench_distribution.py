"""Data-parallel training throughput on 1, 2, 4 and 8 devices (gk.distribution, JAX backend).

The MLP and the CNN of ``bench_backends.py`` (same models, data, batch sizes
and optimizer) train one epoch under ``DataParallel`` over the first N
devices, for N = 1, 2, 4, 8, and the script prints samples per second and the
ratio to the same model trained without a distribution in the same process
(the reference). When Keras 3 with JAX is importable, ``keras.distribution``
runs the same epochs as a peer (optional, never a dependency).

By default the devices are simulated: the children start with
``XLA_FLAGS=--xla_force_host_platform_device_count=8``, so eight "CPU
devices" share this machine's cores. Their absolute numbers say little (two
cores do not become eight); the run shows that each setting trains without
error and how the overhead of splitting grows. ``--real`` uses the devices
the machine has (a GPU, say) and powers of two up to their count.

    python benchmarks/bench_distribution.py
    python benchmarks/bench_distribution.py --engines graphkeras --repeats 2
    python benchmarks/bench_distribution.py --real
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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_backends import BATCH_SIZES, build, write_data  # noqa: E402

WORKLOADS = ("mlp", "cnn")
ENGINES = ("graphkeras", "keras")
DEVICE_COUNTS = (1, 2, 4, 8)


def child(engine: str, data_path: str, workloads: list[str], repeats: int, devices: int) -> None:
    """Time every workload on ``devices`` devices (0: no distribution); one JSON line each."""
    import numpy as np

    if engine == "keras":
        import keras as lib
        from keras import distribution
    else:
        import graphkeras as lib
        from graphkeras import distribution
    data = dict(np.load(data_path))
    for workload in workloads:
        batch_size = BATCH_SIZES[workload]
        rows = len(data[f"{workload}_x"]) // batch_size * batch_size  # no smaller last batch
        x, y = data[f"{workload}_x"][:rows], data[f"{workload}_y"][:rows]
        lib.utils.set_random_seed(0)
        if devices:
            names = distribution.list_devices()[:devices]
            distribution.set_distribution(distribution.DataParallel(devices=names))
        model = build(lib, workload, data)
        # Two warm-up epochs: the second compiles the shuffle for the seed
        # state the first one left on the mesh.
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=2, verbose=0)
        first = (time.perf_counter() - start) / 2
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
            best = min(best, time.perf_counter() - start)
        distribution.set_distribution(None)
        record = {
            "workload": workload,
            "devices": devices or None,
            "samples_per_second": rows / best,
            "warmup_extra": max(2 * (first - best), 0.0),
        }
        print("RESULT " + json.dumps(record), flush=True)


def run_child(engine: str, devices: int, data_path: Path, args) -> list[dict]:
    """One child process per engine and device count, so a crash loses one row only."""
    env = dict(os.environ, GRAPHKERAS_BACKEND="jax", KERAS_BACKEND="jax")
    if not args.real:
        flags = f"{env.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count=8"
        env["XLA_FLAGS"] = flags.strip()
    command = [sys.executable, __file__, "--child", engine, "--data", str(data_path)]
    command += ["--workloads", *args.workloads, "--repeats", str(args.repeats)]
    command += ["--devices", str(devices)]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.strip().splitlines() if "@" not in line]
        reason = " | ".join(line[:300] for line in lines[-2:])
        print(f"  {engine} on {devices or 'no distribution, one'} device(s) failed: {reason}")
        return []
    return [
        json.loads(line[len("RESULT ") :])
        for line in completed.stdout.splitlines()
        if line.startswith("RESULT ")
    ]


def device_count(args) -> int:
    """How many devices the children will see."""
    if not args.real:
        return 8
    import jax

    return jax.device_count()


def report(engine: str, records: list[dict]) -> None:
    """One table per engine: samples/s per device count, and the ratio to no distribution."""
    print(f"\n{engine} on JAX, DataParallel (best of the timed epochs, wall clock)")
    print(f"{'workload':<10}{'devices':>18}{'samples/s':>12}{'vs none':>9}   warm-up extra")
    reference = {r["workload"]: r for r in records if r["devices"] is None}
    for record in records:
        devices = "none (reference)" if record["devices"] is None else str(record["devices"])
        base = reference.get(record["workload"])
        relative = (
            "-"
            if base is None
            else (f"{record['samples_per_second'] / base['samples_per_second']:.2f}x")
        )
        print(
            f"{record['workload']:<10}{devices:>18}{record['samples_per_second']:>12.0f}"
            f"{relative:>9}   {record['warmup_extra']:.1f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--real", action="store_true", help="the machine's own devices")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--devices", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.workloads, args.repeats, args.devices)
        return
    if importlib.util.find_spec("jax") is None:
        print("gk.distribution needs JAX: pip install 'graphkeras[jax]'")
        return
    engines = [
        engine
        for engine in args.engines
        if engine == "graphkeras" or importlib.util.find_spec("keras") is not None
    ]
    if set(args.engines) - set(engines):
        print("keras is not installed here: its table is left out")
    print("devices:", "the machine's own" if args.real else "8 simulated CPU devices")
    with tempfile.TemporaryDirectory() as folder:
        data_path = write_data(Path(folder), quick=True)
        available = device_count(args)
        counts = [0, *(count for count in DEVICE_COUNTS if count <= available)]
        for engine in engines:
            records = [r for count in counts for r in run_child(engine, count, data_path, args)]
            records.sort(key=lambda r: (WORKLOADS.index(r["workload"]), r["devices"] or 0))
            report(engine, records)


if __name__ == "__main__":
    main()
