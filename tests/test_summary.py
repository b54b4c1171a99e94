"""Tests for ``model.summary()`` (API.md section 5).

Columns Layer (type), Output Shape, Param # and, for graphs that are not a
plain chain, Connected to (``name[node_index][tensor_index]``); totals with
thousands separators; one ``print_fn`` call per line; ``expand_nested`` and
``show_trainable``.
"""

from __future__ import annotations

import numpy as np

import graphkeras as gk
from graphkeras import layers


def summary_lines(model, **kwargs) -> list[str]:
    lines: list[str] = []
    model.summary(print_fn=lines.append, **kwargs)
    return lines


def row_of(lines: list[str], name: str) -> str:
    """The first line of the table row for layer ``name``."""
    matches = [line for line in lines if line.startswith(f"{name} (")]
    assert len(matches) == 1, lines
    return matches[0]


def row_block(lines: list[str], name: str) -> list[str]:
    """Every line of layer ``name``'s row (continuations up to the next rule)."""
    start = lines.index(row_of(lines, name))
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if set(line) <= {"_", "="}:
            break
        block.append(line)
    return block


def chain_model():
    """366 -> Dense(150) -> Dense(10): 55,050 + 1,510 parameters."""
    x = gk.Input(shape=(366,), name="features")
    hidden = layers.Dense(150, name="hidden")(x)
    return gk.Model(x, layers.Dense(10, name="logits")(hidden), name="mlp")


def branching_model():
    a = gk.Input(shape=(4,), name="a")
    b = gk.Input(shape=(4,), name="b")
    shared = layers.Dense(3, name="shared")
    joined = layers.concatenate([shared(a), shared(b)], name="joined")
    return gk.Model([a, b], layers.Dense(1, name="head")(joined), name="siamese")


# ------------------------------------------------------------------ columns


def test_summary_starts_with_the_model_name():
    assert summary_lines(chain_model())[0] == 'Model: "mlp"'


def test_chain_summary_has_three_columns_and_no_connected_to():
    lines = summary_lines(chain_model())
    header = lines[2]
    assert header.split()[:2] == ["Layer", "(type)"]
    assert "Output Shape" in header and "Param #" in header
    assert header.index("Layer (type)") < header.index("Output Shape") < header.index("Param #")
    assert not any("Connected to" in line for line in lines)


def test_rows_show_name_type_output_shape_and_params():
    lines = summary_lines(chain_model())
    assert row_of(lines, "features").split() == ["features", "(InputLayer)", "(None,", "366)", "0"]
    assert row_of(lines, "hidden").split() == ["hidden", "(Dense)", "(None,", "150)", "55,050"]
    assert row_of(lines, "logits").split() == ["logits", "(Dense)", "(None,", "10)", "1,510"]


def test_rows_follow_model_layers_order():
    model = branching_model()
    lines = summary_lines(model)
    positions = [lines.index(row_of(lines, layer.name)) for layer in model.layers]
    assert positions == sorted(positions)


def test_non_linear_summary_has_connected_to_with_node_and_tensor_indices():
    lines = summary_lines(branching_model())
    assert "Connected to" in lines[2]
    assert row_of(lines, "a").split()[-1] == "0"  # an Input connects to nothing
    shared = row_block(lines, "shared")
    assert shared[0].split()[-1] == "a[0][0]"
    assert shared[1].split() == ["b[0][0]"]
    joined = row_block(lines, "joined")
    assert joined[0].split()[-1] == "shared[0][0]"
    assert joined[1].split() == ["shared[1][0]"]
    assert row_of(lines, "head").split()[-1] == "joined[0][0]"


def test_connected_to_names_the_tensor_index_of_a_multi_output_layer():
    inner_x = gk.Input(shape=(2,), name="inner_x")
    inner = gk.Model(
        inner_x, [layers.Dense(2, name="p")(inner_x), layers.Dense(2, name="q")(inner_x)]
    )
    x = gk.Input(shape=(2,), name="x")
    first, second = inner(x)
    model = gk.Model(x, layers.add([second, first], name="sum"))
    block = row_block(summary_lines(model), "sum")
    assert block[0].split()[-1] == f"{inner.name}[1][1]"
    assert block[1].split() == [f"{inner.name}[1][0]"]


def test_shared_layer_with_different_output_shapes_shows_multiple():
    x = gk.Input(shape=(4, 3), name="x")
    flat = layers.Flatten(name="flat")
    model = gk.Model(x, [flat(x), flat(layers.Dense(5, name="d")(x))])
    assert "multiple" in row_of(summary_lines(model), "flat")


# ----------------------------------------------------------------- totals


def test_totals_use_thousands_separators():
    lines = summary_lines(chain_model())
    assert "Total params: 56,560" in lines
    assert "Trainable params: 56,560" in lines
    assert "Non-trainable params: 0" in lines


def test_param_count_of_55050_prints_as_55_050():
    x = gk.Input(shape=(366,), name="x")
    model = gk.Model(x, layers.Dense(150, name="d")(x))
    lines = summary_lines(model)
    assert "55,050" in row_of(lines, "d")
    assert "Total params: 55,050" in lines


def test_frozen_layer_counts_as_non_trainable():
    model = chain_model()
    model.get_layer("hidden").trainable = False
    lines = summary_lines(model)
    assert "Total params: 56,560" in lines
    assert "Trainable params: 1,510" in lines
    assert "Non-trainable params: 55,050" in lines


def test_layer_frozen_before_it_is_built_counts_as_non_trainable():
    x = gk.Input(shape=(366,), name="x")
    frozen = layers.Dense(150, name="frozen", trainable=False)
    model = gk.Model(x, layers.Dense(10, name="free")(frozen(x)))
    lines = summary_lines(model)
    assert "Trainable params: 1,510" in lines
    assert "Non-trainable params: 55,050" in lines
    assert model.count_params() == 56_560


# ------------------------------------------------------------------ print_fn


def test_print_fn_is_called_once_per_line():
    lines = summary_lines(branching_model())
    assert all("\n" not in line for line in lines)
    assert len(lines) > 10


def test_default_print_writes_the_same_lines_to_stdout(capsys):
    model = branching_model()
    lines = summary_lines(model)
    model.summary()
    assert capsys.readouterr().out.splitlines() == lines


def test_table_ends_with_totals_then_a_rule():
    lines = summary_lines(chain_model(), line_length=70)
    assert lines[-4:-1] == [
        "Total params: 56,560",
        "Trainable params: 56,560",
        "Non-trainable params: 0",
    ]
    assert lines[-1] == "_" * 70
    assert lines[1] == "_" * 70 and lines[3] == "=" * 70


def test_line_length_sets_rule_width_and_positions_set_columns():
    lines = summary_lines(chain_model(), line_length=80, positions=[0.5, 0.8, 1.0])
    header = lines[2]
    assert header.index("Output Shape") == 40
    assert header.index("Param #") == 64
    assert all(len(line) <= 80 for line in lines)


# --------------------------------------------------- expand_nested, trainable


def nested_model():
    inner_x = gk.Input(shape=(366,), name="inner_x")
    inner = gk.Model(inner_x, layers.Dense(150, name="inner_dense")(inner_x), name="inner")
    x = gk.Input(shape=(366,), name="x")
    return gk.Model(x, layers.Dense(10, name="head")(inner(x)), name="outer")


def test_nested_model_is_one_row_by_default():
    lines = summary_lines(nested_model())
    assert row_of(lines, "inner").split()[-1] == "55,050"
    assert not any("inner_dense" in line for line in lines)


def test_expand_nested_lists_the_inner_layers_after_the_nested_model():
    lines = summary_lines(nested_model(), expand_nested=True)
    inner_row = lines.index(row_of(lines, "inner"))
    inner_dense = next(i for i, line in enumerate(lines) if "inner_dense (Dense)" in line)
    head_row = lines.index(row_of(lines, "head"))
    assert inner_row < inner_dense < head_row
    assert lines[inner_dense].split()[-1] == "55,050"
    # Totals count each weight once.
    assert "Total params: 56,560" in lines


def test_show_trainable_adds_a_trainable_column():
    model = nested_model()
    model.get_layer("head").trainable = False
    lines = summary_lines(model, show_trainable=True)
    assert lines[2].split()[-1] == "Trainable"
    assert row_of(lines, "inner").split()[-1] == "Y"
    assert row_of(lines, "head").split()[-1] == "N"
    assert "Non-trainable params: 1,510" in lines


def test_show_trainable_is_absent_by_default():
    assert not any("Trainable " in line for line in summary_lines(nested_model())[:4])


def test_summary_of_an_unbuilt_sequential_lists_its_layers_as_keras_3_does():
    # Keras 3 shows "?" for the output shape and "0 (unbuilt)" for the parameters.
    model = gk.Sequential(
        [layers.Dense(2, name="first"), layers.Dense(1, name="last")], name="lazy"
    )
    assert summary_lines(model) == [
        'Model: "lazy"',
        "_" * 67,
        "Layer (type)                 Output Shape              Param #",
        "=" * 67,
        "first (Dense)                ?                         0 (unbuilt)",
        "_" * 67,
        "last (Dense)                 ?                         0 (unbuilt)",
        "=" * 67,
        "Total params: 0",
        "Trainable params: 0",
        "Non-trainable params: 0",
        "_" * 67,
    ]


def test_summary_after_a_deferred_build_shows_shapes_and_counts():
    model = gk.Sequential([layers.Dense(2, name="first"), layers.Dense(1, name="last")])
    model.build((None, 3))
    lines = summary_lines(model)
    assert row_of(lines, "first").split()[2:] == ["(None,", "2)", "8"]
    assert row_of(lines, "last").split()[2:] == ["(None,", "1)", "3"]
    assert "Total params: 11" in lines
    assert len(lines[1]) == 65  # counts fit the default widths


def test_summary_of_a_layer_built_but_never_called_in_a_graph_shows_its_build_shapes():
    # A Sequential on several inputs has no graph; its layers were called on arrays.
    model = gk.Sequential([layers.Concatenate(name="join"), layers.Dense(1, name="out")])
    model([np.ones((2, 3), "float32"), np.ones((2, 4), "float32")])
    lines = summary_lines(model)
    assert row_of(lines, "join").split()[2:] == ["(2,", "7)", "0"]
    assert row_of(lines, "out").split()[2:] == ["(2,", "1)", "8"]
