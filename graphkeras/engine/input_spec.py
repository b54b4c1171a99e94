"""InputSpec: what a layer accepts, checked before it builds or runs.

A layer sets ``self.input_spec`` (one spec, or a list with one per input) and
``Layer.__call__`` checks every call against it, so a wrong rank or feature
size fails with the layer's name, the expectation and the received shape,
before anything is built or recorded.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.utils import nest


class InputSpec:
    """Rank, dims, dtype and per-axis sizes an input must have; None means "any".

    ``axes`` maps an axis (negative counts from the end) to its required size:
    ``InputSpec(min_ndim=2, axes={-1: 16})`` accepts ``(None, 16)`` and
    ``(4, 7, 16)`` but not ``(None, 8)``.
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = None if dtype is None else K.standardize_dtype(dtype)
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.optional = optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.axes = {int(axis): int(size) for axis, size in (axes or {}).items()}
        if self.axes and self.ndim is None and self.min_ndim is None:
            self.min_ndim = max(axis if axis >= 0 else -axis - 1 for axis in self.axes) + 1

    def __repr__(self) -> str:
        fields = ("dtype", "shape", "ndim", "max_ndim", "min_ndim", "axes")
        parts = [f"{field}={getattr(self, field)}" for field in fields if getattr(self, field)]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict) -> InputSpec:
        return cls(**config)


def assert_input_compatibility(
    input_spec, inputs, layer_name: str, leaves: list | None = None
) -> None:
    """Raise ``ValueError`` naming the layer when ``inputs`` do not fit ``input_spec``.

    This runs on every call, so the passing path does only comparisons; the
    messages are built only when something fails. A caller that has already
    flattened ``inputs`` passes the ``leaves``, which are then not computed again.
    """
    if input_spec is None:
        return
    if type(input_spec) is InputSpec and type(getattr(inputs, "shape", None)) is tuple:
        # One spec, one tensor: the common case, checked without flattening.
        problem = _problem(input_spec, inputs, inputs.shape)
        if problem is not None:
            raise ValueError(
                f'Input 0 of layer "{layer_name}" is incompatible with the layer: {problem}'
            )
        return
    specs = input_spec if isinstance(input_spec, list) else nest.flatten(input_spec)
    if isinstance(inputs, list):
        tensors = inputs
    else:
        tensors = leaves if leaves is not None else nest.flatten(inputs)
    if len(specs) != len(tensors):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), '
            f"but it received {len(tensors)} input tensors."
        )
    for index, (spec, tensor) in enumerate(zip(specs, tensors, strict=True)):
        if spec is None:
            continue
        if tensor is None:
            if spec.optional:
                continue
            name = f"'{spec.name}'" if spec.name else str(index)
            raise ValueError(
                f'Input {name} of layer "{layer_name}" is not optional, but None was passed; '
                "pass an array (only an Input(optional=True) accepts None)."
            )
        shape = getattr(tensor, "shape", None)
        shape = tuple(shape) if shape is not None else tuple(K.int_shape(tensor))
        problem = _problem(spec, tensor, shape)
        if problem is not None:
            raise ValueError(
                f'Input {index} of layer "{layer_name}" is incompatible with the layer: {problem}'
            )


def _problem(spec: InputSpec, tensor, shape: tuple) -> str | None:
    """What is wrong with an input of ``shape`` for ``spec``, or None when it fits."""
    rank = len(shape)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
        return f"expected ndim={spec.ndim}, found ndim={rank}. Full shape received: {shape}"
    if spec.max_ndim is not None and rank > spec.max_ndim:
        return f"expected max_ndim={spec.max_ndim}, found ndim={rank}. Full shape received: {shape}"
    if spec.min_ndim is not None and rank < spec.min_ndim:
        return f"expected min_ndim={spec.min_ndim}, found ndim={rank}. Full shape received: {shape}"
    if spec.dtype is not None and K.dtype(tensor) != spec.dtype:
        return f"expected dtype={spec.dtype}, found dtype={K.dtype(tensor)}."
    for axis, size in spec.axes.items():
        if -rank <= axis < rank:
            received = shape[axis]
            if received is not None and received != size:
                return (
                    f"expected axis {axis} of input shape to have value {size}, "
                    f"but received input with shape {shape}"
                )
    if spec.shape is not None and rank == len(spec.shape):
        for expected, received in zip(spec.shape, shape, strict=True):
            if expected is not None and received is not None and expected != received:
                return f"expected shape={spec.shape}, found shape={shape}"
    return None
