"""The public names of API.md section 1, and the README's examples, stay true."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from child_python import jax_devices_environment, run_python

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

README = Path(__file__).resolve().parent.parent / "README.md"


def test_top_level_names():
    assert isinstance(gk.__version__, str) and gk.__version__.count(".") == 2
    assert gk.Input is gk.engine.Input
    assert gk.KerasTensor is gk.engine.KerasTensor
    assert gk.Model is gk.models.Model and gk.Sequential is gk.models.Sequential
    for module in (
        "layers",
        "backend",
        "models",
        "activations",
        "initializers",
        "regularizers",
        "constraints",
        "utils",
        "datasets",
        "engine",
    ):
        assert hasattr(gk, module), module


def test_engine_names():
    for name in (
        "Layer",
        "InputSpec",
        "Node",
        "KerasHistory",
        "KerasTensor",
        "InputLayer",
        "Input",
        "Network",
        "Model",
        "Sequential",
        "get_source_inputs",
    ):
        assert hasattr(gk.engine, name), name


def test_class_hierarchy():
    assert issubclass(gk.engine.Network, gk.layers.Layer)
    assert issubclass(gk.Model, gk.engine.Network)
    assert issubclass(gk.Sequential, gk.Model)


def test_models_names():
    for name in ("Model", "Sequential", "model_from_json", "model_from_config"):
        assert hasattr(gk.models, name), name


def test_set_random_seed_makes_weights_and_dropout_reproducible():
    def draw():
        gk.utils.set_random_seed(123)
        dense = layers.Dense(5)
        dense.build((None, 4))
        dropped = layers.Dropout(0.5)(np.ones((3, 8), "float32"), training=True)
        return dense.get_weights()[0], dropped

    first, second = draw(), draw()
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    gk.utils.set_random_seed(124)
    dense = layers.Dense(5)
    dense.build((None, 4))
    assert not np.array_equal(dense.get_weights()[0], first[0])


def test_readme_opens_with_the_two_setup_commands():
    text = README.read_text()
    first_block = re.search(r"```bash\n(.*?)```", text, re.S).group(1).strip().splitlines()
    assert first_block == [
        "pip install . && graphkeras demo",
        'pip install -e ".[test]" && pytest -q',
    ]
    assert text.index("```bash") < text.index("## ")


def _readme_blocks() -> tuple[list[str], list[str]]:
    """The README's Python examples: those any backend runs, and the many-device ones."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    distributed = [block for block in blocks if "set_distribution(" in block]
    return [block for block in blocks if block not in distributed], distributed


def test_readme_python_examples_run(tmp_path):
    blocks, _ = _readme_blocks()
    assert blocks
    K.clear_session()
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    finally:
        os.chdir(cwd)
    assert (tmp_path / "model.weights.npz").exists()
    assert namespace["probabilities"].shape == (100, 10)
    np.testing.assert_allclose(namespace["probabilities"].sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.skipif("jax" not in K.installed_backends(), reason="the jax backend is not installed")
def test_readme_many_devices_example_trains_on_eight_simulated_devices():
    _, distributed = _readme_blocks()
    assert len(distributed) == 1
    script = distributed[0] + (
        "\nprint(len(list_devices()), model.layers[1].kernel.value.sharding.num_devices)\n"
    )
    child = run_python(["-c", script], env=jax_devices_environment(8))
    assert child.returncode == 0, child.stderr[-4000:]
    assert child.stdout.strip().splitlines()[-1] == "8 8"
