"""Whole-sequence recurrent ops: an LSTM, a GRU and a simple RNN over every timestep at once.

A recurrent layer written as a loop of small recorded ops puts ten or so
records per timestep on the tape, and the Python overhead of recording and
replaying them dominates the arithmetic. These ops instead run the entire
scan in one call and are recorded once: the forward pass keeps what the
backward pass needs (the activated gates and the states of every step) and
the gradient is hand-written backpropagation through time.

Common conventions, the ones of Keras 3's recurrent layers:

* ``inputs`` is ``(batch, timesteps, features)``; the states are
  ``(batch, units)``.
* The projection of the inputs by ``kernel`` is one matrix product over all
  timesteps; only the recurrent product runs step by step.
* ``mask`` (``(batch, timesteps)``, boolean) marks the steps to use. At a
  masked step each sample keeps its previous states, and its output is its
  previous output (or zeros with ``zero_output_for_mask``).
* ``go_backwards`` reads the sequence from its end; the outputs come back in
  the order processed (the reversed sequence), as in Keras.
* ``activation`` and ``recurrent_activation`` are names among
  :data:`ACTIVATIONS`.

Each op returns a tuple of arrays (the outputs, then the final states). The
tuple also carries the intermediates its gradient needs, as the ``saved``
attribute, so they live exactly as long as the tape's record of the call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from graphkeras.backend.common import recurrent_arguments as checks
from graphkeras.backend.numpy_backend import autodiff
from graphkeras.backend.numpy_backend.core import unwrap


class SequenceResult(tuple):
    """The arrays a sequence op returns, plus ``saved``: what its gradient reads."""

    saved: dict


class _Activation(NamedTuple):
    """An activation written into ``out`` (in place when omitted), and its
    derivative written from its output."""

    apply: Callable[..., None]
    scale_by_derivative: Callable[[np.ndarray, np.ndarray], None]


def _tanh(z: np.ndarray, out: np.ndarray | None = None) -> None:
    np.tanh(z, out=z if out is None else out)


def _tanh_derivative(gradient: np.ndarray, output: np.ndarray) -> None:
    square = output * output
    np.subtract(1, square, out=square)
    gradient *= square


def _sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> None:
    # (1 + tanh(z / 2)) / 2: no overflow for any z and no temporaries; numpy's
    # tanh is also faster than the exp and reciprocal of 1 / (1 + exp(-z)).
    out = z if out is None else out
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5


def _sigmoid_derivative(gradient: np.ndarray, output: np.ndarray) -> None:
    gradient *= output
    gradient -= gradient * output


def _relu(z: np.ndarray, out: np.ndarray | None = None) -> None:
    np.maximum(z, 0, out=z if out is None else out)


def _relu_derivative(gradient: np.ndarray, output: np.ndarray) -> None:
    gradient *= output > 0


def _linear(z: np.ndarray, out: np.ndarray | None = None) -> None:
    if out is not None:
        np.copyto(out, z)


def _linear_derivative(gradient: np.ndarray, output: np.ndarray) -> None:
    return None


def _hard_sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> None:
    out = z if out is None else out
    np.divide(z, 6, out=out)
    out += 0.5
    np.clip(out, 0, 1, out=out)


def _hard_sigmoid_derivative(gradient: np.ndarray, output: np.ndarray) -> None:
    gradient *= ((output > 0) & (output < 1)) / np.asarray(6, dtype=gradient.dtype)


# The activations the sequence ops compute themselves (Keras 3's definitions);
# a layer with any other activation runs its cell step by step instead.
ACTIVATIONS: dict[str, _Activation] = {
    "tanh": _Activation(_tanh, _tanh_derivative),
    "sigmoid": _Activation(_sigmoid, _sigmoid_derivative),
    "relu": _Activation(_relu, _relu_derivative),
    "linear": _Activation(_linear, _linear_derivative),
    "hard_sigmoid": _Activation(_hard_sigmoid, _hard_sigmoid_derivative),
}


class _GateBlock:
    """Activations of gates lying side by side in one array, ``units`` columns each.

    ``names`` gives each gate's activation. When the gates mix sigmoid with
    tanh (an LSTM's i, f, c, o), the whole block goes through the sigmoid at
    once, over contiguous memory, the tanh gates having been computed aside
    and put back; the derivative likewise, ``y - y ** 2`` over the block then
    ``1 - y ** 2`` for the tanh gates. That is far fewer passes than one per
    gate over strided column slices. Other mixes are applied run by run.
    """

    def __init__(self, names: list, units: int) -> None:
        self.runs = []
        for index, name in enumerate(names):
            if self.runs and self.runs[-1][2] is ACTIVATIONS[name]:
                self.runs[-1][1] = (index + 1) * units
            else:
                self.runs.append([index * units, (index + 1) * units, ACTIVATIONS[name]])
        self.fused = len(self.runs) > 1 and set(names) == {"tanh", "sigmoid"}
        self.tanh_slices = [
            slice(start, stop)
            for start, stop, activation in self.runs
            if activation is ACTIVATIONS["tanh"]
        ]

    def apply(self, z: np.ndarray) -> None:
        if not self.fused:
            for start, stop, activation in self.runs:
                activation.apply(z[:, start:stop])
            return
        aside = [np.tanh(z[:, columns]) for columns in self.tanh_slices]
        _sigmoid(z)
        for columns, values in zip(self.tanh_slices, aside, strict=True):
            z[:, columns] = values

    def scale_by_derivative(self, gradient: np.ndarray, output: np.ndarray) -> None:
        if not self.fused:
            for start, stop, activation in self.runs:
                activation.scale_by_derivative(gradient[:, start:stop], output[:, start:stop])
            return
        factor = output * output
        np.subtract(output, factor, out=factor)
        for columns in self.tanh_slices:
            np.subtract(1, np.square(output[:, columns]), out=factor[:, columns])
        gradient *= factor


def _activation(name: str, argument: str) -> _Activation:
    checks.check_activation_name(name, argument, ACTIVATIONS)
    return ACTIVATIONS[name]


# ---------------------------------------------------------------- shared steps


class _Scan:
    """One scan's inputs, read time-major in the order processed, and what it keeps.

    The inputs' projection is always computed for all steps at once (one
    matrix product). The other per-step intermediates (states, activated
    cells) are all kept only while a gradient tape records, since the
    gradient reads them; otherwise a few buffers are reused step after step.
    """

    # Set by weights(): the kernels, converted, and the number of units.
    kernel: np.ndarray
    recurrent_kernel: np.ndarray
    units: int

    def __init__(self, op: str, inputs, mask, go_backwards: bool, return_sequences: bool, others):
        x = unwrap(inputs)
        self.op = op
        self.batch, self.timesteps, self.features = checks.sequence_dimensions(op, np.shape(x))
        self.dtype = np.result_type(x, *[unwrap(value) for value in others if value is not None])
        self.go_backwards = go_backwards
        self.return_sequences = return_sequences
        self.saving = bool(autodiff._recording)
        # (timesteps * batch, features) in processing order: one matrix product
        # projects every step at once (far faster than one small product per
        # step on strided rows), and the kernel's gradient reads it again.
        time_major = x.astype(self.dtype, copy=False).transpose(1, 0, 2)
        if go_backwards:
            time_major = time_major[::-1]
        self.flat = np.ascontiguousarray(time_major).reshape(self.timesteps * self.batch, -1)
        self.keep = None  # (timesteps, batch, 1) booleans in processing order
        if mask is not None:
            mask = np.asarray(unwrap(mask)).astype(bool, copy=False)
            checks.check_mask_shape(op, mask.shape, self.batch, self.timesteps)
            keep = mask.T[::-1] if go_backwards else mask.T
            self.keep = np.ascontiguousarray(keep)[:, :, None]

    def state(self, value, units: int, name: str) -> np.ndarray:
        array = np.asarray(unwrap(value), dtype=self.dtype)
        checks.check_state_shape(self.op, name, array.shape, self.batch, units)
        return array

    def weights(self, kernel, recurrent_kernel, bias, gates: int) -> tuple:
        """``(kernel, recurrent_kernel, bias, units)`` checked and converted.

        The scan keeps the kernels and ``units`` too: its gradient reads them.
        """
        kernel = np.asarray(unwrap(kernel), dtype=self.dtype)
        recurrent_kernel = np.asarray(unwrap(recurrent_kernel), dtype=self.dtype)
        units = checks.recurrent_units(
            self.op, kernel.shape, recurrent_kernel.shape, self.features, gates
        )
        bias = None if bias is None else np.asarray(unwrap(bias), dtype=self.dtype)
        self.kernel, self.recurrent_kernel, self.units = kernel, recurrent_kernel, units
        return kernel, recurrent_kernel, bias, units

    def slots(self, count: int, shape: tuple, reused: int) -> _Slots:
        """``count`` per-step arrays while saving, else ``reused`` buffers taken in turn."""
        return _Slots(count if self.saving else reused, shape, self.dtype)

    def history(self, initial: np.ndarray, keep_all: bool = False) -> _Slots:
        """A state after each step (index 0 the initial one): all kept, or the last two."""
        steps = self.timesteps + 1 if keep_all or self.saving else 2
        history = _Slots(steps, initial.shape, self.dtype)
        history[0] = initial
        return history

    def outputs(self, states: _Slots, zero_output_for_mask: bool) -> np.ndarray:
        """The op's first result from the states after each step: every output, or the last."""
        zeroed = self.keep is not None and zero_output_for_mask
        if not self.return_sequences:
            last = states[self.timesteps]
            return last * self.keep[-1] if zeroed else last.copy()
        outputs = states.values[1:]
        if zeroed:
            outputs = outputs * self.keep
        return np.ascontiguousarray(outputs.transpose(1, 0, 2))

    def output_gradients(self, upstream) -> tuple:
        """``(gradient of each step's output or None, gradients of the final states)``."""
        outputs, *states = upstream
        per_step: list = [None] * self.timesteps
        if outputs is not None:
            outputs = np.asarray(outputs, dtype=self.dtype)
            if self.return_sequences:
                per_step = list(outputs.transpose(1, 0, 2))
            else:
                per_step[-1] = outputs
        states = [
            np.zeros((self.batch, self.units), self.dtype)
            if state is None
            else np.array(state, dtype=self.dtype, copy=True)
            for state in states
        ]
        return per_step, states

    def split_state_gradient(
        self, gradient: np.ndarray, step: int, output_gradient, zero_output_for_mask: bool
    ) -> tuple:
        """``(into the step's new state, passed straight to the previous state)``.

        Without a mask the whole gradient goes into the new state. At a
        masked step the previous state was carried (and, unless outputs are
        zeroed, also output), so the gradient passes to it instead.
        """
        total = gradient if output_gradient is None else gradient + output_gradient
        if self.keep is None:
            return total, None
        kept = self.keep[step]
        carried = gradient if zero_output_for_mask else total
        return total * kept, carried * ~kept

    def input_gradients(
        self, arguments: dict, needs: dict, projection_gradient: np.ndarray
    ) -> dict:
        """Gradients of ``inputs`` and ``kernel`` from that of the inputs' projection."""
        flat = projection_gradient.reshape(self.timesteps * self.batch, -1)
        result = {}
        if needs["kernel"]:
            result["kernel"] = _like(self.flat.T @ flat, arguments["kernel"])
        if needs["inputs"]:
            time_major = (flat @ self.kernel.T).reshape(self.timesteps, self.batch, -1)
            if self.go_backwards:
                time_major = time_major[::-1]
            result["inputs"] = _like(time_major.transpose(1, 0, 2), arguments["inputs"])
        return result


class _Slots:
    """Per-step arrays stored in one block; step ``t`` uses slot ``t % len(block)``."""

    def __init__(self, count: int, shape: tuple, dtype) -> None:
        self.values = np.empty((count, *shape), dtype)
        self._count = count

    def __getitem__(self, step: int) -> np.ndarray:
        return self.values[step % self._count]

    def __setitem__(self, step: int, value) -> None:
        self.values[step % self._count] = value


class _Projection:
    """``inputs @ kernel + bias`` of every step, from one matrix product.

    Step ``t``'s rows are ``projection[t]``; the ops activate them in place,
    and while a tape records the gradient reads them back (``all``).
    """

    def __init__(self, scan: _Scan, kernel: np.ndarray, bias) -> None:
        projected = scan.flat @ kernel
        if bias is not None:
            projected += bias
        self.all = projected.reshape(scan.timesteps, scan.batch, kernel.shape[1])

    def __getitem__(self, step: int) -> np.ndarray:
        return self.all[step]


def _carry_where_masked(new: np.ndarray, previous: np.ndarray, scan: _Scan, step: int) -> None:
    """Where a sample's step is masked, put its previous state back into ``new``."""
    if scan.keep is not None:
        np.copyto(new, previous, where=~scan.keep[step])


def _result(
    scan: _Scan, zero_output_for_mask: bool, hs: _Slots, *final_states: np.ndarray, **saved
) -> SequenceResult:
    """The op's arrays, ``(outputs, final h, *final_states)``, from the states ``hs``.

    While a tape records, their ``saved`` holds what the gradient reads: the
    scan, every state in ``hs``, and the op's own intermediates ``saved``.
    """
    arrays = (scan.outputs(hs, zero_output_for_mask), hs[scan.timesteps], *final_states)
    result = SequenceResult(arrays)
    result.saved = {"scan": scan, "hs": hs.values, **saved} if scan.saving else {}
    return result


def _transposed(matrix: np.ndarray) -> np.ndarray:
    """``matrix.T`` laid out contiguously: the step-by-step products run faster on it."""
    return np.ascontiguousarray(matrix.T)


def _like(gradient: np.ndarray, reference) -> np.ndarray:
    """``gradient`` contiguous and in the dtype of the input it belongs to."""
    dtype = np.asarray(unwrap(reference)).dtype
    return np.ascontiguousarray(gradient, dtype=dtype)


def _dense_step_gradients(
    scan: _Scan,
    arguments: dict,
    needs: dict,
    gradient: np.ndarray,
    hs: np.ndarray,
    **initial_states: np.ndarray,
) -> dict:
    """The gradients of an op whose every step sums ``x @ kernel + h @ recurrent_kernel + bias``.

    ``gradient`` is that of the sum at each step (an LSTM's gates, a simple
    RNN's pre-activation), ``hs`` the states from the initial one on, and
    ``initial_states`` the gradients that reached the initial states
    (``initial_h=dh``).
    """
    result = scan.input_gradients(arguments, needs, gradient)
    flat = gradient.reshape(scan.timesteps * scan.batch, -1)
    if needs["recurrent_kernel"]:
        previous = hs[:-1].reshape(flat.shape[0], -1)
        result["recurrent_kernel"] = _like(previous.T @ flat, arguments["recurrent_kernel"])
    if needs["bias"]:
        result["bias"] = _like(flat.sum(axis=0), arguments["bias"])
    return _with_initial_state_gradients(result, arguments, needs, **initial_states)


def _with_initial_state_gradients(
    result: dict, arguments: dict, needs: dict, **gradients: np.ndarray
) -> dict:
    """``result`` plus the gradient of each initial state that needs one (``initial_h=dh``)."""
    for name, gradient in gradients.items():
        if needs[name]:
            result[name] = _like(gradient, arguments[name])
    return result


# ------------------------------------------------------------------------ LSTM


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
) -> SequenceResult:
    """An LSTM over the whole sequence: ``(outputs, final_h, final_c)``.

    ``kernel`` is ``(features, 4 * units)``, ``recurrent_kernel``
    ``(units, 4 * units)`` and ``bias`` ``(4 * units,)``, gates in Keras's
    order i, f, c, o. Each step computes ``z = x @ kernel + h @
    recurrent_kernel + bias``, ``c = f * c + i * activation(z_c)`` and
    ``h = o * activation(c)``, the gates i, f, o through
    ``recurrent_activation``. The outputs are the ``h`` of each step, or of
    the last step only without ``return_sequences``.
    """
    act = _activation(activation, "activation")
    _activation(recurrent_activation, "recurrent_activation")
    others = (initial_h, initial_c, kernel, recurrent_kernel, bias)
    scan = _Scan("lstm_sequence", inputs, mask, go_backwards, return_sequences, others)
    kernel, recurrent_kernel, bias, units = scan.weights(kernel, recurrent_kernel, bias, 4)
    shape = (scan.batch, units)
    gate_block = _lstm_gate_block(activation, recurrent_activation, units)
    gates = _Projection(scan, kernel, bias)  # activated in place, step by step
    hs = scan.history(scan.state(initial_h, units, "initial_h"), keep_all=return_sequences)
    cs = scan.history(scan.state(initial_c, units, "initial_c"))
    activated_cells = scan.slots(scan.timesteps, shape, reused=1)
    recurrent = np.empty((scan.batch, 4 * units), scan.dtype)
    two, three = 2 * units, 3 * units
    for t in range(scan.timesteps):
        z = gates[t]
        np.matmul(hs[t], recurrent_kernel, out=recurrent)
        z += recurrent
        gate_block.apply(z)
        c, activated = cs[t + 1], activated_cells[t]
        np.multiply(z[:, units:two], cs[t], out=c)
        c += z[:, :units] * z[:, two:three]
        act.apply(c, activated)
        np.multiply(z[:, three:], activated, out=hs[t + 1])
        _carry_where_masked(c, cs[t], scan, t)
        _carry_where_masked(hs[t + 1], hs[t], scan, t)
    return _result(
        scan,
        zero_output_for_mask,
        hs,
        cs[scan.timesteps],
        gates=gates.all,
        cs=cs.values,
        activated_cells=activated_cells.values,
    )


def _lstm_gate_block(activation: str, recurrent_activation: str, units: int) -> _GateBlock:
    """The LSTM's gates i, f, c, o: the cell candidate through ``activation``."""
    names = [recurrent_activation, recurrent_activation, activation, recurrent_activation]
    return _GateBlock(names, units)


def lstm_sequence_gradient(upstream, output, arguments, needs) -> dict:
    saved = output.saved
    scan: _Scan = saved["scan"]
    gates, hs, cs, activated_cells = (
        saved["gates"],
        saved["hs"],
        saved["cs"],
        saved["activated_cells"],
    )
    act = ACTIVATIONS[arguments["activation"]]
    zero_output = arguments["zero_output_for_mask"]
    units = scan.units
    two, three = 2 * units, 3 * units
    gate_block = _lstm_gate_block(arguments["activation"], arguments["recurrent_activation"], units)
    output_gradients, (dh, dc) = scan.output_gradients(upstream)
    gates_gradient = np.empty_like(gates)
    transposed = _transposed(scan.recurrent_kernel)
    for t in range(scan.timesteps - 1, -1, -1):
        dh_new, dh_carried = scan.split_state_gradient(dh, t, output_gradients[t], zero_output)
        if scan.keep is not None:
            dc_carried = dc * ~scan.keep[t]
            dc *= scan.keep[t]
        z, dz, activated = gates[t], gates_gradient[t], activated_cells[t]
        # h = o * act(c)
        np.multiply(dh_new, activated, out=dz[:, three:])
        cell_part = dh_new * z[:, three:]
        act.scale_by_derivative(cell_part, activated)
        dc += cell_part
        # c = f * c_prev + i * g
        np.multiply(dc, z[:, two:three], out=dz[:, :units])
        np.multiply(dc, cs[t], out=dz[:, units:two])
        np.multiply(dc, z[:, :units], out=dz[:, two:three])
        dc *= z[:, units:two]
        gate_block.scale_by_derivative(dz, z)
        dh = dz @ transposed
        if scan.keep is not None:
            dh += dh_carried
            dc += dc_carried
    return _dense_step_gradients(
        scan, arguments, needs, gates_gradient, hs, initial_h=dh, initial_c=dc
    )


# ------------------------------------------------------------------------- GRU


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
) -> SequenceResult:
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
    gate_act = _activation(recurrent_activation, "recurrent_activation")
    others = (initial_h, kernel, recurrent_kernel, bias)
    scan = _Scan("gru_sequence", inputs, mask, go_backwards, return_sequences, others)
    kernel, recurrent_kernel, bias, units = scan.weights(kernel, recurrent_kernel, bias, 3)
    input_bias, recurrent_bias = bias, None
    if bias is not None and reset_after:
        checks.check_reset_after_bias(bias.shape, units)
        input_bias, recurrent_bias = bias[0], bias[1]
    two = 2 * units
    gates = _Projection(scan, kernel, input_bias)  # becomes z, r, hh in place
    hs = scan.history(scan.state(initial_h, units, "initial_h"), keep_all=return_sequences)
    # With reset_after, h @ U_h + b_h of each step; otherwise r * h of each step.
    reset_inputs = scan.slots(scan.timesteps, (scan.batch, units), reused=1)
    recurrent = np.empty((scan.batch, 3 * units if reset_after else two), scan.dtype)
    gate_kernel, candidate_kernel = recurrent_kernel[:, :two], recurrent_kernel[:, two:]
    for t in range(scan.timesteps):
        z, h, reset_input = gates[t], hs[t], reset_inputs[t]
        if reset_after:
            np.matmul(h, recurrent_kernel, out=recurrent)
            if recurrent_bias is not None:
                recurrent += recurrent_bias
            z[:, :two] += recurrent[:, :two]
            gate_act.apply(z[:, :two])
            np.copyto(reset_input, recurrent[:, two:])
            z[:, two:] += z[:, units:two] * reset_input
        else:
            np.matmul(h, gate_kernel, out=recurrent)
            z[:, :two] += recurrent
            gate_act.apply(z[:, :two])
            np.multiply(z[:, units:two], h, out=reset_input)
            z[:, two:] += reset_input @ candidate_kernel
        act.apply(z[:, two:])
        # h_new = hh + update * (h - hh)
        new = hs[t + 1]
        np.subtract(h, z[:, two:], out=new)
        new *= z[:, :units]
        new += z[:, two:]
        _carry_where_masked(new, h, scan, t)
    return _result(
        scan, zero_output_for_mask, hs, gates=gates.all, reset_inputs=reset_inputs.values
    )


def gru_sequence_gradient(upstream, output, arguments, needs) -> dict:
    saved = output.saved
    scan: _Scan = saved["scan"]
    gates, hs, reset_inputs = saved["gates"], saved["hs"], saved["reset_inputs"]
    act = ACTIVATIONS[arguments["activation"]]
    gate_act = ACTIVATIONS[arguments["recurrent_activation"]]
    zero_output, reset_after = arguments["zero_output_for_mask"], arguments["reset_after"]
    units = scan.units
    two = 2 * units
    output_gradients, (dh,) = scan.output_gradients(upstream)
    input_side = np.empty_like(gates)  # gradient of x @ kernel + input bias
    # With reset_after, the gradient of h @ U + recurrent bias.
    recurrent_side = np.empty_like(gates) if reset_after else None
    transposed = _transposed(scan.recurrent_kernel)
    for t in range(scan.timesteps - 1, -1, -1):
        dh_new, dh_carried = scan.split_state_gradient(dh, t, output_gradients[t], zero_output)
        z, dx = gates[t], input_side[t]
        update, reset, candidate, h = z[:, :units], z[:, units:two], z[:, two:], hs[t]
        # h_new = update * h + (1 - update) * candidate
        np.multiply(dh_new, h - candidate, out=dx[:, :units])
        np.subtract(dh_new, dh_new * update, out=dx[:, two:])
        dh = dh_new * update
        act.scale_by_derivative(dx[:, two:], candidate)
        if reset_after:
            dr = recurrent_side[t]
            np.multiply(dx[:, two:], reset_inputs[t], out=dx[:, units:two])
            gate_act.scale_by_derivative(dx[:, :two], z[:, :two])
            np.copyto(dr[:, :two], dx[:, :two])
            np.multiply(dx[:, two:], reset, out=dr[:, two:])
            dh += dr @ transposed
        else:
            reset_gradient = dx[:, two:] @ transposed[two:]  # of r * h
            np.multiply(reset_gradient, h, out=dx[:, units:two])
            dh += reset_gradient * reset
            gate_act.scale_by_derivative(dx[:, :two], z[:, :two])
            dh += dx[:, :two] @ transposed[:two]
        if scan.keep is not None:
            dh += dh_carried
    result = scan.input_gradients(arguments, needs, input_side)
    steps_by_batch = scan.timesteps * scan.batch
    previous = hs[:-1].reshape(steps_by_batch, units)
    input_flat = input_side.reshape(steps_by_batch, 3 * units)
    if needs["recurrent_kernel"]:
        if reset_after:
            gradient = previous.T @ recurrent_side.reshape(steps_by_batch, 3 * units)
        else:
            gradient = np.concatenate(
                [
                    previous.T @ input_flat[:, :two],
                    reset_inputs.reshape(steps_by_batch, units).T @ input_flat[:, two:],
                ],
                axis=1,
            )
        result["recurrent_kernel"] = _like(gradient, arguments["recurrent_kernel"])
    if needs["bias"]:
        gradient = input_flat.sum(axis=0)
        if reset_after:
            recurrent_bias = recurrent_side.reshape(steps_by_batch, 3 * units).sum(axis=0)
            gradient = np.stack([gradient, recurrent_bias])
        result["bias"] = _like(gradient, arguments["bias"])
    return _with_initial_state_gradients(result, arguments, needs, initial_h=dh)


# ------------------------------------------------------------------ simple RNN


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
) -> SequenceResult:
    """A fully-connected RNN over the whole sequence: ``(outputs, final_h)``.

    Each step computes ``h = activation(x @ kernel + h @ recurrent_kernel +
    bias)``, with ``kernel`` ``(features, units)`` and ``recurrent_kernel``
    ``(units, units)``.
    """
    act = _activation(activation, "activation")
    others = (initial_h, kernel, recurrent_kernel, bias)
    scan = _Scan("simple_rnn_sequence", inputs, mask, go_backwards, return_sequences, others)
    kernel, recurrent_kernel, bias, units = scan.weights(kernel, recurrent_kernel, bias, 1)
    projected = _Projection(scan, kernel, bias)  # holds the activated value of each step
    hs = scan.history(scan.state(initial_h, units, "initial_h"), keep_all=return_sequences)
    for t in range(scan.timesteps):
        new, step = hs[t + 1], projected[t]
        np.matmul(hs[t], recurrent_kernel, out=new)
        step += new
        act.apply(step, new)
        if scan.saving:
            np.copyto(step, new)
        _carry_where_masked(new, hs[t], scan, t)
    return _result(scan, zero_output_for_mask, hs, activated=projected.all)


def simple_rnn_sequence_gradient(upstream, output, arguments, needs) -> dict:
    saved = output.saved
    scan: _Scan = saved["scan"]
    activated, hs = saved["activated"], saved["hs"]
    act = ACTIVATIONS[arguments["activation"]]
    zero_output = arguments["zero_output_for_mask"]
    output_gradients, (dh,) = scan.output_gradients(upstream)
    pre_activation = np.empty_like(activated)
    transposed = _transposed(scan.recurrent_kernel)
    for t in range(scan.timesteps - 1, -1, -1):
        dh_new, dh_carried = scan.split_state_gradient(dh, t, output_gradients[t], zero_output)
        da = pre_activation[t]
        np.copyto(da, dh_new)
        act.scale_by_derivative(da, activated[t])
        dh = da @ transposed
        if scan.keep is not None:
            dh += dh_carried
    return _dense_step_gradients(scan, arguments, needs, pre_activation, hs, initial_h=dh)


# ---------------------------------------------------------------------- tables

GRADIENTS: dict = {
    "lstm_sequence": (
        lstm_sequence_gradient,
        ("inputs", "initial_h", "initial_c", "kernel", "recurrent_kernel", "bias"),
    ),
    "gru_sequence": (
        gru_sequence_gradient,
        ("inputs", "initial_h", "kernel", "recurrent_kernel", "bias"),
    ),
    "simple_rnn_sequence": (
        simple_rnn_sequence_gradient,
        ("inputs", "initial_h", "kernel", "recurrent_kernel", "bias"),
    ),
}
