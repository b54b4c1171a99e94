"""gk.distribution: data- and model-parallel training on eight simulated CPU devices.

The training runs happen in child processes (``distribution_runs.py``): JAX
fixes its devices at start-up, so each child gets
``--xla_force_host_platform_device_count=N``. Each run trains the same seeded
MLP (Dense, Dropout, Dense; Adam) for three epochs on one device and under a
distribution; the results must agree. Two processes joined by
``gk.distribution.initialize`` (coordinator on 127.0.0.1) train it together
over their 2 + 2 devices. Each child has a generous timeout that only stops a
hung run.

Tolerance: ``rtol=1e-5, atol=1e-5``, the issue's 1e-5. Under a distribution
XLA sums the gradient of each device's slice and then across devices, a
different order of float32 additions than one device's sum.

The checks of the API objects (meshes, layouts, layout maps) run in this
process on any backend: they never touch a device until a JAX array is made.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from child_python import (
    free_port,
    jax_devices_environment,
    last_json_line,
    run_python,
    run_pythons_together,
)
from compiled_step_tools import backend_selected

import graphkeras as gk
from graphkeras import backend as K
from graphkeras.distribution import (
    DataParallel,
    DeviceMesh,
    LayoutMap,
    ModelParallel,
    TensorLayout,
    distribution,
    list_devices,
    set_distribution,
)

RTOL, ATOL = 1e-5, 1e-5
EIGHT = [f"cpu:{index}" for index in range(8)]
RUNS = Path(__file__).with_name("distribution_runs.py")

needs_jax = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)


@pytest.fixture(scope="module")
def runs() -> dict:
    child = run_python([str(RUNS), "eight-devices"], env=jax_devices_environment(8))
    assert child.returncode == 0, child.stderr[-4000:]
    return last_json_line(child.stdout)


@pytest.fixture(scope="module")
def two_processes() -> dict:
    """A data-parallel fit by two processes of 2 devices each, and by one process of 4."""
    coordinator = f"127.0.0.1:{free_port()}"
    finished = run_pythons_together(
        [
            (
                [str(RUNS), "data-parallel", coordinator, "2", str(process_id)],
                jax_devices_environment(2),
            )
            for process_id in (0, 1)
        ]
    )
    for index, child in enumerate(finished):
        assert child.returncode == 0, f"process {index} failed:\n{child.stderr[-4000:]}"
    alone = run_python([str(RUNS), "data-parallel"], env=jax_devices_environment(4))
    assert alone.returncode == 0, alone.stderr[-4000:]
    return {
        "processes": [last_json_line(child.stdout) for child in finished],
        "one_process": last_json_line(alone.stdout),
    }


def _assert_same_training(first: dict, second: dict) -> None:
    np.testing.assert_allclose(first["losses"], second["losses"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(first["evaluated"], second["evaluated"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(first["predicted"], second["predicted"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(
        first["one_row_called"], second["one_row_called"], rtol=RTOL, atol=ATOL
    )
    assert len(first["weights"]) == len(second["weights"]) == 4  # 2 kernels, 2 biases
    for one, other in zip(first["weights"], second["weights"], strict=True):
        np.testing.assert_allclose(one, other, rtol=RTOL, atol=ATOL)


# ------------------------------------------------------------- eight devices


@needs_jax
def test_the_child_sees_eight_devices(runs):
    assert runs["devices"] == EIGHT


@needs_jax
def test_data_parallel_training_ends_with_the_weights_of_one_device(runs):
    _assert_same_training(runs["one_device"], runs["data_parallel"])
    # The losses did move: three epochs of Adam lower them.
    assert runs["data_parallel"]["losses"][-1] < runs["data_parallel"]["losses"][0]


@needs_jax
def test_data_parallel_replicates_the_weights_on_every_device(runs):
    sharding = runs["data_parallel"]["kernel_sharding"]
    assert sharding == {"spec": [None, None], "devices": 8, "shard_shapes": [[12, 16]]}
    assert runs["one_device"]["kernel_sharding"]["devices"] == 1


@needs_jax
def test_data_parallel_with_several_steps_per_program_matches_one_device(runs):
    _assert_same_training(runs["one_device"], runs["data_parallel_folded"])


@needs_jax
def test_model_parallel_on_a_2x4_mesh_gives_the_losses_of_one_device(runs):
    _assert_same_training(runs["one_device"], runs["model_parallel"])


@needs_jax
def test_model_parallel_really_shards_the_kernel_over_the_model_axis(runs):
    # dense_hidden/kernel is (12, 16): its 16 columns split four ways, each
    # quarter copied on the two devices of the batch axis.
    sharding = runs["model_parallel"]["kernel_sharding"]
    assert sharding == {"spec": [None, "model"], "devices": 8, "shard_shapes": [[12, 4]]}


@needs_jax
def test_optimizer_slots_are_laid_out_as_the_weight_they_track(runs):
    # Adam's two slots for dense_hidden/kernel: copied under DataParallel,
    # split like the kernel under ModelParallel.
    assert runs["data_parallel"]["slot_shardings"] == 2 * [
        {"spec": [None, None], "devices": 8, "shard_shapes": [[12, 16]]}
    ]
    assert runs["model_parallel"]["slot_shardings"] == 2 * [
        {"spec": [None, "model"], "devices": 8, "shard_shapes": [[12, 4]]}
    ]


@needs_jax
def test_model_parallel_shards_an_embedding_table_and_trains_as_one_device(runs):
    one, parallel = runs["embedding_one_device"], runs["embedding_model_parallel"]
    np.testing.assert_allclose(one["losses"], parallel["losses"], rtol=RTOL, atol=ATOL)
    for first, second in zip(one["weights"], parallel["weights"], strict=True):
        np.testing.assert_allclose(first, second, rtol=RTOL, atol=ATOL)
    # 32 rows of 8: the 8 columns split over the 4 devices of the model axis.
    assert parallel["embeddings_sharding"] == {
        "spec": [None, "model"],
        "devices": 8,
        "shard_shapes": [[32, 2]],
    }


@needs_jax
def test_a_batch_the_devices_do_not_divide_is_refused_with_the_numbers(runs):
    message = runs["refused_batch"]
    assert "batch of 12 rows" in message
    assert "8 devices" in message and "'batch'" in message
    assert "multiple of 8" in message


# ---------------------------------------------------------- two processes


@needs_jax
def test_two_processes_train_together_and_agree_on_the_weights(two_processes):
    first, second = two_processes["processes"]
    assert first["devices"] == second["devices"] and len(first["devices"]) == 4
    # Exact: each process reads its own copy of replicated weights, and the copies
    # are equal bit for bit (one all-reduced gradient, the same update on each).
    assert first["weights"] == second["weights"]
    assert first["losses"] == second["losses"]
    assert first["kernel_sharding"]["devices"] == 4


@needs_jax
def test_two_processes_train_as_one_process_with_as_many_devices(two_processes):
    _assert_same_training(two_processes["one_process"], two_processes["processes"][0])


# ------------------------------------------------------------ the API objects


def test_the_numpy_backend_refuses_a_distribution_and_names_jax():
    with backend_selected("numpy"):
        with pytest.raises(ValueError, match="needs the JAX backend.*GRAPHKERAS_BACKEND=jax"):
            set_distribution(DataParallel(devices=["cpu:0"]))
        assert distribution() is None
        assert list_devices() == ["cpu:0"]
        with pytest.raises(ValueError, match="CPU only.*device_type='gpu'"):
            list_devices("gpu")
        with pytest.raises(ValueError, match="JAX backend"):
            gk.distribution.initialize("127.0.0.1:1234", 1, 0)


@needs_jax
def test_switching_to_numpy_drops_the_distribution():
    with backend_selected("jax"):
        set_distribution(DataParallel(devices=list_devices()[:1]))
        assert distribution() is not None
        with backend_selected("numpy"):
            assert distribution() is None
            model = gk.Sequential([gk.layers.Dense(2)])
            model.build((None, 3))  # the weight is made on numpy, placed nowhere
            assert model.layers[0].kernel.shape == (3, 2)
        set_distribution(None)


def test_a_scope_refused_on_numpy_leaves_no_distribution_behind():
    with backend_selected("numpy"):
        with pytest.raises(ValueError, match="JAX backend"):
            with DataParallel(devices=["cpu:0"]).scope():
                pass
        assert distribution() is None


def test_a_device_mesh_lays_its_devices_out_in_its_shape():
    mesh = DeviceMesh((2, 4), ["batch", "model"], EIGHT)
    assert mesh.shape == (2, 4)
    assert mesh.axis_names == ("batch", "model")
    assert mesh.devices[1, 2] == "cpu:6"
    assert mesh.axis_size("model") == 4


@pytest.mark.parametrize(
    "arguments, message",
    [
        (((2, 4), ["batch"]), "one axis name per dimension"),
        (((3, 4), ["batch", "model"]), "needs 12 devices; received 8"),
        (((2, 4), ["batch", "batch"]), "distinct strings"),
        (((), []), "non-empty shape"),
    ],
)
def test_a_device_mesh_that_does_not_fit_is_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        DeviceMesh(*arguments, devices=EIGHT)


def test_a_layout_naming_an_axis_the_mesh_lacks_is_refused():
    mesh = DeviceMesh((8,), ["batch"], EIGHT)
    with pytest.raises(ValueError, match=r"name \['model'\].*its axes are \['batch'\]"):
        TensorLayout((None, "model"), mesh)
    with pytest.raises(ValueError, match="mesh axis names or None"):
        TensorLayout("batch", mesh)
    layout = TensorLayout(("batch", None))
    layout.device_mesh = mesh
    with pytest.raises(ValueError, match="is set once"):
        layout.device_mesh = mesh


def test_a_layout_map_matches_whole_paths_and_refuses_two_matches():
    mesh = DeviceMesh((2, 4), ["batch", "model"], EIGHT)
    layout_map = LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    layout_map["dense.*bias"] = TensorLayout(("model",))
    assert layout_map["dense_1/kernel"].axes == (None, "model")
    assert layout_map["dense_1/kernel"].device_mesh is mesh
    assert layout_map["dense/bias"].axes == ("model",)
    # The whole path must match: a Sequential's prefix is not skipped.
    assert layout_map["sequential/dense/kernel"] is None
    assert layout_map["conv2d/kernel"] is None
    layout_map[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="matches several LayoutMap keys"):
        layout_map["dense_2/kernel"]
    with pytest.raises(ValueError, match="each key is set once"):
        layout_map["dense.*bias"] = ("model",)
    assert len(layout_map) == 3
    del layout_map[".*kernel"]
    assert list(layout_map) == ["dense.*kernel", "dense.*bias"]


def test_a_layout_map_refuses_what_is_not_a_layout():
    layout_map = LayoutMap(DeviceMesh((8,), ["batch"], EIGHT))
    with pytest.raises(ValueError, match="TensorLayout or a tuple.*received int"):
        layout_map["dense/kernel"] = 3
    with pytest.raises(ValueError, match="not a regular expression"):
        layout_map["dense(/kernel"] = (None, None)
    other = DeviceMesh((8,), ["batch"], EIGHT)
    with pytest.raises(ValueError, match="has its own mesh"):
        layout_map["dense/bias"] = TensorLayout(("batch",), other)


def test_data_parallel_builds_a_batch_mesh_or_takes_one():
    assert DataParallel(devices=EIGHT).device_mesh.shape == (8,)
    assert DataParallel(devices=EIGHT).batch_dim_name == "batch"
    mesh = DeviceMesh((8,), ["data"], EIGHT)
    assert DataParallel(device_mesh=mesh).batch_dim_name == "data"
    with pytest.raises(ValueError, match="not both"):
        DataParallel(device_mesh=mesh, devices=EIGHT)
    with pytest.warns(UserWarning, match="one-axis mesh"):
        DataParallel(device_mesh=DeviceMesh((2, 4), ["batch", "model"], EIGHT))


def test_model_parallel_lays_out_variables_by_path_and_replicates_the_rest():
    mesh = DeviceMesh((2, 4), ["batch", "model"], EIGHT)
    layout_map = LayoutMap(mesh)
    layout_map["dense.*kernel"] = (None, "model")
    parallel = ModelParallel(layout_map=layout_map, batch_dim_name="batch")
    assert parallel.num_model_replicas == 2

    class Weight:
        def __init__(self, path, shape):
            self.path, self.shape = path, shape

    assert parallel.get_variable_layout(Weight("dense_3/kernel", (4, 8))).axes == (None, "model")
    assert parallel.get_variable_layout(Weight("dense_3/bias", (8,))).axes == (None,)
    assert parallel.get_data_layout((16, 3)).axes == ("batch", None)
    with pytest.raises(ValueError, match="must be a LayoutMap"):
        ModelParallel(layout_map={"dense.*kernel": (None, "model")})
    with pytest.raises(ValueError, match="not an axis of this DeviceMesh"):
        ModelParallel(layout_map=layout_map, batch_dim_name="data")
