"""The second backend: JAX arrays, run eagerly or traced whole into one XLA program.

The functions are spread over modules by theme, as in the numpy backend;
each module lists what it provides in ``__all__`` and this package gathers
them into the flat namespace ``graphkeras/backend/interface.py`` describes.
64-bit types are switched on, so float64 and int64 arrays keep their types
as they do on numpy (float32 stays the default float).
"""

from __future__ import annotations

try:
    import jax
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "The 'jax' backend needs the 'jax' package, which is not installed: "
        "pip install 'graphkeras[jax]'."
    ) from error

jax.config.update("jax_enable_x64", True)

from graphkeras.backend.common import shape_queries as _shape_queries  # noqa: E402
from graphkeras.backend.interface import BACKEND_INTERFACE  # noqa: E402
from graphkeras.backend.jax_backend import autodiff as _autodiff  # noqa: E402
from graphkeras.backend.jax_backend import conv as _conv  # noqa: E402
from graphkeras.backend.jax_backend import core as _core  # noqa: E402
from graphkeras.backend.jax_backend import elementwise as _elementwise  # noqa: E402
from graphkeras.backend.jax_backend import functional_gradients as _functional_gradients  # noqa: E402
from graphkeras.backend.jax_backend import image as _image  # noqa: E402
from graphkeras.backend.jax_backend import indexing as _indexing  # noqa: E402
from graphkeras.backend.jax_backend import linalg as _linalg  # noqa: E402
from graphkeras.backend.jax_backend import nn as _nn  # noqa: E402
from graphkeras.backend.jax_backend import norms as _norms  # noqa: E402
from graphkeras.backend.jax_backend import optimizer_updates as _optimizer_updates  # noqa: E402
from graphkeras.backend.jax_backend import pooling as _pooling  # noqa: E402
from graphkeras.backend.jax_backend import random as _random  # noqa: E402
from graphkeras.backend.jax_backend import recurrent as _recurrent  # noqa: E402
from graphkeras.backend.jax_backend import reductions as _reductions  # noqa: E402
from graphkeras.backend.jax_backend import shapes as _shapes  # noqa: E402
from graphkeras.backend.jax_backend import sorting as _sorting  # noqa: E402
from graphkeras.backend.jax_backend import variable as _variable  # noqa: E402

_MODULES = (
    _shape_queries,
    _core,
    _variable,
    _elementwise,
    _reductions,
    _linalg,
    _norms,
    _shapes,
    _indexing,
    _sorting,
    _random,
    _nn,
    _pooling,
    _image,
    _conv,
    _recurrent,
    _optimizer_updates,
    _autodiff,
    _functional_gradients,
)
for _module in _MODULES:
    globals().update({name: getattr(_module, name) for name in _module.__all__})
_variable.install_variable_operators(globals())


def backend() -> str:
    """The name of this backend."""
    return "jax"


# Ops record themselves on a GradientTape; Python operators on Variables and
# on the tape's tensors run them (see autodiff.py and tape_tensor.py).
_autodiff.make_ops_recordable(globals())
