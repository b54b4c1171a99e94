"""ModelParallel: variables split over the mesh as a LayoutMap says, batches split too."""

from __future__ import annotations

from typing import Any

from graphkeras.distribution.distribution_base import Distribution
from graphkeras.distribution.layout_map import LayoutMap
from graphkeras.distribution.tensor_layout import TensorLayout


class ModelParallel(Distribution):
    """Lay out each variable whose path a ``LayoutMap`` key matches; replicate the rest.

    >>> mesh = DeviceMesh((2, 4), ["batch", "model"])             # doctest: +SKIP
    >>> layout_map = LayoutMap(mesh)                               # doctest: +SKIP
    >>> layout_map["dense.*kernel"] = (None, "model")              # doctest: +SKIP
    >>> parallel = ModelParallel(layout_map=layout_map, batch_dim_name="batch")  # doctest: +SKIP
    >>> set_distribution(parallel)                                 # doctest: +SKIP

    Keys are matched against ``variable.path`` (``"dense_1/kernel"``) and,
    for activations, against ``"<model>/<layer>/output"``. Batches are split
    along ``batch_dim_name`` (the mesh's first axis by default).
    """

    def __init__(self, *, layout_map: LayoutMap, batch_dim_name: str | None = None) -> None:
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                f"ModelParallel layout_map must be a LayoutMap; received "
                f"{type(layout_map).__name__}."
            )
        super().__init__(layout_map.device_mesh, batch_dim_name)
        self._layout_map = layout_map

    @property
    def layout_map(self) -> LayoutMap:
        return self._layout_map

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        """The layout the map gives ``variable.path``, else replicated."""
        layout = self._layout_map[variable.path]
        return layout if layout is not None else super().get_variable_layout(variable)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]
