#!/usr/bin/env python3
"""symbol_bench.py - what binding and running a Symbol costs, against MXNet
1.9.1 measured in the same run.

1. simple_bind of an MLP (784-128-64-10, batch 64): cold (mxc compiles the
   module: a fresh MXC_CACHE_DIR; MXNet's first bind in its process) and
   cached (the same signature bound again: mxc's in-process module table,
   and a new process over the warm disk cache).
2. Executor.forward() overhead on a tiny graph (`A * B + 1` on 4 floats):
   microseconds per forward, the wait on the output included, wall and CPU
   time (time.process_time, all threads: on a loaded machine wall time
   mostly measures waiting for a core).
3. infer_shape of ResNet-50 (test/data/models) from Python.

Each framework runs in its own interpreter: mxc in this one's (.venv),
MXNet in MXC_MXNET_PYTHON (/opt/mxnet-venv/bin/python). Min/median/max over
repeats; the machine's load is printed first.

Usage: python bench/python/symbol_bench.py [--repeats R] [--forwards N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
RESNET50 = os.path.join(HERE, "..", "..", "test", "data", "models", "resnet50_v1-symbol.json")

TEMPLATE = r"""
import json, time
import numpy as np
import {module} as mx

def mlp():
    net = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(net, num_hidden=128, name='fc1')
    net = mx.sym.Activation(net, act_type='relu', name='relu1')
    net = mx.sym.FullyConnected(net, num_hidden=64, name='fc2')
    net = mx.sym.Activation(net, act_type='relu', name='relu2')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc3')
    return mx.sym.SoftmaxOutput(net, name='softmax')

out = {{}}
net = mlp()
t0 = time.perf_counter()
ex = net.simple_bind(mx.cpu(), data=(64, 784))
ex.outputs[0].wait_to_read()
out["bind_first_ms"] = (time.perf_counter() - t0) * 1e3
cached = []
for _ in range({repeats}):
    t0 = time.perf_counter()
    ex = net.simple_bind(mx.cpu(), data=(64, 784))
    cached.append((time.perf_counter() - t0) * 1e3)
out["bind_cached_ms"] = cached

A, B = mx.sym.Variable('A'), mx.sym.Variable('B')
tiny = A * B + 1
ex = tiny.bind(mx.cpu(), args={{'A': mx.nd.ones(4), 'B': mx.nd.ones(4)}}, grad_req='null')
ex.forward()
ex.outputs[0].wait_to_read()
fwd, fwd_cpu = [], []
for _ in range({repeats}):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range({forwards}):
        ex.forward()
        ex.outputs[0].wait_to_read()
    fwd.append((time.perf_counter() - t0) / {forwards} * 1e6)
    fwd_cpu.append((time.process_time() - c0) / {forwards} * 1e6)
out["forward_us"], out["forward_cpu_us"] = fwd, fwd_cpu

resnet = mx.sym.load({resnet!r})
infer = []
for _ in range({repeats}):
    t0 = time.perf_counter()
    resnet.infer_shape(data=(1, 3, 224, 224))
    infer.append((time.perf_counter() - t0) * 1e3)
out["infer_resnet50_ms"] = infer
print(json.dumps(out))
"""


def run(python, module, repeats, forwards, env=None):
    code = TEMPLATE.format(module=module, repeats=repeats, forwards=forwards, resnet=RESNET50)
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env,
                          cwd="/", timeout=1800)
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"
    return json.loads(proc.stdout.strip().splitlines()[-1]), None


def stats(values):
    values = values if isinstance(values, list) else [values]
    return min(values), statistics.median(values), max(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--forwards", type=int, default=2000)
    args = parser.parse_args()
    print("load:", os.popen("uptime").read().strip())
    cache = tempfile.mkdtemp(prefix="mxc-bench-cache-")
    env = dict(os.environ, MXC_CACHE_DIR=cache)
    ours, err = run(sys.executable, "mxc", args.repeats, args.forwards, env)
    if err:
        sys.exit("mxc: " + err)
    # A new process over the now warm disk cache: compile skipped, module loaded.
    warm, err = run(sys.executable, "mxc", args.repeats, args.forwards, env)
    if err:
        sys.exit("mxc (warm cache): " + err)
    mxnet_python = os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python")
    theirs, err = run(mxnet_python, "mxnet", args.repeats, args.forwards)
    if err:
        print("MXNet 1.9.1 unavailable (%s): %s" % (mxnet_python, err))
    rows = [
        ("simple_bind MLP, cold (ms)", ours["bind_first_ms"], theirs and theirs["bind_first_ms"]),
        ("simple_bind MLP, new process, disk cache (ms)", warm["bind_first_ms"],
         theirs and theirs["bind_first_ms"]),
        ("simple_bind MLP, cached (ms)", ours["bind_cached_ms"],
         theirs and theirs["bind_cached_ms"]),
        ("forward tiny graph, wall (us)", ours["forward_us"], theirs and theirs["forward_us"]),
        ("forward tiny graph, CPU (us)", ours["forward_cpu_us"],
         theirs and theirs["forward_cpu_us"]),
        ("infer_shape ResNet-50 (ms)", ours["infer_resnet50_ms"],
         theirs and theirs["infer_resnet50_ms"]),
    ]
    print("%-48s %-26s %-26s %s" % ("", "mxc min/med/max", "MXNet 1.9.1 min/med/max",
                                     "ratio (median)"))
    for name, a, b in rows:
        sa = "%.3g / %.3g / %.3g" % stats(a)
        sb = "%.3g / %.3g / %.3g" % stats(b) if b is not None else "-"
        ratio = "%.2fx" % (stats(a)[1] / stats(b)[1]) if b else "-"
        print("%-48s %-26s %-26s %s" % (name, sa, sb, ratio))


if __name__ == "__main__":
    main()
