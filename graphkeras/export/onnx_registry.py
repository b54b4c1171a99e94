"""Which function writes a layer class as ONNX nodes: the converter registry.

A converter is ``converter(call: OnnxLayerCall) -> str | list[str]``: it
reads the layer (``call.layer``) and the ONNX names of its inputs
(``call.inputs``), adds nodes through ``call.add`` and returns the names of
the layer's outputs, in order. The built-in converters register themselves
here exactly as a user's do, one module per layer family.

A class is looked up along its MRO, but an ancestor's converter is taken
only when the subclass runs the ancestor's ``call`` unchanged: a subclass
that computes something else must register its own converter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class ConverterEntry(NamedTuple):
    """A registered converter, whether its layer ignores input masks, and whether it reads them."""

    converter: Callable
    masks_ignored: bool
    masks_carried: bool = False


_converters: dict[type, ConverterEntry] = {}


def register_onnx_converter(
    layer_class: type, converter: Callable, masks_ignored: bool = False, masks_carried: bool = False
) -> None:
    """Use ``converter`` to write layers of ``layer_class`` (replacing any before).

    ``masks_ignored=True`` says the layer's ``call`` takes a mask that never
    changes its result (``Add`` ignores masks), so a masked input does not
    block the export. ``masks_carried=True`` says the converter reads its
    first input's mask (``call.input_masks[0]``, an ONNX bool tensor) and
    writes exactly what the masked call computes.
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
