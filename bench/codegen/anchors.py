#!/usr/bin/env python3
"""The anchors of bench/codegen, measured in the same run as our figures.

  anchors.py mxnet-bind SYMBOL NAME=D,D,... REPEATS     (MXNet venv)
      seconds per simple_bind of the symbol (graph executor creation)
  anchors.py mxnet-forward SYMBOL NAME=D,D,... REPEATS  (MXNet venv)
      seconds per inference forward + wait (random parameters)
  anchors.py torch-forward MODEL SHAPE REPEATS          (PyTorch venv)
      seconds per inference forward of `mlp`, `resnet18` or `resnet50` (same
      layers as test/data/models; torch.no_grad, eval mode)
  anchors.py ort-forward MODEL SHAPE REPEATS DIR         (PyTorch venv + onnxruntime)
      seconds per inference run of the same PyTorch model exported to ONNX
      (DIR/MODEL-SHAPE.onnx, exported once and reused) on ONNX Runtime's CPU
      execution provider: all graph optimizations, sequential execution
Any mode takes --threads=N (before the mode): OMP_NUM_THREADS for MXNet,
torch.set_num_threads, ORT's intra_op_num_threads; without it each
framework uses its default (every core).
Prints one JSON list of seconds on the last line.
"""
import json
import os
import sys
import time

os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")

# Forward passes before timing: MKLDNN primitives, ORT's arena and PyTorch's
# allocator settle in the first calls (the same count as bench::timeForward).
WARMUP = 3
THREADS = 0


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
    for _ in range(WARMUP):
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
    """`mlp`, or `resnet18` / `resnet50`: the Gluon model zoo's ResNet v1
    layers as in test/data/models (basic blocks without conv bias; bottleneck
    blocks with the stride on the first 1x1 convolution and bias on both 1x1
    convolutions; downsampling 1x1 convolution without bias)."""
    import torch.nn as nn
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                             nn.Linear(64, 10), nn.Softmax(dim=1))

    def conv_bn(cin, cout, kernel, stride, bias, relu):
        layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=bias),
                  nn.BatchNorm2d(cout)]
        return nn.Sequential(*(layers + [nn.ReLU()] if relu else layers))

    class Block(nn.Module):
        def __init__(self, cin, cout, stride, bottleneck):
            super().__init__()
            if bottleneck:
                mid = cout // 4
                self.body = nn.Sequential(conv_bn(cin, mid, 1, stride, True, True),
                                          conv_bn(mid, mid, 3, 1, False, True),
                                          conv_bn(mid, cout, 1, 1, True, False))
            else:
                self.body = nn.Sequential(conv_bn(cin, cout, 3, stride, False, True),
                                          conv_bn(cout, cout, 3, 1, False, False))
            self.down = None
            if stride != 1 or cin != cout:
                self.down = conv_bn(cin, cout, 1, stride, False, False)
            self.relu = nn.ReLU()

        def forward(self, x):
            return self.relu(self.body(x) + (self.down(x) if self.down is not None else x))

    bottleneck = name == "resnet50"
    depths = [3, 4, 6, 3] if bottleneck else [2, 2, 2, 2]
    widths = [256, 512, 1024, 2048] if bottleneck else [64, 128, 256, 512]
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for depth, cout, stride in zip(depths, widths, [1, 2, 2, 2]):
        for i in range(depth):
            layers.append(Block(cin, cout, stride if i == 0 else 1, bottleneck))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 1000)]
    return nn.Sequential(*layers)


def torch_forward(name, shape, repeats):
    import torch
    if THREADS:
        torch.set_num_threads(THREADS)
    model = torch_model(name).eval()
    x = torch.rand(*shape)
    times = []
    with torch.no_grad():
        for _ in range(WARMUP):
            model(x)
        for _ in range(repeats):
            t = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t)
    return times


def ort_forward(name, shape, repeats, workdir):
    import numpy as np
    import onnxruntime as ort
    path = os.path.join(workdir, "%s-%s.onnx" % (name, "x".join(map(str, shape))))
    if not os.path.exists(path):
        import torch
        # The TorchScript exporter (dynamo=False): the torch.export one needs
        # onnxscript, which the bench venv does not carry.
        torch.onnx.export(torch_model(name).eval(), (torch.rand(*shape),), path + ".tmp",
                          input_names=["data"], opset_version=17, dynamo=False)
        os.replace(path + ".tmp", path)
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if THREADS:
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    x = {"data": np.random.RandomState(0).uniform(0, 1, shape).astype(np.float32)}
    for _ in range(WARMUP):
        sess.run(None, x)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        sess.run(None, x)
        times.append(time.perf_counter() - t)
    return times


def main():
    global THREADS  # pylint: disable=global-statement
    argv = sys.argv[1:]
    if argv[0].startswith("--threads="):
        THREADS = int(argv.pop(0).split("=")[1])
        # Read by MXNet's OpenMP (MKLDNN) when it loads.
        os.environ["OMP_NUM_THREADS"] = str(THREADS)
    mode = argv[0]
    if mode == "mxnet-bind":
        r = mxnet_bind(argv[1], shapes_of(argv[2:-1]), int(argv[-1]))
    elif mode == "mxnet-forward":
        r = mxnet_forward(argv[1], shapes_of(argv[2:-1]), int(argv[-1]))
    else:
        shape = tuple(int(d) for d in argv[2].split(","))
        if mode == "ort-forward":
            r = ort_forward(argv[1], shape, int(argv[3]), argv[4])
        else:
            r = torch_forward(argv[1], shape, int(argv[3]))
    print(json.dumps(r))


if __name__ == "__main__":
    main()
