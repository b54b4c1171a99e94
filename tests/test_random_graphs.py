"""Property tests of the graph engine on random DAGs of shared layers and nested models.

Hypothesis draws a graph step by step: a few ``Input`` tensors, then up to
about 25 calls picked from a small vocabulary (Dense, Activation, the merge
layers, Python operators on KerasTensors, slicing, and sub-models built on
their own Inputs). Layers are shared: a Dense, an Activation or a merge layer
made earlier is often called again, deeper in the graph; a sub-model may be
called twice. Every tensor has shape ``(batch, width)`` with a known width, so
merges line up by construction.

Next to the graph, the generator records a *recipe*: the same calls written
in plain numpy (``x @ kernel + bias``, ``np.maximum``, ...), reading each
layer's current weights. The model's output must equal the recipe's; the
config, JSON and weight-file round trips must reproduce the model's outputs;
and the structural invariants of API.md section 5 must hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphkeras as gk
from graphkeras import layers
from graphkeras.utils import set_random_seed

MAX_WIDTH = 6
MAX_NESTING = 2
BATCH = 3

ACTIVATIONS: dict[str | None, Callable[[np.ndarray], np.ndarray]] = {
    None: lambda x: x,
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
}

ELEMENTWISE_MERGES: dict[type, Callable[[list[np.ndarray]], np.ndarray]] = {
    layers.Add: lambda xs: np.sum(xs, axis=0),
    layers.Subtract: lambda xs: xs[0] - xs[1],
    layers.Multiply: lambda xs: np.prod(xs, axis=0),
    layers.Average: lambda xs: np.mean(xs, axis=0),
    layers.Maximum: lambda xs: np.max(xs, axis=0),
    layers.Minimum: lambda xs: np.min(xs, axis=0),
}

BINARY_OPERATORS: dict[str, Callable] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}


# ------------------------------------------------------------------ the recipe


@dataclass
class Step:
    """One call in the recipe: ``results = compute([values of arguments])`` in numpy."""

    compute: Callable[[list[np.ndarray]], list[np.ndarray]]
    arguments: list[int]
    results: list[int]


@dataclass
class Recipe:
    """A graph under construction and its numpy twin.

    Values are numbered; ``tensors[v]`` is the KerasTensor of value ``v``,
    ``widths[v]`` its feature width, ``sources[v]`` the numbers of the Inputs
    it depends on and ``layers_behind[v]`` the ids of the layers (of this
    graph level) that produced it or anything it depends on.
    """

    level: int
    inputs: list[int] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    tensors: dict[int, gk.KerasTensor] = field(default_factory=dict)
    widths: dict[int, int] = field(default_factory=dict)
    sources: dict[int, frozenset] = field(default_factory=dict)
    layers_behind: dict[int, frozenset] = field(default_factory=dict)
    shared: dict[str, list] = field(default_factory=dict)
    submodels: list[tuple[gk.Model, Recipe, list[int], list[int]]] = field(default_factory=list)

    def new_value(self, tensor, width: int, parents: list[int], layer) -> int:
        number = len(self.tensors)
        self.tensors[number] = tensor
        self.widths[number] = width
        self.sources[number] = frozenset().union(*(self.sources[p] for p in parents))
        self.layers_behind[number] = frozenset({id(layer)}).union(
            *(self.layers_behind[p] for p in parents)
        )
        assert tuple(tensor.shape) == (None, width)
        return number

    def add_input(self, width: int) -> int:
        tensor = gk.Input(shape=(width,))
        number = self.new_value(tensor, width, [], tensor._keras_history.layer)
        self.sources[number] = frozenset({number})
        self.inputs.append(number)
        return number

    def record(self, compute, arguments: list[int], results: list[int]) -> None:
        self.steps.append(Step(compute, list(arguments), list(results)))

    def evaluate(self, input_values: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
        """The values computable from ``input_values``, in numpy (float64), in generation order."""
        values = {
            number: np.asarray(value, dtype="float64") for number, value in input_values.items()
        }
        for step in self.steps:
            if any(number not in values for number in step.arguments):
                continue
            outputs = step.compute([values[number] for number in step.arguments])
            for number, output in zip(step.results, outputs, strict=True):
                values[number] = output
        return values


# ------------------------------------------------------------------ generation


def _pick(data, candidates: list[int], label: str) -> int:
    """One of ``candidates``; listed newest first, so graphs lean deep rather than wide."""
    return data.draw(st.sampled_from(candidates[::-1]), label=label)


def _reuse_or_make(data, recipe: Recipe, key: str, make: Callable, fits: Callable | None = None):
    """A layer registered under ``key`` (drawn) or a fresh one from ``make()``."""
    existing = [layer for layer in recipe.shared.get(key, []) if fits is None or fits(layer)]
    if existing and data.draw(st.booleans(), label=f"share {key}"):
        return data.draw(st.sampled_from(existing), label=f"shared {key}")
    layer = make()
    recipe.shared.setdefault(key, []).append(layer)
    return layer


def _step_dense(data, recipe: Recipe) -> None:
    source = _pick(data, list(recipe.tensors), "dense input")
    width = recipe.widths[source]

    def make():
        return layers.Dense(
            data.draw(st.integers(1, 4), label="units"),
            activation=data.draw(st.sampled_from([None, "relu", "tanh"]), label="activation"),
            use_bias=data.draw(st.booleans(), label="use_bias"),
        )

    layer = _reuse_or_make(data, recipe, "dense", make, fits=lambda d: d.kernel.shape[0] == width)
    output = layer(recipe.tensors[source])
    activation = ACTIVATIONS[_activation_name(layer)]

    def compute(xs, layer=layer, activation=activation):
        weights = layer.get_weights()
        result = xs[0] @ weights[0].astype("float64")
        if layer.use_bias:
            result = result + weights[1]
        return [activation(result)]

    result = recipe.new_value(output, layer.units, [source], layer)
    recipe.record(compute, [source], [result])


def _activation_name(layer) -> str:
    name = gk.activations.serialize(layer.activation)
    assert name in ACTIVATIONS, name
    return name


def _step_activation(data, recipe: Recipe) -> None:
    source = _pick(data, list(recipe.tensors), "activation input")
    layer = _reuse_or_make(
        data,
        recipe,
        "activation",
        lambda: layers.Activation(data.draw(st.sampled_from(["relu", "tanh", "sigmoid"]))),
    )
    activation = ACTIVATIONS[_activation_name(layer)]
    result = recipe.new_value(layer(recipe.tensors[source]), recipe.widths[source], [source], layer)
    recipe.record(lambda xs, f=activation: [f(xs[0])], [source], [result])


def _step_merge(data, recipe: Recipe) -> None:
    width = data.draw(st.sampled_from(sorted(set(recipe.widths.values()))), label="merge width")
    candidates = [number for number, w in recipe.widths.items() if w == width]
    merge_class = data.draw(st.sampled_from(list(ELEMENTWISE_MERGES)), label="merge")
    count = 2 if merge_class is layers.Subtract else data.draw(st.integers(2, 3), label="arity")
    # Drawn with replacement: ``add([x, x])`` feeds one tensor into a node twice.
    arguments = [_pick(data, candidates, "merge input") for _ in range(count)]
    layer = _reuse_or_make(data, recipe, merge_class.__name__, merge_class)
    output = layer([recipe.tensors[number] for number in arguments])
    function = ELEMENTWISE_MERGES[merge_class]
    result = recipe.new_value(output, width, arguments, layer)
    recipe.record(lambda xs, f=function: [f(xs)], arguments, [result])


def _step_concatenate(data, recipe: Recipe) -> None:
    arguments: list[int] = []
    room = MAX_WIDTH
    for _ in range(data.draw(st.integers(2, 3), label="arity")):
        fitting = [number for number, w in recipe.widths.items() if w <= room]
        if not fitting:
            break
        arguments.append(_pick(data, fitting, "concatenate input"))
        room -= recipe.widths[arguments[-1]]
    if len(arguments) < 2:
        return
    layer = _reuse_or_make(data, recipe, "concatenate", layers.Concatenate)
    output = layer([recipe.tensors[number] for number in arguments])
    width = sum(recipe.widths[number] for number in arguments)
    result = recipe.new_value(output, width, arguments, layer)
    recipe.record(lambda xs: [np.concatenate(xs, axis=-1)], arguments, [result])


def _step_binary_operator(data, recipe: Recipe) -> None:
    symbol = data.draw(st.sampled_from(sorted(BINARY_OPERATORS)), label="operator")
    function = BINARY_OPERATORS[symbol]
    first = _pick(data, list(recipe.tensors), "operand")
    width = recipe.widths[first]
    tensor = recipe.tensors[first]
    kind = data.draw(st.sampled_from(["tensor", "constant left", "constant right"]))
    if kind == "tensor":
        candidates = [number for number, w in recipe.widths.items() if w == width]
        second = _pick(data, candidates, "second operand")
        output = function(tensor, recipe.tensors[second])
        arguments = [first, second]

        def compute(xs):
            return [function(xs[0], xs[1])]

    else:
        constant = data.draw(st.sampled_from([-1.5, 0.5, 2.0]), label="constant")
        arguments = [first]
        if kind == "constant left":
            output = function(constant, tensor)

            def compute(xs):
                return [function(constant, xs[0])]

        else:
            output = function(tensor, constant)

            def compute(xs):
                return [function(xs[0], constant)]

    result = recipe.new_value(output, width, arguments, output._keras_history.layer)
    recipe.record(compute, arguments, [result])


def _step_unary_operator(data, recipe: Recipe) -> None:
    source = _pick(data, list(recipe.tensors), "unary operand")
    tensor = recipe.tensors[source]
    if data.draw(st.booleans(), label="abs or negative"):
        output, function = abs(tensor), np.abs
    else:
        output, function = -tensor, np.negative
    result = recipe.new_value(output, recipe.widths[source], [source], output._keras_history.layer)
    recipe.record(lambda xs: [function(xs[0])], [source], [result])


def _step_slice(data, recipe: Recipe) -> None:
    wide = [number for number, w in recipe.widths.items() if w >= 2]
    if not wide:
        return
    source = _pick(data, wide, "sliced tensor")
    width = recipe.widths[source]
    start = data.draw(st.integers(0, width - 1), label="start")
    stop = data.draw(st.integers(start + 1, width), label="stop")
    if data.draw(st.booleans(), label="ellipsis"):
        key = (Ellipsis, slice(start, stop))
    else:
        key = (slice(None), slice(start, stop))
    output = recipe.tensors[source][key]
    result = recipe.new_value(output, stop - start, [source], output._keras_history.layer)
    recipe.record(lambda xs: [xs[0][key]], [source], [result])


def _call_submodel(
    data, recipe: Recipe, model, inner: Recipe, input_numbers: list[int], output_numbers: list[int]
) -> None:
    """Call a sub-model on tensors of the right widths; record its recipe as one step."""
    arguments = []
    for number in input_numbers:
        candidates = [v for v, w in recipe.widths.items() if w == inner.widths[number]]
        arguments.append(_pick(data, candidates, "sub-model input"))
    tensors = [recipe.tensors[number] for number in arguments]
    output = model(tensors if len(tensors) > 1 else tensors[0])
    outputs = output if isinstance(output, list) else [output]
    results = [
        recipe.new_value(tensor, inner.widths[number], arguments, model)
        for tensor, number in zip(outputs, output_numbers, strict=True)
    ]

    def compute(xs):
        values = inner.evaluate(dict(zip(input_numbers, xs, strict=True)))
        return [values[number] for number in output_numbers]

    recipe.record(compute, arguments, results)


def _step_nested(data, recipe: Recipe) -> None:
    if recipe.level >= MAX_NESTING:
        return _step_dense(data, recipe)
    if recipe.submodels and data.draw(st.booleans(), label="reuse sub-model"):
        return _call_submodel(data, recipe, *data.draw(st.sampled_from(recipe.submodels)))
    widths = data.draw(
        st.lists(st.sampled_from(sorted(set(recipe.widths.values()))), min_size=1, max_size=2),
        label="sub-model input widths",
    )
    inner = Recipe(level=recipe.level + 1)
    for width in widths:
        inner.add_input(width)
    grow(data, inner, data.draw(st.integers(1, 5), label="sub-model steps"))
    computed = ensure_computed(data, inner)
    output_numbers = data.draw(
        st.lists(st.sampled_from(computed), min_size=1, max_size=2), label="sub-model outputs"
    )
    input_numbers = sorted(frozenset().union(*(inner.sources[n] for n in output_numbers)))
    outputs = [inner.tensors[number] for number in output_numbers]
    inputs = [inner.tensors[number] for number in input_numbers]
    model = gk.Model(
        inputs if len(inputs) > 1 else inputs[0],
        outputs if len(outputs) > 1 or data.draw(st.booleans()) else outputs[0],
    )
    recipe.submodels.append((model, inner, input_numbers, output_numbers))
    for _ in range(data.draw(st.integers(1, 2), label="sub-model calls")):
        _call_submodel(data, recipe, model, inner, input_numbers, output_numbers)


STEPS = [
    _step_dense,
    _step_dense,
    _step_activation,
    _step_merge,
    _step_merge,
    _step_concatenate,
    _step_binary_operator,
    _step_unary_operator,
    _step_slice,
    _step_nested,
]


def grow(data, recipe: Recipe, count: int) -> None:
    for _ in range(count):
        step = data.draw(st.sampled_from(STEPS), label="step")
        step(data, recipe)


def ensure_computed(data, recipe: Recipe) -> list[int]:
    """The numbers of the computed (non-Input) values, adding a Dense if there are none."""
    if len(recipe.tensors) == len(recipe.inputs):
        _step_dense(data, recipe)
    return [number for number in recipe.tensors if number not in recipe.inputs]


@dataclass
class Case:
    """A drawn model with its recipe, input arrays and the numbers of its endpoints."""

    model: gk.Model
    recipe: Recipe
    input_numbers: list[int]
    output_numbers: list[int]
    arrays: list[np.ndarray]

    def run(self, model=None) -> list[np.ndarray]:
        result = (model or self.model)(self.arrays if len(self.arrays) > 1 else self.arrays[0])
        return result if isinstance(result, list) else [result]

    def expected(self) -> list[np.ndarray]:
        values = self.recipe.evaluate(dict(zip(self.input_numbers, self.arrays, strict=True)))
        return [values[number] for number in self.output_numbers]


def draw_case(data) -> Case:
    seed = data.draw(st.integers(0, 2**16), label="seed")
    set_random_seed(seed)
    recipe = Recipe(level=0)
    for width in data.draw(
        st.lists(st.integers(1, 4), min_size=1, max_size=3), label="input widths"
    ):
        recipe.add_input(width)
    grow(data, recipe, data.draw(st.integers(3, 25), label="steps"))
    computed = ensure_computed(data, recipe)
    # Every value nothing consumed is an output, so the whole drawn graph is in the model;
    # a few more (redundant) outputs may be drawn on top.
    consumed = {number for step in recipe.steps for number in step.arguments}
    sinks = [number for number in computed if number not in consumed]
    others = data.draw(st.lists(st.sampled_from(computed), max_size=2), label="more outputs")
    output_numbers = [*sinks, *others]
    input_numbers = sorted(frozenset().union(*(recipe.sources[n] for n in output_numbers)))
    if data.draw(st.booleans(), label="unused Inputs too"):
        # Keras 3 keeps an Input no output depends on as a model input.
        input_numbers = list(recipe.inputs)
    model = gk.Model(
        [recipe.tensors[number] for number in input_numbers],
        [recipe.tensors[number] for number in output_numbers],
    )
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, size=w.shape) for w in model.get_weights()])
    arrays = [
        rng.uniform(-1.0, 1.0, size=(BATCH, recipe.widths[number])).astype("float32")
        for number in input_numbers
    ]
    return Case(model, recipe, input_numbers, output_numbers, arrays)


def assert_outputs_close(actual: list, expected: list) -> None:
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        scale = 1.0 + float(np.max(np.abs(want)))
        np.testing.assert_allclose(
            np.asarray(got, dtype="float64"), want, rtol=1e-4, atol=1e-5 * scale
        )


def assert_outputs_equal(actual: list, expected: list) -> None:
    """Equal to float32 rounding: two models (or two runs) compute separately."""
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        scale = 1.0 + float(np.max(np.abs(want)))
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6 * scale)


def all_networks(model) -> list:
    """The model and every model nested in it, each once."""
    found, stack = [], [model]
    while stack:
        network = stack.pop()
        if any(network is seen for seen in found):
            continue
        found.append(network)
        stack.extend(layer for layer in network.layers if hasattr(layer, "_network_nodes"))
    return found


SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ---------------------------------------------------------------------- tests


@SETTINGS
@given(st.data())
def test_model_output_equals_layers_composed_by_hand(data):
    case = draw_case(data)
    assert_outputs_close(case.run(), case.expected())


@SETTINGS
@given(st.data())
def test_predict_equals_call(data):
    case = draw_case(data)
    predicted = case.model.predict(
        case.arrays if len(case.arrays) > 1 else case.arrays[0], batch_size=2
    )
    predicted = predicted if isinstance(predicted, list) else [predicted]
    assert_outputs_close(predicted, [np.asarray(x, "float64") for x in case.run()])


@SETTINGS
@given(st.data())
def test_from_config_with_copied_weights_gives_identical_outputs(data):
    case = draw_case(data)
    config = case.model.get_config()
    rebuilt = gk.Model.from_config(config)
    rebuilt.set_weights(case.model.get_weights())
    assert rebuilt.get_config() == config
    assert_outputs_equal(case.run(rebuilt), case.run())


@SETTINGS
@given(st.data())
def test_json_round_trip_gives_the_same_json_and_outputs(data):
    case = draw_case(data)
    text = case.model.to_json()
    rebuilt = gk.models.model_from_json(text)
    assert json.loads(rebuilt.to_json()) == json.loads(text)
    rebuilt.set_weights(case.model.get_weights())
    assert_outputs_equal(case.run(rebuilt), case.run())


@SETTINGS
@given(data=st.data())
def test_weight_file_loaded_into_rebuilt_model_gives_identical_outputs(data, tmp_path_factory):
    case = draw_case(data)
    path = tmp_path_factory.mktemp("weights") / "model.weights.npz"
    case.model.save_weights(path)
    rebuilt = gk.Model.from_config(case.model.get_config())
    rebuilt.load_weights(path)
    assert_outputs_equal(case.run(rebuilt), case.run())


@SETTINGS
@given(st.data())
def test_layers_hold_each_reachable_layer_once_by_decreasing_depth(data):
    case = draw_case(data)
    model, recipe = case.model, case.recipe
    expected = frozenset().union(
        *(recipe.layers_behind[n] for n in [*case.output_numbers, *case.input_numbers])
    )
    found = [id(layer) for layer in model.layers]
    assert len(found) == len(set(found))
    assert set(found) == expected
    depth_of = {
        id(layer): depth for depth, group in model._layers_by_depth.items() for layer in group
    }
    depths = [depth_of[id(layer)] for layer in model.layers]
    assert depths == sorted(depths, reverse=True)


@SETTINGS
@given(st.data())
def test_every_node_satisfies_the_history_identity(data):
    case = draw_case(data)
    for network in all_networks(case.model):
        for node in network._network_nodes:
            inbound_layers = node.inbound_layers
            if inbound_layers:
                assert len(inbound_layers) == len(node.input_tensors)
            for i, layer in enumerate(inbound_layers):
                producer = layer._inbound_nodes[node.node_indices[i]]
                assert producer.output_tensors[node.tensor_indices[i]] is node.input_tensors[i]


@SETTINGS
@given(st.data())
def test_every_node_is_deeper_than_its_consumers(data):
    case = draw_case(data)
    for network in all_networks(case.model):
        depth_of = {
            id(node): depth for depth, nodes in network._nodes_by_depth.items() for node in nodes
        }
        assert set(depth_of) == {id(node) for node in network._network_nodes}
        for node in network._network_nodes:
            for parent in node.parent_nodes:
                assert depth_of[id(parent)] > depth_of[id(node)]
        layer_depth = {id(l): d for d, group in network._layers_by_depth.items() for l in group}
        for node in network._network_nodes:
            assert layer_depth[id(node.outbound_layer)] >= depth_of[id(node)]


@SETTINGS
@given(st.data())
def test_nodes_nobody_consumes_are_endpoints_of_depth_zero_unless_shared(data):
    case = draw_case(data)
    for network in all_networks(case.model):
        consumed = {id(parent) for node in network._network_nodes for parent in node.parent_nodes}
        sinks = [node for node in network._network_nodes if id(node) not in consumed]
        # An unused Input is a sink too: it is kept, at depth 0, like an output.
        output_nodes = {id(tensor.node) for tensor in [*network.outputs, *network.inputs]}
        depth_zero = {id(node) for node in network._nodes_by_depth[0]}
        assert sinks
        for node in sinks:
            assert id(node) in output_nodes
            layer_nodes = [
                n for n in node.outbound_layer._inbound_nodes if n in network._network_nodes
            ]
            if len(layer_nodes) == 1:
                assert id(node) in depth_zero


def test_shared_dense_at_two_depths_matches_numpy():
    """A fixed example of the property: one Dense at depth 1 and at depth 3."""
    set_random_seed(7)
    x = gk.Input(shape=(2,))
    dense = layers.Dense(2, use_bias=False)
    first = dense(x)
    second = dense(layers.Activation("relu")(first) + x)
    model = gk.Model(x, second)
    kernel = np.array([[1.0, -2.0], [0.5, 3.0]], dtype="float32")
    dense.set_weights([kernel])
    data = np.array([[1.0, 2.0], [-1.0, 0.5]], dtype="float32")
    hidden = np.maximum(data @ kernel, 0.0) + data
    np.testing.assert_allclose(model(data), hidden @ kernel, rtol=1e-6)
    assert [node.outbound_layer for node in dense._inbound_nodes] == [dense, dense]
    assert len(dense._inbound_nodes) == 2


def test_nested_model_listing_one_output_twice_gives_two_tensors():
    """A fixed example the property found: ``Model(c, [y, y])`` called inside a model."""
    c = gk.Input(shape=(2,))
    y = layers.Dense(1, kernel_initializer="ones")(c)
    inner = gk.Model(c, [y, y])
    x = gk.Input(shape=(2,))
    first, second = inner(x)
    assert first is not second
    assert [first._keras_history.tensor_index, second._keras_history.tensor_index] == [0, 1]
    model = gk.Model(x, [first, layers.Activation("relu")(second)])
    data = np.array([[1.0, 2.0], [-3.0, 1.0]], dtype="float32")
    np.testing.assert_allclose(model(data), [[[3.0], [-2.0]], [[3.0], [0.0]]])
    rebuilt = gk.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt(data), model(data), rtol=1e-6, atol=1e-7)


def test_input_no_output_depends_on_is_kept_at_depth_zero():
    """A fixed example the property found: an unused Input stays in layers and config."""
    used, unused = gk.Input(shape=(2,), name="used"), gk.Input(shape=(3,), name="unused")
    model = gk.Model([used, unused], layers.Dense(1, kernel_initializer="ones")(used))
    assert [layer.name for layer in model.layers][:2] == ["used", "unused"]
    assert unused._keras_history.layer in model._layers_by_depth[0]
    data = [np.ones((1, 2), "float32"), np.zeros((1, 3), "float32")]
    np.testing.assert_allclose(model(data), [[2.0]])
    rebuilt = gk.Model.from_config(model.get_config())
    assert rebuilt.input_names == ["used", "unused"]
    assert rebuilt.get_config() == model.get_config()
