"""A layer's name scope: why its weights are called ``"sequential/dense/kernel"``.

As in Keras 3, a layer opens a name scope (``K.name_scope``) with its own
name while it builds, so every Variable it makes, and every weight of a
sublayer it builds then, has a path under the layer's name. The scope is
opened by:

* every ``build`` method: :func:`scoped_build` wraps each one a Layer
  subclass defines (``Layer.__init_subclass__`` does it), so a parent's build
  calling ``self.cell.build(...)`` nests the cell under the parent;
* the first call of a layer that is not built yet (eager or symbolic), so
  sublayers a ``call`` builds on first use sit under it too;
* ``add_weight``, for weights made outside ``build``.

Only building pays: the call of a built layer opens nothing.

A layer remembers where its scope was first opened (``_parent_path``) and
reopens it there, so a weight it makes later from another context keeps
the place of its siblings. Reopening the innermost scope of the same layer
adds nothing (the build that reaches ``add_weight``, or a subclass build that
calls its parent class's build).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from graphkeras import backend as K


def layer_scope(layer: Any) -> K.name_scope:
    """The name scope of ``layer``, under the path it was first opened at."""
    parent = layer._parent_path
    if parent is None:
        parent = layer._parent_path = K.current_path()
    return K.name_scope(layer.name, caller=layer, override_parent=parent)


def scoped_build(build: Callable) -> Callable:
    """``build`` run inside its layer's name scope (a wrapped build is returned as it is)."""
    if getattr(build, "_opens_layer_scope", False):
        return build

    @functools.wraps(build)
    def build_in_layer_scope(self, *args, **kwargs):
        with layer_scope(self):
            return build(self, *args, **kwargs)

    build_in_layer_scope._opens_layer_scope = True
    return build_in_layer_scope
