"""name.py - automatic naming of symbols (mx.name), as MXNet 1.x.

``NameManager.get(name, hint)`` keeps a name the user gave and otherwise
makes one from the hint and a per-hint counter (``fullyconnected0``,
``fullyconnected1``, ``_plus0``). The current manager is per thread; ``with
NameManager():`` starts fresh counters and puts the old manager back on
exit. ``Prefix('net_')`` prepends its prefix to every name it returns.
"""
import threading
import warnings

__all__ = ["NameManager", "Prefix"]


class _ClassProperty(object):
    """A read/write property on the class (NameManager.current)."""

    def __init__(self, fget, fset):
        self.fget, self.fset = fget, fset

    def __get__(self, obj, cls):
        return self.fget(cls)


class NameManager(object):
    """Gives symbols their automatic names (MXNet's mxnet.name.NameManager)."""

    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old_manager = None

    def get(self, name, hint):
        """`name` if given, else hint + the hint's counter (then counted up)."""
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return "%s%d" % (hint, count)

    def __enter__(self):
        self._old_manager = current()
        NameManager._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_manager
        NameManager._current.value = self._old_manager

    @classmethod
    def _get_current(cls):
        warnings.warn("NameManager.current has been deprecated. "
                      "It is advised to use the `with` statement with NameManager.",
                      DeprecationWarning)
        return current()

    current = _ClassProperty(_get_current.__func__, None)


class Prefix(NameManager):
    """A name manager that puts a prefix before every name, given or not.

    >>> data = mx.symbol.Variable('data')
    >>> with mx.name.Prefix('mynet_'):
    ...     net = mx.symbol.FullyConnected(data, num_hidden=10, name='fc1')
    >>> net.list_arguments()
    ['data', 'mynet_fc1_weight', 'mynet_fc1_bias']
    """

    def __init__(self, prefix):
        super(Prefix, self).__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super(Prefix, self).get(name, hint)


def current():
    """This thread's name manager."""
    manager = getattr(NameManager._current, "value", None)
    if manager is None:
        manager = NameManager._current.value = NameManager()
    return manager
