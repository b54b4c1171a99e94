"""gk.random: random draws with Keras 3's ``keras.random`` names and signatures.

>>> import graphkeras as gk
>>> gk.random.uniform((2, 3), seed=1).shape
(2, 3)

Every function takes ``seed``: ``None`` for the process-wide generator (made
reproducible by ``gk.utils.set_random_seed``), an int for the same draw every
call, or a :class:`SeedGenerator` that advances with each draw.
"""

from graphkeras.random.random_ops import (
    dropout,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from graphkeras.random.seed_generator import SeedGenerator

__all__ = [
    "SeedGenerator",
    "dropout",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
