"""Which function writes a layer class as ONNX nodes: the converter registry.

A converter is ``converter(call: OnnxLayerCall) -> str | list[str]``: it
reads the layer (``call.layer``) and the ONNX names of its inputs
(``call.inputs``), adds nodes through ``call.add`` and returns the names of
the layer's outputs, in order. The built-in converters register themselves
here exactly as a user's do, one module per layer family.

A class is looked up along its MRO, but an ancestor's converter is taken
only when the subclass runs the ancestor's ``call`` unchanged: a subclass
that computes something else must register its own converter.

A class ONNX cannot express is registered with the reason instead
(``register_onnx_refusal``), so the export refuses it by name and reason
before anything is written, even when its inputs (strings) have no ONNX
type.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import NamedTuple


class ConverterEntry(NamedTuple):
    """A registered converter; whether its layer ignores input masks, or writes them itself."""

    converter: Callable
    masks_ignored: bool
    masks_carried: bool = False


_converters: dict[type, ConverterEntry] = {}
_refusal_reasons: dict[type, str | Callable] = {}


def register_onnx_converter(
    layer_class: type,
    converter: Callable,
    masks_ignored: bool = False,
    masks_carried: bool = False,
) -> None:
    """Use ``converter`` to write layers of ``layer_class`` (replacing any before).

    ``masks_ignored=True`` says the layer's ``call`` takes a mask that never
    changes its result (``Add`` ignores masks), so a masked input does not
    block the export. ``masks_carried=True`` says the converter reads its
    inputs' masks itself (``call.mask_of``, see onnx_masks.py): a masked input
    is exported when its mask can be written as ONNX nodes.
    """
    if not isinstance(layer_class, type):
        raise TypeError(
            "register_onnx_converter: layer_class must be a class, "
            f"received {layer_class!r} of type {type(layer_class).__name__}."
        )
    if not callable(converter):
        raise TypeError(
            "register_onnx_converter: converter must be callable as converter(call), "
            f"received {converter!r}."
        )
    _converters[layer_class] = ConverterEntry(converter, bool(masks_ignored), bool(masks_carried))


def converter_entry(layer) -> ConverterEntry | None:
    """The entry that writes ``layer``, or None when no class of its lineage has one."""
    layer_class = type(layer)
    for ancestor in layer_class.__mro__:
        entry = _converters.get(ancestor)
        if entry is None:
            continue
        if ancestor is layer_class or getattr(layer_class, "call", None) is getattr(
            ancestor, "call", None
        ):
            return entry
        return None
    return None


def register_onnx_refusal(layer_class: type, reason: str | Callable) -> None:
    """Refuse layers of ``layer_class`` (and subclasses without a converter) saying ``reason``.

    ``reason`` completes "<Class> layer '<name>' cannot be exported to ONNX: it ...".
    It may instead be ``reason(layer) -> str | None``, for a class whose
    converter writes some of its layers only (an ``OperationLayer`` whose op
    has no ONNX form): None lets the converter write the layer.
    """
    if not isinstance(layer_class, type):
        raise TypeError(
            "register_onnx_refusal: layer_class must be a class, "
            f"received {layer_class!r} of type {type(layer_class).__name__}."
        )
    _refusal_reasons[layer_class] = reason if callable(reason) else str(reason)


def refusal_reason(layer) -> str | None:
    """Why ``layer`` cannot be written, or None; the nearest class along its MRO decides."""
    for ancestor in type(layer).__mro__:
        reason = _refusal_reasons.get(ancestor)
        if callable(reason):
            reason = reason(layer)
        if reason is not None:
            return reason
        if ancestor in _converters:
            return None
    return None


def call_takes_mask(layer) -> bool:
    """Whether ``layer.call`` has a ``mask`` parameter (so a mask can change its result)."""
    try:
        return "mask" in inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return True
