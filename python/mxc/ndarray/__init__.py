"""mxc.ndarray (mx.nd): NDArray and every operator of the op table, with
MXNet 1.x's names, signatures and results."""
from . import _internal, op, linalg, contrib, random
from .ndarray import NDArray, waitall, mx_real_t
from .register import init_ops as _init_ops

_init_ops()

from .op import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position
from .creation import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position
from .utils import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position
from .interop import *  # noqa: E402,F401,F403  pylint: disable=wrong-import-position
