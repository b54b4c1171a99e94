"""``serialize_keras_object`` and ``deserialize_keras_object``, as Keras 3 has them, made safe.

An object becomes the plain data Keras 3 writes for it: ``{"module",
"class_name", "config", "registered_name"}`` for a layer, loss, metric,
optimizer, initializer, regularizer, constraint or schedule; ``{"module",
"class_name": "function", "config": name, "registered_name"}`` for a
function; plain values pass through; NumPy arrays become ``__numpy__``,
bytes ``__bytes__``, slices ``__slice__``; dtypes are written as their
names. Whole functional and Sequential models take Keras 3's model form,
which ``graphkeras.interop`` installs here (:func:`install_model_form`).

Reading the data back is safe whatever ``safe_mode`` says: a class or
function is found only among graphkeras's built-ins (the ``module`` picks
which family), the ``custom_objects`` passed in, any open
``custom_object_scope`` and the objects registered with
``register_keras_serializable``. No module named in a config is imported
and no code in a config runs: ``__lambda__`` (and Keras's other code or
opaque wrappers) are refused, naming where they were found.

Differences from Keras 3, for graphkeras has no dtype policies, no
detached symbolic tensors and lazily built layers: a ``DTypePolicy`` reads
back as its dtype name; a layer's ``build_config`` is neither written nor
applied (layers build on their first call); a ``__keras_tensor__`` is read
only inside a model's config.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import (
    FUNCTION_MODULES,
    TENSOR_MARK,
    builtin_class,
    builtin_function,
    builtin_names,
    dtype_from_policy,
    keras_value,
    module_of_class,
    module_of_function,
    modules_of_class_name,
    preview,
    public_module,
    refuse_code,
    value_from_keras,
    without_inert_options,
)
from graphkeras.utils.serialization import (
    CustomObjectScope,
    accepts_custom_objects,
    find_custom_object,
    get_registered_name,
    get_registered_object,
)

PLAIN_TYPES = (str, int, float, bool)
MODEL_CLASS_NAMES = ("Functional", "Model", "Sequential")


class DeserializationError(ValueError, TypeError):
    """A config that names nothing graphkeras can build, or is not shaped like a config.

    A ``ValueError``, as graphkeras's other loaders raise, and a
    ``TypeError``, as Keras 3 raises for a class it cannot locate.
    """


# ---------------------------------------------------------------- models
_model_form: dict[str, Callable] = {}


def install_model_form(
    write: Callable[[Any], dict], read: Callable[[Mapping, Mapping | None], Any]
) -> None:
    """Install how whole models are written and read (``graphkeras.interop`` does, on import).

    ``write(model)`` returns Keras 3's config of a functional or Sequential
    model; ``read(config, custom_objects)`` builds the model a model config
    describes, under the load limits of ``model_from_config``.
    """
    _model_form["write"] = write
    _model_form["read"] = read


# ---------------------------------------------------------------- writing
def serialize_keras_object(obj: Any) -> Any:
    """The plain data Keras 3 writes for ``obj``; :func:`deserialize_keras_object` reverses it.

    >>> written = serialize_keras_object(gk.initializers.GlorotUniform(seed=1))
    >>> written["module"], written["class_name"], written["config"]
    ('keras.initializers', 'GlorotUniform', {'seed': 1})
    >>> serialize_keras_object(gk.activations.relu)["config"]
    'relu'

    Lists, tuples and dicts are written item by item; an object with
    neither a ``get_config`` nor a name to be found by raises ``TypeError``;
    a ``lambda`` raises ``ValueError`` (it could never be read back).
    """
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(item) for item in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    special = _special_value(obj)
    if special is not None:
        return special
    if inspect.isfunction(obj):
        return _function_config(obj)
    if inspect.isclass(obj):
        raise TypeError(
            f"serialize_keras_object: received the class {obj.__name__!r}; pass an instance "
            "(its config is what gets written)."
        )
    if "write" in _model_form and getattr(obj, "_is_graph_network", False):
        return _model_form["write"](obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"serialize_keras_object: cannot serialize {preview(obj)} of type "
            f"{type(obj).__name__}; an object needs a get_config() method."
        )
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(
            f"serialize_keras_object: {type(obj).__name__}.get_config() must return a dict, "
            f"returned {preview(config)}."
        )
    module, registered_name = _class_names(type(obj))
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": keras_value(config, leaf=serialize_keras_object),
        "registered_name": registered_name,
    }


def _special_value(obj: Any) -> Any:
    """Keras 3's form of a value that is neither plain nor an object with a config, or None."""
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        parts = {"start": obj.start, "stop": obj.stop, "step": obj.step}
        return {
            "class_name": "__slice__",
            "config": {key: serialize_keras_object(value) for key, value in parts.items()},
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if K.is_keras_tensor(obj):
        history = obj._keras_history
        return {
            "class_name": TENSOR_MARK,
            "config": {
                "shape": tuple(obj.shape),
                "dtype": obj.dtype,
                "keras_history": None if history is None else [history[0].name, *history[1:]],
            },
        }
    if isinstance(obj, np.dtype) or (inspect.isclass(obj) and issubclass(obj, np.generic)):
        return K.standardize_dtype(obj)
    if isinstance(obj, np.ndarray) and obj.ndim > 0:
        return {
            "class_name": "__numpy__",
            "config": {"value": obj.tolist(), "dtype": K.standardize_dtype(obj.dtype)},
        }
    if isinstance(obj, (np.ndarray, np.generic)):
        return obj.item()
    if K.is_tensor(obj):
        array = K.convert_to_numpy(obj)
        return {
            "class_name": "__tensor__",
            "config": {"value": array.tolist(), "dtype": K.standardize_dtype(array.dtype)},
        }
    return None


def _function_config(function: Callable) -> dict:
    if function.__name__ == "<lambda>":
        raise ValueError(
            f"serialize_keras_object: cannot write the lambda {preview(function)}: graphkeras "
            "never loads Python code from a config. Define a named function and register it "
            "with register_keras_serializable()."
        )
    registered = get_registered_name(function)
    builtin_module = module_of_function(function)
    if builtin_module is not None and get_registered_object(registered) is not function:
        return {
            "module": builtin_module,
            "class_name": "function",
            "config": function.__name__,
            "registered_name": function.__name__,
        }
    return {
        "module": _user_module(function.__module__),
        "class_name": "function",
        "config": registered,
        "registered_name": registered,
    }


def _class_names(cls: type) -> tuple[str | None, str | None]:
    """``(module, registered_name)`` for an instance of ``cls``: Keras's for a built-in."""
    registered = get_registered_name(cls)
    builtin_module = module_of_class(cls)
    if builtin_module is not None and get_registered_object(registered) is not cls:
        return builtin_module, None
    return _user_module(cls.__module__), registered


def _user_module(module: str) -> str | None:
    # As Keras: a class defined in a script has no module to name.
    return None if module == "__main__" else module


# ---------------------------------------------------------------- reading
def deserialize_keras_object(
    config: Any,
    custom_objects: Mapping[str, Any] | None = None,
    safe_mode: bool = True,
    **kwargs: Any,
) -> Any:
    """The object a config from :func:`serialize_keras_object` (or Keras 3) describes.

    Names resolve through ``custom_objects``, any open
    ``custom_object_scope``, ``register_keras_serializable`` and
    graphkeras's built-ins, never through an import. ``safe_mode`` is
    accepted for Keras 3's signature; reading is always safe, and a
    ``__lambda__`` is refused either way. Keras 2's ``module_objects``
    (extra name -> object table) and ``printable_module_name`` (the word used
    in errors) are accepted as keywords too.

    >>> deserialize_keras_object({"class_name": "function", "config": "relu",
    ...                           "module": "keras.activations"}) is gk.activations.relu
    True
    """
    module_objects = kwargs.pop("module_objects", None)
    kind = kwargs.pop("printable_module_name", "object")
    if kwargs:
        raise TypeError(
            f"deserialize_keras_object() got unexpected keyword arguments {sorted(kwargs)}."
        )
    for argument, value in (("custom_objects", custom_objects), ("module_objects", module_objects)):
        if value is not None and not isinstance(value, Mapping):
            raise TypeError(
                f"deserialize_keras_object: {argument} must be a dict of name -> object, "
                f"received {type(value).__name__}."
            )
    reader = _Reader(custom_objects, module_objects or {}, str(kind))
    try:
        return reader.read(config, "config")
    except RecursionError as error:
        raise DeserializationError(
            "deserialize_keras_object: the config is nested too deeply to read."
        ) from error


class _Reader:
    """One deserialization: the tables names resolve through, and the walk over a config."""

    def __init__(self, custom_objects: Mapping | None, module_objects: Mapping, kind: str):
        self.custom_objects = custom_objects
        self.module_objects = module_objects
        self.kind = kind

    def read(self, value: Any, where: str) -> Any:
        if value is None or isinstance(value, (int, float, bool)):
            return value
        if isinstance(value, str):
            return self._read_name(value)
        if isinstance(value, (list, tuple)):
            return [self.read(item, f"{where}[{index}]") for index, item in enumerate(value)]
        if isinstance(value, Mapping):
            if "class_name" in value and "config" in value:
                return self._read_object(value, where)
            return {key: self.read(item, f"{where}[{key!r}]") for key, item in value.items()}
        raise DeserializationError(
            f"deserialize_keras_object: {where} is a {type(value).__name__}, which no config "
            f"holds: {preview(value)}."
        )

    def _read_name(self, name: str) -> Any:
        """A bare string: the custom object of that name if there is one, else the string."""
        found = find_custom_object(name, self.custom_objects)
        if found is not None:
            return found
        found = self.module_objects.get(name)
        if inspect.isclass(found) and hasattr(found, "from_config"):
            return found.from_config({})
        return found if found is not None else name

    def _read_object(self, wrapper: Mapping, where: str) -> Any:
        class_name = wrapper["class_name"]
        inner = wrapper["config"] if wrapper["config"] is not None else {}
        if not isinstance(class_name, str):
            raise DeserializationError(
                f"deserialize_keras_object: {where}['class_name'] must be a string, "
                f"received {preview(class_name)}."
            )
        special = self._read_special(class_name, inner, where)
        if special is not _NOT_SPECIAL:
            return special
        if class_name == "function":
            return self._function(wrapper, inner, where)
        if not isinstance(inner, Mapping):
            raise DeserializationError(
                f"deserialize_keras_object: the config of {class_name!r} at {where} must be a "
                f"dict, received {preview(inner)}."
            )
        cls = self._class(wrapper, where)
        if not inspect.isclass(cls):
            return cls  # A function given as a custom object, as Keras returns it.
        if (
            "read" in _model_form
            and class_name in MODEL_CLASS_NAMES
            and cls is builtin_class(class_name, "keras.layers")
        ):
            return _model_form["read"](wrapper, self.custom_objects)
        from_config = getattr(cls, "from_config", None)
        if from_config is None:
            raise DeserializationError(
                f"deserialize_keras_object: {cls.__name__} (at {where}) has no from_config(), "
                "so it cannot be rebuilt from a config."
            )
        object_where = f"deserialize_keras_object: {where} ({class_name})"
        converted = value_from_keras(dict(inner), object_where, DeserializationError, True)
        converted = without_inert_options(converted, object_where, DeserializationError)
        with CustomObjectScope(self.custom_objects):
            if accepts_custom_objects(from_config):
                return from_config(converted, custom_objects=self.custom_objects)
            return from_config(converted)

    def _read_special(self, class_name: str, inner: Any, where: str) -> Any:
        """Keras 3's wrappers for values that are not objects; ``_NOT_SPECIAL`` otherwise."""
        where = f"deserialize_keras_object: {where}"
        if class_name in ("__numpy__", "__tensor__"):
            if not isinstance(inner, Mapping) or "value" not in inner:
                raise DeserializationError(f"{where}: malformed {class_name} {preview(inner)}.")
            array = np.array(inner["value"], dtype=inner.get("dtype"))
            return array if class_name == "__numpy__" else K.convert_to_tensor(array)
        if class_name == "__bytes__":
            if not isinstance(inner, Mapping) or not isinstance(inner.get("value"), str):
                raise DeserializationError(f"{where}: malformed __bytes__ {preview(inner)}.")
            return inner["value"].encode("utf-8")
        if class_name == "__ellipsis__":
            return Ellipsis
        if class_name == "__slice__":
            if not isinstance(inner, Mapping):
                raise DeserializationError(f"{where}: malformed __slice__ {preview(inner)}.")
            parts = [self.read(inner.get(key), where) for key in ("start", "stop", "step")]
            return slice(*parts)
        if class_name == TENSOR_MARK:
            raise DeserializationError(
                f"{where}: a {TENSOR_MARK} stands for a tensor in a model's graph and can only "
                "be read as part of that model's config."
            )
        if class_name in ("DTypePolicy", "FloatDTypePolicy", "Policy"):
            return dtype_from_policy(inner, where, DeserializationError)
        refuse_code(class_name, where, ValueError)
        return _NOT_SPECIAL

    # ------------------------------------------------------------ lookups
    def _custom(self, name: Any) -> Any:
        """A user object called ``name`` (custom_objects, scopes, registered, module_objects)."""
        if not isinstance(name, str):
            return None
        found = find_custom_object(name, self.custom_objects)
        return found if found is not None else self.module_objects.get(name)

    def _function(self, wrapper: Mapping, name: Any, where: str) -> Callable:
        if not isinstance(name, str):
            raise DeserializationError(
                f"deserialize_keras_object: a function config at {where} must name the "
                f"function with a string, received {preview(name)}."
            )
        found = self._custom(name)
        module = wrapper.get("module")
        public = public_module(module)
        if found is None and public is not None:
            found = builtin_function(name, public)
        elif found is None and module in (None, "builtins"):
            candidates = (builtin_function(name, module) for module in FUNCTION_MODULES)
            found = next((function for function in candidates if function is not None), None)
        if found is None:
            found = self._custom(wrapper.get("registered_name"))
        if found is None:
            raise self._unknown("function", name, wrapper, where)
        return found

    def _class(self, wrapper: Mapping, where: str) -> Any:
        """The class a wrapper names; a user object wins only under its registered name."""
        class_name = wrapper["class_name"]
        # Keras 3 writes registered_name None for a built-in: custom objects do not replace it.
        found = self._custom(wrapper.get("registered_name", class_name))
        if found is None and "module" not in wrapper:
            found = self._class_in_any_module(class_name, where)
        elif found is None:
            public = public_module(wrapper["module"])
            found = builtin_class(class_name, public) if public is not None else None
        if found is None:
            found = self._custom(class_name)
        if found is None:
            raise self._unknown("class", class_name, wrapper, where)
        return found

    def _class_in_any_module(self, class_name: str, where: str) -> type | None:
        """A built-in class by its name alone (graphkeras's own ``{"class_name", "config"}``)."""
        found: dict[type, str] = {}
        for module in modules_of_class_name(class_name):
            found.setdefault(builtin_class(class_name, module), module)
        if len(found) > 1:
            raise DeserializationError(
                f"deserialize_keras_object: {class_name!r} at {where} names built-ins of "
                f"{sorted(found.values())}; add a 'module' key saying which."
            )
        return next(iter(found), None)

    def _unknown(self, what: str, name: str, wrapper: Mapping, where: str) -> Exception:
        public = public_module(wrapper.get("module"))
        known = f" {public} holds {builtin_names(public)}." if public is not None else ""
        return DeserializationError(
            f"deserialize_keras_object: cannot find the {self.kind} {what} {name!r} at {where} "
            f"(module {wrapper.get('module')!r}).{known} graphkeras looks names up among its "
            "built-ins, custom_objects, custom_object_scope and register_keras_serializable; "
            "it never imports a module named in a config."
        )


_NOT_SPECIAL = object()

__all__ = [
    "DeserializationError",
    "deserialize_keras_object",
    "install_model_form",
    "serialize_keras_object",
]
