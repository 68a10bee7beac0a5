"""mxc: the programming model of Apache MXNet 1.x on an ahead-of-time graph
compiler. ``import mxc as mx``, then mx.nd, mx.cpu(), mx.gpu(), ... as in
MXNet 1.x."""
from . import base
from .base import MXNetError
from . import context
from .context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus
from . import ndarray
from . import ndarray as nd
from . import random
from . import kvstore, kvstore as kv, optimizer, lr_scheduler

__version__ = "0.1.0"

# Last: a server process of a distributed job serves here and exits.
from .kvstore import kvstore_server as _kvstore_server
_kvstore_server._init_kvstore_server_module()
