"""Callbacks: objects that ``fit``, ``evaluate`` and ``predict`` notify as they run.

>>> from graphkeras import callbacks
>>> stop = callbacks.EarlyStopping(monitor="val_loss", patience=2)
>>> history = model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[stop])
"""

from graphkeras.callbacks.callback import Callback
from graphkeras.callbacks.callback_list import CallbackList
from graphkeras.callbacks.csv_logger import CSVLogger
from graphkeras.callbacks.early_stopping import EarlyStopping
from graphkeras.callbacks.history import History
from graphkeras.callbacks.lambda_callback import LambdaCallback
from graphkeras.callbacks.learning_rate_scheduler import LearningRateScheduler
from graphkeras.callbacks.model_checkpoint import ModelCheckpoint
from graphkeras.callbacks.monitor_callback import MonitorCallback
from graphkeras.callbacks.progbar_logger import ProgbarLogger
from graphkeras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from graphkeras.callbacks.tensorboard import TensorBoard
from graphkeras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "MonitorCallback",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TensorBoard",
    "TerminateOnNaN",
]
