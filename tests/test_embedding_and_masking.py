"""Embedding, Masking, and masks flowing from them through a model.

References are written by hand: an embedding lookup is row selection, so
the expected outputs are rows of the table the test sets.
"""

from __future__ import annotations

import numpy as np
import pytest
from layer_finite_differences import check_layer_gradients
from layer_test_tools import MaskRecorder

import graphkeras as gk
from graphkeras import backend as K
from graphkeras import layers

pytestmark = pytest.mark.usefixtures("backend")

TABLE = np.arange(15, dtype="float32").reshape(5, 3) / 10
IDS = np.array([[1, 0, 4], [2, 2, 0]])


def table_layer(**kwargs) -> layers.Embedding:
    layer = layers.Embedding(5, 3, **kwargs)
    layer.build(None)
    layer.set_weights([TABLE])
    return layer


# --------------------------------------------------------------- Embedding


def test_embedding_weight_is_one_table_of_input_dim_by_output_dim():
    layer = layers.Embedding(7, 2)
    layer.build((None, 4))
    assert [(w.name, w.shape, w.trainable) for w in layer.weights] == [("embeddings", (7, 2), True)]


def test_embedding_table_starts_uniform_within_five_hundredths():
    gk.utils.set_random_seed(0)
    layer = layers.Embedding(50, 8)
    layer.build(None)
    values = layer.get_weights()[0]
    assert np.abs(values).max() <= 0.05 and values.std() > 0.01


def test_embedding_looks_up_one_row_per_id():
    output = table_layer()(IDS)
    np.testing.assert_array_equal(output, TABLE[IDS])
    assert output.shape == (2, 3, 3)


def test_embedding_casts_float_ids_to_integers():
    np.testing.assert_array_equal(table_layer()(IDS.astype("float32")), TABLE[IDS])


def test_embedding_symbolic_output_adds_output_dim_and_takes_the_layer_dtype():
    outputs = layers.Embedding(5, 3)(gk.Input((4,), dtype="int32"))
    assert (outputs.shape, outputs.dtype) == ((None, 4, 3), "float32")


def test_embedding_weights_argument_sets_the_table():
    layer = layers.Embedding(5, 3, weights=[TABLE])
    np.testing.assert_array_equal(layer.get_weights()[0], TABLE)
    np.testing.assert_array_equal(layer(np.array([[4]])), [[TABLE[4]]])


def test_embedding_mask_zero_masks_the_padding_id():
    layer = table_layer(mask_zero=True)
    np.testing.assert_array_equal(
        layer.compute_mask(IDS), [[True, False, True], [True, True, False]]
    )
    assert layer.supports_masking


def test_embedding_without_mask_zero_has_no_mask():
    layer = table_layer()
    assert layer.compute_mask(IDS) is None
    assert layers.Embedding(5, 3)(gk.Input((3,), dtype="int32"))._keras_mask is None


def test_embedding_symbolic_mask_has_the_ids_shape():
    outputs = layers.Embedding(5, 3, mask_zero=True)(gk.Input((4,), dtype="int32"))
    assert (outputs._keras_mask.shape, outputs._keras_mask.dtype) == ((None, 4), "bool")


def test_embedding_refuses_ids_out_of_range_naming_the_layer():
    with pytest.raises(ValueError, match=r"Embedding 'words' has 5 rows.*\[0, 5\)"):
        layers.Embedding(5, 3, name="words")(np.array([[1, 5]]))


def test_embedding_gradient_adds_up_repeated_ids_and_leaves_other_rows_zero():
    layer = table_layer()
    with K.GradientTape() as tape:
        total = K.sum(layer(np.array([[2, 2, 0]])))
    gradient = K.convert_to_numpy(tape.gradient(total, layer.embeddings))
    np.testing.assert_array_equal(gradient, [[1, 1, 1], [0, 0, 0], [2, 2, 2], [0, 0, 0], [0, 0, 0]])


def test_embedding_gradients_match_finite_differences():
    layer = layers.Embedding(5, 3, dtype="float64")
    layer.build(None)
    check_layer_gradients(lambda: layer(IDS), [], [layer.embeddings])


def test_embedding_activity_regularizer_adds_a_loss_per_sample():
    layer = table_layer(activity_regularizer=gk.regularizers.L2(0.5))
    layer(IDS)
    (loss,) = layer.losses
    np.testing.assert_allclose(loss, 0.5 * np.sum(TABLE[IDS] ** 2) / 2, rtol=1e-6)


def test_training_moves_only_the_rows_that_were_looked_up():
    inputs = gk.Input((2,), dtype="int32")
    embedding = table_layer()
    model = gk.Model(inputs, layers.Flatten()(embedding(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.array([[1, 3]]), np.ones((1, 6)), epochs=1, verbose=0)
    moved = np.any(embedding.get_weights()[0] != TABLE, axis=1)
    np.testing.assert_array_equal(moved, [False, True, False, True, False])


def test_embedding_config_round_trip():
    layer = layers.Embedding(
        9, 4, mask_zero=True, embeddings_initializer="ones", embeddings_regularizer="l2"
    )
    config = layer.get_config()
    clone = layers.Embedding.from_config(config)
    assert clone.get_config() == config
    assert (config["input_dim"], config["output_dim"], config["mask_zero"]) == (9, 4, True)


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"input_dim": 0, "output_dim": 3}, "input_dim"),
        ({"input_dim": 4, "output_dim": -1}, "output_dim"),
        ({"input_dim": 4.0, "output_dim": 3}, "input_dim"),
        ({"input_dim": 4, "output_dim": 3, "lora_rank": 2}, "lora_rank"),
    ],
)
def test_embedding_refuses_bad_arguments_naming_them(arguments, named):
    with pytest.raises(ValueError, match=named):
        layers.Embedding(**arguments)


def test_embedding_accepts_the_deprecated_input_length_with_a_warning():
    with pytest.warns(UserWarning, match="input_length"):
        layer = layers.Embedding(5, 3, input_length=7)
    assert "input_length" not in layer.get_config()
    assert layer(gk.Input((4,), dtype="int32")).shape == (None, 4, 3)


# ----------------------------------------------------------------- Masking

SEQUENCES = np.array(
    [[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]], [[0.0, 0.0], [4.0, 0.0], [0.0, 0.0]]], "float32"
)


def test_masking_masks_timesteps_whose_features_all_equal_the_value():
    mask = layers.Masking().compute_mask(SEQUENCES)
    np.testing.assert_array_equal(mask, [[True, False, True], [False, True, False]])


def test_masking_zeroes_the_masked_timesteps():
    x = SEQUENCES.copy()
    x[x == 0.0] = -1.0
    output = layers.Masking(mask_value=-1.0)(x)
    expected = np.where(np.all(x == -1.0, axis=-1, keepdims=True), 0.0, x)
    np.testing.assert_array_equal(output, expected)


def test_masking_symbolic_mask_drops_the_feature_axis():
    outputs = layers.Masking()(gk.Input((3, 2)))
    assert outputs.shape == (None, 3, 2)
    assert outputs._keras_mask.shape == (None, 3)


def test_masking_gradient_is_zero_on_masked_timesteps():
    x = SEQUENCES.astype("float64")
    with K.GradientTape() as tape:
        tape.watch(x)
        total = K.sum(layers.Masking(dtype="float64")(x))
    gradient = K.convert_to_numpy(tape.gradient(total, x))
    np.testing.assert_array_equal(gradient[:, :, 0], [[1, 0, 1], [0, 1, 0]])


def test_masking_config_round_trip():
    config = layers.Masking(mask_value=-1.0).get_config()
    assert layers.Masking.from_config(config).mask_value == -1.0


def test_masking_refuses_a_mask_value_that_is_not_a_number():
    with pytest.raises(ValueError, match="mask_value"):
        layers.Masking(mask_value="pad")


# -------------------------------------------------------------- mask flow


def embedding_model():
    inputs = gk.Input((3,), dtype="int32")
    embedding = table_layer(mask_zero=True)
    normalized = layers.LayerNormalization()(embedding(inputs))
    recorder = MaskRecorder()
    outputs = recorder(normalized)
    return gk.Model(inputs, outputs), embedding, recorder


def test_embedding_mask_reaches_a_consumer_through_a_masking_layer_at_run_time():
    model, _, recorder = embedding_model()
    model.compile(jit_compile=False)  # the recorder keeps values: op by op (see MaskRecorder)
    model.predict(IDS, verbose=0)
    np.testing.assert_array_equal(recorder.seen[-1], IDS != 0)


def test_embedding_mask_is_recorded_on_the_nodes_it_passes():
    model, embedding, recorder = embedding_model()
    mask = embedding.output._keras_mask
    assert embedding.inbound_nodes[0].output_masks == [mask]
    assert recorder.inbound_nodes[0].input_masks == [mask]
    assert recorder.inbound_nodes[0].output_masks == [mask]


def test_masking_mask_reaches_batch_normalization_statistics_during_fit():
    inputs = gk.Input((3, 2))
    normalization = layers.BatchNormalization(momentum=0.0, center=False, scale=False)
    outputs = normalization(layers.Masking()(inputs))
    model = gk.Model(inputs, layers.Dense(1)(outputs))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(SEQUENCES, np.zeros((2, 3, 1)), batch_size=2, epochs=1, verbose=0)
    kept = SEQUENCES[np.any(SEQUENCES != 0.0, axis=-1)]
    np.testing.assert_allclose(normalization.moving_mean.numpy(), kept.mean(axis=0), rtol=1e-5)


def test_explicit_mask_of_the_wrong_shape_is_refused_when_the_graph_is_built():
    inputs = gk.Input((3, 4))
    wrong_mask = gk.Input((5,), dtype="bool")
    with pytest.raises(ValueError, match=r"Softmax layer 'softmax' received a mask of shape"):
        layers.Softmax()(inputs, mask=wrong_mask)
