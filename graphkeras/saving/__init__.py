"""Model and weight files: ``gk.saving``, as ``keras.saving``.

Importing this package registers graphkeras's own formats (the ``.gk``
model archive and the ``.npz`` weight file) with the format registry and
installs the functions behind ``Model.save``, ``save_weights`` and
``load_weights`` (``engine/model_files.py``). Keras's formats are
registered by ``graphkeras.interop``.
"""

from graphkeras.engine.model_files import ModelFileFunctions, install_model_files
from graphkeras.saving import model_archive, weights_file
from graphkeras.saving.errors import ModelFileError, WeightsFileError
from graphkeras.saving.format_registry import FileFormat, register_format, registered_formats
from graphkeras.saving.saving_api import load_model, load_weights, save_model, save_weights
from graphkeras.utils.serialization import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
)
from graphkeras.utils.serialization import (
    register_serializable as register_keras_serializable,
)
from graphkeras.utils.serialization_lib import deserialize_keras_object, serialize_keras_object

register_format(model_archive.FILE_FORMAT)
register_format(weights_file.FILE_FORMAT)
install_model_files(
    ModelFileFunctions(
        save_model=save_model,
        save_weights=save_weights,
        load_weights=load_weights,
        model_to_bytes=model_archive.archive_bytes,
        model_from_bytes=model_archive.model_from_archive_bytes,
    )
)

__all__ = [
    "CustomObjectScope",
    "FileFormat",
    "ModelFileError",
    "WeightsFileError",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_format",
    "register_keras_serializable",
    "registered_formats",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
