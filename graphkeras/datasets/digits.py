"""The UCI handwritten digits, bundled: 1,797 grey 8x8 images of the digits 0..9.

Data: "Optical Recognition of Handwritten Digits", UCI Machine Learning
Repository, created by E. Alpaydin and C. Kaynak (1998), licensed under
Creative Commons Attribution 4.0 (CC BY 4.0). The file ``data/digits.csv.gz``
is shipped unchanged inside the package; ``data/NOTICE`` carries the
attribution next to it.

The data is small enough to ship and real enough to train on, so examples and
tests can use it without touching the network: :func:`load_data` only ever
reads the copy installed with the package.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["DESCRIPTION", "NUM_TEST", "NUM_TRAIN", "SHUFFLE_SEED", "load_data"]

DESCRIPTION = """\
Optical Recognition of Handwritten Digits (UCI Machine Learning Repository).
Creators: E. Alpaydin and C. Kaynak (1998). Licence: CC BY 4.0.

1,797 handwritten digits, written by 13 people on preprinted forms. NIST's
preprocessing turned each 32x32 bitmap into an 8x8 image by counting the
'on' pixels in each non-overlapping 4x4 block, so every pixel is an integer
in 0..16. Ten classes (the digits 0..9), roughly 180 images each.

load_data() shuffles the rows once with a fixed seed and returns the first
1,437 as the training set and the remaining 360 as the test set."""

#: Seed of the one shuffle applied before splitting. The file lists each
#: writer's digits together, so splitting it unshuffled would put whole writers
#: (and their handwriting) only in the test set. Changing the seed changes the
#: split, so it is fixed.
SHUFFLE_SEED = 1998
#: Images in the training split.
NUM_TRAIN = 1437
#: Images in the test split.
NUM_TEST = 360

_NUM_ROWS = NUM_TRAIN + NUM_TEST
_NUM_PIXELS = 64
_NUM_COLUMNS = _NUM_PIXELS + 1  # the 64 pixels, then the label
_MAX_PIXEL = 16
_NUM_CLASSES = 10
_PACKAGE = "graphkeras.datasets"
_RESOURCE = ("data", "digits.csv.gz")


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The digits as ``(x_train, y_train), (x_test, y_test)``, shuffled and split.

    ``x`` arrays are ``uint8`` of shape ``(n, 8, 8)`` with pixels in 0..16;
    ``y`` arrays are ``uint8`` labels in 0..9; there are 1,437 training and
    360 test images. The split comes from ``numpy.random.default_rng(
    SHUFFLE_SEED).permutation``, a private generator, so it is the same on
    every call and never reads or advances NumPy's global random state. Each
    call returns new arrays that the caller may modify freely.

    Raises:
        ValueError: the bundled file is damaged (see :func:`_parse`).
    """
    images, labels = _load_bundled()
    order = np.random.default_rng(SHUFFLE_SEED).permutation(_NUM_ROWS)
    train, test = order[:NUM_TRAIN], order[NUM_TRAIN:]
    # Integer-array indexing copies, so the cached arrays are never handed out.
    return (images[train], labels[train]), (images[test], labels[test])


@lru_cache(maxsize=1)
def _load_bundled() -> tuple[np.ndarray, np.ndarray]:
    """The bundled file's images and labels in file order, read once and kept read-only.

    The file is found with ``importlib.resources`` so that it is read from the
    installed package (wheel, site-packages, zip), not from a source checkout.
    """
    resource = resources.files(_PACKAGE)
    for part in _RESOURCE:
        resource = resource.joinpath(part)
    images, labels = _parse(resource.read_bytes(), source=str(resource))
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _load_file(path: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read and validate a digits file at ``path``; same result and errors as :func:`_parse`."""
    with open(path, "rb") as handle:
        data = handle.read()
    return _parse(data, source=os.fspath(path))


def _parse(data: bytes, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Decode gzipped digits CSV ``data`` into ``(images, labels)`` in file order.

    ``images`` is ``uint8`` of shape ``(1797, 8, 8)`` and ``labels`` is
    ``uint8`` of shape ``(1797,)``. Every check that fails raises a
    ``ValueError`` that starts with ``source`` (the file's name) and says what
    was expected and what was found, so a damaged or substituted file is
    reported instead of silently producing wrong training data.
    """
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(
            f"{source}: expected a gzip-compressed CSV file, but it could not be "
            f"decompressed ({exc})"
        ) from exc
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{source}: expected ASCII CSV text, received a non-ASCII byte at offset {exc.start}"
        ) from exc

    # Count rows and columns first, line by line, so a short or long row is
    # reported by its line number rather than as a generic parse failure.
    rows = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue  # blank lines (such as a trailing one) are not rows
        rows += 1
        received = line.count(",") + 1
        if received != _NUM_COLUMNS:
            raise ValueError(
                f"{source}: expected {_NUM_COLUMNS} comma-separated columns per row "
                f"({_NUM_PIXELS} pixels, then the label), received {received} on line "
                f"{line_number}"
            )
    if rows != _NUM_ROWS:
        raise ValueError(f"{source}: expected {_NUM_ROWS} rows, received {rows}")

    # Parse as float, then insist on whole numbers: this rejects "1.5" on every
    # NumPy version instead of depending on how each one casts text to int.
    try:
        values = np.loadtxt(
            io.StringIO(text), delimiter=",", dtype=np.float64, comments=None, ndmin=2
        )
    except ValueError as exc:
        raise ValueError(f"{source}: expected integers in every column ({exc})") from exc
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise ValueError(
            f"{source}: expected integers in every column, received {float(values[row, column])} "
            f"(row {row + 1}, column {column + 1})"
        )

    pixels, labels = values[:, :_NUM_PIXELS], values[:, _NUM_PIXELS]
    bad = (pixels < 0) | (pixels > _MAX_PIXEL)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise ValueError(
            f"{source}: expected pixel values in 0..{_MAX_PIXEL}, received "
            f"{int(pixels[row, column])} (row {row + 1}, column {column + 1})"
        )
    bad = (labels < 0) | (labels >= _NUM_CLASSES)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{source}: expected labels in 0..{_NUM_CLASSES - 1}, received "
            f"{int(labels[row])} (row {row + 1}, column {_NUM_COLUMNS})"
        )

    images = pixels.astype(np.uint8).reshape(_NUM_ROWS, 8, 8)
    return images, labels.astype(np.uint8)
