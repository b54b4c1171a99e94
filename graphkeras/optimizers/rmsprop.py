"""RMSprop: gradient steps divided by a running root mean square of the gradient."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.optimizers import schedules
from graphkeras.optimizers.optimizer import Optimizer, cast_like


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012): scale each entry's step by its recent gradient size.

    Each variable keeps ``velocity``, a moving average of its squared
    gradient::

        velocity = rho * velocity + (1 - rho) * g * g
        increment = learning_rate * g / sqrt(velocity + epsilon)
        w -= increment

    With ``centered=True`` it also averages the gradient itself and divides
    by an estimate of the variance instead,
    ``sqrt(velocity - average_gradient ** 2 + epsilon)``. With ``momentum``
    the increments accumulate (plain momentum, not Nesterov)::

        buffer = momentum * buffer + increment
        w -= buffer

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        rho: decay of the averages. Defaults to 0.9.
        momentum: momentum of the increments. Defaults to 0.0 (none).
        epsilon: added under the square root. Defaults to 1e-7.
        centered: normalise by the variance instead of the second moment.
        **kwargs: the base class's arguments (``weight_decay``, clipping,
            ``use_ema``, ``name``, ...).
    """

    def __init__(
        self,
        learning_rate: float | schedules.LearningRateSchedule | Callable[[], float] = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables: Sequence) -> None:
        """Velocities; then momentum buffers and gradient averages when asked for."""
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(variables, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(variables, "average_gradient")

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        gradient = cast_like(gradient, variable)
        index = self._get_variable_index(variable)
        velocity = self._velocities[index]
        decay = 1.0 - self.rho
        # velocity = rho * velocity + (1 - rho) * g * g, in place.
        velocity.assign_add(K.multiply(K.subtract(K.square(gradient), velocity), decay))
        if self.centered:
            average_gradient = self._average_gradients[index]
            average_gradient.assign_add(K.multiply(K.subtract(gradient, average_gradient), decay))
            denominator = K.add(K.subtract(velocity, K.square(average_gradient)), self.epsilon)
        else:
            denominator = K.add(velocity, self.epsilon)
        increment = K.divide(K.multiply(gradient, learning_rate), K.sqrt(denominator))
        if self.momentum > 0:
            buffer = self._momentums[index]
            buffer.assign_add(K.multiply(buffer, self.momentum - 1.0))
            buffer.assign_add(increment)
            variable.assign_sub(buffer)
        else:
            variable.assign_sub(increment)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
