"""Sequential: a linear stack of layers, kept as a functional Model.

Each ``add`` calls the new layer on the current output tensor, so once the
input shape is known (an ``Input``, ``input_shape=`` on the first layer, or a
built model as first layer) the stack is a functional graph like any other.
Without an input shape the layers wait, and the graph is made on the first
call, ``fit``, ``evaluate``, ``predict`` or ``build(input_shape)``.

As in Keras 3, a stack whose first layer takes several inputs (a list or a
dict, as a ``Concatenate`` does) makes no graph: called on such inputs it
runs its layers one after the other, like a subclassed model, and has no
``inputs`` or ``outputs``.

Mapping the graph costs time linear in its size, so it is not redone on
every ``add``: the graph attributes are dropped and rebuilt on first use
(see :meth:`Sequential.__getattr__`), which keeps building a long stack
linear.
"""

from __future__ import annotations

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.call_signature import call_signature
from graphkeras.engine.input_layer import Input, InputLayer
from graphkeras.engine.layer_registry import deserialize_layer, register_layer, serialize_layer
from graphkeras.engine.layer_scopes import layer_scope
from graphkeras.engine.node import Node, is_keras_tensor
from graphkeras.engine.training import Model
from graphkeras.utils import nest

# Attributes that Network._init_graph sets; dropped while the stack changes.
_GRAPH_ATTRIBUTES = frozenset(
    {
        "_inputs_struct",
        "_outputs_struct",
        "inputs",
        "outputs",
        "_input_keys",
        "_output_keys",
        "_input_layers",
        "_output_layers",
        "_input_coordinates",
        "_output_coordinates",
        "input_names",
        "output_names",
        "_graph",
        "_network_nodes",
        "_nodes_by_depth",
        "_layers_by_depth",
        "_layers",
        "_plan",
        "_input_specs",
        "_execution_order",
        "_node_depths",
    }
)

# Public views of the graph: asked for before there is one, they say why.
_GRAPH_VIEWS = frozenset(
    {"inputs", "outputs", "input", "output", "input_shape", "output_shape"}
    | {"input_names", "output_names", "input_mask", "output_mask"}
)


class NotALayerError(TypeError, ValueError):
    """Something other than a layer given to a Sequential model.

    Keras 3 raises ``ValueError`` here and Keras 2 ``TypeError``; this is
    both, so code written for either catches it.
    """


@register_layer
class Sequential(Model):
    """``Sequential([layer, ...])``: each layer feeds the next; ``add`` and ``pop`` edit it."""

    def __init__(self, layers=None, name: str | None = None, trainable: bool = True) -> None:
        Layer.__init__(self, name=name, trainable=trainable)
        self._is_graph_network = False
        self._stack: list = []
        self._stack_input = None
        self._stack_output = None
        self._graph_stale = False
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------ the stack
    def add(self, layer) -> None:
        """Append ``layer`` (or an ``Input`` tensor as the very first entry)."""
        if is_keras_tensor(layer) and isinstance(layer._keras_history.layer, InputLayer):
            layer = layer._keras_history.layer
        if not isinstance(layer, Layer):
            raise NotALayerError(
                f"Sequential '{self.name}' can only add layers; received {layer!r} "
                f"({type(layer).__name__})."
            )
        if isinstance(layer, InputLayer):
            if self._stack or self._stack_input is not None:
                raise ValueError(
                    f"Sequential '{self.name}': an InputLayer can only be the first layer."
                )
            self._stack_input = self._stack_output = layer._inbound_nodes[0].output_tensors[0]
            self._mark_stale()
            return
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(
                f"Sequential '{self.name}' already has a layer named '{layer.name}'; "
                "all layer names should be unique."
            )
        if self._stack_output is None and not self._stack:
            self._stack_input = _first_input(layer)
            self._stack_output = self._stack_input
        if self._stack_output is not None:
            # Built inside the model's name scope: "<model>/<layer>/kernel", as Keras 3.
            with layer_scope(self):
                self._stack_output = _call_single_output(layer, self._stack_output, self.name)
            self._mark_stale()
        self._stack.append(layer)

    def pop(self):
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError(f"Sequential '{self.name}' has no layers to pop.")
        layer = self._stack.pop()
        if self._stack_output is not None:
            node = self._stack_output.node
            self._stack_output = node.input_tensors[0]
            _detach(node)
            self._mark_stale()
        return layer

    def _mark_stale(self) -> None:
        for attribute in _GRAPH_ATTRIBUTES:
            self.__dict__.pop(attribute, None)
        self._is_graph_network = True
        self.built = True
        self._graph_stale = True
        # Node 0 links the stack's input to its output from the moment it is built,
        # so node indices (and get_output_at(0)) never wait for the graph rebuild.
        nodes = self._inbound_nodes
        if nodes and nodes[0].is_own_node:
            own = nodes[0]
            own.call_args = ([self._stack_input],)
            own.outputs = [self._stack_output]
        elif not nodes:
            Node.own(self, [self._stack_input], [self._stack_output])

    def __getattr__(self, name: str):
        """Rebuild the graph on first use after the stack changed (see module docstring)."""
        if name in _GRAPH_ATTRIBUTES and self.__dict__.get("_graph_stale"):
            self._graph_stale = False
            self._init_graph(self._stack_input, self._stack_output)
            return self.__dict__[name]
        if name in _GRAPH_VIEWS:
            raise AttributeError(
                f"Sequential model '{self.name}' has no defined {name} yet: it makes its "
                "graph on its first call, fit or build(input_shape), or from an input shape "
                "on its first layer (a first layer that takes several inputs makes none)."
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def build(self, input_shape=None) -> None:
        """Create the graph for inputs of ``input_shape`` (batch dim included).

        Several shapes (a list or dict of them) make no graph, as in Keras 3:
        the model is marked built and runs its layers in sequence when called.
        """
        if self._stack_output is not None:
            return
        if input_shape is None:
            raise ValueError(f"Sequential '{self.name}' needs an input shape to build.")
        if not self._stack:
            raise ValueError(f"Sequential '{self.name}' has no layers to build.")
        if _is_several_shapes(input_shape):
            self.built = True
            return
        tensor = Input(batch_shape=tuple(input_shape), dtype=self._stack[0].dtype)
        pending, self._stack = self._stack, []
        self._stack_input = self._stack_output = tensor
        try:
            for layer in pending:
                self.add(layer)
        except BaseException:
            if self._inbound_nodes and self._inbound_nodes[0].is_own_node:
                del self._inbound_nodes[0]
            self._stack, self._stack_input, self._stack_output = pending, None, None
            self._is_graph_network = False
            self.built = False
            raise

    def _build_with_rollback(self, call: CallArguments, snapshot: tuple | None = None) -> None:
        """Build on the first call from the inputs' shape, leaving the batch size open.

        Several inputs (a list or dict of them) build no graph (see :meth:`build`).
        """
        inputs = call.inputs
        value = inputs[0] if isinstance(inputs, (list, tuple)) and len(inputs) == 1 else inputs
        for leaf in nest.flatten(value):
            if not hasattr(leaf, "shape"):
                raise ValueError(
                    f"Sequential '{self.name}' builds from arrays or tensors (one, or a list "
                    f"or dict of them); received {type(leaf).__name__} {leaf!r:.80}."
                )
        if nest.is_nested(value):
            self.build(nest.map_structure(lambda leaf: (None, *leaf.shape[1:]), value))
            return
        self.build((None, *value.shape[1:]))

    def call(self, inputs, training=None, mask=None):
        """Run the graph; without one (several inputs), each layer in turn (Keras 3)."""
        if self._is_graph_network:
            return super().call(inputs, training=training, mask=mask)
        for layer in self._stack:
            _, accepts_mask = call_signature(type(layer).call)
            keywords = {} if training is None else {"training": training}
            if accepts_mask and mask is not None:
                keywords["mask"] = mask
            outputs = layer(inputs, **keywords)
            mask = layer.compute_mask(inputs, mask)
            inputs = outputs
        return inputs

    def _callable_plan(self):
        """The graph's plan, for an enclosing plan to run in place (see ``Network``)."""
        if not self._is_graph_network or type(self).call is not Sequential.call:
            return None
        return self._plan

    @property
    def layers(self) -> list:
        """The stacked layers (the InputLayer excluded)."""
        return list(self._stack)

    # --------------------------------------------------------------- config
    def get_config(self) -> dict:
        layers = []
        if self._stack_input is not None:
            layers.append(serialize_layer(self._stack_input._keras_history.layer))
        layers.extend(serialize_layer(layer) for layer in self._stack)
        config = {"name": self.name, "trainable": self.trainable, "layers": layers}
        if self._stack_input is not None:
            config["build_input_shape"] = list(self._stack_input.shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects: dict | None = None):
        """Rebuild from :meth:`get_config` (a plain list of layer configs also works)."""
        if isinstance(config, list):
            config = {"layers": config}
        model = cls(name=config.get("name"))
        for layer_config in config.get("layers", []):
            model.add(deserialize_layer(layer_config, custom_objects))
        if model._stack_output is None and config.get("build_input_shape") is not None:
            model.build(tuple(config["build_input_shape"]))
        if config.get("trainable") is False:
            model.trainable = False
        return model


def _is_several_shapes(input_shape) -> bool:
    """Whether ``input_shape`` is a dict, or a list or tuple of shapes, not one shape."""
    if isinstance(input_shape, dict):
        return True
    return isinstance(input_shape, (list, tuple)) and any(
        isinstance(dim, (list, tuple, dict)) for dim in input_shape
    )


def _first_input(layer):
    """An Input for the first layer when its input shape is known, else None."""
    if getattr(layer, "_is_graph_network", False) and layer.built:
        if len(layer.inputs) != 1:
            raise ValueError(
                f"A model used as the first layer of a Sequential must have one input; "
                f"'{layer.name}' has {len(layer.inputs)}."
            )
        source = layer.inputs[0]
        return Input(batch_shape=source.shape, dtype=source.dtype)
    batch_shape = getattr(layer, "_batch_input_shape", None)
    if batch_shape is not None:
        return Input(batch_shape=batch_shape, dtype=layer.dtype)
    return None


def _call_single_output(layer, tensor, model_name: str):
    """``layer(tensor)``, refusing (and undoing) a call with several outputs."""
    output = layer(tensor)
    if not is_keras_tensor(output):
        _detach(layer._inbound_nodes[-1])
        raise ValueError(
            f"All layers in Sequential '{model_name}' must have a single output tensor; "
            f"layer '{layer.name}' returns {len(nest.flatten(output))}."
        )
    return output


def _detach(node) -> None:
    """Remove a layer's last node from the graph it was linked into."""
    layer = node.outbound_layer
    if layer._inbound_nodes and layer._inbound_nodes[-1] is node:
        layer._inbound_nodes.pop()
    for tensor in node.input_tensors:
        outbound = tensor._keras_history.layer._outbound_nodes
        for index in range(len(outbound) - 1, -1, -1):
            if outbound[index] is node:
                del outbound[index]
                break
