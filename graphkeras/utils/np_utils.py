"""Keras 2's ``keras.utils.np_utils``: ``to_categorical`` and ``normalize`` where old code looks.

>>> from graphkeras.utils.np_utils import to_categorical
"""

from graphkeras.utils.numerical_utils import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
