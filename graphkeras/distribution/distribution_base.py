"""Distribution: where a model's variables, its batches and chosen activations go."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from graphkeras.distribution.device_mesh import DeviceMesh
from graphkeras.distribution.tensor_layout import TensorLayout
from graphkeras.engine import distribution_state


class Distribution:
    """A mesh, the axis batches are split along, and a layout for every variable.

    Subclasses say how variables are laid out (:meth:`get_variable_layout`)
    and which activations are pinned (:meth:`get_tensor_layout`); batches are
    always split along ``batch_dim_name``. Make one current with
    :func:`set_distribution` or ``with distribution.scope():``; models built
    and trained meanwhile use it.
    """

    def __init__(self, device_mesh: DeviceMesh, batch_dim_name: str | None = None) -> None:
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"{type(self).__name__} needs a DeviceMesh; received {type(device_mesh).__name__}."
            )
        batch_dim_name = batch_dim_name or device_mesh.axis_names[0]
        device_mesh.axis_size(batch_dim_name)  # refuses a name the mesh lacks
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str:
        """The mesh axis each batch is split along."""
        return self._batch_dim_name

    @property
    def num_processes(self) -> int:
        """How many processes the job has (``initialize`` joins several)."""
        from graphkeras.backend.jax_backend.distribution import process_count

        return process_count()

    @property
    def num_model_replicas(self) -> int:
        """How many copies of the model see different data: the batch axis's device count."""
        return self._device_mesh.axis_size(self._batch_dim_name)

    def get_data_layout(self, data_shape: Sequence[int]) -> TensorLayout:
        """The layout of a batch of ``data_shape``: split along its first axis."""
        axes = [None] * len(data_shape)
        axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The layout of ``variable``: replicated on every device (a subclass may say otherwise)."""
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        """The layout an activation at ``path`` (``"model/layer/output"``) is pinned to, or None."""
        return None

    @contextlib.contextmanager
    def scope(self) -> Iterator[Distribution]:
        """Make this distribution current inside a ``with`` block, then restore the previous one."""
        previous = distribution_state.current()
        distribution_state.set_current(self)
        try:
            yield self
        finally:
            distribution_state.set_current(previous)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} device_mesh={self._device_mesh!r}, "
            f"batch_dim_name={self._batch_dim_name!r}>"
        )
