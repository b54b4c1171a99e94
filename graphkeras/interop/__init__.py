"""Reading and writing Keras's own files (``.keras``, ``.weights.h5`` and legacy ``.h5``).

Everything here needs h5py, the optional ``keras`` extra
(``pip install 'graphkeras[keras]'``); without it these readers and writers
raise an ``ImportError`` that says so, and the rest of graphkeras works as
before. Files are trusted no more than ``.gk`` archives: their class names
resolve only through graphkeras's registries and ``custom_objects``, module
paths written in them are never imported, and HDF5 is parsed only by a
worker process under CPU-time and memory limits (``hdf5_snapshot.py``),
which follows hard links only and reads only arrays the file's bytes back.

Importing this package registers the three formats with ``graphkeras.saving``
(``import graphkeras`` imports it) and installs Keras 3's form of whole
models for ``serialize_keras_object`` / ``deserialize_keras_object``
(``keras_objects.py``); no h5py is needed until a file is read or written.
"""

from graphkeras.interop import keras_archive, keras_h5, keras_objects, keras_weights_h5
from graphkeras.saving.format_registry import register_format
from graphkeras.utils.serialization_lib import install_model_form

register_format(keras_h5.FILE_FORMAT)
register_format(keras_archive.FILE_FORMAT)
register_format(keras_weights_h5.FILE_FORMAT)
install_model_form(keras_objects.model_to_keras_object, keras_objects.model_from_keras_object)
