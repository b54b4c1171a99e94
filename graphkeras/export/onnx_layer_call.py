"""OnnxLayerCall: what a converter sees of one layer call, and how it adds ONNX nodes.

A converter receives one of these per node of the model. It reads
``layer``, ``inputs`` (the ONNX names of the call's input tensors, in the
node's order), ``input_shapes`` and ``output_shapes`` (the KerasTensors'
shapes, ``None`` for unknown dims), adds nodes with :meth:`add` and returns
its output names (:meth:`input_name` finds the name of one input tensor,
:meth:`mask_of` the ONNX form of the mask it carries). :meth:`finish` then
names what was added: a call that added one node names it ``path`` (the
layer's name, prefixed by the nested models around it), one that added
several names them ``path:OpType``; the outputs are renamed to the names the
graph expects, so a converter never deals with naming.

A wrapper's converter writes its inner layer's call with :meth:`sub_call`: a
call of that layer on other inputs and shapes, whose nodes go into the same
pending list under the path ``path:inner_name`` (so every ONNX node name
still starts with the model node's path, then ``:``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graphkeras.engine.node import is_keras_tensor
from graphkeras.export.onnx_export_error import OnnxExportError


class OnnxLayerCall:
    """One node of a model being written as ONNX nodes (see the module docstring)."""

    def __init__(self, builder, node, path: str, inputs: list[str], masks=None) -> None:
        self._builder = builder
        self._masks = masks  # The walk's OnnxMasks (onnx_masks.py): masks written on request.
        self.node = node
        self.layer = node.outbound_layer
        self.path = path
        self.inputs = list(inputs)
        # The dtypes of ``inputs``; autocasting (see onnx_model.py) updates both together.
        self.input_dtypes = [str(tensor.dtype) for tensor in node.input_tensors]
        self._input_shapes = [tuple(tensor.shape) for tensor in node.input_tensors]
        self._output_shapes = [tuple(tensor.shape) for tensor in node.output_tensors]
        self._given_masks: list | None = None  # A sub-call's masks, as its wrapper gave them.
        self._pending: list[dict] = []

    def sub_call(
        self,
        layer,
        inputs: list[str],
        input_shapes: list[tuple],
        output_shapes: list[tuple],
        input_dtypes: list[str] | None = None,
        input_masks: list | None = None,
    ) -> OnnxLayerCall:
        """A call of ``layer`` (held by this call's layer) on ``inputs`` of ``input_shapes``.

        Its nodes join this call's and are named ``path:layer.name:OpType``;
        its ``node`` is None. ``input_dtypes`` defaults to this call's dtype
        for each input, ``input_masks`` to none. A wrapper runs the inner
        layer's converter on it (``converter_entry(layer).converter(inner)``)
        and uses the names it returns.
        """
        inner = object.__new__(OnnxLayerCall)
        inner._builder = self._builder
        inner.node = None
        inner.layer = layer
        inner.path = f"{self.path}:{layer.name}"
        inner.inputs = list(inputs)
        inner.input_dtypes = list(input_dtypes or [self.dtype] * len(inputs))
        inner._input_shapes = [tuple(shape) for shape in input_shapes]
        inner._output_shapes = [tuple(shape) for shape in output_shapes]
        inner._masks = None
        inner._given_masks = list(input_masks) if input_masks else [None] * len(inputs)
        inner._pending = self._pending
        return inner

    # ------------------------------------------------------------ what is called
    @property
    def opset(self) -> int:
        return self._builder.opset

    @property
    def input_shapes(self) -> list[tuple]:
        return list(self._input_shapes)

    @property
    def output_shapes(self) -> list[tuple]:
        return list(self._output_shapes)

    @property
    def dtype(self) -> str:
        """The dtype the layer computes in."""
        return str(getattr(self.layer, "compute_dtype", "float32"))

    def input_name(self, tensor) -> str:
        """The ONNX name of ``tensor``, one of the node's input tensors (after any autocast)."""
        for index, candidate in enumerate(self.node.input_tensors):
            if candidate is tensor:
                return self.inputs[index]
        raise ValueError(f"'{tensor.name}' is not an input of node '{self.path}'.")

    def mask_of(self, tensor) -> str | None:
        """The mask ``tensor`` carries as an ONNX ``bool`` tensor, or None when it has none.

        Written on first request (see onnx_masks.py); a converter that reads
        masks is registered with ``masks_carried=True``, so a mask that
        cannot be written is refused before the export starts.
        """
        if self._masks is None:
            raise OnnxExportError(
                f"The converter of {type(self.layer).__name__} layer '{self.layer.name}' asks "
                "for a mask, but the walk gave it none."
            )
        return self._masks.of(tensor)

    def sequence_mask(self) -> str | None:
        """The mask of the call's first input as an ONNX ``bool`` tensor, or None.

        That is the tensor passed as ``mask=`` (as Keras files record an
        Embedding's mask; cast to bool), else the mask the first input
        carries (:meth:`mask_of`); for a sub-call, the mask its wrapper gave.
        """
        if self.node is None:
            return self._given_masks[0]
        explicit = self.node.call_kwargs.get("mask")
        if is_keras_tensor(explicit):
            name = self.input_name(explicit)
            return name if str(explicit.dtype) == "bool" else self.cast(name, "bool")
        return self.mask_of(self.node.input_tensors[0])

    @property
    def data_indices(self) -> list[int]:
        """The positions in ``inputs`` of all but a tensor passed as ``mask=``.

        A converter that reads :meth:`sequence_mask` takes its sequence and
        states from these positions (of ``inputs``, ``input_shapes`` and
        ``input_dtypes`` alike).
        """
        if self.node is None:
            return list(range(len(self.inputs)))
        explicit = self.node.call_kwargs.get("mask")
        return [
            index for index, tensor in enumerate(self.node.input_tensors) if tensor is not explicit
        ]

    # ------------------------------------------------------------ adding nodes
    def add(self, op_type: str, inputs: list[str], outputs: int = 1, **attributes):
        """Add an ``op_type`` node on ``inputs``; its output name (a list when ``outputs > 1``)."""
        names = [
            self._builder.unique_name(
                f"{self.path}:{op_type}" + (f":{index}" if outputs > 1 else "")
            )
            for index in range(outputs)
        ]
        self._pending.append(
            {
                "op_type": op_type,
                "inputs": list(inputs),
                "outputs": names,
                "attributes": attributes,
                "path": self.path,
            }
        )
        return names[0] if outputs == 1 else names

    def weight(self, variable, transform: Callable | None = None, tag: str = "") -> str:
        """The initializer of ``variable``, shared by every call that reads it (see the builder)."""
        return self._builder.weight(variable, transform, tag)

    def constant(self, value, dtype: str | None = None, role: str = "constant") -> str:
        """An initializer holding ``value`` (in the layer's dtype unless ``dtype`` is given)."""
        array = np.asarray(value, dtype=dtype or self.dtype)
        return self._builder.initializer(array, f"{self.path}:{role}")

    def int64s(self, values, role: str = "shape") -> str:
        """An int64 vector initializer (shapes, axes, pads given as inputs)."""
        return self.constant(np.asarray(list(values), dtype=np.int64), "int64", role)

    def reduce(self, op_type: str, x: str, axes, keepdims: bool) -> str:
        """``op_type`` (``ReduceMean``, ``ReduceMax``, ...) over ``axes``, as ``opset`` writes it.

        ReduceSum takes its axes as an input from opset 13, the others from 18.
        """
        axes = [int(axis) for axis in axes]
        takes_input = self.opset >= 18 or (op_type == "ReduceSum" and self.opset >= 13)
        if takes_input:
            return self.add(op_type, [x, self.int64s(axes, "axes")], keepdims=int(keepdims))
        return self.add(op_type, [x], axes=axes, keepdims=int(keepdims))

    def unsqueeze(self, x: str, axes) -> str:
        """``x`` with unit axes inserted at ``axes`` (axes as an input, opset 13 on)."""
        return self.add("Unsqueeze", [x, self.int64s(axes, "axes")])

    def cast(self, x: str, dtype: str) -> str:
        """``x`` converted to ``dtype`` (a NumPy dtype name)."""
        element_type = self._builder.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        return self.add("Cast", [x], to=element_type)

    def transpose(self, x: str, permutation) -> str:
        return self.add("Transpose", [x], perm=[int(axis) for axis in permutation])

    # ------------------------------------------------------------ naming
    def finish(self, results: list[str], wanted: list[str]) -> None:
        """Rename ``results`` to ``wanted`` and write the pending nodes with their names."""
        produced = {name for entry in self._pending for name in entry["outputs"]}
        renamed: dict[str, str] = {}
        for result, target in zip(results, wanted, strict=True):
            if result in produced and result not in renamed:
                renamed[result] = target
            else:
                self.add("Identity", [renamed.get(result, result)])
                renamed[self._pending[-1]["outputs"][0]] = target
        counts: dict[tuple, int] = {}
        for entry in self._pending:
            op_type, path = entry["op_type"], entry["path"]
            key = (path, op_type)
            counts[key] = counts.get(key, 0) + 1
            suffix = "" if counts[key] == 1 else f"_{counts[key]}"
            # A sub-call's path already has ``:``; its nodes always say their op.
            single = len(self._pending) == 1 and path == self.path
            name = path if single else f"{path}:{op_type}{suffix}"
            self._builder.add_node(
                op_type,
                [renamed.get(name_in, name_in) for name_in in entry["inputs"]],
                [renamed.get(name_out, name_out) for name_out in entry["outputs"]],
                name,
                **entry["attributes"],
            )
        self._pending = []
