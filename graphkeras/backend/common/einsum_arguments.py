"""The argument checks of ``einsum``, shared by every backend."""

from __future__ import annotations


def check_einsum_arguments(subscripts, extra_operands: tuple) -> None:
    """One or two operands and the subscripts as a string.

    ``extra_operands`` are the operands past the second one; a backend's tape
    records an op by named arguments, so it contracts two at a time.
    """
    if extra_operands:
        raise ValueError(
            f"einsum takes one or two operands, received {2 + len(extra_operands)} for "
            f"subscripts {subscripts!r}; contract them two at a time."
        )
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum expects its subscripts as a string, received {subscripts!r}.")
