"""TensorLayout: how one array is split over a DeviceMesh, axis by axis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphkeras.distribution.device_mesh import DeviceMesh


class TensorLayout:
    """For each dimension of an array, the mesh axis it is split along, or None (kept whole).

    ``TensorLayout((None, "model"), mesh)`` splits a kernel's columns over
    the mesh's ``"model"`` axis and copies it along every other axis. The mesh
    may be given later, once (a ``LayoutMap`` gives its own).
    """

    def __init__(self, axes: Sequence[str | None], device_mesh: DeviceMesh | None = None) -> None:
        if isinstance(axes, str) or not all(axis is None or isinstance(axis, str) for axis in axes):
            raise ValueError(
                "TensorLayout axes must be a sequence of mesh axis names or None, one per "
                f"dimension; received {axes!r}."
            )
        self._axes = tuple(axes)
        self._device_mesh = None
        self._backend_layout = None
        if device_mesh is not None:
            self.device_mesh = device_mesh

    @property
    def axes(self) -> tuple[str | None, ...]:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh) -> None:
        if self._device_mesh is not None:
            raise ValueError(
                f"This TensorLayout already has the mesh {self._device_mesh!r}; a layout's mesh "
                "is set once."
            )
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"TensorLayout.device_mesh must be a DeviceMesh; received "
                f"{type(device_mesh).__name__}."
            )
        unknown = [axis for axis in self._axes if axis is not None]
        unknown = [axis for axis in unknown if axis not in device_mesh.axis_names]
        if unknown:
            raise ValueError(
                f"TensorLayout axes {list(self._axes)} name {unknown}, which are not axes of "
                f"the mesh; its axes are {list(device_mesh.axis_names)}."
            )
        self._device_mesh = device_mesh

    @property
    def backend_layout(self) -> Any:
        """The ``jax.sharding.NamedSharding`` of this layout (JAX backend only)."""
        if self._device_mesh is None:
            raise ValueError(
                f"TensorLayout {list(self._axes)} has no DeviceMesh yet; give it one (or put it "
                "in a LayoutMap) before it is used."
            )
        if self._backend_layout is None:
            from jax.sharding import NamedSharding, PartitionSpec

            self._backend_layout = NamedSharding(
                self._device_mesh.backend_mesh, PartitionSpec(*self._axes)
            )
        return self._backend_layout

    def __repr__(self) -> str:
        return f"<TensorLayout axes={self._axes}, device_mesh={self._device_mesh!r}>"
