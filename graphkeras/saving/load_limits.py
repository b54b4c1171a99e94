"""Every limit a file is read under, in one place, each with the reason for its value.

A model file is untrusted input: its headers declare sizes, its config
declares layer sizes, and a reader that believed them could be made to
allocate far more memory, or spend far more time, than the file's own bytes
justify. The readers in ``graphkeras.saving`` and ``graphkeras.interop``
check each declared size against these limits before acting on it, and
:func:`loading_limits` puts the engine's build ceilings
(``engine/build_limits.py``) in force while a model is rebuilt from a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphkeras.engine.build_limits import build_limits

# A JSON member (config.json, metadata.json) or attribute larger than this is
# refused unread: the largest real configs (about 1,000 layers) are a few MB.
MAX_JSON_BYTES = 64 * 2**20
# JSON nested deeper than this is refused: real configs nest a few levels per
# nested model, and Python's json parser recurses once per level.
MAX_JSON_DEPTH = 200
# No deflate stream expands more than about 1032:1; a zip member claiming more
# is a lie or a bomb, refused before it is decompressed.
MAX_DEFLATE_RATIO = 1100
# The largest array (elements) an .npz member may declare: far above any real
# weight, and still only allocated when the file holds that many bytes.
MAX_NPZ_ELEMENTS = 2**34
# The most members an .npz may hold: real weight files hold a few per layer.
MAX_NPZ_MEMBERS = 100_000
# A shape probe (a layer without compute_output_shape run on small arrays of
# its input shape) uses a batch of 2 or 3: 64M elements (256 MiB of float32)
# is far above any real probe.
MAX_PROBE_ELEMENTS = 2**26
# The weights member of a .keras archive larger than this is refused unread.
MAX_KERAS_WEIGHTS_BYTES = 8 * 2**30

# HDF5 (Keras's weights) is parsed by a worker process (interop/hdf5_worker.py)
# under these limits. An unfiltered dataset must be stored in full; a filtered
# (compressed) one may expand at most this much. Keras never compresses its
# weights, and gzip shrinks trained float weights about 1.1-3x; 16x still admits
# sparse or quantised weights, while gzip could reach about 1000x on zeros.
MAX_HDF5_EXPANSION = 16
# ...plus this much per compressed dataset: an all-zero bias (an untrained
# model's) compresses to almost nothing; 64 KiB lets 16k such floats through.
HDF5_DATASET_SLACK = 64 * 2**10
# Everything read from one HDF5 file together (arrays and attributes) stays
# within MAX_HDF5_EXPANSION x its size plus this: a few MiB of model config held
# in an attribute fits, and so does a file of many small compressed datasets.
# A 64 KB file can make the worker read at most about 17 MiB.
HDF5_FILE_SLACK = 16 * 2**20
# The worker's CPU time after its imports starts at HDF5_WORKER_CPU_SECONDS and
# grows as the walk makes progress: HDF5_CPU_SECONDS_PER_OBJECT for each link
# or attribute a group declares (earned before it is listed), and
# HDF5_CPU_SECONDS_PER_MIB for each MiB about to be read. Measured on a busy
# 2-core machine: about 0.2 ms per object (a file of 10,000 tiny datasets) and
# 6 ms per MiB (256 MiB of weights read from memory); the allowances are 25x
# and 16x those. A file that makes libhdf5 loop inside one call earns nothing
# while it loops, so it is stopped after about a second plus what the work
# before it earned (about 2 s in all for a small file). CPU time, unlike
# wall-clock time, does not run out faster on a busy machine.
HDF5_WORKER_CPU_SECONDS = 1.0
HDF5_CPU_SECONDS_PER_OBJECT = 0.005
HDF5_CPU_SECONDS_PER_MIB = 0.1
# What the worker can earn is capped (the hard CPU limit) at HDF5_WORKER_CPU_SECONDS
# plus a second per this many bytes of file: 8x the densest real layout
# measured (about 2 MB of file per CPU second, thousands of tiny datasets).
HDF5_BYTES_PER_CPU_SECOND = 256 * 2**10
# The worker's wall-clock limit: a minute, plus this many times its CPU cap, so
# only a stopped or starved worker meets it (and, where the platform cannot limit
# CPU time, such as Windows, a looping one).
HDF5_WORKER_WALL_FACTOR = 3
HDF5_WORKER_WALL_SECONDS = 60.0
# The worker's address space may grow by twice what it may read, plus this for
# libhdf5's own caches; beyond that an allocation fails inside the worker.
HDF5_WORKER_MEMORY_SLACK = 512 * 2**20


@contextmanager
def loading_limits(largest_array_elements: int) -> Iterator[None]:
    """Rebuild a model inside the block with the engine's build ceilings in force.

    No layer may create a weight larger than ``largest_array_elements`` (the
    largest array the file actually holds: a weight larger than every stored
    array could never be filled from the file), and no shape probe may use
    an array larger than :data:`MAX_PROBE_ELEMENTS`.
    """
    with build_limits(largest_array_elements, MAX_PROBE_ELEMENTS):
        yield
