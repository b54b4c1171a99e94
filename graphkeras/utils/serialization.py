"""Names to classes and back, without ever importing a module named in a file.

A config names a class by a short string (``"Dense"``, ``"GlorotUniform"``,
``"MyPackage>MyLayer"``). That string is looked up, in order, in the
``custom_objects`` the caller passes, in the objects users registered with
:func:`register_serializable`, and in the table of built-ins the caller
names. Nothing else resolves: an unknown name is a ``ValueError`` that lists
what was expected, never an import.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Mapping
from typing import Any

# "package>name" -> class or function, filled by register_serializable.
_REGISTERED_OBJECTS: dict[str, Any] = {}
# class or function -> "package>name", the name it is written under.
_REGISTERED_NAMES: dict[Any, str] = {}


def register_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator: make a class or function loadable by name from configs.

    The object is stored as ``"package>name"`` (``name`` defaults to the
    object's ``__name__``) and written under that name.

    >>> @register_serializable(package="demo")
    ... class Scale(Layer): ...
    """
    if ">" in package:
        raise ValueError(f"package must not contain '>', received {package!r}.")

    def decorator(obj):
        registered_name = f"{package}>{name or obj.__name__}"
        if (
            registered_name in _REGISTERED_OBJECTS
            and _REGISTERED_OBJECTS[registered_name] is not obj
        ):
            raise ValueError(f"{registered_name!r} is already registered to another object.")
        _REGISTERED_OBJECTS[registered_name] = obj
        _REGISTERED_NAMES[obj] = registered_name
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """The name ``obj`` is written under: its registered name, else its ``__name__``."""
    return _REGISTERED_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_registered_object(name: str) -> Any:
    """The object registered as ``name`` (``"package>name"``), or None."""
    return _REGISTERED_OBJECTS.get(name)


def resolve(
    name: str,
    custom_objects: Mapping[str, Any] | None,
    builtins: Mapping[str, Any],
    kind: str,
) -> Any:
    """Find the object a config calls ``name``; ``ValueError`` when nothing matches.

    ``kind`` words the error (``"layer"``, ``"initializer"``, ...).
    """
    if not isinstance(name, str):
        raise ValueError(f"Expected a {kind} name (a string), received {name!r}.")
    found = find_custom_object(name, custom_objects)
    if found is not None:
        return found
    if name in builtins:
        return builtins[name]
    scoped = {key for table in _scopes() for key in table}
    known = sorted(set(builtins) | set(_REGISTERED_OBJECTS) | set(custom_objects or ()) | scoped)
    raise ValueError(
        f"Unknown {kind}: {name!r}. Pass it in custom_objects or register it with "
        f"graphkeras.utils.register_serializable(). Known {kind}s: {known}."
    )


def find_custom_object(name: str, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The user object ``name`` stands for, or None: built-ins are not searched.

    Looks in ``custom_objects``, then in the open custom-object scopes
    (innermost first), each by the full name and by the part after ``>``,
    then among the objects registered with :func:`register_serializable`.
    """
    short_name = name.rsplit(">", 1)[-1]
    for table in (custom_objects or {}, *reversed(_scopes())):
        if name in table:
            return table[name]
        if short_name in table:
            return table[short_name]
    return _REGISTERED_OBJECTS.get(name)


def get_custom_objects() -> dict[str, Any]:
    """The global table of registered objects, by name; adding to it registers an object.

    As Keras's ``get_custom_objects()``: ``get_custom_objects()["MyLayer"] = MyLayer``
    makes configs naming ``"MyLayer"`` load. Only what code puts here resolves.
    """
    return _REGISTERED_OBJECTS


class CustomObjectScope:
    """Within ``with CustomObjectScope({"Name": obj}, ...):``, configs may name these objects.

    Scopes nest (the innermost wins) and are per thread; arguments given
    directly as ``custom_objects`` win over any scope.
    """

    def __init__(self, *tables: Mapping[str, Any] | None) -> None:
        merged: dict[str, Any] = {}
        for table in tables:
            if table is None:
                continue
            if not isinstance(table, Mapping):
                raise TypeError(
                    f"CustomObjectScope takes dicts of name -> object, received "
                    f"{type(table).__name__}."
                )
            merged.update(table)
        self.custom_objects = merged

    def __enter__(self) -> CustomObjectScope:
        _scopes().append(self.custom_objects)
        return self

    def __exit__(self, *exc_info) -> None:
        _scopes().pop()


def custom_object_scope(*tables: Mapping[str, Any] | None) -> CustomObjectScope:
    """``CustomObjectScope(*tables)``, Keras's lower-case spelling."""
    return CustomObjectScope(*tables)


_thread_state = threading.local()


def _scopes() -> list[Mapping[str, Any]]:
    """This thread's open custom-object scopes, innermost last."""
    if not hasattr(_thread_state, "scopes"):
        _thread_state.scopes = []
    return _thread_state.scopes


def serialize_object(obj) -> dict:
    """``{"class_name", "config"}`` for an object with ``get_config``."""
    return {"class_name": get_registered_name(type(obj)), "config": obj.get_config()}


def deserialize_object(
    config: Any,
    custom_objects: Mapping[str, Any] | None,
    builtins: Mapping[str, Any],
    kind: str,
) -> Any:
    """Build an object from ``{"class_name", "config"}`` through :func:`resolve`.

    ``from_config`` receives ``custom_objects`` too when it accepts it, so
    containers (models, wrappers) can resolve what they hold.
    """
    if not isinstance(config, Mapping) or "class_name" not in config:
        raise ValueError(
            f"Expected a {kind} config: a dict with 'class_name' and 'config', received {config!r}."
        )
    cls = resolve(config["class_name"], custom_objects, builtins, kind)
    inner = config.get("config", {})
    if not isinstance(inner, Mapping):
        raise ValueError(
            f"The 'config' of {kind} {config['class_name']!r} must be a dict, received {inner!r}."
        )
    from_config = getattr(cls, "from_config", None)
    if from_config is None:
        raise ValueError(f"{kind} {config['class_name']!r} cannot be built from a config.")
    if accepts_custom_objects(from_config):
        return from_config(dict(inner), custom_objects=custom_objects)
    return from_config(dict(inner))


def accepts_custom_objects(function) -> bool:
    """Whether ``function`` (a ``from_config``, say) takes a ``custom_objects`` argument."""
    # A classmethod is bound anew on each access; its function is the same.
    return _takes_custom_objects(getattr(function, "__func__", function))


@functools.lru_cache(maxsize=4096)
def _takes_custom_objects(function) -> bool:
    """Whether ``function`` has a ``custom_objects`` parameter (asked once per function)."""
    try:
        return "custom_objects" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def serialize_configurable(obj, kind: str, base_class: str):
    """How a config stores a callable object: its ``{"class_name", "config"}``, or the
    registered name of a plain function; None stays None.

    Shared by the initializers, regularizers and constraints modules.
    """
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        return serialize_object(obj)
    registered_name = get_registered_name(obj)
    if callable(obj) and get_registered_object(registered_name) is obj:
        return registered_name
    raise ValueError(
        f"Cannot serialize the {kind} {obj!r}: it has no get_config and is not registered. "
        f"Subclass {base_class}, or register the function with "
        "graphkeras.utils.register_serializable()."
    )


def deserialize_configurable(
    config: Any,
    custom_objects: Mapping[str, Any] | None,
    builtins: Mapping[str, Any],
    kind: str,
) -> Any:
    """The object a config describes: ``{"class_name", "config"}``, or a name alone
    (a class is then built with its defaults; a function is returned)."""
    if config is None:
        return None
    if isinstance(config, str):
        obj = resolve(config, custom_objects, builtins, kind)
        return obj.from_config({}) if isinstance(obj, type) else obj
    return deserialize_object(config, custom_objects, builtins, kind)
