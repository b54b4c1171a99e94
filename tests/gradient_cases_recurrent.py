"""Finite-difference gradient cases of the fused recurrent ops.

Collected by ``tests/test_gradients.py`` (see ``gradient_checks.family_modules``).
Each case concatenates everything an op returns (the outputs, then the
final states) into one array, so the weighted-sum loss sends a gradient
through every result at once: the per-step outputs, the final hidden state
and, for the LSTM, the final cell state. The hand-written backpropagation
through time is then checked on every input: the sequence, the initial
states, both kernels and the bias, with masks (carried and zeroed outputs),
reversed reading and each supported activation.
"""

from __future__ import annotations

import numpy as np
from gradient_checks import Case

BATCH, TIMESTEPS, FEATURES, UNITS = 2, 4, 3, 2

# Sample 0 skips its second step; sample 1 skips its first and last.
MASK = np.array([[True, False, True, True], [False, True, True, False]])


def _rand(*shape, seed: int, scale: float = 0.5) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape) * scale


def _joined_results(op: str, return_sequences: bool, options: dict):
    """``function(B, *arrays)``: ``B.<op>`` on the arrays, its results side by side.

    The result is ``(batch, everything)``: the outputs (flattened when every
    step's), then each final state.
    """

    def function(B, *arrays):
        outputs, *states = getattr(B, op)(*arrays, return_sequences=return_sequences, **options)
        first = B.batch_flatten(outputs) if return_sequences else outputs
        return B.concatenate([first, *states], axis=-1)

    return function


def _lstm(return_sequences=True, use_bias=True, **options):
    arrays = [
        _rand(BATCH, TIMESTEPS, FEATURES, seed=1, scale=1.0),
        _rand(BATCH, UNITS, seed=2),
        _rand(BATCH, UNITS, seed=3),
        _rand(FEATURES, 4 * UNITS, seed=4),
        _rand(UNITS, 4 * UNITS, seed=5),
    ]
    if use_bias:
        arrays.append(_rand(4 * UNITS, seed=6))
    return _joined_results("lstm_sequence", return_sequences, options), arrays


def _gru(return_sequences=True, reset_after=True, **options):
    bias_shape = (2, 3 * UNITS) if reset_after else (3 * UNITS,)
    arrays = [
        _rand(BATCH, TIMESTEPS, FEATURES, seed=11, scale=1.0),
        _rand(BATCH, UNITS, seed=12),
        _rand(FEATURES, 3 * UNITS, seed=13),
        _rand(UNITS, 3 * UNITS, seed=14),
        _rand(*bias_shape, seed=15),
    ]
    options = {"reset_after": reset_after, **options}
    return _joined_results("gru_sequence", return_sequences, options), arrays


def _simple(return_sequences=True, **options):
    arrays = [
        _rand(BATCH, TIMESTEPS, FEATURES, seed=21, scale=1.0),
        _rand(BATCH, UNITS, seed=22),
        _rand(FEATURES, UNITS, seed=23),
        _rand(UNITS, UNITS, seed=24),
        _rand(UNITS, seed=25),
    ]
    return _joined_results("simple_rnn_sequence", return_sequences, options), arrays


def _case(op: str, case_id: str, made, watched=None) -> Case:
    function, arrays = made
    return Case(op, case_id, function, arrays, watched=watched, rtol=1e-6, atol=1e-9)


CASES = [
    _case("lstm_sequence", "sequences_and_states", _lstm()),
    _case("lstm_sequence", "last_output_only", _lstm(return_sequences=False)),
    _case("lstm_sequence", "backwards", _lstm(go_backwards=True)),
    _case("lstm_sequence", "mask_carries_states", _lstm(mask=MASK)),
    _case(
        "lstm_sequence",
        "mask_zero_outputs_backwards",
        _lstm(mask=MASK, zero_output_for_mask=True, go_backwards=True),
    ),
    _case(
        "lstm_sequence",
        "relu_and_hard_sigmoid",
        _lstm(activation="relu", recurrent_activation="hard_sigmoid"),
    ),
    _case("lstm_sequence", "linear_without_bias", _lstm(activation="linear", use_bias=False)),
    _case("lstm_sequence", "kernels_only", _lstm(), watched=(3, 4)),
    _case("gru_sequence", "reset_after", _gru()),
    _case("gru_sequence", "reset_before", _gru(reset_after=False)),
    _case("gru_sequence", "last_output_only", _gru(return_sequences=False)),
    _case("gru_sequence", "mask_backwards", _gru(mask=MASK, go_backwards=True)),
    _case(
        "gru_sequence",
        "mask_zero_outputs_reset_before",
        _gru(mask=MASK, zero_output_for_mask=True, reset_after=False),
    ),
    _case("gru_sequence", "hard_sigmoid_gates", _gru(recurrent_activation="hard_sigmoid")),
    _case("simple_rnn_sequence", "tanh", _simple()),
    _case("simple_rnn_sequence", "last_output_only", _simple(return_sequences=False)),
    _case("simple_rnn_sequence", "mask_backwards", _simple(mask=MASK, go_backwards=True)),
    _case(
        "simple_rnn_sequence",
        "mask_zero_outputs",
        _simple(mask=MASK, zero_output_for_mask=True),
    ),
    _case("simple_rnn_sequence", "sigmoid", _simple(activation="sigmoid")),
]
