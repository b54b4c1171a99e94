"""Devices, processes and array placement for training on many devices with JAX.

``graphkeras.distribution`` describes *where* things go (a mesh of devices,
layouts of variables and batches); this module does the placing, with
JAX's own machinery: a ``jax.sharding.Sharding`` says which device holds
which slice of an array, ``jax.distributed`` joins several processes (one
per host, usually) into one set of global devices, and XLA inserts the
communication a compiled step over sharded arrays needs.

Devices are named as Keras 3 names them, ``"<platform>:<id>"`` (``"cpu:0"``,
``"gpu:3"``), with JAX's global device ids, so a name means the same device
in every process.

With several processes each one only *addresses* its own devices: it can
write and read the shards those hold, never the others. Every process
holds the same full (global) value of a batch or a weight, as the training
loops do, and :func:`distribute_array` makes each process contribute just
the shards its devices hold; :func:`to_host` gathers a sharded result back
into a full numpy array in every process (a collective: all processes must
call it at the same point).

This module is not part of the backend's op namespace: the distribution
package imports it directly.
"""

from __future__ import annotations

import os
import secrets

import jax
import numpy as np
from jax.experimental import multihost_utils

from graphkeras.backend.jax_backend import random as backend_random

#: Environment variables :func:`initialize` reads for the arguments it is not given.
JOB_ADDRESSES_VARIABLE = "GRAPHKERAS_DISTRIBUTION_JOB_ADDRESSES"
NUM_PROCESSES_VARIABLE = "GRAPHKERAS_DISTRIBUTION_NUM_PROCESSES"
PROCESS_ID_VARIABLE = "GRAPHKERAS_DISTRIBUTION_PROCESS_ID"

#: The device types :func:`list_devices` filters by (JAX's platform names).
DEVICE_TYPES = ("cpu", "gpu", "tpu")


# --- devices -------------------------------------------------------------------------------


def device_name(device: jax.Device) -> str:
    """The name of a JAX device, ``"<platform>:<global id>"``, e.g. ``"cpu:0"``."""
    return f"{device.platform}:{device.id}"


def _devices_of_type(device_type: str) -> list[jax.Device] | None:
    """Every global device of a type, or None when JAX has no backend for it here."""
    try:
        return jax.devices(device_type)
    except RuntimeError:
        return None


def _existing_device_types() -> list[str]:
    return [kind for kind in DEVICE_TYPES if _devices_of_type(kind)]


def list_devices(device_type: str | None = None) -> list[str]:
    """The names of all global devices (of every process), e.g. ``["cpu:0", "cpu:1"]``.

    ``device_type`` (``"cpu"``, ``"gpu"`` or ``"tpu"``, any case) picks the
    devices of that type; without it the devices of JAX's default backend
    (the accelerator when there is one) are listed.

    >>> list_devices("cpu")  # doctest: +SKIP
    ['cpu:0', 'cpu:1', 'cpu:2', 'cpu:3']
    """
    if device_type is None:
        return [device_name(device) for device in jax.devices()]
    if not isinstance(device_type, str):
        raise TypeError(
            f"list_devices: device_type must be a str such as 'cpu' or 'gpu', or None; "
            f"received {device_type!r}."
        )
    kind = device_type.lower()
    devices = _devices_of_type(kind) if kind in DEVICE_TYPES else None
    if not devices:
        raise ValueError(
            f"list_devices: there are no devices of type {device_type!r} here; "
            f"the device types present are {_existing_device_types()} "
            f"(types this function knows: {list(DEVICE_TYPES)})."
        )
    return [device_name(device) for device in devices]


def _parse_device_name(name) -> tuple[str, int]:
    """``"gpu:3"`` -> ``("gpu", 3)``, or a ValueError saying what a name looks like."""
    if not isinstance(name, str):
        raise TypeError(f"A device name must be a str such as 'cpu:0'; received {name!r}.")
    platform, separator, number = name.partition(":")
    if not separator or not number.isdigit() or platform.lower() not in DEVICE_TYPES:
        raise ValueError(
            f"Device names look like '<type>:<id>' with a type in {list(DEVICE_TYPES)}, "
            f"e.g. 'cpu:0' or 'gpu:1' (see list_devices()); received {name!r}."
        )
    return platform.lower(), int(number)


def devices_by_name(names: list[str]) -> list[jax.Device]:
    """The JAX devices that ``names`` (from :func:`list_devices`) name, in the same order.

    A device may be named once only (a mesh holds each device once).
    """
    if isinstance(names, str) or not hasattr(names, "__iter__"):
        raise TypeError(
            f"devices_by_name: names must be a list of device names such as ['cpu:0'], "
            f"not {names!r}."
        )
    found: list[jax.Device] = []
    known: dict[str, jax.Device] = {}
    for name in names:
        platform, number = _parse_device_name(name)
        if not any(device.platform == platform for device in known.values()):
            known.update(
                {device_name(device): device for device in _devices_of_type(platform) or ()}
            )
        canonical = f"{platform}:{number}"
        if canonical not in known:
            existing = [device_name(device) for device in jax.devices()]
            raise ValueError(
                f"devices_by_name: no device is named {name!r}; the devices here are "
                f"{existing} (list_devices(device_type) lists those of other types)."
            )
        if known[canonical] in found:
            raise ValueError(f"devices_by_name: device {name!r} is named twice in {names!r}.")
        found.append(known[canonical])
    return found


# --- processes -----------------------------------------------------------------------------


def _integer_setting(value, argument: str, variable: str) -> int | None:
    """``value`` if given, else the environment variable's value, as an int (or None)."""
    source = f"argument {argument}"
    if value is None:
        if variable not in os.environ:
            return None
        value, source = os.environ[variable], f"environment variable {variable}"
        try:
            value = int(value.strip())
        except ValueError:
            raise ValueError(
                f"initialize: {source} must hold an integer; it holds {value!r}."
            ) from None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"initialize: {source} must be an int; received {value!r}.")
    return int(value)


def _coordinator_address(job_addresses: str | None, num_processes: int | None) -> str | None:
    """The coordinator's ``"host:port"``: the first of the comma-separated job addresses."""
    if job_addresses is None:
        return None
    if not isinstance(job_addresses, str):
        raise ValueError(
            f"initialize: job_addresses must be a str of comma-separated 'host:port' "
            f"addresses (the first is the coordinator); received {job_addresses!r}."
        )
    addresses = [address.strip() for address in job_addresses.split(",")]
    for address in addresses:
        host, separator, port = address.rpartition(":")
        if not host or not separator or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(
                f"initialize: each job address must look like 'host:port' (e.g. "
                f"'10.0.0.1:1234'); {address!r} in job_addresses={job_addresses!r} does not."
            )
    if len(addresses) > 1 and num_processes is not None and len(addresses) != num_processes:
        raise ValueError(
            f"initialize: job_addresses lists {len(addresses)} jobs ({job_addresses!r}) but "
            f"num_processes is {num_processes}; list one address per process, or only "
            f"the coordinator's."
        )
    return addresses[0]


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Join this process to a multi-process (multi-host) run; call it before any JAX work.

    ``job_addresses`` is a comma-separated list of ``"host:port"`` addresses,
    one per process, whose first is the coordinator's (process 0), or just
    the coordinator's address. ``process_id`` runs from 0 to
    ``num_processes - 1``. An argument left None is read from the
    environment variables ``GRAPHKERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``..._NUM_PROCESSES`` and ``..._PROCESS_ID``; what is still missing JAX
    tries to find from the cluster it runs on (Cloud TPU, SLURM, ...).

    Afterwards ``list_devices()`` lists the devices of every process, and the
    processes draw the same unseeded random numbers (process 0 picks the
    seed), so weights each process initialises on its own agree.

    Example, on each of two hosts (``process_id`` 0 on the first)::

        initialize("10.0.0.1:1234,10.0.0.2:1234", num_processes=2, process_id=0)
    """
    num_processes = _integer_setting(num_processes, "num_processes", NUM_PROCESSES_VARIABLE)
    process_id = _integer_setting(process_id, "process_id", PROCESS_ID_VARIABLE)
    if job_addresses is None:
        job_addresses = os.environ.get(JOB_ADDRESSES_VARIABLE)
    if num_processes is not None and num_processes < 1:
        raise ValueError(f"initialize: num_processes must be at least 1; received {num_processes}.")
    if process_id is not None and (
        process_id < 0 or (num_processes is not None and process_id >= num_processes)
    ):
        raise ValueError(
            f"initialize: process_id must run from 0 to num_processes - 1 "
            f"({'unknown' if num_processes is None else num_processes - 1}); "
            f"received {process_id}."
        )
    coordinator = _coordinator_address(job_addresses, num_processes)
    # Cross-process collectives on CPU need an implementation; without one
    # XLA refuses any multi-process program ("Multiprocess computations
    # aren't implemented on the CPU backend"). Gloo ships with jaxlib.
    if jax.config.jax_cpu_collectives_implementation is None:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
    try:
        jax.distributed.initialize(
            coordinator_address=coordinator, num_processes=num_processes, process_id=process_id
        )
    except RuntimeError as error:
        raise RuntimeError(
            f"initialize could not join the multi-process run (coordinator {coordinator!r}, "
            f"num_processes={num_processes}, process_id={process_id}): {error}"
        ) from error
    _agree_on_random_seed()


def _agree_on_random_seed() -> None:
    """Seed every process's unseeded draws alike, with fresh entropy from process 0."""
    proposed = np.uint32(secrets.randbits(32))
    agreed = multihost_utils.broadcast_one_to_all(proposed)
    backend_random.set_random_seed(int(agreed))


def process_index() -> int:
    """This process's number in a multi-process run (0 when running alone)."""
    return jax.process_index()


def process_count() -> int:
    """How many processes the run has (1 unless :func:`initialize` joined several)."""
    return jax.process_count()


# --- arrays --------------------------------------------------------------------------------


def _has_sharding(value: jax.Array, sharding: jax.sharding.Sharding) -> bool:
    """Whether ``value`` is already laid out as ``sharding`` says (equal or equivalent)."""
    if value.sharding == sharding:
        return True
    return value.sharding.is_equivalent_to(sharding, value.ndim)


def _check_placeable(shape: tuple[int, ...], sharding: jax.sharding.Sharding) -> None:
    """A clear ValueError when an array of ``shape`` cannot take the layout ``sharding``."""
    spec = getattr(sharding, "spec", None)
    if spec is not None and len(spec) > len(shape):
        raise ValueError(
            f"distribute_array: the layout {spec} names {len(spec)} dimensions, but the "
            f"array has shape {shape}."
        )
    try:
        sharding.shard_shape(shape)
    except (ValueError, IndexError) as error:
        raise ValueError(
            f"distribute_array: an array of shape {shape} cannot take this layout; each "
            f"sharded dimension must divide evenly by its number of devices. {error}"
        ) from None


def distribute_array(value, sharding: jax.sharding.Sharding) -> jax.Array:
    """The global array ``value`` laid out over devices as ``sharding`` says.

    ``value`` (numpy, a JAX array, or anything numpy converts) is the full
    value, the same in every process. Each device receives only its own
    slice, so a batch split over 8 devices is never copied whole to each.
    Across processes each one supplies just the shards its own devices hold.
    An array already laid out this way comes back as it is (this is called
    on every step); inside a traced function the layout becomes a sharding
    constraint for XLA.
    """
    if not isinstance(sharding, jax.sharding.Sharding):
        raise TypeError(
            f"distribute_array: sharding must be a jax.sharding.Sharding (e.g. a "
            f"NamedSharding over a Mesh); received {sharding!r}."
        )
    if isinstance(value, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(value, sharding)
    if isinstance(value, jax.Array):
        if _has_sharding(value, sharding):
            return value
        _check_placeable(value.shape, sharding)
        if value.is_fully_addressable and sharding.is_fully_addressable:
            return jax.device_put(value, sharding)
        if not value.is_fully_addressable:
            # A global array laid out another way: XLA moves the pieces.
            return jax.jit(lambda array: array, out_shardings=sharding)(value)
    host_value = value if isinstance(value, jax.Array) else np.asarray(value)
    _check_placeable(host_value.shape, sharding)
    if sharding.is_fully_addressable:
        return jax.device_put(host_value, sharding)
    return jax.make_array_from_callback(host_value.shape, sharding, lambda index: host_value[index])


def to_host(array) -> np.ndarray:
    """A numpy copy of the whole global ``array``, in every process.

    An array whose shards all live in this process, or one every device holds
    whole (replicated), is read locally. One sharded over other processes'
    devices is gathered from all of them: a collective, so every process
    must call this for it at the same point of the program.
    """
    if isinstance(array, jax.core.Tracer):
        raise TypeError(
            "to_host: received a traced value; read arrays back outside jax.jit "
            "and other transformations."
        )
    if not isinstance(array, jax.Array):
        return np.array(array)
    if array.is_fully_addressable:
        return np.array(array)
    if array.is_fully_replicated:
        return np.array(array.addressable_data(0))
    return np.array(multihost_utils.process_allgather(array, tiled=True))


__all__ = [
    "DEVICE_TYPES",
    "JOB_ADDRESSES_VARIABLE",
    "NUM_PROCESSES_VARIABLE",
    "PROCESS_ID_VARIABLE",
    "device_name",
    "devices_by_name",
    "distribute_array",
    "initialize",
    "list_devices",
    "process_count",
    "process_index",
    "to_host",
]
