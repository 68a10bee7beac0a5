#!/usr/bin/env python3
"""resnet_train_step.py - seconds per ResNet-18 training step (batch 32) on
mxc's compiled Module, against MXNet 1.9.1's Module and PyTorch, measured in
the same run.

A step is forward + backward + SGD update (momentum 0.9, wd 1e-4) of
ResNet-18 v1 (test/data/models/resnet18_v1-symbol.json) with a
SoftmaxOutput loss, on one random batch (data uniform in [0, 1), labels
uniform over the 1000 classes), then a wait for every array the step writes
(mx.nd.waitall; PyTorch is synchronous). mxc and MXNet run the same code
(mx.mod.Module: bind, init_params Xavier, init_optimizer, then
forward_backward + update per step), the path users take; PyTorch runs the
same layers (bench/codegen/anchors.py's model, train mode) with
CrossEntropyLoss and torch.optim.SGD. Every framework uses as many threads
as mxc's engine has CPU workers (MXC_CPU_WORKER_NTHREADS, or every core):
OMP_NUM_THREADS for MXNet, torch.set_num_threads for PyTorch.

The first step (mxc: compiling the training graph; the others: allocation
and primitive creation) is reported apart, with setup (bind + init), and
left out of min/median/max. The median CPU seconds of the process per step
(all threads; spinning workers count) and its peak resident memory
(ru_maxrss; mxc's includes the compiler) are shown too: on a loaded machine
wall time depends on the share of the cores each process gets.

Each framework runs in its own interpreter: mxc in this one's (.venv), MXNet
in MXC_MXNET_PYTHON (/opt/mxnet-venv/bin/python), PyTorch in
MXC_TORCH_PYTHON (/opt/bench-venv/bin/python). The machine's load comes
first: on a shared machine compare ratios from one run.
Goal (issue 7): faster than MXNet 1.9.1 and PyTorch.

With --cold, mxc runs with a fresh MXC_CACHE_DIR, so its setup includes
compiling the training graph; otherwise a module compiled by an earlier run
comes from the disk cache.

Usage: python bench/python/resnet_train_step.py [--steps 10] [--batch 32] [--cold]
                                                [--frameworks mxc,mxnet-1.9.1,pytorch]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SYMBOL = os.path.join(REPO, "test", "data", "models", "resnet18_v1-symbol.json")
PYTHONS = {
    "mxc": sys.executable,
    "mxnet-1.9.1": os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python"),
    "pytorch": os.environ.get("MXC_TORCH_PYTHON", "/opt/bench-venv/bin/python"),
}

# Shared by the three programs: the step loop and what it reports.
TIMING = r"""
import resource, time
def measure(setup, step, sync, steps):
    t0 = time.perf_counter()
    state = setup()
    t1 = time.perf_counter()
    step(state)
    sync(state)
    t2 = time.perf_counter()
    times, cpu = [], []
    for _ in range(steps):
        t, c = time.perf_counter(), time.process_time()
        step(state)
        sync(state)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(json.dumps({'setup': t1 - t0, 'first': t2 - t1, 'steps': times, 'cpu': cpu,
                      'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

MODULE_PROGRAM = r"""
import json, os, sys
args = json.loads(sys.argv[1])
os.environ['OMP_NUM_THREADS'] = str(args['threads'])
import numpy as np
import {module} as mx
""" + TIMING + r"""
def setup():
    net = mx.sym.SoftmaxOutput(mx.sym.load(args['symbol']), name='softmax')
    mod = mx.mod.Module(net, data_names=['data'], label_names=['softmax_label'],
                        context=mx.cpu())
    B = args['batch']
    mod.bind(data_shapes=[('data', (B, 3, 224, 224))],
             label_shapes=[('softmax_label', (B,))])
    mx.random.seed(0)
    mod.init_params(initializer=mx.init.Xavier())
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.01,
                                                        'momentum': 0.9, 'wd': 1e-4})
    rng = np.random.RandomState(0)
    batch = mx.io.DataBatch(
        data=[mx.nd.array(rng.uniform(0, 1, (B, 3, 224, 224)).astype(np.float32))],
        label=[mx.nd.array(rng.randint(0, 1000, B).astype(np.float32))])
    return mod, batch
def step(state):
    mod, batch = state
    mod.forward_backward(batch)
    mod.update()
measure(setup, step, lambda state: mx.nd.waitall(), args['steps'])
"""

TORCH_PROGRAM = r"""
import json, sys
args = json.loads(sys.argv[1])
import torch
from torch import nn
sys.path.insert(0, args['anchors_dir'])
import anchors
torch.set_num_threads(args['threads'])
""" + TIMING + r"""
def setup():
    torch.manual_seed(0)
    net = anchors.torch_model('resnet18').train()
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    B = args['batch']
    x = torch.rand(B, 3, 224, 224)
    y = torch.randint(0, 1000, (B,))
    return net, opt, nn.CrossEntropyLoss(), x, y
def step(state):
    net, opt, loss_fn, x, y = state
    opt.zero_grad()
    loss_fn(net(x), y).backward()
    opt.step()
measure(setup, step, lambda state: None, args['steps'])
"""


def threads():
    n = os.environ.get("MXC_CPU_WORKER_NTHREADS")
    return int(n) if n and int(n) > 0 else (os.cpu_count() or 1)


def run(framework, args):
    python = PYTHONS.get(framework)
    if python is None:
        return None, "unknown framework (one of %s)" % ", ".join(PYTHONS)
    if not os.path.exists(python):
        return None, "%s not found (%s)" % (framework, python)
    payload = {"symbol": SYMBOL, "batch": args.batch, "steps": args.steps, "threads": threads(),
               "anchors_dir": os.path.join(REPO, "bench", "codegen")}
    if framework == "pytorch":
        code = TORCH_PROGRAM
    else:
        code = MODULE_PROGRAM.replace("{module}", "mxc" if framework == "mxc" else "mxnet")
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ)
        if framework == "mxc" and args.cold:
            env["MXC_CACHE_DIR"] = cache
        proc = subprocess.run([python, "-c", code, json.dumps(payload)], capture_output=True,
                              text=True, cwd="/tmp", env=env, check=False)
    if proc.returncode != 0:
        return None, "%s failed: %s" % (framework, proc.stderr.strip().splitlines()[-1:])
    return json.loads(proc.stdout.strip().splitlines()[-1]), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per framework")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--frameworks", default="mxc,mxnet-1.9.1,pytorch")
    parser.add_argument("--cold", action="store_true",
                        help="mxc compiles afresh (empty MXC_CACHE_DIR) instead of a cache hit")
    args = parser.parse_args()
    print("load: %s" % open("/proc/loadavg", encoding="ascii").read().strip(),
          "| cores: %d | threads: %d" % (os.cpu_count(), threads()))
    print("\nResNet-18 v1 training step (forward + backward + SGD update), batch %d, random "
          "data: seconds per step over %d steps" % (args.batch, args.steps))
    print("| framework | setup | first step | min | median | max | CPU s (median) | peak RSS | "
          "mxc speed-up (median) |")
    print("|---|---|---|---|---|---|---|---|---|")
    frameworks = args.frameworks.split(",")
    results = {fw: run(fw, args) for fw in frameworks}
    ours = results.get("mxc", (None, None))[0]
    for fw in frameworks:
        res, why = results[fw]
        if res is None:
            print("| %s | %s | | | | | | | |" % (fw, why))
            continue
        s = res["steps"]
        ratio = ("%.2fx" % (np.median(s) / np.median(ours["steps"]))
                 if ours and fw != "mxc" else "")
        print("| %s | %.2f | %.2f | %.3f | %.3f | %.3f | %.2f | %.0f MB | %s |"
              % (fw, res["setup"], res["first"], min(s), np.median(s), max(s),
                 np.median(res["cpu"]), res["peak_mb"], ratio))


if __name__ == "__main__":
    main()
