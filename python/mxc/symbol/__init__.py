"""mxc.symbol (mx.sym): symbolic graphs with MXNet 1.x's API -- variables,
every operator of the op table, composition, naming, shape and type
inference (through the compiler), symbol JSON, and binding to executors."""
from . import _internal, op, linalg, contrib, random
from .symbol import Symbol, var, Variable, Group, load, load_json
from .register import init_ops as _init_ops, init_fluent as _init_fluent

_init_ops()
_init_fluent()

from .op import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position
from .helpers import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position
from . import infer as _infer  # noqa: E402  pylint: disable=wrong-import-position
from . import bind as _bind  # noqa: E402  pylint: disable=wrong-import-position
