"""The kinds of data ``fit``, ``evaluate`` and ``predict`` read, each seen as a stream of batches.

Keras 3 accepts, besides arrays, anything that produces whole batches: a
Python generator or iterator, a ``PyDataset``, a ``tf.data.Dataset`` or a
``torch.utils.data.DataLoader``. Each becomes a *data source* here, with
one small interface the epoch iterator (``epoch_iterator.py``) drives:

- ``batches()`` starts a pass (a one-shot source, a generator, carries on
  where it stopped: it cannot start again);
- ``num_batches`` is the length of a pass when known (``None`` otherwise)
  and ``infinite`` says that a pass never ends;
- ``on_epoch_begin()`` / ``on_epoch_end()`` reach a ``PyDataset``'s hooks.

Every batch leaves in the form a step takes (``x``, ``(x,)``, ``(x, y)`` or
``(x, y, sample_weight)``) with its arrays as NumPy arrays. TensorFlow and
PyTorch are never imported: their objects are recognised by their class
names and read through ``as_numpy_iterator()`` or ``.numpy()``.
"""

from __future__ import annotations

import collections
import concurrent.futures
import inspect
import itertools
import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine import data_adapter
from graphkeras.engine.compiled_steps import backend_compiles
from graphkeras.utils import nest
from graphkeras.utils.py_dataset import PyDataset

# What a stream may hold besides x, y and weights: nothing (Keras 3's rule).
_BATCH_FORMS = "x, (x,), (x, y) or (x, y, sample_weight)"
_END = object()


class DataSource:
    """What every source offers the epoch iterator; a source overrides what differs.

    ``kind`` names it in messages, ``restartable`` says whether ``batches()``
    can start a new pass, ``infinite`` whether a pass ends, ``num_batches``
    how long a pass is when known.
    """

    kind = "data"
    restartable = True
    infinite = False
    num_batches: int | None = None

    def batches(self) -> Iterator:
        """The batches of one pass (a one-shot source: of what is left)."""
        raise NotImplementedError(f"{type(self).__name__} must implement batches().")

    def on_epoch_begin(self) -> None:
        """Called before each epoch (a PyDataset passes it on)."""

    def on_epoch_end(self) -> None:
        """Called after each epoch (a PyDataset passes it on)."""


class ArraySource(DataSource):
    """Arrays already checked and aligned, cut into batches of ``batch_size`` rows.

    ``arrays`` is a flat list (inputs, targets, weights; ``None`` kept in
    place) and ``pack`` rebuilds one batch of it into the form a step takes.
    A shuffled pass draws its order from the backend's generator, so
    ``set_random_seed`` makes it reproducible.

    On a backend that compiles its steps (JAX) the arrays are kept on the
    host as numpy arrays and cut there (see ``data_adapter.batches``): a
    compiled step takes each batch as an argument, and cutting it with
    numpy costs far less than one eager JAX gather per batch.
    """

    kind = "arrays"

    def __init__(
        self, arrays: list, rows: int, batch_size: int, shuffle: bool, pack: Callable[[list], Any]
    ) -> None:
        if backend_compiles():
            # np.asarray reads a JAX array on the host without a copy (it is read-only).
            arrays = [None if array is None else np.asarray(array) for array in arrays]
        self.arrays = arrays
        self.rows = rows
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.pack = pack

    @property
    def num_batches(self) -> int:
        return -(-self.rows // self.batch_size)

    def batches(self) -> Iterator:
        for batch in data_adapter.batches(self.arrays, self.rows, self.batch_size, self.shuffle):
            yield self.pack(batch)


class IteratorSource(DataSource):
    """A Python generator or iterator: read once, batch after batch, never restarted.

    The first batch is read at once, so a stream that is empty or yields
    the wrong form fails before training starts; after that one batch is
    held back so the end of the stream is known as soon as it comes.
    """

    kind = "a generator"
    restartable = False

    def __init__(self, iterator: Iterator, what: str, class_weight: dict | None) -> None:
        self._iterator = iterator
        self._what = what
        self._class_weight = class_weight
        self._held: collections.deque = collections.deque()
        if not self.has_more():
            raise ValueError(
                f"{what} is a generator that yielded no batches; it must yield at least one "
                f"batch ({_BATCH_FORMS})."
            )

    def has_more(self) -> bool:
        """Whether another batch is coming (reads one ahead and keeps it)."""
        if not self._held:
            item = next(self._iterator, _END)
            if item is _END:
                return False
            self._held.append(standardize_batch(item, self._what, self._class_weight))
        return True

    def batches(self) -> Iterator:
        while self.has_more():
            yield self._held.popleft()


class PyDatasetSource(DataSource):
    """A ``PyDataset``: batch ``i`` is ``dataset[i]``; a pass visits every index once.

    With ``shuffle`` each pass visits the batches in a new order (Keras 3
    does the same; the rows inside a batch are the dataset's business).
    ``workers > 1`` reads batches ahead on that many threads, at most
    ``max_queue_size`` at a time, and keeps their order; graphkeras uses
    threads for ``use_multiprocessing=True`` too.
    """

    kind = "a PyDataset"

    def __init__(self, dataset: Any, what: str, shuffle: bool, class_weight: dict | None) -> None:
        self.dataset = dataset
        self._what = what
        self._class_weight = class_weight
        self._shuffle = shuffle
        count = dataset.num_batches
        self.infinite = count is None
        if count is not None and count < 1:
            raise ValueError(f"{what} is a PyDataset of length {count}; it must hold a batch.")

    @property
    def num_batches(self) -> int | None:
        return self.dataset.num_batches

    def batches(self) -> Iterator:
        count = self.dataset.num_batches
        if count is None:
            indices: Any = itertools.count()
        elif self._shuffle:
            indices = (int(index) for index in K.convert_to_numpy(K.random_permutation(count)))
        else:
            indices = iter(range(count))
        workers = getattr(self.dataset, "workers", 1) or 1
        read = self._read if workers <= 1 else self._read_ahead(workers)
        return read(indices)

    def _read(self, indices: Iterator[int]) -> Iterator:
        for index in indices:
            yield standardize_batch(self.dataset[index], self._what, self._class_weight)

    def _read_ahead(self, workers: int) -> Callable[[Iterator[int]], Iterator]:
        depth = max(getattr(self.dataset, "max_queue_size", 10) or 1, workers)

        def read(indices: Iterator[int]) -> Iterator:
            with concurrent.futures.ThreadPoolExecutor(workers) as pool:
                pending: collections.deque = collections.deque()
                for index in indices:
                    pending.append(pool.submit(self.dataset.__getitem__, index))
                    if len(pending) >= depth:
                        yield self._standardize(pending.popleft().result())
                while pending:
                    yield self._standardize(pending.popleft().result())

        return read

    def _standardize(self, batch: Any) -> Any:
        return standardize_batch(batch, self._what, self._class_weight)

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()


class IterableSource(DataSource):
    """A ``tf.data.Dataset`` or ``torch.utils.data.DataLoader``: iterated afresh each pass.

    Its length comes from ``cardinality()`` (tf.data: -1 means endless, -2
    unknown) or ``len()`` (a DataLoader over a map-style dataset).
    """

    def __init__(self, data: Any, kind: str, what: str, class_weight: dict | None) -> None:
        self.data = data
        self.kind = kind
        self._what = what
        self._class_weight = class_weight
        self.infinite = False
        self.num_batches: int | None = None
        if hasattr(data, "cardinality"):
            cardinality = int(K.convert_to_numpy(_as_numpy(data.cardinality())))
            self.infinite = cardinality == -1
            self.num_batches = cardinality if cardinality >= 0 else None
        else:
            try:
                self.num_batches = len(data)
            except TypeError:
                self.num_batches = None

    def batches(self) -> Iterator:
        stream = self.data
        if hasattr(stream, "as_numpy_iterator"):
            stream = stream.as_numpy_iterator()
        for batch in stream:
            yield standardize_batch(batch, self._what, self._class_weight)


def stream_kind(data: Any) -> str | None:
    """What kind of batch stream ``data`` is (``"a generator"``, ...), or None for arrays."""
    if is_tf_dataset(data):
        return "a tf.data.Dataset"
    if is_torch_dataloader(data):
        return "a torch DataLoader"
    if is_py_dataset(data):
        return "a PyDataset"
    if hasattr(data, "__next__") and not hasattr(data, "shape"):
        return "a generator"
    return None


def batch_source(data: Any, what: str, shuffle: bool, class_weight: dict | None):
    """The source for ``data`` that yields whole batches, or ``None`` when ``data`` is arrays.

    ``what`` names the argument in messages (``"x"``, ``"validation_data"``).
    """
    kind = stream_kind(data)
    if kind is None:
        return None
    if kind == "a PyDataset":
        return PyDatasetSource(data, what, shuffle, class_weight)
    if kind == "a tf.data.Dataset":
        return IterableSource(data, kind, what, class_weight)
    if class_weight is not None:
        raise ValueError(
            f"class_weight is not supported when x is {kind} (as in Keras); yield "
            "(x, y, sample_weight) batches instead."
        )
    if kind == "a torch DataLoader":
        return IterableSource(data, kind, what, None)
    return IteratorSource(data, what, None)


def check_array_like(data: Any, what: str, model_name: str) -> None:
    """Refuse, naming ``what``, data that is neither arrays nor a stream of batches."""
    if (
        data is None
        or nest.is_nested(data)
        or hasattr(data, "shape")
        or hasattr(data, "__array__")
        or isinstance(data, numbers.Number)
    ):
        return
    hint = (
        f" {what} is a generator function: call it, as in fit({data.__name__}())."
        if inspect.isgeneratorfunction(data)
        else ""
    )
    raise ValueError(
        f"Model '{model_name}': {what} must be arrays (an array, or a list or dict of them), a "
        "generator or iterator, a PyDataset, a tf.data.Dataset or a torch DataLoader; received "
        f"{type(data).__name__}.{hint}"
    )


def standardize_batch(batch: Any, what: str, class_weight: dict | None = None) -> Any:
    """One streamed batch in step form, its arrays as NumPy; ``class_weight`` adds weights.

    A list is read as a tuple (a DataLoader collates ``(x, y)`` samples
    into ``[x, y]``); a tuple must hold one to three entries.
    """
    if isinstance(batch, list):
        batch = tuple(batch)
    if isinstance(batch, tuple) and not 1 <= len(batch) <= 3:
        raise ValueError(
            f"{what} yielded a tuple of {len(batch)} elements; each batch must be {_BATCH_FORMS}."
        )
    batch = nest.map_structure(_as_numpy, batch)
    if class_weight is None:
        return batch
    if not isinstance(batch, tuple) or len(batch) < 2 or batch[1] is None:
        raise ValueError(
            f"class_weight needs targets, but {what} yielded a batch without y; "
            "yield (x, y) batches."
        )
    if len(batch) == 3 and batch[2] is not None:
        raise ValueError(
            f"{what} yielded sample weights and class_weight was given too; pass only one."
        )
    if nest.is_nested(batch[1]):
        raise ValueError(
            "class_weight applies to single-output models; the batches of "
            f"{what} hold several targets. Yield (x, y, sample_weight) instead."
        )
    weights = data_adapter.class_weight_to_sample_weight(batch[1], class_weight, what)
    return (batch[0], batch[1], K.convert_to_numpy(weights))


def is_tf_dataset(data: Any) -> bool:
    """Whether ``data`` is a ``tf.data.Dataset`` (by class name; TensorFlow is not imported)."""
    return _has_base(data, ("DatasetV2", "DistributedDataset"), "tensorflow")


def is_torch_dataloader(data: Any) -> bool:
    """Whether ``data`` is a ``torch.utils.data.DataLoader`` (by class name)."""
    return _has_base(data, ("DataLoader",), "torch.utils.data")


def is_py_dataset(data: Any) -> bool:
    """Whether ``data`` is a ``PyDataset``: graphkeras's own, or Keras's by class name."""
    return isinstance(data, PyDataset) or _has_base(data, ("PyDataset", "Sequence"), "keras")


def _has_base(data: Any, names: tuple[str, ...], module: str) -> bool:
    return any(
        cls.__name__ in names and str(cls.__module__).startswith(module)
        for cls in type(data).__mro__
    )


def _as_numpy(value: Any) -> Any:
    """A streamed leaf as a NumPy array: torch tensors detached, tf tensors read out."""
    if value is None or K.is_tensor(value):
        return value
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "cpu"):
        value = value.cpu()
    if hasattr(value, "numpy") and callable(value.numpy):
        value = value.numpy()
    return K.convert_to_numpy(value)
