"""Models nested N deep: build and predict time, against flat models of as many layers.

Level 1 is ``Model(x, Dense(16)(x))`` and level k is ``Model(x, Dense(16)(level_{k-1}(x)))``,
so a model nested N deep holds N Dense layers; the flat reference is one Model
over a chain of N Dense(16), given the same weights (the outputs are checked
equal). A Dense per level, rather than one Dense wrapped in models that only
call the level below, keeps the math of both sides the same, so each ratio
measures what nesting alone costs; with identity wrapping the flat reference
would be a single layer.

For N = 10, 20, 40 and 80 it prints the time to build (create the layers,
call them, make the models) and to ``predict`` 32 rows, nested and flat,
measured in alternation in the same run (best of interleaved rounds), then
time(80) / time(40) for the nested build and predict: 2 when linear, the
target <= 2.5. (A symbolic call of a model used to re-infer, and run on
probe arrays, every level below it: building 80 levels took seconds,
growing as N^3.)

Times are this process's CPU time (``time.process_time``): on a shared
machine a longer measurement is more often interrupted by other work, which
would bias the best of wall-clock rounds against the deeper models.
"""

from __future__ import annotations

import gc
import time

import numpy as np
from _timing import compare

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

WIDTH = 16
DEPTHS = (10, 20, 40, 80)
ROWS = 32


def build_nested(depth: int) -> gk.Model:
    x = gk.Input((WIDTH,))
    model = gk.Model(x, layers.Dense(WIDTH)(x))
    for _ in range(depth - 1):
        x = gk.Input((WIDTH,))
        model = gk.Model(x, layers.Dense(WIDTH)(model(x)))
    return model


def build_flat(depth: int) -> gk.Model:
    x = gk.Input((WIDTH,))
    tensor = x
    for _ in range(depth):
        tensor = layers.Dense(WIDTH)(tensor)
    return gk.Model(x, tensor)


def timed_build(builder, depth: int) -> float:
    """CPU seconds to build one model, from a clean session and heap."""
    K.clear_session()
    gc.collect()  # layers and nodes of a dropped model form cycles
    start = time.process_time()
    builder(depth)
    return time.process_time() - start


def main() -> None:
    timed_build(build_nested, 20)  # warm-up: imports, caches
    rounds = 30
    builders = {"nested": build_nested, "flat": build_flat}
    builds = {(kind, depth): float("inf") for kind in builders for depth in DEPTHS}
    for _ in range(rounds):
        for depth in DEPTHS:
            for kind, builder in builders.items():
                seconds = timed_build(builder, depth)
                builds[kind, depth] = min(builds[kind, depth], seconds)

    gk.utils.set_random_seed(0)
    rows = np.random.default_rng(0).standard_normal((ROWS, WIDTH)).astype("float32")
    models = {}
    for depth in DEPTHS:
        nested, flat = build_nested(depth), build_flat(depth)
        # Both hold their Dense layers innermost first, so the weight lists line up.
        flat.set_weights(nested.get_weights())
        np.testing.assert_allclose(
            nested.predict(rows, verbose=0), flat.predict(rows, verbose=0), rtol=1e-5, atol=1e-6
        )
        models["nested", depth], models["flat", depth] = nested, flat
    predicts = compare(
        {
            key: (lambda model=model: model.predict(rows, batch_size=ROWS, verbose=0))
            for key, model in models.items()
        },
        rounds=rounds * 4,
        number=2,
        clock=time.process_time,
    )

    print(f"N levels of Dense({WIDTH}) nested, against a flat chain of N Dense({WIDTH}):")
    print("    N   build nested     flat  ratio   predict nested     flat  ratio")
    for depth in DEPTHS:
        build_nested_s, build_flat_s = builds["nested", depth], builds["flat", depth]
        predict_nested_s, predict_flat_s = predicts["nested", depth], predicts["flat", depth]
        print(
            f"  {depth:>3}   {build_nested_s * 1e3:9.2f} ms {build_flat_s * 1e3:6.2f} ms "
            f"{build_nested_s / build_flat_s:5.2f}x   {predict_nested_s * 1e3:11.3f} ms "
            f"{predict_flat_s * 1e3:6.3f} ms {predict_nested_s / predict_flat_s:5.2f}x"
        )
    print(
        f"(CPU time of this process, best of {rounds} interleaved rounds for builds and "
        f"{rounds * 4} for predict; predict on {ROWS} rows, one batch)"
    )
    build_ratio = builds["nested", 80] / builds["nested", 40]
    predict_ratio = predicts["nested", 80] / predicts["nested", 40]
    print(f"build:   time(80) / time(40) = {build_ratio:.2f} (target <= 2.5 (linear))")
    print(f"predict: time(80) / time(40) = {predict_ratio:.2f} (target <= 2.5 (linear))")


if __name__ == "__main__":
    main()
