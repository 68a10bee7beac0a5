#!/usr/bin/env python3
"""The anchors of bench/codegen, measured in the same run as our figures.

  anchors.py mxnet-bind SYMBOL NAME=D,D,... REPEATS     (MXNet venv)
      seconds per simple_bind of the symbol (graph executor creation)
  anchors.py mxnet-forward SYMBOL NAME=D,D,... REPEATS  (MXNet venv)
      seconds per inference forward + wait (random parameters)
  anchors.py torch-forward MODEL SHAPE REPEATS          (PyTorch venv)
      seconds per inference forward of `mlp` or `resnet18` (same layers as
      test/data/models; torch.no_grad, eval mode, default threads)
Prints one JSON list of seconds on the last line.
"""
import json
import os
import sys
import time

os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")


def shapes_of(args):
    out = {}
    for a in args:
        name, dims = a.split("=")
        out[name] = tuple(int(d) for d in dims.split(","))
    return out


def mxnet_bind(symbol, shapes, repeats):
    import mxnet as mx
    sym = mx.sym.load(symbol)
    times = []
    for _ in range(repeats + 1):
        t = time.perf_counter()
        exe = sym.simple_bind(mx.cpu(), grad_req="null", **shapes)
        mx.nd.waitall()
        times.append(time.perf_counter() - t)
        del exe
    return times[1:]


def mxnet_forward(symbol, shapes, repeats):
    import mxnet as mx
    import numpy as np
    sym = mx.sym.load(symbol)
    exe = sym.simple_bind(mx.cpu(), grad_req="null", **shapes)
    rng = np.random.RandomState(0)
    for name, arr in list(exe.arg_dict.items()) + list(exe.aux_dict.items()):
        v = rng.uniform(-0.1, 0.1, arr.shape)
        if name.endswith("var"):
            v = np.abs(v) + 1
        arr[:] = v
    for _ in range(5):
        exe.forward(is_train=False)
        exe.outputs[0].wait_to_read()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        exe.forward(is_train=False)
        exe.outputs[0].wait_to_read()
        times.append(time.perf_counter() - t)
    return times


def torch_model(name):
    import torch.nn as nn
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10), nn.Softmax(dim=1))

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))
            self.relu = nn.ReLU()

        def forward(self, x):
            y = self.relu(self.b1(self.c1(x)))
            y = self.b2(self.c2(y))
            return self.relu(y + (self.down(x) if self.down is not None else x))

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers)


def torch_forward(name, shape, repeats):
    import torch
    model = torch_model(name).eval()
    x = torch.rand(*shape)
    times = []
    with torch.no_grad():
        for _ in range(5):
            model(x)
        for _ in range(repeats):
            t = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t)
    return times


def main():
    mode = sys.argv[1]
    if mode == "mxnet-bind":
        r = mxnet_bind(sys.argv[2], shapes_of(sys.argv[3:-1]), int(sys.argv[-1]))
    elif mode == "mxnet-forward":
        r = mxnet_forward(sys.argv[2], shapes_of(sys.argv[3:-1]), int(sys.argv[-1]))
    else:
        shape = tuple(int(d) for d in sys.argv[3].split(","))
        r = torch_forward(sys.argv[2], shape, int(sys.argv[4]))
    print(json.dumps(r))


if __name__ == "__main__":
    main()
