"""JSON from a file, parsed with its size and nesting bounded.

Python's ``json`` parser recurses once per level of nesting and keeps the
whole document in memory, so a model file's JSON is refused before parsing
when it is larger than ``MAX_JSON_BYTES`` (the zip reader checks the
declared size) and after parsing when it nests deeper than
``MAX_JSON_DEPTH``; both are ``ModelFileError``s naming where the JSON came
from. Integer literals too long to be real values are kept as markers
that the config check reports by field (``config_checks.py``).
"""

from __future__ import annotations

import json
from typing import Any

from graphkeras.saving.config_checks import parse_integer
from graphkeras.saving.errors import ModelFileError
from graphkeras.saving.load_limits import MAX_JSON_DEPTH


def parse_json(data: bytes, where: str) -> Any:
    """JSON from ``data``, refused when invalid or nested deeper than MAX_JSON_DEPTH."""
    try:
        value = json.loads(data.decode("utf-8"), parse_int=parse_integer)
    except (UnicodeDecodeError, ValueError) as error:
        raise ModelFileError(f"{where} is not valid JSON: {error}") from error
    except RecursionError as error:
        raise ModelFileError(f"{where} is nested too deeply.") from error
    check_json_depth(value, where)
    return value


def check_json_depth(value: Any, where: str, error: type = ModelFileError) -> None:
    """Refuse (with ``error``) a JSON value nested deeper than MAX_JSON_DEPTH."""
    depth = _depth(value)
    if depth > MAX_JSON_DEPTH:
        raise error(f"{where} is nested {depth} levels deep; the limit is {MAX_JSON_DEPTH}.")


def _depth(value) -> int:
    """How deeply lists and objects nest in a parsed JSON value (without recursion)."""
    deepest = 0
    pending = [(value, 1)] if isinstance(value, (dict, list)) else []
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            return depth
        children = item.values() if type(item) is dict else item
        pending.extend((child, depth + 1) for child in children if type(child) in _CONTAINERS)
    return deepest


_CONTAINERS = (dict, list)
