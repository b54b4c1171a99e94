"""Every script in examples/ runs and reports its result.

The scripts run in this process and in quick mode (``--quick``: a few hundred
digits, a few epochs), so these tests check what such a run can honestly
show: every line is printed, the numbers printed are the numbers computed,
the training loss went down, the graph and the drawing have the right shape.
The accuracy a full run reaches is what ``python examples/<script>`` prints.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree

import pytest
from example_scripts import EXAMPLES, load_example, run_example

TRAINING_EXAMPLES = [
    "cnn_digits.py",
    "custom_training_loop.py",
    "lstm_sequence_classifier.py",
    "multi_output_loss_weights.py",
    "transformer_encoder.py",
    "unet_denoising.py",
    "keras_guides/functional_with_ops.py",
    "keras_guides/custom_train_step.py",
    "keras_guides/fit_from_generator.py",
]


def printed(text: str, label: str) -> float:
    """The number printed after ``label: ``."""
    match = re.search(rf"{label}: (\d+\.\d+)", text)
    assert match, text
    return float(match.group(1))


def test_custom_training_loop_reports_every_epoch_and_learns():
    text, result = run_example("custom_training_loop.py", "--quick")
    assert text.startswith("quick mode: 300 training digits, 3 epochs")
    assert re.findall(r"epoch +(\d+): loss \d\.\d{4}, train accuracy", text) == ["1", "2", "3"]
    losses = result["epoch_losses"]
    assert len(losses) == 3 and losses[2] < losses[0]
    assert printed(text, "test accuracy") == pytest.approx(result["test_accuracy"], abs=5e-5)
    assert "on 360 digits" in text
    assert result["test_accuracy"] > 0.5  # chance is 0.1; three quick epochs give about 0.77


def test_multi_output_model_reports_each_output():
    text, result = run_example("multi_output_loss_weights.py", "--quick")
    assert "'digit_loss'" in text and "'ink_loss'" in text and "'val_ink_mae'" in text
    history = result["history"]
    assert sorted(history) == [
        "digit_accuracy",
        "digit_loss",
        "ink_loss",
        "ink_mae",
        "loss",
        "val_digit_accuracy",
        "val_digit_loss",
        "val_ink_loss",
        "val_ink_mae",
        "val_loss",
    ]
    assert len(history["loss"]) == 3 and history["loss"][2] < history["loss"][0]
    # predict's argmax agrees with evaluate's accuracy metric.
    accuracy = result["test_digit_accuracy"]
    assert accuracy == pytest.approx(result["test"]["digit_accuracy"], abs=1e-6)
    assert printed(text, "test digit accuracy from predict") == pytest.approx(accuracy, abs=5e-5)


def test_cnn_example_trains_and_evaluates_on_the_digits():
    text, result = run_example("cnn_digits.py", "--quick")
    assert 'Model: "cnn_digits"' in text
    assert "trained 2 epochs in " in text
    losses = result["losses"]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert printed(text, "test loss") == pytest.approx(result["test_loss"], abs=5e-5)
    assert printed(text, "test accuracy") == pytest.approx(result["test_accuracy"], abs=5e-5)
    assert result["test_accuracy"] > 0.3  # chance is 0.1; two quick epochs give about 0.63


def test_lstm_example_classifies_digit_rows_as_sequences():
    text, result = run_example("lstm_sequence_classifier.py", "--quick")
    assert 'Model: "lstm_digits"' in text and "reader (LSTM)" in text
    history = result["history"]
    assert len(history["loss"]) == 3 and history["loss"][2] < history["loss"][0]
    assert f"validation accuracy {history['val_accuracy'][-1]:.4f}" in text
    assert printed(text, "test accuracy") == pytest.approx(result["test_accuracy"], abs=5e-5)
    assert result["test_accuracy"] > 0.2  # chance is 0.1; three quick epochs give about 0.49


def test_unet_example_is_a_graph_that_learns_to_denoise():
    text, result = run_example("unet_denoising.py", "--quick")
    assert "Connected to" in text  # the skip connections make it a graph, not a chain
    assert "skip_1 (Concatenate)" in text and "skip_2 (Concatenate)" in text
    losses = result["losses"]
    assert len(losses) == 2 and losses[1] < losses[0]
    noisy, denoised = result["noisy_error"], result["model_error"]
    assert printed(text, "noisy input test mse") == pytest.approx(noisy, abs=5e-5)
    assert printed(text, "denoised test mse") == pytest.approx(denoised, abs=5e-5)
    assert math.isfinite(denoised) and denoised > 0
    assert printed(text, "error reduced by") == pytest.approx(noisy / denoised, abs=0.05)


def test_inspect_shared_layers_shows_every_call_and_writes_the_svg(tmp_path):
    target = tmp_path / "shared.svg"
    text, outputs = run_example("inspect_shared_layers.py", str(target), "--quick")
    node_table = text.split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in node_table if line.startswith("block[")] == [
        "block[0]",
        "block[1]",
    ]
    assert {"block[0]", "block[1]", "mix[0]"} <= set(outputs)
    assert outputs["block[1]"].shape == (4, 8)
    difference = re.search(r"computed by hand: max difference (\S+)", text)
    assert difference and float(difference.group(1)) <= 1e-6, text
    assert "block[0] and block[1] differ: True" in text
    assert "'block' is one vertex with 2 edges in, one per call (calls [0, 1])" in text
    assert ElementTree.parse(target).getroot().tag.endswith("svg")
    assert f"Wrote the drawing to {target}" in text


@pytest.mark.parametrize("script", TRAINING_EXAMPLES)
def test_quick_mode_is_a_flag_or_an_environment_variable(script, monkeypatch):
    quick_mode = load_example(script).quick_mode
    monkeypatch.delenv("GRAPHKERAS_EXAMPLES_QUICK", raising=False)
    assert (quick_mode([]), quick_mode(["--quick"])) == (False, True)
    monkeypatch.setenv("GRAPHKERAS_EXAMPLES_QUICK", "1")
    assert quick_mode([]) is True


def test_functional_guide_with_ops_runs_every_scenario():
    text, result = run_example("keras_guides/functional_with_ops.py", "--quick")
    assert text.startswith("quick mode: 300 digits, 1 epoch")
    for step in range(1, 7):
        assert re.search(rf"^{step}\. ", text, re.MULTILINE), step
    # The first model lists its reshape op among its layers.
    assert "reshape (OperationLayer)" in text
    assert 0.0 <= result["first_model_accuracy"] <= 1.0
    assert len(result["ticket_losses"]) == 1 and math.isfinite(result["ticket_losses"][0])
    assert result["shared_calls"] == 2
    assert result["feature_shapes"] == [(4, 64), (4, 32), (4, 32), (4, 10)]
    # Reloaded models compute the same numbers as the saved ones.
    assert set(result["reload_differences"]) == {".gk", ".keras"}
    assert max(result["reload_differences"].values()) <= 1e-6


def test_custom_train_step_guide_runs_every_scenario():
    text, result = run_example("keras_guides/custom_train_step.py", "--quick")
    assert text.startswith("quick mode: 400 digits, 2 epochs")
    for step in range(1, 6):
        assert re.search(rf"^{step}\. ", text, re.MULTILINE), step
    # The hand-written step does what the built-in one does: the same accuracy, exactly.
    assert result["guided_accuracy"] == result["built_in_accuracy"]
    assert f"test accuracy {result['guided_accuracy']:.4f}" in text
    assert result["guided_accuracy"] > 0.5  # chance is 0.1; two quick epochs give about 0.73
    assert sorted(result["own_tracker_history"]) == ["accuracy", "loss"]
    own_losses = result["own_tracker_history"]["loss"]
    assert len(own_losses) == 2 and own_losses[1] < own_losses[0]
    assert 0.0 <= result["recall_of_ones"] <= 1.0
    evaluated = result["evaluated"]
    assert sorted(evaluated) == ["accuracy", "confidence", "loss"]
    assert 0.1 <= evaluated["confidence"] <= 1.0 and len(result["val_confidence"]) == 2
    gan = result["gan_history"]
    assert sorted(gan) == ["d_loss", "g_loss"] and all(math.isfinite(v) for v in gan["d_loss"])
    assert result["gan_sample_shape"] == (4, 64)


def test_fit_from_generator_guide_runs_every_scenario():
    text, result = run_example("keras_guides/fit_from_generator.py", "--quick")
    assert text.startswith("quick mode: 320 digits, 2 epochs")
    for step in range(1, 7):
        assert re.search(rf"^{step}\. ", text, re.MULTILINE), step
    assert len(result["generator_history"]["val_accuracy"]) == 2
    assert result["generator_accuracy"] > 0.3  # chance is 0.1; two quick epochs give about 0.72
    assert result["py_dataset_epochs_seen"] == 2
    # Arrays, a generator and a PyDataset of the same unshuffled batches: the same weights.
    assert result["weight_differences"] == {"generator": 0.0, "PyDataset": 0.0}
    assert result["weighting_difference"] == 0.0
    assert result["evaluated_accuracy"] == pytest.approx(result["predicted_accuracy"], abs=1e-6)
    assert result["ran_out_epochs"] == 1
    assert result["ran_out_warning"].startswith("Your input ran out of data")


def test_every_script_is_exercised_here():
    assert sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.py")) == sorted(
        [*TRAINING_EXAMPLES, "inspect_shared_layers.py"]
    )


@pytest.mark.parametrize(
    "script", sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.py"))
)
def test_every_example_has_a_docstring_saying_how_to_run_it(script):
    text = (EXAMPLES / script).read_text()
    assert text.startswith('"""') and f"python examples/{script}" in text
    assert "--quick" in text
