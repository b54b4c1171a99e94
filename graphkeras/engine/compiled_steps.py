"""Whole steps compiled by XLA: how a model runs through ``jax.jit`` on the JAX backend.

On JAX a training step, a test step, a prediction step or a plain
``model(x)`` is traced once per input signature into one XLA program. The
program is a pure function of the model's state: every Variable the step
reads or writes (weights, moving statistics, seed generator keys, the
optimizer's slots and step count, the metrics' totals, the backend's
process-wide random key) is an *argument*, never a constant baked in, and
the values the step leaves in them come back as results. Nothing of the
Python step code changes for this: while tracing, each Variable's ``.value``
is swapped for the tracer of its argument (``stateless_execution.py``), the
step runs as written (``train_step`` with ``K.GradientTape``, whose JAX tape
records with ``jax.vjp``, so the program holds forward, backward and update),
and the values the Variables hold at the end are the new state.

``steps_per_execution=N`` folds N batches of one signature into one call
with ``lax.scan`` (the logs are the last step's). Everything a step creates
lazily (optimizer slots, the compiled metrics) is built before tracing; a
Variable created during a trace, or left holding a tracer, is reported as a
``RuntimeError`` instead of failing later. ``compile(jit_compile=False)`` or
``run_eagerly=True`` runs op by op.

This module imports ``jax`` only when a step is compiled, so the numpy
backend never loads it.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine import distribution_state
from graphkeras.engine.stateless_execution import process_random_state_variables, swapped_values
from graphkeras.utils import nest
from graphkeras.utils.tracing import tracing


class CompiledStepFallbackWarning(UserWarning):
    """A step that cannot be compiled as one program runs op by op instead.

    Its own class, so that a test (or a user who wants every step compiled)
    can turn it into an error: ``-W error::graphkeras.engine.compiled_steps.
    CompiledStepFallbackWarning`` or ``warnings.simplefilter("error", ...)``.
    """


def backend_compiles() -> bool:
    """Whether the backend in use compiles whole steps (JAX)."""
    return K.backend() == "jax"


def tape_is_recording() -> bool:
    """Whether a ``K.GradientTape`` records now: a compiled call would hide its ops from it.

    Read from the backend's tape module (``RECORDING``, the tapes recording
    now), without importing a backend by name.
    """
    package = K.AVAILABLE_BACKENDS[K.backend()]
    for module_name in ("tape_tensor", "tape_array"):
        try:
            module = importlib.import_module(f"{package}.{module_name}")
        except ImportError:
            continue
        if getattr(module, "RECORDING", None):
            return True
    return False


def recurrent_state_variables(model: Any) -> list:
    """The Variables holding the memory of ``model``'s stateful layers (``stateful=True`` RNNs).

    They are not weights (``get_weights`` leaves them out, as Keras does),
    but a step reads and writes them, so a compiled step threads them as
    state: each batch starts from the states the last one left.
    """
    found: list = []
    for layer in model._all_sublayers():
        if getattr(layer, "stateful", False):
            found.extend(v for v in getattr(layer, "states", None) or () if K.is_variable(v))
    return found


def model_state_variables(model: Any, with_metrics: bool, with_optimizer: bool) -> list:
    """Every Variable a step of ``model`` may read or write, each once, in a fixed order."""
    groups = [
        model.trainable_variables,
        model.non_trainable_variables,
        recurrent_state_variables(model),
    ]
    if with_metrics:
        groups.append(model.metrics_variables)
    if with_optimizer and model.optimizer is not None:
        groups.append(model.optimizer.step_variables)
    groups.append(process_random_state_variables())
    found: list = []
    seen: set[int] = set()
    for group in groups:
        for variable in group:
            if id(variable) not in seen:
                seen.add(id(variable))
                found.append(variable)
    return found


def batch_signature(batch: Any) -> tuple:
    """The structure, shapes and dtypes of a batch: batches alike run one compiled program."""
    import jax

    leaves, structure = jax.tree_util.tree_flatten(batch)
    return structure, tuple((tuple(K.int_shape(leaf)), K.dtype(leaf)) for leaf in leaves)


def grouped_batches(batches: Iterable, size: int) -> Iterator[tuple[int, int, list]]:
    """``(first step, last step, batches)``: up to ``size`` consecutive batches of one signature.

    A batch of another signature (a last, smaller batch) starts a new group.
    """
    group: list = []
    first = last = 0
    signature = None
    for step, data in batches:
        this = batch_signature(data) if size > 1 else None
        if group and (len(group) == size or this != signature):
            yield first, last, group
            group = []
        if not group:
            first, signature = step, this
        group.append(data)
        last = step
    if group:
        yield first, last, group


# The steps whose batches a distribution splits over its batch axis, as Keras 3
# splits the data of fit, evaluate and predict; a model's own call takes its
# inputs as they come (a single row included) and XLA places them.
DISTRIBUTED_BATCHES = frozenset({"train", "test", "predict"})


class CompiledSteps:
    """One model's compiled programs, keyed by what they run and the Variables they thread.

    ``run(kind, body, batches, ...)`` calls ``body(batch)`` (the Python step)
    inside a compiled program on each of ``batches`` (one, or several folded
    by ``lax.scan``) and returns the last result as arrays; the model's
    Variables then hold the state the step left. ``jax.jit`` keeps one
    executable per input signature of each program.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self._programs: dict = {}
        self._refused: set[str] = set()

    def run(
        self,
        kind: str,
        body: Callable[[Any], Any],
        batches: list,
        collect_variables: Callable[[], list],
        stack_results: bool = False,
        variables: list | None = None,
    ) -> Any:
        """Run ``body`` compiled on ``batches``; the result of the last (or all, stacked).

        ``collect_variables()`` lists the Variables the step threads; it is
        asked again after a trace, to find any the trace created. A loop
        that has listed them already (once per epoch) passes ``variables``.
        """
        import jax
        import jax.numpy as jnp

        if kind in self._refused:
            return _run_op_by_op(body, batches, stack_results)
        if variables is None:
            variables = collect_variables()
        folded = len(batches) > 1
        distribution = distribution_state.current()
        shardings = None if distribution is None else self._place(variables)
        key = (
            kind,
            folded,
            stack_results,
            tuple(id(variable) for variable in variables),
            id(distribution),
        )
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = _Program(
                body, variables, folded, stack_results, donate=kind == "train", shardings=shardings
            )
        if folded:
            stack = jnp.stack if distribution is None else np.stack  # placed after stacking
            argument = jax.tree_util.tree_map(lambda *leaves: stack(leaves), *batches)
        else:
            argument = batches[0]
        if distribution is not None and kind in DISTRIBUTED_BATCHES:
            argument = distribution_state.distribute_batch(argument, folded)
        traces = program.traces
        try:
            result = program(argument)
        except jax.errors.JAXTypeError as error:
            # The step reads a number off a traced value (a check of the labels'
            # values, say): it cannot be one program, so it runs op by op.
            self._refuse(kind, error)
            return _run_op_by_op(body, batches, stack_results)
        if program.traces != traces:
            self._check_after_trace(kind, variables, collect_variables())
        if distribution is not None:
            distribution_state.finish_step(variables)
            result = distribution_state.gather_results(result)
        return result

    def _place(self, variables: list) -> list:
        """Put each Variable on the distribution's mesh; the sharding each one keeps."""
        optimizer = getattr(self.model, "optimizer", None)
        shardings = []
        for variable in variables:
            reference = None
            if optimizer is not None and hasattr(optimizer, "slot_reference"):
                tracked = optimizer.slot_reference(variable)
                # A slot (Adam's momentum) is laid out as the weight it tracks.
                reference = None if tracked is None else tracked[0]
            distribution_state.place_variable(variable, reference)
            shardings.append(distribution_state.variable_sharding(variable, reference))
        return shardings

    def _check_after_trace(self, kind: str, variables: list, variables_after: list) -> None:
        """Fail loudly when a trace created a Variable or left a tracer in one."""
        model = self.model
        model._clear_losses()  # the losses recorded while tracing are tracers
        known = {id(variable) for variable in variables}
        created = [v for v in variables_after if id(v) not in known]
        leaked = [v for v in _layer_variables(model) if _is_tracer(v.value)]
        if created or leaked:
            names = sorted({variable.name for variable in (*created, *leaked)})
            raise RuntimeError(
                f"Model '{model.name}': compiling the {kind} step "
                f"{'created Variables' if created else 'left tracers in Variables'} {names}. "
                "Every Variable a step uses must exist before the step is compiled (build "
                "layers, the optimizer and metrics first), and a step may not keep values "
                "outside Variables. Compile the model with jit_compile=False to run op by op."
            )

    def __getstate__(self) -> dict:
        """Pickled (or copied) with its model only: compiled programs are made again on use."""
        return {"model": self.model}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["model"])

    def _refuse(self, kind: str, error: Exception) -> None:
        """Run ``kind`` steps op by op from now on, saying why once; undo the failed trace."""
        self._refused.add(kind)
        self._programs = {key: program for key, program in self._programs.items() if key[0] != kind}
        layers = [self.model, *self.model._all_sublayers()]
        for layer in layers:  # what the trace recorded holds tracers
            layer._updates = ()
        self.model._clear_losses(layers)
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        warnings.warn(
            f"Model '{self.model.name}': the {kind} step cannot be compiled as one program "
            f"({type(error).__name__}: {first_line}); it runs op by op instead. A step "
            "compiles when it never turns a value computed from the data into a Python "
            "number or bool.",
            CompiledStepFallbackWarning,
            stacklevel=4,
        )


class _Program:
    """A jitted pure function of the Variables' values running one step's Python code."""

    def __init__(
        self,
        body: Callable,
        variables: list,
        folded: bool,
        stack_results: bool,
        donate: bool,
        shardings: list | None = None,
    ):
        import jax

        # Under a distribution, each Variable's sharding: a new value keeps it.
        self.shardings = shardings
        self.body = body
        self.variables = variables
        self.donate = donate
        self.traces = 0
        self.stack_results = stack_results
        # A training step donates the Variables' old values: XLA writes the new
        # state into their buffers (and hands back an unchanged one as it is)
        # instead of allocating the whole state again every step. An array read
        # off a Variable before fit is then gone, as in Keras on JAX; inference
        # leaves the values the caller may hold alone.
        function = self._folded if folded else self._single
        self._jitted = jax.jit(function, donate_argnums=0 if donate else ())

    def __call__(self, argument: Any) -> Any:
        variables = self.variables
        values = _distinct_buffers([variable.value for variable in variables])
        result, new_values = self._jitted(values, argument)
        for variable, value in zip(variables, new_values, strict=True):
            if value is not None:
                variable.value = value
        return result

    def _step(self, values: list, argument: Any) -> tuple[Any, list]:
        """The Python step on traced values: its result and the values it leaves."""
        import jax
        import jax.numpy as jnp

        self.traces += 1
        variables = self.variables
        with swapped_values(variables, values), tracing():
            result = self.body(argument)
            new_values = [variable.value for variable in variables]
        result = jax.tree_util.tree_map(jnp.asarray, result)
        if self.shardings is not None:
            new_values = [
                new if new is old else distribution_state.constrain(new, sharding)
                for new, old, sharding in zip(new_values, values, self.shardings, strict=True)
            ]
        return result, new_values

    def _single(self, values: list, argument: Any):
        result, new_values = self._step(values, argument)
        if not self.donate:
            # A value the step left as it was comes back as None: returning it
            # would make XLA copy it into a new buffer on every call (every
            # weight, for a prediction), as an argument not donated cannot be
            # handed back as a result. A donated one is handed back as it is.
            new_values = [
                None if new is old else new for new, old in zip(new_values, values, strict=True)
            ]
        return result, new_values

    def _folded(self, values: list, stacked: Any):
        import jax

        values = [_exact(value, value) for value in values]

        def one_step(carry: list, argument: Any):
            result, new_values = self._step(carry, argument)
            return [_exact(new, old) for new, old in zip(new_values, carry, strict=True)], result

        final, results = jax.lax.scan(one_step, values, stacked)
        if not self.stack_results:
            results = jax.tree_util.tree_map(lambda stacked_leaf: stacked_leaf[-1], results)
        return results, final


def _run_op_by_op(body: Callable, batches: list, stack_results: bool) -> Any:
    """``body`` on each batch, op by op: the last result, or all stacked as a program gives."""
    results = [body(batch) for batch in batches]
    if not stack_results:
        return results[-1]
    if len(results) == 1:
        return results[0]
    flat = [nest.flatten(result) for result in results]
    stacked = [K.stack(list(leaves), axis=0) for leaves in zip(*flat, strict=True)]
    return nest.pack_sequence_as(results[0], stacked)


def _distinct_buffers(values: list) -> list:
    """``values`` with a copy in place of any array listed twice (a buffer is donated once)."""
    import jax.numpy as jnp

    seen: set[int] = set()
    for index, value in enumerate(values):
        if id(value) in seen:
            values[index] = jnp.array(value, copy=True)
        seen.add(id(values[index]))
    return values


def _exact(value: Any, like: Any) -> Any:
    """``value`` with ``like``'s dtype and no weak type, as ``lax.scan``'s carry must keep."""
    import jax

    return jax.lax.convert_element_type(value, like.dtype)


def _is_tracer(value: Any) -> bool:
    import jax

    return isinstance(value, jax.core.Tracer)


def _layer_variables(model: Any) -> list:
    """Every Variable held by the model's layers: weights, and any kept as an attribute."""
    found = list(model.weights)
    for layer in [model, *model._all_sublayers()]:
        for value in layer.__dict__.values():
            if K.is_variable(value):
                found.append(value)
            state = getattr(value, "state", None)
            if state is not None and K.is_variable(state):
                found.append(state)
    return found
