"""LayoutMap: variable and tensor paths, as regular expressions, to layouts."""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping

from graphkeras.distribution.device_mesh import DeviceMesh
from graphkeras.distribution.tensor_layout import TensorLayout


class LayoutMap(MutableMapping):
    """A dict from path patterns to ``TensorLayout``s, looked up by whole-path regex match.

    >>> layout_map = LayoutMap(mesh)                         # doctest: +SKIP
    >>> layout_map["dense.*kernel"] = (None, "model")        # doctest: +SKIP
    >>> layout_map["dense_1/kernel"]                          # doctest: +SKIP
    <TensorLayout axes=(None, 'model'), ...>

    Looking a path up returns the layout stored under exactly that key, else
    the one whose key matches the whole path as a regular expression, else
    None (the variable is replicated). A path two keys match is refused, as
    in Keras 3, so the order of the entries never decides. A tuple stored is
    made a ``TensorLayout`` on this map's mesh.
    """

    def __init__(self, device_mesh: DeviceMesh) -> None:
        if not isinstance(device_mesh, DeviceMesh):
            raise ValueError(
                f"LayoutMap needs a DeviceMesh; received {type(device_mesh).__name__}."
            )
        self._device_mesh = device_mesh
        self._layouts: dict[str, TensorLayout] = {}

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    def __getitem__(self, path: str) -> TensorLayout | None:
        if path in self._layouts:
            return self._layouts[path]
        matches = [key for key in self._layouts if re.fullmatch(key, path)]
        if len(matches) > 1:
            raise ValueError(
                f"Path {path!r} matches several LayoutMap keys, {matches}; each path may match "
                "one key at most."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: TensorLayout | tuple | list) -> None:
        if not isinstance(key, str):
            raise ValueError(f"LayoutMap keys are path patterns (str); received {key!r}.")
        if key in self._layouts:
            raise ValueError(
                f"LayoutMap already maps {key!r} to {self._layouts[key]!r}; each key is set once."
            )
        try:
            re.compile(key)
        except re.error as error:
            raise ValueError(
                f"LayoutMap key {key!r} is not a regular expression: {error}."
            ) from None
        if isinstance(layout, tuple | list):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"LayoutMap[{key!r}] must be a TensorLayout or a tuple of mesh axis names and "
                f"None; received {type(layout).__name__}."
            )
        if layout.device_mesh is None:
            layout.device_mesh = self._device_mesh
        elif layout.device_mesh is not self._device_mesh:
            raise ValueError(
                f"LayoutMap[{key!r}] has its own mesh {layout.device_mesh!r}; a LayoutMap's "
                f"layouts share its mesh {self._device_mesh!r}."
            )
        self._layouts[key] = layout

    def __delitem__(self, key: str) -> None:
        del self._layouts[key]

    def __len__(self) -> int:
        return len(self._layouts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)
