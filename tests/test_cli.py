"""The ``graphkeras`` inspection commands: summary, nodes and plot, run in-process."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from inspection_models import shared_pair

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import cli, layers
from graphkeras.utils import node_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "keras"


@pytest.fixture
def json_file(tmp_path) -> Path:
    path = tmp_path / "pair.json"
    path.write_text(shared_pair().to_json())
    return path


@pytest.fixture
def saved_file(tmp_path) -> Path:
    path = tmp_path / "pair.gk"
    gk.models.save_model(shared_pair(), path)
    return path


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = cli.main([*arguments])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# ----------------------------------------------------------------- summary


def test_summary_of_a_json_config_prints_the_summary(capsys, json_file):
    status, out, err = run(capsys, "summary", str(json_file))
    expected: list[str] = []
    shared_pair().summary(print_fn=expected.append)
    assert (status, err) == (0, "")
    assert out.splitlines() == expected


def test_summary_of_a_saved_model_file(capsys, saved_file):
    status, out, _ = run(capsys, "summary", str(saved_file))
    assert status == 0
    assert out.splitlines()[0] == 'Model: "pair"'
    assert "Total params: 15" in out


def test_summary_with_nodes_appends_the_node_table(capsys, json_file):
    status, out, _ = run(capsys, "summary", str(json_file), "--nodes")
    lines = out.splitlines()
    assert status == 0
    start = lines.index("Nodes, in execution order:")
    assert lines[start + 1 :] == node_table(shared_pair()).splitlines()


def test_summary_expand_nested_lists_inner_layers(capsys, tmp_path):
    K.clear_session()
    inner_input = gk.Input((3,), name="inner_input")
    inner = gk.Model(inner_input, layers.Dense(2, name="core")(inner_input), name="inner")
    x = gk.Input((3,), name="x")
    path = tmp_path / "outer.json"
    path.write_text(gk.Model(x, inner(x), name="outer").to_json())
    _, flat, _ = run(capsys, "summary", str(path))
    _, expanded, _ = run(capsys, "summary", str(path), "--expand-nested")
    assert "core (Dense)" not in flat
    assert "  core (Dense)" in expanded


def test_summary_of_a_keras_file(capsys):
    pytest.importorskip("h5py")
    status, out, _ = run(capsys, "summary", str(FIXTURES / "functional_shared.keras"))
    assert status == 0
    assert out.startswith("Model: ")


# ------------------------------------------------------------------- nodes


def test_nodes_prints_the_node_table(capsys, saved_file):
    status, out, err = run(capsys, "nodes", str(saved_file))
    assert (status, err) == (0, "")
    assert out == node_table(shared_pair()) + "\n"


# -------------------------------------------------------------------- plot


def test_plot_writes_an_svg(capsys, json_file, tmp_path):
    target = tmp_path / "pair.svg"
    status, out, err = run(capsys, "plot", str(json_file), "-o", str(target), "--show-shapes")
    assert (status, err) == (0, "")
    assert out.strip() == f"Wrote {target}"
    root = ElementTree.parse(target).getroot()
    assert root.tag.endswith("svg")
    assert "shared" in "".join(root.itertext())


def test_plot_writes_dot_text_for_a_dot_file(capsys, json_file, tmp_path):
    target = tmp_path / "pair.dot"
    status, _, _ = run(capsys, "plot", str(json_file), "-o", str(target))
    assert status == 0
    assert target.read_text().startswith('digraph "pair" {')


def test_plot_needs_an_output(capsys, json_file):
    with pytest.raises(SystemExit) as stop:
        cli.main(["plot", str(json_file)])
    assert stop.value.code == 2
    assert "-o" in capsys.readouterr().err


def test_plot_to_an_unknown_format_fails_naming_the_output(capsys, json_file, tmp_path):
    target = tmp_path / "pair.bmp"
    status, out, err = run(capsys, "plot", str(json_file), "-o", str(target))
    assert status == 2 and out == ""
    assert err.startswith("graphkeras plot: error: ") and str(target) in err
    assert not target.exists()


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("command", ["summary", "nodes"])
def test_a_missing_file_is_one_line_naming_it(capsys, tmp_path, command):
    missing = tmp_path / "absent.gk"
    status, out, err = run(capsys, command, str(missing))
    assert (status, out) == (2, "")
    assert err == f"graphkeras {command}: error: cannot read '{missing}': no such file\n"


def test_a_directory_is_refused(capsys, tmp_path):
    status, _, err = run(capsys, "nodes", str(tmp_path))
    assert status == 2
    assert "is a directory" in err and len(err.splitlines()) == 1


def test_invalid_json_is_one_line_naming_the_file(capsys, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"class_name": ')
    status, _, err = run(capsys, "summary", str(path))
    assert status == 2
    assert len(err.splitlines()) == 1
    assert f"'{path}' is not valid JSON" in err


def test_json_that_is_not_a_model_config_is_refused(capsys, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]")
    status, _, err = run(capsys, "nodes", str(path))
    assert status == 2
    assert "not a model config" in err and str(path) in err


def test_a_config_with_an_unknown_layer_names_it(capsys, tmp_path):
    path = tmp_path / "unknown.json"
    path.write_text('{"class_name": "NoSuchLayer", "config": {}}')
    status, _, err = run(capsys, "nodes", str(path))
    assert status == 2
    assert len(err.splitlines()) == 1
    assert str(path) in err and "NoSuchLayer" in err


def test_a_corrupt_model_file_is_one_line_naming_it(capsys, tmp_path):
    path = tmp_path / "corrupt.gk"
    path.write_bytes(b"\x00not a model archive" * 8)
    status, _, err = run(capsys, "summary", str(path))
    assert status == 2
    assert len(err.splitlines()) == 1
    assert err.startswith(f"graphkeras summary: error: '{path}' is not a model")


# -------------------------------------------------------------------- help


@pytest.mark.parametrize("command", ["summary", "nodes", "plot"])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as stop:
        cli.main([command, "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: graphkeras {command}") and "FILE" in out


def test_top_level_help_lists_the_inspection_commands(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("summary", "nodes", "plot"))
