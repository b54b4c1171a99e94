"""What ``compile`` sets up: the model's total loss and its metrics, per output.

``CompileLoss`` turns the ``loss`` and ``loss_weights`` arguments (one
loss, a list, or a dict keyed by output name) into one loss per output and
sums them, each times its weight, as Keras 3 does: without ``loss_weights``
every weight is 1; a dict of weights must name every output that has a loss
(Keras 3 refuses one that does not); the per-output losses it reports
(``<output>_loss``) are unweighted. ``CompileMetrics`` does the same for ``metrics``,
naming each metric as Keras 3 logs it (``accuracy`` for a single output,
``<output>_accuracy`` for several). ``"accuracy"`` and ``"crossentropy"``
are resolved from the shapes of the first targets and predictions, as
Keras does: binary, sparse categorical or categorical.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras import losses as losses_module
from graphkeras import metrics as metrics_module


def per_output(value, output_names: list[str], what: str, model_name: str) -> list:
    """``value`` spread over the outputs: one entry, a list, or a dict by output name."""
    count = len(output_names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in output_names]
        if unknown:
            raise ValueError(
                f"Model '{model_name}': {what} given for {unknown}, which are not outputs; "
                f"the outputs are {output_names}."
            )
        return [value.get(name) for name in output_names]
    if isinstance(value, (list, tuple)) and count > 1:
        if len(value) != count:
            raise ValueError(
                f"Model '{model_name}' has {count} outputs ({output_names}); {what} must be "
                f"one per output, received {len(value)}."
            )
        return list(value)
    return [value] * count


def _is_binary_or_sparse(y_true, y_pred) -> tuple[bool, bool]:
    true_shape, pred_shape = K.int_shape(y_true), K.int_shape(y_pred)
    is_binary = bool(pred_shape) and pred_shape[-1] == 1
    is_sparse = len(true_shape) < len(pred_shape) or (
        bool(true_shape) and true_shape[-1] == 1 and bool(pred_shape) and pred_shape[-1] > 1
    )
    return is_binary, is_sparse


def check_target_shape(y_true, y_pred, output_name: str, model_name: str) -> None:
    """Refuse targets whose shape cannot match an output's (as Keras, sparse labels allowed).

    ``y_pred`` may be the output's KerasTensor (unknown dims are None).
    """
    true_shape, pred_shape = tuple(K.int_shape(y_true)), tuple(K.int_shape(y_pred))

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
    """The weighted sum of one loss per output (outputs without a loss are skipped)."""

    def __init__(self, loss, loss_weights, output_names: list[str], model_name: str) -> None:
        self.output_names = list(output_names)
        self.model_name = model_name
        self._identifiers = per_output(loss, self.output_names, "loss", model_name)
        # Validated now, so an unknown name fails at compile time.
        self.losses = [self._resolve(identifier, None, None) for identifier in self._identifiers]
        if all(loss is None for loss in self._identifiers):
            raise ValueError(
                f"Model '{model_name}': compile() needs a loss for at least one output."
            )
        self.weights = self._weights(loss_weights)

    def _weights(self, loss_weights) -> list[float]:
        """One float per output: 1 without ``loss_weights``, else the one given for it."""
        if loss_weights is None:
            return [1.0] * len(self.output_names)
        weights = per_output(loss_weights, self.output_names, "loss_weights", self.model_name)
        if isinstance(loss_weights, dict):
            unweighted = [
                name
                for name, weight, loss in zip(
                    self.output_names, weights, self._identifiers, strict=True
                )
                if weight is None and loss is not None
            ]
            if unweighted:
                raise ValueError(
                    f"Model '{self.model_name}': loss_weights is a dict, so it must give a "
                    f"weight for every output with a loss; {unweighted} have none "
                    f"(received keys {sorted(loss_weights)})."
                )
        resolved = []
        for name, weight in zip(self.output_names, weights, strict=True):
            if weight is None:
                resolved.append(1.0)  # an output without a loss: its weight is never used
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

    def __call__(self, y_true: list, y_pred: list, sample_weights: list | None) -> tuple:
        """``(total, per_output)``: the weighted total, and each output's loss before its
        weight (None for an output without a loss), which Keras 3 logs as ``<output>_loss``."""
        total = None
        per_output_losses: list = []
        for index, loss in enumerate(self.losses):
            if loss is None:
                per_output_losses.append(None)
                continue
            if isinstance(loss, str):
                loss = self.losses[index] = self._resolve(loss, y_true[index], y_pred[index])
            check_target_shape(
                y_true[index], y_pred[index], self.output_names[index], self.model_name
            )
            weight = None if sample_weights is None else sample_weights[index]
            value = loss(y_true[index], y_pred[index], sample_weight=weight)
            per_output_losses.append(value)
            if self.weights[index] != 1.0:
                value = K.multiply(value, self.weights[index])
            total = value if total is None else K.add(total, value)
        return total, per_output_losses


class CompileMetrics:
    """The metrics of each output, built on the first batch (``"accuracy"`` needs shapes)."""

    def __init__(self, metrics, output_names: list[str], model_name: str) -> None:
        self.output_names = list(output_names)
        self.model_name = model_name
        count = len(self.output_names)
        if metrics is None:
            spread = [[] for _ in self.output_names]
        elif isinstance(metrics, dict) or (
            count > 1
            and isinstance(metrics, (list, tuple))
            and len(metrics) == count
            and any(isinstance(item, (list, tuple)) or item is None for item in metrics)
        ):
            spread = per_output(metrics, self.output_names, "metrics", model_name)
        elif count > 1 and isinstance(metrics, (list, tuple)):
            raise ValueError(
                f"Model '{model_name}' has {count} outputs ({self.output_names}): pass metrics "
                "as a dict keyed by output name or as one list per output."
            )
        else:
            spread = [metrics]
        self._identifiers = [
            [] if item is None else list(item) if isinstance(item, (list, tuple)) else [item]
            for item in spread
        ]
        for identifiers in self._identifiers:
            for identifier in identifiers:
                if not (isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc")):
                    metrics_module.get(identifier)  # unknown names fail at compile time
        self.metrics: list[list] | None = None

    def build(self, y_true: list, y_pred: list) -> None:
        self.metrics = []
        for index, identifiers in enumerate(self._identifiers):
            built = []
            for identifier in identifiers:
                metric = self._make(identifier, y_true[index], y_pred[index])
                if len(self.output_names) > 1:
                    metric.name = f"{self.output_names[index]}_{metric.name}"
                built.append(metric)
            self.metrics.append(built)

    @staticmethod
    def _make(identifier, y_true, y_pred):
        if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
            is_binary, is_sparse = _is_binary_or_sparse(y_true, y_pred)
            if is_binary:
                return metrics_module.BinaryAccuracy(name=identifier)
            if is_sparse:
                return metrics_module.SparseCategoricalAccuracy(name=identifier)
            return metrics_module.CategoricalAccuracy(name=identifier)
        metric = metrics_module.get(identifier)
        if isinstance(metric, type):
            metric = metric()
        if not isinstance(metric, metrics_module.Metric):
            name = identifier if isinstance(identifier, str) else getattr(metric, "__name__", None)
            metric = metrics_module.MeanMetricWrapper(metric, name=name)
        elif isinstance(identifier, str):
            metric.name = identifier
        return metric

    def update_state(self, y_true: list, y_pred: list, sample_weights: list | None = None) -> None:
        if self.metrics is None:
            self.build(y_true, y_pred)
        for index, metrics in enumerate(self.metrics):
            for metric in metrics:
                weight = None if sample_weights is None else sample_weights[index]
                metric.update_state(y_true[index], y_pred[index], sample_weight=weight)

    def reset_state(self) -> None:
        for metrics in self.metrics or []:
            for metric in metrics:
                metric.reset_state()

    def flat(self) -> list:
        return [metric for metrics in self.metrics or [] for metric in metrics]

    def result(self) -> dict:
        return {metric.name: float(K.convert_to_numpy(metric.result())) for metric in self.flat()}


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
