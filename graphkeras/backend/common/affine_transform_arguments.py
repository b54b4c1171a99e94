"""The argument checks of ``affine_transform``, shared by every backend."""

from __future__ import annotations

INTERPOLATIONS = ("nearest", "bilinear")
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def check_affine_transform_arguments(
    images_shape: tuple, transform_shape: tuple, interpolation: str, fill_mode: str
) -> None:
    """Images of rank 3 or 4, one transform ``(8,)`` or one per image ``(batch, 8)``.

    ``interpolation`` must be one of :data:`INTERPOLATIONS` and ``fill_mode``
    one of :data:`FILL_MODES`.
    """
    if interpolation not in INTERPOLATIONS:
        raise ValueError(
            f"affine_transform: interpolation must be one of {INTERPOLATIONS}, "
            f"received interpolation={interpolation!r}."
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"affine_transform: fill_mode must be one of {FILL_MODES}, "
            f"received fill_mode={fill_mode!r}."
        )
    if len(images_shape) not in (3, 4):
        raise ValueError(
            "affine_transform: images must have rank 3 (one image) or 4 (a batch), "
            f"received shape {images_shape}."
        )
    if len(transform_shape) not in (1, 2) or transform_shape[-1] != 8:
        raise ValueError(
            "affine_transform: transform must have shape (8,) or (batch, 8), "
            f"received shape {transform_shape}."
        )
    batch = images_shape[0] if len(images_shape) == 4 else 1
    if len(transform_shape) == 2 and transform_shape[0] not in (1, batch):
        raise ValueError(
            f"affine_transform: {transform_shape[0]} transforms for {batch} images; give one "
            "transform per image or one for all."
        )
