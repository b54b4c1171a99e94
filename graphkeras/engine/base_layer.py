"""Layer: the unit of computation, and the place where graph nodes are recorded.

A layer is called two ways, and ``__call__`` tells them apart:

* on KerasTensors (symbolic): it checks ``input_spec``, builds its weights
  once from the shapes it sees, infers the output shapes and masks, records
  one :class:`Node`, and returns new KerasTensors. No numbers move.
* on arrays (eager): it builds once, runs ``call`` and returns arrays,
  passing on masks as Keras 3 does: the masks the input arrays carry reach
  ``call``, and the outputs carry the output mask (``K.get_keras_mask``).

A subclass writes ``build(input_shape)`` (create weights with
``add_weight``) and ``call(inputs)`` (math through ``graphkeras.backend``).
``compute_output_shape`` is optional: without it the engine runs ``call``
on two tiny probe arrays and reads the output shapes off them.

``__call__`` flattens its arguments once, into a :class:`CallArguments`
(``call_arguments.py``), and every later step reads those leaves. What a
``call`` accepts is read from its signature in ``call_signature.py``;
shape and mask inference by probing lives in ``probing.py``.
"""

from __future__ import annotations

import inspect
import itertools
import json
import types
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras import constraints, initializers, regularizers
from graphkeras.engine import build_limits, call_context, distribution_state
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.call_signature import (
    argument_mask_parameters,
    call_signature,
    check_call_arguments,
    fill_argument_masks,
)
from graphkeras.engine.concrete_evaluation import concrete_evaluation
from graphkeras.engine.input_spec import assert_input_compatibility
from graphkeras.engine.keras_tensor import specs_from_shapes
from graphkeras.engine.layer_scopes import layer_scope, scoped_build
from graphkeras.engine.node import Node, is_keras_tensor
from graphkeras.engine.probing import is_probing, probe
from graphkeras.engine.stateless_execution import seed_state_variables, stateless_call
from graphkeras.utils import nest
from graphkeras.utils.naming import to_snake_case, unique_name

# Installed by engine/mask_of.py: turns symbolic masks passed as arguments
# (``layer(x, mask=y._keras_mask)``) into graph tensors.
_mask_connector = None


def set_mask_connector(connector: Callable[[CallArguments], CallArguments]) -> None:
    """Install ``connector(call) -> call`` (see engine/mask_of.py)."""
    global _mask_connector
    _mask_connector = connector


# Layers are ordered by creation when their depth in a model ties.
_creation_counter = itertools.count()

_BASE_KEYWORDS = ("input_shape", "batch_input_shape", "batch_size", "input_dim", "batch_shape")


# Attribute types that never hold a layer (checked before the general case).
_PLAIN_ATTRIBUTE_TYPES = frozenset({str, bool, int, float, type(None), types.FunctionType})


# The layers whose ``_losses`` hold something, so that a forward pass that
# finds none (most calls) skips walking the model to clear them.
_LAYERS_HOLDING_LOSSES: weakref.WeakSet = weakref.WeakSet()


class Layer:
    """The base class of every layer, and of Network and Model.

    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.factor = self.add_weight("factor", shape=(), initializer="ones")
    ...     def call(self, inputs):
    ...         return K.multiply(inputs, self.factor)
    """

    # Float inputs are cast to the layer's dtype before ``call`` (as Keras 3 autocasts).
    autocast = True

    # Layers that read text (Hashing, StringLookup, TextVectorization) set this: arrays of
    # str, bytes or objects then reach ``call`` instead of being refused.
    accepts_text = False

    # Per-layer state whose starting value is read from the class until the layer
    # sets its own. Few instance attributes keep a layer within CPython's compact
    # attribute storage (at most 30 shared keys), so no separate dict is made per
    # layer, and the empty tuples stand for lists made on the first addition: a
    # model of thousands of layers holds far fewer objects for the garbage
    # collector to scan, which keeps building it linear in time.
    built = False
    stateful = False
    input_spec = None
    _build_input_shape = None
    _batch_input_shape = None
    # Where the layer's name scope was first opened (see layer_scopes.py).
    _parent_path: str | None = None
    _supports_masking: bool | None = None
    _trainable_weights: list | tuple = ()
    _non_trainable_weights: list | tuple = ()
    _losses: list | tuple = ()
    _updates: list | tuple = ()

    # A layer whose compute_mask returns None when no input mask is given
    # (merges, say) sets this, so the engine need not probe for its mask.
    _mask_from_masks_only = False

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if isinstance(build, types.FunctionType):  # a plain method (not a static one)
            # Weights made while building take the layer's name in their path (Keras 3).
            cls.build = scoped_build(build)

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        if cls.get_config is Layer.get_config:
            # Kept for the config of subclasses that do not write get_config.
            layer._constructor_args = args
            layer._constructor_kwargs = kwargs
        return layer

    def __init__(
        self,
        trainable: bool = True,
        name: str | None = None,
        dtype=None,
        **kwargs,
    ) -> None:
        if kwargs:
            unknown = [key for key in kwargs if key not in _BASE_KEYWORDS]
            if unknown:
                raise TypeError(
                    f"{type(self).__name__}() got unexpected keyword argument(s) {unknown}; "
                    f"accepted besides the layer's own: name, trainable, dtype, "
                    f"{', '.join(_BASE_KEYWORDS)}."
                )
        if name is None:
            name = unique_name(to_snake_case(type(self).__name__))
        else:
            _check_name(name, type(self).__name__)
        self._name = name
        self._trainable = bool(trainable)
        self._dtype = K.standardize_dtype(dtype)
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []
        self._creation_index = next(_creation_counter)
        if kwargs:
            self._batch_input_shape = _batch_input_shape_from(kwargs)

    # ---------------------------------------------------------------- identity
    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        _check_name(value, type(self).__name__)
        self._name = value

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights and computations (``"float32"``)."""
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freeze or unfreeze the layer, its own variables and every sublayer."""
        value = bool(value)
        self._trainable = value
        for variable in self._trainable_weights:
            variable.trainable = value
        for layer in self._sublayers():
            layer.trainable = value

    @property
    def supports_masking(self) -> bool:
        """Whether an incoming mask survives this layer.

        True by default for layers that define ``compute_mask``; a layer
        that passes masks through unchanged sets ``supports_masking = True``.
        """
        if self._supports_masking is not None:
            return self._supports_masking
        return type(self).compute_mask is not Layer.compute_mask

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        self._supports_masking = bool(value)

    # ---------------------------------------------------------------- weights
    def add_weight(
        self,
        name: str | None = None,
        shape=None,
        dtype=None,
        initializer=None,
        regularizer=None,
        trainable: bool = True,
        constraint=None,
    ):
        """Create a weight variable of this layer and return it.

        ``add_weight("kernel", shape=(3, 4))`` and ``add_weight((3, 4))``
        both work; in the second (Keras 3) form a second positional argument
        is the initializer. Floats default to ``glorot_uniform``, others to
        ``zeros``.
        """
        if name is not None and not isinstance(name, str):
            name, shape, initializer = None, name, initializer if initializer is not None else shape
        try:
            shape = () if shape is None else tuple([int(dim) for dim in shape])
        except TypeError as error:
            raise ValueError(
                f"Layer '{self.name}': weight {name or 'variable'!r} needs a fully known "
                f"shape of ints, received shape={shape!r}."
            ) from error
        build_limits.charge_weight(shape, self.name, name or "variable")
        dtype = K.standardize_dtype(dtype if dtype is not None else self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if K.is_float_dtype(dtype) else "zeros"
        if not isinstance(initializer, initializers.Initializer):
            initializer = initializers.get(initializer)
        # Inside the layer's scope: the path is "<layer>/<name>" even outside build.
        with concrete_evaluation(), layer_scope(self):  # a first build inside a trace: real weights
            value = initializer(shape, dtype=dtype)
            variable = K.Variable(value, dtype=dtype, name=name or "variable", trainable=trainable)
        variable.regularizer = None if regularizer is None else regularizers.get(regularizer)
        variable.constraint = None if constraint is None else constraints.get(constraint)
        distribution_state.place_new_weight(variable)
        if trainable:
            self._trainable_weights = [*self._trainable_weights, variable]
            # A layer frozen before it was built creates frozen weights (as Keras 3).
            variable.trainable = self._trainable
        else:
            self._non_trainable_weights = [*self._non_trainable_weights, variable]
        return variable

    def _sublayers(self) -> list:
        """Layers held as attributes (directly or in a list, tuple or dict), in order."""
        found: list = []
        seen: set[int] = set()
        for value in self.__dict__.values():
            if type(value) in _PLAIN_ATTRIBUTE_TYPES:
                continue  # most attributes: settled cheaply, this runs on every training step
            if isinstance(value, dict):
                candidates = value.values()
            elif isinstance(value, (list, tuple)):
                candidates = value
            else:
                candidates = (value,)
            for candidate in candidates:
                if isinstance(candidate, Layer) and id(candidate) not in seen:
                    seen.add(id(candidate))
                    found.append(candidate)
        return found

    @property
    def weights(self) -> list:
        """Own trainable then non-trainable weights, then each sublayer's, each once."""
        return _weights_of([self, *self._all_sublayers()])

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def trainable_weights(self) -> list:
        return self._trainable_weights_of([self, *self._all_sublayers()])

    def _trainable_weights_of(self, layers: list) -> list:
        """``trainable_weights``, given this layer and every nested one (``_all_sublayers``)."""
        if not self.trainable:
            return []
        return [variable for variable in _weights_of(layers) if variable.trainable]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [variable for variable in self.weights if not variable.trainable]

    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        """The non-trainable weights, each layer's followed by its seed generators' states.

        As in Keras 3, this is all the state a call may change besides the
        trainable weights: on JAX a seed generator keeps its key in a Variable,
        listed here (numpy generators are not Variables; there this equals
        ``non_trainable_weights``). ``stateless_call`` takes values in this order.
        """
        layers = [self, *self._all_sublayers()]
        found: list = []
        seen: set[int] = set()
        everything = not self.trainable
        for layer in layers:
            for variable in (
                *layer._trainable_weights,
                *layer._non_trainable_weights,
                *seed_state_variables(layer),
            ):
                if id(variable) not in seen:
                    seen.add(id(variable))
                    if everything or not variable.trainable:
                        found.append(variable)
        return found

    def stateless_call(
        self,
        trainable_values: list,
        non_trainable_values: list,
        *args,
        return_losses: bool = False,
        **kwargs,
    ):
        """Call the layer on the given variable values, leaving its Variables as they are.

        ``trainable_values`` and ``non_trainable_values`` hold one array per
        variable of :attr:`trainable_variables` and
        :attr:`non_trainable_variables`. Returns ``(outputs,
        non_trainable_values)``, the latter as the call left them (moving
        statistics, random state); with ``return_losses`` also the losses
        the call added. See ``engine/stateless_execution.py``.

        >>> outputs, state = model.stateless_call(trainable, non_trainable, x, training=True)
        """
        return stateless_call(
            self,
            trainable_values,
            non_trainable_values,
            *args,
            return_losses=return_losses,
            **kwargs,
        )

    def get_weights(self) -> list:
        """Copies of the weights' values as numpy arrays, in ``weights`` order."""
        return [K.get_value(variable) for variable in self.weights]

    def set_weights(self, weights: list) -> None:
        """Assign ``weights`` (arrays in ``weights`` order); all are checked first."""
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} weight arrays, "
                f"but set_weights received {len(weights)}."
            )
        pairs = []
        for variable, value in zip(own, weights, strict=True):
            received = (
                tuple(K.int_shape(value)) if hasattr(value, "shape") else _nested_shape(value)
            )
            if received != tuple(variable.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight '{variable.name}' has shape "
                    f"{tuple(variable.shape)}, but set_weights received an array of shape "
                    f"{received}."
                )
            if value is None or K.convert_to_numpy(value).dtype.kind not in "biuf":
                found = "None" if value is None else f"dtype {K.convert_to_numpy(value).dtype}"
                raise ValueError(
                    f"Layer '{self.name}' weight '{variable.name}' holds numbers, but "
                    f"set_weights received {found}; nothing was assigned."
                )
            pairs.append((variable, value))
        K.batch_set_value(pairs)

    def count_params(self) -> int:
        """Number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so its weights do not exist: "
                "call it on inputs (or call build) before count_params()."
            )
        return sum(K.count_params(variable) for variable in self.weights)

    # ------------------------------------------------------------ subclass API
    def build(self, input_shape) -> None:
        """Create the layer's weights for inputs of ``input_shape``; called once."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation, on backend arrays. The base layer is the identity."""
        return inputs

    def compute_output_shape(self, input_shape):
        """Output shape(s) for ``input_shape``; inferred by probing ``call`` by default."""
        call = CallArguments(specs_from_shapes(input_shape, self._dtype))
        if not self.built:
            with layer_scope(self):  # sublayers the probe builds sit under this layer
                self._build_with_rollback(call)
                outputs, _ = probe(self, call, want_masks=False)
        else:
            outputs, _ = probe(self, call, want_masks=False)
        return nest.map_structure(lambda tensor: tensor.shape, outputs)

    def compute_output_spec(self, inputs, *args, **kwargs):
        """Detached KerasTensors describing the outputs of ``call(inputs, ...)``.

        Uses ``compute_output_shape`` when the layer defines it (outputs take
        the layer's dtype), else probes ``call``.
        """
        return self._inferred_output_spec(CallArguments(inputs, args, kwargs))

    def compute_mask(self, inputs, mask=None):
        """The output mask: the incoming one when ``supports_masking``, else None."""
        return mask if self.supports_masking else None

    # ---------------------------------------------------------------- calling
    def __call__(self, inputs, *args, **kwargs):
        try:
            built = self.built
            _ = self._inbound_nodes  # set by Layer.__init__
        except AttributeError:
            raise RuntimeError(
                f"{type(self).__name__} was not initialised: its __init__ must call "
                "super().__init__()."
            ) from None
        accepts_training, _ = call_signature(type(self).call)
        if not accepts_training and "training" in kwargs:
            # As in Keras 3: a ``call`` without ``training`` is not given it,
            # but the layers it calls see it.
            training = kwargs.pop("training")
            with call_context.training_scope(training):
                return self(inputs, *args, **kwargs)
        # The one place the arguments are flattened: every step below reads these leaves.
        call = CallArguments(inputs, args, kwargs)
        if call.is_symbolic(self.name):
            return self._symbolic_call(call)
        self._check_numeric(call.input_leaves)
        assert_input_compatibility(self.input_spec, inputs, self.name, call.input_leaves)
        with self._forward_pass():
            if built:
                return self._eager_call(call, accepts_training)
            # A first call that fails undoes its build, so the layer is left as it was.
            # It runs in the layer's name scope: sublayers it builds sit under it.
            snapshot = self._snapshot()
            try:
                with layer_scope(self):
                    self._build_with_rollback(call, snapshot)
                    return self._eager_call(call, accepts_training)
            except BaseException:
                self._restore(snapshot)
                raise

    def _check_numeric(self, leaves: list) -> None:
        """Refuse text, objects and other non-numbers before any build or math sees them."""
        for leaf in leaves:
            if leaf is None or K.is_variable(leaf):
                continue
            dtype = getattr(leaf, "dtype", None)
            kind = getattr(dtype, "kind", None) or K.convert_to_numpy(leaf).dtype.kind
            if kind not in "biufc" and not (kind in "USO" and self.accepts_text):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' computes on numbers (arrays or "
                    f"KerasTensors); it received {_describe_value(leaf)}."
                )

    def _eager_call(self, call: CallArguments, accepts_training: bool):
        """Run ``call`` on arrays, with the ``training`` value of the call in progress.

        Masks travel as in Keras 3: a ``call`` taking ``mask`` (or ``a_mask``
        for an argument ``a``) that the caller gave none receives the mask
        the input arrays carry (``K.get_keras_mask``), and the output arrays
        are given the layer's output mask (``K.set_keras_mask``).
        """
        inputs = self._convert_inputs(call)
        args = call.args
        kwargs, previous_mask = self._eager_masks_in(call)
        training = kwargs.get("training") if accepts_training else None
        if accepts_training and training is None:
            training = call_context.current_training()
            if training is not None:
                kwargs["training"] = training
        if training is not None:
            with call_context.training_scope(training):
                outputs = self.call(inputs, *args, **kwargs)
        else:
            outputs = self.call(inputs, *args, **kwargs)
        if previous_mask is not None or type(self).compute_mask is not Layer.compute_mask:
            outputs = self._attach_eager_masks(inputs, outputs, previous_mask)
        return outputs

    def _eager_masks_in(self, call: CallArguments) -> tuple[dict, Any]:
        """The call's keywords with the input arrays' masks filled in, and the incoming mask.

        Read before ``call`` runs (and from the arrays as given, before any
        cast), since a ``call`` may clear a mask. The incoming mask is the
        ``mask`` keyword when given, else the masks of ``inputs``' arrays.
        """
        kwargs, inputs = call.kwargs, call.inputs
        if nest.is_nested(inputs):
            masks = [None if leaf is None else K.get_keras_mask(leaf) for leaf in call.input_leaves]
            has_masks = any(mask is not None for mask in masks)
            input_masks = nest.pack_sequence_as(inputs, masks) if has_masks else None
        else:
            input_masks = None if inputs is None else K.get_keras_mask(inputs)
        call_function = type(self).call
        if (
            input_masks is not None
            and kwargs.get("mask") is None
            and call_signature(call_function)[1]
        ):
            kwargs["mask"] = input_masks
        if argument_mask_parameters(call_function):
            kwargs = fill_argument_masks(
                call_function, (call.inputs, *call.args), kwargs, kwargs, K.get_keras_mask
            )
        explicit = kwargs.get("mask")
        return kwargs, explicit if explicit is not None else input_masks

    def _attach_eager_masks(self, inputs, outputs, previous_mask):
        """The outputs carrying the layer's output mask, as Keras 3's after an eager call.

        A plain ndarray output comes back as a view that holds ``_keras_mask``
        (``K.with_keras_mask``); other outputs get the mask set on them.

        Only a layer that ``supports_masking`` sets one, from
        ``compute_mask(inputs, previous_mask)``; an output that already
        carries a mask (one the ``call`` set, or an input passed through)
        keeps it.
        """
        if not self.supports_masking:
            return outputs
        if previous_mask is None and (
            self._mask_from_masks_only or type(self).compute_mask is Layer.compute_mask
        ):
            return outputs
        flat_outputs = nest.flatten(outputs)
        arrays = [output for output in flat_outputs if K.is_tensor(output)]
        if all(K.get_keras_mask(output) is not None for output in arrays):
            return outputs
        masks = self.compute_mask(inputs, previous_mask)
        if masks is None:
            return outputs
        spread = _spread_masks(nest.flatten(masks), len(flat_outputs))
        carried = [
            K.with_keras_mask(output, mask)
            if mask is not None and K.is_tensor(output) and K.get_keras_mask(output) is None
            else output
            for output, mask in zip(flat_outputs, spread, strict=True)
        ]
        return nest.pack_sequence_as(outputs, carried)

    def _convert_inputs(self, call: CallArguments):
        """The call's inputs as arrays of the layer's float dtype: floats are cast, others kept.

        A layer with ``autocast = False`` keeps float inputs in their own dtype.
        """
        inputs = call.inputs
        if K.is_tensor(inputs):
            if self.autocast and inputs.dtype != self._dtype and K.is_float_dtype(inputs.dtype):
                return K.cast(inputs, self._dtype)
            return inputs
        converted = [self._convert_leaf(leaf) for leaf in call.input_leaves]
        if not nest.is_nested(inputs):
            return converted[0]
        return nest.pack_sequence_as(inputs, converted)

    def _convert_leaf(self, value):
        if value is None or K.is_variable(value):
            return value
        if self.accepts_text and not K.is_tensor(value):
            text = np.asarray(value)
            if text.dtype.kind in "USO":
                return text
        array = K.convert_to_tensor(value)
        if self.autocast and K.is_float_dtype(K.dtype(array)) and K.dtype(array) != self._dtype:
            return K.cast(array, self._dtype)
        return array

    def _snapshot(self) -> tuple:
        """What :meth:`_restore` needs to undo a build: attributes and weight lists.

        The weight lists are replaced, never changed in place, so keeping
        references to them is enough. The attributes are copied only for
        layers defined outside graphkeras, whose ``build`` may change anything:
        the built-in layers' builds only create weights and set attributes a
        later build sets again, and copying their ``__dict__`` would give every
        layer of a large model one more object for the garbage collector.
        """
        attributes = (
            None if type(self).__module__.startswith("graphkeras.") else dict(self.__dict__)
        )
        return attributes, self._trainable_weights, self._non_trainable_weights, self.input_spec

    def _restore(self, snapshot: tuple) -> None:
        attributes, trainable, non_trainable, input_spec = snapshot
        if attributes is not None:
            self.__dict__.clear()
            self.__dict__.update(attributes)
        self._trainable_weights = trainable
        self._non_trainable_weights = non_trainable
        self.input_spec = input_spec
        self.built = False

    def _build_with_rollback(self, call: CallArguments, snapshot: tuple | None = None) -> None:
        """Build from the shapes of the call's inputs; a failing build leaves the layer as it was.

        A caller that already took a snapshot (and restores it itself) passes it.
        """
        own_snapshot = self._snapshot() if snapshot is None else None
        shapes = call.input_shapes
        try:
            self.build(shapes)
        except BaseException:
            if own_snapshot is not None:
                self._restore(own_snapshot)
            raise
        self.built = True
        self._build_input_shape = shapes

    def _symbolic_call(self, call: CallArguments):
        """Record one Node for a call on KerasTensors and return its outputs.

        Nothing is recorded until every check passed; a first call that fails
        also undoes the build, so the layer is left as it was.
        """
        assert_input_compatibility(self.input_spec, call.inputs, self.name, call.input_leaves)
        if call.args or call.kwargs:
            check_call_arguments(self, call.inputs, call.args, call.kwargs)
            if _mask_connector is not None:
                call = _mask_connector(call)
        snapshot = None if self.built else self._snapshot()
        try:
            # A first call builds in the layer's name scope, with the sublayers inference builds.
            with nullcontext() if snapshot is None else layer_scope(self):
                if snapshot is not None:
                    self._build_with_rollback(call, snapshot)
                outputs = self._output_spec(call)
                output_tensors = [outputs] if is_keras_tensor(outputs) else nest.flatten(outputs)
                masks = self._output_masks(call, output_tensors)
            for tensor, mask in zip(output_tensors, masks, strict=True):
                tensor._keras_mask = mask
                if mask is not None and mask._keras_history is None and mask._mask_owner is None:
                    mask._mask_owner = tensor
            Node(
                self,
                (call.inputs, *call.args),
                call.kwargs,
                outputs,
                input_tensors=call.keras_tensors,
                output_tensors=output_tensors,
            )
        except BaseException:
            if snapshot is not None:
                self._restore(snapshot)
            raise
        return outputs

    def _output_spec(self, call: CallArguments):
        """Detached output KerasTensors for ``call``.

        The layer's own ``compute_output_spec`` when it writes one; else they
        are inferred from the call as it is, its inputs not flattened again.
        """
        if type(self).compute_output_spec is Layer.compute_output_spec:
            return self._inferred_output_spec(call)
        return self.compute_output_spec(call.inputs, *call.args, **call.kwargs)

    def _inferred_output_spec(self, call: CallArguments):
        """Output KerasTensors from the layer's ``compute_output_shape``, else by probing."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            shapes = self.compute_output_shape(call.input_shapes)
            return specs_from_shapes(shapes, self.compute_dtype)
        outputs, _ = probe(self, call, want_masks=False)
        return outputs

    def _output_masks(self, call: CallArguments, output_tensors: list) -> list:
        """One symbolic mask (or None) for each of the call's (flat) output tensors."""
        output_count = len(output_tensors)
        kwargs = call.kwargs
        inputs = call.inputs
        if (
            not kwargs
            and is_keras_tensor(inputs)
            and inputs._keras_mask is None
            and (self._mask_from_masks_only or type(self).compute_mask is Layer.compute_mask)
        ):
            return [None] * output_count
        explicit = kwargs.get("mask")
        mask_leaves = nest.flatten(explicit) if explicit is not None else call.input_mask_leaves
        defines_compute_mask = type(self).compute_mask is not Layer.compute_mask
        no_masks = all(mask is None for mask in mask_leaves)
        if not defines_compute_mask:
            if not self.supports_masking or no_masks:
                return [None] * output_count
            return _spread_masks(mask_leaves, output_count)
        if no_masks and self._mask_from_masks_only:
            return [None] * output_count
        _, masks = probe(self, call, want_masks=True, want_outputs=False)
        return _spread_masks(masks, output_count)

    # ------------------------------------------------------------- node views
    def _get_node_attribute_at_index(self, node_index: int, attribute: str, description: str):
        if not self._inbound_nodes:
            raise RuntimeError(
                f"Layer '{self.name}' has never been called and thus has no defined {description}."
            )
        if not 0 <= node_index < len(self._inbound_nodes):
            raise ValueError(
                f"Asked to get {description} at node {node_index}, but layer '{self.name}' "
                f"has only {len(self._inbound_nodes)} inbound node(s)."
            )
        values = getattr(self._inbound_nodes[node_index], attribute)
        return values[0] if len(values) == 1 else values

    def get_input_at(self, node_index: int):
        return self._get_node_attribute_at_index(node_index, "input_tensors", "input")

    def get_output_at(self, node_index: int):
        return self._get_node_attribute_at_index(node_index, "output_tensors", "output")

    def get_input_shape_at(self, node_index: int):
        return self._get_node_attribute_at_index(node_index, "input_shapes", "input shape")

    def get_output_shape_at(self, node_index: int):
        return self._get_node_attribute_at_index(node_index, "output_shapes", "output shape")

    def get_input_mask_at(self, node_index: int):
        return self._get_node_attribute_at_index(node_index, "input_masks", "input mask")

    def get_output_mask_at(self, node_index: int):
        return self._get_node_attribute_at_index(node_index, "output_masks", "output mask")

    def _single_node_attribute(self, attribute: str, description: str, accessor: str):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' is not connected: it has never been called, "
                f"so it has no {description}."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer '{self.name}' has {len(self._inbound_nodes)} inbound nodes, so the notion "
                f"of its {description} is ill-defined for a shared layer. "
                f"Use {accessor}(node_index) instead."
            )
        return self._get_node_attribute_at_index(0, attribute, description)

    @property
    def input(self):
        return self._single_node_attribute("input_tensors", "input", "get_input_at")

    @property
    def output(self):
        return self._single_node_attribute("output_tensors", "output", "get_output_at")

    @property
    def input_mask(self):
        return self._single_node_attribute("input_masks", "input mask", "get_input_mask_at")

    @property
    def output_mask(self):
        return self._single_node_attribute("output_masks", "output mask", "get_output_mask_at")

    def _shared_shape(self, attribute: str, description: str, accessor: str):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer '{self.name}' has never been called and thus has no defined {description}."
            )
        shapes = [getattr(node, attribute) for node in self._inbound_nodes]
        if any(other != shapes[0] for other in shapes[1:]):
            raise AttributeError(
                f"Layer '{self.name}' has {len(shapes)} inbound nodes with different "
                f"{description}s, so the notion of its {description} is ill-defined for a "
                f"shared layer. Use {accessor}(node_index) instead."
            )
        return shapes[0][0] if len(shapes[0]) == 1 else shapes[0]

    @property
    def input_shape(self):
        return self._shared_shape("input_shapes", "input shape", "get_input_shape_at")

    @property
    def output_shape(self):
        return self._shared_shape("output_shapes", "output shape", "get_output_shape_at")

    @property
    def inbound_nodes(self) -> tuple:
        """The nodes created by calling this layer (read-only view)."""
        return tuple(self._inbound_nodes)

    @property
    def outbound_nodes(self) -> tuple:
        """The nodes that consume this layer's outputs (read-only view)."""
        return tuple(self._outbound_nodes)

    # ---------------------------------------------------------- losses, updates
    def add_loss(self, loss, inputs=None) -> None:
        """Attach a loss term (an array, a number or a zero-argument callable).

        With ``inputs`` the loss is conditional on those inputs (see
        :meth:`get_losses_for`); without, it is unconditional.
        """
        if is_probing():
            return
        self._losses = [*self._losses, (loss, _condition_key(inputs))]
        _LAYERS_HOLDING_LOSSES.add(self)

    def _add_recorded_losses(self, losses: list) -> None:
        """Record ``(loss, condition key)`` pairs as ``add_loss`` would (after a compiled run)."""
        if losses:
            self._losses = [*self._losses, *losses]
            _LAYERS_HOLDING_LOSSES.add(self)

    @property
    def losses(self) -> list:
        """Added loss terms of this layer and its sublayers, then weight penalties."""
        return self._losses_of([self, *self._all_sublayers()])

    def _losses_of(self, layers: list) -> list:
        """``losses``, given this layer and every nested one (a training step walks them once)."""
        values = []
        for layer in layers:
            for loss, _ in layer._losses:
                values.append(loss() if callable(loss) else loss)
        for variable in _weights_of(layers):
            if variable.regularizer is not None:
                # The Variable itself, so a GradientTape follows the penalty to it.
                values.append(variable.regularizer(variable))
        return values

    def _clear_losses(self, layers: list | None = None) -> None:
        """Forget the losses ``add_loss`` recorded (each forward pass adds its own).

        ``layers``: this layer and every nested one, when the caller has them.
        While no layer holds a loss (the usual case) there is nothing to walk.
        """
        if not _LAYERS_HOLDING_LOSSES:
            return
        for layer in [self, *self._all_sublayers()] if layers is None else layers:
            if layer._losses:
                layer._losses = ()
                _LAYERS_HOLDING_LOSSES.discard(layer)

    @contextmanager
    def _forward_pass(self) -> Iterator[None]:
        """Run an eager forward pass of this layer; the outermost one first clears losses.

        As Keras 3: the layer (and its sublayers) keep only the losses
        ``add_loss`` records during the latest outermost call, so calling a
        model twice does not count an activity penalty twice. Layers called
        inside that call add to it and clear nothing.
        """
        with call_context.forward_pass() as outermost:
            if outermost:
                self._clear_losses()
            yield

    def get_losses_for(self, inputs) -> list:
        """Losses added with these ``inputs`` (``None``: the unconditional ones)."""
        key = _condition_key(inputs)
        return [
            loss() if callable(loss) else loss
            for loss, condition in self._losses
            if condition == key
        ]

    def add_update(self, updates, inputs=None) -> None:
        """Attach updates: ``(variable, new_value)`` pairs or zero-argument callables."""
        if is_probing():
            return
        key = _condition_key(inputs)
        added = [(update, key) for update in (updates if isinstance(updates, list) else [updates])]
        self._updates = [*self._updates, *added]

    @property
    def updates(self) -> list:
        updates = []
        for layer in [self, *self._all_sublayers()]:
            updates.extend(update for update, _ in layer._updates)
        return updates

    def get_updates_for(self, inputs) -> list:
        key = _condition_key(inputs)
        return [update for update, condition in self._updates if condition == key]

    def _all_sublayers(self) -> list:
        """Every layer nested inside this one, depth first, each once."""
        found: list = []
        seen = {id(self)}
        stack = list(reversed(self._sublayers()))
        while stack:
            layer = stack.pop()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            found.append(layer)
            stack.extend(reversed(layer._sublayers()))
        return found

    def reset_states(self) -> None:
        """Reset the state of stateful layers (nothing for stateless ones)."""
        for layer in self._all_sublayers():
            layer.reset_states()

    # --------------------------------------------------------- serialization
    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (JSON-serialisable)."""
        config: dict[str, Any] = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self._dtype,
        }
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if type(self).get_config is Layer.get_config and type(self).__init__ is not Layer.__init__:
            config = _automatic_config(self, config)
        return config

    @classmethod
    def from_config(cls, config: dict):
        """Build a layer from :meth:`get_config`'s output."""
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(
                f"Could not rebuild {cls.__name__} from config keys {sorted(config)}: {error}"
            ) from error

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# ---------------------------------------------------------------- helpers


def _check_name(name, class_name: str) -> None:
    """Refuse a name no model file could carry back.

    ``/`` separates path parts (Keras refuses it too), NUL ends a name in zip
    and HDF5 alike, and a lone surrogate has no UTF-8 encoding. Any other
    text is a valid name, and every file format stores it so that it loads
    back unchanged.
    """
    if not isinstance(name, str) or not name or "/" in name or "\x00" in name:
        raise ValueError(
            f"{class_name} name must be a non-empty string without '/' or NUL, received {name!r}."
        )
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"{class_name} name must be valid Unicode text (no lone surrogates), received {name!r}."
        ) from error


def _batch_input_shape_from(kwargs: dict):
    """The first layer's input shape from ``input_shape`` and friends, with the batch dim."""
    if kwargs.get("batch_input_shape") is not None:
        return tuple(kwargs["batch_input_shape"])
    if kwargs.get("batch_shape") is not None:
        return tuple(kwargs["batch_shape"])
    if kwargs.get("input_shape") is not None:
        return (kwargs.get("batch_size"), *tuple(kwargs["input_shape"]))
    if kwargs.get("input_dim") is not None:
        return (kwargs.get("batch_size"), int(kwargs["input_dim"]))
    return None


def _nested_shape(value) -> tuple:
    return tuple(K.int_shape(K.convert_to_tensor(value)))


def _spread_masks(mask_leaves: list, count: int) -> list:
    """Masks for ``count`` outputs from flat mask leaves: one each, or one shared, or none."""
    if len(mask_leaves) == count:
        return mask_leaves
    if len(mask_leaves) == 1:
        return mask_leaves * count
    return [None] * count


def _condition_key(inputs):
    if inputs is None:
        return None
    return tuple(id(tensor) for tensor in nest.flatten(inputs))


def _automatic_config(layer: Layer, base_config: dict) -> dict:
    """Config of a subclass without get_config: its constructor arguments, if JSON-able."""
    args, kwargs = layer._constructor_args, layer._constructor_kwargs
    signature = inspect.signature(type(layer).__init__)
    try:
        bound = signature.bind(layer, *args, **kwargs)
    except TypeError:
        bound = None
    arguments = (
        {}
        if bound is None
        else {
            name: value
            for name, value in list(bound.arguments.items())[1:]
            if signature.parameters[name].kind not in (inspect.Parameter.VAR_POSITIONAL,)
        }
    )
    for name, parameter in list(signature.parameters.items()):
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(arguments.pop(name, {}))
    try:
        json.dumps(arguments)
    except TypeError as error:
        raise TypeError(
            f"Layer {type(layer).__name__} cannot write its config automatically: its "
            f"constructor arguments {sorted(arguments)} are not all JSON-serialisable. "
            "Override get_config()."
        ) from error
    accepts_any = any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()
    )
    config = {**base_config, **arguments}
    if not accepts_any:
        for key in list(base_config):
            if key not in signature.parameters:
                config.pop(key)
    return config


def _describe_value(value) -> str:
    """``a str 'hello'`` / ``an array of dtype <U1 and shape (2, 4)``, for error messages."""
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return f"an array of dtype {value.dtype} and shape {tuple(value.shape)}"
    text = repr(value)
    return f"a {type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _weights_of(layers: list) -> list:
    """Each layer's trainable then non-trainable weights, in order, each once.

    ``layers`` is a layer then every layer nested in it (``_all_sublayers``,
    depth first), so this is that layer's ``weights``.
    """
    collected: list = []
    seen: set[int] = set()
    for layer in layers:
        for variable in (*layer._trainable_weights, *layer._non_trainable_weights):
            if id(variable) not in seen:
                seen.add(id(variable))
                collected.append(variable)
    return collected
