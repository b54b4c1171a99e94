"""RandomCrop: cut a random window of a fixed size out of the images while training."""

from __future__ import annotations

from graphkeras import backend as K
from graphkeras.engine.layer_registry import register_layer
from graphkeras.layers import value_checks
from graphkeras.layers.image_augmentation.base import ImageAugmentationLayer


def aspect_window(height: int, width: int, target_height: int, target_width: int):
    """``(top, left, rows, columns)``: the largest centred window of the target's aspect ratio."""
    rows = max(min(height, int(float(width * target_height) / target_width)), 1)
    columns = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - rows) / 2), int(float(width - columns) / 2), rows, columns


@register_layer
class RandomCrop(ImageAugmentationLayer):
    """Crop images to ``(height, width)`` at a random place while training.

    One place is drawn per call and used for every image of the batch. At
    inference, and while training on images no larger than the target, the
    largest centred window with the target's aspect ratio is cut out and
    resized (bilinear) to the target size, as Keras 3 documents.
    (Keras 3.16 itself returns images unchanged at inference, against its
    own output shape; graphkeras follows the documentation, so a model's
    inference output has the shape its graph declares.) Output is in the
    layer's float dtype.
    """

    def __init__(
        self,
        height: int,
        width: int,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for argument, value in (("height", height), ("width", width)):
            if not value_checks.is_int(value) or value < 1:
                raise ValueError(
                    f"{value_checks.describe(self)}: {argument} must be a positive int, "
                    f"received {argument}={value!r}."
                )
        self.height = int(height)
        self.width = int(width)

    def _image_size(self, images) -> tuple[int, int]:
        _, height, width, _ = self.image_geometry(images)
        if height is None or width is None:
            raise ValueError(
                f"{value_checks.describe(self)} needs images of known height and width, "
                f"received shape {K.int_shape(images)}."
            )
        return height, width

    def _crops_at_random(self, height: int, width: int, training: bool) -> bool:
        return bool(training) and height > self.height and width > self.width

    def get_random_transformation(self, data, training: bool = True, seed=None):
        """``(top, left)``: where the window starts (a tuple, as in Keras 3).

        Random starts stay int32 scalars of the backend, so the draw can run
        inside a compiled (traced) step; the centred window's are Python ints.
        """
        height, width = self._image_size(data)
        if not self._crops_at_random(height, width, training):
            top, left, _, _ = aspect_window(height, width, self.height, self.width)
            return top, left
        spans = (height - self.height + 1, width - self.width + 1)
        return tuple(
            K.minimum(
                K.cast(K.floor(self.draw_uniform((), 0.0, float(span), seed)), "int32"), span - 1
            )
            for span in spans
        )

    def transform_images(self, images, transformation, training: bool = True):
        """The window at ``transformation = (top, left)`` (see the class for its size).

        ``top`` and ``left`` may be ints or integer scalars of the backend
        (computed inside a traced step); the window is cut with ``K.slice``.
        """
        images = self.as_compute_dtype(images)
        height, width = self._image_size(images)
        top, left = transformation
        if self._crops_at_random(height, width, training):
            rows, columns = self.height, self.width
        else:
            _, _, rows, columns = aspect_window(height, width, self.height, self.width)
        window = self._cut_window(images, top, left, rows, columns)
        if (rows, columns) == (self.height, self.width):
            return window
        return K.resize(window, (self.height, self.width), data_format=self.data_format)

    def _cut_window(self, images, top, left, rows: int, columns: int):
        """The ``rows`` x ``columns`` box of ``images`` whose corner is at ``(top, left)``."""
        rank = K.ndim(images)
        height_axis, width_axis = (rank + axis for axis in self.spatial_axes())
        zero = K.convert_to_tensor(0, dtype="int32")
        starts, sizes = [], []
        for axis, length in enumerate(K.int_shape(images)):
            if axis == height_axis:
                starts.append(K.cast(top, "int32"))
                sizes.append(rows)
            elif axis == width_axis:
                starts.append(K.cast(left, "int32"))
                sizes.append(columns)
            else:
                starts.append(zero)
                sizes.append(-1 if length is None else length)
        return K.slice(images, K.stack(starts), sizes)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        height_axis, width_axis = self.spatial_axes()
        shape[height_axis], shape[width_axis] = self.height, self.width
        return tuple(shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "height": self.height, "width": self.width}
