"""mxc-launch: starts a distributed job -- W workers and S servers running
the same command -- through Open MPI's mpirun (MXNet's tools/launch.py).

    mxc-launch -n 2 -s 1 python train.py --epochs 3
    mxc-launch -n 8 -s 4 --hostfile hosts python train.py

Ranks 0..W-1 are the workers, the last S ranks the servers (MXC_NUM_SERVERS
tells every process); ``import mxc`` in a server process serves and exits.
Without --hostfile every process runs on this machine. The exit status is
mpirun's: non-zero when any process failed (a dead peer makes the others
fail within MXC_KVSTORE_TIMEOUT seconds, default 60).
"""
import argparse
import os
import shutil
import sys

__all__ = ['main', 'mpirun_command']

# Variables every process gets from the launching environment (mpirun -x),
# also on other hosts.
_FORWARD_PREFIXES = ('MXC_', 'DMLC_', 'MXNET_', 'OMP_')
_FORWARD_NAMES = ('PYTHONPATH', 'PATH', 'LD_LIBRARY_PATH', 'VIRTUAL_ENV')


def mpirun_command(num_workers, num_servers, command, hostfile=None, mpirun='mpirun',
                   env=None, extra=None):
    """The mpirun argument list that starts the job."""
    env = dict(os.environ if env is None else env)
    args = [mpirun, '--oversubscribe', '-np', str(num_workers + num_servers)]
    if os.geteuid() == 0:
        args.append('--allow-run-as-root')
    if hostfile:
        args += ['--hostfile', hostfile]
    env['MXC_NUM_SERVERS'] = str(num_servers)
    env['DMLC_NUM_WORKER'] = str(num_workers)
    env['DMLC_NUM_SERVER'] = str(num_servers)
    env.pop('DMLC_ROLE', None)  # roles follow ranks
    for name in sorted(env):
        if name.startswith(_FORWARD_PREFIXES) or name in _FORWARD_NAMES:
            args += ['-x', '%s=%s' % (name, env[name])]
    args += list(extra or [])
    return args + list(command)


def main(argv=None):
    """Entry point of the mxc-launch console script."""
    parser = argparse.ArgumentParser(
        prog='mxc-launch', description='Launch a distributed mxc job (workers and KVStore '
        'servers) through mpirun.')
    parser.add_argument('-n', '--num-workers', type=int, required=True,
                        help='number of worker processes')
    parser.add_argument('-s', '--num-servers', type=int,
                        help='number of server processes (default: as many as workers)')
    parser.add_argument('-H', '--hostfile', help="Open MPI hostfile (default: this machine)")
    parser.add_argument('--launcher', default='mpi', choices=['mpi', 'local'],
                        help="'local' is mpi on this machine only (no hostfile)")
    parser.add_argument('--mpirun', default=os.environ.get('MXC_MPIRUN', 'mpirun'),
                        help='the mpirun to use')
    parser.add_argument('--mpi-args', default='',
                        help='more arguments for mpirun, as one string')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the mpirun command instead of running it')
    parser.add_argument('command', nargs=argparse.REMAINDER, help='the command to run')
    args = parser.parse_args(argv)
    if not args.command:
        parser.error('no command given')
    if args.num_workers < 1:
        parser.error('-n must be at least 1')
    servers = args.num_workers if args.num_servers is None else args.num_servers
    if servers < 1:
        parser.error('-s must be at least 1 (the servers run the optimizer)')
    if args.launcher == 'local' and args.hostfile:
        parser.error('--launcher local runs on this machine: drop --hostfile')
    if not args.dry_run and shutil.which(args.mpirun) is None:
        sys.stderr.write("mxc-launch: %s not found: install Open MPI (apt-get install "
                         "openmpi-bin libopenmpi-dev)\n" % args.mpirun)
        return 127
    cmd = mpirun_command(args.num_workers, servers, args.command, args.hostfile, args.mpirun,
                         extra=args.mpi_args.split())
    if args.dry_run:
        print(' '.join(cmd))
        return 0
    sys.stdout.flush()
    os.execvp(cmd[0], cmd)
    return 0  # not reached


if __name__ == '__main__':
    sys.exit(main())
