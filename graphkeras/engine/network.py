"""Network: a directed acyclic graph of layers that is itself a layer.

``Network(inputs, outputs)`` maps the graph between the given tensors once
(``graph_mapping.py``), checks it, compiles it into an execution plan
(``execution_plan.py``) and holds node 0 of its own, linking its inputs to its
outputs. Calling it on arrays runs the plan; calling it on KerasTensors
records one node on the network, so a model nests inside another like any
layer. Its configuration (``network_config.py``), summary (``summary.py``) and
weight files (``graphkeras.saving``, reached through ``model_files.py``) each
live in their own module.
"""

from __future__ import annotations

import json
import os

import networkx as nx

from graphkeras import backend as K
from graphkeras.engine import call_context
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.compiled_steps import (
    CompiledSteps,
    backend_compiles,
    model_state_variables,
    tape_is_recording,
)
from graphkeras.engine.execution_plan import ExecutionPlan
from graphkeras.engine.graph_mapping import map_graph
from graphkeras.engine.input_layer import InputLayer
from graphkeras.engine.input_spec import InputSpec, assert_input_compatibility
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import deserialize_layer, register_layer
from graphkeras.engine.model_files import model_files, model_from_pickled_bytes
from graphkeras.engine.network_config import network_to_config, rebuild_graph
from graphkeras.engine.node import Node, is_keras_tensor
from graphkeras.engine.probing import is_probing, probe
from graphkeras.engine.summary import print_summary
from graphkeras.engine.summary_html import SummaryHTML
from graphkeras.utils import nest
from graphkeras.utils.gc_pause import gc_paused
from graphkeras.utils.plot_model import notebook_svg
from graphkeras.utils.tracing import is_tracing


@register_layer
class Network(Layer):
    """A graph of layers from ``inputs`` to ``outputs``, usable as one layer.

    ``inputs`` and ``outputs`` are a KerasTensor, a list or tuple of them, or
    a dict of them; calling the network returns the same structure as
    ``outputs`` (a one-element list acts as a single output, as in Keras).
    """

    autocast = False

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs) -> None:
        if inputs is None and outputs is None:
            # A subclassed network: the user's ``call`` is its graph.
            super().__init__(name=name, **kwargs)
            self._is_graph_network = False
            return
        if inputs is None or outputs is None:
            raise ValueError(
                "A functional model needs both inputs and outputs; received "
                f"inputs={inputs!r} and outputs={outputs!r}."
            )
        flat_inputs, flat_outputs = _validated_endpoints(inputs, outputs)
        with gc_paused():
            graph_map = map_graph(flat_inputs, flat_outputs)
            super().__init__(name=name, **kwargs)
            self._init_graph(inputs, outputs, graph_map)

    def _init_graph(self, inputs, outputs, graph_map=None) -> None:
        """Map the graph from ``inputs`` to ``outputs`` and set every graph attribute.

        Also creates node 0 (or updates it, when a Sequential grows).
        """
        flat_inputs, flat_outputs = _validated_endpoints(inputs, outputs)
        if graph_map is None:
            graph_map = map_graph(flat_inputs, flat_outputs)
        self._is_graph_network = True
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = flat_inputs
        self.outputs = flat_outputs
        self._input_keys = sorted(inputs) if isinstance(inputs, dict) else None
        self._output_keys = sorted(outputs) if isinstance(outputs, dict) else None
        self._input_layers = [tensor._keras_history.layer for tensor in flat_inputs]
        self._output_layers = [tensor._keras_history.layer for tensor in flat_outputs]
        self._input_coordinates = [tuple(tensor._keras_history) for tensor in flat_inputs]
        self._output_coordinates = [tuple(tensor._keras_history) for tensor in flat_outputs]
        self.input_names = list(self._input_keys or (layer.name for layer in self._input_layers))
        self.output_names = list(self._output_keys or (layer.name for layer in self._output_layers))
        self._graph: nx.DiGraph = graph_map.graph
        self._network_nodes = set(graph_map.graph.nodes)
        self._execution_order = graph_map.execution_order
        self._node_depths = graph_map.node_depths
        self._nodes_by_depth = graph_map.nodes_by_depth
        self._layers_by_depth = graph_map.layers_by_depth
        self._layers = graph_map.layers
        self._plan = ExecutionPlan(graph_map, flat_inputs, flat_outputs, name=self.name)
        # As in Keras 3, the batch size of an Input does not bind calls.
        self._input_specs = [
            InputSpec(
                shape=(None, *tensor.shape[1:]),
                name=name,
                optional=getattr(layer, "optional", False),
            )
            for tensor, layer, name in zip(
                flat_inputs, self._input_layers, self.input_names, strict=True
            )
        ]
        self.built = True
        self._build_input_shape = [tensor.shape for tensor in flat_inputs]
        if self._inbound_nodes and self._inbound_nodes[0].is_own_node:
            own = self._inbound_nodes[0]
            own.call_args = (list(flat_inputs),)
            own.outputs = flat_outputs
        else:
            Node.own(self, flat_inputs, flat_outputs)

    # -------------------------------------------------------------- structure
    @property
    def layers(self) -> list:
        """The layers by decreasing depth (inputs first), ties in creation order."""
        return list(self._layers) if self._is_graph_network else self._sublayers()

    def _sublayers(self) -> list:
        if self._is_graph_network:
            return list(self._layers)
        return super()._sublayers()

    def get_layer(self, name: str | None = None, index: int | None = None):
        """The layer called ``name``, or at position ``index`` of ``layers``."""
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model '{self.name}' "
                    f"only has {len(layers)} layers."
                )
            return layers[index]
        if name is None:
            raise ValueError("get_layer needs a name or an index; received neither.")
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name!r} in model '{self.name}'. "
            f"Existing layers are: {[layer.name for layer in layers]}."
        )

    @property
    def input(self):
        self._require_graph("input")
        return self._inputs_struct

    @property
    def output(self):
        self._require_graph("output")
        return self._outputs_struct

    @property
    def input_shape(self):
        if not self._is_graph_network:
            return super().input_shape  # from the calls recorded on it, as any layer's
        return nest.map_structure(lambda tensor: tensor.shape, self._inputs_struct)

    @property
    def output_shape(self):
        if not self._is_graph_network:
            return super().output_shape
        return nest.map_structure(lambda tensor: tensor.shape, self._outputs_struct)

    @property
    def input_mask(self):
        self._require_graph("input_mask")
        masks = [tensor._keras_mask for tensor in self.inputs]
        return masks[0] if len(masks) == 1 else masks

    @property
    def output_mask(self):
        self._require_graph("output_mask")
        masks = [tensor._keras_mask for tensor in self.outputs]
        return masks[0] if len(masks) == 1 else masks

    def _require_graph(self, what: str) -> None:
        if not getattr(self, "_is_graph_network", False):
            raise AttributeError(
                f"Model '{self.name}' is subclassed (no inputs and outputs were given), "
                f"so it has no {what}."
            )

    # ---------------------------------------------------------------- calling
    @property
    def accepts_text(self) -> bool:
        """Whether some Input of this network is declared ``dtype="string"``."""
        return any(tensor.dtype == "string" for tensor in getattr(self, "inputs", None) or ())

    def _convert_inputs(self, call):
        # ``call`` converts each input to its Input's dtype itself.
        return call.inputs

    def call(self, inputs, training=None, mask=None):
        """Run the graph on arrays; returns arrays in the structure of ``outputs``."""
        values, masks = self._call_values(inputs, mask)
        if backend_compiles() and self._compiles_calls():
            outputs, output_masks = self._compiled_run(values, training, masks)
        elif training is None:
            outputs, output_masks = self._plan.run(values, None, masks)
        else:
            with call_context.training_scope(training):
                outputs, output_masks = self._plan.run(values, training, masks)
        if output_masks is not None:
            outputs = [
                K.with_keras_mask(output, output_mask)
                if output_mask is not None and K.is_tensor(output)
                else output
                for output, output_mask in zip(outputs, output_masks, strict=True)
            ]
        return self._pack_outputs(outputs)

    def _compiles_calls(self) -> bool:
        """Whether ``model(x)`` runs compiled now: not op by op, not traced, not taped, not probed.

        A recording ``K.GradientTape`` must see every op, so a call under one
        runs op by op; so does a call inside a step already being compiled.
        """
        return (
            getattr(self, "_jit_compile", "auto") is not False
            and not getattr(self, "_run_eagerly", False)
            and not is_tracing()
            and not is_probing()
            and not tape_is_recording()
        )

    def _compiled_run(self, values: list, training, masks):
        """``self._plan.run`` as one compiled program of the Variables' values (JAX)."""
        if training is None:
            training = call_context.current_training()
        if getattr(self, "_compiled_steps", None) is None:
            self._compiled_steps = CompiledSteps(self)

        kind = f"call(training={training})"
        holders = self.__dict__.setdefault("_compiled_call_loss_holders", {})

        def run(arguments):
            inputs, input_masks = arguments
            if training is None:
                result = self._plan.run(inputs, None, input_masks)
            else:
                with call_context.training_scope(training):
                    result = self._plan.run(inputs, training, input_masks)
            # The losses add_loss recorded are tracers here: the program
            # returns their values, put back on their layers after each run
            # (and taken off now, for a run op by op adds them itself).
            layers = [layer for layer in (self, *self._all_sublayers()) if layer._losses]
            holders[kind] = [(layer, [key for _, key in layer._losses]) for layer in layers]
            losses = [
                [loss() if callable(loss) else loss for loss, _ in layer._losses]
                for layer in layers
            ]
            self._clear_losses(layers)
            return result, losses

        result, losses = self._compiled_steps.run(
            kind,
            run,
            [(values, masks)],
            lambda: model_state_variables(self, with_metrics=False, with_optimizer=False),
        )
        for (layer, keys), values_of_layer in zip(holders.get(kind, ()), losses, strict=True):
            layer._add_recorded_losses(list(zip(values_of_layer, keys, strict=True)))
        return result

    def _attach_eager_masks(self, inputs, outputs, previous_mask):
        """The outputs as they are: :meth:`call` gave them the masks its run computed."""
        return outputs

    def _call_values(self, inputs, mask) -> tuple[list, list | None]:
        """One array per input, in the Input's dtype and checked, and the flat masks (or None).

        What ``call`` does before running the plan; an enclosing plan that runs
        this network in place does the same through it.
        """
        masks = None if mask is None else self._flatten_masks(mask)
        if K.is_tensor(inputs) and len(self.inputs) == 1:
            # One array for one input, the common case (and a nested model's each
            # run), checked without flattening anything.
            if inputs.dtype != self.inputs[0].dtype:
                inputs = K.convert_to_tensor(inputs, dtype=self.inputs[0].dtype)
            assert_input_compatibility(self._input_specs[0], inputs, self.name)
            return [inputs], masks
        values = self._input_arrays(self._flatten_inputs(inputs))
        assert_input_compatibility(self._input_specs, values, self.name)
        return values, masks

    def _input_arrays(self, values: list) -> list:
        """Each input value as an array of its Input's dtype; None stays None (optional inputs)."""
        return [
            value
            if value is None or (K.is_tensor(value) and value.dtype == tensor.dtype)
            else K.convert_to_tensor(value, dtype=tensor.dtype)
            for value, tensor in zip(values, self.inputs, strict=True)
        ]

    def _callable_plan(self) -> ExecutionPlan | None:
        """The plan that calling this network runs, for an enclosing plan to run in place.

        None when calling it means more than running its plan: a subclassed
        network, or one whose class writes its own ``call``.
        """
        if not self._is_graph_network or type(self).call is not Network.call:
            return None
        return self._plan

    def compute_output_spec(self, inputs, training=None, mask=None):
        """Output KerasTensors (detached) for inputs of these shapes, masks included.

        Inputs like the network's own (see :meth:`_recorded_output_specs`)
        get copies of the outputs recorded when it was built; others are
        inferred through the plan.
        """
        if not self._is_graph_network:
            # No graph to follow (a subclassed model): its ``call`` runs on probe arrays.
            keywords = {"training": training, "mask": mask}
            keywords = {key: value for key, value in keywords.items() if value is not None}
            outputs, _ = probe(self, CallArguments(inputs, (), keywords), want_masks=False)
            return outputs
        specs = self._call_specs(inputs, mask)
        outputs = self._recorded_output_specs(specs)
        if outputs is None:
            outputs = self._plan.infer(specs)
        return self._pack_outputs(outputs)

    def _call_specs(self, inputs, mask) -> list:
        """One detached spec per input, checked, carrying the given mask or the input's own."""
        flat = self._flatten_inputs(inputs)
        assert_input_compatibility(self._input_specs, flat, self.name)
        missing = [
            name for name, value in zip(self.input_names, flat, strict=True) if value is None
        ]
        if missing:
            raise ValueError(
                f"Model '{self.name}' was called on KerasTensors with None for {missing}; "
                "None (for an optional input) works only when the model runs on arrays."
            )
        masks = self._flatten_masks(mask) if mask is not None else [None] * len(flat)
        specs = []
        for tensor, given_mask in zip(flat, masks, strict=True):
            spec = KerasTensor(tensor.shape, dtype=tensor.dtype)
            spec._keras_mask = given_mask if given_mask is not None else tensor._keras_mask
            specs.append(spec)
        return specs

    def _recorded_output_specs(self, specs: list) -> list | None:
        """Detached copies of the outputs recorded at build time, if ``specs`` match the inputs.

        Building the network inferred its outputs from its own inputs once.
        Specs of the same shapes and dtypes, neither side masked, give the
        same outputs again, so a symbolic call costs the size of the
        network's ends rather than of everything nested inside it, and a
        model nested N deep builds in time linear in N. Otherwise None.
        """
        for spec, own in zip(specs, self.inputs, strict=True):
            if (
                spec.shape != own.shape
                or spec.dtype != own.dtype
                or spec._keras_mask is not None
                or own._keras_mask is not None
            ):
                return None
        return [_detached(tensor) for tensor in self.outputs]

    def _output_masks(self, call, output_tensors: list) -> list:
        """The masks :meth:`compute_output_spec` attached to the outputs: no probing."""
        if (
            self._is_graph_network
            and type(self).compute_output_spec is Network.compute_output_spec
            and type(self).compute_mask is Network.compute_mask
        ):
            return [tensor._keras_mask for tensor in output_tensors]
        return super()._output_masks(call, output_tensors)

    def compute_output_shape(self, input_shape):
        """Output shape(s) for inputs of ``input_shape`` (a shape, list or dict of shapes)."""
        if isinstance(input_shape, dict):
            specs = {key: KerasTensor(shape) for key, shape in input_shape.items()}
        elif input_shape and all(isinstance(s, (tuple, list)) for s in input_shape):
            specs = [KerasTensor(shape) for shape in input_shape]
        else:
            specs = KerasTensor(input_shape)
        outputs = self.compute_output_spec(specs)
        return nest.map_structure(lambda tensor: tensor.shape, outputs)

    def compute_mask(self, inputs, mask=None):
        """Output masks: symbolic ones for KerasTensors, computed ones for arrays."""
        if not self._is_graph_network:
            return None
        flat = self._flatten_inputs(inputs)
        if all(is_keras_tensor(value) for value in flat):
            outputs = nest.flatten(self.compute_output_spec(inputs, mask=mask))
            masks = [tensor._keras_mask for tensor in outputs]
        else:
            input_masks = None if mask is None else self._flatten_masks(mask)
            values = [K.convert_to_tensor(v) for v in flat]
            with self._forward_pass():
                _, masks = self._plan.run(values, None, input_masks)
            masks = masks if masks is not None else [None] * len(self.outputs)
        return masks[0] if len(masks) == 1 else masks

    def _flatten_inputs(self, inputs) -> list:
        """One value per model input, from a single value, a list, or a dict by name."""
        expected = len(self.inputs)
        if isinstance(inputs, dict):
            names = self._input_keys or self.input_names
            missing = [name for name in names if name not in inputs]
            extra = [key for key in inputs if key not in names]
            if missing or extra:
                raise ValueError(
                    f"Model '{self.name}' expects inputs named {names}; received keys "
                    f"{sorted(inputs)} (missing {missing}, unexpected {extra})."
                )
            return [inputs[name] for name in names]
        if isinstance(inputs, (list, tuple)) and not (expected == 1 and _is_raw_data(inputs)):
            if len(inputs) != expected:
                raise ValueError(
                    f"Model '{self.name}' expects {expected} input(s), "
                    f"but it received {len(inputs)}."
                )
            return list(inputs)
        if expected != 1:
            raise ValueError(
                f"Model '{self.name}' expects {expected} inputs (a list or a dict keyed by "
                f"{self.input_names}), but it received a single value."
            )
        return [inputs]

    def _flatten_masks(self, mask) -> list:
        if isinstance(mask, dict):
            names = self._input_keys or self.input_names
            return [mask.get(name) for name in names]
        if isinstance(mask, (list, tuple)):
            return list(mask)
        return [mask]

    def _pack_outputs(self, flat_outputs: list):
        structure = self._outputs_struct
        if isinstance(structure, dict):
            return dict(zip(self._output_keys, flat_outputs, strict=True))
        if len(flat_outputs) == 1:
            return flat_outputs[0]
        return list(flat_outputs) if isinstance(structure, list) else tuple(flat_outputs)

    # ------------------------------------------------------------ file formats
    def get_config(self) -> dict:
        """The graph as data: layers, their inbound nodes, inputs and outputs (Keras 2.2 form)."""
        if not self._is_graph_network:
            return super().get_config()
        return network_to_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None):
        """Rebuild a functional network, its shared and nested layers node by node."""
        if "layers" not in config:
            return super().from_config(config)
        inputs, outputs = rebuild_graph(config, custom_objects)
        # Given to the constructor, not set afterwards: the layers keep the flags
        # their own configs hold, so the config comes back as it was.
        trainable = config.get("trainable") is not False
        return cls(inputs=inputs, outputs=outputs, name=config.get("name"), trainable=trainable)

    def to_json(self, **kwargs) -> str:
        """The model config as JSON (``json.dumps`` keywords such as ``indent`` pass through)."""
        payload = {
            "class_name": type(self).__name__,
            "config": self.get_config(),
            "backend": K.backend(),
        }
        return json.dumps(payload, default=_json_default, **kwargs)

    def summary(
        self,
        line_length: int | None = None,
        positions: list | None = None,
        print_fn=None,
        expand_nested: bool = False,
        show_trainable: bool = False,
        show_nodes: bool = False,
    ) -> None:
        """Print a table of the layers: name (type), output shape, parameters, inputs.

        ``show_nodes=True`` adds the node table: every call, in execution order.
        """
        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            show_nodes=show_nodes,
        )

    def summary_html(
        self, expand_nested: bool = False, show_trainable: bool = False, show_nodes: bool = False
    ) -> SummaryHTML:
        """The summary as an object Jupyter shows as an HTML table (``str()`` gives the text).

        A method returning its own object, not ``_repr_html_`` on the model:
        Jupyter prefers HTML to SVG, so that would hide the model's drawing.
        """
        return SummaryHTML(
            self,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            show_nodes=show_nodes,
        )

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a model as its layer graph (``plot_model``'s SVG).

        ``None`` (the text repr) for a model without a graph of layers and
        above ``NOTEBOOK_LAYER_LIMIT`` (500) layers; ``plot_model`` draws any size.
        """
        return notebook_svg(self)

    def __reduce__(self):
        """Pickle a functional or Sequential model as the bytes of a model file (as Keras 3).

        The execution plan holds closures that ``pickle`` cannot carry, and a
        model file is the representation that is already kept working: its
        config, weights, compile arguments and optimizer state come back.
        """
        if not getattr(self, "_is_graph_network", False):
            return super().__reduce__()
        return (model_from_pickled_bytes, (model_files().model_to_bytes(self),))

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """Write every weight to ``filepath``, atomically (an ``.npz`` file unless a
        registered format claims the name; see ``gk.saving.save_weights``)."""
        model_files().save_weights(self, filepath, overwrite=overwrite)

    def load_weights(
        self, filepath: str | os.PathLike, by_name: bool = False, skip_mismatch: bool = False
    ) -> None:
        """Read weights written by :meth:`save_weights`; a mismatch changes nothing."""
        model_files().load_weights(self, filepath, by_name=by_name, skip_mismatch=skip_mismatch)


def _validated_endpoints(inputs, outputs) -> tuple[list, list]:
    """Flat lists of the model's inputs and outputs, after the construction checks."""
    flat_inputs = nest.flatten(inputs)
    for index, tensor in enumerate(flat_inputs):
        if not is_keras_tensor(tensor):
            raise ValueError(
                f"Model inputs must be Input tensors (from gk.Input); input {index} is a "
                f"{type(tensor).__name__}: {tensor!r}."
            )
        layer = tensor._keras_history.layer
        if not isinstance(layer, InputLayer):
            raise ValueError(
                f"Model inputs must be Input tensors (from gk.Input); input {index} "
                f"({tensor.name}) is an output of layer '{layer.name}'."
            )
    for index, tensor in enumerate(flat_inputs):
        for other in flat_inputs[:index]:
            if other is tensor:
                raise ValueError(
                    f"The same input tensor {tensor.name} is given twice as a model input "
                    f"(at positions {flat_inputs.index(tensor)} and {index})."
                )
    flat_outputs = nest.flatten(outputs)
    for index, tensor in enumerate(flat_outputs):
        if not is_keras_tensor(tensor):
            raise ValueError(
                f"Model outputs must be KerasTensors; output {index} is a "
                f"{type(tensor).__name__}: {tensor!r}."
            )
    return flat_inputs, flat_outputs


def _detached(tensor: KerasTensor) -> KerasTensor:
    """A fresh spec of ``tensor``'s shape and dtype, with a fresh copy of its mask."""
    mask = tensor._keras_mask
    if mask is not None:
        mask = KerasTensor(mask.shape, dtype=mask.dtype)
    return KerasTensor(tensor.shape, dtype=tensor.dtype, mask=mask)


def _is_raw_data(sequence) -> bool:
    """Whether a list is one input's data (numbers, nested lists), not a list of arrays."""
    return not all(hasattr(item, "shape") for item in sequence)


def _json_default(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """Rebuild a model from :meth:`Network.to_json` output."""
    try:
        payload = json.loads(json_string)
    except json.JSONDecodeError as error:
        raise ValueError(f"model_from_json: the text is not valid JSON ({error}).") from error
    return model_from_config(payload, custom_objects=custom_objects)


def model_from_config(config: dict, custom_objects: dict | None = None):
    """Rebuild a model (or layer) from ``{"class_name", "config"}``."""
    return deserialize_layer(config, custom_objects)
