"""Initializers: the objects that fill a new weight with its starting values.

A layer does not store starting values; it stores an initializer and calls
it with the weight's shape (and dtype) when it builds. The classes here
have the names, arguments, defaults and configs of Keras 3's, so a config
written by one loads in the other. Layers accept an initializer as an
object, a class, a name (``"glorot_uniform"``) or a config; :func:`get`
turns any of those into something callable as ``init(shape, dtype=None)``.

Random initializers take a ``seed``. With ``seed=None`` every call draws
fresh numbers from the backend's global generator (reproducible through
``K.set_random_seed``); with an integer seed every call gives the same
numbers, as a seeded Keras 3 initializer does.

>>> init = get("glorot_uniform")
>>> init((784, 10)).shape
(784, 10)
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graphkeras import backend as K
from graphkeras.utils.keras_object_form import register_keras_module
from graphkeras.utils.naming import to_snake_case
from graphkeras.utils.serialization import deserialize_configurable, serialize_configurable

# Standard deviation of a standard normal cut off at two standard deviations
# (redrawing anything outside [-2, 2]). Dividing a target deviation by it
# gives the deviation to ask the truncated sampler for.
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


class Initializer:
    """Base class: something called as ``init(shape, dtype=None)`` that returns an array.

    Subclasses implement ``__call__``; when their constructor arguments are
    exactly the keys ``get_config`` returns, the inherited ``from_config``
    rebuilds them.

    >>> class Halves(Initializer):
    ...     def __call__(self, shape, dtype=None):
    ...         return K.full(shape, 0.5, dtype=dtype)
    """

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        """An array of ``shape`` and ``dtype`` (the default float type when None)."""
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this initializer, as a JSON-ready dict."""
        return {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuild an initializer from the output of :meth:`get_config`."""
        return cls(**config)

    def clone(self) -> Initializer:
        """A new initializer with the same configuration."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


class Zeros(Initializer):
    """Fills with 0: the usual choice for biases.

    >>> Zeros()((2,))
    array([0., 0.], dtype=float32)
    """

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        return K.zeros(shape, dtype=dtype)


class Ones(Initializer):
    """Fills with 1: the usual choice for scale parameters such as a normalisation's gamma."""

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        return K.ones(shape, dtype=dtype)


class Constant(Initializer):
    """Fills with one scalar ``value`` (converted to the requested dtype).

    >>> Constant(3.0)((2, 2))
    array([[3., 3.],
           [3., 3.]], dtype=float32)
    """

    def __init__(self, value: float = 0.0) -> None:
        is_number = isinstance(value, numbers.Real) or (
            getattr(value, "ndim", None) == 0
            and getattr(value, "dtype", None) is not None
            and value.dtype.kind in "biuf"
        )
        if not is_number:
            raise ValueError(
                f"Constant initializer: 'value' must be a number, received {value!r:.120}."
            )
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        return K.full(shape, self.value, dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        value = self.value
        # A numpy scalar is written as the plain Python number it holds.
        if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
            value = value.item()
        return {"value": value}


class Identity(Initializer):
    """The identity matrix times ``gain``; only for 2D shapes (rectangular allowed).

    Keras 3 also calls this class ``IdentityInitializer``; both names load.

    >>> Identity(gain=2.0)((2, 3))
    array([[2., 0., 0.],
           [0., 2., 0.]], dtype=float32)
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity initializer only builds 2D matrices; received "
                f"shape={shape} of rank {len(shape)}."
            )
        dtype = K.standardize_dtype(dtype)
        return K.cast(K.multiply(self.gain, K.eye(shape[0], shape[1], dtype=dtype)), dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain}


def _check_seed(seed: Any) -> int | None:
    """``seed`` if it is None or a non-negative integer; ValueError otherwise."""
    if seed is None:
        return None
    if isinstance(seed, numbers.Integral) and seed >= 0:
        return int(seed)
    raise ValueError(
        f"Argument seed must be None or a non-negative integer; received seed={seed!r}."
    )


class _RandomInitializer(Initializer):
    """Shared ``seed`` handling of the random initializers."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = _check_seed(seed)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class RandomNormal(_RandomInitializer):
    """Draws from a normal distribution with the given ``mean`` and ``stddev``.

    >>> RandomNormal(stddev=1.0, seed=1)((2,)).shape
    (2,)
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        return K.random_normal(shape, self.mean, self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(_RandomInitializer):
    """Like :class:`RandomNormal`, but any draw beyond two ``stddev`` of ``mean`` is redrawn.

    The cut narrows the spread: the values' standard deviation is about
    ``0.88 * stddev``.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        return K.truncated_normal(shape, self.mean, self.stddev, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(_RandomInitializer):
    """Draws uniformly from ``[minval, maxval)``."""

    def __init__(
        self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None
    ) -> None:
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        return K.random_uniform(shape, self.minval, self.maxval, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)``: how many units feed into, and out of, each weight.

    A vector counts its length both ways; a matrix is ``(inputs, outputs)``;
    a longer shape is read as a convolution kernel ``(*spatial, inputs,
    outputs)``, each fan multiplied by the receptive field (the product of
    the spatial dims). A scalar counts as 1 and 1.

    >>> compute_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(shape)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive_field = math.prod(shape[:-2])
    return int(shape[-2] * receptive_field), int(shape[-1] * receptive_field)


class VarianceScaling(_RandomInitializer):
    """Draws with a variance of ``scale / n``, where ``n`` follows the weight's fans.

    ``mode`` picks ``n``: ``"fan_in"``, ``"fan_out"`` or ``"fan_avg"`` (their
    mean), never less than 1. ``distribution`` picks the sampler:

    - ``"truncated_normal"`` (``"normal"`` is read as this): a normal cut at
      two deviations, with its deviation widened so that what remains has
      standard deviation ``sqrt(scale / n)``;
    - ``"untruncated_normal"``: a normal with standard deviation ``sqrt(scale / n)``;
    - ``"uniform"``: uniform in ``[-limit, limit]``, ``limit = sqrt(3 * scale / n)``.

    The Glorot, He and LeCun initializers are fixed choices of these three.

    >>> VarianceScaling(scale=2.0, mode="fan_in", distribution="uniform", seed=0)((4, 3)).shape
    (4, 3)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
    ) -> None:
        if (
            not (type(scale) is float or isinstance(scale, numbers.Real))
            or isinstance(scale, bool)
            or not math.isfinite(scale)
            or scale <= 0.0
        ):
            raise ValueError(
                f"Argument scale must be a positive finite number; received scale={scale!r}."
            )
        if mode not in self._MODES:
            raise ValueError(f"Argument mode must be one of {self._MODES}; received mode={mode!r}.")
        if isinstance(distribution, str):
            distribution = distribution.lower()
            if distribution == "normal":
                distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"Argument distribution must be one of {self._DISTRIBUTIONS}; "
                f"received distribution={distribution!r}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        fan_in, fan_out = compute_fans(shape)
        if self.mode == "fan_in":
            units = fan_in
        elif self.mode == "fan_out":
            units = fan_out
        else:
            units = (fan_in + fan_out) / 2.0
        variance = self.scale / max(1.0, units)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / _TRUNCATED_NORMAL_STDDEV
            return K.truncated_normal(shape, 0.0, stddev, dtype=dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return K.random_normal(shape, 0.0, math.sqrt(variance), dtype=dtype, seed=self.seed)
        limit = math.sqrt(3.0 * variance)
        return K.random_uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling whose scale, mode and distribution are fixed by the class.

    Only the seed is an argument, so only the seed is in the config.
    """

    _SCALE = 1.0
    _MODE = "fan_in"
    _DISTRIBUTION = "truncated_normal"

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(
            scale=self._SCALE, mode=self._MODE, distribution=self._DISTRIBUTION, seed=seed
        )

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed}


class GlorotUniform(_FixedVarianceScaling):
    """Glorot (Xavier) uniform: uniform in ``±sqrt(6 / (fan_in + fan_out))``.

    Keeps the variance of activations and of gradients roughly equal across
    layers; the default kernel initializer of Dense and convolution layers.
    """

    _MODE = "fan_avg"
    _DISTRIBUTION = "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Glorot (Xavier) normal: truncated normal with std ``sqrt(2 / (fan_in + fan_out))``."""

    _MODE = "fan_avg"


class HeUniform(_FixedVarianceScaling):
    """He uniform: uniform in ``±sqrt(6 / fan_in)``, made for ReLU networks."""

    _SCALE = 2.0
    _DISTRIBUTION = "uniform"


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with std ``sqrt(2 / fan_in)``, made for ReLU networks."""

    _SCALE = 2.0


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: uniform in ``±sqrt(3 / fan_in)``."""

    _DISTRIBUTION = "uniform"


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with std ``sqrt(1 / fan_in)``; pairs with SELU."""


class Orthogonal(_RandomInitializer):
    """A random orthogonal matrix times ``gain``.

    A normal random matrix is factored as ``QR`` and ``Q`` kept, its columns'
    signs fixed by ``R``'s diagonal so that the result is uniformly
    distributed. A taller-than-wide weight gets orthonormal columns, a wider
    one orthonormal rows. Shapes beyond 2D are built as the matrix
    ``(product of all but the last dim, last dim)`` and reshaped.

    Keras 3 also calls this class ``OrthogonalInitializer``; both names load.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = gain
        super().__init__(seed=seed)

    def __call__(self, shape: Sequence[int], dtype: str | None = None) -> Any:
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(
                "Orthogonal initializer needs a shape of rank 2 or more; received "
                f"shape={shape} of rank {len(shape)}."
            )
        dtype = K.standardize_dtype(dtype)
        rows = math.prod(shape[:-1])
        columns = shape[-1]
        # The factorisation needs single precision at least.
        work_dtype = "float32" if dtype in ("float16", "bfloat16") else dtype
        draws = K.random_normal(
            (max(rows, columns), min(rows, columns)), 0.0, 1.0, dtype=work_dtype, seed=self.seed
        )
        q, r = K.qr(draws)
        # diag(r), read off with an identity mask.
        size = K.int_shape(r)[0]
        diagonal = K.sum(K.multiply(r, K.eye(size, dtype=work_dtype)), axis=0)
        q = K.multiply(q, K.sign(diagonal))
        if rows < columns:
            q = K.transpose(q)
        return K.cast(K.multiply(self.gain, K.reshape(q, shape)), dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "gain": self.gain}


# The other names Keras 3 exports for these classes.
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal
zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_uniform = HeUniform
he_normal = HeNormal
lecun_uniform = LecunUniform
lecun_normal = LecunNormal
orthogonal = Orthogonal

_CLASSES = (
    Initializer,
    Zeros,
    Ones,
    Constant,
    Identity,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    GlorotUniform,
    GlorotNormal,
    HeUniform,
    HeNormal,
    LecunUniform,
    LecunNormal,
    Orthogonal,
)
# Every name a config or a string identifier may use: class names, their
# snake_case forms ("glorot_uniform"), and Keras's extra aliases.
ALL_INITIALIZERS: dict[str, type[Initializer]] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in _CLASSES},
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "one": Ones,
    "zero": Zeros,
}
register_keras_module("keras.initializers", ALL_INITIALIZERS)


def serialize(initializer: Initializer | Callable | None) -> dict[str, Any] | str | None:
    """``{"class_name", "config"}`` for an initializer (None stays None).

    A plain function registered with ``register_serializable`` is written as
    its registered name.

    >>> serialize(GlorotUniform(seed=3))
    {'class_name': 'GlorotUniform', 'config': {'seed': 3}}
    """
    return serialize_configurable(initializer, "initializer", "Initializer")


def deserialize(
    config: Mapping[str, Any] | str | None, custom_objects: Mapping[str, Any] | None = None
) -> Initializer | Callable | None:
    """The initializer a config describes: a ``{"class_name", "config"}`` dict or a name.

    A name alone gives the class built with its defaults.
    """
    return deserialize_configurable(config, custom_objects, ALL_INITIALIZERS, "initializer")


def _from_array(value: Any) -> Callable:
    """An initializer that returns ``value`` (cast), for a weight of exactly its shape."""
    expected = tuple(K.int_shape(value))

    def initialize_fn(shape: Sequence[int], dtype: str | None = None) -> Any:
        if tuple(shape) != expected:
            raise ValueError(
                f"This initializer holds an array of shape {expected}; received shape={shape}."
            )
        return K.cast(value, K.standardize_dtype(dtype))

    return initialize_fn


_DEFAULT_INSTANCES: dict[str, Initializer] = {}


def get(identifier: Any) -> Initializer | Callable | None:
    """Turn what a layer was given as an initializer into a callable ``init(shape, dtype)``.

    Accepts None (kept), a name, a config dict, an initializer, an
    initializer class (instantiated with its defaults), any callable, or a
    backend array (returned, cast, for a weight of the same shape).

    >>> get("he_normal")
    HeNormal(seed=None)
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str) and identifier in ALL_INITIALIZERS:
        # A name gives the class's default instance, shared: it holds only its
        # (default) arguments, draws from the backend's generator, and a model
        # of thousands of layers then holds two objects fewer per layer.
        shared = _DEFAULT_INSTANCES.get(identifier)
        if shared is None:
            shared = _DEFAULT_INSTANCES[identifier] = ALL_INITIALIZERS[identifier]()
        return shared
    if isinstance(identifier, (str, Mapping)):
        return deserialize(identifier)
    if K.is_tensor(identifier):
        return _from_array(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret the initializer identifier {identifier!r} "
        f"(of type {type(identifier).__name__}). Expected None, a name, a config dict, "
        "an Initializer, a callable or an array."
    )


__all__ = [
    "ALL_INITIALIZERS",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]
