"""Text to tokens as Keras 3's TextVectorization does it: standardize, split, n-grams.

Keras runs TensorFlow's string ops; these functions give the same tokens
from NumPy ``str`` arrays:

- ``lower`` lowercases ASCII letters only (``tf.strings.lower`` without an
  encoding): ``"ÉCLAIR"`` becomes ``"Éclair"``.
- ``strip_punctuation`` deletes the 32 ASCII punctuation characters
  ``!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~``; other scripts' punctuation stays.
- ``whitespace`` splits on runs of ASCII whitespace (space, ``\\t``, ``\\n``,
  ``\\v``, ``\\f``, ``\\r``), dropping empty pieces; a no-break space or an
  ideographic space does not split.
- ``character`` splits into Unicode code points.
- n-grams of each width in turn, joined by one space; a row shorter than a
  width gives none of that width.
"""

from __future__ import annotations

import re
import string

import numpy as np

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")

_LOWER = {ord(upper): ord(upper.lower()) for upper in string.ascii_uppercase}
_STRIP = dict.fromkeys(map(ord, string.punctuation))
_TABLES = {
    "lower": _LOWER,
    "strip_punctuation": _STRIP,
    "lower_and_strip_punctuation": {**_LOWER, **_STRIP},
}
_ASCII_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")


def standardize(text: np.ndarray, mode: str) -> np.ndarray:
    """``text`` with ``mode``'s lowercasing and punctuation stripping applied."""
    table = _TABLES[mode]
    flat = [value.translate(table) for value in text.reshape(-1).tolist()]
    return np.array(flat, dtype=str).reshape(text.shape)


def split(text: np.ndarray, mode: str) -> list[list[str]]:
    """One list of tokens per string of the 1-D ``text``."""
    if mode == "character":
        return [list(value) for value in text.tolist()]
    return [[token for token in _ASCII_WHITESPACE.split(value) if token] for value in text.tolist()]


def ngrams(tokens: list[str], widths: tuple[int, ...]) -> list[str]:
    """The n-grams of ``tokens`` for each width of ``widths``, width by width."""
    grams: list[str] = []
    for width in widths:
        grams.extend(
            " ".join(tokens[start : start + width]) for start in range(len(tokens) - width + 1)
        )
    return grams
