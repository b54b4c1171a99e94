"""The optimizer base class: how gradients become updates of a model's weights.

An optimizer turns one gradient per trainable variable into a change of
that variable. The base class does what every optimizer shares, in Keras
3's order: it drops variables without a gradient, undoes loss scaling,
optionally accumulates gradients over several calls, clips the gradients,
applies decoupled weight decay, asks the subclass to update each variable
(:meth:`Optimizer.update_step`), keeps a moving average of the weights when
asked, applies the variables' constraints and counts the update in
``iterations``.

Subclasses create their per-variable state ("slots", such as Adam's
moments) in :meth:`Optimizer.build` with :meth:`add_optimizer_variables`;
the base class builds them lazily, on the first :meth:`apply`.

Every update works in place (``assign_add`` / ``assign_sub``), and scalars
that are the same for every variable of a step (the learning rate, bias
corrections) are Python floats computed once per step.

Inside a traced step (``graphkeras.utils.tracing``: a compiled training
step on JAX) the state holds traced arrays with no Python value yet, so
every option runs on backend ops instead: the schedule is evaluated on the
traced ``iterations``, norms and clipping scales are arrays, and what
numpy decides with an ``if`` on the state (an EMA overwrite due, gradients
accumulated enough to update) is computed both ways and selected with
``K.where``. The results equal the numpy path's up to float32 rounding.

>>> weight = K.Variable([1.0, 2.0])
>>> SGD(learning_rate=0.1).apply([K.ones((2,))], [weight])
>>> weight.numpy()
array([0.9, 1.9], dtype=float32)
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras import initializers
from graphkeras.optimizers import schedules
from graphkeras.utils.naming import to_snake_case, unique_name
from graphkeras.utils.serialization import (
    deserialize_configurable,
    serialize_configurable,
)
from graphkeras.utils.tracing import is_tracing


class Optimizer:
    """Base class of the optimizers: the shared steps of turning gradients into updates.

    Args:
        learning_rate: a float, a
            :class:`~graphkeras.optimizers.schedules.LearningRateSchedule`
            (called with the number of updates applied so far), or a callable
            without arguments returning the learning rate.
        weight_decay: if set, every updated variable first shrinks by
            ``variable * weight_decay * learning_rate`` (decoupled weight
            decay, as in AdamW), except those excluded with
            :meth:`exclude_from_weight_decay`.
        clipnorm: if set, each gradient is rescaled so that its L2 norm is
            at most this value.
        clipvalue: if set, each gradient entry is clipped to
            ``[-clipvalue, clipvalue]``.
        global_clipnorm: if set, all gradients are rescaled together so that
            the norm of their concatenation is at most this value. Only one
            of the three clipping arguments may be set.
        use_ema: keep an exponential moving average of the weights.
        ema_momentum: the average's decay, in ``[0, 1]``:
            ``average = ema_momentum * average + (1 - ema_momentum) * weight``.
        ema_overwrite_frequency: if set, every this many steps the weights
            are replaced by their average; otherwise
            :meth:`finalize_variable_values` does it at the end of training.
        loss_scale_factor: if set, gradients are divided by it (for a loss
            multiplied by it with :meth:`scale_loss`).
        gradient_accumulation_steps: if set (an int >= 2), gradients are
            summed over this many calls and the weights are updated only on
            the last of them, with the mean gradient.
        name: the optimizer's name; defaults to the snake-cased class name,
            made unique (``"adam"``, ``"adam_1"``, ...).

    Subclasses implement :meth:`build` (calling ``super().build`` first) and
    :meth:`update_step`, and add their hyperparameters to :meth:`get_config`.
    """

    def __init__(
        self,
        learning_rate: float | schedules.LearningRateSchedule | Callable[[], float],
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
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored; "
                "use a learning rate schedule instead.",
                stacklevel=2,
            )
        if kwargs:
            raise ValueError(
                f"{type(self).__name__}: argument(s) not recognized: {sorted(kwargs)}."
            )
        clipping = {
            "clipnorm": clipnorm,
            "clipvalue": clipvalue,
            "global_clipnorm": global_clipnorm,
        }
        if sum(value is not None for value in clipping.values()) > 1:
            received = ", ".join(f"{key}={value}" for key, value in clipping.items())
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: {received}."
            )
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: "
                    f"ema_momentum={ema_momentum}"
                )
            if ema_overwrite_frequency and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency}"
                )

        self.name = name if name is not None else unique_name(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False

        # Every state variable in creation order: the order `variables` reports.
        self._variables: list = []
        self._trainable_variables: list = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._exclude_from_weight_decay_ids: set[int] = set()
        self._exclude_from_weight_decay_pattern: re.Pattern | None = None
        # id(state variable) -> (the variable it tracks, its slot name); see slot_reference.
        self._slot_references: dict[int, tuple] = {}

        # Its variables are made in its name scope: "adam/iteration", as Keras 3.
        with self._name_scope():
            self._iterations = K.Variable(0, dtype="int64", name="iteration", trainable=False)
            # A callable learning rate is a Python function: a compiled step cannot call it,
            # so the engine writes its value here before each compiled call (see
            # `prepare_compiled_step`). Not saved: not in `variables`.
            self._called_learning_rate = K.Variable(
                0.0, dtype=K.floatx(), name="called_learning_rate", trainable=False
            )
        self._variables.append(self._iterations)
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        elif isinstance(learning_rate, numbers.Real) and not isinstance(
            learning_rate, numbers.Integral
        ):
            with self._name_scope():
                self._learning_rate = K.Variable(
                    float(learning_rate), dtype=K.floatx(), name="learning_rate", trainable=False
                )
            self._variables.append(self._learning_rate)
        else:
            raise ValueError(
                "Argument `learning_rate` should be a float, a LearningRateSchedule, or a "
                "callable taking no arguments and returning the learning rate. "
                f"Received: learning_rate={learning_rate!r}"
            )

    # ------------------------------------------------------------ state
    @property
    def iterations(self):
        """How many times :meth:`apply` has run: an int64, non-trainable Variable.

        With ``gradient_accumulation_steps`` it counts calls, not weight
        updates (Keras 3 reports the updates there).
        """
        return self._iterations

    @property
    def variables(self) -> list:
        """The optimizer's state, in a fixed order for saving and restoring by position.

        ``iterations`` first, then the learning rate when it is a number (a
        Variable, so that a changed rate is saved too), then the variables
        :meth:`build` created, in creation order: the weight averages
        (``use_ema``), the gradient accumulators, then the subclass's slots.
        """
        return list(self._variables)

    @property
    def learning_rate(self) -> float:
        """The learning rate for the next update, as a Python float.

        A schedule is evaluated at ``iterations``. Assigning a number
        changes the rate in place (as the ``LearningRateScheduler`` and
        ``ReduceLROnPlateau`` callbacks do); assigning a schedule or a
        callable replaces it. An optimizer created with a schedule does not
        accept a number (``TypeError``), as in Keras.
        """
        learning_rate = self._learning_rate
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            return float(learning_rate(int(self._iterations.value)))
        if K.is_variable(learning_rate):
            return float(learning_rate.value)
        return float(learning_rate())

    @learning_rate.setter
    def learning_rate(
        self, learning_rate: float | schedules.LearningRateSchedule | Callable[[], float]
    ) -> None:
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            if K.is_variable(self._learning_rate):
                self._variables.remove(self._learning_rate)
            self._learning_rate = learning_rate
            return
        if not K.is_variable(self._learning_rate):
            raise TypeError(
                f"Optimizer '{self.name}' was created with a learning rate schedule or callable "
                f"as its `learning_rate`, so its learning rate cannot be set to a number "
                f"(received {learning_rate!r}). Create the optimizer with a float "
                "`learning_rate` for a settable rate."
            )
        if K.is_tensor(learning_rate) and K.ndim(learning_rate) == 0:
            learning_rate = float(K.convert_to_numpy(learning_rate))
        if not isinstance(learning_rate, numbers.Real):
            raise TypeError(
                f"Optimizer '{self.name}': `learning_rate` must be a number, a "
                f"LearningRateSchedule or a callable. Received: {learning_rate!r}"
            )
        self._learning_rate.assign(float(learning_rate))

    def _step_learning_rate(self):
        """The learning rate of this step: a Python float, or an array while a step is traced.

        A traced step (``graphkeras.utils.tracing``) reads the rate Variable's
        value as an array: it is an argument of the compiled program, so a
        rate changed between calls (``ReduceLROnPlateau``) takes effect. A
        schedule is evaluated on the traced ``iterations``; a callable's
        value is the one :meth:`prepare_compiled_step` stored before the call.
        """
        if not is_tracing():
            return self.learning_rate
        learning_rate = self._learning_rate
        if K.is_variable(learning_rate):
            return learning_rate.value
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            rate = learning_rate(self._iterations)
            return rate if K.is_tensor(rate) else float(rate)
        return self._called_learning_rate.value

    @property
    def step_variables(self) -> list:
        """Every Variable a compiled training step threads, in a fixed order.

        :attr:`variables`, then the held value of a callable learning rate
        (see :meth:`prepare_compiled_step`): state of the step, never saved.
        """
        return [*self._variables, self._called_learning_rate]

    def prepare_compiled_step(self) -> None:
        """Before a compiled call of :meth:`apply`: hold a callable learning rate's value.

        A compiled program cannot call back into Python, so a learning rate
        given as a callable is called here, once per compiled call (once per
        ``steps_per_execution`` steps), and its value is an argument of the
        program. Nothing to do for a number or a schedule.
        """
        learning_rate = self._learning_rate
        if K.is_variable(learning_rate) or isinstance(
            learning_rate, schedules.LearningRateSchedule
        ):
            return
        self._called_learning_rate.assign(float(learning_rate()))

    def _update_count(self):
        """How many weight updates have been applied (calls, unless gradients accumulate).

        A Python int; inside a traced step an int array computed from ``iterations``.
        """
        if is_tracing():
            if self.gradient_accumulation_steps:
                return K.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
            return self._iterations.value
        count = int(self._iterations.value)
        if self.gradient_accumulation_steps:
            return count // self.gradient_accumulation_steps
        return count

    # ------------------------------------------------------------ building
    def build(self, variables: Sequence) -> None:
        """Create the optimizer's state for these trainable variables.

        Called by the first :meth:`apply`. Subclasses return at once when
        ``self.built``, call ``super().build(variables)``, then create their
        slots with :meth:`add_optimizer_variables`.
        """
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                variables, "gradient_accumulator"
            )
        self._trainable_variables_indices = {
            id(variable): index for index, variable in enumerate(variables)
        }
        self._trainable_variables = variables
        self.built = True

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any = "zeros",
        dtype: str | None = None,
        name: str | None = None,
    ):
        """Create a non-trainable state Variable and append it to :attr:`variables`."""
        dtype = K.standardize_dtype(dtype if dtype is not None else K.floatx())
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        with self._name_scope():
            variable = K.Variable(value, dtype=dtype, name=name, trainable=False)
        self._variables.append(variable)
        return variable

    def _name_scope(self) -> K.name_scope:
        """The scope the optimizer's variables are made in: its name, so paths read "adam/..."."""
        return K.name_scope(self.name, caller=self)

    def add_variable_from_reference(
        self, reference_variable, name: str | None = None, initializer: Any = "zeros"
    ):
        """A state Variable with ``reference_variable``'s shape and dtype.

        It is called ``<reference path>_<name>`` with the path's ``/`` as ``_``
        (``dense_kernel_momentum``, path ``adam/dense_kernel_momentum``), as
        Keras 3; a reference without a path lends its name instead.
        """
        reference = getattr(reference_variable, "path", None) or reference_variable.name
        reference_name = re.sub(r"[/:]", "_", str(reference))
        variable = self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=f"{reference_name}_{name or 'var'}",
        )
        self._slot_references[id(variable)] = (reference_variable, name or "var")
        return variable

    def slot_reference(self, variable) -> tuple | None:
        """``(trainable variable, slot name)`` for a state variable made per weight, else None.

        The slot's own name and path already say which weight it tracks
        (``adam/dense_kernel_momentum``); this gives the weight itself.
        """
        return self._slot_references.get(id(variable))

    def add_optimizer_variables(
        self, trainable_variables: Sequence, name: str | Sequence[str], initializer: Any = "zeros"
    ) -> list | tuple[list, ...]:
        """One state Variable per trainable variable, for each name in ``name``.

        A single name gives one list. A list of names gives a tuple of lists,
        created variable by variable (``m0, v0, m1, v1, ...``, Keras 3's
        order); ``initializer`` may then be a list too, one per name.
        """
        names = [name] if isinstance(name, str) else list(name)
        if isinstance(initializer, (list, tuple)):
            initializer_list = list(initializer)
        else:
            initializer_list = [initializer] * len(names)
        if len(names) != len(initializer_list):
            raise ValueError(
                "The number of names must match the number of initializers. "
                f"Received name={name!r}, initializer={initializer!r}."
            )
        created: tuple[list, ...] = tuple([] for _ in names)
        for variable in trainable_variables:
            for slots, slot_name, slot_initializer in zip(
                created, names, initializer_list, strict=True
            ):
                slots.append(
                    self.add_variable_from_reference(
                        variable, name=slot_name, initializer=slot_initializer
                    )
                )
        return created[0] if isinstance(name, str) else created

    def _get_variable_index(self, variable) -> int:
        return self._trainable_variables_indices[id(variable)]

    # ------------------------------------------------------------ applying
    def apply_gradients(self, grads_and_vars: Iterable[tuple]):
        """Apply ``(gradient, variable)`` pairs; returns :attr:`iterations` (as tf.keras)."""
        pairs = list(grads_and_vars)
        grads = [gradient for gradient, _ in pairs]
        variables = [variable for _, variable in pairs]
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads: Sequence, trainable_variables: Sequence | None = None) -> None:
        """Update ``trainable_variables`` with ``grads`` (one per variable, in order).

        The first call builds the optimizer's state for these variables;
        later calls may pass them again (or a subset) or omit them, and then
        ``grads`` must match the variables the optimizer was built with.
        A None gradient skips its variable, with a warning; all None is a
        ``ValueError``. An empty ``grads`` does nothing.
        """
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"Optimizer '{self.name}' received gradients without variables before it "
                    "was built. Pass `trainable_variables`, or call "
                    "`optimizer.build(trainable_variables)` first."
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"Optimizer '{self.name}' was built with {len(self._trainable_variables)} "
                    f"variables but received {len(grads)} gradients without variables; they "
                    "must match one to one."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(
                    f"Optimizer '{self.name}' received {len(grads)} gradients for "
                    f"{len(trainable_variables)} variables; they must match one to one."
                )
            if not self.built:
                self.build(trainable_variables)
            self._check_variables_are_known(trainable_variables)

        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        if self.loss_scale_factor is not None:
            grads = [K.divide(gradient, self.loss_scale_factor) for gradient in grads]

        if self.gradient_accumulation_steps:
            self._accumulate_or_update(grads, trainable_variables)
        else:
            self._update(grads, trainable_variables)

        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                self._overwrite_when_due(self._trainable_variables)
        for variable in trainable_variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(K.stop_gradient(variable)))
        self._iterations.assign_add(1)

    def _update(self, grads: list, trainable_variables: list) -> None:
        """Clip, decay and update: one optimizer step on these pairs."""
        grads = self._clip_gradients(grads)
        learning_rate = self._step_learning_rate()
        self._apply_weight_decay(trainable_variables, learning_rate)
        self._update_variables(grads, trainable_variables, learning_rate)

    def _accumulate_or_update(self, grads: list, trainable_variables: list) -> None:
        steps = self.gradient_accumulation_steps
        accumulators = [
            self._accumulated_gradients[self._get_variable_index(variable)]
            for variable in trainable_variables
        ]
        if is_tracing():
            self._accumulate_or_update_traced(grads, trainable_variables, accumulators)
            return
        if (int(self._iterations.value) + 1) % steps != 0:
            for gradient, accumulator in zip(grads, accumulators, strict=True):
                accumulator.assign_add(gradient)
            return
        grads = [
            K.divide(K.add(gradient, accumulator), steps)
            for gradient, accumulator in zip(grads, accumulators, strict=True)
        ]
        self._update(grads, trainable_variables)
        for accumulator in self._accumulated_gradients:
            accumulator.assign(K.zeros(accumulator.shape, dtype=accumulator.dtype))

    def _accumulate_or_update_traced(
        self, grads: list, trainable_variables: list, accumulators: list
    ) -> None:
        """:meth:`_accumulate_or_update` in a traced step, where the step count has no value.

        The update runs on every call and its results are kept only when it
        is due: each variable it may write (the weights and the optimizer's
        state, bar ``iterations``) takes ``where(due, new, old)``; the
        accumulators take zeros when due, else their sum with the gradients.
        """
        steps = self.gradient_accumulation_steps
        due = K.equal(K.mod(K.add(self._iterations.value, 1), steps), 0)
        written = [*trainable_variables, *self._variables[1:]]
        before = [variable.value for variable in written]
        summed = [
            K.add(gradient, accumulator)
            for gradient, accumulator in zip(grads, accumulators, strict=True)
        ]
        self._update([K.divide(total, steps) for total in summed], trainable_variables)
        for variable, old in zip(written, before, strict=True):
            variable.assign(K.where(due, variable.value, old))
        # As on numpy, an update empties every accumulator, those of variables
        # without a gradient this call included.
        sums = {
            id(accumulator): total for accumulator, total in zip(accumulators, summed, strict=True)
        }
        for accumulator in self._accumulated_gradients:
            kept = sums.get(id(accumulator), accumulator.value)
            accumulator.assign(K.where(due, K.zeros_like(kept), kept))

    def _update_variables(self, grads: list, trainable_variables: list, learning_rate: float):
        """Run :meth:`update_step` on each pair.

        Optimizers whose step shares scalars between variables (Adam's bias
        correction) override this to compute them once.
        """
        for gradient, variable in zip(grads, trainable_variables, strict=True):
            self.update_step(gradient, variable, learning_rate)

    def update_step(self, gradient, variable, learning_rate: float) -> None:
        """Update ``variable`` (and its slots) in place from ``gradient``."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _check_variables_are_known(self, variables: list) -> None:
        indices = self._trainable_variables_indices
        for variable in variables:
            if id(variable) not in indices:
                raise ValueError(
                    f"Optimizer '{self.name}' received unknown variable {variable!r}: it can "
                    "only update the variables it was built with. Create a new optimizer "
                    "for a new set of variables."
                )

    def _filter_empty_gradients(self, grads: list, variables: list) -> tuple[list, list]:
        if all(gradient is not None for gradient in grads):
            return grads, variables
        kept = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
        if not kept:
            raise ValueError(f"Optimizer '{self.name}': no gradients provided for any variable.")
        missing = [v.name for g, v in zip(grads, variables, strict=True) if g is None]
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. "
            "If using `model.compile()`, did you forget to provide a `loss` argument?",
            stacklevel=3,
        )
        return [g for g, _ in kept], [v for _, v in kept]

    # ------------------------------------------------------------ clipping
    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(gradient) for gradient in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            limit = self.clipvalue
            return [K.clip(gradient, -limit, limit) for gradient in grads]
        return grads

    def _clip_by_norm(self, gradient):
        if is_tracing():
            norm = K.sqrt(K.sum(K.square(gradient)))
            scale = K.where(K.less_equal(norm, self.clipnorm), 1.0, self.clipnorm / norm)
            return K.multiply(gradient, K.cast(scale, K.dtype(gradient)))
        norm = math.sqrt(float(K.sum(K.square(gradient))))
        if norm <= self.clipnorm:
            return gradient
        return K.multiply(gradient, self.clipnorm / norm)

    # ------------------------------------------------------------ weight decay
    def exclude_from_weight_decay(
        self, var_list: Iterable | None = None, var_names: Iterable[str] | None = None
    ) -> None:
        """Spare some variables from weight decay; call before the optimizer is built.

        ``var_list`` names variables directly; ``var_names`` holds strings,
        and any variable whose name contains one of them is spared
        (``var_names=["bias"]``).
        """
        if self.built:
            raise ValueError(
                f"Optimizer '{self.name}': `exclude_from_weight_decay()` can only be called "
                "before the optimizer is built."
            )
        self._exclude_from_weight_decay_ids = {id(variable) for variable in var_list or ()}
        names = sorted(set(var_names or ()))
        self._exclude_from_weight_decay_pattern = (
            re.compile("|".join(map(re.escape, names))) if names else None
        )

    def _use_weight_decay(self, variable) -> bool:
        if id(variable) in self._exclude_from_weight_decay_ids:
            return False
        pattern = self._exclude_from_weight_decay_pattern
        return pattern is None or pattern.search(variable.name) is None

    def _apply_weight_decay(self, variables: list, learning_rate: float) -> None:
        if self.weight_decay is None:
            return
        factor = float(self.weight_decay) * learning_rate  # an array when the step is traced
        for variable in variables:
            if self._use_weight_decay(variable):
                # stop_gradient reads the value without a recording tape noticing.
                variable.assign_sub(K.multiply(K.stop_gradient(variable), factor))

    # ------------------------------------------------------------ moving average
    def _update_model_variables_moving_average(self, variables: list) -> None:
        # The first update copies the weights; later ones blend them in.
        traced = is_tracing()
        if traced:
            blend = K.where(K.equal(self._update_count(), 0), 1.0, 1.0 - self.ema_momentum)
        else:
            blend = 1.0 - (self.ema_momentum if self._update_count() != 0 else 0.0)
        for variable, average in zip(variables, self._model_variables_moving_average, strict=True):
            step = K.subtract(K.stop_gradient(variable), average)
            average.assign_add(K.multiply(step, cast_like(blend, average) if traced else blend))

    def _overwrite_when_due(self, variables: list) -> None:
        """Every ``ema_overwrite_frequency`` updates, give the variables their averages."""
        frequency = self.ema_overwrite_frequency
        if not is_tracing():
            if (self._update_count() + 1) % frequency == 0:
                self._overwrite_model_variables_with_average_value(variables)
            return
        due = K.equal(K.mod(K.add(self._update_count(), 1), frequency), 0)
        for variable, average in zip(variables, self._model_variables_moving_average, strict=True):
            variable.assign(K.where(due, average.value, variable.value))

    def _overwrite_model_variables_with_average_value(self, variables: Sequence) -> None:
        averages = self._model_variables_moving_average
        if len(variables) != len(averages):
            raise ValueError(
                f"Optimizer '{self.name}' holds averages of {len(averages)} variables but "
                f"received {len(variables)}; pass the variables it was built with."
            )
        for variable, average in zip(variables, averages, strict=True):
            variable.assign(average.value)

    def finalize_variable_values(self, var_list: Sequence) -> None:
        """At the end of training: with ``use_ema``, give the variables their averages."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` (unchanged when it is None)."""
        if self.loss_scale_factor is not None:
            return K.multiply(loss, self.loss_scale_factor)
        return loss

    # ------------------------------------------------------------ saving state
    def set_weights(self, weights: Sequence) -> None:
        """Assign values to :attr:`variables`, by position; shapes must match."""
        if not self.built:
            raise ValueError(
                f"Optimizer '{self.name}' is not built yet, so it has no weights to set. "
                "Call `optimizer.build(trainable_variables)` first."
            )
        if len(weights) != len(self._variables):
            raise ValueError(
                f"Optimizer '{self.name}' has {len(self._variables)} variables but received "
                f"{len(weights)} values."
            )
        # Checks every shape before assigning any.
        K.batch_set_value(list(zip(self._variables, weights, strict=True)))

    def save_own_variables(self, store: dict) -> None:
        """Write :attr:`variables` into ``store`` under ``"0"``, ``"1"``, ..."""
        for index, variable in enumerate(self._variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store: Mapping) -> None:
        """Read :attr:`variables` back from ``store``; warn and skip on a count mismatch."""
        if len(store) != len(self._variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}': it has "
                f"{len(self._variables)} variables but the saved optimizer has {len(store)}."
            )
            if not self.built:
                message += " It has probably not been built (applied) yet."
            warnings.warn(message, stacklevel=2)
            return
        for index, variable in enumerate(self._variables):
            variable.assign(store[str(index)])

    # ------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments (hyperparameters, not state), as a JSON-ready dict.

        A schedule is stored as its ``{"class_name", "config"}``; a number
        as its current value.
        """
        learning_rate = self._learning_rate
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(learning_rate)
        elif K.is_variable(learning_rate):
            learning_rate = float(learning_rate.value)
        else:
            learning_rate = serialize_configurable(
                learning_rate, "learning rate", "LearningRateSchedule"
            )
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], custom_objects: Mapping[str, Any] | None = None
    ) -> Optimizer:
        """A new optimizer (without state) from the output of :meth:`get_config`."""
        config = dict(config)
        learning_rate = config.get("learning_rate")
        if isinstance(learning_rate, (Mapping, str)):
            config["learning_rate"] = deserialize_configurable(
                learning_rate, custom_objects, schedules.ALL_SCHEDULES, "learning rate schedule"
            )
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, learning_rate={self.learning_rate!r}>"


def cast_like(gradient, variable):
    """``gradient`` in ``variable``'s dtype, as Keras casts it; free when it already is.

    Comparing the arrays' own dtypes first spares the common case the cost
    of ``K.cast``'s dtype-name handling, which shows in a per-variable loop.
    """
    if getattr(gradient, "dtype", None) == variable.value.dtype:
        return gradient
    return K.cast(gradient, variable.dtype)


def global_norm(tensors: Sequence) -> float:
    """The L2 norm of all entries of ``tensors`` together (None entries skipped).

    A Python float; inside a traced step a scalar array.
    """
    if is_tracing():
        squares = [
            K.cast(K.sum(K.square(tensor)), K.floatx()) for tensor in tensors if tensor is not None
        ]
        return K.sqrt(sum(squares[1:], squares[0]))
    return math.sqrt(
        sum(float(K.sum(K.square(tensor))) for tensor in tensors if tensor is not None)
    )


def clip_by_global_norm(tensors: Sequence, clip_norm: float) -> list:
    """``tensors`` rescaled together so that their :func:`global_norm` is at most ``clip_norm``.

    A non-finite norm makes every entry NaN, as in Keras, instead of
    hiding an overflow.
    """
    norm = global_norm(tensors)
    if is_tracing():
        scale = K.where(
            K.isfinite(norm),
            K.where(K.less_equal(norm, clip_norm), 1.0, clip_norm / norm),
            math.nan,
        )
        return [
            None if tensor is None else K.multiply(tensor, K.cast(scale, K.dtype(tensor)))
            for tensor in tensors
        ]
    if math.isfinite(norm) and norm <= clip_norm:
        return list(tensors)
    scale = clip_norm / norm if math.isfinite(norm) else math.nan
    return [None if tensor is None else K.multiply(tensor, scale) for tensor in tensors]
