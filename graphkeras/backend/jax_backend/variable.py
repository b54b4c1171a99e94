"""The JAX backend's Variable: a named weight over immutable JAX arrays.

JAX arrays cannot change, so a Variable is a name plus a plain attribute
``value`` that holds the current array; every assignment swaps that array
for a new one. Because ``value`` is an ordinary attribute, the engine can
run a model statelessly (inside ``jax.jit``) by setting it to a traced array
for the call and putting the old array back afterwards, and ``assign``
accepts traced arrays too: it never converts to numpy.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from graphkeras.backend import config
from graphkeras.backend.common.operator_methods import operator_ops
from graphkeras.backend.common.variable_assignment import check_assignment_shape
from graphkeras.backend.common.variable_base import VariableBase

# name -> backend op behind each Python operator of a Variable; filled by
# install_variable_operators (the package calls it, and again whoever wraps ops).
OPERATORS: dict = {}


class Variable(VariableBase):
    """A mutable array with a name, as a layer weight, an optimizer slot or a seed state.

    ``value`` is the backing ``jax.Array`` (or a tracer while a function that
    reads the variable is traced). Python operators and indexing go through
    the backend's ops (see :data:`OPERATORS`), so a GradientTape records them;
    ``==`` and ``!=`` keep object identity, so Variables work as list items
    and dict keys.

    >>> v = Variable(np.zeros((2, 3)), name="kernel")
    >>> v.shape, v.dtype
    ((2, 3), 'float32')
    """

    # numpy's binary operators (``array * v``) hand over to the reflected
    # operators below instead of converting the variable to an ndarray.
    __array_priority__ = 100

    _operators = OPERATORS

    @staticmethod
    def _new_value(value, dtype: str):
        # jnp.array copies, so a numpy array handed in can change afterwards.
        return jnp.array(value, dtype=dtype)

    @staticmethod
    def _default_dtype(value) -> str:
        """Floating values take ``floatx`` (as ``K.variable`` in Keras); others keep their dtype."""
        dtype = getattr(value, "dtype", None)
        if dtype is None or isinstance(dtype, str):
            dtype = np.asarray(value).dtype if dtype is None else np.dtype(dtype)
        if jnp.issubdtype(dtype, jnp.floating) or jnp.issubdtype(dtype, jnp.complexfloating):
            return config.floatx()
        return dtype_name(dtype)

    @property
    def dtype(self) -> str:
        return dtype_name(self.value.dtype)

    def numpy(self) -> np.ndarray:
        """A numpy copy of the value, safe to keep and change."""
        return np.array(self.value)

    def assign(self, value) -> Variable:
        """Replace the value by ``value`` cast to this variable's dtype; shapes must match.

        ``value`` may be a traced array (inside ``jax.jit``): nothing here
        reads its numbers.
        """
        new_value = jnp.asarray(_array_of(value), dtype=self.value.dtype)
        check_assignment_shape(self.name, self.shape, tuple(new_value.shape))
        self.value = new_value
        return self

    def assign_add(self, delta) -> Variable:
        """Hold ``value + delta`` (``delta`` broadcastable to the shape), in this dtype."""
        return self._replace_by(jnp.add(self.value, _array_of(delta)), "assign_add")

    def assign_sub(self, delta) -> Variable:
        """Hold ``value - delta`` (``delta`` broadcastable to the shape), in this dtype."""
        return self._replace_by(jnp.subtract(self.value, _array_of(delta)), "assign_sub")

    def _replace_by(self, result, method: str) -> Variable:
        if tuple(result.shape) != self.shape:
            raise ValueError(
                f"Variable '{self.name}'.{method}() needs a delta broadcastable to its shape "
                f"{self.shape}; the result had shape {tuple(result.shape)}."
            )
        self.value = result.astype(self.value.dtype)
        return self

    def __jax_array__(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        array = np.asarray(self.value)
        return array if dtype is None else array.astype(dtype)


def install_variable_operators(namespace: dict) -> None:
    """Route the Variable's Python operators to the ops in ``namespace`` (a backend's globals).

    Called once the backend's namespace is complete, and again by any code
    that replaces ops there (a tape making them recordable), so ``v * 2``
    always runs the current ``multiply``.
    """
    OPERATORS.update(operator_ops(namespace))
    multiply = namespace["multiply"]

    def positive(x):
        """``+x``: the value itself, as an op (a product by a weak 1 keeps dtype and sign)."""
        return multiply(x, 1)

    OPERATORS["positive"] = positive


def dtype_name(dtype) -> str:
    """The standard name of a numpy or JAX dtype (``bfloat16`` included)."""
    name = getattr(dtype, "name", None)
    if name == "bfloat16":
        return name
    return config.standardize_dtype(dtype)


def _array_of(x):
    """What an assignment stores from ``x``: a Variable's array, else ``x``'s array.

    Assigning is not differentiated (as in TensorFlow and Keras): an array
    wrapped for a tape is read through ``__jax_array__`` like any other.
    """
    if type(x) is Variable:
        return x.value
    read = getattr(x, "__jax_array__", None)
    return read() if read is not None else x


__all__ = ["Variable"]
