"""Every script in examples/ runs and reports its result."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(name: str) -> str:
    finished = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def accuracy(text: str, label: str) -> float:
    match = re.search(rf"{label}: (\d\.\d+)", text)
    assert match, text
    return float(match.group(1))


def test_custom_training_loop_learns_the_digits():
    assert accuracy(run("custom_training_loop.py"), "test accuracy") >= 0.9


def test_multi_output_model_reports_each_output():
    text = run("multi_output_loss_weights.py")
    assert "'digit_loss'" in text and "'ink_loss'" in text and "'val_ink_mae'" in text
    assert accuracy(text, "test digit accuracy from predict") >= 0.85


def test_cnn_example_reaches_97_percent_on_the_digits():
    assert accuracy(run("cnn_digits.py"), "test accuracy") >= 0.97


def test_lstm_example_classifies_digit_rows_as_sequences():
    assert accuracy(run("lstm_sequence_classifier.py"), "test accuracy") >= 0.9


def test_unet_example_removes_most_of_the_noise():
    text = run("unet_denoising.py")
    assert "Connected to" in text  # the skip connections make it a graph, not a chain
    match = re.search(r"error reduced by: (\d+\.\d)x", text)
    assert match and float(match.group(1)) >= 1.8, text


def test_inspect_shared_layers_shows_every_call_and_writes_the_svg(tmp_path):
    target = tmp_path / "shared.svg"
    finished = subprocess.run(
        [sys.executable, str(EXAMPLES / "inspect_shared_layers.py"), str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    node_table = finished.stdout.split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in node_table if line.startswith("block[")] == [
        "block[0]",
        "block[1]",
    ]
    assert "max difference 0.0e+00" in finished.stdout
    assert "block[0] and block[1] differ: True" in finished.stdout
    assert ElementTree.parse(target).getroot().tag.endswith("svg")


@pytest.mark.parametrize("script", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_every_example_has_a_docstring_saying_how_to_run_it(script):
    text = (EXAMPLES / script).read_text()
    assert text.startswith('"""') and f"python examples/{script}" in text
