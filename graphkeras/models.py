"""Models and the functions that rebuild them from configs."""

from graphkeras.engine.cloning import clone_model
from graphkeras.engine.sequential import Sequential
from graphkeras.engine.training import Model
from graphkeras.saving.config_loading import model_from_config, model_from_json
from graphkeras.saving.saving_api import load_model, save_model

__all__ = [
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_config",
    "model_from_json",
    "save_model",
]
