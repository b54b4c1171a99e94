"""Checking the ``seed`` argument of the noise layers.

A seed fixes the sequence of draws of a layer's own generator. numpy takes
only non-negative ints, and its own error would name neither the layer nor
the argument, so each noise layer checks ``seed`` when it is constructed.
"""

from __future__ import annotations

from graphkeras.layers import value_checks


def check_seed(seed, owner: str) -> int | None:
    """``seed`` as an int (or None); anything but a non-negative int raises ``ValueError``.

    ``owner`` names the layer in the message (``GaussianNoise 'gaussian_noise'``).
    """
    if seed is None:
        return None
    if not value_checks.is_int(seed) or seed < 0:
        raise ValueError(
            f"{owner}: seed must be a non-negative int or None, received seed={seed!r}."
        )
    return int(seed)
