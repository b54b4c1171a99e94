"""Reading and writing Keras's own model files (``.keras`` and legacy ``.h5``).

Everything here needs h5py, the optional ``keras`` extra
(``pip install 'graphkeras[keras]'``); without it these readers and writers
raise an ``ImportError`` that says so, and the rest of graphkeras works as
before. Files are trusted no more than ``.gk`` archives: their class names
resolve only through graphkeras's registries and ``custom_objects``, module
paths written in them are never imported, and HDF5 links that could lead
outside the file are refused.

Importing this package registers both formats with ``graphkeras.saving``
(``import graphkeras`` imports it); no h5py is needed until a file is read
or written.
"""

from graphkeras.interop import keras_archive, keras_h5
from graphkeras.saving.format_registry import register_format

register_format(keras_h5.FILE_FORMAT)
register_format(keras_archive.FILE_FORMAT)
