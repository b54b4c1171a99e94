"""Model: a Network with the routines that use it on data.

``Model(inputs, outputs)`` is the functional API's model: everything about
the graph comes from :class:`Network`; this class adds ``compile``,
``fit``, ``evaluate``, ``predict`` and their one-batch forms, with Keras 3's
signatures, and the steps they are built from, which a subclass may
override as Keras 3's guide to customising ``fit`` shows: ``train_step``,
``test_step``, ``predict_step``, ``compute_loss`` and ``compute_metrics``.

The loops read their data through an ``EpochIterator`` (arrays, generators,
``PyDataset``, ``tf.data`` or a torch ``DataLoader``) and hand each batch to
the step as the user gave it: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
The built-in training step runs the model inside a ``K.GradientTape``, adds
the compiled losses to the layers' own (``add_loss``, weight regularizers),
takes the gradient for the trainable weights and lets the optimizer apply it.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import warnings

from graphkeras import backend as K
from graphkeras import callbacks as callbacks_module
from graphkeras import metrics as metrics_module
from graphkeras import optimizers as optimizers_module
from graphkeras.callbacks.callback_list import pythonify_logs
from graphkeras.engine import call_context, data_adapter, data_sources
from graphkeras.engine.compile_structure import output_template
from graphkeras.engine.compile_utils import (
    CompileLoss,
    CompileMetrics,
    check_target_shape,
    deserialize_compile_config,
    results_in_keras_order,
    serialize_compile_config,
)
from graphkeras.engine.compiled_steps import (
    CompiledSteps,
    backend_compiles,
    grouped_batches,
    model_state_variables,
    recurrent_state_variables,
)
from graphkeras.engine.epoch_iterator import EpochIterator
from graphkeras.engine.input_spec import assert_input_compatibility
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.metric_tracking import CompileMetricsGroup, MetricAttributes
from graphkeras.engine.model_exports import export_model
from graphkeras.engine.model_files import model_files
from graphkeras.engine.network import Network
from graphkeras.engine.state_tree import ModelStateTree
from graphkeras.engine.stateless_execution import apply_recorded_updates
from graphkeras.utils import nest
from graphkeras.utils.data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from graphkeras.utils.tracing import is_tracing


@register_layer(aliases=("Functional",))
class Model(Network, ModelStateTree, MetricAttributes):
    """A functional model: ``Model(inputs, outputs, name=None)``, trainable with ``fit``.

    >>> x = Input(shape=(4,))
    >>> model = Model(x, layers.Dense(2)(x))
    >>> model.compile(optimizer="adam", loss="mse")
    >>> history = model.fit(np.ones((8, 4)), np.zeros((8, 2)), epochs=2, verbose=0)
    """

    compiled = False
    optimizer = None
    stop_training = False
    history = None
    # How compile() asked the steps to run (see engine/compiled_steps.py).
    _run_eagerly = False
    _jit_compile = "auto"
    _steps_per_execution = 1
    _compiled_steps = None

    # ------------------------------------------------------------ compile
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly: bool = False,
        steps_per_execution: int = 1,
        jit_compile="auto",
        auto_scale_loss: bool = True,
    ) -> None:
        """Set the optimizer, the loss and the metrics, in any structure Keras 3 accepts.

        ``loss`` is one loss for every output, a list or tuple with one per
        output, a dict keyed by output name, or a structure following the
        outputs'; ``loss_weights`` likewise. ``metrics`` and
        ``weighted_metrics`` are a list (a single output), or one entry per
        output (a list, or a dict by output name), each a metric or a list.
        Names and weights are checked now; a structure that fits no output
        raises when fit or evaluate starts, as in Keras 3.

        On JAX, ``fit``, ``evaluate``, ``predict``, the ``*_on_batch`` methods
        and ``model(x)`` compile each step whole with ``jax.jit``
        (``jit_compile="auto"`` or True), with every optimizer option, and
        ``steps_per_execution`` steps run in one compiled call;
        ``run_eagerly=True`` or ``jit_compile=False`` runs them op by op. On
        NumPy every step runs op by op, and these arguments (and
        ``auto_scale_loss``: steps run in full precision) change nothing.
        """
        if not isinstance(run_eagerly, bool):
            raise ValueError(f"run_eagerly must be a bool, received run_eagerly={run_eagerly!r}.")
        if jit_compile not in (True, False, "auto"):
            raise ValueError(
                f'jit_compile must be True, False or "auto", received jit_compile={jit_compile!r}.'
            )
        steps_per_execution = _positive(steps_per_execution, "steps_per_execution")
        template = output_template(
            self._outputs_struct if getattr(self, "_is_graph_network", False) else None,
            self._output_names(),
        )
        optimizer = optimizers_module.get(optimizer)
        compile_loss = (
            None if loss is None else CompileLoss(loss, loss_weights, template, self.name)
        )
        compile_metrics = CompileMetrics(metrics, weighted_metrics, template, self.name)
        self.optimizer = optimizer
        self._compile_loss = compile_loss
        self._compile_metrics = compile_metrics
        self._loss_tracker = metrics_module.Mean(name="loss")
        # Keras 3 tracks the compiled metrics as one metric only when some were given.
        self._compile_metrics_group = (
            None
            if metrics is None and weighted_metrics is None
            else CompileMetricsGroup(compile_metrics, self._step_values_as_lists)
        )
        self._compile_arguments = (loss, loss_weights, metrics, weighted_metrics)
        self._run_eagerly = run_eagerly
        self._jit_compile = jit_compile
        self._steps_per_execution = steps_per_execution
        self._compiled_steps = None
        self.compiled = True
        self.stop_training = False

    def save(
        self, filepath: str | os.PathLike, overwrite: bool = True, include_optimizer: bool = True
    ) -> None:
        """Write the whole model (config, weights, compile arguments, optimizer state).

        ``.gk`` is graphkeras's archive; see ``gk.models.save_model``.
        """
        model_files().save_model(
            self, filepath, overwrite=overwrite, include_optimizer=include_optimizer
        )

    def export(
        self,
        filepath: str | os.PathLike,
        format: str = "onnx",
        opset: int | None = None,
        dynamic_batch: bool = True,
    ) -> None:
        """Write the model's inference graph for a serving runtime (``format="onnx"``).

        See ``gk.export.to_onnx``: a layer with no converter is refused by
        name before anything is written, and the file appears whole or not at
        all. ``dynamic_batch`` leaves the batch dimension symbolic.
        """
        export_model(self, filepath, format, opset=opset, dynamic_batch=dynamic_batch)

    def get_compile_config(self) -> dict | None:
        """``compile``'s arguments as JSON-ready data (None before compile).

        Raises ``ValueError`` for a loss or metric that cannot be written by
        name (an unregistered Python function).
        """
        if not self.compiled:
            return None
        loss, loss_weights, metrics, weighted_metrics = self._compile_arguments
        return serialize_compile_config(
            self.optimizer, loss, loss_weights, metrics, weighted_metrics, optimizers_module
        )

    def compile_from_config(self, config: dict, custom_objects: dict | None = None) -> None:
        """``compile`` with the arguments :meth:`get_compile_config` wrote."""
        self.compile(**deserialize_compile_config(config, optimizers_module, custom_objects))

    def _output_names(self) -> list[str]:
        if getattr(self, "_is_graph_network", False):
            return list(self.output_names)
        return ["output"]

    def _data_input_names(self, x) -> tuple[list[str], list[str] | None]:
        """The names of the inputs in ``x``, and the dict keys when they are keyed.

        A graph model names its own inputs. A model without a graph (a
        subclassed one, or a Sequential on several inputs) takes the
        structure of ``x``: a list of arrays is one input each, and a dict
        keeps its keys, remembered so that each batch reaches ``call`` as a
        dict again.
        """
        if getattr(self, "_is_graph_network", False):
            return list(self.input_names), getattr(self, "_input_keys", None)
        self._call_input_keys = None
        if isinstance(x, dict):
            self._call_input_keys = sorted(x)
            return self._call_input_keys, self._call_input_keys
        if isinstance(x, (list, tuple)) and len(x) > 1 and all(hasattr(v, "shape") for v in x):
            return [f"input_{index}" for index in range(len(x))], None
        return ["input"], None

    def _input_dtypes(self) -> list | None:
        if getattr(self, "_is_graph_network", False):
            return [tensor.dtype for tensor in self.inputs]
        return None

    def _assert_compiled(self, routine: str) -> None:
        """Refuse an uncompiled model, or a compiled loss or metrics that fit no output."""
        if not self.compiled:
            raise ValueError(
                f"Model '{self.name}' must be compiled before {routine}(): call "
                "model.compile(optimizer=..., loss=...) first."
            )
        if self._compile_loss is not None:
            self._compile_loss.build()
        self._compile_metrics.check_structure()

    # ------------------------------------------------------------ metrics
    @property
    def metrics(self) -> list:
        """The metrics the steps update, in Keras 3's order (see ``metric_tracking.py``).

        After ``compile``: the ``"loss"`` mean, ``compile_metrics`` (when
        ``metrics`` or ``weighted_metrics`` were given), each output's loss
        mean (several outputs), then the metrics held as the model's attributes.
        """
        found: list = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics_group is not None:
                found.append(self._compile_metrics_group)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        return found + self._attribute_metrics(found)

    @property
    def metrics_names(self) -> list[str]:
        """The names of :attr:`metrics` (``["loss", "compile_metrics"]`` after a compile with
        metrics, as Keras 3 names them; ``evaluate`` spreads ``compile_metrics`` into its parts)."""
        return [metric.name for metric in self.metrics]

    def reset_metrics(self) -> None:
        """Start every metric of :attr:`metrics` over; ``fit`` does so at each epoch."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self) -> dict:
        """The current value of each metric by name, ``compile_metrics`` spread into its parts."""
        results: dict = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def _get_metrics_result_or_logs(self, logs: dict) -> dict:
        """The metrics' results when a step's logs name the same entries, else the logs.

        A step written by hand may log something else than :attr:`metrics`;
        its own logs are then what the epoch reports.
        """
        results = self.get_metrics_result()
        return results if isinstance(logs, dict) and set(logs) == set(results) else logs

    def _flatten_metrics_in_order(self, logs: dict):
        """``logs`` as a list in evaluate's order (Keras 3); one value bare.

        :attr:`metrics` order with ``compile_metrics`` spread into the names
        its metric objects carry, then the remaining entries by name (see
        ``results_in_keras_order``).
        """
        names: list[str] = []
        for metric in self.metrics:
            if isinstance(metric, CompileMetricsGroup):
                names.extend(self._compile_metrics.own_names)
            else:
                names.append(metric.name)
        values = results_in_keras_order(logs, names)
        return values[0] if len(values) == 1 else values

    # --------------------------------------------------------------- steps
    def train_step(self, data) -> dict:
        """One training step on one batch; returns the logs (metric name -> value).

        ``data`` is the batch as ``fit`` reads it: ``x``, ``(x, y)`` or
        ``(x, y, sample_weight)`` (see ``gk.utils.unpack_x_y_sample_weight``).
        A subclass overrides this to change what training does. This one
        runs the model under a ``K.GradientTape``, takes ``compute_loss``,
        lets ``self.optimizer`` apply the gradient and returns
        ``compute_metrics``. A model without trainable weights only
        measures, with a warning, as in Keras.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        inputs, targets, weights = self._standardize(x, y, sample_weight)
        with K.GradientTape() as tape:
            y_pred = self._run_model(inputs, training=True)
            loss = self._step_loss(data, y_pred, targets, weights, training=True)
        # Read after the forward pass, which builds a subclassed model's layers on its first batch.
        variables = self.trainable_weights
        self._loss_tracker.update_state(loss, sample_weight=_batch_rows(inputs))
        if variables:
            self.optimizer.apply(tape.gradient(loss, variables), variables)
        else:
            warnings.warn(
                f"Model '{self.name}' has no trainable weights: training measures the loss "
                "and metrics but changes nothing.",
                stacklevel=2,
            )
        self._apply_layer_updates()
        return self._step_metrics(data, y_pred, targets, weights)

    def test_step(self, data) -> dict:
        """One evaluation step on one batch, in inference mode; returns the logs.

        ``data`` has the forms :meth:`train_step` takes; override to change
        what ``evaluate`` (and ``fit``'s validation) measures.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        inputs, targets, weights = self._standardize(x, y, sample_weight)
        y_pred = self._run_model(inputs, training=False)
        loss = self._step_loss(data, y_pred, targets, weights, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_rows(inputs))
        return self._step_metrics(data, y_pred, targets, weights)

    def predict_step(self, data):
        """The model's outputs for one batch, in inference mode (targets in ``data`` ignored)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        inputs = self._standardize(x, None, None, need_targets=False)[0]
        return self._run_model(inputs, training=False)

    def _predict_checked(self, data):
        """:meth:`predict_step` for a batch of arrays ``predict`` has already checked."""
        x, _, _ = unpack_x_y_sample_weight(data)
        input_names, input_keys = self._data_input_names(x)
        inputs = data_adapter.to_list(x, input_names, input_keys, "inputs", self.name)
        return self._run_model(inputs, training=False)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        """The total loss of one batch: each output's compiled loss, weighted, plus ``self.losses``.

        The steps call it with the batch as they hold it (``y``, ``y_pred``
        and ``sample_weight`` an array, a list or a dict per output);
        override it to compute the loss another way. ``x`` and ``training``
        are there for overrides; this one uses neither.
        """
        del x, training
        if y is None:
            self._require_targets()
        targets, predictions, weights = self._step_values_as_lists(y, y_pred, sample_weight)
        return self._loss_of_lists(targets, predictions, weights)

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Fold one batch into the compiled metrics; returns :meth:`get_metrics_result`.

        Override to update metrics of your own as well (``x`` is for overrides).
        """
        del x
        if self._compile_metrics_group is not None:
            self._compile_metrics_group.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _step_loss(self, data, y_pred, targets: list, weights: list | None, training: bool):
        """The built-in steps' loss: ``compute_loss``, or its work on the lists already made.

        An override of ``compute_loss`` gets the batch as the step holds it,
        without ``training`` when written without it (Keras 3.3 added it).
        """
        compute_loss = type(self).compute_loss
        if compute_loss is Model.compute_loss:
            return self._loss_of_lists(targets, self._outputs_as_list(y_pred), weights)
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        if _takes_training(compute_loss):
            return self.compute_loss(x, y, y_pred, sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def _step_metrics(self, data, y_pred, targets: list, weights: list | None) -> dict:
        """The built-in steps' logs: ``compute_metrics``, or its work on the lists already made."""
        if type(self).compute_metrics is not Model.compute_metrics:
            x, y, sample_weight = unpack_x_y_sample_weight(data)
            return self.compute_metrics(x, y, y_pred, sample_weight)
        if self._compile_metrics_group is not None:
            self._compile_metrics_group.update_lists(
                targets, self._outputs_as_list(y_pred), weights
            )
        return self.get_metrics_result()

    def _loss_of_lists(self, y_true: list, y_pred: list, sample_weights: list | None):
        """The compiled losses plus the layers' own, for values listed per output.

        Each output's own loss also feeds its ``<output>_loss`` mean, as Keras 3's
        compiled loss does whenever it runs.
        """
        total = (
            None
            if self._compile_loss is None
            else self._compile_loss(y_true, y_pred, sample_weights)
        )
        for extra in self.losses:
            total = extra if total is None else K.add(total, extra)
        if total is None:
            raise ValueError(
                f"Model '{self.name}' has nothing to minimise: compile it with a loss, "
                "or add losses with add_loss()."
            )
        return total

    def _run_model(self, inputs: list, training: bool):
        """The outputs, in the structure of the model's outputs, for one array per input."""
        with call_context.training_scope(training), self._forward_pass():
            if getattr(self, "_is_graph_network", False):
                outputs, _ = self._plan.run(inputs, training)
                return self._pack_outputs(outputs)
            keys = getattr(self, "_call_input_keys", None)
            if keys is not None:
                structure = dict(zip(keys, inputs, strict=True))
            else:
                structure = inputs[0] if len(inputs) == 1 else inputs
            return self(structure, training=training)

    def _apply_layer_updates(self, layers: list | None = None) -> None:
        """Run the ``add_update`` updates recorded during the step, then forget them."""
        apply_recorded_updates([self, *self._all_sublayers()] if layers is None else layers)

    # ---------------------------------------------------------------- data
    def _standardize(
        self,
        x,
        y,
        sample_weight,
        class_weight=None,
        need_targets: bool = True,
        on_host: bool = False,
    ) -> tuple[list, list, list | None]:
        """Inputs, targets and per-output sample weights as lists of checked backend arrays.

        ``on_host`` (whole datasets about to be cut into batches) keeps numpy
        arrays as they are on a backend that compiles its steps (see
        ``data_adapter.as_arrays``).
        """
        input_names, input_keys = self._data_input_names(x)
        xs = data_adapter.as_arrays(
            data_adapter.to_list(x, input_names, input_keys, "inputs", self.name),
            self._input_dtypes(),
            on_host,
        )
        if getattr(self, "_is_graph_network", False):
            assert_input_compatibility(self._input_specs, xs, self.name)
        if y is None and need_targets:
            self._require_targets()
        ys, weights = self._targets_as_lists(y, sample_weight, on_host)
        if getattr(self, "_is_graph_network", False):
            for target, output, name in zip(ys, self.outputs, self._output_names(), strict=True):
                if target is not None:
                    check_target_shape(target, output, name, self.name, compare_batch=False)
        if class_weight is not None:
            weights = self._class_weights_as_sample_weights(class_weight, ys, weights)
        data_adapter.row_count({"x": xs, "y": ys, "sample_weight": weights or []}, self.name)
        return xs, ys, weights

    def _require_targets(self) -> None:
        if self.compiled and self._compile_arguments[0] is not None:
            raise ValueError(
                f"Model '{self.name}' was compiled with a loss, which needs targets: pass y "
                f"(one array per output: {self._output_names()}), received y=None."
            )

    def _targets_as_lists(
        self, y, sample_weight, on_host: bool = False
    ) -> tuple[list, list | None]:
        """Targets and sample weights listed per output (one weight array serves every output)."""
        output_names = self._output_names()
        output_keys = getattr(self, "_output_keys", None)
        ys = data_adapter.as_arrays(
            [None] * len(output_names)
            if y is None
            else data_adapter.to_list(y, output_names, output_keys, "targets", self.name),
            on_host=on_host,
        )
        if sample_weight is None:
            return ys, None
        if isinstance(sample_weight, (list, tuple, dict)):
            spread = data_adapter.to_list(
                sample_weight, output_names, output_keys, "sample weights", self.name
            )
        else:
            spread = [sample_weight] * len(output_names)
        return ys, data_adapter.as_arrays(spread, on_host=on_host)

    def _step_values_as_lists(self, y, y_pred, sample_weight) -> tuple[list, list, list | None]:
        """``y``, ``y_pred`` and ``sample_weight`` as a step holds them, listed per output."""
        targets, weights = self._targets_as_lists(y, sample_weight)
        return targets, self._outputs_as_list(y_pred), weights

    def _outputs_as_list(self, y_pred) -> list:
        """The model's outputs (one array, a list, or a dict by output name) as a list."""
        if isinstance(y_pred, dict):
            keys = getattr(self, "_output_keys", None) or self._output_names()
            return [y_pred[key] for key in keys]
        if isinstance(y_pred, (list, tuple)):
            return list(y_pred)
        return [y_pred]

    def _class_weights_as_sample_weights(self, class_weight: dict, ys: list, weights) -> list:
        if len(ys) != 1:
            raise ValueError(
                f"Model '{self.name}': class_weight applies to single-output models; "
                "use sample_weight for several outputs."
            )
        per_sample = data_adapter.class_weight_to_sample_weight(
            ys[0], class_weight, f"Model '{self.name}'"
        )
        if weights is not None:
            per_sample = K.multiply(per_sample, weights[0])
        return [per_sample]

    def _iterator_for(
        self,
        x,
        y,
        sample_weight,
        batch_size: int | None,
        steps: int | None,
        shuffle: bool = False,
        class_weight: dict | None = None,
        need_targets: bool = True,
    ) -> EpochIterator:
        """The epoch iterator over ``x`` (and ``y``, ``sample_weight`` when ``x`` is arrays)."""
        kind = data_sources.stream_kind(x)
        if kind is not None:
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"Model '{self.name}': x is {kind}, which yields whole batches, so "
                        f"{name} cannot be given beside it (received {name} of type "
                        f"{type(value).__name__}); yield (x, y) or (x, y, sample_weight) instead."
                    )
            return EpochIterator(data_sources.batch_source(x, "x", shuffle, class_weight), steps)
        data_sources.check_array_like(x, "x", self.name)
        arrays = self._standardize(x, y, sample_weight, class_weight, need_targets, on_host=True)
        return self._array_iterator(x, y, sample_weight, arrays, batch_size, steps, shuffle, "x")

    def _validation_iterator(self, validation_data, batch_size: int | None, steps: int | None):
        """The epoch iterator of ``fit``'s ``validation_data``, checked before training starts."""
        source = data_sources.batch_source(validation_data, "validation_data", False, None)
        if source is not None:
            return EpochIterator(source, steps, "validation_data")
        if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                "val_sample_weight), a generator, a PyDataset, a tf.data.Dataset or a torch "
                f"DataLoader; received {type(validation_data).__name__}."
            )
        x, y, sample_weight = unpack_x_y_sample_weight(validation_data)
        arrays = self._standardize(x, y, sample_weight, on_host=True)
        return self._array_iterator(
            x, y, sample_weight, arrays, batch_size, steps, False, "validation_data"
        )

    def _array_iterator(
        self, x, y, sample_weight, arrays: tuple, batch_size, steps, shuffle, what: str
    ) -> EpochIterator:
        """Checked arrays (inputs, targets, weights as lists) as an epoch iterator.

        Each batch reaches the step in the form the arrays were given (one
        array, a list, or a dict by the same keys). Without ``batch_size``,
        ``steps`` sets it (Keras 3: the rows spread over that many batches),
        else it is 32.
        """
        xs, ys, weights = arrays
        rows = data_adapter.row_count({"x": xs, "y": ys, "sample_weight": weights or []}, self.name)
        if batch_size is None:
            batch_size = max(1, -(-rows // steps)) if steps else 32
        source = data_sources.ArraySource(
            [*xs, *ys, *(weights or [])],
            rows,
            batch_size,
            shuffle,
            self._batch_packer(x, y, sample_weight, len(xs), len(ys), weights is not None),
        )
        return EpochIterator(source, steps, what)

    def _batch_packer(self, x, y, sample_weight, n_x: int, n_y: int, weighted: bool):
        """A function from one batch of the flat arrays to ``x``, ``(x, y)`` or ``(x, y, w)``."""
        input_names, input_keys = self._data_input_names(x)
        output_names = getattr(self, "_output_keys", None) or self._output_names()
        input_names = input_keys or input_names
        weight_form = sample_weight if isinstance(sample_weight, (list, tuple, dict)) else None

        def pack(batch: list):
            inputs = data_adapter.like(batch[:n_x], x, input_names)
            targets = batch[n_x : n_x + n_y]
            targets = None if y is None else data_adapter.like(targets, y, output_names)
            if not weighted:
                return pack_x_y_sample_weight(inputs, targets)
            return inputs, targets, data_adapter.like(batch[n_x + n_y :], weight_form, output_names)

        return pack

    def _split_for_validation(
        self, data: tuple, fraction: float, class_weight, shuffle: bool, train_batches, held_batches
    ) -> tuple[EpochIterator, EpochIterator]:
        """Keras 3's ``validation_split``: the last rows held out, before shuffling.

        ``data`` is ``(x, y, sample_weight)``; ``train_batches`` and
        ``held_batches`` are each ``(batch_size, steps)``. Class weights weigh
        the training rows only.
        """
        x, y, sample_weight = data
        kind = data_sources.stream_kind(x)
        if kind is not None:
            raise ValueError(
                f"Model '{self.name}': validation_split needs x and y as arrays; x is {kind}. "
                "Pass validation_data instead."
            )
        xs, ys, weights = self._standardize(x, y, sample_weight)
        rows = data_adapter.row_count({"x": xs}, self.name)
        kept, held = data_adapter.split_for_validation([*xs, *ys, *(weights or [])], fraction, rows)

        def parts(arrays: list) -> tuple:
            return (
                arrays[: len(xs)],
                arrays[len(xs) : len(xs) + len(ys)],
                arrays[len(xs) + len(ys) :] or None,
            )

        train_x, train_y, train_weights = parts(kept)
        if class_weight is not None:
            train_weights = self._class_weights_as_sample_weights(
                class_weight, train_y, train_weights
            )
        train = self._array_iterator(
            x, y, sample_weight, (train_x, train_y, train_weights), *train_batches, shuffle, "x"
        )
        validation = self._array_iterator(
            x, y, sample_weight, parts(held), *held_batches, False, "validation_data"
        )
        return train, validation

    # ----------------------------------------------------------------- fit
    def fit(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose="auto",
        callbacks=None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
        class_weight: dict | None = None,
        sample_weight=None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int = 1,
    ):
        """Train for ``epochs`` passes over the data; returns the History callback.

        Arguments are Keras 3's, positional order included. ``x`` and ``y``
        are arrays, lists (one per input/output) or dicts keyed by name; or
        ``x`` alone yields whole batches (``x``, ``(x, y)`` or ``(x, y,
        sample_weight)``): a generator or iterator, a ``gk.utils.PyDataset``,
        a ``tf.data.Dataset`` or a torch ``DataLoader``. ``validation_data``
        takes the same forms. Each batch goes to :meth:`train_step`.
        """
        self._assert_compiled("fit")
        for name, value in (
            ("batch_size", batch_size),
            ("validation_batch_size", validation_batch_size),
            ("steps_per_epoch", steps_per_epoch),
            ("validation_steps", validation_steps),
        ):
            if value is not None:
                _positive(value, name)
        verbose = 1 if verbose == "auto" else int(verbose)
        validation = None
        if validation_split and validation_data is None:
            train, validation = self._split_for_validation(
                (x, y, sample_weight),
                validation_split,
                class_weight,
                shuffle,
                (batch_size, steps_per_epoch),
                (validation_batch_size or batch_size, validation_steps),
            )
        else:
            train = self._iterator_for(
                x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight
            )
        if validation_data is not None:
            # Checked now, before any weight changes, not at the end of the first epoch.
            validation = self._validation_iterator(
                validation_data, validation_batch_size or batch_size, validation_steps
            )
        callback_list = _callback_list(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=train.num_batches,
        )
        self.stop_training = False
        custom_step = type(self).train_step is not Model.train_step
        compiler = self._step_compiler("train")
        logs: dict = {}
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            if train.exhausted:
                warnings.warn(train.ran_out_message(), stacklevel=2)
                break
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            with contextlib.closing(train.epoch()) as batches:
                if compiler is not None:
                    logs = self._fit_epoch_compiled(compiler, batches, callback_list, custom_step)
                else:
                    for step, data in batches:
                        callback_list.on_train_batch_begin(step)
                        logs = self.train_step(data)
                        if custom_step:
                            self._apply_layer_updates()
                        callback_list.on_train_batch_end(step, logs)
                        if self.stop_training:
                            break
            if train.ran_out:
                warnings.warn(train.ran_out_message(), stacklevel=2)
            epoch_logs = dict(self._get_metrics_result_or_logs(logs))
            if validation is not None and _should_validate(epoch, validation_freq):
                val_logs = self._run_evaluation(validation, callback_list)
                epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            logs = epoch_logs
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        return self.history

    # ------------------------------------------------------- compiled steps
    def _step_compiler(self, kind: str) -> CompiledSteps | None:
        """The compiled programs for ``kind`` steps ("train", "test", "predict"), or None.

        None runs the steps op by op: on a backend that does not compile,
        after ``compile(run_eagerly=True)`` or ``jit_compile=False``, and
        inside a step already being traced. Every optimizer option (schedules,
        clipping, weight averages, gradient accumulation) runs compiled.
        """
        if self._run_eagerly or self._jit_compile is False or not backend_compiles():
            return None
        if is_tracing():
            return None
        if self._compiled_steps is None:
            self._compiled_steps = CompiledSteps(self)
        return self._compiled_steps

    def _prepare_for_compiling(self, data, kind: str) -> None:
        """Create, op by op, what a step would create on its first run, before it is traced.

        A model not built yet (a subclassed one), the compiled metrics (made
        for the first batch's targets and predictions, their state by one
        update that is then reset) and the optimizer's
        slots must exist as Variables before tracing, so they become
        arguments of the compiled program.
        """
        needs_metrics = (
            kind != "predict"
            and self._compile_metrics_group is not None
            and not self._compile_metrics.built
        )
        if not self.built or needs_metrics:
            x, y, sample_weight = unpack_x_y_sample_weight(data)
            inputs, targets, weights = self._standardize(
                x, y, sample_weight, need_targets=kind != "predict"
            )
            # This run only builds: stateful layers keep the states they had (zeros if new).
            states_before = {id(v): v.value for v in recurrent_state_variables(self)}
            predictions = self._outputs_as_list(self._run_model(inputs, training=False))
            for state in recurrent_state_variables(self):
                state.assign(states_before.get(id(state), K.zeros_like(state.value)))
            self._clear_losses()
            if needs_metrics:
                self._compile_metrics.build(targets, predictions)
                # Metrics whose state is shaped by the data (F1Score, R2Score, a
                # multi-label AUC) make it on their first update: one update op by
                # op, undone, makes it now.
                self._compile_metrics.update_state(targets, predictions)
                self._compile_metrics.reset_state()
        if kind == "train" and not self.optimizer.built and self.trainable_weights:
            self.optimizer.build(self.trainable_weights)

    def _compiled_train_body(self, custom_step: bool):
        """What a compiled train step runs on one batch: ``train_step`` and its layer updates."""

        def step(data):
            logs = self.train_step(data)
            if custom_step:
                self._apply_layer_updates()
            return logs

        return step

    def _train_state_variables(self) -> list:
        return model_state_variables(self, with_metrics=True, with_optimizer=True)

    def _test_state_variables(self) -> list:
        return model_state_variables(self, with_metrics=True, with_optimizer=False)

    def _predict_state_variables(self) -> list:
        return model_state_variables(self, with_metrics=False, with_optimizer=False)

    def _fit_epoch_compiled(self, compiler: CompiledSteps, batches, callback_list, custom_step):
        """One epoch of ``fit`` with compiled steps, ``steps_per_execution`` batches a call."""
        step = self._compiled_train_body(custom_step)
        collect = self._train_state_variables
        logs: dict = {}
        variables = None  # listed once an epoch, after the first batch built what it needs
        for first, last, group in grouped_batches(batches, self._steps_per_execution):
            callback_list.on_train_batch_begin(first)
            if variables is None:
                self._prepare_for_compiling(group[0], "train")
                variables = collect()
            self.optimizer.prepare_compiled_step()
            logs = compiler.run("train", step, group, collect, variables=variables)
            callback_list.on_train_batch_end(last, logs)
            if self.stop_training:
                break
        return logs

    # ------------------------------------------------------------ evaluate
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        verbose="auto",
        sample_weight=None,
        steps: int | None = None,
        callbacks=None,
        return_dict: bool = False,
    ):
        """The loss and metrics on the data in inference mode, batch by batch via :meth:`test_step`.

        ``x`` takes what ``fit`` takes. Returns the loss alone when there are
        no metrics, else the list ``[loss, *metrics]`` in :attr:`metrics`
        order, or a dict with ``return_dict=True``.
        """
        self._assert_compiled("evaluate")
        for name, value in (("batch_size", batch_size), ("steps", steps)):
            if value is not None:
                _positive(value, name)
        verbose = 1 if verbose == "auto" else int(verbose)
        iterator = self._iterator_for(x, y, sample_weight, batch_size, steps)
        callback_list = _callback_list(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
        )
        logs = self._run_evaluation(iterator, callback_list)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def _run_evaluation(self, iterator: EpochIterator, callback_list) -> dict:
        """The test loop over one epoch of ``iterator``, reporting to ``callback_list``.

        As Keras 3, each evaluation starts the data again (a generator,
        which cannot, carries on). Returns the logs as Python floats.
        """
        iterator.reset()
        self.reset_metrics()
        logs: dict = {}
        ran = False
        callback_list.on_test_begin()
        compiler = self._step_compiler("test")
        with contextlib.closing(iterator.epoch()) as batches:
            if compiler is not None:
                logs, ran = self._evaluate_compiled(compiler, batches, callback_list)
            else:
                for step, data in batches:
                    callback_list.on_test_batch_begin(step)
                    logs = self.test_step(data)
                    callback_list.on_test_batch_end(step, logs)
                    ran = True
        if iterator.ran_out:
            warnings.warn(iterator.ran_out_message(), stacklevel=3)
        if not ran and isinstance(iterator.source, data_sources.ArraySource):
            logs = self._metrics_of_no_rows(iterator.source)
        logs = pythonify_logs(self._get_metrics_result_or_logs(logs))
        callback_list.on_test_end(logs)
        return logs

    def _evaluate_compiled(self, compiler: CompiledSteps, batches, callback_list) -> tuple:
        """The test loop with compiled steps; returns the last logs and whether a batch ran."""
        collect = self._test_state_variables
        logs: dict = {}
        ran = False
        variables = None
        for first, last, group in grouped_batches(batches, self._steps_per_execution):
            callback_list.on_test_batch_begin(first)
            if variables is None:
                self._prepare_for_compiling(group[0], "test")
                variables = collect()
            logs = compiler.run("test", self.test_step, group, collect, variables=variables)
            callback_list.on_test_batch_end(last, logs)
            ran = True
        return logs, ran

    def _metrics_of_no_rows(self, source: data_sources.ArraySource) -> dict:
        """What evaluating zero rows reports: every loss and metric, each at its empty value."""
        if not self._compile_metrics.built:
            x, y, sample_weight = unpack_x_y_sample_weight(source.pack(source.arrays))
            xs, ys, _ = self._standardize(x, y, sample_weight)
            # Zero rows: cheap, and it fixes the metrics' kinds ("accuracy" needs shapes).
            predictions = self._outputs_as_list(self._run_model(xs, training=False))
            self._compile_metrics.build(ys, predictions)
        return self.get_metrics_result()

    # -------------------------------------------------------- one batch
    def train_on_batch(
        self, x, y=None, sample_weight=None, class_weight=None, return_dict: bool = False
    ):
        """One :meth:`train_step` on one batch; returns its loss (and metrics).

        On JAX the step runs compiled, by the same program ``fit`` runs for
        a batch of the same signature.
        """
        self._assert_compiled("train_on_batch")
        custom_step = type(self).train_step is not Model.train_step
        compiler = self._step_compiler("train")
        self.reset_metrics()
        if compiler is not None:
            data = self._batch_as_fit_packs_it(x, y, sample_weight, class_weight)
            self._prepare_for_compiling(data, "train")
            self.optimizer.prepare_compiled_step()
            body = self._compiled_train_body(custom_step)
            logs = compiler.run("train", body, [data], self._train_state_variables)
        else:
            if class_weight is not None:
                sample_weight = self._standardize(x, y, sample_weight, class_weight)[2][0]
            logs = self.train_step(pack_x_y_sample_weight(x, y, sample_weight))
            if custom_step:
                self._apply_layer_updates()
        logs = pythonify_logs(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        """The loss (and metrics) of one batch, in inference mode, through :meth:`test_step`.

        On JAX the step runs compiled, by the program ``evaluate`` runs.
        """
        self._assert_compiled("test_on_batch")
        compiler = self._step_compiler("test")
        self.reset_metrics()
        if compiler is not None:
            data = self._batch_as_fit_packs_it(x, y, sample_weight)
            self._prepare_for_compiling(data, "test")
            logs = compiler.run("test", self.test_step, [data], self._test_state_variables)
        else:
            logs = self.test_step(pack_x_y_sample_weight(x, y, sample_weight))
        logs = pythonify_logs(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def _batch_as_fit_packs_it(
        self, x, y, sample_weight, class_weight=None, need_targets: bool = True
    ):
        """One batch checked and packed as ``fit``'s batches are, for a compiled step.

        The arrays are converted and cast as ``fit`` converts them, and take
        the form they were given in, so a batch of the same shapes runs the
        program ``fit`` (or ``evaluate``, ``predict``) traced, without a new trace.
        """
        data_sources.check_array_like(x, "x", self.name)
        xs, ys, weights = self._standardize(x, y, sample_weight, class_weight, need_targets)
        pack = self._batch_packer(x, y, sample_weight, len(xs), len(ys), weights is not None)
        return pack([*xs, *ys, *(weights or [])])

    # -------------------------------------------------------------- predict
    def predict(self, x, batch_size: int = 32, verbose=0, steps=None, callbacks=None):
        """Outputs for ``x`` computed a batch at a time by :meth:`predict_step`, in inference mode.

        ``x`` is an array, a list of arrays (one per input), a dict keyed by
        input name, or a source of whole batches as ``fit`` takes (targets
        in its batches are ignored). The batches' outputs are joined along
        the first axis, in the structure of the model's outputs.
        ``verbose=1`` draws a progress bar, ``2`` one line at the end, ``0`` nothing.
        """
        for name, value in (("batch_size", batch_size), ("steps", steps)):
            if value is not None:
                _positive(value, name)
        verbose = 1 if verbose == "auto" else int(verbose)
        iterator = self._iterator_for(x, None, None, batch_size, steps, need_targets=False)
        callback_list = _callback_list(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
        )
        structure, collected = None, []
        # Batches cut from arrays this call already checked skip predict_step's second check.
        checked = type(self).predict_step is Model.predict_step and isinstance(
            iterator.source, data_sources.ArraySource
        )
        callback_list.on_predict_begin()
        compiler = self._step_compiler("predict")
        with contextlib.closing(iterator.epoch()) as batches:
            if compiler is not None:
                structure, collected = self._predict_compiled(
                    compiler, batches, checked, callback_list
                )
            else:
                for step, data in batches:
                    callback_list.on_predict_batch_begin(step)
                    outputs = self._predict_checked(data) if checked else self.predict_step(data)
                    leaves = nest.flatten(outputs)
                    if structure is None:
                        structure, collected = outputs, [[] for _ in leaves]
                    for parts, leaf in zip(collected, leaves, strict=True):
                        parts.append(leaf)
                    callback_list.on_predict_batch_end(step, {"outputs": outputs})
        if iterator.ran_out:
            warnings.warn(iterator.ran_out_message(), stacklevel=2)
        callback_list.on_predict_end()
        if structure is None:  # Zero rows: the empty outputs come from one run on the empty inputs.
            return self.predict_step(iterator.source.pack(iterator.source.arrays))
        joined = [K.concatenate(parts, axis=0) if parts[1:] else parts[0] for parts in collected]
        # As Keras 3: predict returns numpy arrays on every backend.
        return nest.pack_sequence_as(structure, [K.convert_to_numpy(part) for part in joined])

    def _predict_compiled(self, compiler: CompiledSteps, batches, checked: bool, callback_list):
        """``predict``'s loop with compiled steps: the outputs' structure and each leaf's parts.

        Several batches folded into one call come back stacked and are
        joined along the rows, as the batches would be.
        """
        step = self._predict_checked if checked else self.predict_step
        collect = self._predict_state_variables
        structure, collected = None, []
        variables = None
        for first, last, group in grouped_batches(batches, self._steps_per_execution):
            callback_list.on_predict_batch_begin(first)
            if variables is None:
                self._prepare_for_compiling(group[0], "predict")
                variables = collect()
            outputs = compiler.run(
                "predict", step, group, collect, stack_results=True, variables=variables
            )
            if len(group) > 1:
                outputs = nest.map_structure(
                    lambda stacked: K.reshape(stacked, (-1, *K.int_shape(stacked)[2:])), outputs
                )
            leaves = nest.flatten(outputs)
            if structure is None:
                structure, collected = outputs, [[] for _ in leaves]
            for parts, leaf in zip(collected, leaves, strict=True):
                parts.append(leaf)
            callback_list.on_predict_batch_end(last, {"outputs": outputs})
        return structure, collected

    def predict_on_batch(self, x):
        """Outputs for one batch ``x``, in inference mode, through :meth:`predict_step`.

        Numpy arrays on every backend, in the structure of the model's
        outputs, as Keras 3 returns them. On JAX the step runs compiled, by
        the program ``predict`` runs for a batch of the same signature.
        """
        compiler = self._step_compiler("predict")
        if compiler is None:
            outputs = self.predict_step(pack_x_y_sample_weight(x))
        else:
            data = self._batch_as_fit_packs_it(x, None, None, need_targets=False)
            self._prepare_for_compiling(data, "predict")
            checked = type(self).predict_step is Model.predict_step
            step = self._predict_checked if checked else self.predict_step
            outputs = compiler.run(
                "predict", step, [data], self._predict_state_variables, stack_results=True
            )
        return nest.map_structure(K.convert_to_numpy, outputs)


def _callback_list(callbacks, **kwargs):
    """``callbacks`` as a CallbackList (one given by the caller is used as it is)."""
    if isinstance(callbacks, callbacks_module.CallbackList):
        return callbacks
    return callbacks_module.CallbackList(callbacks, **kwargs)


def _positive(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, received {name}={value!r}.")
    return value


def _batch_rows(values: list) -> int | None:
    """The number of rows of the first array in ``values`` (None when there is none)."""
    for value in values:
        if value is not None:
            shape = K.int_shape(value)
            return shape[0] if shape else None
    return None


def _should_validate(epoch: int, validation_freq) -> bool:
    """Whether ``fit`` validates after ``epoch`` (0-based): every n-th epoch, or those listed."""
    if isinstance(validation_freq, int) and not isinstance(validation_freq, bool):
        return (epoch + 1) % validation_freq == 0
    if isinstance(validation_freq, (list, tuple, set)):
        return epoch + 1 in validation_freq
    raise ValueError(
        "validation_freq must be an int (validate every n epochs) or a list of epochs; "
        f"received {validation_freq!r}."
    )


_TAKES_TRAINING: dict = {}


def _takes_training(compute_loss) -> bool:
    """Whether ``compute_loss`` takes ``training`` (new in Keras 3.3; older overrides lack it)."""
    known = _TAKES_TRAINING.get(compute_loss)
    if known is None:
        parameters = inspect.signature(compute_loss).parameters.values()
        known = _TAKES_TRAINING[compute_loss] = any(
            parameter.name == "training" or parameter.kind is parameter.VAR_KEYWORD
            for parameter in parameters
        )
    return known
