"""context.py - devices: ``mx.cpu()``, ``mx.gpu(i)``, ``mx.cpu_pinned()``,
the default context (``with mx.Context(...)``) and ``num_gpus()``, as in
MXNet 1.x (``mxnet/context.py``).

A Context is only a name for a device; whether the device exists is checked
where memory is allocated, so ``mx.gpu()`` on a machine without GPUs is fine
until an array is created there (then MXNetError).
"""
import threading

from . import _mxc

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "num_gpus", "current_context"]


class Context(object):
    """A device: device_type ('cpu', 'gpu', 'cpu_pinned', 'cpu_shared') and
    device_id.

    ``with mx.Context(mx.gpu(1)):`` makes it the default for arrays created
    inside the block.

    Examples
    --------
    >>> mx.cpu()
    cpu(0)
    >>> with mx.Context('gpu', 1):
    ...     mx.current_context()
    gpu(1)
    """
    _default_ctx = threading.local()
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
    devstr2type = {'cpu': 1, 'gpu': 2, 'cpu_pinned': 3, 'cpu_shared': 5}

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in Context.devstr2type:
                raise ValueError("unknown device type '%s' (one of %s)"
                                 % (device_type, ", ".join(Context.devstr2type)))
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None

    @property
    def device_type(self):
        """The device type as a string: 'cpu', 'gpu', 'cpu_pinned' or 'cpu_shared'."""
        return Context.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return isinstance(other, Context) and \
            self.device_typeid == other.device_typeid and self.device_id == other.device_id

    def __ne__(self, other):
        return not self.__eq__(other)

    def __str__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        self._old_ctx = current_context()
        Context._default_ctx.value = self
        return self

    def __exit__(self, ptype, value, trace):
        Context._default_ctx.value = self._old_ctx

    def empty_cache(self):
        """Returns pooled memory of the device (a no-op: the pool keeps it)."""


def cpu(device_id=0):
    """A CPU context. device_id is ignored by CPU operators (MXNet's rule)."""
    return Context('cpu', device_id)


def cpu_pinned(device_id=0):
    """A pinned (page-locked) CPU memory context, for fast copies to GPUs."""
    return Context('cpu_pinned', device_id)


def gpu(device_id=0):
    """A GPU context; arrays created on it need that GPU (else MXNetError)."""
    return Context('gpu', device_id)


def num_gpus():
    """The number of usable GPUs (0 without CUDA, driver or device)."""
    return _mxc.num_gpus()


def current_context():
    """The default context: cpu(0) unless inside ``with mx.Context(...)``."""
    ctx = getattr(Context._default_ctx, "value", None)
    if ctx is None:
        ctx = Context._default_ctx.value = Context('cpu', 0)
    return ctx
