"""Check, by hand, that graphkeras reads the Keras-made files of every application.

Run after ``record_keras_applications.py RECORDS --files DIR`` (with Keras),
in an environment with graphkeras and h5py (no Keras needed):

    python scripts/check_keras_application_files.py DIR [--only ResNet50,VGG16]

For each ``DIR/<Name>.npz`` it loads ``<Name>.keras`` and ``<Name>.h5`` with
``gk.models.load_model``, and builds ``gk.applications.<Name>`` at the same
size and loads ``<Name>.weights.h5`` into it; each model's outputs on the
recorded images are compared with Keras's, and the largest difference,
relative to the largest output, printed. Exits 1 if any exceeds 1e-5.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import graphkeras as gk

TOLERANCE = 1e-5


def scaled_difference(model, x: np.ndarray, y: np.ndarray) -> float:
    got = model.predict(x, verbose=0)
    return float(np.max(np.abs(got - y)) / max(1.0, float(np.max(np.abs(y)))))


def check(directory: Path, name: str) -> bool:
    recorded = np.load(directory / f"{name}.npz")
    x, y = recorded["x"], recorded["y"]
    results = {}
    for suffix in (".keras", ".h5"):
        gk.backend.clear_session()
        try:
            model = gk.models.load_model(directory / f"{name}{suffix}")
        except ValueError as error:  # reported, and the other files still checked
            print(f"{name:<18} FAIL {suffix}: {error}", flush=True)
            results[suffix] = float("inf")
            continue
        results[suffix] = scaled_difference(model, x, y)
    gk.backend.clear_session()
    built = getattr(gk.applications, name)(
        weights=None, input_shape=x.shape[1:], classifier_activation=None
    )
    built.load_weights(directory / f"{name}.weights.h5")
    results[".weights.h5 into gk.applications"] = scaled_difference(built, x, y)
    line = "   ".join(f"{key} {value:.1e}" for key, value in results.items())
    good = all(value <= TOLERANCE for value in results.values())
    print(f"{name:<18} {'ok  ' if good else 'FAIL'} {line}", flush=True)
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--only", default="")
    arguments = parser.parse_args()
    names = [n for n in arguments.only.split(",") if n] or sorted(
        path.stem for path in arguments.directory.glob("*.npz")
    )
    failures = [name for name in names if not check(arguments.directory, name)]
    print(f"{len(names) - len(failures)} of {len(names)} applications match Keras", flush=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
