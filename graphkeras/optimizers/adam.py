"""Adam: gradient steps scaled by running estimates of the gradient's first two moments."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.optimizers import schedules
from graphkeras.optimizers.optimizer import Optimizer, cast_like
from graphkeras.utils.tracing import is_tracing


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2014): per-entry step sizes from moment estimates.

    Each variable keeps ``m``, a moving average of its gradient, and ``v``,
    one of the squared gradient. At step ``t`` (counting from 1)::

        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        alpha = learning_rate * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        w -= alpha * m / (sqrt(v) + epsilon)

    ``alpha`` folds the bias correction of both averages into one scalar,
    so ``epsilon`` is added to the uncorrected ``sqrt(v)`` (the paper's
    "epsilon hat"). With ``amsgrad=True`` the denominator uses the largest
    ``v`` seen so far (Reddi et al., 2018).

    Args:
        learning_rate: a float, a schedule or a callable. Defaults to 0.001.
        beta_1: decay of the first-moment average. Defaults to 0.9.
        beta_2: decay of the second-moment average. Defaults to 0.999.
        epsilon: keeps the division finite. Defaults to 1e-7.
        amsgrad: use the AMSGrad variant.
        **kwargs: the base class's arguments (``weight_decay``, clipping,
            ``use_ema``, ``name``, ...).
    """

    def __init__(
        self,
        learning_rate: float | schedules.LearningRateSchedule | Callable[[], float] = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, variables: Sequence) -> None:
        """``m`` and ``v`` per variable (interleaved), then AMSGrad's ``v_hat`` if asked."""
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def _step_size(self, learning_rate: float) -> float:
        """``alpha``: the learning rate with both bias corrections of this step."""
        if is_tracing():
            step = K.cast(K.add(self._update_count(), 1), K.floatx())
            correction = K.divide(
                K.sqrt(K.subtract(1.0, K.power(self.beta_2, step))),
                K.subtract(1.0, K.power(self.beta_1, step)),
            )
            return K.multiply(learning_rate, correction)
        step = self._update_count() + 1
        return learning_rate * math.sqrt(1.0 - self.beta_2**step) / (1.0 - self.beta_1**step)

    def _update_variables(self, grads: list, trainable_variables: list, learning_rate: float):
        step_size = self._step_size(learning_rate)
        for gradient, variable in zip(grads, trainable_variables, strict=True):
            self._update_one(gradient, variable, step_size)

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        self._update_one(gradient, variable, self._step_size(learning_rate))

    def _update_one(self, gradient, variable, step_size: float) -> None:
        index = self._get_variable_index(variable)
        # In place, one scratch array: no weight-sized temporaries (see K.adam_update).
        K.adam_update(
            variable,
            cast_like(gradient, variable),
            self._momentums[index],
            self._velocities[index],
            self.beta_1,
            self.beta_2,
            step_size,
            self.epsilon,
            self._velocity_hats[index] if self.amsgrad else None,
        )

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
