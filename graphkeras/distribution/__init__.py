"""gk.distribution: train one model on many devices and hosts, as Keras 3's ``keras.distribution``.

JAX backend only. Data parallelism in two lines::

    gk.distribution.set_distribution(gk.distribution.DataParallel())
    model.fit(x, y, batch_size=64)   # each batch split over every device

``ModelParallel`` also splits chosen variables (those a ``LayoutMap`` pattern
matches by ``variable.path``) over a mesh axis. XLA partitions the compiled
steps and adds the communication; see ``engine/distribution_state.py``.
"""

from graphkeras.distribution.current import distribute_tensor, distribution, set_distribution
from graphkeras.distribution.data_parallel import DataParallel
from graphkeras.distribution.device_mesh import DeviceMesh
from graphkeras.distribution.devices import get_device_count, initialize, list_devices
from graphkeras.distribution.distribution_base import Distribution
from graphkeras.distribution.layout_map import LayoutMap
from graphkeras.distribution.model_parallel import ModelParallel
from graphkeras.distribution.tensor_layout import TensorLayout

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
