"""OnnxGraphBuilder: the nodes, initializers and names of one ONNX graph as it is written.

Every name in an ONNX graph (tensor, initializer) must be unique; the
builder hands them out (:meth:`unique_name`). Weights become initializers
keyed by the Variable they come from and the transform applied to it, so a
shared layer's kernel is one initializer that each call reads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras import backend as K


class OnnxGraphBuilder:
    """Collects ONNX nodes and initializers for one graph at ``opset``."""

    def __init__(self, onnx_module, opset: int) -> None:
        self.onnx = onnx_module
        self.opset = opset
        self.nodes: list = []
        self.initializers: list = []
        self._names: set[str] = set()
        self._weights: dict[tuple, str] = {}

    def reserve(self, name: str) -> None:
        """Mark ``name`` taken (graph inputs and outputs keep their exact names)."""
        self._names.add(name)

    def unique_name(self, wanted: str) -> str:
        """``wanted``, or ``wanted_2``, ``wanted_3``, ... if taken; the name is then taken."""
        name, count = wanted, 1
        while name in self._names:
            count += 1
            name = f"{wanted}_{count}"
        self._names.add(name)
        return name

    def add_node(self, op_type: str, inputs: list, outputs: list, name: str, **attributes):
        """Append one ONNX node (inputs and outputs are tensor names)."""
        node = self.onnx.helper.make_node(op_type, inputs, outputs, name=name, **attributes)
        self.nodes.append(node)
        return node

    def initializer(self, array, wanted_name: str) -> str:
        """A new initializer holding ``array``; returns its name."""
        name = self.unique_name(wanted_name)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, variable, transform: Callable | None = None, tag: str = "") -> str:
        """The initializer of ``variable`` (after ``transform``), one per variable and tag.

        ``tag`` names the transform (``"oihw"`` for a kernel put in ONNX's
        layout): the same variable under the same tag is written once.
        """
        key = (id(variable), tag)
        name = self._weights.get(key)
        if name is None:
            array = np.asarray(K.convert_to_numpy(variable))
            if transform is not None:
                array = np.ascontiguousarray(transform(array))
            base = getattr(variable, "path", None) or getattr(variable, "name", "weight")
            name = self.initializer(array, f"{base}:{tag}" if tag else base)
            self._weights[key] = name
        return name
