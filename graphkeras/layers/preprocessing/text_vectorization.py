"""TextVectorization: strings to token indices or token-count vectors (Keras 3's layer).

>>> layer = TextVectorization(output_sequence_length=4)
>>> layer.adapt(["The cat sat.", "the dog"])
>>> layer.get_vocabulary()
['', '[UNK]', 'the', 'sat', 'dog', 'cat']
>>> layer(np.array(["the cat ran"]))
array([[2, 5, 1, 0]])

Each string is standardized, split into tokens and, with ``ngrams``,
extended by its n-grams (:mod:`text_tokens`, Keras's exact rules); the
tokens are then looked up in a :class:`StringLookup` whose mask token is
``""`` (index 0, the padding) and whose OOV token is ``"[UNK]"`` (index 1).
``output_mode="int"`` pads every row with 0 to ``output_sequence_length``
(or the longest row of the batch) and cuts longer rows; ``multi_hot``,
``count`` and ``tf_idf`` give one vector per string.

``standardize`` and ``split`` may be callables, given NumPy ``str`` arrays:
``standardize`` receives the batch and returns strings of the same shape,
``split`` receives a 1-D array and returns one sequence of tokens per
string. A model holding a callable is saved only if the callable was
registered with ``register_keras_serializable`` (files never hold code).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.preprocessing import text_tokens
from graphkeras.layers.preprocessing.adapt_data import adapt_batches, is_single_array
from graphkeras.layers.preprocessing.index_encoding import encode_indices
from graphkeras.layers.preprocessing.index_lookup import canonical_output_mode, refuse_sparse
from graphkeras.layers.preprocessing.string_lookup import StringLookup
from graphkeras.layers.preprocessing.text_arrays import text_array
from graphkeras.layers.preprocessing.token_counts import TokenCounts
from graphkeras.layers.value_checks import describe, is_int
from graphkeras.utils.serialization import get_registered_name, get_registered_object
from graphkeras.utils.serialization_lib import deserialize_keras_object, serialize_keras_object


def _mode_argument(value, allowed: tuple, argument: str, layer):
    if value is None or callable(value) or value in allowed:
        return value
    raise ValueError(
        f"{describe(layer)}: {argument} must be None, a callable or one of {allowed}, "
        f"received {argument}={value!r}."
    )


def _ngram_widths(ngrams) -> tuple[int, ...] | None:
    if ngrams is None:
        return None
    if is_int(ngrams):
        return tuple(range(1, ngrams + 1))
    return tuple(ngrams)


@register_layer
class TextVectorization(Layer):
    """Standardize, split and index text; see the module docstring."""

    autocast = False
    accepts_text = True

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary=None,
        idf_weights=None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        **kwargs,
    ) -> None:
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        refuse_sparse(sparse, self)
        if ragged:
            raise ValueError(
                f"{describe(self)}: ragged=True needs TensorFlow's ragged tensors (Keras 3 allows "
                "it only on the TensorFlow backend); graphkeras's outputs are padded arrays. "
                "Received ragged=True."
            )
        output_mode = canonical_output_mode(output_mode, self)
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (
            ngrams is None
            or (is_int(ngrams) and ngrams >= 1)
            or (isinstance(ngrams, tuple) and ngrams and all(is_int(n) and n >= 1 for n in ngrams))
        ):
            raise ValueError(
                f"{describe(self)}: ngrams must be None, an int >= 1 or a tuple of them, "
                f"received ngrams={ngrams!r}."
            )
        if output_sequence_length is not None and (
            output_mode != "int" or not is_int(output_sequence_length)
        ):
            raise ValueError(
                f"{describe(self)}: output_sequence_length must be None or an int, and only with "
                f"output_mode='int'; received output_sequence_length={output_sequence_length!r} "
                f"with output_mode={output_mode!r}."
            )
        self.standardize = _mode_argument(
            standardize, text_tokens.STANDARDIZE_MODES, "standardize", self
        )
        self.split = _mode_argument(split, text_tokens.SPLIT_MODES, "split", self)
        self.ngrams = ngrams
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            encoding=encoding,
            has_input_vocabulary=has_input_vocabulary,
            vocabulary_size=vocabulary_size,
        )

    # ------------------------------------------------------------ the vocabulary
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in index order: ``""`` (padding), ``"[UNK]"``, then the tokens."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """As :meth:`StringLookup.set_vocabulary`."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary from strings: one array (each string a document) or batches."""
        lookup = self._lookup_layer
        if lookup._has_input_vocabulary:
            raise ValueError(
                f"{describe(self)} was given a vocabulary; only a layer built without one can "
                "be adapted."
            )
        counts = TokenCounts(count_documents=self.output_mode == "tf_idf")
        if is_single_array(data) or isinstance(data, (list, tuple)):
            counts.update(self._token_rows(data))
        else:
            for batch in adapt_batches(data, self, steps, convert=self._adapt_text):
                counts.update(self._token_rows(batch))
        lookup._learn(counts)

    def _adapt_text(self, batch, layer=None) -> np.ndarray:
        return text_array(batch, self, self.encoding)

    # ------------------------------------------------------------ text to tokens
    def _standardized(self, inputs) -> np.ndarray:
        text = text_array(inputs, self, self.encoding)
        if self.standardize is None:
            return text
        if callable(self.standardize):
            return text_array(self.standardize(text), self, self.encoding)
        return text_tokens.standardize(text, self.standardize)

    def _token_rows(self, inputs) -> list:
        """The tokens of each string (a list of 1-D str arrays), or the dense strings unsplit."""
        text = self._standardized(inputs)
        if self.split is None:
            rows = text.reshape(1, -1) if text.ndim < 2 else text.reshape(-1, text.shape[-1])
            return [self._with_ngrams(list(row)) for row in rows.tolist()]
        if text.ndim > 1:
            if text.shape[-1] != 1 or text.ndim > 2:
                raise ValueError(
                    f"{describe(self)}: to split strings the input must be 1-D or have a last "
                    f"axis of 1 (one string per row); received shape {text.shape}."
                )
            text = text[:, 0]
        text = text.reshape(-1)
        if callable(self.split):
            rows = [[str(token) for token in row] for row in self.split(text)]
        else:
            rows = text_tokens.split(text, self.split)
        return [self._with_ngrams(row) for row in rows]

    def _with_ngrams(self, tokens: list) -> np.ndarray:
        widths = _ngram_widths(self.ngrams)
        if widths is not None:
            tokens = text_tokens.ngrams(tokens, widths)
        return np.array(tokens, dtype=str)

    # ------------------------------------------------------------ calling
    def call(self, inputs):
        text = text_array(inputs, self, self.encoding)
        rows = self._token_rows(text)
        lookup = self._lookup_layer
        lengths = [len(row) for row in rows]
        flat = np.concatenate(rows) if rows else np.array([], dtype=str)
        indices = lookup._indices(flat) if flat.size else np.zeros(0, dtype="int64")
        index_rows = np.split(indices, np.cumsum(lengths)[:-1]) if rows else []
        if self.output_mode == "int":
            padded = self._padded(index_rows)
            if self.split is None and text.ndim < 2 and self.output_sequence_length is None:
                return padded.reshape(text.shape)
            return padded[0] if text.ndim == 0 else padded
        depth = lookup._require_depth()
        if self.split is None and self.output_mode == "one_hot":
            return lookup(text)
        encoded = encode_indices(
            index_rows, self.output_mode, depth, K.floatx(), lookup._require_idf_weights()
        )
        return encoded[0] if text.ndim == 0 else encoded

    def _padded(self, index_rows: list) -> np.ndarray:
        """The rows padded with 0 (and cut) to ``output_sequence_length`` or the longest row."""
        length = self.output_sequence_length
        if length is None:
            length = max((len(row) for row in index_rows), default=0)
        padded = np.zeros((len(index_rows), length), dtype="int64")
        for position, row in enumerate(index_rows):
            kept = row[:length]
            padded[position, : len(kept)] = kept
        return padded

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        batch = input_shape[0] if input_shape else None
        if self.output_mode == "int":
            if self.split is None and len(input_shape) > 1 and self.output_sequence_length is None:
                return input_shape
            return (batch, self.output_sequence_length)
        return (batch, self._lookup_layer._depth())

    def compute_output_spec(self, inputs, *args, **kwargs):
        dtype = "int64" if self.output_mode == "int" else K.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # ------------------------------------------------------------ state in files
    def save_own_variables(self, store: dict) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: dict) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)

    # ------------------------------------------------------------ config
    def _callable_config(self, value, argument: str):
        if not callable(value):
            return value
        if get_registered_object(get_registered_name(value)) is not value:
            raise ValueError(
                f"{describe(self)}: {argument}={getattr(value, '__name__', value)!r} is a callable "
                "that is not registered, so a config or file could never bring it back. Register "
                "it with graphkeras.saving.register_keras_serializable() before saving, or use one "
                f"of the named modes."
            )
        return serialize_keras_object(value)

    def get_config(self) -> dict:
        lookup = self._lookup_layer
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "max_tokens": lookup.max_tokens,
            "standardize": self._callable_config(self.standardize, "standardize"),
            "split": self._callable_config(self.split, "split"),
            "ngrams": self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False,
            "ragged": False,
            "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"],
            "encoding": self.encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        for argument in ("standardize", "split"):
            if isinstance(config.get(argument), dict):
                config[argument] = deserialize_keras_object(config[argument])
        return cls(**config)
