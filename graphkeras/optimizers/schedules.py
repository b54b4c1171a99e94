"""Learning rate schedules: the learning rate as a function of the training step.

An optimizer given a schedule instead of a number asks it for the learning
rate before every update, passing how many updates it has applied so far
(its ``iterations``). A schedule is a small object with ``__call__(step)``
and a ``get_config`` that lets it travel inside the optimizer's config.

The built-in schedules have Keras 3's names, arguments, defaults, formulas
and configs. Their values are Python floats: a learning rate is one scalar
per step, so it is computed with :mod:`math` rather than as an array.
Inside a traced step (a compiled training step on JAX) the step count is a
traced array that has no Python value yet; there each formula runs on the
same code with backend ops instead (:class:`ScalarMath`), so the rate is
computed inside the compiled program from the traced count.

>>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> schedule(10)
0.05
"""

from __future__ import annotations

import bisect
import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.serialization import deserialize_object, serialize_object
from graphkeras.utils.tracing import is_tracing


class ScalarMath:
    """The scalar functions a schedule's formula needs, on Python floats or on backend arrays.

    :data:`PYTHON_MATH` computes with :mod:`math` (exact doubles, the
    numbers the schedules have always returned); :data:`BACKEND_MATH`
    computes with backend ops, for a step count that is a traced array.
    ``where`` picks ``if_true`` or ``if_false`` (a Python ``if`` or an
    element-wise select).
    """

    def __init__(self, floor, ceil, cos, log, minimum, where) -> None:
        self.floor = floor
        self.ceil = ceil
        self.cos = cos
        self.log = log
        self.minimum = minimum
        self.where = where


PYTHON_MATH = ScalarMath(
    floor=math.floor,
    ceil=math.ceil,
    cos=math.cos,
    log=math.log,
    minimum=min,
    where=lambda condition, if_true, if_false: if_true if condition else if_false,
)

BACKEND_MATH = ScalarMath(
    floor=lambda value: K.floor(value),
    ceil=lambda value: K.ceil(value),
    cos=lambda value: K.cos(value),
    log=lambda value: K.log(value),
    minimum=lambda first, second: K.minimum(first, second),
    where=lambda condition, if_true, if_false: K.where(condition, if_true, if_false),
)


def step_and_math(step: Any) -> tuple[Any, ScalarMath]:
    """``step`` as a float and the math to compute with it.

    A Python number, or a concrete array or Variable, becomes a Python
    float with :data:`PYTHON_MATH`. Inside a traced step an array stays an
    array (cast to the float type) with :data:`BACKEND_MATH`: its value is
    only known when the compiled program runs.
    """
    if isinstance(step, numbers.Real):
        return float(step), PYTHON_MATH
    if K.is_variable(step):
        step = step.value
    if is_tracing():
        return K.cast(step, K.floatx()), BACKEND_MATH
    return float(K.convert_to_numpy(step)), PYTHON_MATH


class LearningRateSchedule:
    """Base class: a learning rate that changes with the optimizer's step.

    Subclasses implement ``__call__(step)``, returning the learning rate to
    use for the update that follows ``step`` completed updates, and
    ``get_config``, returning the constructor arguments, so that the
    schedule can be saved inside an optimizer's config.

    >>> class InverseStep(LearningRateSchedule):
    ...     def __init__(self, initial_learning_rate):
    ...         self.initial_learning_rate = initial_learning_rate
    ...     def __call__(self, step):
    ...         return self.initial_learning_rate / (step + 1)
    ...     def get_config(self):
    ...         return {"initial_learning_rate": self.initial_learning_rate}
    """

    def __call__(self, step: Any) -> float:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must implement __call__(self, step)."
        )

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this schedule, as a JSON-ready dict."""
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must implement get_config() "
            "to be serializable."
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LearningRateSchedule:
        """Rebuild a schedule from the output of :meth:`get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        except NotImplementedError:
            arguments = ""
        return f"{type(self).__name__}({arguments})"


def _check_positive_steps(argument: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{argument}` must be > 0. Received: {argument}={value}")


class ExponentialDecay(LearningRateSchedule):
    """The learning rate multiplied by ``decay_rate`` every ``decay_steps`` steps.

    ``initial_learning_rate * decay_rate ** (step / decay_steps)``; with
    ``staircase=True`` the exponent is rounded down, so the rate drops in
    steps instead of continuously.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "ExponentialDecay",
    ) -> None:
        _check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> float:
        step, m = step_and_math(step)
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = m.floor(exponent)
        return self.initial_learning_rate * self.decay_rate**exponent

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """A learning rate that is constant between fixed step boundaries.

    ``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i - 1] < step <= boundaries[i]``, and ``values[-1]`` after
    the last boundary; so there is one value more than boundaries.

    >>> PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])(150)
    0.5
    """

    def __init__(
        self,
        boundaries: Sequence[float],
        values: Sequence[float],
        name: str = "PiecewiseConstant",
    ) -> None:
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of `boundaries` must be one less than the length of `values`. "
                f"Received: boundaries={boundaries} of length {len(boundaries)} and "
                f"values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> float:
        step, m = step_and_math(step)
        if m is PYTHON_MATH:
            # The number of boundaries strictly below the step picks the value.
            return float(self.values[bisect.bisect_left(self.boundaries, step)])
        # Traced: each boundary passed moves on to the next value (boundaries ascend).
        rate = float(self.values[0])
        for boundary, value in zip(self.boundaries, self.values[1:], strict=True):
            rate = m.where(step > boundary, float(value), rate)
        return rate

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """A polynomial path from ``initial_learning_rate`` to ``end_learning_rate``.

    ``(initial - end) * (1 - step / decay_steps) ** power + end``, with the
    step held at ``decay_steps`` once it is reached. With ``cycle=True`` the
    decay instead restarts from a lower height: ``decay_steps`` grows to the
    first multiple of itself not below the step.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ) -> None:
        _check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> float:
        step, m = step_and_math(step)
        decay_steps = float(self.decay_steps)
        if self.cycle:
            decay_steps *= m.where(step == 0, 1.0, m.ceil(step / decay_steps))
        else:
            step = m.minimum(step, decay_steps)
        fraction_left = 1.0 - step / decay_steps
        height = self.initial_learning_rate - self.end_learning_rate
        return height * fraction_left**self.power + self.end_learning_rate

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    With ``staircase=True``, ``step / decay_steps`` is rounded down.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str = "InverseTimeDecay",
    ) -> None:
        _check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> float:
        step, m = step_and_math(step)
        progress = step / self.decay_steps
        if self.staircase:
            progress = m.floor(progress)
        return self.initial_learning_rate / (1.0 + self.decay_rate * progress)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Half a cosine wave from the starting rate down to ``alpha`` times it.

    Without warmup, the rate at ``step`` (held at ``decay_steps`` once
    reached) is ``initial_learning_rate * ((1 - alpha) * c + alpha)`` with
    ``c = 0.5 * (1 + cos(pi * step / decay_steps))``.

    With ``warmup_target``, the rate first rises linearly from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps``
    steps, then decays as above from ``warmup_target``, over ``decay_steps``
    steps counted from the end of the warmup.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ) -> None:
        _check_positive_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decayed(self, step: Any, start: float, m: ScalarMath) -> Any:
        cosine = 0.5 * (1.0 + m.cos(math.pi * step / self.decay_steps))
        return start * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: Any) -> float:
        step, m = step_and_math(step)
        if self.warmup_target is None:
            return self._decayed(m.minimum(step, self.decay_steps), self.initial_learning_rate, m)
        step = m.minimum(step, self.decay_steps + self.warmup_steps)
        if m is PYTHON_MATH and step >= self.warmup_steps:
            return self._decayed(step - self.warmup_steps, self.warmup_target, m)
        rise = self.warmup_target - self.initial_learning_rate
        warming = rise * (step / self.warmup_steps) + self.initial_learning_rate
        if m is PYTHON_MATH:
            return warming
        # Traced: both sides computed, the step picks one.
        decayed = self._decayed(step - self.warmup_steps, self.warmup_target, m)
        return m.where(step < self.warmup_steps, warming, decayed)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay that starts over (SGDR, warm restarts).

    The first period lasts ``first_decay_steps`` steps; each next one is
    ``t_mul`` times longer and starts ``m_mul`` times lower. Within a period
    the rate follows :class:`CosineDecay` down to ``alpha`` times its start.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ) -> None:
        _check_positive_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> float:
        step, m = step_and_math(step)
        fraction = step / self.first_decay_steps
        if self.t_mul == 1.0:
            restarts = m.floor(fraction)
            fraction -= restarts
        else:
            # Periods grow geometrically: period i starts after (1 - t^i) / (1 - t) first periods.
            restarts = m.floor(m.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
            started = (1.0 - self.t_mul**restarts) / (1.0 - self.t_mul)
            fraction = (fraction - started) / self.t_mul**restarts
        cosine = 0.5 * self.m_mul**restarts * (1.0 + m.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


ALL_SCHEDULES: dict[str, type[LearningRateSchedule]] = {
    cls.__name__: cls
    for cls in (
        CosineDecay,
        CosineDecayRestarts,
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
    )
}
register_keras_module("keras.optimizers.schedules", ALL_SCHEDULES)


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"class_name", "config"}`` for a schedule.

    >>> serialize(ExponentialDecay(0.1, 100, 0.9))["class_name"]
    'ExponentialDecay'
    """
    return serialize_object(learning_rate_schedule)


def deserialize(
    config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
) -> LearningRateSchedule:
    """The schedule a ``{"class_name", "config"}`` dict describes.

    Built-in schedules resolve by class name; others through
    ``custom_objects`` or ``graphkeras.utils.register_serializable``.
    Keras 3's extra keys (``module``, ``registered_name``) are ignored.
    """
    return deserialize_object(config, custom_objects, ALL_SCHEDULES, "learning rate schedule")


__all__ = [
    "ALL_SCHEDULES",
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
