"""RandomBrightness: add a random offset to every value of each image while training."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.image_augmentation.base import ImageAugmentationLayer
from graphkeras.layers.image_augmentation.factors import bounded_range
from graphkeras.layers.image_augmentation.value_range import value_range_argument


@register_layer
class RandomBrightness(ImageAugmentationLayer):
    """``x + delta``, clipped to ``value_range``, with ``delta`` drawn per image.

    ``factor`` (numbers in ``[-1, 1]``) is a fraction of the value range: a
    number ``f`` draws ``delta`` in ``[-|f|, |f|) * (high - low)``, a pair
    ``(a, b)`` in ``[a, b) * (high - low)``. Images keep their dtype.
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
        self.factor = bounded_range(factor, self, (-1, 1))
        low, high = value_range_argument(value_range, self, sort=True)
        self.value_range = [low, high]

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``{"rgb_delta"}``, ``(batch, 1, 1, 1)`` in value units; zeros when not training."""
        batch_size, _, _, unbatched = self.image_geometry(data)
        shape = (1, 1, 1) if unbatched else (batch_size, 1, 1, 1)
        if not training:
            return {"rgb_delta": K.zeros(shape, dtype="float32")}
        delta = self.draw_uniform(shape, self.factor[0], self.factor[1], seed)
        return {"rgb_delta": K.multiply(delta, float(self.value_range[1] - self.value_range[0]))}

    def transform_images(self, images, transformation, training: bool = True):
        """The offset added and clipped (unchanged when not training); the images' dtype kept."""
        if not training:
            return images
        dtype = K.dtype(images)
        work = dtype if K.is_float_dtype(dtype) else self.compute_dtype
        shifted = K.add(K.cast(images, work), K.cast(transformation["rgb_delta"], work))
        return K.cast(K.clip(shifted, self.value_range[0], self.value_range[1]), dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}
