"""The JAX backend's device functions: devices, processes, array placement and read-back.

Runs over 8 simulated devices and over two processes happen in child
processes (distribution_worker.py), since JAX fixes its devices when it
starts; the argument checks run here, as they fail before JAX is touched.
"""

from __future__ import annotations

from pathlib import Path

import distribution_worker
import numpy as np
import pytest
from child_python import (
    free_port,
    jax_devices_environment,
    last_json_line,
    run_python,
    run_pythons_together,
)

from graphkeras import backend as K

pytestmark = pytest.mark.skipif(
    "jax" not in K.installed_backends(), reason="the jax backend is not installed"
)

WORKER = Path(__file__).with_name("distribution_worker.py")


@pytest.fixture
def distribution():
    from graphkeras.backend.jax_backend import distribution

    return distribution


# --- one process, 8 devices ----------------------------------------------------------------


@pytest.fixture(scope="module")
def placement_report() -> dict:
    finished = run_python([str(WORKER), "placement"], env=jax_devices_environment(8))
    assert finished.returncode == 0, finished.stderr
    return last_json_line(finished.stdout)


def test_list_devices_names_every_simulated_device(placement_report):
    expected = [f"cpu:{index}" for index in range(8)]
    assert placement_report["devices"] == expected
    assert placement_report["cpu_devices"] == expected


def test_devices_by_name_gives_the_devices_in_the_order_named(placement_report):
    assert placement_report["mesh_devices"] == [f"cpu:{index}" for index in range(8)]


def test_distribute_array_shards_the_model_axis_over_the_mesh(placement_report):
    assert placement_report["sharding_matches"]
    assert placement_report["spec"] == ["None", "model"]
    shards = placement_report["shards"]
    # 8 columns over the 4 devices of the "model" axis; the 2 "batch" rows of the mesh repeat it.
    assert sorted(shard["device"] for shard in shards) == sorted(f"cpu:{i}" for i in range(8))
    assert all(shard["shape"] == [4, 2] for shard in shards)
    assert all(shard["holds_its_slice"] for shard in shards)


def test_distribute_array_returns_an_array_already_laid_out_unchanged(placement_report):
    assert placement_report["placed_again_is_same_object"]


def test_distribute_array_rejects_a_dimension_its_devices_do_not_divide(placement_report):
    # 7 columns cannot be split over the 4 devices of the "model" axis.
    assert "shape (4, 7) cannot take this layout" in placement_report["indivisible_error"]


def test_to_host_reads_a_sharded_array_back_whole(placement_report):
    # Placing and reading back copies values without arithmetic, so they come back exactly.
    read_back = np.array(placement_report["read_back"], dtype=placement_report["read_back_dtype"])
    np.testing.assert_array_equal(read_back, distribution_worker.placement_value())
    assert read_back.dtype == np.float32


# --- two processes -------------------------------------------------------------------------


def _numpy_training() -> dict[str, np.ndarray]:
    """The worker's SGD loop in float64 numpy, with the gradient of the mean squared error."""
    features, targets = (array.astype("float64") for array in distribution_worker.regression_data())
    kernel, bias = np.zeros((3, 1)), np.zeros(1)
    for step in range(distribution_worker.STEPS):
        rows = distribution_worker.batch_rows(step)
        batch, wanted = features[rows], targets[rows]
        error = batch @ kernel + bias - wanted
        kernel = kernel - distribution_worker.LEARNING_RATE * 2 * batch.T @ error / error.size
        bias = bias - distribution_worker.LEARNING_RATE * 2 * error.sum(axis=0) / error.size
    return {"kernel": kernel, "bias": bias}


@pytest.fixture(scope="module")
def two_process_reports() -> list[dict]:
    """Two processes of 2 devices each train together; process 0 gets arguments, 1 the
    environment with only the coordinator's address."""
    coordinator = f"127.0.0.1:{free_port()}"
    commands = [
        ([f"{coordinator},127.0.0.1:{free_port()}", "2", "0"], {}),
        (
            [],
            {
                "GRAPHKERAS_DISTRIBUTION_JOB_ADDRESSES": coordinator,
                "GRAPHKERAS_DISTRIBUTION_NUM_PROCESSES": "2",
                "GRAPHKERAS_DISTRIBUTION_PROCESS_ID": "1",
            },
        ),
    ]
    finished = run_pythons_together(
        [
            ([str(WORKER), "data-parallel", *arguments], jax_devices_environment(2, **variables))
            for arguments, variables in commands
        ]
    )
    for index, child in enumerate(finished):
        assert child.returncode == 0, f"process {index} failed:\n{child.stderr}\n{child.stdout}"
    return [last_json_line(child.stdout) for child in finished]


def test_processes_see_each_other_and_all_four_devices(two_process_reports):
    assert [report["process_index"] for report in two_process_reports] == [0, 1]
    assert all(report["process_count"] == 2 for report in two_process_reports)
    devices = two_process_reports[0]["devices"]
    assert len(devices) == 4 and len(set(devices)) == 4
    assert two_process_reports[1]["devices"] == devices


def test_each_process_holds_only_its_own_rows_of_a_batch(two_process_reports):
    # A batch of 8 rows over 4 devices: 2 rows on each of this process's 2 devices.
    for report in two_process_reports:
        assert report["local_batch_shard_shapes"] == [[2, 3], [2, 3]]
        assert not report["features_fully_addressable"]
        assert report["features_read_back"]


def test_data_parallel_training_agrees_across_processes_and_with_numpy(two_process_reports):
    first, second = two_process_reports
    # Exact: each process reads its own copy of the replicated weights, equal bit for
    # bit (one all-reduced gradient, the same update on each copy).
    assert first["kernel"] == second["kernel"] and first["bias"] == second["bias"]
    expected = _numpy_training()
    # float32 on 4 devices against float64 numpy: rounding differs in the last bits.
    np.testing.assert_allclose(first["kernel"], expected["kernel"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(first["bias"], expected["bias"], rtol=1e-5, atol=1e-5)


def test_weights_donated_to_a_sharded_step_are_consumed(two_process_reports):
    assert all(report["first_weights_donated"] for report in two_process_reports)


def test_initialize_gives_every_process_the_same_unseeded_draws(two_process_reports):
    first, second = two_process_reports
    assert first["unseeded_draw"] == second["unseeded_draw"]


# --- argument checks (in this process: they fail before JAX is asked anything) --------------


@pytest.mark.parametrize("job_addresses", ["127.0.0.1", "127.0.0.1:port", "host:1234,", ":1234"])
def test_initialize_rejects_a_malformed_job_address(distribution, job_addresses):
    with pytest.raises(ValueError, match="host:port"):
        distribution.initialize(job_addresses, num_processes=1, process_id=0)


def test_initialize_rejects_job_addresses_that_disagree_with_num_processes(distribution):
    with pytest.raises(ValueError, match="lists 2 jobs.*num_processes is 3"):
        distribution.initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=3, process_id=0)


@pytest.mark.parametrize("process_id", [-1, 2])
def test_initialize_rejects_a_process_id_outside_the_run(distribution, process_id):
    with pytest.raises(ValueError, match="process_id must run from 0 to num_processes - 1"):
        distribution.initialize("10.0.0.1:1234", num_processes=2, process_id=process_id)


def test_initialize_names_the_environment_variable_holding_a_bad_value(distribution, monkeypatch):
    monkeypatch.setenv("GRAPHKERAS_DISTRIBUTION_NUM_PROCESSES", "two")
    with pytest.raises(ValueError, match="GRAPHKERAS_DISTRIBUTION_NUM_PROCESSES.*'two'"):
        distribution.initialize("10.0.0.1:1234", process_id=0)


def test_initialize_after_jax_has_started_says_it_came_too_late(distribution):
    distribution.list_devices()  # starts JAX's backend in this process
    with pytest.raises(RuntimeError, match="could not join.*must be called before any JAX"):
        distribution.initialize("127.0.0.1:1234", num_processes=1, process_id=0)


def test_list_devices_names_the_types_present_when_one_is_absent(distribution):
    with pytest.raises(ValueError, match=r"no devices of type 'tpu'.*present are \['cpu'"):
        distribution.list_devices("tpu")


def test_devices_by_name_inverts_list_devices(distribution):
    names = distribution.list_devices("CPU")
    devices = distribution.devices_by_name(names)
    assert [distribution.device_name(device) for device in devices] == names


@pytest.mark.parametrize(
    ("names", "message"),
    [(["cpu:4096"], "no device is named 'cpu:4096'"), (["cpu0"], "look like '<type>:<id>'")],
)
def test_devices_by_name_rejects_a_name_no_device_has(distribution, names, message):
    with pytest.raises(ValueError, match=message):
        distribution.devices_by_name(names)


def test_distribute_array_rejects_a_layout_naming_more_dimensions_than_it_has(distribution):
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    device = distribution.devices_by_name(distribution.list_devices("cpu")[:1])
    layout = NamedSharding(Mesh(np.array(device), ("batch",)), PartitionSpec("batch", None))
    with pytest.raises(ValueError, match=r"names 2 dimensions, but the array has shape \(3,\)"):
        distribution.distribute_array(np.zeros(3), layout)


def test_to_host_gives_a_writable_copy(distribution):
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    device = distribution.devices_by_name(distribution.list_devices("cpu")[:1])
    layout = NamedSharding(Mesh(np.array(device), ("batch",)), PartitionSpec("batch"))
    value = np.arange(4.0)
    placed = distribution.distribute_array(value, layout)
    assert distribution.distribute_array(placed, layout) is placed
    read_back = distribution.to_host(placed)
    read_back[0] = 10.0
    # Exact: placing and reading back copies values without arithmetic.
    np.testing.assert_array_equal(distribution.to_host(placed), value)
