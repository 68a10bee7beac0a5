"""mxc.module (mx.mod): Module, training a Symbol on one or more devices,
with MXNet 1.x's API (bind, init_params, init_optimizer, forward, backward,
update, fit, score, predict, checkpoints)."""
from .base_module import BaseModule
from .module import Module
from .executor_group import DataParallelExecutorGroup

__all__ = ["BaseModule", "Module", "DataParallelExecutorGroup"]
