"""Small real datasets shipped inside the package, so examples and tests never download.

``digits`` is the UCI handwritten-digits set (8x8 images, 10 classes); see its
module docstring for the attribution and ``data/NOTICE`` for the licence.
"""

from __future__ import annotations

from graphkeras.datasets import digits

__all__ = ["digits"]
