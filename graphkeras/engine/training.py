"""Model: a Network with the routines that use it on data (predict now, fit later).

``Model(inputs, outputs)`` is the functional API's model: everything about
the graph comes from :class:`Network`; this class adds the loops over data.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine import call_context
from graphkeras.engine.input_spec import assert_input_compatibility
from graphkeras.engine.layer_registry import register_layer
from graphkeras.engine.network import Network
from graphkeras.utils.progbar import Progbar


@register_layer(aliases=("Functional",))
class Model(Network):
    """A functional model: ``Model(inputs, outputs, name=None)``.

    >>> x = Input(shape=(4,))
    >>> model = Model(x, layers.Dense(2)(x))
    >>> model.predict(np.ones((3, 4))).shape
    (3, 2)
    """

    def predict(self, x, batch_size: int = 32, verbose=0):
        """Outputs for ``x`` computed ``batch_size`` rows at a time, in inference mode.

        ``x`` is an array, a list of arrays (one per input) or a dict keyed by
        input name; the result has the structure of the model's outputs.
        ``verbose=1`` draws a progress bar, ``2`` one line at the end, ``0`` nothing.
        """
        if batch_size is None:
            batch_size = 32
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(
                f"predict: batch_size must be a positive int, received {batch_size!r}."
            )
        if not self._is_graph_network:
            return self._predict_subclassed(x, batch_size)
        values = self._flatten_inputs(x)
        values = [
            K.convert_to_tensor(value, dtype=tensor.dtype)
            for value, tensor in zip(values, self.inputs, strict=True)
        ]
        assert_input_compatibility(self._input_specs, values, self.name)
        rows = _common_length(values, self.name)
        batches: list[list] = [[] for _ in self.outputs]
        steps = max(1, -(-rows // batch_size))
        progress = Progbar(steps, verbose=1 if verbose == "auto" else int(verbose))
        with call_context.training_scope(False):
            for number, start in enumerate(range(0, max(rows, 1), batch_size)):
                batch = [value[start : start + batch_size] for value in values]
                outputs, _ = self._plan.run(batch, False)
                for collected, output in zip(batches, outputs, strict=True):
                    collected.append(output)
                progress.update(number + 1)
        joined = [K.concatenate(parts, axis=0) if len(parts) > 1 else parts[0] for parts in batches]
        return self._pack_outputs(joined)

    def predict_on_batch(self, x):
        """Outputs for one batch ``x``, in inference mode."""
        return self(x, training=False)

    def _predict_subclassed(self, x, batch_size: int):
        rows = _common_length(x if isinstance(x, (list, tuple)) else [x], self.name)
        parts = []
        for start in range(0, rows, batch_size):
            batch = (
                [value[start : start + batch_size] for value in x]
                if isinstance(x, (list, tuple))
                else x[start : start + batch_size]
            )
            parts.append(self(batch, training=False))
        return K.concatenate(parts, axis=0)


def _common_length(values: list, model_name: str) -> int:
    lengths = {K.int_shape(value)[0] for value in values}
    if len(lengths) != 1:
        raise ValueError(
            f"Model '{model_name}': all inputs must have the same number of rows; "
            f"received lengths {sorted(lengths)}."
        )
    return lengths.pop()
