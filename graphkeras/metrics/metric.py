"""The Metric base class: a running statistic over batches, held in variables.

A metric is not a function of one batch. It keeps totals in non-trainable
variables, ``update_state`` folds a batch into them, and ``result`` reads the
statistic they define so far; ``reset_state`` starts over (a model does so at
every epoch). Because only sums are kept, the result of several batches
equals the result of the same samples in one batch.

>>> from graphkeras.metrics import Mean
>>> m = Mean()
>>> m.update_state([1, 3])
>>> m.update_state([5, 7])
>>> m.result()
array(4., dtype=float32)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras import initializers
from graphkeras.utils.naming import to_snake_case, unique_name

# The aggregation modes Keras accepts for a metric variable (how replicas
# would be combined); one process has nothing to combine, so they are checked
# and kept for compatibility only.
_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")


class Metric:
    """Base class of stateful metrics.

    Subclasses create their state in ``__init__`` with :meth:`add_variable`,
    add to it in ``update_state`` (with ``assign`` / ``assign_add``, through
    the backend only) and compute the statistic in ``result``. Metrics held as
    attributes of a metric are tracked, so their variables appear in
    :attr:`variables` and are reset with it.

    >>> class Count(Metric):
    ...     def __init__(self, name="count", dtype=None):
    ...         super().__init__(dtype=dtype, name=name)
    ...         self.count = self.add_variable((), "zeros", dtype=self.dtype, name="count")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         self.count.assign_add(K.cast(K.int_shape(y_pred)[0], self.dtype))
    ...     def result(self):
    ...         return K.convert_to_tensor(self.count.numpy())

    Args:
        dtype: dtype of the metric's computations and result (default floatx).
        name: the metric's name; by default the snake-cased class name,
            made unique (``mean``, ``mean_1``, ...).
    """

    # Whether a larger value is better ("up"), a smaller one ("down"), or
    # unknown (None); callbacks that watch a metric read it.
    _direction: str | None = None

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self._dtype = K.standardize_dtype(dtype or K.floatx())
        self._variables: list = []
        self._metrics: list[Metric] = []

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Metric) and "_metrics" in self.__dict__:
            if all(value is not tracked for tracked in self._metrics):
                self._metrics.append(value)
        super().__setattr__(name, value)

    @property
    def dtype(self) -> str:
        """The dtype the metric computes in and returns."""
        return self._dtype

    @property
    def variables(self) -> list:
        """The state: this metric's variables, then those of the metrics it holds."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def add_variable(
        self,
        shape: Sequence[int],
        initializer: Any,
        dtype: Any = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Any:
        """Create a non-trainable state variable, track it and return it.

        ``initializer`` is anything ``graphkeras.initializers.get`` accepts
        (``"zeros"``, an Initializer, a callable); ``dtype`` defaults to floatx.
        ``aggregation`` is accepted for Keras compatibility and otherwise unused.
        """
        self._check_super_called()
        if aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"Metric '{self.name}': aggregation must be one of {_AGGREGATIONS}; "
                f"received aggregation={aggregation!r}."
            )
        dtype = K.standardize_dtype(dtype)
        initializer = initializers.get(initializer)
        value = initializer(tuple(shape), dtype=dtype)
        # Under the metric's name ("/" read as ">"): the path is "<metric>/<name>", as Keras 3.
        with K.name_scope(self.name.replace("/", ">"), caller=self):
            variable = K.Variable(value, dtype=dtype, name=name, trainable=False)
        self._variables.append(variable)
        return variable

    def add_weight(
        self,
        shape: Sequence[int] = (),
        initializer: Any = None,
        dtype: Any = None,
        name: str | None = None,
    ) -> Any:
        """Older spelling of :meth:`add_variable`; the initializer defaults to zeros."""
        return self.add_variable(
            shape, "zeros" if initializer is None else initializer, dtype=dtype, name=name
        )

    def update_state(self, *args: Any, **kwargs: Any) -> None:
        """Fold a batch into the state; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement update_state().")

    def result(self) -> Any:
        """The statistic so far, as a backend array; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement result().")

    def reset_state(self) -> None:
        """Set every state variable back to zero."""
        for variable in self.variables:
            variable.assign(K.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Update the state with one batch, then return the result so far."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this metric, as a JSON-ready dict."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Metric:
        """Rebuild a metric from the output of :meth:`get_config` (with a fresh state)."""
        return cls(**config)

    def _check_super_called(self) -> None:
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__() must call super().__init__() "
                "before the metric creates variables or is used."
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
