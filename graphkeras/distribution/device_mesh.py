"""DeviceMesh: the devices laid out as an n-dimensional grid with named axes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphkeras.distribution.devices import list_devices


class DeviceMesh:
    """Devices arranged as a grid of ``shape`` whose axes are called ``axis_names``.

    A data-parallel mesh has one axis (``DeviceMesh((8,), ["batch"])``); a
    mesh of shape ``(2, 4)`` with axes ``("batch", "model")`` splits each batch
    two ways and each sharded weight four ways. ``devices`` defaults to every
    device (:func:`list_devices`); it may hold device names or JAX devices.
    """

    def __init__(
        self, shape: Sequence[int], axis_names: Sequence[str], devices: Sequence | None = None
    ) -> None:
        if not shape or not axis_names:
            raise ValueError(
                "DeviceMesh needs a non-empty shape and axis_names; received "
                f"shape={shape!r}, axis_names={axis_names!r}."
            )
        shape = tuple(int(size) for size in shape)
        axis_names = tuple(axis_names)
        if len(shape) != len(axis_names):
            raise ValueError(
                f"DeviceMesh needs one axis name per dimension of its shape; received "
                f"shape={shape} ({len(shape)} dimensions) and axis_names={list(axis_names)}."
            )
        if len(set(axis_names)) != len(axis_names) or not all(
            isinstance(name, str) for name in axis_names
        ):
            raise ValueError(
                f"DeviceMesh axis_names must be distinct strings; received {list(axis_names)}."
            )
        if devices is None:
            devices = list_devices()
        devices = np.array(devices, dtype=object)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"DeviceMesh of shape {shape} needs {math.prod(shape)} devices; received "
                f"{devices.size}."
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = devices.reshape(shape)
        self._backend_mesh = None

    @property
    def shape(self) -> tuple[int, ...]:
        return self._shape

    @property
    def axis_names(self) -> tuple[str, ...]:
        return self._axis_names

    @property
    def devices(self) -> np.ndarray:
        """The devices as an array of ``shape`` (names or JAX devices, as given)."""
        return self._devices

    def axis_size(self, axis_name: str) -> int:
        """How many devices lie along the axis called ``axis_name``."""
        if axis_name not in self._axis_names:
            raise ValueError(
                f"{axis_name!r} is not an axis of this DeviceMesh; its axes are "
                f"{list(self._axis_names)}."
            )
        return self._shape[self._axis_names.index(axis_name)]

    @property
    def backend_mesh(self) -> Any:
        """The ``jax.sharding.Mesh`` of these devices (made on first use; JAX backend only)."""
        if self._backend_mesh is None:
            from jax.sharding import Mesh

            from graphkeras.backend.jax_backend.distribution import devices_by_name

            flat = [
                device if not isinstance(device, str) else None for device in self._devices.flat
            ]
            names = [device for device in self._devices.flat if isinstance(device, str)]
            found = iter(devices_by_name(names))
            flat = [device if device is not None else next(found) for device in flat]
            grid = np.array(flat, dtype=object).reshape(self._shape)
            self._backend_mesh = Mesh(grid, self._axis_names)
        return self._backend_mesh

    def __repr__(self) -> str:
        return f"<DeviceMesh shape={self._shape}, axis_names={list(self._axis_names)}>"
