"""RandomTranslation: shift each image by a random offset while training."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers.image_augmentation.affine_base import AffineAugmentationLayer
from graphkeras.layers.image_augmentation.factors import checked_range


def translation_matrix(translations):
    """Transform rows ``(batch, 8)`` shifting images by ``translations`` ``(batch, 2)``.

    Each row of ``translations`` is ``(dx, dy)`` in pixels: the content moves
    ``dx`` to the right and ``dy`` down.
    """
    translations = K.cast(translations, "float32")
    dx = K.getitem(translations, (slice(None), slice(0, 1)))
    dy = K.getitem(translations, (slice(None), slice(1, 2)))
    ones, zeros = K.ones_like(dx), K.zeros_like(dx)
    columns = [ones, zeros, K.negative(dx), zeros, ones, K.negative(dy), zeros, zeros]
    return K.concatenate(columns, axis=1)


@register_layer
class RandomTranslation(AffineAugmentationLayer):
    """Shift each image by fractions of its size drawn from ``height_factor`` and ``width_factor``.

    A factor ``f`` (each number in ``[-1, 1]``) draws shifts in
    ``[-|f|, |f|)`` times the image's height (or width); a pair ``(a, b)`` in
    ``[a, b)``. A positive shift moves the content down (or right).
    """

    def __init__(
        self,
        height_factor,
        width_factor,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = checked_range(height_factor, self, "height_factor")
        self.width_factor = width_factor
        self.width_lower, self.width_upper = checked_range(width_factor, self, "width_factor")

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``{"translations", "input_shape"}``: ``(batch, 2)`` shifts ``(dx, dy)`` in pixels."""
        if not training:
            return None
        batch_size, height, width, _ = self.image_geometry(data)
        height_shift = self.draw_uniform(
            (batch_size, 1), self.height_lower, self.height_upper, seed
        )
        width_shift = self.draw_uniform((batch_size, 1), self.width_lower, self.width_upper, seed)
        translations = K.concatenate(
            [K.multiply(width_shift, float(width)), K.multiply(height_shift, float(height))],
            axis=1,
        )
        return {"translations": translations, "input_shape": K.int_shape(data)}

    def transform_matrix(self, transformation, images):
        return translation_matrix(transformation["translations"])

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
