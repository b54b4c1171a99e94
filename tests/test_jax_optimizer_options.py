"""On JAX every optimizer and option trains inside the compiled step, as numpy trains op by op.

Learning-rate schedules and callables, clipping (by value, by norm, by
global norm), weight decay, weight averages (EMA, with and without
overwriting), gradient accumulation, loss scaling and weight constraints
used to send ``fit`` back to op-by-op execution on JAX without a word. Each
test here trains one small model the same way on both backends, from the
same weights and batches, and checks that on JAX the step was traced once
(the Python step ran once for eight batches: compiled, not op by op), that
no fallback warning was raised, and that the weights, the optimizer's state
and the losses equal numpy's.

Tolerance: ``rtol=1e-4, atol=1e-5``. The two backends compute the same
float32 formulas, but XLA may fuse and reorder them, and in a compiled
step the scalars (learning rate, norms, bias corrections) are float32
arrays where numpy keeps Python doubles. Rounding differences of 1e-7 in a
gradient grow through Adam's and RMSprop's division by the root of tiny
second moments (2e-6 seen after eight plain Adam steps of this model).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
from compiled_step_tools import CallCounter, selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import constraints, layers, optimizers
from graphkeras.engine.compiled_steps import CompiledStepFallbackWarning
from graphkeras.optimizers import schedules

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)

RTOL, ATOL = 1e-4, 1e-5
ROWS, BATCH = 32, 4  # eight steps in one epoch


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, 4)).astype("float32")
    y = rng.normal(size=(ROWS, 3)).astype("float32") * 3.0  # large errors: clipping acts
    return x, y


def _initial_weights() -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    shapes = [(4, 5), (5,), (5, 3), (3,)]
    return [rng.normal(size=shape).astype("float32") * 0.5 for shape in shapes]


def _train(
    backend: str, make_optimizer: Callable[[], optimizers.Optimizer], steps_per_execution: int = 1
) -> dict:
    """One epoch of ``fit`` on ``backend``: the weights, optimizer state, losses and call count."""
    with selected(backend):
        inputs = gk.Input((4,))
        counter = CallCounter()
        hidden = layers.Dense(5, activation="tanh", kernel_constraint=constraints.MaxNorm(2.0))(
            counter(inputs)
        )
        model = gk.Model(inputs, layers.Dense(3)(hidden))
        model.set_weights(_initial_weights())
        counter.calls = 0  # building the graph probed it
        optimizer = make_optimizer()
        model.compile(optimizer, "mse", steps_per_execution=steps_per_execution)
        x, y = _data()
        losses: list[float] = []
        record = gk.callbacks.LambdaCallback(
            on_train_batch_end=lambda batch, logs: losses.append(logs["loss"])
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error", CompiledStepFallbackWarning)
            model.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0, callbacks=[record])
        return {
            "weights": model.get_weights(),
            "optimizer": [np.asarray(K.convert_to_numpy(v.value)) for v in optimizer.variables],
            "losses": losses,
            "calls": counter.calls,
        }


def _assert_trains_alike_compiled(
    make_optimizer: Callable[[], optimizers.Optimizer], steps_per_execution: int = 1
) -> None:
    expected = _train("numpy", make_optimizer, steps_per_execution)
    got = _train("jax", make_optimizer, steps_per_execution)
    assert expected["calls"] == ROWS // BATCH  # op by op: the Python step runs every batch
    assert got["calls"] == 1  # compiled: traced once for all batches of one signature
    # A compiled call of several steps reports once, with its last step's logs.
    last_of_each_call = expected["losses"][steps_per_execution - 1 :: steps_per_execution]
    np.testing.assert_allclose(got["losses"], last_of_each_call, rtol=RTOL, atol=ATOL)
    assert len(got["optimizer"]) == len(expected["optimizer"])
    for name, parts in (
        ("weights", zip(got["weights"], expected["weights"], strict=True)),
        ("optimizer", zip(got["optimizer"], expected["optimizer"], strict=True)),
    ):
        for index, (value, want) in enumerate(parts):
            np.testing.assert_allclose(
                value, want, rtol=RTOL, atol=ATOL, err_msg=f"{name}[{index}]"
            )


OPTIMIZERS: dict[str, Callable[..., optimizers.Optimizer]] = {
    "sgd": lambda **options: optimizers.SGD(**{"learning_rate": 0.05, **options}),
    "sgd_momentum": lambda **options: optimizers.SGD(
        **{"learning_rate": 0.05, "momentum": 0.9, **options}
    ),
    "sgd_nesterov": lambda **options: optimizers.SGD(
        **{"learning_rate": 0.05, "momentum": 0.9, "nesterov": True, **options}
    ),
    "adam": lambda **options: optimizers.Adam(**{"learning_rate": 0.05, **options}),
    "adam_amsgrad": lambda **options: optimizers.Adam(
        **{"learning_rate": 0.05, "amsgrad": True, **options}
    ),
    "adamw": lambda **options: optimizers.AdamW(**{"learning_rate": 0.05, **options}),
    "rmsprop": lambda **options: optimizers.RMSprop(**{"learning_rate": 0.02, **options}),
    "rmsprop_centered_momentum": lambda **options: optimizers.RMSprop(
        **{"learning_rate": 0.02, "centered": True, "momentum": 0.5, **options}
    ),
    "adagrad": lambda **options: optimizers.Adagrad(**{"learning_rate": 0.1, **options}),
}

OPTIONS: dict[str, Callable[[], dict]] = {
    "exponential_decay": lambda: {
        "learning_rate": schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)
    },
    "piecewise_constant": lambda: {
        "learning_rate": schedules.PiecewiseConstantDecay([2, 5], [0.05, 0.02, 0.01])
    },
    "cosine_decay_warmup": lambda: {
        "learning_rate": schedules.CosineDecay(0.0, 6, warmup_target=0.05, warmup_steps=3)
    },
    "clipnorm": lambda: {"clipnorm": 0.5},
    "clipvalue": lambda: {"clipvalue": 0.05},
    "global_clipnorm": lambda: {"global_clipnorm": 0.5},
    "weight_decay": lambda: {"weight_decay": 0.1},
    "use_ema": lambda: {"use_ema": True, "ema_momentum": 0.5},
    "ema_overwrite": lambda: {"use_ema": True, "ema_momentum": 0.5, "ema_overwrite_frequency": 3},
    "gradient_accumulation": lambda: {"gradient_accumulation_steps": 3},
    "loss_scale_factor": lambda: {"loss_scale_factor": 128.0},
    "everything": lambda: {
        "learning_rate": schedules.InverseTimeDecay(0.05, 2, 0.5, staircase=True),
        "global_clipnorm": 1.0,
        "weight_decay": 0.01,
        "use_ema": True,
        "ema_overwrite_frequency": 2,
        "gradient_accumulation_steps": 2,
        "loss_scale_factor": 4.0,
    },
}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_each_optimizer_with_every_option_trains_compiled_as_on_numpy(optimizer):
    # Each optimizer's own update (momentum, AMSGrad, centering, ...) under a schedule,
    # clipping, decay, averages, accumulation and loss scaling at once.
    _assert_trains_alike_compiled(lambda: OPTIMIZERS[optimizer](**OPTIONS["everything"]()))


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adagrad"])
def test_optimizers_without_options_train_compiled_as_on_numpy(optimizer):
    _assert_trains_alike_compiled(OPTIMIZERS[optimizer])


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_each_option_trains_compiled_as_on_numpy(option):
    # Every optimizer runs the shared options through the base class; Adam's step size
    # also reads the update count, which gradient accumulation changes.
    _assert_trains_alike_compiled(lambda: OPTIMIZERS["adam"](**OPTIONS[option]()))


@pytest.mark.parametrize("option", ["gradient_accumulation", "ema_overwrite"])
def test_options_train_alike_with_several_steps_per_execution(option):
    # Four steps folded into each call (lax.scan): the counters decide inside the loop.
    _assert_trains_alike_compiled(
        lambda: OPTIMIZERS["adam"](**OPTIONS[option]()), steps_per_execution=4
    )


def test_a_callable_learning_rate_is_read_before_each_compiled_call():
    # The callable's value changes between batches; each backend must use the new one.
    rates = iter([0.05, 0.04, 0.03, 0.02, 0.01, 0.02, 0.03, 0.04])
    current = {"rate": 0.05}

    class NextRate(gk.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            current["rate"] = next(rates)

    def train(backend: str) -> list:
        nonlocal rates
        rates = iter([0.05, 0.04, 0.03, 0.02, 0.01, 0.02, 0.03, 0.04])
        with selected(backend):
            inputs = gk.Input((4,))
            model = gk.Model(inputs, layers.Dense(3)(inputs))
            model.set_weights([np.ones((4, 3), "float32"), np.zeros(3, "float32")])
            model.compile(optimizers.Adam(lambda: current["rate"]), "mse")
            x, y = _data()
            with warnings.catch_warnings():
                warnings.simplefilter("error", CompiledStepFallbackWarning)
                model.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0, callbacks=[NextRate()])
            return model.get_weights()

    expected, got = train("numpy"), train("jax")
    for value, want in zip(got, expected, strict=True):
        np.testing.assert_allclose(value, want, rtol=RTOL, atol=ATOL)
    # A constant rate of 0.05 would train differently: the changing rate was used.
    current["rate"] = 0.05
    with selected("numpy"):
        inputs = gk.Input((4,))
        model = gk.Model(inputs, layers.Dense(3)(inputs))
        model.set_weights([np.ones((4, 3), "float32"), np.zeros(3, "float32")])
        model.compile(optimizers.Adam(0.05), "mse")
        x, y = _data()
        model.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0)
        assert not np.allclose(model.get_weights()[0], expected[0], atol=1e-4)


def test_the_callable_rate_holder_is_not_part_of_the_saved_state():
    with selected("jax"):
        optimizer = optimizers.SGD(lambda: 0.1)
        variable = K.Variable(np.ones(2, "float32"))
        optimizer.build([variable])
        assert [v.name for v in optimizer.variables] == ["iteration"]
        assert len(optimizer.step_variables) == 2
