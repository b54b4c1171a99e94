"""Which devices a distribution can use, and joining several processes into one job.

On the JAX backend these are JAX's devices, named ``"<platform>:<id>"`` as in
Keras 3 (``"cpu:0"``, ``"gpu:3"``), over every process of a multi-process job;
the numpy backend runs on one device, ``"cpu:0"``.
"""

from __future__ import annotations

from graphkeras import backend as K


def list_devices(device_type: str | None = None) -> list[str]:
    """The names of the devices of ``device_type`` (``"cpu"``, ``"gpu"``, ``"tpu"``; default all).

    >>> list_devices("cpu")[0]
    'cpu:0'
    """
    if K.backend() == "jax":
        from graphkeras.backend.jax_backend import distribution

        return distribution.list_devices(device_type)
    if device_type is not None and device_type.lower() != "cpu":
        raise ValueError(
            f"The {K.backend()!r} backend runs on the CPU only; received "
            f"device_type={device_type!r}. Select the JAX backend to use other devices."
        )
    return ["cpu:0"]


def get_device_count(device_type: str | None = None) -> int:
    """How many devices of ``device_type`` there are (all types by default)."""
    return len(list_devices(device_type))


def initialize(
    job_addresses: str | None = None,
    num_processes: int | None = None,
    process_id: int | None = None,
) -> None:
    """Join this process to a multi-process job (several hosts), before any device is used.

    ``job_addresses`` lists the processes' ``host:port`` separated by commas;
    the first is the coordinator (one address names the coordinator alone).
    Arguments left out are read from ``GRAPHKERAS_DISTRIBUTION_JOB_ADDRESSES``,
    ``GRAPHKERAS_DISTRIBUTION_NUM_PROCESSES`` and
    ``GRAPHKERAS_DISTRIBUTION_PROCESS_ID``. Every process then runs the same
    program on the same data; each computes the part of every step its devices
    hold (``jax.distributed.initialize`` underneath).
    """
    if K.backend() != "jax":
        raise ValueError(
            f"gk.distribution.initialize needs the JAX backend; the {K.backend()!r} backend "
            "runs in one process. Select JAX with GRAPHKERAS_BACKEND=jax."
        )
    from graphkeras.backend.jax_backend import distribution

    distribution.initialize(job_addresses, num_processes, process_id)
