"""Conformance of the fused recurrent ops (``lstm_sequence``, ``gru_sequence``,
``simple_rnn_sequence``) on every backend.

The references are written out step by step and sample by sample with plain
Python loops over tiny arrays, following the equations of Keras 3's cells,
so they rely on nothing the ops share.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conformance import covers

BATCH, TIMESTEPS, FEATURES, UNITS = 2, 4, 3, 2
MASK = np.array([[True, False, True, True], [False, True, True, False]])


def rand(*shape, seed: int, scale: float = 0.5) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape) * scale


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def hard_sigmoid(v: float) -> float:
    return min(max(v / 6.0 + 0.5, 0.0), 1.0)


ACTIVATIONS = {
    "tanh": math.tanh,
    "sigmoid": sigmoid,
    "relu": lambda v: max(v, 0.0),
    "linear": lambda v: v,
    "hard_sigmoid": hard_sigmoid,
}


def affine(x, matrix, columns) -> list:
    """``[sum_k x[k] * matrix[k, j] for j in columns]`` with explicit loops."""
    return [sum(x[k] * matrix[k, j] for k in range(len(x))) for j in columns]


def scan_reference(step, inputs, states, mask, go_backwards, zero_output_for_mask):
    """Run ``step(x_t, states) -> new states`` (first state = output) sample by sample.

    Returns ``(outputs in processing order, final states)`` as arrays; a
    masked step keeps the states and outputs the previous first state
    (or zeros).
    """
    batch, timesteps, _ = inputs.shape
    order = list(range(timesteps))[::-1] if go_backwards else list(range(timesteps))
    outputs = np.zeros((batch, timesteps, len(states[0][0])))
    finals = [np.zeros_like(state) for state in states]
    for b in range(batch):
        current = [list(state[b]) for state in states]
        for position, t in enumerate(order):
            if mask is not None and not mask[b, t]:
                outputs[b, position] = 0.0 if zero_output_for_mask else current[0]
                continue
            current = step(list(inputs[b, t]), current)
            outputs[b, position] = current[0]
        for index, value in enumerate(current):
            finals[index][b] = value
    return outputs, finals


def lstm_reference(
    inputs,
    h,
    c,
    kernel,
    recurrent_kernel,
    bias,
    mask=None,
    go_backwards=False,
    zero_output_for_mask=False,
    activation="tanh",
    recurrent_activation="sigmoid",
):
    act, gate = ACTIVATIONS[activation], ACTIVATIONS[recurrent_activation]
    units = recurrent_kernel.shape[0]

    def step(x, states):
        h_prev, c_prev = states
        z = [
            a + b + (0.0 if bias is None else bias[j])
            for j, (a, b) in enumerate(
                zip(
                    affine(x, kernel, range(4 * units)),
                    affine(h_prev, recurrent_kernel, range(4 * units)),
                    strict=True,
                )
            )
        ]
        new_c, new_h = [], []
        for u in range(units):
            i, f = gate(z[u]), gate(z[units + u])
            g, o = act(z[2 * units + u]), gate(z[3 * units + u])
            new_c.append(f * c_prev[u] + i * g)
            new_h.append(o * act(new_c[-1]))
        return [new_h, new_c]

    return scan_reference(step, inputs, [h, c], mask, go_backwards, zero_output_for_mask)


def gru_reference(
    inputs,
    h,
    kernel,
    recurrent_kernel,
    bias,
    mask=None,
    go_backwards=False,
    zero_output_for_mask=False,
    reset_after=True,
):
    units = recurrent_kernel.shape[0]
    if reset_after:
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, np.zeros(3 * units)

    def step(x, states):
        (h_prev,) = states
        xz = [v + input_bias[j] for j, v in enumerate(affine(x, kernel, range(3 * units)))]
        hz = [
            v + recurrent_bias[j]
            for j, v in enumerate(affine(h_prev, recurrent_kernel, range(3 * units)))
        ]
        z = [sigmoid(xz[u] + hz[u]) for u in range(units)]
        r = [sigmoid(xz[units + u] + hz[units + u]) for u in range(units)]
        if reset_after:
            candidate_in = [r[u] * hz[2 * units + u] for u in range(units)]
        else:
            reset_h = [r[u] * h_prev[u] for u in range(units)]
            candidate_in = affine(reset_h, recurrent_kernel, range(2 * units, 3 * units))
        hh = [math.tanh(xz[2 * units + u] + candidate_in[u]) for u in range(units)]
        return [[z[u] * h_prev[u] + (1 - z[u]) * hh[u] for u in range(units)]]

    return scan_reference(step, inputs, [h], mask, go_backwards, zero_output_for_mask)


def simple_reference(
    inputs,
    h,
    kernel,
    recurrent_kernel,
    bias,
    mask=None,
    go_backwards=False,
    zero_output_for_mask=False,
    activation="tanh",
):
    act = ACTIVATIONS[activation]
    units = recurrent_kernel.shape[0]

    def step(x, states):
        (h_prev,) = states
        a = affine(x, kernel, range(units))
        b = affine(h_prev, recurrent_kernel, range(units))
        return [[act(a[u] + b[u] + bias[u]) for u in range(units)]]

    return scan_reference(step, inputs, [h], mask, go_backwards, zero_output_for_mask)


def numpy_results(B, results) -> list:
    return [B.convert_to_numpy(value) for value in results]


def lstm_arrays(seed: int = 0) -> list:
    return [
        rand(BATCH, TIMESTEPS, FEATURES, seed=seed, scale=1.0),
        rand(BATCH, UNITS, seed=seed + 1),
        rand(BATCH, UNITS, seed=seed + 2),
        rand(FEATURES, 4 * UNITS, seed=seed + 3),
        rand(UNITS, 4 * UNITS, seed=seed + 4),
        rand(4 * UNITS, seed=seed + 5),
    ]


def gru_arrays(reset_after: bool = True, seed: int = 10) -> list:
    bias_shape = (2, 3 * UNITS) if reset_after else (3 * UNITS,)
    return [
        rand(BATCH, TIMESTEPS, FEATURES, seed=seed, scale=1.0),
        rand(BATCH, UNITS, seed=seed + 1),
        rand(FEATURES, 3 * UNITS, seed=seed + 2),
        rand(UNITS, 3 * UNITS, seed=seed + 3),
        rand(*bias_shape, seed=seed + 4),
    ]


def simple_arrays(seed: int = 20) -> list:
    return [
        rand(BATCH, TIMESTEPS, FEATURES, seed=seed, scale=1.0),
        rand(BATCH, UNITS, seed=seed + 1),
        rand(FEATURES, UNITS, seed=seed + 2),
        rand(UNITS, UNITS, seed=seed + 3),
        rand(UNITS, seed=seed + 4),
    ]


def tensors(B, arrays: list) -> list:
    return [None if array is None else B.convert_to_tensor(array) for array in arrays]


def assert_matches_reference(B, op: str, reference, arrays: list, mask=None, **options) -> list:
    """``B.<op>`` on ``arrays`` gives the outputs and final states of ``reference``.

    ``mask`` and ``options`` go to both; the op's results come back as arrays
    for a test's further checks.
    """
    masks = {} if mask is None else {"mask": B.convert_to_tensor(mask)}
    results = numpy_results(B, getattr(B, op)(*tensors(B, arrays), **masks, **options))
    expected_outputs, expected_states = reference(*arrays, mask=mask, **options)
    for result, expected in zip(results, [expected_outputs, *expected_states], strict=True):
        np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-14)
    return results


# ------------------------------------------------------------------------ LSTM


@covers("lstm_sequence")
def test_lstm_sequence_matches_the_step_by_step_equations(B):
    assert_matches_reference(B, "lstm_sequence", lstm_reference, lstm_arrays())


@covers("lstm_sequence")
def test_lstm_sequence_without_return_sequences_gives_the_last_output(B):
    arrays = lstm_arrays()
    last, final_h, _ = numpy_results(
        B, B.lstm_sequence(*tensors(B, arrays), return_sequences=False)
    )
    expected_outputs, _ = lstm_reference(*arrays)
    assert last.shape == (BATCH, UNITS)
    np.testing.assert_allclose(last, expected_outputs[:, -1], rtol=1e-12)
    np.testing.assert_allclose(final_h, last, rtol=1e-12)


@covers("lstm_sequence")
def test_lstm_sequence_go_backwards_returns_outputs_in_processing_order(B):
    outputs, final_h, _ = assert_matches_reference(
        B, "lstm_sequence", lstm_reference, lstm_arrays(seed=30), go_backwards=True
    )
    np.testing.assert_allclose(outputs[:, -1], final_h, rtol=1e-12)


@covers("lstm_sequence")
def test_lstm_sequence_masked_steps_keep_states_and_repeat_the_previous_output(B):
    arrays = lstm_arrays(seed=40)
    outputs, _, _ = assert_matches_reference(B, "lstm_sequence", lstm_reference, arrays, mask=MASK)
    # Sample 1's first step is masked: it outputs its initial h; its last is masked too.
    np.testing.assert_allclose(outputs[1, 0], arrays[1][1], rtol=1e-12)
    np.testing.assert_allclose(outputs[1, 3], outputs[1, 2], rtol=1e-12)


@covers("lstm_sequence")
def test_lstm_sequence_zero_output_for_mask_outputs_zeros_at_masked_steps(B):
    outputs, _, _ = assert_matches_reference(
        B,
        "lstm_sequence",
        lstm_reference,
        lstm_arrays(seed=50),
        mask=MASK,
        zero_output_for_mask=True,
    )
    assert np.all(outputs[~MASK] == 0.0)


@covers("lstm_sequence")
@pytest.mark.parametrize(
    ("activation", "recurrent_activation"),
    [("relu", "hard_sigmoid"), ("linear", "tanh"), ("sigmoid", "linear")],
)
def test_lstm_sequence_takes_each_named_activation(B, activation, recurrent_activation):
    assert_matches_reference(
        B,
        "lstm_sequence",
        lstm_reference,
        lstm_arrays(seed=60),
        activation=activation,
        recurrent_activation=recurrent_activation,
    )


@covers("lstm_sequence")
def test_lstm_sequence_without_bias_adds_nothing(B):
    assert_matches_reference(B, "lstm_sequence", lstm_reference, [*lstm_arrays(seed=70)[:5], None])


@covers("lstm_sequence")
def test_lstm_sequence_keeps_float32(B):
    arrays = [array.astype("float32") for array in lstm_arrays()]
    results = B.lstm_sequence(*tensors(B, arrays))
    assert [B.dtype(value) for value in results] == ["float32"] * 3
    expected_outputs, _ = lstm_reference(*[array.astype("float64") for array in arrays])
    np.testing.assert_allclose(B.convert_to_numpy(results[0]), expected_outputs, rtol=1e-5)


@covers("lstm_sequence")
def test_lstm_sequence_rejects_inputs_that_are_not_sequences(B):
    arrays = lstm_arrays()
    with pytest.raises(ValueError, match=r"lstm_sequence expects inputs of shape"):
        B.lstm_sequence(B.convert_to_tensor(arrays[0][:, 0]), *tensors(B, arrays[1:]))


@covers("lstm_sequence")
def test_lstm_sequence_rejects_kernels_of_the_wrong_width(B):
    arrays = lstm_arrays()
    arrays[4] = rand(UNITS, 3 * UNITS, seed=1)
    with pytest.raises(ValueError, match=r"expects kernel \(features, 4 \* units\)"):
        B.lstm_sequence(*tensors(B, arrays))


@covers("lstm_sequence")
def test_lstm_sequence_rejects_a_mask_of_the_wrong_shape(B):
    with pytest.raises(ValueError, match=r"expects a mask of shape \(batch, timesteps\)"):
        B.lstm_sequence(*tensors(B, lstm_arrays()), mask=B.convert_to_tensor(MASK[:, :2]))


@covers("lstm_sequence")
def test_lstm_sequence_rejects_an_unknown_activation(B):
    with pytest.raises(ValueError, match=r"activation must be one of"):
        B.lstm_sequence(*tensors(B, lstm_arrays()), activation="softmax")


@covers("lstm_sequence")
def test_lstm_sequence_rejects_initial_states_of_the_wrong_shape(B):
    arrays = lstm_arrays()
    arrays[2] = rand(BATCH, UNITS + 1, seed=3)
    with pytest.raises(ValueError, match=r"expects initial_c of shape \(2, 2\)"):
        B.lstm_sequence(*tensors(B, arrays))


# ------------------------------------------------------------------------- GRU


@covers("gru_sequence")
@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_sequence_matches_the_step_by_step_equations(B, reset_after):
    assert_matches_reference(
        B, "gru_sequence", gru_reference, gru_arrays(reset_after), reset_after=reset_after
    )


@covers("gru_sequence")
def test_gru_sequence_masked_backwards_scan(B):
    assert_matches_reference(
        B, "gru_sequence", gru_reference, gru_arrays(seed=80), mask=MASK, go_backwards=True
    )


@covers("gru_sequence")
def test_gru_sequence_zero_output_for_mask_without_return_sequences(B):
    arrays = gru_arrays(seed=90)
    last, final_h = numpy_results(
        B,
        B.gru_sequence(
            *tensors(B, arrays),
            mask=B.convert_to_tensor(MASK),
            zero_output_for_mask=True,
            return_sequences=False,
        ),
    )
    # Sample 1's last step is masked: a zero output, while its state is carried.
    expected_outputs, (expected_h,) = gru_reference(*arrays, mask=MASK, zero_output_for_mask=True)
    np.testing.assert_allclose(last, expected_outputs[:, -1], rtol=1e-12, atol=1e-14)
    assert np.all(last[1] == 0.0)
    np.testing.assert_allclose(final_h, expected_h, rtol=1e-12)


@covers("gru_sequence")
def test_gru_sequence_reset_after_needs_a_two_row_bias(B):
    arrays = gru_arrays(reset_after=False)
    with pytest.raises(ValueError, match=r"reset_after=True expects bias of shape \(2, 6\)"):
        B.gru_sequence(*tensors(B, arrays), reset_after=True)


# ------------------------------------------------------------------ simple RNN


@covers("simple_rnn_sequence")
@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_simple_rnn_sequence_matches_the_step_by_step_equations(B, activation):
    assert_matches_reference(
        B, "simple_rnn_sequence", simple_reference, simple_arrays(), activation=activation
    )


@covers("simple_rnn_sequence")
def test_simple_rnn_sequence_masked_backwards_scan(B):
    assert_matches_reference(
        B,
        "simple_rnn_sequence",
        simple_reference,
        simple_arrays(seed=100),
        mask=MASK,
        go_backwards=True,
    )


@covers("simple_rnn_sequence")
def test_simple_rnn_sequence_rejects_a_sequence_without_timesteps(B):
    arrays = simple_arrays()
    arrays[0] = np.zeros((BATCH, 0, FEATURES))
    with pytest.raises(ValueError, match=r"needs at least one timestep"):
        B.simple_rnn_sequence(*tensors(B, arrays))
