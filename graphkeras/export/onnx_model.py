"""to_onnx: a functional or Sequential model as an ``onnx.ModelProto``, written directly.

No tracer runs: the model's own graph of nodes is walked in execution order
and each node becomes the ONNX nodes its layer's converter adds
(``onnx_registry.py``). Before any node is written the whole graph, nested
models included, is checked, so a model that cannot be exported is refused
with every reason at once:

* a layer with no converter, named by class and name (with the reason,
  for a class registered as refused);
* a call recorded with ``training=True`` (ONNX carries the inference graph);
* a masked input reaching a layer whose result the mask changes, unless its
  converter carries masks and the mask can be written (onnx_masks.py).

Names follow the model: graph inputs and outputs are ``model.input_names``
and ``model.output_names`` (a repeated output name gets ``_2``, ``_3``); a
node's ONNX nodes are named by its path, the layer's name with the nested
models around it before it (``"encoder/block/dense"``), and ``[i]`` after a
layer called more than once in one graph (its node index). A layer that
adds several ONNX nodes names them ``path:OpType``. Nested models are
inlined, not called.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.node import is_keras_tensor
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_graph_builder import OnnxGraphBuilder
from graphkeras.export.onnx_layer_call import OnnxLayerCall
from graphkeras.export.onnx_masks import OnnxMasks, mask_problem
from graphkeras.export.onnx_registry import call_takes_mask, converter_entry, refusal_reason
from graphkeras.export.onnx_requirement import require_onnx
from graphkeras.utils import nest
from graphkeras.version import __version__

DEFAULT_OPSET = 17
"""onnxruntime 1.14 and later, TensorRT 8.6 and OpenVINO 2023 read opset 17."""

MINIMUM_OPSET = 13
"""The first opset whose Squeeze, Unsqueeze and ReduceSum take their axes as an input."""


def to_onnx(model, opset: int | None = None, dynamic_batch: bool = True):
    """``model``'s inference graph as an ``onnx.ModelProto``.

    ``opset`` is the ONNX operator set written (default 17, at least 13).
    With ``dynamic_batch`` the first dimension of every input and output is
    the symbol ``"batch"``; without it, the inputs' fixed batch size (an
    ``Input`` without ``batch_size`` is then an error). Raises
    ``OnnxExportError`` (a ``ValueError``) when the model cannot be written,
    naming each layer at fault, and ``ImportError`` without ``onnx``.
    """
    onnx = require_onnx()
    opset = _checked_opset(onnx, opset)
    if not isinstance(dynamic_batch, bool):
        raise TypeError(
            f"to_onnx: dynamic_batch must be True or False, received {dynamic_batch!r}."
        )
    _check_graph_model(model)
    problems = _refusals(model)
    if problems:
        listed = "\n".join(f"  - {problem}" for problem in problems)
        raise OnnxExportError(
            f"Model '{model.name}' cannot be exported to ONNX; nothing was written:\n{listed}\n"
            "A custom layer can be given a converter with "
            "gk.export.register_onnx_converter(layer_class, converter)."
        )

    builder = OnnxGraphBuilder(onnx, opset)
    graph_inputs = []
    for tensor, name in zip(model.inputs, model.input_names, strict=True):
        builder.reserve(name)
        graph_inputs.append(_value_info(onnx, name, tensor, dynamic_batch, model))
    # Two outputs of one layer share its name in output_names; ONNX needs distinct names.
    output_names = [builder.unique_name(name) for name in model.output_names]
    produced, _ = _write_network(builder, model, list(model.input_names), "", output_names)
    graph_outputs = []
    for tensor, name, result in zip(model.outputs, output_names, produced, strict=True):
        if result != name:
            builder.add_node("Identity", [result], [name], name=f"{name}:output")
        graph_outputs.append(_value_info(onnx, name, tensor, dynamic_batch, model))

    graph = onnx.helper.make_graph(
        builder.nodes, model.name, graph_inputs, graph_outputs, builder.initializers
    )
    proto = onnx.helper.make_model(
        graph,
        producer_name="graphkeras",
        producer_version=__version__,
        opset_imports=[onnx.helper.make_opsetid("", opset)],
    )
    # The lowest IR version that carries this opset, so older runtimes read the file.
    proto.ir_version = min(proto.ir_version, _ir_version_for(onnx, opset))
    return proto


# ---------------------------------------------------------------- checks
def _checked_opset(onnx, opset) -> int:
    if opset is None:
        return DEFAULT_OPSET
    newest = onnx.defs.onnx_opset_version()
    if isinstance(opset, bool) or not isinstance(opset, (int, np.integer)):
        raise TypeError(f"to_onnx: opset must be an int, received {opset!r}.")
    if not MINIMUM_OPSET <= opset <= newest:
        raise ValueError(
            f"to_onnx: opset must be between {MINIMUM_OPSET} and {newest} (the newest this "
            f"onnx package knows), received opset={opset}."
        )
    return int(opset)


def _ir_version_for(onnx, opset: int) -> int:
    for entry in onnx.helper.VERSION_TABLE:
        if entry[2] == opset:
            return entry[1]
    return onnx.IR_VERSION


def _check_graph_model(model) -> None:
    if not getattr(model, "_is_graph_network", False):
        name = getattr(model, "name", type(model).__name__)
        raise OnnxExportError(
            f"to_onnx writes a model's graph of layer calls: a functional model, or a "
            f"Sequential that knows its input shape; received model '{name}' of class "
            f"{type(model).__name__}, which has no graph (a subclassed model, or a Sequential "
            "not yet built). Build it on an Input first."
        )


def _is_nested_graph(layer) -> bool:
    return getattr(layer, "_is_graph_network", False)


def _layer_nodes(network) -> list:
    """The network's nodes in execution order, Input nodes left out."""
    return [node for node in network._execution_order if not node.is_own_node]


def _refusals(model) -> list[str]:
    """Every reason the model cannot be written, each naming the layer, in graph order."""
    problems: list[str] = []
    pending = [(model, "")]
    while pending:
        network, prefix = pending.pop()
        counts = Counter(id(node.outbound_layer) for node in _layer_nodes(network))
        for node in _layer_nodes(network):
            layer = node.outbound_layer
            path = _node_path(prefix, node, counts)
            described = f"{type(layer).__name__} layer '{layer.name}' (node '{path}')"
            masked = any(
                getattr(tensor, "_keras_mask", None) is not None for tensor in node.input_tensors
            )
            if _is_nested_graph(layer):
                if masked:
                    problems.append(
                        f"{described} is called on masked inputs; a mask passed into a nested "
                        "model cannot be carried into ONNX."
                    )
                pending.append((layer, path + "/"))
                continue
            reason = refusal_reason(layer)
            if reason is not None:
                problems.append(f"{described} cannot be exported to ONNX: it {reason}.")
                continue
            entry = converter_entry(layer)
            if entry is None:
                problems.append(f"{described} has no ONNX converter.")
                continue
            if node.arguments.get("training") is True:
                problems.append(
                    f"{described} was called with training=True; ONNX export writes the "
                    "inference graph. Call it without training=True."
                )
            if entry.masks_carried:
                for tensor in node.input_tensors:
                    problem = mask_problem(tensor)
                    if problem is not None:
                        problems.append(
                            f"{described} reads the mask of its input '{tensor.name}', but "
                            f"{problem}."
                        )
                continue
            # Keras files record ``mask: None`` for calls given no mask: only a mask counts.
            given_mask = node.call_kwargs.get("mask") is not None
            if (masked or given_mask) and not entry.masks_ignored:
                if call_takes_mask(layer):
                    problems.append(
                        f"{described} receives a mask that changes its result, which ONNX "
                        "cannot carry; export the model without mask_zero / Masking."
                    )
    return problems


def _node_path(prefix: str, node, counts: Counter) -> str:
    layer = node.outbound_layer
    path = prefix + layer.name
    if counts[id(layer)] > 1:
        path += f"[{node.node_index}]"
    return path


# ---------------------------------------------------------------- writing
def _write_network(
    builder, network, input_names: list[str], prefix: str, wanted: list
) -> tuple[list, OnnxMasks]:
    """Write ``network``'s nodes with its inputs named ``input_names``.

    ``wanted[i]`` (or None) is the name output ``i`` should get: the graph's
    output name at the top, the nested call's output name when inlined.
    Returns the outputs' names and the network's masks (written on request).
    """
    names: dict[int, str] = {}
    paths: dict[int, str] = {}
    masks = OnnxMasks(builder, names, paths)
    input_ids = set()
    for tensor, name in zip(network.inputs, input_names, strict=True):
        names[id(tensor)] = name
        input_ids.add(id(tensor))
    preferred: dict[int, str] = {}
    for tensor, name in zip(network.outputs, wanted, strict=True):
        if name is not None and id(tensor) not in input_ids:
            preferred.setdefault(id(tensor), name)
    nodes = _layer_nodes(network)
    counts = Counter(id(node.outbound_layer) for node in nodes)
    for node in nodes:
        layer = node.outbound_layer
        path = _node_path(prefix, node, counts)
        paths[id(node)] = path
        inputs = [names[id(tensor)] for tensor in node.input_tensors]
        outputs = node.output_tensors
        targets = []
        for index, tensor in enumerate(outputs):
            target = preferred.pop(id(tensor), None)
            if target is None:
                target = builder.unique_name(path if len(outputs) == 1 else f"{path}:{index}")
            targets.append(target)
        if _is_nested_graph(layer):
            results, inner_masks = _write_network(builder, layer, inputs, path + "/", targets)
            for tensor, result, inner in zip(outputs, results, layer.outputs, strict=True):
                names[id(tensor)] = result
                masks.alias(tensor, inner_masks, inner)
            continue
        call = OnnxLayerCall(builder, node, path, inputs, masks)
        _autocast(call)
        results = converter_entry(layer).converter(call)
        results = [results] if isinstance(results, str) else list(results)
        if len(results) != len(outputs):
            raise OnnxExportError(
                f"The ONNX converter of {type(layer).__name__} layer '{layer.name}' returned "
                f"{len(results)} output names; the layer has {len(outputs)} outputs."
            )
        call.finish(results, targets)
        for tensor, target in zip(outputs, targets, strict=True):
            names[id(tensor)] = target
    return [names[id(tensor)] for tensor in network.outputs], masks


def _autocast(call) -> None:
    """Float inputs cast to the layer's dtype, as the engine autocasts them before ``call``."""
    layer, node = call.layer, call.node
    if not getattr(layer, "autocast", False):
        return
    first = node.call_args[0]
    count = sum(1 for leaf in nest.flatten(first) if is_keras_tensor(leaf))
    dtype = str(layer.compute_dtype)
    for index in range(count):
        current = call.input_dtypes[index]
        if current != dtype and K.is_float_dtype(current):
            call.inputs[index] = call.cast(call.inputs[index], dtype)
            call.input_dtypes[index] = dtype


def _value_info(onnx, name: str, tensor, dynamic_batch: bool, model):
    """The typed, shaped description of a graph input or output."""
    shape = list(tensor.shape)
    dims: list = []
    for axis, size in enumerate(shape):
        if axis == 0 and dynamic_batch:
            dims.append("batch")
        elif size is None:
            if axis == 0:
                raise OnnxExportError(
                    f"to_onnx(dynamic_batch=False) needs a fixed batch size, but '{name}' of "
                    f"model '{model.name}' has shape {tuple(shape)}; give the Input a "
                    "batch_size, or export with dynamic_batch=True."
                )
            dims.append(f"{name}_dim{axis}")
        else:
            dims.append(int(size))
    element_type = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(str(tensor.dtype)))
    return onnx.helper.make_tensor_value_info(name, element_type, dims)
