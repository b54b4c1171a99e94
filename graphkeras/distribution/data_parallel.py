"""DataParallel: the whole model on every device, each batch split between them."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from graphkeras.distribution.device_mesh import DeviceMesh
from graphkeras.distribution.devices import list_devices
from graphkeras.distribution.distribution_base import Distribution

BATCH_AXIS_NAME = "batch"


class DataParallel(Distribution):
    """Replicate every variable; split each batch over the devices.

    Give a one-axis ``device_mesh``, or ``devices`` (names or JAX devices), or
    neither for every device (:func:`list_devices`). Each device computes the
    gradient of its slice of the batch; XLA sums them across devices inside the
    compiled step, so every replica applies the same update. The global batch
    size must be a multiple of the device count.
    """

    def __init__(
        self, device_mesh: DeviceMesh | None = None, devices: Sequence | None = None
    ) -> None:
        if device_mesh is not None and devices is not None:
            raise ValueError(
                "DataParallel takes a device_mesh or devices, not both; received both."
            )
        if device_mesh is None:
            devices = list_devices() if devices is None else list(devices)
            device_mesh = DeviceMesh((len(devices),), [BATCH_AXIS_NAME], devices)
        elif not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"DataParallel device_mesh must be a DeviceMesh; received "
                f"{type(device_mesh).__name__}."
            )
        elif len(device_mesh.shape) != 1:
            warnings.warn(
                f"DataParallel expects a one-axis mesh; received shape {device_mesh.shape}. "
                f"Batches are split along its first axis, {device_mesh.axis_names[0]!r}, and "
                "copied along the others.",
                stacklevel=2,
            )
        super().__init__(device_mesh, device_mesh.axis_names[0])
