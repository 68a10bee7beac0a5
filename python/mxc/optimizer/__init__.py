"""mx.optimizer: the optimizers of MXNet 1.x (SGD, NAG, Signum, Adam, AdaGrad,
RMSProp, AdaDelta, Ftrl, FTML, LAMB, ...), their registry, and the Updater a
KVStore runs. Pickles name the classes as mxc.optimizer.<module>.<Class>;
Updater.set_states also reads MXNet's (mxnet.optimizer.optimizer.<Class>)."""
from .optimizer import Optimizer, register, create, Updater, get_updater
from .sgd import SGD, ccSGD, NAG, Signum
from .adaptive import Adam, AdaGrad, RMSProp, AdaDelta, Ftrl, FTML, LAMB, Test

__all__ = ['Optimizer', 'register', 'create', 'Updater', 'get_updater', 'SGD', 'ccSGD', 'NAG',
           'Signum', 'Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Ftrl', 'FTML', 'LAMB', 'Test']
