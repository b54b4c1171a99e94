"""Shape and mask inference by probing a layer's ``call`` on tiny arrays."""

from __future__ import annotations

import pytest

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers
from graphkeras.engine.call_arguments import CallArguments
from graphkeras.engine.keras_tensor import KerasTensor
from graphkeras.engine.probing import is_probing, merge_probe_leaves, probe, probe_array


class FirstHalf(layers.Layer):
    """The first half of the last axis; no compute_output_shape, so the engine probes."""

    def call(self, inputs):
        return inputs[..., : inputs.shape[-1] // 2]


class RecordsProbing(layers.Layer):
    """Identity that notes, on each run of ``call``, whether a probe is running."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seen: list[bool] = []

    def call(self, inputs):
        self.seen.append(is_probing())
        self.add_loss(K.sum(inputs))
        return inputs


class MaskAboveZero(layers.Layer):
    """Identity whose mask keeps the timesteps with a positive first feature."""

    def call(self, inputs, mask=None):
        return inputs

    def compute_mask(self, inputs, mask=None):
        return K.greater(inputs[..., 0], 0)


def test_probe_keeps_known_dims_and_leaves_the_unknown_batch_unknown():
    outputs, masks = probe(FirstHalf(), CallArguments(KerasTensor((None, 8))), want_masks=False)
    assert outputs.shape == (None, 4)
    assert outputs.dtype == "float32"
    assert masks is None


def test_probe_of_masks_gives_one_detached_mask_per_leaf():
    layer = MaskAboveZero()
    _, masks = probe(layer, CallArguments(KerasTensor((None, 5, 3))), want_masks=True)
    assert [mask.shape for mask in masks] == [(None, 5)]
    assert masks[0].dtype == "bool" and masks[0]._keras_history is None


def test_probe_runs_call_under_the_probing_guard_and_drops_its_losses():
    layer = RecordsProbing()
    layer(gk.Input((3,)))
    assert layer.seen and all(layer.seen)
    assert layer.losses == []
    assert not is_probing()


def test_probe_array_is_zeros_of_the_shape_with_unknown_dims_set():
    array = probe_array(KerasTensor((None, 4), dtype="int32"), size=3)
    assert K.int_shape(array) == (3, 4) and K.dtype(array) == "int32"
    assert not K.any(array)


def test_boolean_probe_array_is_all_true():
    assert K.all(probe_array(KerasTensor((None, 2), dtype="bool"), size=2))


def test_merged_dim_that_differs_between_runs_is_unknown():
    runs = [[K.zeros((2, 7))], [K.zeros((3, 7))]]
    [merged] = merge_probe_leaves(runs, "layer")
    assert merged.shape == (None, 7)


def test_output_rank_that_depends_on_an_unknown_dim_is_refused():
    runs = [[K.zeros((2, 7))], [K.zeros((3, 7, 1))]]
    with pytest.raises(ValueError, match="'layer'.*define compute_output_shape"):
        merge_probe_leaves(runs, "layer")
