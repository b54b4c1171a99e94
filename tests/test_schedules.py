"""Tests for graphkeras.optimizers.schedules: values at given steps, checks and configs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from graphkeras import backend as K
from graphkeras.optimizers import schedules
from graphkeras.utils.serialization import register_serializable

# Every test runs on each installed backend (numpy, jax).
pytestmark = pytest.mark.usefixtures("backend")


@register_serializable(package="test_schedules")
class HalvingSchedule(schedules.LearningRateSchedule):
    """Halves the rate every step: a user schedule for the config tests."""

    def __init__(self, start):
        self.start = start

    def __call__(self, step):
        return self.start * 0.5**step

    def get_config(self):
        return {"start": self.start}


# ------------------------------------------------------------ ExponentialDecay


def test_exponential_decay_is_continuous_by_default():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert schedule(0) == pytest.approx(0.1)
    assert schedule(5) == pytest.approx(0.1 * 0.5**0.5)
    assert schedule(10) == pytest.approx(0.05)
    assert schedule(25) == pytest.approx(0.1 * 0.5**2.5)


def test_exponential_decay_with_staircase_drops_every_decay_steps():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [schedule(step) for step in (0, 9, 10, 19, 20)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025]
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5),
        lambda: schedules.InverseTimeDecay(0.1, decay_steps=-1, decay_rate=0.5),
        lambda: schedules.PolynomialDecay(0.1, decay_steps=0),
        lambda: schedules.CosineDecay(0.1, decay_steps=0),
    ],
)
def test_decay_steps_must_be_positive(make):
    with pytest.raises(ValueError, match="decay_steps"):
        make()


def test_cosine_decay_restarts_first_decay_steps_must_be_positive():
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, first_decay_steps=0)


# ------------------------------------------------------ PiecewiseConstantDecay


def test_piecewise_constant_decay_includes_each_boundary_in_the_range_before_it():
    schedule = schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    steps = (0, 100, 101, 200, 201, 10_000)
    assert [schedule(step) for step in steps] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


def test_piecewise_constant_decay_needs_one_value_more_than_boundaries():
    with pytest.raises(ValueError, match="boundaries"):
        schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5])


# ------------------------------------------------------------ PolynomialDecay


def test_polynomial_decay_reaches_end_rate_and_stays():
    schedule = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.1, power=2.0)
    # (1.0 - 0.1) * (1 - 5 / 10) ** 2 + 0.1
    assert schedule(5) == pytest.approx(0.325)
    assert schedule(10) == pytest.approx(0.1)
    assert schedule(50) == pytest.approx(0.1)


def test_polynomial_decay_with_cycle_stretches_decay_steps():
    schedule = schedules.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, cycle=True)
    assert schedule(0) == pytest.approx(1.0)
    # step 15: decay_steps becomes 20, so 1 - 15 / 20.
    assert schedule(15) == pytest.approx(0.25)


# ----------------------------------------------------------- InverseTimeDecay


def test_inverse_time_decay_values():
    schedule = schedules.InverseTimeDecay(1.0, decay_steps=10, decay_rate=0.5)
    assert schedule(5) == pytest.approx(1.0 / 1.25)
    stairs = schedules.InverseTimeDecay(1.0, decay_steps=10, decay_rate=0.5, staircase=True)
    assert stairs(15) == pytest.approx(1.0 / 1.5)


# ---------------------------------------------------------------- CosineDecay


def test_cosine_decay_follows_half_a_cosine_then_holds():
    schedule = schedules.CosineDecay(0.2, decay_steps=100)
    assert schedule(0) == pytest.approx(0.2)
    assert schedule(50) == pytest.approx(0.1)
    assert schedule(25) == pytest.approx(0.2 * 0.5 * (1 + math.cos(math.pi / 4)))
    assert schedule(100) == pytest.approx(0.0, abs=1e-12)
    assert schedule(500) == pytest.approx(0.0, abs=1e-12)


def test_cosine_decay_alpha_sets_the_floor():
    schedule = schedules.CosineDecay(0.2, decay_steps=100, alpha=0.1)
    assert schedule(100) == pytest.approx(0.02)
    assert schedule(50) == pytest.approx(0.2 * (0.9 * 0.5 + 0.1))


def test_cosine_decay_warmup_rises_linearly_then_decays_from_target():
    schedule = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert [schedule(step) for step in (0, 1, 2, 3)] == pytest.approx([0.0, 0.25, 0.5, 0.75])
    assert schedule(4) == pytest.approx(1.0)
    assert schedule(9) == pytest.approx(0.5)
    assert schedule(14) == pytest.approx(0.0, abs=1e-12)
    assert schedule(100) == pytest.approx(0.0, abs=1e-12)


def test_cosine_decay_name_defaults_as_keras():
    assert schedules.CosineDecay(0.1, 10).get_config()["name"] == "CosineDecay"


def test_cosine_decay_restarts_periods_grow_by_t_mul_and_shrink_by_m_mul():
    schedule = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5)
    assert schedule(0) == pytest.approx(1.0)
    assert schedule(5) == pytest.approx(0.5)
    # Second period: steps 10..30, starting at 0.5.
    assert schedule(10) == pytest.approx(0.5)
    assert schedule(20) == pytest.approx(0.25)
    # Third period starts at step 30, at 0.25.
    assert schedule(30) == pytest.approx(0.25)


def test_cosine_decay_restarts_with_equal_periods():
    schedule = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=1.0, alpha=0.5)
    assert schedule(5) == pytest.approx(0.75)
    assert schedule(15) == pytest.approx(0.75)
    assert schedule(20) == pytest.approx(1.0)


# -------------------------------------------------------------- step inputs


def test_schedules_accept_variables_and_backend_scalars_as_step():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    step = K.Variable(10, dtype="int64", trainable=False)
    assert schedule(step) == pytest.approx(0.05)
    assert schedule(K.convert_to_tensor(np.int64(20))) == pytest.approx(0.025)
    assert isinstance(schedule(step), float)


def test_base_schedule_must_be_implemented():
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)
    with pytest.raises(NotImplementedError, match="get_config"):
        schedules.LearningRateSchedule().get_config()


# -------------------------------------------------------------------- configs

ALL_BUILT_INS = [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True, name="decay"),
    schedules.PiecewiseConstantDecay([5, 10], [0.3, 0.2, 0.1]),
    schedules.PolynomialDecay(0.1, 10, end_learning_rate=0.01, power=0.5, cycle=True),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
    schedules.CosineDecay(0.1, 10, alpha=0.1, warmup_target=0.5, warmup_steps=3),
    schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.8, alpha=0.05),
]


@pytest.mark.parametrize("schedule", ALL_BUILT_INS, ids=lambda s: type(s).__name__)
def test_config_round_trip_gives_the_same_values(schedule):
    rebuilt = type(schedule).from_config(schedule.get_config())
    assert rebuilt.get_config() == schedule.get_config()
    assert [rebuilt(step) for step in range(0, 40, 3)] == [
        schedule(step) for step in range(0, 40, 3)
    ]


@pytest.mark.parametrize("schedule", ALL_BUILT_INS, ids=lambda s: type(s).__name__)
def test_serialize_deserialize_round_trip(schedule):
    config = schedules.serialize(schedule)
    assert config["class_name"] == type(schedule).__name__
    rebuilt = schedules.deserialize(config)
    assert type(rebuilt) is type(schedule)
    assert rebuilt(7) == schedule(7)


def test_deserialize_ignores_keras_module_keys():
    config = {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
        "registered_name": None,
    }
    assert schedules.deserialize(config)(10) == pytest.approx(0.05)


def test_deserialize_unknown_schedule_lists_the_known_ones():
    with pytest.raises(ValueError, match="ExponentialDecay"):
        schedules.deserialize({"class_name": "NoSuchDecay", "config": {}})


def test_user_schedules_deserialize_by_registration_or_custom_objects():
    config = schedules.serialize(HalvingSchedule(1.0))
    assert config["class_name"] == "test_schedules>HalvingSchedule"
    assert schedules.deserialize(config)(2) == 0.25

    class Unregistered(HalvingSchedule):
        pass

    config = schedules.serialize(Unregistered(1.0))
    rebuilt = schedules.deserialize(config, custom_objects={"Unregistered": Unregistered})
    assert rebuilt(1) == 0.5
