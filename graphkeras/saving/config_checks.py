"""One walk over a model config before anything is built from it.

A config read from a file or given as text says how many layers, calls and
levels of nesting to build, and with what numbers. Building trusts those, so
they are checked first, in one pass without recursion (a config can nest
as deep as its JSON allows):

* every integer fits in 64 bits (``units=10**4000`` names its field);
* at most :data:`MAX_LAYERS` layers and :data:`MAX_NODES` calls in all, and
  models nested at most :data:`MAX_MODEL_NESTING` deep;
* when the config came with a file, at most one layer and one call per
  :data:`MIN_FILE_BYTES_PER_LAYER` bytes of that file (plus
  :data:`FREE_LAYERS`), so that a small file cannot ask for a long build.

Saving runs the same checks, so a model that saves also loads.
"""

from __future__ import annotations

from typing import Any

from graphkeras.saving.load_limits import (
    FREE_LAYERS,
    MAX_LAYERS,
    MAX_MODEL_NESTING,
    MAX_NODES,
    MIN_FILE_BYTES_PER_LAYER,
)

INT64_MAX = 2**63 - 1
# Integers with more digits than this are not parsed at all (see OverlongInteger).
MAX_INTEGER_DIGITS = 19


class OverlongInteger:
    """What :func:`parse_integer` gives for an integer literal too long to be a real value."""

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<integer of {self.digits} digits>"


def parse_integer(text: str) -> int | OverlongInteger:
    """``json.loads``'s ``parse_int``: an int, or a marker for literals of over 19 digits.

    Parsing a 4,000-digit literal costs time, and Python refuses longer ones
    without saying where they were; the marker lets :func:`check_config`
    name the field instead.
    """
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_INTEGER_DIGITS else OverlongInteger(digits)


def check_config(
    config: Any, where: str, file_bytes: int | None = None, error: type = ValueError
) -> None:
    """Refuse a config whose numbers or size no real model has; ``error`` names ``where``.

    ``file_bytes`` is the size of the file the config came from (None for a
    config given in code or as text: only the absolute limits apply).
    """
    layer_budget = node_budget = None
    if file_bytes is not None:
        layer_budget = node_budget = FREE_LAYERS + file_bytes // MIN_FILE_BYTES_PER_LAYER
    if not isinstance(config, (dict, list, tuple)):
        return  # Not a config at all: building it says so.
    layers = nodes = 0
    # Containers only: (value, index of parent entry, key in parent, models enclosing it).
    entries: list[tuple[Any, int, Any, int]] = [(config, -1, None, 0)]
    position = 0
    while position < len(entries):
        value, _, _, nesting = entries[position]
        if isinstance(value, dict):
            if _is_model_config(value):
                nesting += 1
                if nesting > MAX_MODEL_NESTING:
                    raise error(
                        f"{where}: models are nested more than {MAX_MODEL_NESTING} deep "
                        f"(at {_path(entries, position)})."
                    )
                model_layers = value["config"]["layers"]
                layers += len(model_layers)
                nodes += sum(
                    len(layer["inbound_nodes"])
                    for layer in model_layers
                    if isinstance(layer, dict) and isinstance(layer.get("inbound_nodes"), list)
                )
                _check_count("layers", layers, MAX_LAYERS, layer_budget, file_bytes, where, error)
                _check_count("calls", nodes, MAX_NODES, node_budget, file_bytes, where, error)
            children = value.items()
        else:
            children = enumerate(value)
        for key, child in children:
            kind = type(child)
            if kind is str or kind is float or kind is bool or child is None:
                continue
            if kind is dict or kind is list or kind is tuple:
                entries.append((child, position, key, nesting))
            elif kind is int:
                if not -INT64_MAX <= child <= INT64_MAX:
                    _refuse_integer(child, entries, position, key, where, error)
            elif isinstance(child, OverlongInteger) or (
                isinstance(child, int) and not -INT64_MAX <= child <= INT64_MAX
            ):
                _refuse_integer(child, entries, position, key, where, error)
            elif isinstance(child, (dict, list, tuple)):
                entries.append((child, position, key, nesting))
        position += 1


def _refuse_integer(value, entries: list, position: int, key, where: str, error: type) -> None:
    path = _path(entries, position) + (f"[{key}]" if isinstance(key, int) else f".{key}")
    raise error(
        f"{where}: {path.lstrip('.')} is an integer of {_digits(value)} digits; "
        "values must fit in 64 bits."
    )


def _is_model_config(value: dict) -> bool:
    inner = value.get("config")
    return (
        "class_name" in value and isinstance(inner, dict) and isinstance(inner.get("layers"), list)
    )


def _check_count(what, count, limit, budget, file_bytes, where, error) -> None:
    if count > limit:
        raise error(f"{where}: the config describes more than {limit} {what}.")
    if budget is not None and count > budget:
        raise error(
            f"{where}: the config describes {count}+ {what}, more than a file of {file_bytes} "
            f"bytes can hold ({budget}: {FREE_LAYERS} plus one per "
            f"{MIN_FILE_BYTES_PER_LAYER} bytes)."
        )


def _digits(value) -> int:
    return value.digits if isinstance(value, OverlongInteger) else len(str(abs(value)))


def _path(entries: list, position: int) -> str:
    """``config.layers[2].config.units``-style path of entry ``position`` from the root."""
    parts = []
    while position > 0:
        _, parent, key, _ = entries[position]
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
        position = parent
    return "".join(reversed(parts)).lstrip(".")
