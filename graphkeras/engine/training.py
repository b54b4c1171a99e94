"""Model: a Network with the routines that use it on data.

``Model(inputs, outputs)`` is the functional API's model: everything about
the graph comes from :class:`Network`; this class adds ``compile``,
``fit``, ``evaluate``, ``predict`` and their one-batch forms, with Keras 3's
signatures. A training step runs the graph inside a ``K.GradientTape``,
adds the compiled losses to the layers' own (``add_loss``, weight
regularizers), takes the gradient for the trainable weights and lets the
optimizer apply it.
"""

from __future__ import annotations

import os

from graphkeras import backend as K
from graphkeras import callbacks as callbacks_module
from graphkeras import metrics as metrics_module
from graphkeras import optimizers as optimizers_module
from graphkeras.engine import call_context, data_adapter
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.compile_utils import (
    CompileLoss,
    CompileMetrics,
    check_target_shape,
    deserialize_compile_config,
    serialize_compile_config,
)
from graphkeras.engine.input_spec import assert_input_compatibility
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.model_files import model_files
from graphkeras.engine.network import Network
from graphkeras.engine.state_tree import ModelStateTree
from graphkeras.utils import nest


@register_layer(aliases=("Functional",))
class Model(Network, ModelStateTree):
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
        """Set the optimizer, the loss (one, a list, or a dict by output name) and metrics.

        ``run_eagerly``, ``steps_per_execution``, ``jit_compile`` and
        ``auto_scale_loss`` are accepted for Keras compatibility: on NumPy
        every step already runs eagerly, one at a time, in full precision.
        """
        output_names = self._output_names()
        optimizer = optimizers_module.get(optimizer)
        compile_loss = (
            None if loss is None else CompileLoss(loss, loss_weights, output_names, self.name)
        )
        compile_metrics = CompileMetrics(metrics, output_names, self.name)
        weighted = CompileMetrics(weighted_metrics, output_names, self.name)
        self.optimizer = optimizer
        self._compile_loss = compile_loss
        self._compile_metrics = compile_metrics
        self._weighted_metrics = weighted
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = (
            [metrics_module.Mean(name=f"{name}_loss") for name in output_names]
            if len(output_names) > 1 and compile_loss is not None
            else []
        )
        self._compile_arguments = (loss, loss_weights, metrics, weighted_metrics)
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

    def _input_dtypes(self) -> list | None:
        if getattr(self, "_is_graph_network", False):
            return [tensor.dtype for tensor in self.inputs]
        return None

    def _assert_compiled(self, routine: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"Model '{self.name}' must be compiled before {routine}(): call "
                "model.compile(optimizer=..., loss=...) first."
            )

    @property
    def metrics(self) -> list:
        """The loss tracker(s), then the compiled metrics (once built by a first batch)."""
        if not self.compiled:
            return []
        found = [self._loss_tracker, *self._output_loss_trackers]
        found += self._compile_metrics.flat() + self._weighted_metrics.flat()
        return found

    @property
    def metrics_names(self) -> list[str]:
        return [metric.name for metric in self.metrics]

    # --------------------------------------------------------------- steps
    def _forward(self, inputs: list, training: bool) -> list:
        """The outputs as a list, for the model's inputs as a list of arrays."""
        with call_context.training_scope(training):
            if getattr(self, "_is_graph_network", False):
                outputs, _ = self._plan.run(inputs, training)
                return outputs
            structure = inputs[0] if len(inputs) == 1 else inputs
            return nest.flatten(self(structure, training=training))

    def _compute_loss(
        self, y_true: list, y_pred: list, sample_weights: list | None, layers: list | None = None
    ):
        """The total loss (compiled losses plus the layers' own) and the per-output parts.

        ``layers``: the model and every nested layer, when the step has walked them.
        """
        total, per_output = (
            (None, [None] * len(y_pred))
            if self._compile_loss is None
            else self._compile_loss(y_true, y_pred, sample_weights)
        )
        own_losses = layers is not None and type(self).losses is Layer.losses
        for extra in self._losses_of(layers) if own_losses else self.losses:
            total = extra if total is None else K.add(total, extra)
        if total is None:
            raise ValueError(
                f"Model '{self.name}' has nothing to minimise: compile it with a loss, "
                "or add losses with add_loss()."
            )
        return total, per_output

    def _record_step(self, total, per_output, y_true, y_pred, sample_weights) -> dict:
        batch = K.int_shape(y_pred[0])[0] if y_pred else None
        self._loss_tracker.update_state(total, sample_weight=batch)
        for tracker, value in zip(self._output_loss_trackers, per_output, strict=False):
            if value is not None:
                tracker.update_state(value, sample_weight=batch)
        self._compile_metrics.update_state(y_true, y_pred)
        self._weighted_metrics.update_state(y_true, y_pred, sample_weights)
        return self._logs()

    def _logs(self) -> dict:
        logs = {"loss": float(K.convert_to_numpy(self._loss_tracker.result()))}
        for tracker in self._output_loss_trackers:
            logs[tracker.name] = float(K.convert_to_numpy(tracker.result()))
        logs.update(self._compile_metrics.result())
        logs.update(self._weighted_metrics.result())
        return logs

    def _reset_metrics(self) -> None:
        for metric in [self._loss_tracker, *self._output_loss_trackers]:
            metric.reset_state()
        self._compile_metrics.reset_state()
        self._weighted_metrics.reset_state()

    def _train_step(self, x: list, y: list, sample_weights: list | None) -> dict:
        # The layers are walked once before the forward pass and once after it
        # (which may build sublayers); each walk serves several uses.
        layers = [self, *self._all_sublayers()]
        self._clear_losses(layers)
        variables = (
            self._trainable_weights_of(layers)
            if type(self).trainable_weights is Layer.trainable_weights
            else self.trainable_weights
        )
        with K.GradientTape() as tape:
            y_pred = self._forward(x, training=True)
            layers = [self, *self._all_sublayers()]
            total, per_output = self._compute_loss(y, y_pred, sample_weights, layers)
        gradients = tape.gradient(total, variables)
        self.optimizer.apply(gradients, variables)
        self._apply_layer_updates(layers)
        return self._record_step(total, per_output, y, y_pred, sample_weights)

    def _test_step(self, x: list, y: list, sample_weights: list | None) -> dict:
        self._clear_losses()
        y_pred = self._forward(x, training=False)
        total, per_output = self._compute_loss(
            y, y_pred, sample_weights, [self, *self._all_sublayers()]
        )
        return self._record_step(total, per_output, y, y_pred, sample_weights)

    def _apply_layer_updates(self, layers: list | None = None) -> None:
        """Run the ``add_update`` updates recorded during the step, then forget them."""
        for layer in [self, *self._all_sublayers()] if layers is None else layers:
            if not layer._updates:
                continue
            for update, _ in layer._updates:
                if callable(update):
                    update()
                else:
                    variable, value = update
                    variable.assign(value)
            layer._updates = ()

    # ---------------------------------------------------------------- data
    def _standardize(
        self, x, y, sample_weight, class_weight=None
    ) -> tuple[list, list, list | None]:
        """Inputs, targets and per-output sample weights as lists of backend arrays."""
        input_names = self.input_names if getattr(self, "_is_graph_network", False) else ["input"]
        input_keys = getattr(self, "_input_keys", None)
        output_names = self._output_names()
        output_keys = getattr(self, "_output_keys", None)
        xs = data_adapter.as_arrays(
            data_adapter.to_list(x, input_names, input_keys, "inputs", self.name),
            self._input_dtypes(),
        )
        if getattr(self, "_is_graph_network", False):
            assert_input_compatibility(self._input_specs, xs, self.name)
        if y is None and self.compiled and self._compile_arguments[0] is not None:
            raise ValueError(
                f"Model '{self.name}' was compiled with a loss, which needs targets: pass y "
                f"(one array per output: {output_names}), received y=None."
            )
        ys = data_adapter.as_arrays(
            [None] * len(output_names)
            if y is None
            else data_adapter.to_list(y, output_names, output_keys, "targets", self.name)
        )
        if getattr(self, "_is_graph_network", False):
            for target, output, name in zip(ys, self.outputs, output_names, strict=True):
                if target is not None:
                    check_target_shape(target, output, name, self.name)
        weights = None
        if sample_weight is not None:
            if isinstance(sample_weight, (list, tuple, dict)):
                spread = data_adapter.to_list(
                    sample_weight, output_names, output_keys, "sample weights", self.name
                )
            else:
                spread = [sample_weight] * len(output_names)
            weights = data_adapter.as_arrays(spread)
        if class_weight is not None:
            weights = self._class_weights_as_sample_weights(class_weight, ys, weights)
        return xs, ys, weights

    def _class_weights_as_sample_weights(self, class_weight: dict, ys: list, weights) -> list:
        if len(ys) != 1:
            raise ValueError(
                f"Model '{self.name}': class_weight applies to single-output models; "
                "use sample_weight for several outputs."
            )
        labels = ys[0]
        shape = K.int_shape(labels)
        if len(shape) > 1 and shape[-1] > 1:
            classes = K.argmax(labels, axis=-1)
        else:
            classes = K.cast(K.reshape(labels, (shape[0],)), "int64")
        index = [int(c) for c in K.convert_to_numpy(classes).tolist()]
        missing = sorted(set(index) - set(class_weight))
        if missing:
            raise ValueError(
                f"Model '{self.name}': class_weight has no weight for classes {missing}."
            )
        per_sample = K.convert_to_tensor([float(class_weight[int(c)]) for c in index])
        if weights is not None:
            per_sample = K.multiply(per_sample, weights[0])
        return [per_sample]

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
        are arrays, lists (one per input/output) or dicts keyed by name.
        """
        self._assert_compiled("fit")
        batch_size = _positive(32 if batch_size is None else batch_size, "batch_size")
        if validation_batch_size is not None:
            _positive(validation_batch_size, "validation_batch_size")
        verbose = 1 if verbose == "auto" else int(verbose)
        xs, ys, weights = self._standardize(x, y, sample_weight, class_weight)
        rows = data_adapter.row_count({"x": xs, "y": ys, "sample_weight": weights or []}, self.name)
        validation = None
        if validation_data is not None:
            # Checked now, before any weight changes, not at the end of the first epoch.
            val_x, val_y, val_weights = _unpack_validation(validation_data)
            validation = self._standardize(
                _single_or_list(val_x), _single_or_list(val_y), _single_or_list(val_weights)
            )
            data_adapter.row_count(
                {"x": validation[0], "y": validation[1], "sample_weight": validation[2] or []},
                self.name,
            )
        elif validation_split:
            arrays = xs + ys + (weights or [])
            train, held = data_adapter.split_for_validation(arrays, validation_split, rows)
            n_x, n_y = len(xs), len(ys)
            xs, ys = train[:n_x], train[n_x : n_x + n_y]
            held_weights = held[n_x + n_y :] or None
            weights = train[n_x + n_y :] or None
            validation = (held[:n_x], held[n_x : n_x + n_y], held_weights)
            rows = data_adapter.row_count({"x": xs}, self.name)

        steps = data_adapter.steps_for(rows, batch_size)
        if steps_per_epoch is not None:
            steps = min(steps, _positive(steps_per_epoch, "steps_per_epoch"))
        callback_list = _callback_list(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )
        self.stop_training = False
        arrays = xs + ys + (weights or [])
        n_x, n_y = len(xs), len(ys)
        logs: dict = {}
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            self._reset_metrics()
            callback_list.on_epoch_begin(epoch)
            for step, batch in enumerate(data_adapter.batches(arrays, rows, batch_size, shuffle)):
                if step >= steps:
                    break
                callback_list.on_train_batch_begin(step)
                logs = self._train_step(
                    batch[:n_x], batch[n_x : n_x + n_y], batch[n_x + n_y :] or None
                )
                callback_list.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = dict(logs)
            if validation is not None and (epoch + 1) % validation_freq == 0:
                val_xs, val_ys, val_ws = validation
                val_logs = self._evaluate_arrays(
                    val_xs,
                    val_ys,
                    val_ws,
                    validation_batch_size or batch_size,
                    validation_steps,
                    callback_list,
                )
                epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            logs = epoch_logs
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        return self.history

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
        """The loss and metrics on ``x`` and ``y``, in inference mode.

        Returns the loss alone when there are no metrics, else the list
        ``[loss, *metrics]`` in ``metrics_names`` order, or a dict with
        ``return_dict=True``.
        """
        self._assert_compiled("evaluate")
        batch_size = _positive(32 if batch_size is None else batch_size, "batch_size")
        verbose = 1 if verbose == "auto" else int(verbose)
        xs, ys, weights = self._standardize(x, y, sample_weight)
        rows = data_adapter.row_count({"x": xs, "y": ys}, self.name)
        total_steps = data_adapter.steps_for(rows, batch_size)
        if steps is not None:
            total_steps = min(total_steps, _positive(steps, "steps"))
        callback_list = _callback_list(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=total_steps,
        )
        logs = self._evaluate_arrays(xs, ys, weights, batch_size, steps, callback_list)
        return self._format_results(logs, return_dict)

    def _evaluate_arrays(self, xs, ys, weights, batch_size, steps, callback_list) -> dict:
        """The test loop over lists of arrays, reporting to ``callback_list``; returns logs."""
        rows = data_adapter.row_count({"x": xs, "y": ys}, self.name)
        total_steps = data_adapter.steps_for(rows, batch_size)
        if steps is not None:
            total_steps = min(total_steps, _positive(steps, "steps"))
        self._reset_metrics()
        arrays = xs + ys + (weights or [])
        n_x, n_y = len(xs), len(ys)
        logs: dict = {}
        callback_list.on_test_begin()
        for step, batch in enumerate(data_adapter.batches(arrays, rows, batch_size, False)):
            if step >= total_steps:
                break
            callback_list.on_test_batch_begin(step)
            logs = self._test_step(batch[:n_x], batch[n_x : n_x + n_y], batch[n_x + n_y :] or None)
            callback_list.on_test_batch_end(step, logs)
        if rows == 0:
            logs = self._logs_of_no_rows(xs, ys)
        callback_list.on_test_end(logs)
        return logs

    def _logs_of_no_rows(self, xs: list, ys: list) -> dict:
        """What evaluating zero rows reports: every loss and metric, each at its empty value."""
        if self._compile_metrics.metrics is None or self._weighted_metrics.metrics is None:
            y_pred = self._forward(xs, training=False)  # zero rows: cheap; fixes metric kinds
            for metrics in (self._compile_metrics, self._weighted_metrics):
                if metrics.metrics is None:
                    metrics.build(ys, y_pred)
        return self._logs()

    def _format_results(self, logs: dict, return_dict: bool):
        if return_dict:
            return dict(logs)
        values = [logs[name] for name in self.metrics_names if name in logs]
        return values[0] if len(values) == 1 else values

    # -------------------------------------------------------- one batch
    def train_on_batch(
        self, x, y=None, sample_weight=None, class_weight=None, return_dict: bool = False
    ):
        """One training step on one batch; returns its loss (and metrics)."""
        self._assert_compiled("train_on_batch")
        xs, ys, weights = self._standardize(x, y, sample_weight, class_weight)
        data_adapter.row_count({"x": xs, "y": ys}, self.name)
        self._reset_metrics()
        logs = self._train_step(xs, ys, weights)
        return self._format_results(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        """The loss (and metrics) of one batch, in inference mode."""
        self._assert_compiled("test_on_batch")
        xs, ys, weights = self._standardize(x, y, sample_weight)
        data_adapter.row_count({"x": xs, "y": ys}, self.name)
        self._reset_metrics()
        logs = self._test_step(xs, ys, weights)
        return self._format_results(logs, return_dict)

    # -------------------------------------------------------------- predict
    def predict(self, x, batch_size: int = 32, verbose=0, steps=None, callbacks=None):
        """Outputs for ``x`` computed ``batch_size`` rows at a time, in inference mode.

        ``x`` is an array, a list of arrays (one per input) or a dict keyed by
        input name; the result has the structure of the model's outputs.
        ``verbose=1`` draws a progress bar, ``2`` one line at the end, ``0`` nothing.
        """
        batch_size = _positive(32 if batch_size is None else batch_size, "batch_size")
        verbose = 1 if verbose == "auto" else int(verbose)
        if not self._is_graph_network:
            return self._predict_subclassed(x, batch_size)
        values = self._flatten_inputs(x)
        values = [
            K.convert_to_tensor(value, dtype=tensor.dtype)
            for value, tensor in zip(values, self.inputs, strict=True)
        ]
        assert_input_compatibility(self._input_specs, values, self.name)
        rows = data_adapter.row_count({"x": values}, self.name)
        total_steps = data_adapter.steps_for(rows, batch_size)
        if steps is not None:
            total_steps = min(total_steps, _positive(steps, "steps"))
        callback_list = _callback_list(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=total_steps,
        )
        collected: list[list] = [[] for _ in self.outputs]
        callback_list.on_predict_begin()
        with call_context.training_scope(False):
            for step, batch in enumerate(data_adapter.batches(values, rows, batch_size, False)):
                if step >= total_steps:
                    break
                callback_list.on_predict_batch_begin(step)
                outputs, _ = self._plan.run(batch, False)
                for parts, output in zip(collected, outputs, strict=True):
                    parts.append(output)
                callback_list.on_predict_batch_end(step, {"outputs": outputs})
        callback_list.on_predict_end()
        if rows == 0:  # No batch ran: the empty outputs come from one run on the empty inputs.
            with call_context.training_scope(False):
                collected = [[output] for output in self._plan.run(values, False)[0]]
        joined = [
            K.concatenate(parts, axis=0) if len(parts) > 1 else parts[0] for parts in collected
        ]
        return self._pack_outputs(joined)

    def predict_on_batch(self, x):
        """Outputs for one batch ``x``, in inference mode."""
        return self(x, training=False)

    def _predict_subclassed(self, x, batch_size: int):
        rows = data_adapter.row_count({"x": x if isinstance(x, (list, tuple)) else [x]}, self.name)
        parts = []
        for start in range(0, rows, batch_size):
            batch = (
                [value[start : start + batch_size] for value in x]
                if isinstance(x, (list, tuple))
                else x[start : start + batch_size]
            )
            parts.append(self(batch, training=False))
        return K.concatenate(parts, axis=0)


def _callback_list(callbacks, **kwargs):
    """``callbacks`` as a CallbackList (one given by the caller is used as it is)."""
    if isinstance(callbacks, callbacks_module.CallbackList):
        return callbacks
    return callbacks_module.CallbackList(callbacks, **kwargs)


def _positive(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, received {name}={value!r}.")
    return value


def _unpack_validation(validation_data) -> tuple:
    """``(x, y)`` or ``(x, y, sample_weight)`` as the lists fit and evaluate use."""
    if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
        raise ValueError(
            "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
            f"val_sample_weight); received {type(validation_data).__name__}."
        )
    x_val, y_val = validation_data[0], validation_data[1]
    weights = validation_data[2] if len(validation_data) == 3 else None
    return _as_list(x_val), _as_list(y_val), None if weights is None else _as_list(weights)


def _as_list(value) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _single_or_list(values):
    if values is None:
        return None
    return values[0] if len(values) == 1 else list(values)
