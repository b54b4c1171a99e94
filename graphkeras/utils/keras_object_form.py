"""Keras 3's object form: ``{"module", "class_name", "config", "registered_name"}``.

Keras 3 writes every object in a config as such a wrapper: ``module`` is the
public Keras module of a built-in (``"keras.layers"``, ``"keras.losses"``,
...), ``registered_name`` the ``"package>Name"`` of a registered custom
object. graphkeras's own configs write ``{"class_name", "config"}`` only.
This module converts between the two, as plain data, for the ``.keras``
reader and writer (``graphkeras.interop``) and for
``serialize_keras_object`` / ``deserialize_keras_object``.

Which built-ins belong to which Keras module is registered here by each
family when it is imported (:func:`register_keras_module`), so this module
needs no import of them. A ``module`` read from a config only selects one of
those tables; it is never imported.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

TENSOR_MARK = "__keras_tensor__"

# The Keras modules that hold built-ins, in the order a class name is looked
# up when no module says where it lives (losses before metrics: a loss and a
# metric class may share a name, and configs have long written losses there).
KERAS_MODULES = (
    "keras.layers",
    "keras.initializers",
    "keras.regularizers",
    "keras.constraints",
    "keras.optimizers",
    "keras.optimizers.schedules",
    "keras.losses",
    "keras.metrics",
    "keras.activations",
)
# A function exported by several modules is written under the first of them
# that holds it; Keras 3 exports most loss functions as keras.metrics.* first.
FUNCTION_MODULES = (
    "keras.activations",
    "keras.metrics",
    "keras.losses",
)

# Keras 3 module -> the name -> object tables graphkeras registered for it.
_TABLES: dict[str, list[Mapping[str, Any]]] = {module: [] for module in KERAS_MODULES}

# Keras options with no graphkeras counterpart, and the value that makes them inert.
INERT_OPTIONS: dict[str, tuple] = {
    "quantization_config": (None,),
    "lora_rank": (None, 0),
    "lora_alpha": (None,),
    "lora_enabled": (False,),
    "ragged": (False,),
    "autocast": (True,),
    "time_major": (False,),
    "implementation": (1, 2),
    "zero_output_for_mask": (True, False),
    "input_dim_is_deprecated": (None,),
    "input_axes": (None,),
    "output_axes": (None,),
}

# Keras serialisation wrappers that carry code or opaque data: never read.
REFUSED_WRAPPERS = ("__lambda__", "__bytes__", "__typespec__", "__passive_serialization__")

DTYPE_POLICIES = ("DTypePolicy", "FloatDTypePolicy", "Policy")

PLAIN_DTYPES = frozenset(
    {
        "float16",
        "float32",
        "float64",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
    }
)


# ---------------------------------------------------------------- the tables
def register_keras_module(module: str, *tables: Mapping[str, Any]) -> None:
    """Declare that the objects in ``tables`` (name -> class or function) are Keras's ``module``.

    Each family of built-ins calls this once, with its live tables (later
    additions count): ``register_keras_module("keras.initializers", ALL_INITIALIZERS)``.
    """
    if module not in _TABLES:
        raise ValueError(f"register_keras_module: unknown Keras module {module!r}.")
    for table in tables:
        if not any(table is known for known in _TABLES[module]):
            _TABLES[module].append(table)


def public_module(module: Any) -> str | None:
    """The registered Keras module a config's ``module`` names, or None.

    ``"keras.layers"`` and Keras's own source paths (``"keras.src.losses.losses"``)
    both count; ``"keras"`` and ``"keras.models"`` hold the model classes,
    which are layers here. Anything outside ``keras`` is not a built-in.
    """
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    if parts[0] != "keras":
        return None
    if len(parts) > 1 and parts[1] == "src":
        parts = parts[:1] + parts[2:]
    if len(parts) == 1 or parts[1] in ("models", "dtype_policies"):
        return "keras.layers"
    if parts[1] == "optimizers" and "schedules" in parts[2:]:
        return "keras.optimizers.schedules"
    candidate = f"keras.{parts[1]}"
    return candidate if candidate in _TABLES else None


def builtin_class(name: str, module: str) -> type | None:
    """The built-in class called ``name`` in Keras module ``module``, or None."""
    for table in _TABLES.get(module, ()):
        for key in (name, name.lower()):
            found = table.get(key)
            if inspect.isclass(found):
                return found
    return None


def builtin_function(name: str, module: str) -> Callable | None:
    """The built-in function called ``name`` in Keras module ``module``, or None."""
    for table in _TABLES.get(module, ()):
        found = table.get(name)
        if callable(found) and not inspect.isclass(found):
            return found
    return None


def builtin_names(module: str) -> list[str]:
    """Every name a Keras module's registered tables answer to, sorted (for error messages)."""
    return sorted({name for table in _TABLES.get(module, ()) for name in table})


def modules_of_class_name(name: str) -> Iterator[str]:
    """The Keras modules holding a built-in class called ``name``, in lookup order."""
    return (module for module in KERAS_MODULES if builtin_class(name, module) is not None)


def module_of_class(cls: type) -> str | None:
    """The Keras module of a built-in class (by identity), or None for any other class."""
    for module in KERAS_MODULES:
        if builtin_class(cls.__name__, module) is cls:
            return module
    return None


def module_of_function(function: Callable) -> str | None:
    """The Keras module a built-in function is written under, or None."""
    name = getattr(function, "__name__", None)
    if not isinstance(name, str):
        return None
    for module in FUNCTION_MODULES:
        if builtin_function(name, module) is function:
            return module
    return None


# ---------------------------------------------------------------- writing
def object_wrapper(class_name: str, config: Any) -> dict:
    """Keras 3's wrapper for a graphkeras ``class_name`` (a registered ``package>Name`` too)."""
    if ">" in class_name:
        return {
            "module": None,
            "class_name": class_name.split(">", 1)[1],
            "config": config,
            "registered_name": class_name,
        }
    module = next(modules_of_class_name(class_name), None)
    # A class Keras defines outside its public namespace (the applications'
    # LayerScale) names its own module, and Keras registers it by class name.
    own_module = (
        getattr(builtin_class(class_name, module), "keras_module", None) if module else None
    )
    if own_module is not None:
        return {
            "module": own_module,
            "class_name": class_name,
            "config": config,
            "registered_name": class_name,
        }
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def keras_value(value: Any, leaf: Callable[[Any], Any] | None = None) -> Any:
    """A graphkeras config value with each ``{"class_name", "config"}`` wrapped as Keras 3 does.

    Without ``leaf`` the result is JSON-ready (tuples become lists, arrays
    lists). With ``leaf``, tuples stay tuples and every other value that is
    not a dict or a list goes through ``leaf`` (``serialize_keras_object``
    passes itself, so objects inside a config are written too).
    """
    if isinstance(value, dict):
        if value.get("class_name") == TENSOR_MARK:
            return value
        if set(value) == {"class_name", "config"} and isinstance(value["class_name"], str):
            return object_wrapper(value["class_name"], keras_value(value["config"], leaf))
        return {key: keras_value(item, leaf) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [keras_value(item, leaf) for item in value]
        return tuple(items) if leaf is not None and isinstance(value, tuple) else items
    if leaf is not None:
        return leaf(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


# ---------------------------------------------------------------- reading
def value_from_keras(
    value: Any, where: str, error: type[Exception] = ValueError, keep_module: bool = False
) -> Any:
    """A config value with Keras 3's object wrappers turned into graphkeras's forms.

    ``error`` is the exception raised for what cannot be read (the file
    readers pass ``ModelFileError``), with ``where`` naming the part at
    fault. ``keep_module`` keeps each wrapper's ``module`` beside its
    ``class_name``, so that a later lookup knows the family (a loss and a
    metric can share a class name).
    """
    if isinstance(value, list):
        return [value_from_keras(item, where, error, keep_module) for item in value]
    if not isinstance(value, Mapping):
        return value
    if "class_name" in value and ("config" in value or "module" in value):
        return _object_from_keras(value, where, error, keep_module)
    return {
        key: value_from_keras(item, where, error, keep_module)
        for key, item in value.items()
        if key != "shared_object_id"
    }


def class_name_to_resolve(wrapper: Mapping, where: str, error: type[Exception] = ValueError) -> str:
    """The name to resolve: a registered ``package>Name`` if given, else the class name."""
    class_name = wrapper.get("class_name")
    if not isinstance(class_name, str):
        raise error(f"{where}: a class name must be text, found {preview(class_name)}.")
    registered = wrapper.get("registered_name")
    if isinstance(registered, str) and ">" in registered:
        return registered
    return class_name


def dtype_from_policy(config: Any, where: str, error: type[Exception] = ValueError) -> str:
    """The plain dtype a Keras ``DTypePolicy`` config names; mixed policies are refused."""
    name = config.get("name") if isinstance(config, Mapping) else config
    if name not in PLAIN_DTYPES:
        raise error(
            f"{where}: dtype policy {preview(name)} is not supported; graphkeras "
            "layers compute in one plain dtype."
        )
    return name


def refuse_code(class_name: Any, where: str, error: type[Exception] = ValueError) -> None:
    """Raise for a wrapper that holds Python code or opaque bytes (``__lambda__``, ...)."""
    if class_name in REFUSED_WRAPPERS:
        raise error(
            f"{where}: holds a {class_name!r} object (Python code or opaque bytes); "
            "graphkeras never loads those, whatever safe_mode says. Use a named "
            "function or class registered with register_keras_serializable()."
        )


def without_inert_options(config: dict, where: str, error: type[Exception] = ValueError) -> dict:
    """``config`` without Keras-only options that are off; one that is on is refused."""
    for option, inert_values in INERT_OPTIONS.items():
        if option in config:
            value = config.pop(option)
            if value not in inert_values:
                raise error(
                    f"{where}: option {option}={preview(value)} is not supported by graphkeras."
                )
    return config


def preview(value: Any, limit: int = 120) -> str:
    """``repr(value)``, cut to ``limit`` characters for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _object_from_keras(
    wrapper: Mapping, where: str, error: type[Exception], keep_module: bool
) -> Any:
    class_name = wrapper.get("class_name")
    config = wrapper.get("config")
    if class_name == TENSOR_MARK:
        raise error(f"{where}: a tensor reference appears outside a call node.")
    refuse_code(class_name, where, error)
    if class_name in DTYPE_POLICIES:
        return dtype_from_policy(config, where, error)
    if class_name == "__tuple__":
        items = config.get("value") if isinstance(config, Mapping) else None
        if not isinstance(items, list):
            raise error(f"{where}: malformed tuple {preview(wrapper)}.")
        return [value_from_keras(item, where, error, keep_module) for item in items]
    if class_name in ("__numpy__", "__tensor__"):
        items = config.get("value") if isinstance(config, Mapping) else None
        if not isinstance(items, (list, int, float)):
            raise error(f"{where}: malformed array {preview(wrapper)}.")
        return items
    if class_name == "function":
        registered = wrapper.get("registered_name")
        name = registered if isinstance(registered, str) and ">" in registered else config
        if not isinstance(name, str):
            raise error(f"{where}: malformed function reference {preview(wrapper)}.")
        return name
    name = class_name_to_resolve(wrapper, where, error)
    converted = value_from_keras(config or {}, where, error, keep_module)
    if isinstance(converted, dict):
        converted = without_inert_options(converted, f"{where}: {name}", error)
    result = {"class_name": name, "config": converted}
    if keep_module and isinstance(wrapper.get("module"), str):
        result["module"] = wrapper["module"]
    return result
