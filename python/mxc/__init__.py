"""mxc: the programming model of Apache MXNet 1.x on an ahead-of-time graph
compiler. ``import mxc as mx``, then mx.nd, mx.cpu(), mx.gpu(), ... as in
MXNet 1.x."""
from . import base
from .base import MXNetError
from . import context
from .context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus
from . import ndarray
from . import ndarray as nd
from . import name
from . import attribute
from .attribute import AttrScope
from . import symbol
from . import symbol as sym
from . import executor
from . import visualization
from . import visualization as viz
from . import random
from . import kvstore, kvstore as kv, optimizer, lr_scheduler
from . import registry
from . import io
from . import metric
from . import initializer
from . import initializer as init
from . import model
from . import callback
from . import module
from . import module as mod

__version__ = "0.1.0"

# Last: a server process of a distributed job serves here and exits.
from .kvstore import kvstore_server as _kvstore_server
_kvstore_server._init_kvstore_server_module()
