"""kvstore.py - KVStore: the native local/device store (mxc._mxc.KVStore,
libmxrt's KVStore through the C API) with MXNet 1.x's Python interface.

Push and pull return at once; the values land through the engine, ordered
with every other operation on the arrays. An updater (a Python callable, or
the optimizer's Updater after set_optimizer) runs on an engine thread in
push order, with the GIL taken there; it receives (key, recv, stored) where
key is an int, or the str key of a string-keyed store.
"""
import atexit
import pickle

from .. import _mxc
from ..base import MXNetError
from .. import optimizer as opt
from .base import KVStoreBase, _key_value

__all__ = ['KVStore']


def _drain_engine():
    """At exit, lets pending updates (Python code on engine threads) run
    while the interpreter is still whole."""
    try:
        _mxc.waitall()
    except Exception:  # pylint: disable=broad-except
        pass  # reported by the wait that would have seen it; exiting anyway


atexit.register(_drain_engine)


class KVStore(KVStoreBase):
    """A key-value store for synchronization of values over multiple devices.

    Create it with ``mx.kv.create('local')``, ``mx.kv.create('device')``, or
    in a job started by mxc-launch or mpirun, ``mx.kv.create('dist_sync')``
    or ``'dist_async'`` (docs/distributed.md).
    """

    def __init__(self, handle):
        self.handle = handle
        self._updater = None

    def init(self, key, value):
        """Initializes keys with values (one value per key).

        Examples
        --------
        >>> kv = mx.kv.create('local')
        >>> kv.init(3, mx.nd.ones((2, 3)) * 2)
        >>> kv.init(['w', 'b'], [mx.nd.ones((2, 3)), mx.nd.zeros(3)])  # a str-keyed store
        """
        keys, vals = _key_value(key, value)
        self.handle.init(keys, vals)

    def push(self, key, value, priority=0):
        """Pushes values: the values given for one key (several devices, or the
        same key listed twice) are summed, then the updater runs (or the sum
        replaces the stored value).

        Examples
        --------
        >>> kv.push(3, [mx.nd.ones((2, 3), ctx) for ctx in [mx.cpu(i) for i in range(4)]])
        >>> kv.pull(3, out=a)   # a is 4 everywhere
        """
        keys, vals = _key_value(key, value)
        self.handle.push(keys, vals, priority)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copies each key's stored value into its out arrays (any devices).

        Examples
        --------
        >>> kv.pull(3, out=[mx.nd.zeros((2, 3), ctx) for ctx in ctxs])
        """
        assert out is not None
        keys, outs = _key_value(key, out)
        self.handle.pull(keys, outs, priority, ignore_sparse)

    def pushpull(self, key, value, out=None, priority=0):
        """Pushes value, then pulls the result into out (into value when out is None)."""
        keys, vals = _key_value(key, value)
        if out is None:
            out_keys, outs = keys, vals
        else:
            out_keys, outs = _key_value(key, out)
        self.handle.pushpull(keys, vals, out_keys, outs, priority)

    def broadcast(self, key, value, out, priority=0):
        """Initializes key with value, then pulls it into out.

        Examples
        --------
        >>> a = mx.nd.zeros((2, 3))
        >>> kv.broadcast('3', mx.nd.ones((2, 3)) * 2, out=a)
        """
        keys, vals = _key_value(key, value)
        out_keys, outs = _key_value(key, out)
        self.handle.broadcast(keys, vals, out_keys, outs, priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Not supported: mxc arrays have dense storage only."""
        raise MXNetError("row_sparse_pull is not supported: mxc has no row_sparse storage "
                         "(pull the dense value with kv.pull)")

    def set_gradient_compression(self, compression_params):
        """Not supported yet (MXNet's 2-bit compression)."""
        if 'device' in self.type or 'dist' in self.type:
            raise MXNetError("gradient compression is not supported by mxc's kvstore yet")
        raise Exception('Gradient compression is not supported for this type of kvstore')

    def set_optimizer(self, optimizer):
        """Makes every push run optimizer on the stored value (the weight) with
        the pushed sum as its gradient: ``_set_updater(get_updater(optimizer))``.

        Examples
        --------
        >>> kv = mx.kv.create()
        >>> kv.init(0, mx.nd.zeros((2, 2)))
        >>> kv.set_optimizer(mx.optimizer.SGD())    # learning rate 0.01
        >>> kv.push(0, mx.nd.ones((2, 2)))
        >>> kv.pull(0, out=w)                        # w is -0.01 everywhere

        In a distributed store's workers, the optimizer is pickled (protocol
        0) and sent to the servers, which run it; every worker then waits
        for the others, so no push arrives before the servers have it.
        """
        if 'dist' in self.type and _mxc.kvstore_role() == 'worker':
            self._send_command_to_servers(0, pickle.dumps(optimizer, 0))
            if getattr(optimizer, 'multi_precision', False):
                self._send_command_to_servers(1, b'')
            self._barrier()
        else:
            self._set_updater(opt.get_updater(optimizer))

    def is_capable(self, capability):
        """Whether the store can run an optimizer (it can)."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError('Unknown capability: {}'.format(capability))

    @property
    def type(self):
        """The lower-cased type the store was created with."""
        return self.handle.type

    @property
    def rank(self):
        """This worker's rank (0 for local stores)."""
        return self.handle.rank

    @property
    def num_workers(self):
        """The number of workers (1 for local stores)."""
        return self.handle.num_workers

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Saves the updater's states (pickled, as MXNet) once every pending
        update has run; with dump_optimizer, the optimizer too."""
        assert self._updater is not None, "Cannot save states for distributed training"
        self.handle.wait_updates()
        with open(fname, 'wb') as fout:
            fout.write(self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        """Loads the updater's states saved by save_optimizer_states."""
        assert self._updater is not None, "Cannot load states for distributed training"
        self.handle.wait_updates()
        with open(fname, 'rb') as fin:
            self._updater.set_states(fin.read())

    def _set_updater(self, updater):
        """Sets the updater: updater(key, recv, stored) merges the pushed sum
        recv into stored (None restores plain assignment).

        It runs on an engine thread, in push order, when the sum is ready;
        the NDArray ops it calls run after it, before any later pull of the
        key. It must not wait (asnumpy, wait_to_read, waitall): inside the
        engine that would wait for itself, and raises MXNetError. An
        exception fails the update; the next wait on a pulled array raises it.

        Examples
        --------
        >>> def update(key, input, stored):
        ...     print("update on key: %d" % key)
        ...     stored += input * 2
        >>> kv._set_updater(update)
        """
        self._updater = updater
        self.handle.set_updater(updater)

    set_updater = _set_updater

    def _wait_updates(self):
        """Blocks until every update pushed so far has run."""
        self.handle.wait_updates()

    def _barrier(self):
        """Waits for every worker (nothing to wait for in a local store).

        Examples
        --------
        >>> kv = mx.kv.create('dist_sync')
        >>> kv._barrier()    # every worker reached this line
        """
        self.handle.barrier()

    def _send_command_to_servers(self, head, body):
        """Sends a command to every server (rank 0 sends; local stores have
        no servers): MXNet's head 0 is a pickled optimizer."""
        if isinstance(body, str):
            body = body.encode('utf-8')
        self.handle.send_command_to_servers(int(head), bytes(body))

    def __getstate__(self):
        raise pickle.PicklingError("a KVStore cannot be pickled")
