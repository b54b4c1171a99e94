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
MAX_JSON_DEPTH = 512
# No deflate stream expands more than about 1032:1; a zip member claiming more
# is a lie or a bomb, refused before it is decompressed.
MAX_DEFLATE_RATIO = 1100
# A JSON member may expand at most this much over its compressed bytes (plus
# ZIP_SLACK_BYTES). graphkeras's own configs deflate about 40:1 even for
# 25,000 near-identical layers; the writer stores JSON uncompressed whenever
# deflate would exceed this ratio, so every file it writes passes.
MAX_JSON_RATIO = 100
# Small members compress worse and matter little: this many bytes are allowed
# beyond any ratio.
ZIP_SLACK_BYTES = 2**20
# The largest array (elements) an .npz member may declare: far above any real
# weight, and still only allocated when the file holds that many bytes.
MAX_NPZ_ELEMENTS = 2**34
# The most members an .npz may hold: one per weight, and MAX_LAYERS layers of
# up to ten weights each (an LSTM has 3, BatchNormalization 4). Each member
# also costs about 200 bytes of zip headers, so a file's size bounds it too.
MAX_NPZ_MEMBERS = 1_000_000
# A shape probe (a layer without compute_output_shape run on small arrays of
# its input shape) uses a batch of 2 or 3. Built-in layers declare their
# output shapes; a custom layer may not, and 16M elements (64 MiB of float32, a
# batch of 2 of 1024 x 1024 x 8) covers real inputs while keeping what a
# file's declared input shape can make one probe allocate small.
MAX_PROBE_ELEMENTS = 2**24
# The most layers, and calls of layers, one model config may describe, nested
# models included: the largest Keras application has about 1,000 layers, and
# this allows 100 times that.
MAX_LAYERS = 100_000
MAX_NODES = 200_000
# Models nested inside models, at most this deep. Real models nest a few
# levels; configs are (de)serialised one Python call level per model level.
MAX_MODEL_NESTING = 100
# A file must hold at least this many bytes per layer (and per call) it
# describes, beyond FREE_LAYERS, so that a small file cannot ask for a long
# build: a 64 KB file may describe about 2,000 layers, a 2 MB file about
# 33,000 (about 3 s of CPU to load). Real model files hold far more per
# layer: weights alone take about 250 bytes per weighted layer, and a
# 25,000-layer Dense chain saves at about 300 bytes per layer.
MIN_FILE_BYTES_PER_LAYER = 64
FREE_LAYERS = 1_000
# A model built from a config alone (model_from_json, model_from_config) has
# no file to justify its weights, which are initialised afresh: all of them
# together may have at most 2**28 elements (1 GiB of float32), above the
# largest Keras application (about 144M parameters).
MAX_CONFIG_ONLY_WEIGHT_ELEMENTS = 2**28
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


# Weights created while rebuilding from a file may total at most twice the
# elements the file holds, plus this many: enough that a file missing some
# weights builds and is then refused for what it lacks, by name.
WEIGHT_BUDGET_SLACK_ELEMENTS = 2**20


def weight_budget(stored_elements: int) -> int:
    """How many weight elements in all a model rebuilt from a file storing so many may create."""
    return 2 * stored_elements + WEIGHT_BUDGET_SLACK_ELEMENTS


@contextmanager
def loading_limits(largest_array_elements: int, total_array_elements: int) -> Iterator[None]:
    """Rebuild a model inside the block with the engine's build ceilings in force.

    No layer may create a weight larger than ``largest_array_elements``, nor
    weights of more than ``total_array_elements`` in all (the largest and
    the total arrays the file actually holds: weights larger than that could
    never be filled from the file), and no shape probe may use an array
    larger than :data:`MAX_PROBE_ELEMENTS`.
    """
    with build_limits(
        largest_array_elements,
        total_array_elements,
        MAX_PROBE_ELEMENTS,
        why="than any array in the file being loaded",
    ):
        yield


@contextmanager
def config_only_limits() -> Iterator[None]:
    """The ceilings for a model built from a config alone (no weights come with it)."""
    with build_limits(
        MAX_CONFIG_ONLY_WEIGHT_ELEMENTS,
        MAX_CONFIG_ONLY_WEIGHT_ELEMENTS,
        MAX_PROBE_ELEMENTS,
        why="than a model built from a config alone may create",
    ):
        yield
