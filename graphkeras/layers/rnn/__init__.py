"""Recurrent layers: the RNN scan, its cells, SimpleRNN, LSTM, GRU and the ConvLSTMs."""

from graphkeras.layers.rnn.bidirectional import Bidirectional
from graphkeras.layers.rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D
from graphkeras.layers.rnn.conv_lstm_cell import ConvLSTMCell
from graphkeras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from graphkeras.layers.rnn.gru import GRU, GRUCell
from graphkeras.layers.rnn.lstm import LSTM, LSTMCell
from graphkeras.layers.rnn.rnn import RNN
from graphkeras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from graphkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
