"""kvstore_dist.py - the distributed KVStore's push+pull of K keys x N
float32 (default 100 x 1M) with 2 workers and 1 and 2 servers on this
machine, against MPI_Allreduce of the same bytes among the 2 workers
(build/bin/bench_mpi_allreduce), run one after the other in this run.

    .venv/bin/python bench/kvstore_dist/kvstore_dist.py [--iters 5] [--keys 100] [--elements 1000000]

Per iteration every worker pushes all keys then pulls them all and waits
(dist_sync: the servers sum both workers' values, no optimizer). Figures are
seconds per iteration (median after one warm-up, the slower worker) and
GB/s of payload per worker (bytes pushed + pulled); ratio = the anchor's
time / ours (>= 0.70 is the goal).
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def worker(args):
    """One process of the KVStore job (servers never get here)."""
    import mxc as mx
    kv = mx.kv.create('dist_sync')
    keys = list(range(args.keys))
    vals = [mx.nd.ones((args.elements,)) for _ in keys]
    outs = [mx.nd.zeros((args.elements,)) for _ in keys]
    kv.init(keys, [mx.nd.zeros((args.elements,)) for _ in keys])
    times = []
    for it in range(args.iters + 1):
        kv._barrier()
        t0 = time.time()
        kv.push(keys, vals)
        kv.pull(keys, out=outs)
        mx.nd.waitall()
        if it > 0:
            times.append(time.time() - t0)
    times.sort()
    med = times[len(times) // 2]
    print("RESULT " + json.dumps({"rank": kv.rank, "sec_per_iter": med}), flush=True)


def launch(cmd, env=None):
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    if out.returncode != 0:
        sys.exit("failed: %s\n%s%s" % (' '.join(cmd), out.stdout, out.stderr))
    return out.stdout


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--keys', type=int, default=100)
    p.add_argument('--elements', type=int, default=1000000)
    p.add_argument('--iters', type=int, default=5)
    p.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--allreduce', default=os.path.join(ROOT, 'build', 'bin',
                                                       'bench_mpi_allreduce'))
    args = p.parse_args()
    if args.worker:
        return worker(args)
    from mxc.tools.launch import mpirun_command
    payload_gb = 2 * args.keys * args.elements * 4 / 1e9  # pushed + pulled, per worker
    print("load: %s" % os.getloadavg()[0])
    anchor_cmd = mpirun_command(2, 0, [args.allreduce, str(args.keys), str(args.elements),
                                       str(args.iters)])
    anchor = json.loads(launch(anchor_cmd).strip().splitlines()[-1])['sec_per_iter']
    rows = []
    for servers in (1, 2):
        cmd = mpirun_command(2, servers, [sys.executable, os.path.abspath(__file__), '--worker',
                                          '--keys', str(args.keys), '--elements',
                                          str(args.elements), '--iters', str(args.iters)])
        out = launch(cmd)
        res = [json.loads(l.split('RESULT ', 1)[1]) for l in out.splitlines() if 'RESULT ' in l]
        ours = max(r['sec_per_iter'] for r in res)
        rows.append((servers, ours))
    print("push+pull of %d keys x %d float32, 2 workers, loopback (%.2f GB per worker per "
          "iteration)" % (args.keys, args.elements, payload_gb))
    print("| servers | mxc s/iter | mxc GB/s | MPI_Allreduce s/iter | MPI GB/s | ratio |")
    print("|---|---|---|---|---|---|")
    for servers, ours in rows:
        print("| %d | %.3f | %.2f | %.3f | %.2f | %.2f |" % (
            servers, ours, payload_gb / ours, anchor, payload_gb / anchor, anchor / ours))


if __name__ == '__main__':
    main()
