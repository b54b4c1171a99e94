"""Arrays in, batches out: how fit, evaluate and predict read their data.

``x``, ``y`` and ``sample_weight`` arrive as Keras accepts them (one array,
a list or tuple, or a dict keyed by input or output name) and leave as flat
lists aligned with the model's inputs and outputs, every array checked to
have the same number of rows. :func:`batches` then slices them, in a
shuffled order when asked (the order comes from the backend's generator, so
``set_random_seed`` makes it reproducible).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.compiled_steps import backend_compiles


def to_list(data, names: list[str], keys: list[str] | None, what: str, model_name: str) -> list:
    """One array per entry of ``names`` from an array, a list/tuple or a dict.

    ``keys`` are the dict keys the model was built with (``None`` when it was
    built from lists); a dict may use them or the layer names.
    """
    count = len(names)
    if isinstance(data, dict):
        accepted = keys or names
        missing = [name for name in accepted if name not in data]
        extra = [key for key in data if key not in accepted]
        if missing or extra:
            raise ValueError(
                f"Model '{model_name}' expects {what} keyed by {accepted}; received keys "
                f"{sorted(data)} (missing {missing}, unexpected {extra})."
            )
        return [data[name] for name in accepted]
    if isinstance(data, (list, tuple)) and count > 1:
        if len(data) != count:
            raise ValueError(
                f"Model '{model_name}' expects {count} {what} arrays (for {names}), "
                f"received {len(data)}."
            )
        return list(data)
    if (
        isinstance(data, (list, tuple))
        and count == 1
        and len(data) == 1
        and (data[0] is None or hasattr(data[0], "shape"))
    ):
        return [data[0]]
    if count != 1:
        raise ValueError(
            f"Model '{model_name}' has {count} {what} ({names}); received a single array. "
            "Pass a list or a dict keyed by name."
        )
    return [data]


def as_arrays(values: list, dtypes: list | None = None, on_host: bool = False) -> list:
    """Backend arrays (each with the given dtype when one is given).

    With ``on_host``, on a backend that compiles its steps, numpy arrays stay
    numpy arrays on the host (cast to the dtype given): a whole dataset is
    cut into batches there (``ArraySource``), so a backend array of it would
    be a copy made only to be copied back.
    """
    if dtypes is None:
        dtypes = [None] * len(values)
    keep_on_host = on_host and backend_compiles()
    return [
        _as_array(value, dtype, keep_on_host) for value, dtype in zip(values, dtypes, strict=True)
    ]


def _as_array(value, dtype, keep_on_host: bool):
    """``value`` as a backend array, or as a numpy array when it is one and kept on the host."""
    if value is None:
        return None
    if keep_on_host and isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        if dtype is None:
            return value
        target = np.dtype(K.standardize_dtype(dtype))
        if target.kind in "biuf":
            return value if value.dtype == target else value.astype(target)
    if dtype is None:
        return K.convert_to_tensor(value)
    return K.convert_to_tensor(value, dtype=dtype)


def row_count(groups: dict[str, list], model_name: str) -> int:
    """The common number of rows of every array in ``groups`` (name -> arrays)."""
    counts = {}
    for group, arrays in groups.items():
        for index, array in enumerate(arrays):
            if array is not None:
                shape = K.int_shape(array)
                if not shape:
                    raise ValueError(
                        f"Model '{model_name}': {group}[{index}] is a scalar; "
                        "expected an array with one row per sample."
                    )
                counts[f"{group}[{index}]"] = shape[0]
    if len(set(counts.values())) > 1:
        raise ValueError(
            f"Model '{model_name}': all data must have the same number of rows; received "
            + ", ".join(f"{name}: {rows}" for name, rows in counts.items())
            + "."
        )
    return next(iter(counts.values())) if counts else 0


def split_for_validation(arrays: list, fraction: float, rows: int) -> tuple[list, list]:
    """The first ``1 - fraction`` of the rows for training, the last ``fraction`` held out.

    As in Keras, the split is taken before any shuffling.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation_split must be in (0, 1), received {fraction}.")
    cut = int(rows * (1.0 - fraction))
    if cut == 0 or cut == rows:
        raise ValueError(
            f"validation_split={fraction} leaves no rows for training or for validation "
            f"({rows} rows)."
        )
    train = [None if a is None else K.getitem(a, slice(0, cut)) for a in arrays]
    held_out = [None if a is None else K.getitem(a, slice(cut, None)) for a in arrays]
    return train, held_out


def batches(arrays: list, rows: int, batch_size: int, shuffle: bool) -> Iterator[list]:
    """Successive batches of ``arrays`` (None entries stay None), shuffled when asked.

    On a backend that compiles its steps, ``arrays`` are numpy arrays on the
    host (``ArraySource``) and are cut with numpy.
    """
    if backend_compiles():
        yield from _host_batches(arrays, rows, batch_size, shuffle)
        return
    if shuffle:
        order = K.random_permutation(rows)
        for start in range(0, rows, batch_size):
            index = order[start : start + batch_size]
            yield [None if a is None else K.getitem(a, index) for a in arrays]
    else:
        for start in range(0, rows, batch_size):
            window = slice(start, start + batch_size)
            yield [None if a is None else K.getitem(a, window) for a in arrays]


def _host_batches(arrays: list, rows: int, batch_size: int, shuffle: bool) -> Iterator[list]:
    """:func:`batches` cut with numpy, the order still drawn from the backend's generator."""
    arrays = [None if a is None else np.asarray(a) for a in arrays]
    order = K.convert_to_numpy(K.random_permutation(rows)) if shuffle else None
    for start in range(0, rows, batch_size):
        window = slice(start, start + batch_size)
        index = window if order is None else order[window]
        yield [None if a is None else a[index] for a in arrays]


def steps_for(rows: int, batch_size: int) -> int:
    """Number of batches per pass over ``rows`` rows."""
    return max(1, math.ceil(rows / batch_size))


def class_weight_to_sample_weight(labels, class_weight: dict, who: str):
    """One weight per row of ``labels``: the ``class_weight`` of its class.

    ``labels`` are class indices (shape ``(n,)`` or ``(n, 1)``) or one-hot
    rows; every class present must have a weight. ``who`` starts the error
    message (the model or the data at fault).
    """
    shape = K.int_shape(labels)
    if len(shape) > 1 and shape[-1] > 1:
        classes = K.argmax(labels, axis=-1)
    else:
        classes = K.cast(K.reshape(labels, (shape[0],)), "int64")
    index = [int(c) for c in K.convert_to_numpy(classes).tolist()]
    missing = sorted(set(index) - set(class_weight))
    if missing:
        raise ValueError(f"{who}: class_weight has no weight for classes {missing}.")
    return K.convert_to_tensor([float(class_weight[c]) for c in index])


def like(values: list, structure, names: list[str]):
    """``values`` (one per name, as :func:`to_list` listed them) in the form of ``structure``.

    The inverse of :func:`to_list`: a dict comes back keyed by ``names``, a
    list or tuple as a list, and a single value bare.
    """
    if isinstance(structure, dict):
        return dict(zip(names, values, strict=True))
    if len(values) == 1:
        wrapped = (
            isinstance(structure, (list, tuple))
            and len(structure) == 1
            and hasattr(structure[0], "shape")
        )
        return [values[0]] if wrapped else values[0]
    return list(values)
