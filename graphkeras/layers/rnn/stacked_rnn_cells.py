"""StackedRNNCells: several recurrent cells acting as one, each feeding the next.

At every timestep the first cell reads the step's input, and each later
cell reads the output of the one before; the states are one entry per cell
(each entry that cell's own state or list of states). ``RNN([cell_a,
cell_b])`` wraps its list of cells in one of these, which runs a deep RNN in
a single scan.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.base_layer import Layer
from graphkeras.engine.call_signature import call_signature
from graphkeras.engine.layer_registry import deserialize_layer, register_layer, serialize_layer


@register_layer
class StackedRNNCells(Layer):
    """A list of cells run in sequence at each step; states are one entry per cell."""

    def __init__(self, cells, **kwargs) -> None:
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError(
                f"StackedRNNCells '{self.name}': cells must list at least one cell, received []."
            )
        for cell in cells:
            if (
                not callable(getattr(cell, "call", None))
                or getattr(cell, "state_size", None) is None
            ):
                raise ValueError(
                    f"StackedRNNCells '{self.name}': every cell needs a call method and a "
                    f"state_size attribute, received {cell!r}."
                )
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None) -> list:
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                states.append(make(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(K.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append(
                    [
                        K.zeros((batch_size, size), dtype=self.compute_dtype)
                        for size in cell.state_size
                    ]
                )
        return states

    def build(self, input_shape) -> None:
        batch = input_shape[0]
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(tuple(input_shape))
                cell.built = True
                cell._build_input_shape = tuple(input_shape)
            input_shape = (batch, _output_size(cell))
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states, strict=True):
            was_list = isinstance(cell_states, (list, tuple))
            cell_states = list(cell_states) if was_list else [cell_states]
            kwargs = {}
            if isinstance(cell, Layer) and call_signature(type(cell).call)[0]:
                kwargs["training"] = training
            inputs, cell_states = cell(inputs, cell_states, **kwargs)
            if not isinstance(cell_states, (list, tuple)):
                cell_states = [cell_states]
            new_states.append(list(cell_states) if was_list else cell_states[0])
        return inputs, new_states

    def get_config(self) -> dict:
        return {**super().get_config(), "cells": [serialize_layer(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        cells = [deserialize_layer(cell, custom_objects) for cell in config.pop("cells")]
        return cls(cells, **config)


def _output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    return cell.state_size[0] if isinstance(cell.state_size, (list, tuple)) else cell.state_size
