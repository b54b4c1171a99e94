"""The errors a model or weight file can raise when it is read.

Both are ``ValueError`` subclasses, so code that catches a bad value also
catches a bad file; each message names the file and the part at fault.
"""

from __future__ import annotations


class ModelFileError(ValueError):
    """A model file that is malformed, unsafe, or does not describe a loadable model."""


class WeightsFileError(ValueError):
    """A weight file that is unreadable or does not fit the model."""
