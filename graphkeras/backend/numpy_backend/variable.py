"""The numpy backend's Variable: a named, mutable array that layers own as weights."""

from __future__ import annotations

import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.variable_assignment import check_assignment_shape
from graphkeras.backend.common.variable_base import VariableBase

# name -> backend op, filled in by graphkeras.backend.numpy_backend.
OPERATORS: dict = {}


class Variable(VariableBase):
    """A mutable array with a name, as a layer weight or an optimizer slot.

    ``value`` is the backing ``numpy.ndarray``; reading it costs nothing, so the
    layers' hot paths use it directly. ``assign`` replaces it by a new array of
    the same shape, which keeps arrays handed out earlier unchanged. Python
    operators run the backend's recorded ops (see :data:`OPERATORS`), so they
    are differentiable inside a GradientTape; ``==`` and ``!=`` keep object
    identity, so Variables work as list items.

    >>> v = Variable(np.zeros((2, 3)), name="kernel")
    >>> v.shape, v.dtype
    ((2, 3), 'float32')
    """

    # numpy hands ufuncs and functions called on a Variable (``np.exp(v)``,
    # ``array * v``) to these, which run them as recorded backend ops while a
    # GradientTape records (see tape_array.py), and on the value otherwise.
    def __array_ufunc__(self, ufunc, method: str, *inputs, **kwargs):
        return OPERATORS["array_ufunc"](ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return OPERATORS["array_function"](func, args, kwargs)

    _operators = OPERATORS

    @staticmethod
    def _new_value(value, dtype: str) -> np.ndarray:
        return np.array(value, dtype=dtype)

    @staticmethod
    def _default_dtype(value) -> str:
        """Floating values take ``floatx`` (as ``K.variable`` in Keras); others keep theirs."""
        kind = np.asarray(value).dtype.kind
        return config.floatx() if kind in "fc" else np.asarray(value).dtype.name

    @property
    def dtype(self) -> str:
        return config.standardize_dtype(self.value.dtype)

    def numpy(self) -> np.ndarray:
        """A copy of the value, safe to keep while the variable changes."""
        return self.value.copy()

    def assign(self, value) -> Variable:
        """Replace the value; the new value must have this variable's shape."""
        if isinstance(value, Variable):
            value = value.value
        new_value = np.asarray(value, dtype=self.value.dtype)
        check_assignment_shape(self.name, self.value.shape, new_value.shape)
        if new_value is value:
            new_value = new_value.copy()
        self.value = new_value
        return self

    def assign_add(self, delta) -> Variable:
        """Add ``delta`` (broadcastable to the shape) to the value, in place.

        Updating in place spares optimizers a copy of every weight per step;
        arrays read earlier through ``value`` see the change (``numpy()``
        copies do not).
        """
        np.add(self.value, _unwrap(delta), out=self.value, casting="same_kind")
        return self

    def assign_sub(self, delta) -> Variable:
        """Subtract ``delta`` (broadcastable to the shape) from the value, in place."""
        np.subtract(self.value, _unwrap(delta), out=self.value, casting="same_kind")
        return self

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self.value
        return self.value.astype(dtype)


def _unwrap(x):
    """A Variable's array, or ``x``; an array of the tape's own kind as a plain ndarray.

    Assigning is not differentiated (as in TensorFlow and Keras): a metric
    that folds a value the tape follows into its variables takes the
    numbers only, so the write is not an in-place change the tape must refuse.
    """
    if type(x) is Variable:
        return x.value
    return np.asarray(x) if isinstance(x, np.ndarray) and type(x) is not np.ndarray else x
