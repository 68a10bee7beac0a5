"""kvstore_server.py - the server processes of a distributed job (MXNet's
mxnet.kvstore.kvstore_server).

Every process of a job started by ``mxc-launch`` or ``mpirun`` runs the same
script. ``import mxc`` asks libmxrt_mpi for the process's role (the last
MXC_NUM_SERVERS ranks serve, or DMLC_ROLE says); a server then serves the
workers here -- the updater the workers ship with set_optimizer runs in this
process -- and exits when every worker has closed, never running the rest
of the script. Workers go on with the script.
"""
import os
import pickle
import sys
import warnings

from ..base import MXNetError

__all__ = ['KVStoreServer']


class KVStoreServer(object):
    """Serves a distributed KVStore's workers from a server process."""

    def __init__(self, kvstore):
        self.kvstore = kvstore
        self.handle = kvstore.handle

    def _controller(self):
        """The command handler: MXNet's head 0 carries a pickled optimizer."""
        def server_controller(cmd_id, cmd_body):
            if cmd_id == 0:
                try:
                    optimizer = pickle.loads(cmd_body)
                except Exception as err:  # pylint: disable=broad-except
                    raise MXNetError("KVStore server: the optimizer sent by set_optimizer "
                                     "cannot be unpickled here: %s" % err)
                self.kvstore.set_optimizer(optimizer)
            else:
                raise MXNetError("KVStore server: command %d is not supported by mxc"
                                 % cmd_id)
        return server_controller

    def run(self):
        """Serves until every worker closed (raises if the job broke)."""
        self.handle.run_server(self._controller())


def _launched_distributed():
    """Whether this process is part of a distributed job: mpirun with more
    than one process, or a DMLC_ROLE given."""
    if os.environ.get('DMLC_ROLE'):
        return True
    try:
        return int(os.environ.get('OMPI_COMM_WORLD_SIZE', '1')) > 1
    except ValueError:
        return False


def _init_kvstore_server_module():
    """At import: in a server process, serve and exit (MXNet's behaviour)."""
    if not _launched_distributed():
        return
    from .. import _mxc
    try:
        role = _mxc.kvstore_role()
    except MXNetError as err:
        if os.environ.get('DMLC_ROLE') == 'server':
            raise
        warnings.warn("mxc: started by mpirun, but the distributed KVStore is unavailable: %s"
                      % err)
        return
    if role != 'server':
        return
    from .base import create
    server = KVStoreServer(create('dist'))
    _mxc._quiet_exit()
    try:
        server.run()
    except MXNetError as err:
        sys.stderr.write("mxc: %s\n" % err)
        sys.exit(1)
    sys.exit(0)
