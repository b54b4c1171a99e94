"""Adagrad: steps divided by the root of all squared gradients seen so far."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras import initializers
from graphkeras.optimizers import schedules
from graphkeras.optimizers.optimizer import Optimizer, cast_like


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011): entries that moved a lot take smaller steps.

    Each variable keeps an accumulator of its squared gradients, starting at
    ``initial_accumulator_value``::

        accumulator += g * g
        w -= learning_rate * g / sqrt(accumulator + epsilon)

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001
            (Adagrad often wants more; the paper's form is 1.0).
        initial_accumulator_value: the accumulators' starting value, >= 0.
            Defaults to 0.1.
        epsilon: added under the square root. Defaults to 1e-7.
        **kwargs: the base class's arguments (``weight_decay``, clipping,
            ``use_ema``, ``name``, ...).
    """

    def __init__(
        self,
        learning_rate: float | schedules.LearningRateSchedule | Callable[[], float] = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        use_ema: bool = False,
        ema_momentum: float = 0.99,
        ema_overwrite_frequency: int | None = None,
        loss_scale_factor: float | None = None,
        gradient_accumulation_steps: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables: Sequence) -> None:
        """An accumulator per variable, filled with ``initial_accumulator_value``."""
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables,
            "accumulator",
            initializer=initializers.Constant(self.initial_accumulator_value),
        )

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        gradient = cast_like(gradient, variable)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        accumulator.assign_add(K.square(gradient))
        variable.assign_sub(
            K.divide(K.multiply(gradient, learning_rate), K.sqrt(K.add(accumulator, self.epsilon)))
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon,
            }
        )
        return config
