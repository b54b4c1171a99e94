"""The backend-neutral modules both backends share (``graphkeras/backend/common``).

They hold the argument checks, shape arithmetic and bookkeeping written once
for every backend, so they must stay neutral: no backend, no array library
beyond numpy, nothing of graphkeras but the backend's config and interface.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from graphkeras.backend.common import (
    convolution_geometry,
    pool_geometry,
    recurrent_arguments,
    slice_boxes,
)
from graphkeras.backend.common.nested_values import leaves
from graphkeras.backend.common.operator_methods import OperatorMethods, operator_ops
from graphkeras.backend.common.pad_widths import pad_widths

COMMON = Path(__file__).resolve().parent.parent / "graphkeras" / "backend" / "common"
ALLOWED = {"graphkeras.backend.config", "graphkeras.backend.interface"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "graphkeras.backend":
                modules.update(f"graphkeras.backend.{alias.name}" for alias in node.names)
            else:
                modules.add(node.module)
    return modules


@pytest.mark.parametrize("path", sorted(COMMON.glob("*.py")), ids=lambda path: path.name)
def test_a_common_module_imports_only_config_interface_or_common(path):
    outside = {
        module
        for module in imported_modules(path)
        if module.split(".")[0] in ("graphkeras", "jax", "jaxlib")
        and module not in ALLOWED
        and not module.startswith("graphkeras.backend.common")
    }
    assert outside == set()


def test_same_padding_gives_ceil_outputs_and_puts_the_extra_pad_after():
    geometry = convolution_geometry.conv_geometry("conv", (1, 7, 3), (4,), 2, "same", None, 1)
    assert geometry.output_spatial == (4,)
    assert geometry.pads == ((1, 2),)


def test_causal_padding_is_all_before_the_start():
    geometry = convolution_geometry.conv_geometry("conv", (1, 5, 3), (3,), 1, "causal", None, 2)
    assert geometry.pads == ((4, 0),)
    assert geometry.output_spatial == (5,)


def test_transposed_valid_output_is_size_times_stride_plus_the_extra_kernel():
    geometry = convolution_geometry.transpose_geometry((1, 4, 2), (3,), 2, "valid", None, None, 1)
    assert geometry.output_spatial == ((4 - 1) * 2 + 3,)
    assert geometry.input_spatial == (4,)


def test_group_count_names_both_mismatches():
    assert convolution_geometry.group_count("conv", 6, (3, 2, 9)) == 3
    with pytest.raises(ValueError, match="multiple of the kernel's in_channels"):
        convolution_geometry.group_count("conv", 6, (3, 4, 8))
    with pytest.raises(ValueError, match="filters must be a multiple of the 3 groups"):
        convolution_geometry.group_count("conv", 6, (3, 2, 8))


def test_pool_same_padding_covers_every_axis_of_the_input():
    geometry = pool_geometry.pool_geometry((2, 5, 5, 3), 2, None, "same", "channels_last")
    assert geometry.axes == (1, 2)
    assert geometry.strides == (2, 2)
    assert geometry.pads == ((0, 0), (0, 1), (0, 1), (0, 0))


def test_pad_widths_broadcast_one_pair_to_every_axis_and_refuse_negatives():
    assert pad_widths((1, 2), 3) == ((1, 2), (1, 2), (1, 2))
    with pytest.raises(ValueError, match="must not be negative"):
        pad_widths(-1, 2)


def test_a_box_size_of_minus_one_runs_to_the_end_of_the_axis():
    assert slice_boxes.box_slices("slice", (4, 5), [1, 2], (-1, 2)) == (slice(1, 4), slice(2, 4))
    with pytest.raises(ValueError, match="does not fit on axis 1"):
        slice_boxes.box_slices("slice", (4, 5), [0, 4], (1, 2))


def test_recurrent_units_come_from_the_recurrent_kernel():
    assert recurrent_arguments.recurrent_units("lstm_sequence", (3, 8), (2, 8), 3, 4) == 2
    with pytest.raises(ValueError, match=r"kernel \(features, 4 \* units\)"):
        recurrent_arguments.recurrent_units("lstm_sequence", (3, 8, 1), (2, 8), 3, 4)


def test_operators_call_the_op_of_their_name_with_operands_in_order():
    calls = []
    names = ("add", "subtract", "getitem", "less", "negative", "positive")

    class Boxed(OperatorMethods):
        _operators = {
            name: (lambda *args, name=name: calls.append((name, args)) or name) for name in names
        }

    boxed = Boxed()
    assert (boxed + 1, 2 - boxed, boxed[0], boxed < 3, -boxed, +boxed) == names
    assert calls == [
        ("add", (boxed, 1)),
        ("subtract", (2, boxed)),
        ("getitem", (boxed, 0)),
        ("less", (boxed, 3)),
        ("negative", (boxed,)),
        ("positive", (boxed,)),
    ]


def test_operator_ops_name_what_a_namespace_lacks():
    with pytest.raises(ValueError, match="lacks the operator ops"):
        operator_ops({"add": abs})


def test_leaves_open_lists_tuples_and_dicts_up_to_the_depth():
    assert leaves([1, (2, {"a": 3})]) == [1, 2, 3]
    assert leaves([[[[4]]]], depth=2) == [[[4]]]
