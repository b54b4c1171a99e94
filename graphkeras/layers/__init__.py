"""The layer library: every built-in layer, plus the base classes users subclass."""

from graphkeras.engine.base_layer import Layer
from graphkeras.engine.input_layer import Input, InputLayer
from graphkeras.engine.input_spec import InputSpec
from graphkeras.engine.layer_registry import deserialize_layer as deserialize
from graphkeras.engine.layer_registry import serialize_layer as serialize
from graphkeras.engine.op_layer import OperatorLayer
from graphkeras.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from graphkeras.layers.activity_regularization import ActivityRegularization
from graphkeras.layers.attention import AdditiveAttention, Attention, MultiHeadAttention
from graphkeras.layers.convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    Convolution1D,
    Convolution1DTranspose,
    Convolution2D,
    Convolution2DTranspose,
    Convolution3D,
    Convolution3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
    SeparableConvolution1D,
    SeparableConvolution2D,
)
from graphkeras.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Identity,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from graphkeras.layers.einsum_dense import EinsumDense
from graphkeras.layers.embedding import Embedding
from graphkeras.layers.image_augmentation import (
    RandomBrightness,
    RandomContrast,
    RandomCrop,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
)
from graphkeras.layers.masking import Masking
from graphkeras.layers.merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Merge,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from graphkeras.layers.noise import (
    AlphaDropout,
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from graphkeras.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    UnitNormalization,
)
from graphkeras.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool1D,
    AvgPool2D,
    AvgPool3D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    GlobalAvgPool3D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalMaxPool3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool1D,
    MaxPool2D,
    MaxPool3D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from graphkeras.layers.preprocessing import (
    CenterCrop,
    Discretization,
    Normalization,
    Pipeline,
    Rescaling,
    Resizing,
)
from graphkeras.layers.reshaping import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from graphkeras.layers.residual import CustomScaleLayer, LayerScale, StochasticDepth
from graphkeras.layers.rnn import (
    GRU,
    LSTM,
    RNN,
    ConvLSTM1D,
    ConvLSTM2D,
    ConvLSTM3D,
    ConvLSTMCell,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
)
from graphkeras.layers.rnn.bidirectional import Bidirectional
from graphkeras.layers.time_distributed import TimeDistributed
from graphkeras.layers.wrapper import Wrapper
