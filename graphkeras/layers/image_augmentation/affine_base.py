"""AffineAugmentationLayer: augmentations that move pixels by an affine map.

Rotation, zoom and translation each draw parameters, turn them into one
transform row per image (``[a0, a1, a2, b0, b1, b2, c0, c1]``, mapping an
output pixel back to the input point it reads, see the backend's
``affine_transform``) and resample the image there. They share how the
resampling is configured: ``interpolation`` (``"bilinear"`` or
``"nearest"``) between pixels, and ``fill_mode`` (``"reflect"``, ``"wrap"``,
``"constant"`` with ``fill_value``, or ``"nearest"``) for the points that
fall outside the image.
"""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.layers import value_checks
from graphkeras.layers.image_augmentation.base import ImageAugmentationLayer

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


class AffineAugmentationLayer(ImageAugmentationLayer):
    """An augmentation whose transformation is a transform row per image (see the module)."""

    def __init__(
        self,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for argument, value, allowed in (
            ("fill_mode", fill_mode, FILL_MODES),
            ("interpolation", interpolation, INTERPOLATIONS),
        ):
            if value not in allowed:
                raise ValueError(
                    f"{value_checks.describe(self)}: {argument} must be one of {allowed}, "
                    f"received {argument}={value!r}."
                )
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = value_checks.number(fill_value, "fill_value", self)

    def transform_matrix(self, transformation, images):
        """The transform rows, ``(batch, 8)``, of a transformation for ``images``."""
        raise NotImplementedError(f"{type(self).__name__} must implement transform_matrix.")

    def transform_images(self, images, transformation, training: bool = True):
        """``images`` resampled through the transformation's rows (unchanged when not training).

        Images come back in the layer's float dtype, as in Keras 3.
        """
        images = self.as_compute_dtype(images)
        if not training or transformation is None:
            return images
        return K.affine_transform(
            images,
            self.transform_matrix(transformation, images),
            interpolation=self.interpolation,
            fill_mode=self.fill_mode,
            fill_value=self.fill_value,
            data_format=self.data_format,
        )

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
        }
