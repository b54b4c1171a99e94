"""Recurrent layers: the RNN scan, its cells, and SimpleRNN, LSTM and GRU."""

from graphkeras.layers.rnn.bidirectional import Bidirectional
from graphkeras.layers.rnn.dropout_rnn_cell import DropoutRNNCell
from graphkeras.layers.rnn.gru import GRU, GRUCell
from graphkeras.layers.rnn.lstm import LSTM, LSTMCell
from graphkeras.layers.rnn.rnn import RNN
from graphkeras.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from graphkeras.layers.rnn.stacked_rnn_cells import StackedRNNCells
