"""``gk.ops`` refuse bad input with an error that names the op, the argument and the values.

Each case is a call and the message expected (a regular expression): the
``ops.<name>`` prefix, what the argument should have been, what it was.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from graphkeras import ops

A = np.ones((3, 4), "float32")
SQUARE_FREE = np.ones((4, 5), "float32")
IMAGES = np.ones((2, 4, 6, 3), "float32")

CASES = [
    (
        lambda: ops.geomspace(0.0, 1.0, 3),
        ValueError,
        r"ops\.geomspace: start and stop must be nonzero",
    ),
    (lambda: ops.ldexp(A, A), TypeError, r"ops\.ldexp: x2 .*integer dtype, received float32"),
    (lambda: ops.quantile(A, 1.5), ValueError, r"ops\.quantile: quantiles must lie in \[0, 1\]"),
    (lambda: ops.quantile(A, 0.5, method="cubic"), ValueError, r"ops\.quantile: method .*'cubic'"),
    (lambda: ops.split(A, 3, axis=1), ValueError, r"ops\.split: an axis of length 4 .* 3 equal"),
    (lambda: ops.vsplit(np.ones(3), 1), ValueError, r"ops\.vsplit: x must have rank 2 .*rank 1"),
    (lambda: ops.diff(A, -1), ValueError, r"ops\.diff: n must be an integer >= 0, received -1"),
    (lambda: ops.diag(np.ones((2, 2, 2))), ValueError, r"ops\.diag: x must be 1-D or 2-D"),
    (lambda: ops.tensordot(A, A, axes=1), ValueError, r"ops\.tensordot: axes \[1\] of x1 .*\[0\]"),
    (lambda: ops.cross(A, A), ValueError, r"ops\.cross: .*2 or 3 components, received 4 and 4"),
    (lambda: ops.vander(A), ValueError, r"ops\.vander: x must be 1-D, received shape \(3, 4\)"),
    (lambda: ops.rot90(np.ones(3)), ValueError, r"ops\.rot90: x must have rank 2 or more"),
    (lambda: ops.rot90(A, axes=(0, 0)), ValueError, r"ops\.rot90: axes must be two different"),
    (lambda: ops.meshgrid(A, indexing="xx"), ValueError, r"ops\.meshgrid: indexing .*'xx'"),
    (lambda: ops.select([], []), ValueError, r"ops\.select: condlist and choicelist"),
    (lambda: ops.digitize(A, A), ValueError, r"ops\.digitize: bins must be 1-D"),
    (lambda: ops.searchsorted(A, A), ValueError, r"ops\.searchsorted: sorted_sequence must be 1-D"),
    (
        lambda: ops.searchsorted(np.ones(3), A, side="middle"),
        ValueError,
        r"ops\.searchsorted: side must be 'left' or 'right', received 'middle'",
    ),
    (lambda: ops.glu(np.ones((3, 3))), ValueError, r"ops\.glu: axis -1 must have an even length"),
    (
        lambda: ops.dot_product_attention(A[None], A[None], A[None]),
        ValueError,
        r"ops\.dot_product_attention: query, key and value must have rank 4",
    ),
    (
        lambda: ops.dot_product_attention(
            A[None, None], A[None, None], A[None, None], flash_attention=True
        ),
        ValueError,
        r"ops\.dot_product_attention: flash_attention=True",
    ),
    (
        lambda: ops.dot_product_attention(
            A[None, None], A[None, None], A[None, None], attn_logits_soft_cap=20.0
        ),
        ValueError,
        r"ops\.dot_product_attention: attn_logits_soft_cap .*received 20\.0",
    ),
    (
        lambda: ops.dot_product_attention(
            np.ones((1, 2, 3, 4)), np.ones((1, 2, 2, 4)), np.ones((1, 2, 2, 4))
        ),
        ValueError,
        r"ops\.dot_product_attention: the query's 3 heads must be a multiple of the key's 2",
    ),
    (lambda: ops.multi_hot(np.ones((2, 2), "int32")), ValueError, r"ops\.multi_hot: num_classes"),
    (
        lambda: ops.psnr(A, SQUARE_FREE, 1.0),
        ValueError,
        r"ops\.psnr: x1 and x2 must have one shape",
    ),
    (
        lambda: ops.conv(np.ones((1, 5, 2)), np.ones((2, 2, 1)), padding="full"),
        ValueError,
        r"ops\.conv: padding must be one of .*'full'",
    ),
    (
        lambda: ops.adaptive_max_pool(A, 2),
        ValueError,
        r"ops\.adaptive_max_pool: inputs need 1 to 3",
    ),
    (
        lambda: ops.depth_to_space(np.ones((2, 2, 2, 3)), 2),
        ValueError,
        r"ops\.depth_to_space: 3 channels do not divide into blocks of 2 x 2",
    ),
    (
        lambda: ops.space_to_depth(np.ones((2, 3, 2, 4)), 2),
        ValueError,
        r"ops\.space_to_depth: a 3 x 2 image does not divide",
    ),
    (
        lambda: ops.cdist(np.ones(3), np.ones(3)),
        ValueError,
        r"ops\.cdist: x and y must have rank 2",
    ),
    (
        lambda: ops.extract_sequences(A, 5, 1),
        ValueError,
        r"ops\.extract_sequences: sequence_length \(5\) must be in \[1, 4\]",
    ),
    (
        lambda: ops.segment_sum(A, np.zeros(2, "int32")),
        ValueError,
        r"ops\.segment_sum: segment_ids must be 1-D, one id per row",
    ),
    (
        lambda: ops.scatter_update(A, np.zeros((1, 1), "int32"), A[:1], reduction="mean"),
        ValueError,
        r"ops\.scatter_update: reduction must be one of .*'mean'",
    ),
    (
        lambda: ops.associative_scan(ops.add, [np.ones(3), np.ones(2)]),
        ValueError,
        r"ops\.associative_scan: the leaves of elems must share",
    ),
    (lambda: ops.inv(SQUARE_FREE), ValueError, r"ops\.inv: x must be square matrices .*\(4, 5\)"),
    (lambda: ops.matrix_power(np.eye(2), 1.5), TypeError, r"ops\.matrix_power: n must be an int"),
    (
        lambda: ops.image.rgb_to_grayscale(np.ones((2, 3, 4, 2))),
        ValueError,
        r"ops\.image\.rgb_to_grayscale: images must have 3 \(RGB\) or 1",
    ),
    (
        lambda: ops.image.pad_images(IMAGES, 1, 1, 1, 1, target_height=9),
        ValueError,
        r"ops\.image\.pad_images: give exactly two of top_padding, bottom_padding, target_height",
    ),
    (
        lambda: ops.image.crop_images(IMAGES, 1, 1, target_height=4, target_width=2),
        ValueError,
        r"ops\.image\.crop_images: an axis of length 4 cannot have top_cropping, bottom_cropping, "
        r"target_height of 1, -1, 4",
    ),
    (
        lambda: ops.image.extract_patches(np.ones((4, 4)), 2),
        ValueError,
        r"ops\.image\.extract_patches: images must have rank 3 .* or 4",
    ),
]


def _case_id(case: tuple) -> str:
    """The op the message names and what is wrong, for the test's id."""
    return re.sub(r"\\(.)", r"\1", case[2])[:60]


@pytest.mark.parametrize("call, error, message", CASES, ids=[_case_id(case) for case in CASES])
def test_bad_input_is_refused_with_a_message_naming_the_op(call, error, message):
    with pytest.raises(error, match=message):
        call()
