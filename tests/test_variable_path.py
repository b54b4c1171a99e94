"""``variable.path``: the name scopes open when a Variable was made, as Keras 3 gives them.

Every expected path here was checked by hand against Keras 3 building the
same model (one exception, said where it is: a Sequential loaded from a
file keeps its original paths, where Keras 3 drops the model's name).
:func:`structural_paths` derives the paths a second way, from a model's
structure alone, and the paths the scopes gave must agree with it.
"""

from __future__ import annotations

import numpy as np
import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers, optimizers
from graphkeras.backend.common import name_scopes
from graphkeras.engine.variable_paths import (
    metric_variable_paths,
    model_variable_paths,
    optimizer_variable_paths,
)


def paths(variables) -> list[str]:
    return [variable.path for variable in variables]


def structural_paths(model) -> dict[int, str]:
    """``id(weight) -> path`` from the model's structure, not from the Variables.

    A Sequential or subclassed model builds its layers inside its own name; a
    functional model's layers were built before it existed; a sublayer sits
    under its parent; every nested model here was built on its own before it
    was nested.
    """
    found: dict[int, str] = {}

    def join(parent: str, name: str) -> str:
        return f"{parent}/{name}" if parent else name

    def own(layer, here: str) -> None:
        for variable in (*layer._trainable_weights, *layer._non_trainable_weights):
            found.setdefault(id(variable), join(here, variable.name))

    def network(model) -> None:
        inside = not model._is_graph_network or isinstance(model, gk.Sequential)
        own(model, model.name)
        for layer in model.layers:
            visit(layer, model.name if inside else "")

    def visit(layer, parent: str) -> None:
        if isinstance(layer, gk.Model):
            network(layer)
            return
        here = join(parent, layer.name)
        own(layer, here)
        for sublayer in layer._sublayers():
            visit(sublayer, here)

    network(model)
    return found


def assert_paths_agree(model) -> None:
    """The scopes' paths, the state tree's and the structure's are the same, weight by weight."""
    expected = structural_paths(model)
    from_scopes = {id(variable): variable.path for variable in model.weights}
    assert from_scopes == expected
    tree_paths = model_variable_paths(model)
    assert {key: tree_paths[key] for key in expected} == expected


# ------------------------------------------------------------ the scope stack
def test_name_scopes_nest_into_the_current_path():
    assert K.current_path() == ""
    with K.name_scope("outer"):
        with K.name_scope("inner"):
            assert K.current_path() == "outer/inner"
        assert K.current_path() == "outer"
    assert K.current_path() == ""


def test_the_innermost_scope_reopened_by_its_caller_adds_nothing():
    owner, other = object(), object()
    with K.name_scope("block", caller=owner):
        with K.name_scope("block", caller=owner):
            assert K.current_path() == "block"
        with K.name_scope("block", caller=other):
            assert K.current_path() == "block/block"
        with K.name_scope("block", caller=owner, deduplicate=False):
            assert K.current_path() == "block/block"
        assert K.current_path() == "block"
    assert K.current_path() == ""


def test_override_parent_replaces_the_scopes_open_around_it():
    with K.name_scope("somewhere"):
        with K.name_scope("layer", override_parent="model/block"):
            assert K.current_path() == "model/block/layer"
        with K.name_scope("top", override_parent=""):
            assert K.current_path() == "top"


def test_a_scope_left_by_an_exception_is_closed():
    with pytest.raises(RuntimeError, match="boom"), K.name_scope("failing"):
        raise RuntimeError("boom")
    assert K.current_path() == ""
    assert name_scopes._OPEN_SCOPES == []


@pytest.mark.parametrize("name", ["", "a/b", 3, None])
def test_a_bad_scope_name_is_refused_naming_the_argument(name):
    with pytest.raises(ValueError, match=r"`name` must be a non-empty string without '/'"):
        K.name_scope(name)


def test_override_parent_must_be_a_path():
    with pytest.raises(ValueError, match="`override_parent` must be a path string"):
        K.name_scope("a", override_parent=["x"])


# ----------------------------------------------------------------- variables
def test_a_variable_path_is_its_scopes_and_name_on_every_backend(backend):
    assert K.Variable(np.zeros(2, "float32"), name="kernel").path == "kernel"
    with K.name_scope("model"), K.name_scope("dense"):
        variable = K.Variable(np.zeros(2, "float32"), name="kernel")
    assert variable.path == "model/dense/kernel"
    assert variable.name == "kernel"
    unnamed = K.Variable(np.zeros(2, "float32"))
    assert unnamed.path == unnamed.name  # the automatic name, at the top


def test_the_path_is_read_only_and_fixed_at_creation(backend):
    with K.name_scope("dense"):
        variable = K.Variable(np.zeros(2, "float32"), name="kernel")
    with pytest.raises(AttributeError):
        variable.path = "other/kernel"
    variable.name = "renamed"
    assert variable.path == "dense/kernel"


# -------------------------------------------------------------------- models
def functional_model() -> gk.Model:
    inputs = gk.Input((3,))
    hidden = layers.Dropout(0.5, name="drop")(layers.Dense(2, name="d1")(inputs))
    return gk.Model(inputs, layers.Dense(1, name="d2")(hidden), name="func")


def sequential_model() -> gk.Sequential:
    return gk.Sequential(
        [gk.Input((3,)), layers.Dense(2, name="a"), layers.BatchNormalization(name="bn")],
        name="seq",
    )


class Subclassed(gk.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Embedding(5, 3, name="emb")
        self.dense = layers.Dense(2, name="sd")

    def call(self, inputs):
        return self.dense(self.embed(inputs))


def test_a_functional_models_layers_have_no_model_prefix():
    model = functional_model()
    assert paths(model.weights) == ["d1/kernel", "d1/bias", "d2/kernel", "d2/bias"]
    assert_paths_agree(model)


def test_a_sequential_model_builds_its_layers_inside_its_name():
    model = sequential_model()
    assert paths(model.weights) == [
        "seq/a/kernel",
        "seq/a/bias",
        "seq/bn/gamma",
        "seq/bn/beta",
        "seq/bn/moving_mean",
        "seq/bn/moving_variance",
    ]
    assert_paths_agree(model)


def test_a_sequential_model_built_by_its_first_call_or_add_nests_the_same_way():
    model = gk.Sequential([layers.Dense(2, name="a")], name="lazy")
    model(np.zeros((1, 3), "float32"))
    model.add(layers.Dense(1, name="b"))
    assert paths(model.weights) == ["lazy/a/kernel", "lazy/a/bias", "lazy/b/kernel", "lazy/b/bias"]
    assert_paths_agree(model)


def test_a_functional_model_nested_in_a_functional_model_keeps_its_layers_paths():
    inner_inputs = gk.Input((2,))
    inner = gk.Model(inner_inputs, layers.Dense(2, name="in_d")(inner_inputs), name="inner")
    inputs = gk.Input((2,))
    outer = gk.Model(inputs, layers.Dense(1, name="out_d")(inner(inputs)), name="outer")
    assert paths(outer.weights) == ["in_d/kernel", "in_d/bias", "out_d/kernel", "out_d/bias"]
    assert_paths_agree(outer)


def test_a_sequential_built_inside_a_sequential_nests_under_both():
    inner = gk.Sequential([layers.Dense(2, name="d")], name="inner")
    outer = gk.Sequential([inner, layers.Dense(1, name="e")], name="outer")
    outer(np.zeros((1, 3), "float32"))
    assert paths(outer.weights) == [
        "outer/inner/d/kernel",
        "outer/inner/d/bias",
        "outer/e/kernel",
        "outer/e/bias",
    ]


def test_a_subclassed_model_builds_its_layers_inside_its_name():
    model = Subclassed(name="sub")
    model(np.zeros((1, 2), "int32"))
    assert paths(model.weights) == ["sub/emb/embeddings", "sub/sd/kernel", "sub/sd/bias"]
    assert_paths_agree(model)


def test_recurrent_sublayers_nest_under_their_parents():
    inputs = gk.Input((4, 3))
    encoded = layers.LSTM(2, return_sequences=True, name="lstm")(inputs)
    outputs = layers.Bidirectional(layers.LSTM(2), name="bi")(encoded)
    model = gk.Model(inputs, outputs, name="rnn")
    assert paths(model.weights) == [
        "lstm/lstm_cell/kernel",
        "lstm/lstm_cell/recurrent_kernel",
        "lstm/lstm_cell/bias",
        "bi/forward_lstm/lstm_cell/kernel",
        "bi/forward_lstm/lstm_cell/recurrent_kernel",
        "bi/forward_lstm/lstm_cell/bias",
        "bi/backward_lstm/lstm_cell/kernel",
        "bi/backward_lstm/lstm_cell/recurrent_kernel",
        "bi/backward_lstm/lstm_cell/bias",
    ]
    assert_paths_agree(model)


def test_embedding_and_batch_normalization_weights_are_under_their_layers():
    inputs = gk.Input((4,), dtype="int32")
    normalized = layers.BatchNormalization(name="bn")(layers.Embedding(10, 3, name="emb")(inputs))
    model = gk.Model(inputs, normalized)
    assert paths(model.weights) == [
        "emb/embeddings",
        "bn/gamma",
        "bn/beta",
        "bn/moving_mean",
        "bn/moving_variance",
    ]
    assert_paths_agree(model)


def test_a_stateful_rnns_state_sits_under_the_layer():
    model = gk.Sequential(
        [gk.Input((2, 3), batch_size=4), layers.GRU(2, stateful=True, name="gru")], name="stseq"
    )
    model(np.zeros((4, 2, 3), "float32"))
    assert paths(model.weights) == [
        "stseq/gru/gru_cell/kernel",
        "stseq/gru/gru_cell/recurrent_kernel",
        "stseq/gru/gru_cell/bias",
    ]
    assert paths(model.get_layer("gru").states) == ["stseq/gru/rnn_state"]


# -------------------------------------------------------------- custom layers
class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.proj = layers.Dense(2, name="proj")

    def build(self, input_shape):
        self.proj.build(input_shape)
        self.scale = self.add_weight(shape=(), name="scale")

    def call(self, inputs):
        return self.proj(inputs) * self.scale


class WiderBlock(Block):
    def build(self, input_shape):
        super().build(input_shape)  # reaches the parent class's build: one scope, not two
        self.extra = self.add_weight(shape=(), name="extra")


def test_a_sublayer_built_in_its_parents_build_nests_and_a_super_build_adds_no_scope():
    block = WiderBlock(name="blk")
    block(np.zeros((1, 3), "float32"))
    assert paths(block.weights) == ["blk/scale", "blk/extra", "blk/proj/kernel", "blk/proj/bias"]


def test_a_layer_built_on_its_own_by_build_takes_its_name():
    dense = layers.Dense(2, name="manual")
    dense.build((None, 3))
    assert paths(dense.weights) == ["manual/kernel", "manual/bias"]


def test_a_weight_added_later_from_elsewhere_joins_its_layers_siblings():
    model = sequential_model()
    with K.name_scope("elsewhere"):
        late = model.get_layer("a").add_weight(shape=(), name="late")
    assert late.path == "seq/a/late"


def test_a_built_layers_call_opens_no_scope(monkeypatch):
    model = functional_model()
    data = np.zeros((2, 3), "float32")
    model(data)  # built, and run once
    opened = []
    original_enter = name_scopes.name_scope.__enter__

    def counting_enter(scope):
        result = original_enter(scope)
        if scope._pushed:  # a scope reopened by its own caller pushes nothing
            opened.append(scope.name)
        return result

    monkeypatch.setattr(name_scopes.name_scope, "__enter__", counting_enter)
    model(data)
    model.get_layer("d1")(data)
    assert opened == []
    layers.Dense(1, name="fresh")(data)  # only building opens one
    assert opened == ["fresh"]


# ------------------------------------------------------ optimizers, metrics
def test_an_adams_variables_sit_under_its_name_with_slots_named_by_weight_path():
    model = sequential_model()
    adam = optimizers.Adam()
    adam.build(model.trainable_weights)
    assert paths(adam.variables) == [
        "adam/iteration",
        "adam/learning_rate",
        "adam/seq_a_kernel_momentum",
        "adam/seq_a_kernel_velocity",
        "adam/seq_a_bias_momentum",
        "adam/seq_a_bias_velocity",
        "adam/seq_bn_gamma_momentum",
        "adam/seq_bn_gamma_velocity",
        "adam/seq_bn_beta_momentum",
        "adam/seq_bn_beta_velocity",
    ]
    assert adam.variables[2].name == "seq_a_kernel_momentum"
    assert optimizer_variable_paths(adam) == [
        (variable.path, variable) for variable in adam.variables
    ]


def test_compiled_metrics_variables_sit_under_the_metrics_names():
    model = sequential_model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32"), verbose=0)
    assert paths(model.metrics_variables) == [
        "loss/total",
        "loss/count",
        "mean_absolute_error/total",
        "mean_absolute_error/count",
    ]
    assert paths(model.optimizer.variables)[:3] == [
        "adam/iteration",
        "adam/learning_rate",
        "adam/seq_a_kernel_momentum",
    ]


def test_a_metric_name_with_a_slash_reads_it_as_a_chevron():
    metric = gk.metrics.MeanSquaredError(name="a/b")
    assert paths(metric.variables) == ["a>b/total", "a>b/count"]
    assert [path for path, _ in metric_variable_paths([metric])] == ["a>b/total", "a>b/count"]


# --------------------------------------------------------------- seed states
def test_a_seed_generators_state_sits_under_its_name_on_jax(backend):
    generator = gk.random.SeedGenerator(1, name="my_gen")
    assert generator.name == "my_gen"
    assert gk.random.SeedGenerator(2).name == "seed_generator"
    assert gk.random.SeedGenerator(3).name == "seed_generator_1"
    model = functional_model()  # its Dropout made the next generator
    if backend != "jax":
        assert model.non_trainable_variables == []  # numpy keeps random state out of Variables
        return
    assert generator.backend_state.state.path == "my_gen/seed_generator_state"
    assert paths(model.non_trainable_variables) == ["seed_generator_2/seed_generator_state"]
    assert model_variable_paths(model)[id(model.non_trainable_variables[0])] == (
        "seed_generator_2/seed_generator_state"
    )


def test_the_jax_process_wide_generator_sits_at_the_top_wherever_it_is_first_used():
    jax_random = pytest.importorskip("graphkeras.backend.jax_backend.random")
    with K.name_scope("model"), K.name_scope("dense"):
        nested = jax_random.SeedGenerator(1, name="nested")
        top = jax_random.SeedGenerator(1, name="top", parent="")
    assert nested.state.path == "model/dense/nested/seed_generator_state"
    assert top.state.path == "top/seed_generator_state"
    with K.name_scope("model"):
        state = jax_random.global_seed_generator().state
    assert state.path == "global_seed_generator/seed_generator_state"


def test_a_seed_generator_name_must_be_a_plain_string():
    with pytest.raises(ValueError, match="name to be None or a non-empty string without '/'"):
        gk.random.SeedGenerator(1, name="a/b")


# ------------------------------------------------------ copies keep the paths
@pytest.mark.parametrize("make", [functional_model, sequential_model], ids=["func", "seq"])
def test_clones_configs_and_files_rebuild_the_same_paths(make, tmp_path):
    model = make()
    expected = paths(model.weights)
    assert paths(gk.models.clone_model(model).weights) == expected
    assert paths(type(model).from_config(model.get_config()).weights) == expected
    for suffix in (".keras", ".gk"):
        model.save(tmp_path / f"model{suffix}")
        # Keras 3 loads a Sequential's layers without the model's name; these keep it.
        loaded = gk.models.load_model(tmp_path / f"model{suffix}")
        assert paths(loaded.weights) == expected


def test_a_loaded_compiled_model_names_its_optimizer_state_as_the_original(tmp_path):
    model = sequential_model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32"), verbose=0)
    model.save(tmp_path / "model.keras")
    K.clear_session()  # as in a new process: the optimizer is "adam" again
    loaded = gk.models.load_model(tmp_path / "model.keras")
    loaded.optimizer.build(loaded.trainable_weights)  # as its first step does
    assert paths(loaded.optimizer.variables) == paths(model.optimizer.variables)
    assert paths(loaded.weights) == paths(model.weights)
