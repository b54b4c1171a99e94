"""IndexLookup: the shared base of StringLookup and IntegerLookup (Keras 3's layout of indices).

A lookup layer maps each token to an integer index in a vocabulary laid
out as Keras 3 lays it out::

    [mask token]  (index 0; only with a mask_token and output_mode="int")
    [OOV tokens]  (num_oov_indices of them)
    [tokens]      (the learned or given vocabulary)

so with ``mask_token=""``, ``num_oov_indices=1`` and tokens ``a, b`` the
vocabulary is ``["", "[UNK]", "a", "b"]``: the mask maps to 0, an unknown
token to 1, ``"a"`` to 2. With several OOV indices an unknown token is
spread over them by a hash (see the subclasses); with none, an unknown
token is an error. ``invert=True`` maps indices back to tokens (unknown
indices give the OOV token).

The vocabulary is given (a list, an array, or a text file with one token
per line) or learned by :meth:`adapt`, ranked as :mod:`token_counts`
describes. It is not a weight: a ``.keras`` file keeps an adapted
vocabulary as a ``vocabulary.txt`` asset (see :meth:`save_assets`) and
the tf_idf weights as the variable ``idf_weights``.

Subclasses say what a token is: :meth:`_tokens` turns input values into
an array of tokens, :meth:`_token_from_line` reads one line of a
vocabulary file, :meth:`_oov_buckets` spreads unknown tokens.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.layers.preprocessing.adapt_data import adapt_batches, is_single_array
from graphkeras.layers.preprocessing.index_encoding import encode_indices
from graphkeras.layers.preprocessing.string_fingerprints import fingerprint64, keyed_hash64
from graphkeras.layers.preprocessing.token_counts import TokenCounts
from graphkeras.layers.value_checks import describe, is_int

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
VOCABULARY_ASSET = "vocabulary.txt"


def canonical_output_mode(output_mode: Any, layer) -> str:
    """Keras's spelling of ``output_mode`` (``"binary"`` and ``"tf-idf"`` are old names)."""
    output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if output_mode not in OUTPUT_MODES:
        raise ValueError(
            f"{describe(layer)}: output_mode must be one of {OUTPUT_MODES}, "
            f"received output_mode={output_mode!r}."
        )
    return output_mode


def refuse_sparse(sparse: bool, layer) -> None:
    """Sparse outputs need TensorFlow's sparse tensors (Keras allows them on that backend only)."""
    if sparse:
        raise ValueError(
            f"{describe(layer)}: sparse=True needs TensorFlow's sparse tensors (Keras 3 allows it "
            "only on the TensorFlow backend); graphkeras's arrays are dense. Received sparse=True."
        )


class IndexLookup(Layer):
    """Tokens to vocabulary indices (or back, with ``invert``); see the module docstring."""

    autocast = False
    accepts_text = True

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token,
        oov_token,
        vocabulary=None,
        idf_weights=None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt=None,
        name: str | None = None,
        **kwargs,
    ) -> None:
        frozen_size = kwargs.pop("vocabulary_size", None)
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        output_mode = canonical_output_mode(output_mode, self)
        if max_tokens is not None and (not is_int(max_tokens) or max_tokens <= 1):
            raise ValueError(
                f"{describe(self)}: max_tokens must be None or an int greater than 1, "
                f"received max_tokens={max_tokens!r}."
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"{describe(self)}: pad_to_max_tokens=True needs max_tokens; received "
                "max_tokens=None."
            )
        if not is_int(num_oov_indices) or num_oov_indices < 0:
            raise ValueError(
                f"{describe(self)}: num_oov_indices must be an int >= 0, "
                f"received num_oov_indices={num_oov_indices!r}."
            )
        if invert and output_mode != "int":
            raise ValueError(
                f"{describe(self)}: invert=True needs output_mode='int', "
                f"received output_mode={output_mode!r}."
            )
        refuse_sparse(sparse, self)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                f"{describe(self)}: idf_weights is only used with output_mode='tf_idf', "
                f"received output_mode={output_mode!r}."
            )
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(
                f"{describe(self)}: oov_method must be 'floormod' or 'farmhash', "
                f"received oov_method={oov_method!r}."
            )
        self.oov_method = oov_method
        self.salt = self._salt_argument(salt)
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.input_vocabulary = None if isinstance(vocabulary, (str, os.PathLike)) else vocabulary
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = has_input_vocabulary
        self._frozen_vocabulary_size = frozen_size
        self._vocabulary: list = []  # the learned or given tokens, without the special ones
        self._index_of: dict = {}
        self._idf_weights: np.ndarray | None = None
        self._token_counts: TokenCounts | None = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ------------------------------------------------------------ what a token is
    def _tokens(self, values: Any) -> np.ndarray:
        """``values`` as an array of this layer's tokens (TypeError for anything else)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _tokens(values).")

    def _token_from_line(self, line: str):
        """One line of a vocabulary file as a token."""
        raise NotImplementedError(f"{type(self).__name__} must implement _token_from_line(line).")

    def _hashed_bytes(self, tokens: np.ndarray) -> list[bytes]:
        """The bytes an unknown token is hashed by, when it is hashed to an OOV index."""
        raise NotImplementedError(f"{type(self).__name__} must implement _hashed_bytes(tokens).")

    def _hashes_integers(self) -> bool:
        """Whether unknown tokens are integers spread by ``floormod`` (no hash)."""
        return False

    def _salt_argument(self, salt):
        """``salt`` as Keras keeps it: None, or a list of two ints (one int is used twice)."""
        if salt is None:
            return None
        if self._hashes_integers() and self.oov_method != "farmhash":
            raise ValueError(
                f"{describe(self)}: salt is only used with oov_method='farmhash', "
                f"received oov_method={self.oov_method!r}."
            )
        if is_int(salt):
            return [int(salt), int(salt)]
        if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(map(is_int, salt)):
            return [int(half) for half in salt]
        raise ValueError(
            f"{describe(self)}: salt must be an int or a pair of ints, received salt={salt!r}."
        )

    def _oov_buckets(self, tokens: np.ndarray) -> np.ndarray:
        """For ``num_oov_indices > 1``: which OOV index (from 0) each unknown token takes.

        Integers go to ``token mod num_oov_indices`` (``oov_method="floormod"``);
        anything else to its FarmHash Fingerprint64 (or, with a ``salt``, its
        SipHash-2-4 keyed by the salt) ``mod num_oov_indices``, as TensorFlow's
        ``to_hash_bucket_fast`` (``_strong``) compute it.
        """
        if self._hashes_integers() and self.oov_method != "farmhash":
            return np.mod(tokens, self.num_oov_indices)
        data = np.array(self._hashed_bytes(tokens.reshape(-1)), dtype=object)
        hashes = fingerprint64(data) if self.salt is None else keyed_hash64(data, self.salt)
        return (hashes % np.uint64(self.num_oov_indices)).astype("int64").reshape(tokens.shape)

    # ------------------------------------------------------------ vocabulary layout
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self) -> list:
        return [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices

    def vocabulary_size(self) -> int:
        """How many indices the layer gives out: special tokens plus the vocabulary."""
        return len(self._vocabulary) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in index order (with the mask and OOV tokens first, by default)."""
        if not include_special_tokens:
            return list(self._vocabulary)
        return self._special_tokens() + list(self._vocabulary)

    def _depth(self) -> int | None:
        """The length of a one_hot / multi_hot / count / tf_idf vector."""
        if self.pad_to_max_tokens:
            return self.max_tokens
        return self._frozen_vocabulary_size

    # ------------------------------------------------------------ setting the vocabulary
    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Use ``vocabulary`` (a list, array or path of a text file) and, for tf_idf, its weights.

        The mask and OOV tokens may lead the vocabulary, in the layout's
        order; anywhere else they are an error. A bad vocabulary leaves the
        layer as it was.
        """
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(
                f"{describe(self)}: with output_mode='tf_idf' a given vocabulary needs "
                "idf_weights too; received a vocabulary without idf_weights."
            )
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                f"{describe(self)}: idf_weights is only used with output_mode='tf_idf', "
                f"received output_mode={self.output_mode!r}."
            )
        if isinstance(vocabulary, (str, os.PathLike)):
            if self.output_mode == "tf_idf":
                raise ValueError(
                    f"{describe(self)}: output_mode='tf_idf' cannot read its vocabulary from a "
                    f"file; received vocabulary={os.fspath(vocabulary)!r}."
                )
            tokens = self._read_vocabulary_file(os.fspath(vocabulary))
            self._install(self._checked_tokens(tokens, tokens, has_specials=False), None)
            return
        if K.is_tensor(vocabulary) or isinstance(vocabulary, (list, tuple, np.ndarray)):
            given = list(self._tokens(np.asarray(vocabulary)).reshape(-1).tolist())
        else:
            raise TypeError(
                f"{describe(self)}: vocabulary must be a list, an array or the path of a text "
                f"file, received {type(vocabulary).__name__}."
            )
        if not given:
            raise ValueError(f"{describe(self)}: cannot set an empty vocabulary.")
        token_start = self._token_start_index()
        has_specials = given[:token_start] == self._special_tokens()
        tokens = given[token_start:] if has_specials else given
        tokens = self._checked_tokens(tokens, given, has_specials)
        weights = None
        if idf_weights is not None:
            weights = self._padded_idf_weights(idf_weights, len(given), has_specials)
        self._install(tokens, weights)

    def _read_vocabulary_file(self, path: str) -> list:
        if not os.path.isfile(path):
            raise ValueError(f"{describe(self)}: the vocabulary file {path!r} does not exist.")
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        try:
            return [self._token_from_line(line) for line in lines]
        except ValueError as error:
            raise ValueError(f"{describe(self)}: vocabulary file {path!r}: {error}") from None

    def _checked_tokens(self, tokens: list, given: list, has_specials: bool) -> list:
        """``tokens`` when they are unique, hold no misplaced special token and fit max_tokens."""
        if len(set(tokens)) != len(tokens):
            seen: set = set()
            repeated = [token for token in tokens if token in seen or seen.add(token)]
            raise ValueError(
                f"{describe(self)}: the vocabulary repeats tokens {sorted(set(repeated))[:10]}; "
                "each token must appear once."
            )
        misplaced = [
            (argument, token)
            for argument, token, applies in (
                ("mask_token", self.mask_token, self.mask_token is not None),
                ("oov_token", self.oov_token, self.oov_token is not None and self.invert),
            )
            if applies and token in tokens
        ]
        if misplaced:
            argument, token = misplaced[0]
            raise ValueError(
                f"{describe(self)}: the vocabulary holds {argument}={token!r} at index "
                f"{len(given) - 1 - given[::-1].index(token)}; special tokens may only lead "
                f"the vocabulary, in this order: {self._special_tokens()}."
            )
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                f"{describe(self)}: the vocabulary would have {size} entries (with the special "
                f"tokens), more than max_tokens={self.max_tokens}."
            )
        self._check_size_unchanged(size)
        return tokens

    def _padded_idf_weights(self, idf_weights, given_length: int, has_specials: bool):
        """The weights for every index: special tokens get the mean weight, padding gets 0."""
        weights = np.asarray(K.convert_to_numpy(idf_weights), dtype="float64")
        if weights.ndim != 1 or len(weights) != given_length:
            raise ValueError(
                f"{describe(self)}: idf_weights must be 1-D with one weight per vocabulary "
                f"entry ({given_length}), received shape {weights.shape}."
            )
        front = 0 if has_specials else self._token_start_index()
        weights = np.concatenate([np.full(front, np.average(weights)), weights])
        if self.pad_to_max_tokens:
            weights = np.pad(weights, (0, max(self.max_tokens - len(weights), 0)))
        return weights.astype(K.floatx())

    def _check_size_unchanged(self, size: int) -> None:
        """A one_hot/multi_hot/count/tf_idf layer's vector length is fixed once set (Keras)."""
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocabulary_size is not None and size != self._frozen_vocabulary_size:
            raise RuntimeError(
                f"{describe(self)}: with output_mode={self.output_mode!r} and "
                f"pad_to_max_tokens=False the vocabulary size is fixed at "
                f"{self._frozen_vocabulary_size}; received a vocabulary of {size}."
            )

    def _install(self, tokens: list, idf_weights: np.ndarray | None) -> None:
        start = self._token_start_index()
        self._vocabulary = list(tokens)
        self._index_of = {token: start + index for index, token in enumerate(tokens)}
        if idf_weights is not None:
            self._idf_weights = idf_weights
        self._frozen_vocabulary_size = self.vocabulary_size()

    # ------------------------------------------------------------ adapting
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and tf_idf weights) from ``data``.

        One array (or list) counts each of its rows as a document, each
        value of a 1-D array as a document of its own; a generator or
        PyDataset gives batches, and a 1-D batch is one document (as in
        Keras 3). The layer changes only once every batch was read.
        """
        if self._has_input_vocabulary:
            raise ValueError(
                f"{describe(self)} was given a vocabulary; only a layer built without one can "
                "be adapted."
            )
        counts = TokenCounts(count_documents=self.output_mode == "tf_idf")
        if is_single_array(data) or isinstance(data, (list, tuple)):
            tokens = self._adapt_rows(data, self)
            counts.update(list(tokens if tokens.ndim > 1 else tokens[:, None]))
        else:
            for batch in adapt_batches(data, self, steps, convert=self._adapt_rows):
                counts.update(list(batch if batch.ndim > 1 else batch[None]))
        self._learn(counts)

    def _adapt_rows(self, batch: Any, layer=None) -> np.ndarray:
        """One batch of adapt data as tokens, at least 1-D."""
        tokens = self._tokens(K.convert_to_numpy(batch) if K.is_tensor(batch) else batch)
        return tokens.reshape(1) if tokens.ndim == 0 else tokens

    def _learn(self, counts: TokenCounts) -> None:
        """The vocabulary from ``counts``; no counted token leaves the vocabulary as it was."""
        specials = tuple(token for token in (self.mask_token, self.oov_token) if token is not None)
        limit = None if self.max_tokens is None else self.max_tokens - self._token_start_index()
        tokens = counts.ranked(specials, limit)
        if not counts.counts:
            # Keras keeps the vocabulary it had, and fixes the vector length at its size.
            self._check_size_unchanged(self.vocabulary_size())
            self._frozen_vocabulary_size = self.vocabulary_size()
            return
        self._check_size_unchanged(self._token_start_index() + len(tokens))
        weights = None
        if self.output_mode == "tf_idf":
            learned = counts.inverse_document_frequencies(tokens).astype(K.floatx())
            front = np.full(self._token_start_index(), np.mean(learned, dtype=K.floatx()))
            weights = np.concatenate([front, learned]).astype(K.floatx())
            if self.pad_to_max_tokens:
                weights = np.pad(weights, (0, max(self.max_tokens - len(weights), 0)))
        self._install(tokens, weights)

    # ------------------------------------------------------------ calling
    def call(self, inputs):
        if self.invert:
            return self._invert(inputs)
        tokens = self._tokens(inputs)
        indices = self._indices(tokens)
        if self.output_mode == "int":
            return indices
        depth = self._require_depth()
        return encode_indices(
            indices, self.output_mode, depth, K.floatx(), self._require_idf_weights()
        )

    def _indices(self, tokens: np.ndarray) -> np.ndarray:
        """The int64 index of every token; the mask token gives 0 (int) or nothing (vectors)."""
        uniques, inverse = np.unique(tokens.reshape(-1), return_inverse=True)
        unique_indices = np.array(
            [self._index_of.get(token, -1) for token in uniques.tolist()], dtype="int64"
        )
        indices = unique_indices[inverse.reshape(-1)].reshape(tokens.shape)
        if self.mask_token is not None:
            masked = tokens == self.mask_token
        unknown = indices < 0
        if self.mask_token is not None:
            unknown &= ~masked
        if unknown.any():
            indices[unknown] = self._oov_indices(tokens[unknown])
        if self.mask_token is not None:
            indices[masked] = 0 if self.output_mode == "int" else -1
        return indices

    def _oov_indices(self, unknown: np.ndarray) -> np.ndarray:
        if self.num_oov_indices == 0:
            raise ValueError(
                f"{describe(self)}: with num_oov_indices=0 every input must be in the "
                f"vocabulary; found out-of-vocabulary values {unknown[:10].tolist()}. Consider "
                "num_oov_indices=1."
            )
        if self.num_oov_indices == 1:
            return np.full(unknown.shape, self._oov_start_index(), dtype="int64")
        return self._oov_start_index() + self._oov_buckets(unknown).astype("int64")

    def _invert(self, inputs) -> np.ndarray:
        indices = np.asarray(K.convert_to_numpy(inputs))
        if indices.dtype.kind not in "iu":
            raise TypeError(
                f"{describe(self)} (invert=True) maps integer indices to tokens; received an "
                f"array of dtype {indices.dtype}."
            )
        vocabulary = self.get_vocabulary()
        table = np.empty(len(vocabulary) + 1, dtype=self._token_array_dtype())
        table[:-1] = vocabulary
        table[-1] = self.oov_token
        inside = (indices >= 0) & (indices < len(vocabulary))
        return table[np.where(inside, indices, len(vocabulary))]

    def _token_array_dtype(self):
        """The NumPy dtype of the tokens :meth:`_invert` returns."""
        raise NotImplementedError(f"{type(self).__name__} must implement _token_array_dtype().")

    def _require_depth(self) -> int:
        depth = self._depth()
        if depth is None:
            raise RuntimeError(
                f"{describe(self)}: with output_mode={self.output_mode!r} and "
                "pad_to_max_tokens=False the layer needs a vocabulary before it is called: pass "
                "vocabulary= or call adapt(data)."
            )
        return depth

    def _require_idf_weights(self) -> np.ndarray | None:
        if self.output_mode != "tf_idf":
            return None
        if self._idf_weights is None:
            raise ValueError(
                f"{describe(self)}: output_mode='tf_idf' needs idf_weights: pass a vocabulary "
                "with idf_weights or call adapt(data)."
            )
        return self._idf_weights

    # ------------------------------------------------------------ shapes
    @property
    def output_dtype(self) -> str:
        if self.output_mode != "int":
            return K.floatx()
        return self._token_dtype_name() if self.invert else "int64"

    def _token_dtype_name(self) -> str:
        """The dtype name of a token: ``"string"`` or ``"int64"``."""
        raise NotImplementedError(f"{type(self).__name__} must implement _token_dtype_name().")

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._depth()
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return (*input_shape[:-1], depth)
            return (*input_shape, depth)
        return (*input_shape[:-1], depth)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    # ------------------------------------------------------------ state in files
    def save_own_variables(self, store: dict) -> None:
        """tf_idf layers keep their weights as ``idf_weights`` (Keras's name)."""
        if self.output_mode == "tf_idf" and self._idf_weights is not None:
            store["idf_weights"] = np.asarray(self._idf_weights)

    def load_own_variables(self, store: dict) -> None:
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self._idf_weights = np.asarray(store["idf_weights"], dtype=K.floatx())

    def save_assets(self, dir_path: str) -> None:
        """Write an adapted vocabulary as ``vocabulary.txt``, one entry a line (as Keras 3)."""
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, VOCABULARY_ASSET), "w", encoding="utf-8") as handle:
            handle.write("\n".join(str(token) for token in self.get_vocabulary()))

    def load_assets(self, dir_path: str) -> None:
        """Read back what :meth:`save_assets` wrote (Keras's files too)."""
        if self.input_vocabulary is not None:
            return
        path = os.path.join(dir_path, VOCABULARY_ASSET)
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        if not lines:
            return
        tokens = [self._token_from_line(line) for line in lines]
        idf_weights = self._idf_weights if self.output_mode == "tf_idf" else None
        self.set_vocabulary(tokens, idf_weights)

    # ------------------------------------------------------------ config
    def get_config(self) -> dict:
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": self.dtype,
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "idf_weights": _listed(self.input_idf_weights),
            "vocabulary": _listed(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocabulary_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }


def _listed(value):
    """Arrays in a config as lists (JSON has no arrays)."""
    if value is None or isinstance(value, list):
        return value
    return np.asarray(K.convert_to_numpy(value)).tolist()
