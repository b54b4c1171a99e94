"""Categorical preprocessing as ONNX nodes: Discretization, CategoryEncoding, IntegerLookup.

Each is written with comparisons against constants, so it computes exactly
what graphkeras computes:

- ``Discretization``: a value's bin is how many boundaries it reaches
  (``GreaterOrEqual`` against the boundaries, summed).
- one-hot rows (``CategoryEncoding``, and the encoded modes of the other
  two) compare each index with ``0 .. depth - 1`` (``Equal``), as the
  backend's ``one_hot`` does: an index outside ``[0, depth)``, or a float
  that is not a whole number, gives a row of zeros. (ONNX's ``OneHot``
  would wrap negative indices around instead.) ``multi_hot`` and ``count``
  reduce those rows over the sample's axis.
- ``IntegerLookup`` compares each integer with the whole vocabulary, so its
  cost grows with the vocabulary's size; an unknown integer goes to the OOV
  index, or with several to ``integer mod num_oov_indices`` (ONNX ``Mod``
  with ``fmod=0`` takes the divisor's sign, as ``np.mod``). ``invert=True``
  gathers the tokens from a table whose last entry is the OOV token.

Refused by name: ``Hashing``, ``StringLookup`` and ``TextVectorization``
(they read strings, or hash integers' decimal text with FarmHash or SipHash,
which ONNX has no operator for), IntegerLookup's ``oov_method="farmhash"``
for the same reason, and ``num_oov_indices=0``, where graphkeras raises on
an unknown integer and an ONNX graph cannot.
"""

from __future__ import annotations

import numpy as np

from graphkeras import layers
from graphkeras.export.onnx_export_error import OnnxExportError
from graphkeras.export.onnx_registry import register_onnx_converter, register_onnx_refusal


def describe(layer) -> str:
    return f"{type(layer).__name__} layer '{layer.name}'"


def _is_float(dtype: str) -> bool:
    return np.issubdtype(np.dtype(dtype), np.floating)


# ---------------------------------------------------------------- one-hot rows
def one_hot_rows(call, indices: str, indices_dtype: str, depth: int, dtype: str) -> str:
    """``K.one_hot(indices, depth, dtype)``: ``indices[..., None] == arange(depth)``."""
    if not _is_float(indices_dtype) and indices_dtype != "int64":
        indices, indices_dtype = call.cast(indices, "int64"), "int64"
    classes = call.constant(np.arange(depth), indices_dtype, role="classes")
    matches = call.add("Equal", [call.unsqueeze(indices, [-1]), classes])
    return call.cast(matches, dtype)


def encoded_categories(
    call, indices: str, indices_dtype: str, shape: tuple, output_mode: str, depth: int, dtype: str
) -> str:
    """``categorical_encoding.encode_categories`` for indices of ``shape`` (rank at least 1)."""
    rank = len(shape)
    if output_mode == "one_hot":
        if rank > 1 and shape[-1] == 1:
            indices = call.add("Squeeze", [indices, call.int64s([-1], "axes")])
        return one_hot_rows(call, indices, indices_dtype, depth, dtype)
    axis = 1 if rank > 1 else 0
    if output_mode == "multi_hot":
        truncated = call.cast(indices, "int32") if indices_dtype != "int32" else indices
        rows = one_hot_rows(call, truncated, "int32", depth, dtype)
        return call.reduce("ReduceMax", rows, [axis], keepdims=False)
    rows = one_hot_rows(call, indices, indices_dtype, depth, dtype)
    return call.reduce("ReduceSum", rows, [axis], keepdims=False)


# ---------------------------------------------------------------- Discretization
def discretization(call):
    """Bin indices (int32), encoded when ``output_mode`` asks."""
    layer = call.layer
    if layer.bin_boundaries is None:
        raise OnnxExportError(
            f"{describe(layer)} has no bin boundaries yet (built with num_bins and not "
            "adapted); adapt it before exporting."
        )
    x = call.inputs[0]
    if call.input_dtypes[0] != call.dtype:
        x = call.cast(x, call.dtype)
    boundaries = call.constant(np.asarray(layer.bin_boundaries, dtype=call.dtype), role="bins")
    reached = call.cast(call.add("GreaterOrEqual", [call.unsqueeze(x, [-1]), boundaries]), "int32")
    indices = call.reduce("ReduceSum", reached, [-1], keepdims=False)
    if layer.output_mode == "int":
        return indices
    return encoded_categories(
        call, indices, "int32", call.input_shapes[0], layer.output_mode, layer._depth(), call.dtype
    )


# ---------------------------------------------------------------- CategoryEncoding
def category_encoding(call):
    """One-hot, multi-hot or count rows; ``count_weights`` (a second input) weighs the counts."""
    layer = call.layer
    shape = call.input_shapes[0]
    indices, indices_dtype = call.inputs[0], call.input_dtypes[0]
    if len(call.inputs) == 1:
        return encoded_categories(
            call, indices, indices_dtype, shape, layer.output_mode, layer.num_tokens, call.dtype
        )
    # count with count_weights (cast to the layer's dtype): one-hot rows times the weights, summed.
    weights = call.inputs[1]
    if call.input_dtypes[1] != call.dtype:
        weights = call.cast(weights, call.dtype)
    rows = one_hot_rows(call, indices, indices_dtype, layer.num_tokens, call.dtype)
    weighted = call.add("Mul", [rows, call.unsqueeze(weights, [-1])])
    return call.reduce("ReduceSum", weighted, [1 if len(shape) > 1 else 0], keepdims=False)


# ---------------------------------------------------------------- IntegerLookup
def _checked_lookup(layer) -> None:
    if layer.num_oov_indices == 0 and not layer.invert:
        raise OnnxExportError(
            f"{describe(layer)}: num_oov_indices=0 makes graphkeras raise on an integer outside "
            "the vocabulary, which an ONNX graph cannot do; use num_oov_indices >= 1."
        )
    if layer.num_oov_indices > 1 and layer.oov_method == "farmhash" and not layer.invert:
        raise OnnxExportError(
            f"{describe(layer)}: oov_method='farmhash' spreads unknown integers by the FarmHash "
            "(or SipHash) of their decimal text, which ONNX has no operator for; use "
            "oov_method='floormod'."
        )
    if not layer.get_vocabulary(include_special_tokens=False):
        raise OnnxExportError(
            f"{describe(layer)} has no vocabulary yet; set or adapt one before exporting."
        )


def _looked_up(call, tokens: str) -> str:
    """The int64 index of every int64 token, as ``IndexLookup._indices`` gives it."""
    layer = call.layer
    vocabulary = np.asarray(layer.get_vocabulary(include_special_tokens=False), dtype="int64")
    start = layer._token_start_index()
    hits = call.cast(
        call.add("Equal", [call.unsqueeze(tokens, [-1]), call.int64s(vocabulary, "vocabulary")]),
        "int64",
    )
    positions = call.int64s(start + np.arange(len(vocabulary)), "indices")
    found_index = call.reduce("ReduceSum", call.add("Mul", [hits, positions]), [-1], False)
    found = call.cast(call.reduce("ReduceSum", hits, [-1], False), "bool")
    oov_start = layer._oov_start_index()
    if layer.num_oov_indices == 1:
        unknown = call.int64s([oov_start], "oov_index")
    else:
        bucket = call.add("Mod", [tokens, call.int64s([layer.num_oov_indices], "oov_count")])
        unknown = call.add("Add", [bucket, call.int64s([oov_start], "oov_start")])
    indices = call.add("Where", [found, found_index, unknown])
    if layer.mask_token is None:
        return indices
    masked = call.add("Equal", [tokens, call.int64s([layer.mask_token], "mask_token")])
    mask_index = 0 if layer.output_mode == "int" else -1
    return call.add("Where", [masked, call.int64s([mask_index], "mask_index"), indices])


def _inverted(call) -> str:
    """Indices back to tokens; an index outside the vocabulary gives the OOV token."""
    layer = call.layer
    try:
        table = np.asarray([*layer.get_vocabulary(), layer.oov_token], dtype="int64")
    except (TypeError, ValueError):
        raise OnnxExportError(
            f"{describe(layer)} (invert=True): its vocabulary with oov_token="
            f"{layer.oov_token!r} is not all integers, so it has no int64 table."
        ) from None
    indices = call.inputs[0]
    if call.input_dtypes[0] != "int64":
        indices = call.cast(indices, "int64")
    size = len(table) - 1
    inside = call.add(
        "And",
        [
            call.add("GreaterOrEqual", [indices, call.int64s([0], "zero")]),
            call.add("Less", [indices, call.int64s([size], "size")]),
        ],
    )
    safe = call.add("Where", [inside, indices, call.int64s([size], "oov_row")])
    return call.add("Gather", [call.int64s(table, "table"), safe], axis=0)


def integer_lookup(call):
    layer = call.layer
    _checked_lookup(layer)
    if layer.invert:
        return _inverted(call)
    tokens = call.inputs[0]
    if call.input_dtypes[0] != "int64":
        tokens = call.cast(tokens, "int64")
    indices = _looked_up(call, tokens)
    if layer.output_mode == "int":
        return indices
    return _encoded_indices(call, indices)


def _encoded_indices(call, indices: str) -> str:
    """``index_encoding.encode_indices`` on the looked-up int64 indices."""
    layer = call.layer
    rank = len(call.input_shapes[0])
    depth = layer._require_depth()
    dtype = str(layer.output_dtype)
    if layer.output_mode == "one_hot":
        if rank > 1 and call.input_shapes[0][-1] == 1:
            indices = call.add("Squeeze", [indices, call.int64s([-1], "axes")])
        return one_hot_rows(call, indices, "int64", depth, dtype)
    if rank > 2:
        raise OnnxExportError(
            f"{describe(layer)}: output_mode={layer.output_mode!r} encodes inputs of rank 1 or 2; "
            f"received input shape {call.input_shapes[0]}."
        )
    rows = one_hot_rows(call, indices, "int64", depth, dtype)
    counts = call.reduce("ReduceSum", rows, [rank - 1], keepdims=False)
    if layer.output_mode == "count":
        return counts
    if layer.output_mode == "multi_hot":
        present = call.add("Greater", [counts, call.constant(0, dtype, role="zero")])
        return call.cast(present, dtype)
    idf = np.asarray(layer._require_idf_weights()[:depth], dtype=dtype)
    return call.add("Mul", [counts, call.constant(idf, dtype, role="idf_weights")])


# ---------------------------------------------------------------- refused by name
_REFUSALS = {
    layers.Hashing: (
        "hashes each value's text (FarmHash Fingerprint64, or SipHash with a salt), "
        "which ONNX has no operator for"
    ),
    layers.StringLookup: (
        "looks strings up in a vocabulary: the default ONNX domain, the only one this export "
        "writes, has no string lookup, and with several OOV indices unknown strings are spread "
        "by FarmHash, which ONNX has no operator for"
    ),
    layers.TextVectorization: (
        "standardizes, splits and looks up strings (Python string processing and FarmHash), "
        "which ONNX operators cannot reproduce"
    ),
}


register_onnx_converter(layers.Discretization, discretization)
register_onnx_converter(layers.CategoryEncoding, category_encoding)
register_onnx_converter(layers.IntegerLookup, integer_lookup)
for _class, _reason in _REFUSALS.items():
    register_onnx_refusal(_class, _reason + "; run it on the data before the exported model")
