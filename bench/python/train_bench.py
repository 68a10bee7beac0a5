#!/usr/bin/env python3
"""train_bench.py - training epoch time of the Fashion-MNIST examples' MLP
(784-256-128-10) and LeNet on mxc's Module.fit, against MXNet 1.9.1's
Module.fit and PyTorch, measured in the same run.

Same model, data (the 60000 Fashion-MNIST training images, pixels / 256, in
the order MNISTIter's seeded shuffle gives), batch size (128), optimizer
(SGD, lr 0.05, momentum 0.9, wd 1e-4; the examples' input normalization
and rate schedule are left out: they do not change the speed) and threads
(every core the framework uses by default; PyTorch set to the machine's
cores) for each.
One epoch is one pass of forward, backward, update and the training
accuracy metric (shown: the last epoch's), without evaluation; the first
epoch (compilation, warm-up) is reported apart and left out of
min/median/max.

Each framework runs in its own interpreter: mxc in this one's (.venv), MXNet
in MXC_MXNET_PYTHON (/opt/mxnet-venv/bin/python), PyTorch in
MXC_TORCH_PYTHON (/opt/bench-venv/bin/python); a missing one is reported as
such. The machine's load comes first: on a shared machine compare ratios
from one run, not absolute times across runs.

Usage: python bench/python/train_bench.py [--models mlp,lenet] [--epochs N]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA_DIR = os.environ.get("MXC_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
PYTHONS = {
    "mxc": sys.executable,
    "mxnet-1.9.1": os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python"),
    "pytorch": os.environ.get("MXC_TORCH_PYTHON", "/opt/bench-venv/bin/python"),
}
LR = {"mlp": 0.05, "lenet": 0.05}

# The networks, in MXNet's symbol API (mxc and MXNet run the same code).
SYMBOLS = r"""
def network(kind):
    data = mx.sym.Variable('data')
    if kind == 'mlp':
        x = mx.sym.FullyConnected(data, num_hidden=256, name='fc1')
        x = mx.sym.Activation(x, act_type='relu')
        x = mx.sym.FullyConnected(x, num_hidden=128, name='fc2')
        x = mx.sym.Activation(x, act_type='relu')
        x = mx.sym.FullyConnected(x, num_hidden=10, name='fc3')
    else:
        x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=20, name='conv1')
        x = mx.sym.Activation(x, act_type='relu')
        x = mx.sym.Pooling(x, pool_type='max', kernel=(2, 2), stride=(2, 2))
        x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=50, name='conv2')
        x = mx.sym.Activation(x, act_type='relu')
        x = mx.sym.Pooling(x, pool_type='max', kernel=(2, 2), stride=(2, 2))
        x = mx.sym.FullyConnected(mx.sym.Flatten(x), num_hidden=500, name='fc1')
        x = mx.sym.Activation(x, act_type='relu')
        x = mx.sym.FullyConnected(x, num_hidden=10, name='fc2')
    return mx.sym.SoftmaxOutput(x, name='softmax')
"""

MODULE_PROGRAM = r"""
import json, sys, time
import numpy as np
import {module} as mx
args = json.loads(sys.argv[1])
""" + SYMBOLS + r"""
flat = args['model'] == 'mlp'
train = mx.io.MNISTIter(image=args['images'], label=args['labels'], batch_size=args['batch'],
                        flat=flat, shuffle=True, seed=42, silent=True)
mx.random.seed(0)
mod = mx.mod.Module(network(args['model']))
marks = []
def epoch_end(epoch, sym, arg, aux):
    marks.append(time.perf_counter())
extra = {extra}
acc = mx.metric.Accuracy()
marks.append(time.perf_counter())
mod.fit(train, num_epoch=args['epochs'], optimizer='sgd', eval_metric=acc,
        optimizer_params={{'learning_rate': args['lr'], 'momentum': 0.9, 'wd': 1e-4}},
        initializer=mx.init.Xavier(), epoch_end_callback=epoch_end, **extra)
print(json.dumps({{'epochs': list(np.diff(marks)), 'train_accuracy': acc.get_global()[1]}}))
"""

TORCH_PROGRAM = r"""
import json, os, sys, time
import numpy as np
import torch
from torch import nn
args = json.loads(sys.argv[1])
torch.set_num_threads(args['threads'])
torch.manual_seed(0)
d = np.load(args['npz'])
flat = args['model'] == 'mlp'
X = torch.from_numpy(d['x'].reshape((-1, 784) if flat else (-1, 1, 28, 28)))
Y = torch.from_numpy(d['y'].astype(np.int64))
if flat:
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                        nn.Linear(128, 10))
else:
    net = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5),
                        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.ReLU(),
                        nn.Linear(500, 10))
for m in net:
    if isinstance(m, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
opt = torch.optim.SGD(net.parameters(), lr=args['lr'], momentum=0.9, weight_decay=1e-4)
loss_fn = nn.CrossEntropyLoss()
B = args['batch']
n = (len(X) // B) * B
marks = [time.perf_counter()]
for epoch in range(args['epochs']):
    correct = 0
    for i in range(0, n, B):
        x, y = X[i:i + B], Y[i:i + B]
        out = net(x)
        loss = loss_fn(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        correct += int((out.argmax(1) == y).sum())
    marks.append(time.perf_counter())
print(json.dumps({'epochs': list(np.diff(marks)), 'train_accuracy': correct / n}))
"""


def prepare_data(workdir):
    """Plain IDX files (MXNet reads no gzip) and, for PyTorch, the images in
    MNISTIter's order (seed 42) as an .npz."""
    paths = {}
    for kind in ("images-idx3", "labels-idx1"):
        src = os.path.join(DATA_DIR, "train-%s-ubyte.gz" % kind)
        if not os.path.exists(src):
            sys.exit("Fashion-MNIST not found: %s (install Debian's dataset-fashion-mnist)" % src)
        dst = os.path.join(workdir, "train-%s-ubyte" % kind)
        with gzip.open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        paths[kind] = dst
    sys.path.insert(0, os.path.join(REPO, "python"))
    import mxc as mx  # pylint: disable=import-outside-toplevel
    it = mx.io.MNISTIter(image=paths["images-idx3"], label=paths["labels-idx1"], batch_size=60000,
                         flat=True, shuffle=True, seed=42, silent=True)
    b = it.next()
    npz = os.path.join(workdir, "train.npz")
    np.savez(npz, x=b.data[0].asnumpy(), y=b.label[0].asnumpy())
    return paths["images-idx3"], paths["labels-idx1"], npz


def run(framework, model, args, data):
    python = PYTHONS[framework]
    if not os.path.exists(python):
        return None, "%s not found (%s)" % (framework, python)
    payload = {"model": model, "epochs": args.epochs, "batch": args.batch, "lr": LR[model],
               "images": data[0], "labels": data[1], "npz": data[2],
               "threads": os.cpu_count() or 1}
    if framework == "pytorch":
        code = TORCH_PROGRAM
    else:
        code = MODULE_PROGRAM.format(module="mxc" if framework == "mxc" else "mxnet",
                                     extra="{'progress_bar': False}" if framework == "mxc"
                                     else "{}")
    proc = subprocess.run([python, "-c", code, json.dumps(payload)], capture_output=True,
                          text=True, cwd="/tmp")
    if proc.returncode != 0:
        return None, "%s failed: %s" % (framework, proc.stderr.strip().splitlines()[-1:])
    return json.loads(proc.stdout.strip().splitlines()[-1]), None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", default="mlp,lenet")
    parser.add_argument("--epochs", type=int, default=4,
                        help="epochs per framework (the first is reported apart)")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--frameworks", default="mxc,mxnet-1.9.1,pytorch")
    args = parser.parse_args()
    print("load: %s" % open("/proc/loadavg").read().strip(), "| cores: %d" % os.cpu_count())
    frameworks = args.frameworks.split(",")
    with tempfile.TemporaryDirectory() as workdir:
        data = prepare_data(workdir)
        for model in args.models.split(","):
            print("\n%s on Fashion-MNIST (60000 images, batch %d): seconds per epoch, epochs 2..%d"
                  % (model, args.batch, args.epochs))
            print("| framework | first epoch | min | median | max | train acc | mxc speed-up "
                  "(median) |")
            print("|---|---|---|---|---|---|---|")
            results = {}
            for fw in frameworks:
                results[fw] = run(fw, model, args, data)
            ours = results.get("mxc", (None, None))[0]
            for fw in frameworks:
                res, why = results[fw]
                if res is None:
                    print("| %s | %s | | | | | |" % (fw, why))
                    continue
                rest = res["epochs"][1:] or res["epochs"]
                ratio = ("%.2fx" % (np.median(rest) / np.median(ours["epochs"][1:] or
                                                                 ours["epochs"]))
                         if ours and fw != "mxc" else "")
                print("| %s | %.2f | %.2f | %.2f | %.2f | %.3f | %s |"
                      % (fw, res["epochs"][0], min(rest), np.median(rest), max(rest),
                         res["train_accuracy"], ratio))


if __name__ == "__main__":
    main()
