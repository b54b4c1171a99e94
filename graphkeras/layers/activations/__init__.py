"""Activation layers with arguments or weights: ReLU, LeakyReLU, PReLU, ELU and Softmax."""

from graphkeras.layers.activations.elu import ELU
from graphkeras.layers.activations.leaky_relu import LeakyReLU
from graphkeras.layers.activations.prelu import PReLU
from graphkeras.layers.activations.relu import ReLU
from graphkeras.layers.activations.softmax import Softmax
