"""base.py - mx.kv.create, the KVStoreBase interface and its registry, and
the flattening of MXNet's key/value arguments.

Keys are an int or a str, or a list of them; the value for one key is an
NDArray or a list of NDArrays (one per device), and a list of keys takes a
list of such values. The native store gets one flat list of keys (each
repeated once per value) and one flat list of NDArrays, as MXNet's C API.
"""
from ..ndarray import NDArray

__all__ = ['KVStoreBase', 'create']


def _key_value(keys, vals):
    """(flat keys, flat NDArrays) for MXNet's key/value argument forms."""
    if isinstance(keys, (tuple, list)):
        assert len(keys) == len(vals), \
            "%d keys but %d values" % (len(keys), len(vals))
        flat_keys, flat_vals, use_str = [], [], None
        for key, val in zip(keys, vals):
            k, v = _key_value(key, val)
            is_str = isinstance(key, str)
            use_str = is_str if use_str is None else use_str
            assert use_str == is_str, "inconsistent types of keys detected."
            flat_keys += k
            flat_vals += v
        return flat_keys, flat_vals
    assert isinstance(keys, (int, str)) and not isinstance(keys, bool), \
        "unexpected type for keys: " + str(type(keys))
    if isinstance(vals, NDArray):
        return [keys], [vals]
    vals = list(vals)
    for v in vals:
        assert isinstance(v, NDArray), "unexpected type for a value: " + str(type(v))
    return [keys] * len(vals), vals


class KVStoreBase(object):
    """The interface of a key-value store for data-parallel training.

    Subclasses registered with ``KVStoreBase.register`` are created by
    ``mx.kv.create`` under their lower-cased class name before the native
    stores are tried.
    """

    OPTIMIZER = 'optimizer'
    kv_registry = {}

    def broadcast(self, key, value, out, priority=0):
        """Initializes key with value and pulls it into out."""
        raise NotImplementedError()

    def pushpull(self, key, value, out=None, priority=0):
        """Pushes value, then pulls the result into out (value if out is None)."""
        raise NotImplementedError()

    def set_optimizer(self, optimizer):
        """Makes the store apply optimizer to every push."""
        raise NotImplementedError()

    def is_capable(self, capability):
        """Whether the store supports capability (KVStoreBase.OPTIMIZER)."""
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Saves the optimizer (updater) states to fname."""
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        """Loads the optimizer (updater) states from fname."""
        raise NotImplementedError()

    @property
    def type(self):
        """The store's type."""
        raise NotImplementedError()

    @property
    def rank(self):
        """This worker's rank in [0, num_workers)."""
        raise NotImplementedError()

    @property
    def num_workers(self):
        """The number of workers."""
        raise NotImplementedError()

    @staticmethod
    def register(klass):
        """Registers a KVStoreBase subclass under its lower-cased name."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            import warnings
            warnings.warn('WARNING: New kvstore %s.%s is overriding existing kvstore %s.%s'
                          % (klass.__module__, klass.__name__,
                             KVStoreBase.kv_registry[name].__module__,
                             KVStoreBase.kv_registry[name].__name__))
        KVStoreBase.kv_registry[name] = klass
        return klass


def create(name='local'):
    """Creates a KVStore.

    ``local`` sums pushed values and updates the weights in CPU memory;
    ``device`` does both on the devices the values come from (peer copies
    between GPUs). Any other name without 'dist' works as ``local`` (e.g.
    'local_allreduce_cpu'). A name with 'dist' ('dist_sync', 'dist_async',
    'dist_device_sync') is a worker's store of a distributed job started by
    mxc-launch or mpirun: pushes go to server processes, which sum them
    across workers and run the optimizer (dist_sync once every worker
    pushed a key, dist_async at each push).

    Parameters
    ----------
    name : str
        The type of the store (case-insensitive).

    Returns
    -------
    kv : KVStoreBase
    """
    if not isinstance(name, str):
        raise TypeError('name must be a string')
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    from .kvstore import KVStore
    from .. import _mxc
    return KVStore(_mxc.KVStore(name))

