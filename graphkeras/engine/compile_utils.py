"""What ``compile`` sets up: the model's total loss and its metrics, per output.

``CompileLoss`` turns the ``loss`` and ``loss_weights`` arguments into one
loss and one weight per output (in any structure Keras 3 accepts: see
``compile_structure.py``) and sums the losses, each times its weight, as
Keras 3 does: without ``loss_weights`` every weight is 1; a dict of weights
must name every output that has a loss (Keras 3 refuses one that does not);
the per-output losses it tracks (``<output>_loss``, when there are several)
are unweighted. ``CompileMetrics`` spreads ``metrics`` and
``weighted_metrics`` over the outputs the same way and names each metric as
Keras 3 logs it (``accuracy`` for a single output, ``<output>_accuracy`` for
several, ``weighted_`` in front of a weighted metric whose name is taken).
``"accuracy"`` and ``"crossentropy"`` are resolved from the shapes of the
first targets and predictions, as Keras does: binary, sparse categorical or
categorical.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphkeras import backend as K
from graphkeras import losses as losses_module
from graphkeras import metrics as metrics_module
from graphkeras.engine.compile_structure import spread_over_outputs
from graphkeras.utils import nest
from graphkeras.utils.tracing import is_tracing


def _is_binary_or_sparse(y_true, y_pred) -> tuple[bool, bool]:
    true_shape, pred_shape = K.int_shape(y_true), K.int_shape(y_pred)
    is_binary = bool(pred_shape) and pred_shape[-1] == 1
    is_sparse = len(true_shape) < len(pred_shape) or (
        bool(true_shape) and true_shape[-1] == 1 and bool(pred_shape) and pred_shape[-1] > 1
    )
    return is_binary, is_sparse


def check_target_shape(
    y_true, y_pred, output_name: str, model_name: str, compare_batch: bool = True
) -> None:
    """Refuse targets whose shape cannot match an output's (as Keras, sparse labels allowed).

    ``y_pred`` may be the output's KerasTensor (unknown dims are None).
    With ``compare_batch=False`` the leading (batch) dimension is not
    compared: that is the check on whole arrays before fit, evaluate or
    predict split them, where ``y_true`` holds every row while an output
    built from an ``Input`` with a fixed ``batch_size`` declares one batch.
    The rows of targets and inputs are matched by the data adapter instead,
    and each batch's targets meet the batch's real predictions in
    ``CompileLoss``, where the batch dimension is compared.
    """
    true_shape, pred_shape = tuple(K.int_shape(y_true)), tuple(K.int_shape(y_pred))
    if not compare_batch and pred_shape:
        pred_shape = (None, *pred_shape[1:])

    def agree(true_dims, pred_dims, allow_one=False) -> bool:
        return len(true_dims) == len(pred_dims) and all(
            p is None or t == p or (allow_one and t == 1)
            for t, p in zip(true_dims, pred_dims, strict=True)
        )

    rank_gap = len(pred_shape) - len(true_shape)
    fits = (
        (rank_gap == 0 and agree(true_shape, pred_shape, allow_one=True))
        or (rank_gap == 1 and agree(true_shape, pred_shape[:-1]))
        or (rank_gap == -1 and true_shape[-1] == 1 and agree(true_shape[:-1], pred_shape))
    )
    if not fits:
        raise ValueError(
            f"Model '{model_name}', output '{output_name}' produces shape {pred_shape}; "
            f"received targets of shape {true_shape}, which do not match it."
        )


class CompileLoss:
    """The weighted sum of one loss per output, and each output's loss as a metric.

    ``loss`` and ``loss_weights`` are matched to the outputs' ``template``
    as ``compile_structure.py`` describes. Loss names are resolved at
    compile time, so an unknown one fails there; so do bad weights. A loss
    whose structure fits no output is reported by :meth:`build`, when fit or
    evaluate starts, as Keras 3 reports it (on its first batch). With
    several losses, each output's unweighted loss is tracked as
    ``<output>_loss`` (:attr:`metrics`), as Keras 3 logs it.
    """

    def __init__(self, loss, loss_weights, template, model_name: str) -> None:
        self.template = template
        self.output_names = nest.flatten(template)
        self.model_name = model_name
        self._loss = loss
        self._loss_weights = loss_weights
        leaves = nest.flatten(loss)
        if all(leaf is None for leaf in leaves):
            raise ValueError(
                f"Model '{model_name}': compile() needs a loss for at least one output; "
                f"received loss={loss!r}."
            )
        for leaf in leaves:
            self._resolve(leaf, None, None)  # an unknown name fails at compile time
        self.losses: list | None = None
        self.weights: list | None = None
        self.metrics: list = []
        self._trackers: list = []
        try:
            identifiers = spread_over_outputs(loss, template, "loss", model_name)
        except ValueError:
            return  # build() reports it when fit or evaluate starts
        self._build_from(identifiers)

    @property
    def built(self) -> bool:
        return self.losses is not None

    def build(self) -> None:
        """Match the loss to the outputs if compile could not; ValueError if it fits none."""
        if not self.built:
            self._build_from(
                spread_over_outputs(self._loss, self.template, "loss", self.model_name)
            )

    def _build_from(self, identifiers: list) -> None:
        weights = self._spread_weights(identifiers)
        losses = [self._resolve(identifier, None, None) for identifier in identifiers]
        several = sum(loss is not None for loss in losses) > 1
        trackers = [
            metrics_module.Mean(name=f"{name}_loss") if several and loss is not None else None
            for name, loss in zip(self.output_names, losses, strict=True)
        ]
        self.losses, self.weights = losses, weights
        self._trackers = trackers
        self.metrics = [tracker for tracker in self._trackers if tracker is not None]

    def _spread_weights(self, identifiers: list) -> list:
        """One float per output with a loss (None: no weight given, or no loss)."""
        given = self._loss_weights
        if given is None:
            return [None] * len(identifiers)
        has_loss = [identifier is not None for identifier in identifiers]
        try:
            weights = spread_over_outputs(given, self.template, "loss_weights", self.model_name)
        except ValueError:
            # Keras 3 also reads a flat list as one weight per loss given, in output order.
            if not isinstance(given, (list, tuple)) or len(given) != sum(has_loss):
                raise
            remaining = iter(given)
            weights = [next(remaining) if present else None for present in has_loss]
        if isinstance(given, dict):
            unweighted = [
                name
                for name, weight, present in zip(self.output_names, weights, has_loss, strict=True)
                if weight is None and present
            ]
            if unweighted:
                raise ValueError(
                    f"Model '{self.model_name}': loss_weights is a dict, so it must give a "
                    f"weight for every output with a loss; {unweighted} have none "
                    f"(received keys {sorted(given)})."
                )
        resolved = []
        for name, weight, present in zip(self.output_names, weights, has_loss, strict=True):
            if weight is None or not present:
                resolved.append(None)
                continue
            try:
                resolved.append(float(weight))
            except (TypeError, ValueError):
                raise ValueError(
                    f"Model '{self.model_name}': loss_weights for output '{name}' must be a "
                    f"number; received {weight!r:.80}."
                ) from None
        return resolved

    @staticmethod
    def _resolve(identifier, y_true, y_pred):
        if identifier is None:
            return None
        if isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce"):
            if y_true is None:
                return identifier
            is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
            if is_binary:
                function = losses_module.binary_crossentropy
            elif is_sparse:
                function = losses_module.sparse_categorical_crossentropy
            else:
                function = losses_module.categorical_crossentropy
            return losses_module.LossFunctionWrapper(function, name=identifier)
        loss = losses_module.get(identifier)
        if not isinstance(loss, losses_module.Loss):
            name = identifier if isinstance(identifier, str) else getattr(loss, "__name__", None)
            loss = losses_module.LossFunctionWrapper(loss, name=name)
        return loss

    def __call__(self, y_true: list, y_pred: list, sample_weights: list | None):
        """The weighted total of the outputs' losses (lists: one entry per output).

        Each output's loss, before its weight, goes to its ``<output>_loss``
        tracker, weighted by the batch size.
        """
        self.build()
        total = None
        for index, loss in enumerate(self.losses):
            if loss is None:
                continue
            if isinstance(loss, str):
                loss = self.losses[index] = self._resolve(loss, y_true[index], y_pred[index])
            check_target_shape(
                y_true[index], y_pred[index], self.output_names[index], self.model_name
            )
            sample_weight = None if sample_weights is None else sample_weights[index]
            value = loss(y_true[index], y_pred[index], sample_weight=sample_weight)
            tracker = self._trackers[index]
            if tracker is not None:
                tracker.update_state(value, sample_weight=K.int_shape(y_pred[index])[0])
            weight = self.weights[index]
            if weight is not None and weight != 1.0:
                value = K.multiply(value, weight)
            total = value if total is None else K.add(total, value)
        return total

    def reset_state(self) -> None:
        for tracker in self.metrics:
            tracker.reset_state()


class _CompiledMetric(NamedTuple):
    """One metric of one output, and the names Keras 3 gives it."""

    metric: object
    output_index: int
    weighted: bool
    log_name: str  # its key in the logs: "accuracy", "<output>_mae", "weighted_mae", ...
    own_name: str  # the name Keras 3's metric object carries ("mae" for every output)


class CompileMetrics:
    """``metrics`` and ``weighted_metrics``, per output, named in the logs as Keras 3 names them.

    With one output every metric given applies to it, whatever the
    structure (Keras 3 flattens it); with several, each argument is matched
    to the outputs (``compile_structure.py``), with a list of metrics
    allowed per output. The metric objects are made on the first batch,
    since ``"accuracy"`` depends on the shapes. Log names: the metric's
    name, ``<output>_`` in front when there are several outputs; a repeated
    name gets ``_1``, ``_2``, ...; a weighted metric whose name is taken
    gets ``weighted_`` (``<output>_weighted_<metric>``).
    """

    def __init__(self, metrics, weighted_metrics, template, model_name: str) -> None:
        self.template = template
        self.output_names = nest.flatten(template)
        self.model_name = model_name
        self._given = {"metrics": metrics, "weighted_metrics": weighted_metrics}
        for leaf in nest.flatten([metrics, weighted_metrics]):
            if leaf is not None and not _is_accuracy(leaf):
                metrics_module.get(leaf)  # an unknown name fails at compile time
        self._spread: dict | None = None
        self._compiled: list[_CompiledMetric] | None = None

    @property
    def built(self) -> bool:
        return self._compiled is not None

    def check_structure(self) -> None:
        """Match both arguments to the outputs; ValueError if one fits none (as Keras 3, at fit)."""
        if self._spread is None:
            self._spread = {
                argument: self._per_output(value, argument)
                for argument, value in self._given.items()
            }

    def _per_output(self, value, argument: str) -> list[list]:
        count = len(self.output_names)
        if value is None or (nest.is_nested(value) and not value):
            return [[] for _ in range(count)]
        if count == 1:
            return [[leaf for leaf in nest.flatten(value) if leaf is not None]]
        if not nest.is_nested(value):
            raise ValueError(
                f"Model '{self.model_name}' has {count} outputs {self.output_names}: pass "
                f"{argument} as a list with one entry per output or a dict keyed by output "
                f"name; received {argument}={value!r:.200}."
            )
        spread = spread_over_outputs(
            value, self.template, argument, self.model_name, several_per_output=True
        )
        return [list(entry) if entry else [] for entry in spread]

    def build(self, y_true: list, y_pred: list) -> None:
        """Make each metric for its output's targets and predictions, and name it."""
        self.check_structure()
        several = len(self.output_names) > 1
        taken: dict[str, int] = {}
        compiled = []
        for weighted, argument in ((False, "metrics"), (True, "weighted_metrics")):
            for index, identifiers in enumerate(self._spread[argument]):
                prefix = f"{self.output_names[index]}_" if several else ""
                for identifier in identifiers:
                    metric = _make_metric(identifier, y_true[index], y_pred[index])
                    own_name = metric.name
                    log_name = _log_name(prefix, own_name, weighted, taken)
                    if not isinstance(identifier, metrics_module.Metric):
                        metric.name = log_name  # made here: named as logged, so paths differ
                    compiled.append(_CompiledMetric(metric, index, weighted, log_name, own_name))
        self._compiled = compiled

    def update_state(self, y_true: list, y_pred: list, sample_weights: list | None = None) -> None:
        """Update every metric; only the weighted ones see the sample weights."""
        if self._compiled is None:
            self.build(y_true, y_pred)
        for entry in self._compiled:
            index = entry.output_index
            weight = None
            if entry.weighted and sample_weights is not None:
                weight = sample_weights[index]
            entry.metric.update_state(y_true[index], y_pred[index], sample_weight=weight)

    def reset_state(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    @property
    def metrics(self) -> list:
        """The metric objects (once built): the unweighted, then the weighted."""
        return [entry.metric for entry in self._compiled or []]

    @property
    def own_names(self) -> list[str]:
        """The names Keras 3's metric objects carry, which order evaluate's list first."""
        return [entry.own_name for entry in self._compiled or []]

    def result(self) -> dict:
        """``{log name: value}``: Python floats (numpy arrays for a metric with one value per
        class, as ``F1Score()``), or backend arrays while a step is traced."""
        if is_tracing():
            return {entry.log_name: entry.metric.result() for entry in self._compiled or []}
        return {
            entry.log_name: _logged(K.convert_to_numpy(entry.metric.result()))
            for entry in self._compiled or []
        }


def _logged(value: Any) -> Any:
    """A metric's result as logs hold it: a float, or the array of a vector-valued metric."""
    return float(value) if value.ndim == 0 else value


def _is_accuracy(identifier) -> bool:
    return isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc")


def _make_metric(identifier, y_true, y_pred):
    """The metric object for ``identifier``, named as Keras 3 names it (a name given stays)."""
    if _is_accuracy(identifier):
        is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
        if is_binary:
            return metrics_module.BinaryAccuracy(name=identifier)
        if is_sparse:
            return metrics_module.SparseCategoricalAccuracy(name=identifier)
        return metrics_module.CategoricalAccuracy(name=identifier)
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", None)
        return metrics_module.MeanMetricWrapper(metric, name=name)
    if isinstance(identifier, str):
        metric.name = identifier
    return metric


def _log_name(prefix: str, name: str, weighted: bool, taken: dict[str, int]) -> str:
    """The metric's key in the logs, with Keras 3's ``_1`` suffixes and ``weighted_`` prefix."""
    candidate = f"{prefix}{name}"
    if candidate in taken and weighted:
        candidate = f"{prefix}weighted_{name}"
    if candidate not in taken:
        taken[candidate] = 1
        return candidate
    suffix = taken[candidate]
    taken[candidate] += 1
    return f"{candidate}_{suffix}"


def results_in_keras_order(logs: dict, leading: list[str]) -> list:
    """``logs``' values in evaluate's list order (Keras 3): ``leading`` names first, then sorted.

    ``leading`` is ``loss``, the metric objects' own names, then the
    ``<output>_loss`` trackers; a name is taken once.
    """
    order = [name for name in dict.fromkeys(leading) if name in logs]
    order += sorted(name for name in logs if name not in order)
    return [logs[name] for name in order]


def _map_leaves(structure, function):
    """``structure`` (None, a leaf, a list/tuple or a dict of them) with ``function`` on leaves.

    A dict holding ``"class_name"`` is a serialized object, hence a leaf,
    not a per-output mapping.
    """
    if isinstance(structure, dict) and "class_name" not in structure:
        return {key: _map_leaves(value, function) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_map_leaves(value, function) for value in structure]
    return None if structure is None else function(structure)


def _serialize_named(value, module):
    return value if isinstance(value, str) else module.serialize(value)


def _deserialize_named(value, module, custom_objects):
    return value if isinstance(value, str) else module.deserialize(value, custom_objects)


def serialize_compile_config(
    optimizer, loss, loss_weights, metrics, weighted_metrics, optimizers_module
) -> dict:
    """``compile``'s arguments as JSON-ready data (names stay names, objects their configs)."""

    def metric_leaf(value):
        return _serialize_named(value, metrics_module)

    return {
        "optimizer": optimizers_module.serialize(optimizer),
        "loss": _map_leaves(loss, lambda value: _serialize_named(value, losses_module)),
        "loss_weights": loss_weights,
        "metrics": _map_leaves(metrics, metric_leaf),
        "weighted_metrics": _map_leaves(weighted_metrics, metric_leaf),
    }


def deserialize_compile_config(config: dict, optimizers_module, custom_objects=None) -> dict:
    """The keyword arguments of ``compile`` from :func:`serialize_compile_config`'s output."""
    return {
        "optimizer": optimizers_module.deserialize(config["optimizer"], custom_objects),
        "loss": _map_leaves(
            config.get("loss"),
            lambda value: _deserialize_named(value, losses_module, custom_objects),
        ),
        "loss_weights": config.get("loss_weights"),
        "metrics": _map_leaves(
            config.get("metrics"),
            lambda value: _deserialize_named(value, metrics_module, custom_objects),
        ),
        "weighted_metrics": _map_leaves(
            config.get("weighted_metrics"),
            lambda value: _deserialize_named(value, metrics_module, custom_objects),
        ),
    }
