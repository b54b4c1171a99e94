"""Whole-sequence recurrent ops on JAX arrays: an LSTM, a GRU and a simple RNN.

Each op is one ``lax.scan`` over the timesteps, so XLA compiles the whole
loop (and JAX's reverse-mode differentiation of the scan is the
backpropagation through time). The conventions are Keras 3's, as in the
numpy backend:

* ``inputs`` is ``(batch, timesteps, features)``; the states are
  ``(batch, units)``.
* The projection of the inputs by ``kernel`` (plus the input bias) runs
  inside the scan, one timestep at a time (see ``_Sequence.projector``).
* ``mask`` (``(batch, timesteps)``, boolean) marks the steps to use. At a
  masked step each sample keeps its previous states, and its output is its
  previous output (or zeros with ``zero_output_for_mask``).
* ``go_backwards`` reads the sequence from its end; the outputs come back in
  the order processed (the reversed sequence), as in Keras.
* ``activation`` and ``recurrent_activation`` are names among
  ``_ACTIVATIONS``.

Each op returns a tuple: the outputs, then the final states.

Each op runs through ``jax.jit``, its flags and activation names static. A
scan called op by op is otherwise traced and compiled anew on every call (its
step is a new function each time, so JAX finds nothing to reuse); through
``jit`` an eager layer call compiles once per shape and flags, and inside a
traced step the op is simply part of the outer program.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import lax

from graphkeras.backend.common import recurrent_arguments as checks
from graphkeras.backend.jax_backend.core import unwrap

__all__ = ["lstm_sequence", "gru_sequence", "simple_rnn_sequence"]

_STATIC_ARGUMENTS = (
    "go_backwards",
    "return_sequences",
    "zero_output_for_mask",
    "reset_after",
    "activation",
    "recurrent_activation",
)


def _compiled_once_per_signature(op: Callable) -> Callable:
    """``op`` through ``jax.jit``: its arrays unwrapped and traced, its flags and names static."""
    static = [name for name in _STATIC_ARGUMENTS if name in op.__code__.co_varnames]
    compiled = jax.jit(op, static_argnames=static)

    @functools.wraps(op)
    def run(*args, **kwargs):
        return compiled(
            *[unwrap(value) for value in args],
            **{name: unwrap(value) for name, value in kwargs.items()},
        )

    return run


def _hard_sigmoid(z: jax.Array) -> jax.Array:
    return jnp.clip(z / 6 + 0.5, 0, 1)


# The activations the sequence ops compute themselves (Keras 3's definitions).
_ACTIVATIONS: dict[str, Callable[[jax.Array], jax.Array]] = {
    "tanh": jnp.tanh,
    "sigmoid": lax.logistic,
    "relu": jax.nn.relu,
    "linear": lambda z: z,
    "hard_sigmoid": _hard_sigmoid,
}


def _activation(name: str, argument: str) -> Callable[[jax.Array], jax.Array]:
    checks.check_activation_name(name, argument, _ACTIVATIONS)
    return _ACTIVATIONS[name]


class _Sequence:
    """One call's inputs, checked and read time-major in the order processed.

    ``time_major`` is ``(timesteps, batch, features)`` (reversed with
    ``go_backwards``), ``keep`` the mask as ``(timesteps, batch, 1)`` booleans
    in the same order, or None; ``dtype`` is the type every array is
    computed in, the promotion of all the arrays the op was given.
    """

    def __init__(self, op: str, inputs, mask, go_backwards: bool, others) -> None:
        x = jnp.asarray(unwrap(inputs))
        self.op = op
        self.batch, self.timesteps, self.features = checks.sequence_dimensions(op, x.shape)
        self.dtype = jnp.result_type(
            x, *[jnp.asarray(unwrap(value)) for value in others if value is not None]
        )
        time_major = jnp.swapaxes(x.astype(self.dtype), 0, 1)
        self.time_major = time_major[::-1] if go_backwards else time_major
        self.keep = None
        if mask is not None:
            mask = jnp.asarray(unwrap(mask)).astype(bool)
            checks.check_mask_shape(op, mask.shape, self.batch, self.timesteps)
            keep = mask.T[::-1] if go_backwards else mask.T
            self.keep = keep[:, :, None]

    def state(self, value, units: int, name: str) -> jax.Array:
        array = jnp.asarray(unwrap(value)).astype(self.dtype)
        checks.check_state_shape(self.op, name, array.shape, self.batch, units)
        return array

    def weights(self, kernel, recurrent_kernel, bias, gates: int) -> tuple:
        """``(kernel, recurrent_kernel, bias or None, units)`` checked and in ``dtype``."""
        kernel = jnp.asarray(unwrap(kernel)).astype(self.dtype)
        recurrent_kernel = jnp.asarray(unwrap(recurrent_kernel)).astype(self.dtype)
        units = checks.recurrent_units(
            self.op, kernel.shape, recurrent_kernel.shape, self.features, gates
        )
        bias = None if bias is None else jnp.asarray(unwrap(bias)).astype(self.dtype)
        return kernel, recurrent_kernel, bias, units

    @staticmethod
    def projector(kernel: jax.Array, bias) -> Callable[[jax.Array], jax.Array]:
        """The input projection of one step: ``x_t -> x_t @ kernel + bias``.

        It runs inside the scan, step by step, rather than once over the
        whole sequence before it: one product over all timesteps would hold
        a ``(timesteps, batch, gates * units)`` array, its gradient and a
        transposed copy alive at once in a training step, several times the
        memory of the states, which costs far more in memory traffic than
        the larger product saves.
        """

        def project(x_t: jax.Array) -> jax.Array:
            projected = x_t @ kernel
            return projected if bias is None else projected + bias

        return project

    def scan(
        self,
        step: Callable,
        states: tuple,
        project: Callable[[jax.Array], jax.Array],
        return_sequences: bool,
        zero_output_for_mask: bool,
    ) -> tuple:
        """Run ``step(project(x_t), states) -> new states`` over the sequence.

        The first state is the output. Returns ``(outputs, *final states)``:
        ``outputs`` is ``(batch, timesteps, units)`` in the order processed,
        or the last step's ``(batch, units)`` without ``return_sequences``.
        """
        keep = self.keep

        def advance(carried, inputs):
            x_t, keep_t = inputs
            new = step(project(x_t), carried)
            if keep_t is not None:
                new = tuple(
                    jnp.where(keep_t, value, old) for value, old in zip(new, carried, strict=True)
                )
            return new, (new[0] if return_sequences else None)

        finals, history = lax.scan(advance, states, (self.time_major, keep))
        zeroed = keep is not None and zero_output_for_mask
        if return_sequences:
            outputs = history * keep if zeroed else history
            outputs = jnp.swapaxes(outputs, 0, 1)
        else:
            outputs = finals[0] * keep[-1] if zeroed else finals[0]
        return (outputs, *finals)


# ------------------------------------------------------------------------ LSTM


@_compiled_once_per_signature
def lstm_sequence(
    inputs,
    initial_h,
    initial_c,
    kernel,
    recurrent_kernel,
    bias=None,
    mask=None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    activation: str = "tanh",
    recurrent_activation: str = "sigmoid",
) -> tuple:
    """An LSTM over the whole sequence: ``(outputs, final_h, final_c)``.

    ``kernel`` is ``(features, 4 * units)``, ``recurrent_kernel``
    ``(units, 4 * units)`` and ``bias`` ``(4 * units,)``, gates in Keras's
    order i, f, c, o. Each step computes ``z = x @ kernel + h @
    recurrent_kernel + bias``, ``c = f * c + i * activation(z_c)`` and
    ``h = o * activation(c)``, the gates i, f, o through
    ``recurrent_activation``.
    """
    act = _activation(activation, "activation")
    gate = _activation(recurrent_activation, "recurrent_activation")
    others = (initial_h, initial_c, kernel, recurrent_kernel, bias)
    sequence = _Sequence("lstm_sequence", inputs, mask, go_backwards, others)
    kernel, recurrent_kernel, bias, units = sequence.weights(kernel, recurrent_kernel, bias, 4)
    h = sequence.state(initial_h, units, "initial_h")
    c = sequence.state(initial_c, units, "initial_c")

    def step(projection_t, states):
        h, c = states
        # One split (its gradient one concatenation) rather than four slices,
        # whose gradients XLA would pad to the full width and add.
        z_i, z_f, z_c, z_o = jnp.split(projection_t + h @ recurrent_kernel, 4, axis=-1)
        c = gate(z_f) * c + gate(z_i) * act(z_c)
        return gate(z_o) * act(c), c

    project = sequence.projector(kernel, bias)
    return sequence.scan(step, (h, c), project, return_sequences, zero_output_for_mask)


# ------------------------------------------------------------------------- GRU


@_compiled_once_per_signature
def gru_sequence(
    inputs,
    initial_h,
    kernel,
    recurrent_kernel,
    bias=None,
    mask=None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    reset_after: bool = True,
    activation: str = "tanh",
    recurrent_activation: str = "sigmoid",
) -> tuple:
    """A GRU over the whole sequence: ``(outputs, final_h)``.

    ``kernel`` is ``(features, 3 * units)`` and ``recurrent_kernel``
    ``(units, 3 * units)``, gates in Keras's order z, r, h. With
    ``reset_after`` (Keras 3's default) ``bias`` is ``(2, 3 * units)``, the
    input bias then the recurrent one, and the reset gate scales the
    recurrent projection: ``hh = activation(x_h + r * (h @ U_h + b_h))``;
    without, ``bias`` is ``(3 * units,)`` and ``hh = activation(x_h + (r * h)
    @ U_h)``. Then ``h = z * h + (1 - z) * hh``; z and r go through
    ``recurrent_activation``.
    """
    act = _activation(activation, "activation")
    gate = _activation(recurrent_activation, "recurrent_activation")
    others = (initial_h, kernel, recurrent_kernel, bias)
    sequence = _Sequence("gru_sequence", inputs, mask, go_backwards, others)
    kernel, recurrent_kernel, bias, units = sequence.weights(kernel, recurrent_kernel, bias, 3)
    input_bias, recurrent_bias = bias, None
    if bias is not None and reset_after:
        checks.check_reset_after_bias(bias.shape, units)
        input_bias, recurrent_bias = bias[0], bias[1]
    two = 2 * units

    def step(projection_t, states):
        (h,) = states
        if reset_after:
            recurrent = h @ recurrent_kernel
            if recurrent_bias is not None:
                recurrent = recurrent + recurrent_bias
            x_z, x_r, x_h = jnp.split(projection_t, 3, axis=-1)
            r_z, r_r, r_h = jnp.split(recurrent, 3, axis=-1)
            update, reset = gate(x_z + r_z), gate(x_r + r_r)
            candidate = act(x_h + reset * r_h)
        else:
            x_zr, x_h = jnp.split(projection_t, [two], axis=-1)
            update, reset = jnp.split(gate(x_zr + h @ recurrent_kernel[:, :two]), 2, axis=-1)
            candidate = act(x_h + (reset * h) @ recurrent_kernel[:, two:])
        return (candidate + update * (h - candidate),)

    h = sequence.state(initial_h, units, "initial_h")
    project = sequence.projector(kernel, input_bias)
    return sequence.scan(step, (h,), project, return_sequences, zero_output_for_mask)


# ------------------------------------------------------------------ simple RNN


@_compiled_once_per_signature
def simple_rnn_sequence(
    inputs,
    initial_h,
    kernel,
    recurrent_kernel,
    bias=None,
    mask=None,
    go_backwards: bool = False,
    return_sequences: bool = True,
    zero_output_for_mask: bool = False,
    activation: str = "tanh",
) -> tuple:
    """A fully-connected RNN over the whole sequence: ``(outputs, final_h)``.

    Each step computes ``h = activation(x @ kernel + h @ recurrent_kernel +
    bias)``, with ``kernel`` ``(features, units)`` and ``recurrent_kernel``
    ``(units, units)``.
    """
    act = _activation(activation, "activation")
    others = (initial_h, kernel, recurrent_kernel, bias)
    sequence = _Sequence("simple_rnn_sequence", inputs, mask, go_backwards, others)
    kernel, recurrent_kernel, bias, units = sequence.weights(kernel, recurrent_kernel, bias, 1)

    def step(projection_t, states):
        (h,) = states
        return (act(projection_t + h @ recurrent_kernel),)

    h = sequence.state(initial_h, units, "initial_h")
    project = sequence.projector(kernel, bias)
    return sequence.scan(step, (h,), project, return_sequences, zero_output_for_mask)
