"""RandomFlip: mirror each image left-right and/or upside down at random while training."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.image_augmentation.base import ImageAugmentationLayer

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"
MODES = (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL)


def _reversed(images, axis: int):
    key = [slice(None)] * K.ndim(images)
    key[axis] = slice(None, None, -1)
    return K.getitem(images, tuple(key))


@register_layer
class RandomFlip(ImageAugmentationLayer):
    """Flip each image with probability 1/2 along the axes ``mode`` names.

    ``mode`` is ``"horizontal"`` (left-right), ``"vertical"`` (upside down)
    or ``"horizontal_and_vertical"``; in the last, one draw per image decides
    both flips together (as in Keras 3), so an image is either unchanged or
    turned by 180 degrees.
    """

    def __init__(
        self,
        mode: str = HORIZONTAL_AND_VERTICAL,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if mode not in MODES:
            raise ValueError(
                f"{value_checks.describe(self)}: mode must be one of {MODES}, "
                f"received mode={mode!r}."
            )
        self.mode = mode

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``{"flips", "input_shape"}``: one boolean per image, ``(batch, 1, 1, 1)``."""
        if not training:
            return None
        batch_size, _, _, unbatched = self.image_geometry(data)
        shape = (1, 1, 1) if unbatched else (batch_size, 1, 1, 1)
        flips = K.less_equal(self.draw_uniform(shape, 0.0, 1.0, seed), 0.5)
        return {"flips": flips, "input_shape": K.int_shape(data)}

    def transform_images(self, images, transformation, training: bool = True):
        """Images whose flag is set flipped; the layer's float dtype, as in Keras 3."""
        images = self.as_compute_dtype(images)
        if not training or transformation is None:
            return images
        flips = K.convert_to_tensor(transformation["flips"])
        height_axis, width_axis = self.spatial_axes()
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            images = K.where(flips, _reversed(images, width_axis), images)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            images = K.where(flips, _reversed(images, height_axis), images)
        return images

    def get_config(self) -> dict:
        return {**super().get_config(), "mode": self.mode}
