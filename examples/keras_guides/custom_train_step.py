"""Customising what ``fit`` does, guide style: ``train_step`` and friends, on the digits.

Written after the scenarios of Keras 3's guide to customising ``fit()``, in
graphkeras's own words, with ``gk.backend.GradientTape`` where the guide
uses its backend's gradient machinery:

1. a ``train_step`` of your own that keeps everything else of ``fit``
   (callbacks, progress, history): it runs the model under a tape, takes
   ``self.compute_loss``, lets the optimizer apply the gradient and updates
   every metric of ``self.metrics``; the same data trains it to exactly the
   accuracy of the built-in step;
2. lower down: no loss in ``compile``, the model's own loss and accuracy
   trackers, listed in a ``metrics`` property so that ``fit`` resets them
   at every epoch;
3. ``sample_weight`` and ``class_weight`` reaching a hand-written step,
   read with ``gk.utils.unpack_x_y_sample_weight``;
4. a ``test_step`` of your own, which ``evaluate`` and ``fit``'s
   validation both use;
5. a small GAN: two models, two optimizers, one ``train_step`` that
   alternates them, trained with a plain ``fit`` on the digits.

Run: ``python examples/keras_guides/custom_train_step.py``; with ``--quick``
(or ``GRAPHKERAS_EXAMPLES_QUICK=1``) every step runs on a few hundred digits
for one or two epochs, a smoke test of the script rather than a result.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

LATENT = 16


def quick_mode(argv: list[str] | None) -> bool:
    """Whether ``--quick`` was given or ``GRAPHKERAS_EXAMPLES_QUICK=1`` is set."""
    parser = argparse.ArgumentParser(description="Custom train_step, test_step and a GAN.")
    parser.add_argument("--quick", action="store_true", help="small data, few epochs: a smoke test")
    return parser.parse_args(argv).quick or os.environ.get("GRAPHKERAS_EXAMPLES_QUICK") == "1"


def classifier(cls: type = gk.Model, seed: int = 0) -> gk.Model:
    """Pixels to class probabilities, an instance of ``cls`` (a ``gk.Model`` subclass)."""
    gk.utils.set_random_seed(seed)
    pixels = gk.Input(shape=(64,), name="pixels")
    hidden = layers.Dense(32, activation="relu")(pixels)
    return cls(pixels, layers.Dense(10, activation="softmax")(hidden))


# -------------------------------------------- 1. a train_step of your own
class GuidedModel(gk.Model):
    """Does what the built-in step does, spelled out: the loss, the gradient, the metrics."""

    def train_step(self, data):
        x, y = data
        with K.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)  # the loss given to compile()
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        for metric in self.metrics:  # the "loss" mean first, then compile's metrics
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {metric.name: metric.result() for metric in self.metrics}


# ------------------------------------------------------ 2. lower down
class OwnTrackers(gk.Model):
    """No compiled loss: the model holds its loss function and both trackers itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_fn = gk.losses.SparseCategoricalCrossentropy()
        self.loss_tracker = gk.metrics.Mean(name="loss")
        self.accuracy_tracker = gk.metrics.SparseCategoricalAccuracy(name="accuracy")

    @property
    def metrics(self):
        # Listed here, they are reset by fit at the start of every epoch.
        return [self.loss_tracker, self.accuracy_tracker]

    def train_step(self, data):
        x, y = data
        with K.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
        variables = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        self.loss_tracker.update_state(loss)
        self.accuracy_tracker.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "accuracy": self.accuracy_tracker.result()}


# --------------------------------------------- 3. weights in the batch
class WeightedStep(gk.Model):
    """Reads ``(x, y)`` and ``(x, y, sample_weight)`` batches alike."""

    def train_step(self, data):
        x, y, sample_weight = gk.utils.unpack_x_y_sample_weight(data)
        with K.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        variables = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, variables), variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return self.get_metrics_result()


# --------------------------------------------- 4. a test_step of your own
class ConfidentEvaluation(GuidedModel):
    """Evaluation also reports how sure the model is: the mean of its top probability."""

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred, training=False)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        logs = self.get_metrics_result()
        logs["confidence"] = K.mean(K.max(y_pred, axis=-1))  # this batch's value
        return logs


# ------------------------------------------------------------ 5. a GAN
class DigitGAN(gk.Model):
    """A generator of 8x8 digits against a discriminator, each with its own optimizer."""

    def __init__(self, discriminator: gk.Model, generator: gk.Model) -> None:
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.seed_generator = gk.random.SeedGenerator(1337)
        self.d_loss_tracker = gk.metrics.Mean(name="d_loss")
        self.g_loss_tracker = gk.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn) -> None:
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, noise):
        return self.generator(noise)

    def train_step(self, real_images):
        batch = real_images.shape[0]
        # The discriminator learns real (0) from generated (1), with a little label noise.
        noise = gk.random.normal((batch, LATENT), seed=self.seed_generator)
        fakes = self.generator(noise)
        images = K.concatenate([fakes, K.convert_to_tensor(real_images)], axis=0)
        labels = np.concatenate([np.ones((batch, 1)), np.zeros((batch, 1))]).astype("float32")
        labels += 0.05 * gk.random.uniform(labels.shape, seed=self.seed_generator)
        with K.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(images))
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply(tape.gradient(d_loss, variables), variables)
        # The generator learns to make the discriminator say "real".
        noise = gk.random.normal((batch, LATENT), seed=self.seed_generator)
        with K.GradientTape() as tape:
            verdict = self.discriminator(self.generator(noise))
            g_loss = self.loss_fn(np.zeros((batch, 1), "float32"), verdict)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(g_loss, variables), variables)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def gan_parts() -> tuple[gk.Model, gk.Model]:
    """The discriminator (an image to P(generated)) and the generator (noise to an image)."""
    discriminator = gk.Sequential(
        [
            gk.Input(shape=(64,)),
            layers.Dense(32),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="discriminator",
    )
    generator = gk.Sequential(
        [
            gk.Input(shape=(LATENT,)),
            layers.Dense(32),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Dense(64, activation="sigmoid"),
        ],
        name="generator",
    )
    return discriminator, generator


# ------------------------------------------------------------------ running
def main(argv: list[str] | None = None) -> dict:
    """Run the five scenarios; returns the numbers they printed."""
    quick = quick_mode(argv)
    epochs = 2 if quick else 15
    (x_train, y_train), (x_test, y_test) = gk.datasets.digits.load_data()
    x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
    x_test = x_test.reshape(-1, 64).astype("float32") / 16.0
    if quick:
        x_train, y_train = x_train[:400], y_train[:400]
        print(f"quick mode: 400 digits, {epochs} epochs (a smoke test)")
    results: dict = {}

    def compiled(model: gk.Model) -> gk.Model:
        model.compile(
            optimizer=gk.optimizers.Adam(0.01),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    guided, built_in = compiled(classifier(GuidedModel)), compiled(classifier())
    for model in (guided, built_in):
        model.fit(x_train, y_train, batch_size=32, epochs=epochs, shuffle=False, verbose=0)
    accuracies = [model.evaluate(x_test, y_test, verbose=0)[1] for model in (guided, built_in)]
    print(
        f"1. own train_step: test accuracy {accuracies[0]:.4f}, "
        f"built-in step {accuracies[1]:.4f}; metrics {guided.metrics_names}"
    )
    results["guided_accuracy"], results["built_in_accuracy"] = accuracies

    own = classifier(OwnTrackers)
    own.compile(optimizer=gk.optimizers.Adam(0.01))
    history = own.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=0)
    results["own_tracker_history"] = history.history
    print(f"2. own trackers: accuracy by epoch {np.round(history.history['accuracy'], 3).tolist()}")

    weighted = compiled(classifier(WeightedStep))
    # Ones are rare in this toy weighting of the classes; they count five times over.
    class_weight = {label: 5.0 if label == 1 else 1.0 for label in range(10)}
    history = weighted.fit(
        x_train, y_train, class_weight=class_weight, batch_size=32, epochs=epochs, verbose=0
    )
    predicted = np.argmax(weighted.predict(x_test), axis=-1)
    recall_of_ones = float(np.mean(predicted[y_test == 1] == 1))
    results["weighted_losses"] = history.history["loss"]
    results["recall_of_ones"] = recall_of_ones
    print(f"3. class_weight through unpack_x_y_sample_weight: recall of ones {recall_of_ones:.3f}")

    confident = compiled(classifier(ConfidentEvaluation))
    history = confident.fit(
        x_train, y_train, batch_size=32, epochs=epochs, validation_data=(x_test, y_test), verbose=0
    )
    # One batch, so the batch's confidence is the test set's.
    evaluated = confident.evaluate(
        x_test, y_test, batch_size=len(x_test), verbose=0, return_dict=True
    )
    results["evaluated"] = evaluated
    results["val_confidence"] = history.history["val_confidence"]
    print(
        f"4. own test_step: accuracy {evaluated['accuracy']:.4f}, "
        f"confidence {evaluated['confidence']:.4f}"
    )

    gan = DigitGAN(*gan_parts())
    gan.compile(
        d_optimizer=gk.optimizers.Adam(0.001),
        g_optimizer=gk.optimizers.Adam(0.001),
        loss_fn=gk.losses.BinaryCrossentropy(),
    )
    history = gan.fit(x_train, batch_size=32, epochs=epochs, verbose=0)
    samples = gan.predict(gk.random.normal((4, LATENT), seed=7))
    results["gan_history"] = history.history
    results["gan_sample_shape"] = samples.shape
    print(
        f"5. GAN: discriminator loss {history.history['d_loss'][-1]:.3f}, "
        f"generator loss {history.history['g_loss'][-1]:.3f}, samples {samples.shape}"
    )
    return results


if __name__ == "__main__":
    main()
