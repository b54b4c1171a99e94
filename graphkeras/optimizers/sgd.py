"""SGD: plain gradient descent, optionally with (Nesterov) momentum."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.optimizers import schedules
from graphkeras.optimizers.optimizer import Optimizer, cast_like


class SGD(Optimizer):
    """Stochastic gradient descent: step against the gradient.

    Without momentum, ``w -= learning_rate * g``. With ``momentum`` each
    variable keeps a velocity that remembers past steps::

        velocity = momentum * velocity - learning_rate * g
        w += velocity                                       # classic
        w += momentum * velocity - learning_rate * g        # nesterov=True

    Args:
        learning_rate: a float, a schedule or a callable (see
            :class:`~graphkeras.optimizers.Optimizer`). Defaults to 0.01.
        momentum: a float in ``[0, 1]``; 0 is plain gradient descent.
        nesterov: look ahead along the velocity (Nesterov momentum).
        **kwargs: the base class's arguments (``weight_decay``, clipping,
            ``use_ema``, ``name``, ...).
    """

    def __init__(
        self,
        learning_rate: float | schedules.LearningRateSchedule | Callable[[], float] = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
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
        if not isinstance(momentum, float) or not 0 <= momentum <= 1:
            raise ValueError(
                f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}"
            )
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables: Sequence) -> None:
        """A velocity per variable, only when ``momentum`` is not 0."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        step = K.multiply(cast_like(gradient, variable), learning_rate)
        if self.momentum == 0:
            variable.assign_sub(step)
            return
        velocity = self.momentums[self._get_variable_index(variable)]
        # velocity = momentum * velocity - step, in place.
        velocity.assign_add(K.multiply(velocity, self.momentum - 1.0))
        velocity.assign_sub(step)
        if self.nesterov:
            variable.assign_add(K.multiply(velocity, self.momentum))
            variable.assign_sub(step)
        else:
            variable.assign_add(velocity)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
