"""mx.optimizer: the optimizers of MXNet 1.x (SGD, NAG, Signum, Adam, AdaGrad,
RMSProp, AdaDelta, Ftrl, FTML, LAMB, ...), their registry, and the Updater a
KVStore runs. Updater.get_states pickles states (and optimizers) under
MXNet 1.x's class names, so MXNet and mxc read each other's saved states."""
from .optimizer import Optimizer, register, create, Updater, get_updater
from .sgd import SGD, ccSGD, NAG, Signum
from .adaptive import Adam, AdaGrad, RMSProp, AdaDelta, Ftrl, FTML, LAMB, Test

__all__ = ['Optimizer', 'register', 'create', 'Updater', 'get_updater', 'SGD', 'ccSGD', 'NAG',
           'Signum', 'Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Ftrl', 'FTML', 'LAMB', 'Test']
