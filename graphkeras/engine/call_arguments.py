"""CallArguments: one layer call's arguments, flattened once at the door.

``layer(inputs, *args, **kwargs)`` may receive nested lists, tuples and dicts
of tensors. Every step of the call needs the leaves: deciding whether the
call is symbolic, checking the input spec, reading the shapes to build,
inferring output shapes and masks, and linking the recorded Node to the
tensors it consumes. ``Layer.__call__`` flattens the arguments once into a
``CallArguments`` and hands that on, so no step flattens them again; the
original structures stay alongside for the steps that pass them to
``build``, ``call`` or ``compute_output_shape`` as the user wrote them.

>>> call = CallArguments([a, b], (), {"training": True})
>>> call.input_leaves == [a, b], call.keras_tensors == [a, b]
(True, True)
"""

from __future__ import annotations

from typing import Any

from graphkeras import backend as K
from graphkeras.engine.node import is_keras_tensor
from graphkeras.utils import nest


class CallArguments:
    """``inputs``, the other positional ``args`` and the ``kwargs`` of one call, with their leaves.

    ``input_leaves`` are the leaves of ``inputs`` (``[inputs]`` for a single
    tensor); ``argument_leaves`` those of ``args`` then ``kwargs`` (dict
    values by sorted key, as :func:`graphkeras.utils.nest.flatten` orders
    them). Both are computed once, here.
    """

    __slots__ = ("inputs", "args", "kwargs", "input_leaves", "argument_leaves")

    def __init__(self, inputs: Any, args: tuple = (), kwargs: dict | None = None) -> None:
        kwargs = {} if kwargs is None else kwargs
        if nest.is_nested(inputs):
            self.input_leaves = nest.flatten(inputs)
            # The call keeps structures of its own: a caller appending to its list
            # afterwards must not change what the recorded Node consumed.
            inputs = nest.pack_sequence_as(inputs, self.input_leaves)
        else:
            self.input_leaves = [inputs]
        if args or kwargs:
            self.argument_leaves = nest.flatten((args, kwargs))
            args, kwargs = nest.pack_sequence_as((args, kwargs), self.argument_leaves)
        else:
            self.argument_leaves = []
        self.inputs = inputs
        self.args = tuple(args)
        self.kwargs = kwargs

    @property
    def keras_tensors(self) -> list:
        """The KerasTensors among all the leaves: those of ``inputs`` first, then the others."""
        if not self.argument_leaves and len(self.input_leaves) == 1:
            leaf = self.input_leaves[0]
            return [leaf] if is_keras_tensor(leaf) else []
        return [
            leaf for leaf in (*self.input_leaves, *self.argument_leaves) if is_keras_tensor(leaf)
        ]

    @property
    def input_shapes(self) -> Any:
        """The shape of ``inputs`` as a tuple, or the structure of ``inputs`` holding shapes."""
        inputs = self.inputs
        shape = getattr(inputs, "shape", None)
        if type(shape) is tuple:
            return shape
        shapes = [_shape_of(leaf) for leaf in self.input_leaves]
        if not nest.is_nested(inputs):
            return shapes[0]
        return nest.pack_sequence_as(inputs, shapes)

    @property
    def input_mask_leaves(self) -> list:
        """The symbolic mask (or None) carried by each leaf of ``inputs``."""
        return [getattr(leaf, "_keras_mask", None) for leaf in self.input_leaves]

    def is_symbolic(self, layer_name: str) -> bool:
        """True for KerasTensor inputs, False for arrays; a mix raises ``ValueError``.

        The inputs decide; the other arguments must agree with them: no
        KerasTensor beside arrays, no array or variable beside KerasTensors.
        """
        inputs = self.inputs
        if is_keras_tensor(inputs):
            symbolic_inputs = True
        elif K.is_tensor(inputs):
            symbolic_inputs = False
        else:
            marks = [is_keras_tensor(leaf) for leaf in self.input_leaves if leaf is not None]
            symbolic_inputs = bool(marks) and all(marks)
            if any(marks) and not symbolic_inputs:
                raise ValueError(self._mix_message(layer_name))
        for leaf in self.argument_leaves:
            if is_keras_tensor(leaf):
                if not symbolic_inputs:
                    raise ValueError(self._mix_message(layer_name))
            elif symbolic_inputs and (K.is_tensor(leaf) or K.is_variable(leaf)):
                raise ValueError(self._mix_message(layer_name))
        return symbolic_inputs

    def _mix_message(self, layer_name: str) -> str:
        symbolic, concrete = [], []
        named = {
            "inputs": self.inputs,
            **{f"args[{index}]": value for index, value in enumerate(self.args)},
            **self.kwargs,
        }
        for path, leaf in _leaves_with_paths(named):
            if is_keras_tensor(leaf):
                symbolic.append(path)
            elif leaf is not None and (
                K.is_tensor(leaf) or K.is_variable(leaf) or path.startswith("inputs")
            ):
                concrete.append(f"{path} ({type(leaf).__name__})")
        return (
            f"Layer '{layer_name}' was called with a mix of symbolic KerasTensors "
            f"({', '.join(symbolic)}) and concrete values ({', '.join(concrete)}). Call a layer "
            "on KerasTensors only (to build a graph) or on arrays only (to compute)."
        )


def _shape_of(value: Any) -> tuple | None:
    return None if value is None else tuple(K.int_shape(value))


def _leaves_with_paths(structure: dict) -> list:
    """``(path, leaf)`` pairs in insertion order, paths written as ``inputs[0]['key']``."""
    found = []
    stack = [(name, value) for name, value in reversed(list(structure.items()))]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}[{key!r}]", item) for key, item in reversed(list(value.items())))
        elif isinstance(value, (list, tuple)):
            stack.extend(
                (f"{path}[{index}]", item) for index, item in reversed(list(enumerate(value)))
            )
        else:
            found.append((path, value))
    return found
