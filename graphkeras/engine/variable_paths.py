"""Variable paths as Keras 3 gives them: ``"sequential/dense/kernel"``, ``"adam/iteration"``.

Every Variable carries its ``path``, fixed when it was made from the name
scopes open then (``K.name_scope``; the engine opens them in
``layer_scopes.py``, the optimizers and the metrics). A layer's weights sit
under the layer's name, a sublayer's under its parent's
(``lstm/lstm_cell/kernel``), a Sequential or subclassed model builds its
layers inside its own name, while a functional model's layers were built
before the model existed (``dense/kernel``). Optimizer state is
``<optimizer>/<tracked path with / as _>_<slot>``, metric state
``<metric>/<variable>`` and, on a backend that keeps random state in
Variables, a seed generator's ``<generator>/seed_generator_state``.

These functions gather the paths of a model's, an optimizer's and a list of
metrics' variables, for ``get_state_tree`` and anything else that names
variables by path.
"""

from __future__ import annotations


def model_variable_paths(model) -> dict[int, str]:
    """``id(variable) -> path`` for every weight and random state of ``model``, nested ones too."""
    return {
        id(variable): variable.path for variable in (*model.weights, *model.non_trainable_variables)
    }


def optimizer_variable_paths(optimizer) -> list[tuple[str, object]]:
    """``(path, variable)`` for each of the optimizer's variables, in its order."""
    return [(variable.path, variable) for variable in optimizer.variables]


def metric_variable_paths(metrics: list) -> list[tuple[str, object]]:
    """``(path, variable)`` for each variable of each metric, metric by metric.

    A metric's variables sit under the name it had when it made them (its
    ``/`` read as ``>``): a compiled ``"mae"`` keeps ``mean_absolute_error/total``,
    as in Keras 3.
    """
    return [(variable.path, variable) for metric in metrics for variable in metric.variables]
