"""The main job: ``graphkeras demo`` and the command line around it."""

from __future__ import annotations

import numpy as np
import pytest
from child_python import run_python

import graphkeras as gk
from graphkeras import cli, demo


@pytest.fixture(scope="module")
def demo_output() -> tuple[list[str], dict]:
    lines: list[str] = []
    numbers = demo.run(print_fn=lines.append)
    return lines, numbers


def test_demo_prints_the_summary_with_the_shared_encoder(demo_output):
    text = "\n".join(demo_output[0])
    assert 'Model: "siamese"' in text
    assert "encoder (Model)" in text
    assert "left[0][0]" in text and "right[0][0]" in text
    assert "Total params: 2,761" in text


def test_demo_prints_one_table_row_per_node_in_execution_order(demo_output):
    text = "\n".join(demo_output[0])
    table_rows = [
        line.split()[0]
        for line in text.splitlines()
        if line.startswith(
            ("left[", "right[", "encoder[", "cosine[", "subtract[", "abs[", "features[", "head[")
        )
    ]
    assert table_rows == [
        "left[0]",
        "encoder[1]",
        "right[0]",
        "encoder[2]",
        "cosine[0]",
        "subtract[0]",
        "abs[0]",
        "features[0]",
        "head[1]",
    ]


def test_demo_runs_on_real_digit_pairs(demo_output):
    numbers = demo_output[1]
    assert numbers["pairs"] == 400
    # Even untrained, codes of the same digit are more alike than of different digits.
    assert numbers["same_mean"] > numbers["different_mean"]


def test_demo_trains_the_shared_encoder_with_fit(demo_output):
    lines, numbers = demo_output
    text = "\n".join(lines)
    assert "Test accuracy on 360 unseen digits" in text
    assert numbers["test_accuracy"] >= 0.93
    # The Siamese model shares the trained encoder: different digits now look different.
    gap_before = numbers["same_mean"] - numbers["different_mean"]
    gap_after = numbers["trained_same_mean"] - numbers["trained_different_mean"]
    assert gap_after > gap_before + 0.3


def test_demo_shows_the_encoders_two_calls(demo_output):
    text = "\n".join(demo_output[0])
    assert "node 1: called on left" in text
    assert "node 2: called on right" in text


def test_demo_model_outputs_match_composing_its_parts_by_hand():
    model = demo.build_siamese()
    (_, _), (x_test, _) = gk.datasets.digits.load_data()
    left, right = x_test[:5].astype("float32"), x_test[5:10].astype("float32")
    outputs = model({"left": left, "right": right})
    encoder, head = model.get_layer("encoder"), model.get_layer("head")
    left_code, right_code = encoder(left), encoder(right)
    cosine = np.sum(left_code * right_code, axis=1, keepdims=True) / (
        np.linalg.norm(left_code, axis=1, keepdims=True)
        * np.linalg.norm(right_code, axis=1, keepdims=True)
    )
    np.testing.assert_allclose(outputs["cosine"], cosine, rtol=1e-5)
    features = np.concatenate([cosine, np.abs(left_code - right_code)], axis=1)
    np.testing.assert_allclose(outputs["score"], head(features), rtol=1e-5)


def test_cli_without_a_command_prints_help_and_fails(capsys):
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().err


def test_cli_version():
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0


def test_python_dash_m_runs_the_demo():
    finished = run_python(["-m", "graphkeras", "demo"])
    assert finished.returncode == 0, finished.stderr
    assert "The shared encoder 'encoder' has 3 nodes" in finished.stdout
