"""test_kvstore_dist.py - the distributed KVStore: jobs of 2-5 processes on
this machine, started with mxc-launch (mpirun underneath).

Each test writes a worker script into tmp_path and runs it as a job; the
scripts check their own results and print "OK <rank>". Skipped without
mpirun or libmxrt_mpi (mxc built with MXC_ENABLE_MPI=OFF).
"""
import os
import shutil
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import mxc as mx

PACKAGE = os.path.dirname(mx.__file__)
HAVE_MPI = shutil.which("mpirun") is not None and any(
    os.path.exists(os.path.join(d, "libmxrt_mpi.so"))
    for d in (PACKAGE, os.path.dirname(mx._mxc.__file__)))
pytestmark = pytest.mark.skipif(not HAVE_MPI, reason="needs mpirun and libmxrt_mpi "
                                "(apt-get install openmpi-bin libopenmpi-dev; MXC_ENABLE_MPI)")


def launch(tmp_path, body, workers, servers, env=None, timeout=120):
    """Runs body (a script run by every process) as a job; returns
    (exit status, combined output, seconds)."""
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(body))
    full_env = dict(os.environ)
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "mxc.tools.launch", "-n", str(workers), "-s", str(servers),
           sys.executable, str(script)]
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env,
                          cwd=str(tmp_path))
    return proc.returncode, proc.stdout + proc.stderr, time.time() - start


def expect_ok(rc, out, workers):
    assert rc == 0, out
    for r in range(workers):
        assert "OK %d" % r in out, out


SYNC_JOB = """
    import numpy as np
    import mxc as mx

    kv = mx.kv.create('dist_sync')
    W, rank = kv.num_workers, kv.rank
    assert kv.type == 'dist_sync'

    def values(r, shape, k):
        # Random float32: the exact sum depends on the order of the additions.
        rng = np.random.RandomState(1000 * r + k)
        return rng.uniform(-1, 1, shape).astype(np.float32)

    shapes = {3: (4, 5), 7: (3000,), 9: (50, 40)}  # 7 and 9 are split across the servers
    for k, s in shapes.items():
        kv.init(k, mx.nd.zeros(s))
    kv2 = mx.kv.create('dist_sync')  # a second store, with str keys
    kv2.init('w', mx.nd.ones((2, 3)))
    for step in range(3):
        for k, s in shapes.items():
            kv.push(k, mx.nd.array(values(rank, s, k + step)))
        # Two values from one worker: summed here, then across workers.
        kv2.push('w', [mx.nd.ones((2, 3)) * (rank + 1), mx.nd.ones((2, 3)) * 0.5])
        for k, s in shapes.items():
            out = mx.nd.zeros(s)
            kv.pull(k, out=out)
            want = values(0, s, k + step)
            for r in range(1, W):
                want = want + values(r, s, k + step)  # worker order, float32
            assert np.array_equal(out.asnumpy(), want), (k, step)
        w = mx.nd.zeros((2, 3))
        kv2.pull('w', out=w)
        assert np.array_equal(w.asnumpy(), np.full((2, 3), sum(r + 1.5 for r in range(W)),
                                                   np.float32)), w.asnumpy()
        kv._barrier()  # every worker pulled before the next round replaces the values

    # The optimizer runs on the servers (SGD: w -= lr * sum of gradients).
    kv.init(100, mx.nd.zeros((2, 2)))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
    kv.push(100, mx.nd.ones((2, 2)))
    out = mx.nd.zeros((2, 2))
    kv.pull(100, out=out)
    assert np.allclose(out.asnumpy(), -0.1 * W), out.asnumpy()
    print("OK %d" % rank, flush=True)
"""


def test_dist_sync_equals_single_process_sum(tmp_path):
    rc, out, _ = launch(tmp_path, SYNC_JOB, workers=3, servers=2,
                        env={"MXC_KVSTORE_BIGARRAY_BOUND": "1000"})
    expect_ok(rc, out, 3)


# Module.fit with dist_sync: worker r trains on part r of a synthetic set;
# the servers run SGD with momentum on the summed gradients.
FIT_COMMON = """
    import numpy as np
    import mxc as mx

    N, B, W = 192, 16, 2  # examples, batch per worker, workers

    def dataset():
        rng = np.random.RandomState(0)
        x = rng.normal(size=(N, 8)).astype(np.float32)
        y = (x[:, :3].sum(axis=1) > 0).astype(np.float32) + (x[:, 3] > 1)
        return x, y

    def net():
        x = mx.sym.FullyConnected(mx.sym.Variable('data'), num_hidden=16, name='fc1')
        x = mx.sym.Activation(x, act_type='relu')
        x = mx.sym.FullyConnected(x, num_hidden=3, name='fc2')
        return mx.sym.SoftmaxOutput(x, name='softmax')

    def initial():
        rng = np.random.RandomState(1)
        shapes = {'fc1_weight': (16, 8), 'fc1_bias': (16,), 'fc2_weight': (3, 16),
                  'fc2_bias': (3,)}
        return {k: mx.nd.array(rng.uniform(-0.5, 0.5, s)) for k, s in shapes.items()}

    def fit(x, y, batch, kvstore):
        mod = mx.mod.Module(net(), context=mx.cpu())
        it = mx.io.NDArrayIter(x, y, batch_size=batch, shuffle=False)
        loss = mx.metric.CrossEntropy()
        losses = []
        mod.fit(it, eval_metric=loss, kvstore=kvstore, optimizer='sgd',
                optimizer_params={'learning_rate': 0.5, 'momentum': 0.9, 'wd': 1e-3},
                arg_params=initial(), num_epoch=2, progress_bar=False,
                batch_end_callback=lambda p: losses.append(p.eval_metric.get()[1]))
        return {k: v.asnumpy() for k, v in mod.get_params()[0].items()}, losses
"""


def test_module_fit_dist_sync_equals_single_process(tmp_path):
    job = FIT_COMMON + """
    kv = mx.kv.create('dist_sync')
    assert kv.num_workers == W
    x, y = dataset()
    part = slice(kv.rank * N // W, (kv.rank + 1) * N // W)  # what num_parts/part_index read
    params, losses = fit(x[part], y[part], B, kv)
    np.savez('params-%d.npz' % kv.rank, losses=np.array(losses), **params)
    print("OK %d" % kv.rank, flush=True)
    """
    rc, out, _ = launch(tmp_path, job, workers=2, servers=1)
    expect_ok(rc, out, 2)
    ns = {}
    exec(textwrap.dedent(FIT_COMMON), ns)  # pylint: disable=exec-used
    n, b, w = ns['N'], ns['B'], ns['W']
    x, y = ns['dataset']()
    # One process, batch W*B: global batch i is every worker's batch i.
    order = np.concatenate([np.arange(r * n // w + i * b, r * n // w + (i + 1) * b)
                            for i in range(n // w // b) for r in range(w)])
    want, _ = ns['fit'](x[order], y[order], w * b, None)
    got = [np.load(str(tmp_path / ("params-%d.npz" % r))) for r in range(w)]
    for name, value in want.items():
        assert np.array_equal(got[0][name], got[1][name]), name  # the same weights everywhere
        np.testing.assert_allclose(got[0][name], value, rtol=1e-4, atol=1e-5, err_msg=name)
    losses = got[0]['losses']
    assert losses[-1] < losses[0], losses


def test_freeing_a_store_with_operations_in_flight(tmp_path):
    # Worker 1 frees its store while its push waits for computations on
    # NumPy memory (zero-copy), which the engine threads release last and
    # whose deleter needs the GIL: the free must not hold it while it waits.
    job = """
    import numpy as np
    import mxc as mx

    kv = mx.kv.create('dist_sync')
    kv.init(5, mx.nd.zeros((400, 400)))
    grads = []
    for i in range(8):
        x = mx.nd.from_numpy(np.full((400, 400), 1.0 / 400, np.float32))
        grads.append(mx.nd.dot(x, x))
        del x
    kv.push(5, grads)
    del grads
    out = mx.nd.zeros((400, 400))
    kv.pull(5, out=out)
    if kv.rank == 0:
        assert np.allclose(out.asnumpy(), 8 * 2 / 400.0), out.asnumpy()[0, :3]
    print("OK %d" % kv.rank, flush=True)
    del kv, out  # waits for the push and the pull
    """
    rc, out, seconds = launch(tmp_path, job, workers=2, servers=1,
                              env={"MXC_KVSTORE_TIMEOUT": "10"}, timeout=60)
    expect_ok(rc, out, 2)
    assert seconds < 10, out


def test_dist_async_converges(tmp_path):
    job = """
    import numpy as np
    import mxc as mx

    kv = mx.kv.create('dist_async')
    target = np.arange(6, dtype=np.float32).reshape(2, 3)
    kv.init(0, mx.nd.zeros((2, 3)))
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
    w = mx.nd.zeros((2, 3))
    # 150 steps each: even when one worker runs all of its steps before the
    # other starts (a loaded machine), 0.9**150 * 5 is far below the bound.
    for _ in range(150):
        kv.pull(0, out=w)
        kv.push(0, w - mx.nd.array(target))  # gradient of |w - target|^2 / 2
    kv._barrier()
    kv.pull(0, out=w)
    assert np.abs(w.asnumpy() - target).max() < 1e-3, w.asnumpy()
    print("OK %d" % kv.rank, flush=True)
    """
    rc, out, _ = launch(tmp_path, job, workers=2, servers=1)
    expect_ok(rc, out, 2)


def test_bad_message_fails_the_sender_only(tmp_path):
    job = """
    import numpy as np
    import mxc as mx

    kv = mx.kv.create('dist_async')
    # Worker 1 believes key 5 has 3 elements; the servers hold rank 0's 2.
    kv.init(5, mx.nd.zeros((2,) if kv.rank == 0 else (3,)))
    kv.init(6, mx.nd.zeros((4,)))
    if kv.rank == 1:
        kv.push(5, mx.nd.ones((3,)))
        out = mx.nd.zeros((3,))
        kv.pull(5, out=out)
        try:
            out.asnumpy()
            raise SystemExit("no error for a push of the wrong size")
        except mx.MXNetError as err:
            assert "key 5" in str(err) and "elements [0, 3) of 3" in str(err), err
    kv._barrier()
    kv.push(6, mx.nd.ones((4,)))  # the servers still serve everyone
    out = mx.nd.zeros((4,))
    kv.pull(6, out=out)
    assert out.asnumpy().tolist() == [1.0] * 4
    print("OK %d" % kv.rank, flush=True)
    """
    rc, out, _ = launch(tmp_path, job, workers=2, servers=1)
    expect_ok(rc, out, 2)


KILL_JOB = """
    import os, signal, sys, threading, time
    VICTIM = os.environ['VICTIM']
    rank = int(os.environ['OMPI_COMM_WORLD_RANK'])
    size = int(os.environ['OMPI_COMM_WORLD_SIZE'])
    sig = signal.SIGSTOP if os.environ.get('HANG') else signal.SIGKILL
    if VICTIM == 'server' and rank == size - 1:
        threading.Timer(2.0, lambda: os.kill(os.getpid(), sig)).start()
    import mxc as mx
    kv = mx.kv.create('dist_sync')
    kv.init(0, mx.nd.zeros((10,)))
    if VICTIM == 'worker' and kv.rank == 1:
        os.kill(os.getpid(), sig)
    out = mx.nd.zeros((10,))
    start = time.time()
    try:
        while time.time() - start < 100:
            kv.push(0, mx.nd.ones((10,)))
            kv.pull(0, out=out)
            out.asnumpy()
            time.sleep(0.01)
    except mx.MXNetError as err:
        print("CAUGHT %d: %s" % (kv.rank, err), flush=True)
        sys.exit(3)
"""


@pytest.mark.parametrize("victim,hang", [("worker", False), ("server", False),
                                         ("worker", True)])
def test_dead_peer_fails_the_job_naming_it(tmp_path, victim, hang):
    env = {"VICTIM": victim, "MXC_KVSTORE_TIMEOUT": "8"}
    if hang:
        env["HANG"] = "1"  # stopped, not dead: only the timeout can tell
    rc, out, secs = launch(tmp_path, KILL_JOB, workers=2, servers=1, env=env, timeout=90)
    assert rc != 0, out
    assert secs < 60, out
    name = "worker 1 (MPI rank 1" if victim == "worker" else "server 0 (MPI rank 2"
    rank = 1 if victim == "worker" else 2
    why = "sent nothing for 8 s" if hang else "exited"
    if not hang and "mpirun noticed that process rank %d" % rank in out:
        # A killed process makes mpirun stop the job at once; when that wins
        # the race with mxc's own detection, mpirun's notice names the rank.
        return
    assert "%s, pid" % name in out and why in out, out
    assert "CAUGHT 0: " in out, out  # a surviving worker got the error as MXNetError


def test_single_process_has_no_server(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", "import mxc as mx\ntry:\n    mx.kv.create('dist_sync')\n"
         "except mx.MXNetError as e:\n    print('ERR', e)\n"],
        capture_output=True, text=True, timeout=60)
    assert "ERR" in proc.stdout and "has no server" in proc.stdout, proc.stdout + proc.stderr


def test_launcher_command():
    from mxc.tools.launch import mpirun_command
    cmd = mpirun_command(2, 1, ["python", "train.py"], hostfile="hosts", env={"MXC_X": "1"})
    assert cmd[:4] == ["mpirun", "--oversubscribe", "-np", "3"]
    assert ["--hostfile", "hosts"] == cmd[cmd.index("--hostfile"):cmd.index("--hostfile") + 2]
    assert "MXC_NUM_SERVERS=1" in cmd and "DMLC_NUM_WORKER=2" in cmd and "MXC_X=1" in cmd
    assert cmd[-2:] == ["python", "train.py"]
