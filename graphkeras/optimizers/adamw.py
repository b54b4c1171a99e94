"""AdamW: Adam with weight decay decoupled from the gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphkeras.optimizers import schedules
from graphkeras.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Before each Adam update, every variable shrinks by
    ``variable * weight_decay * learning_rate``, independently of the
    gradient, instead of adding an L2 penalty to the loss (whose gradient
    Adam's per-entry scaling would distort). Variables can be spared with
    :meth:`exclude_from_weight_decay` (``var_names=["bias"]``).

    The arguments are Adam's, with ``weight_decay`` second and required
    (default 0.004).
    """

    def __init__(
        self,
        learning_rate: float | schedules.LearningRateSchedule | Callable[[], float] = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
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
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
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
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
