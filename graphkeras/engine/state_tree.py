"""A model's whole state as one nested dict: ``get_state_tree`` / ``set_state_tree``, as Keras 3.

The tree has four branches, ``trainable_variables``,
``non_trainable_variables``, ``optimizer_variables`` and
``metrics_variables``; inside each, a variable's ``path``
(``engine/variable_paths.py``) is split at ``/`` into nested dicts:
``{"trainable_variables": {"dense": {"kernel": ..., "bias": ...}}}``.
Setting a tree checks every path and shape first and assigns nothing
unless all are right, so a bad tree leaves the model as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphkeras import backend as K
from graphkeras.engine.metric_tracking import CompileMetricsGroup
from graphkeras.engine.variable_paths import (
    metric_variable_paths,
    model_variable_paths,
    optimizer_variable_paths,
)

VALUE_FORMATS = ("backend_tensor", "numpy_array", "python_list")
BRANCHES = (
    "trainable_variables",
    "non_trainable_variables",
    "optimizer_variables",
    "metrics_variables",
)


class ModelStateTree:
    """``metrics_variables``, ``get_state_tree`` and ``set_state_tree``, mixed into Model."""

    @property
    def metrics_variables(self) -> list:
        """Every variable of the model's metrics (loss trackers included), metric by metric."""
        return [variable for metric in self.metrics for variable in metric.variables]

    def get_state_tree(self, value_format: str = "backend_tensor") -> dict:
        """The model's variables as nested dicts keyed by the parts of their paths.

        ``value_format`` is ``"backend_tensor"`` (the backend's arrays),
        ``"numpy_array"`` or ``"python_list"``; each leaf is a snapshot,
        unchanged by later training. A model that is not compiled has empty
        ``optimizer_variables`` and ``metrics_variables``. Two variables with
        one path (layers given the same name) raise ``ValueError``, as in Keras.
        """
        if value_format not in VALUE_FORMATS:
            raise ValueError(
                f"get_state_tree: `value_format` must be one of {list(VALUE_FORMATS)}; "
                f"received {value_format!r}."
            )
        tree = {}
        for branch, pairs in self._state_paths().items():
            nested: dict = {}
            for path, variable in _unique(pairs, branch, self.name):
                value = variable.numpy()
                if value_format == "backend_tensor":
                    value = K.convert_to_tensor(value)
                elif value_format == "python_list":
                    value = value.tolist()
                _insert(nested, path, value, branch)
            tree[branch] = nested
        return tree

    def set_state_tree(self, state_tree: Mapping[str, Any]) -> None:
        """Assign the values of a tree shaped like :meth:`get_state_tree`'s.

        Any subset of branches and paths may be given. Every path must name
        one of the model's variables and every value have its shape; all are
        checked (``ValueError`` naming the path) before any is assigned.
        """
        if not isinstance(state_tree, Mapping):
            raise TypeError(
                "set_state_tree: `state_tree` must be a dict of "
                f"{list(BRANCHES)}; received {type(state_tree).__name__}."
            )
        known = self._state_paths()
        assignments = []
        for branch, subtree in state_tree.items():
            if branch not in known:
                raise ValueError(
                    f"set_state_tree: unknown branch {branch!r} in the state tree of model "
                    f"'{self.name}'; expected some of {list(BRANCHES)}."
                )
            variables = dict(known[branch])
            for path, value in _flatten(subtree, branch).items():
                variable = variables.get(path)
                if variable is None:
                    raise ValueError(
                        f"set_state_tree: model '{self.name}' has no variable "
                        f"'{branch}/{path}'. Its {branch} are {sorted(variables)[:20]}."
                    )
                assignments.append((variable, _checked_value(variable, value, branch, path)))
        K.batch_set_value(assignments)

    def _state_paths(self) -> dict[str, list[tuple[str, Any]]]:
        """Each branch's ``(path, variable)`` pairs, in Keras 3's variable order."""
        paths = model_variable_paths(self)
        optimizer = getattr(self, "optimizer", None)
        return {
            "trainable_variables": [(paths[id(v)], v) for v in self.trainable_variables],
            "non_trainable_variables": [(paths[id(v)], v) for v in self.non_trainable_variables],
            "optimizer_variables": (
                optimizer_variable_paths(optimizer) if optimizer is not None else []
            ),
            # The compiled metrics' variables sit under each metric's name at creation (Keras 3).
            "metrics_variables": metric_variable_paths(
                [
                    part
                    for metric in self.metrics
                    for part in (
                        metric.metrics if isinstance(metric, CompileMetricsGroup) else [metric]
                    )
                ]
            ),
        }


def _unique(pairs: list, branch: str, model_name: str) -> list:
    seen = set()
    for path, _ in pairs:
        if path in seen:
            raise ValueError(
                f"get_state_tree: the path '{path}' names two {branch} of model "
                f"'{model_name}'; give its layers (and other objects) unique names."
            )
        seen.add(path)
    return pairs


def _insert(nested: dict, path: str, value: Any, branch: str) -> None:
    *parents, leaf = path.split("/")
    for part in parents:
        nested = nested.setdefault(part, {})
        if not isinstance(nested, dict):
            raise ValueError(f"get_state_tree: '{branch}/{path}' lies under another variable.")
    if leaf in nested:
        raise ValueError(f"get_state_tree: '{branch}/{path}' is also the path of a group.")
    nested[leaf] = value


def _flatten(subtree: Any, branch: str) -> dict[str, Any]:
    """``{"a": {"b": v}}`` -> ``{"a/b": v}``; a branch must be a dict."""
    if not isinstance(subtree, Mapping):
        raise ValueError(
            f"set_state_tree: '{branch}' must be a dict of paths; received "
            f"{type(subtree).__name__}."
        )
    flat: dict[str, Any] = {}
    stack = [("", subtree)]
    while stack:
        prefix, node = stack.pop()
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, Mapping):
                stack.append((f"{path}/", value))
            else:
                flat[path] = value
    return flat


def _checked_value(variable, value: Any, branch: str, path: str) -> Any:
    """``value`` as an array of the variable's dtype; ValueError naming the path if it cannot be."""
    try:
        array = K.convert_to_tensor(value, dtype=variable.dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"set_state_tree: the value for '{branch}/{path}' is not an array of numbers ({error})."
        ) from error
    if tuple(K.int_shape(array)) != tuple(variable.shape):
        raise ValueError(
            f"set_state_tree: '{branch}/{path}' has shape {tuple(variable.shape)}; received a "
            f"value of shape {tuple(K.int_shape(array))}."
        )
    return array
