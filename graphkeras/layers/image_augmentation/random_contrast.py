"""RandomContrast: stretch or squeeze each image's values about its mean while training."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.image_augmentation.base import ImageAugmentationLayer
from graphkeras.layers.image_augmentation.factors import bounded_range
from graphkeras.layers.image_augmentation.value_range import value_range_argument


@register_layer
class RandomContrast(ImageAugmentationLayer):
    """``(x - mean) * c + mean``, clipped to ``value_range``, with ``c`` drawn per image.

    The mean is taken per image and channel over height and width. ``c`` is
    drawn from ``[1 - lower, 1 + upper)`` where ``(lower, upper)`` is read
    from ``factor`` as Keras 3 reads it: a number ``f`` in ``[0, 1]`` gives
    ``(0, f)`` (contrast only raised), a pair ``(a, b)`` gives ``(a, b)``.
    """

    def __init__(
        self,
        factor,
        value_range=(0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = bounded_range(factor, self, (0, 1))
        value_range_argument(value_range, self)
        self.value_range = value_range

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``{"contrast_factor"}``, ``(batch, 1, 1, 1)``; zeros when not training."""
        batch_size, _, _, unbatched = self.image_geometry(data)
        shape = (1, 1, 1) if unbatched else (batch_size, 1, 1, 1)
        if not training:
            return {"contrast_factor": K.zeros(shape, dtype=self.compute_dtype)}
        factor = self.draw_uniform(shape, 1.0 - self.factor[0], 1.0 + self.factor[1], seed)
        return {"contrast_factor": K.cast(factor, self.compute_dtype)}

    def transform_images(self, images, transformation, training: bool = True):
        """The contrast applied and clipped (unchanged, dtype kept, when not training)."""
        if not training:
            return images
        images = self.as_compute_dtype(images)
        height_axis, width_axis = self.spatial_axes()
        row_means = K.mean(images, axis=height_axis, keepdims=True)
        mean = K.mean(row_means, axis=width_axis, keepdims=True)
        factor = K.cast(transformation["contrast_factor"], self.compute_dtype)
        stretched = K.add(K.multiply(K.subtract(images, mean), factor), mean)
        low, high = value_range_argument(self.value_range, self)
        return K.clip(stretched, low, high)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
