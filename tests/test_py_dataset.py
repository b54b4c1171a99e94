"""``gk.utils.PyDataset`` (and its Keras 2 name ``Sequence``), as Keras 3's base class."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import graphkeras as gk
from graphkeras.utils import PyDataset


class Batches(PyDataset):
    """``count`` batches of two rows; batch ``i`` holds ``i``."""

    def __init__(self, count, **kwargs):
        super().__init__(**kwargs)
        self.count = count
        self.epochs_begun = 0

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        return np.full((2, 1), index, dtype="float32"), np.zeros((2,), dtype="float32")

    def on_epoch_begin(self):
        self.epochs_begun += 1


class Endless(PyDataset):
    @property
    def num_batches(self):
        return None

    def __getitem__(self, index):
        return index


def test_the_settings_default_as_keras_3s_and_can_be_set():
    dataset = Batches(3)
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (1, False, 10)
    dataset = Batches(3, workers=4, use_multiprocessing=True, max_queue_size=2)
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (4, True, 2)
    dataset.workers = 2
    assert dataset.workers == 2


def test_iterating_yields_every_batch_in_order_and_num_batches_is_the_length():
    dataset = Batches(3)
    assert dataset.num_batches == 3 and len(dataset) == 3
    assert [int(x[0, 0]) for x, _ in dataset] == [0, 1, 2]


def test_an_endless_dataset_iterates_without_end():
    assert list(itertools.islice(Endless(), 5)) == [0, 1, 2, 3, 4]
    assert bool(Endless())


def test_the_epoch_hooks_do_nothing_unless_overridden():
    dataset = Batches(1)
    dataset.on_epoch_begin()
    assert dataset.on_epoch_end() is None and dataset.epochs_begun == 1


def test_a_subclass_without_getitem_or_len_raises_not_implemented():
    class Empty(PyDataset):
        pass

    dataset = Empty()
    with pytest.raises(NotImplementedError, match=r"Empty must implement __getitem__"):
        dataset[0]
    with pytest.raises(NotImplementedError, match=r"__len__\(\).*num_batches"):
        len(dataset)
    with pytest.raises(NotImplementedError, match="num_batches"):
        _ = dataset.num_batches


def test_a_subclass_that_skips_super_init_gets_the_defaults_with_a_warning():
    class Forgetful(PyDataset):
        def __init__(self):
            pass

    dataset = Forgetful()
    with pytest.warns(UserWarning, match=r"super\(\).__init__"):
        assert dataset.workers == 1
    assert dataset.max_queue_size == 10


@pytest.mark.parametrize("argument", ["workers", "max_queue_size"])
def test_a_negative_or_non_integer_setting_is_refused_naming_it(argument):
    for value in (-1, 1.5, True):
        with pytest.raises(ValueError, match=f"`{argument}` must be an int >= 0"):
            Batches(1, **{argument: value})


def test_sequence_is_the_same_class():
    assert gk.utils.Sequence is PyDataset
