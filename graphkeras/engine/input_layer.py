"""InputLayer and Input: where a graph starts.

``Input(shape=(32,))`` creates an InputLayer, which holds one own node whose
input and output are the same KerasTensor of shape ``(None, 32)``. Every
model's graph is traced back to such tensors. An ``Input(optional=True)``
may be given None when the model runs: the layers it feeds then receive
None in its place, as in Keras 3.
"""

from __future__ import annotations

import numbers

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.node import KerasHistory, Node


def _as_shape(value, argument: str) -> tuple:
    """``value`` as a shape: each dim None (unknown) or a non-negative integer, as Keras 3 asks."""
    dims = None if isinstance(value, (str, bytes)) else _dims_or_none(value)
    if dims is None or not all(
        dim is None
        or (isinstance(dim, numbers.Integral) and not isinstance(dim, bool) and dim >= 0)
        for dim in dims
    ):
        raise ValueError(
            f"Input {argument} must be a tuple of non-negative ints (or None for unknown "
            f"dims), received {argument}={value!r:.200}."
        )
    return tuple(None if dim is None else int(dim) for dim in dims)


def _is_dimension(dim) -> bool:
    return isinstance(dim, numbers.Integral) and not isinstance(dim, bool) and dim >= 0


def _dims_or_none(value) -> tuple | None:
    try:
        return tuple(value)
    except TypeError:
        return None


@register_layer
class InputLayer(Layer):
    """The layer behind an ``Input`` tensor: no weights, one node of its own.

    Give ``shape`` (without the batch dim, with ``batch_size`` optionally) or
    ``batch_shape`` (with it), not both. ``optional=True`` lets a model run
    with None for this input.
    """

    def __init__(
        self,
        shape=None,
        batch_size: int | None = None,
        dtype=None,
        sparse: bool | None = None,
        batch_shape=None,
        name: str | None = None,
        optional: bool = False,
        **kwargs,
    ) -> None:
        # Keras 2 configs spell these differently.
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        kwargs.pop("ragged", None)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "InputLayer takes shape or batch_shape, not both; received "
                f"shape={shape!r} and batch_shape={batch_shape!r}."
            )
        if shape is None and batch_shape is None:
            raise ValueError("InputLayer needs shape (or batch_shape); received neither.")
        if sparse:
            raise ValueError("InputLayer: sparse inputs are not supported (sparse=True).")
        if batch_shape is not None:
            batch_shape = _as_shape(batch_shape, "batch_shape")
        else:
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *_as_shape(shape, "shape"))
        if not isinstance(optional, bool):
            raise TypeError(
                f"InputLayer: optional must be True or False; received optional={optional!r}."
            )
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.batch_shape = batch_shape
        self.optional = optional
        self.built = True
        tensor = KerasTensor(batch_shape, dtype=self.dtype, name=self.name)
        tensor._keras_history = KerasHistory(self, 0, 0)
        Node.own(self, [tensor], tensor)

    @property
    def batch_input_shape(self) -> tuple:
        return self.batch_shape

    def get_config(self) -> dict:
        return {
            "batch_shape": list(self.batch_shape),
            "dtype": self.dtype,
            "sparse": False,
            "name": self.name,
            "optional": self.optional,
        }


def Input(  # noqa: N802 - Keras spells this factory with a capital
    shape=None,
    batch_size: int | None = None,
    name: str | None = None,
    dtype=None,
    batch_shape=None,
    sparse: bool | None = None,
    optional: bool = False,
) -> KerasTensor:
    """A symbolic input of ``shape`` (batch dim excluded): the start of a model.

    With ``optional=True`` the model accepts None for this input, and the
    layers it feeds receive None (Keras 3's optional inputs).

    >>> Input(shape=(32,), name="features").shape
    (None, 32)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=K.standardize_dtype(dtype),
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        optional=optional,
    )
    return layer._inbound_nodes[0].output_tensors[0]
