#!/usr/bin/env python3
"""plan_memory.py - memory of a ResNet-18 training step: mxc's plan vs MXNet 1.9.1.

Builds the training graph MXNet's Module binds (ResNet-18 v1 from
test/data/models plus SoftmaxOutput; data and label without gradient),
asks MXNet's executor how much it allocates for it (debug_str: "Total N MB
allocated", the memory plan's pool, with and without MKLDNN) and asks mxc's
planner the same (mxc import, mx-gradient, mx-fuse as -O2 and above run
it, mx-plan-memory with stats): the arena placement (the pipeline's
default), MXNet's pool placement, without fusion (-O1), and one buffer per
value. Arguments, gradients and auxiliary states are bound arrays on both
sides and not counted. Compiled code's measured peak joins this table when
the executor runs training steps.

Run under any Python; MXNet's interpreter is found with --mxnet-python.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MXNET_SIDE = r"""
import os, re, sys
import mxnet as mx
model, batch, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
net = mx.sym.SoftmaxOutput(mx.sym.load(model), name='softmax')
net.save(out)
req = {n: ('null' if n in ('data', 'softmax_label') else 'write') for n in net.list_arguments()}
exe = net.simple_bind(mx.cpu(), data=(batch, 3, 224, 224), grad_req=req)
print(re.findall(r'Total (\d+) MB allocated', exe.debug_str())[-1])
"""


def mxnet_figure(python, model, batch, out, mkldnn):
    env = dict(os.environ, MXNET_MKLDNN_ENABLED="1" if mkldnn else "0",
               MXNET_STORAGE_FALLBACK_LOG_VERBOSE="0")
    r = subprocess.run([python, "-c", MXNET_SIDE, model, str(batch), out], capture_output=True,
                       text=True, env=env)
    if r.returncode != 0:
        sys.exit(f"MXNet failed:\n{r.stderr}")
    return float(r.stdout.strip().splitlines()[-1])


def mxc_plan(mxc, mxc_opt, symbol, batch, options, fuse=True):
    with tempfile.TemporaryDirectory() as tmp:
        mlir = os.path.join(tmp, "net.mlir")
        subprocess.run([mxc, "import", symbol, "--shape", f"data={batch},3,224,224", "-o", mlir],
                       check=True)
        r = subprocess.run([mxc_opt, mlir, "--mx-gradient=grad-req=data:null,softmax_label:null"] +
                           (["--mx-fuse"] if fuse else []) +
                           [f"--mx-plan-memory=stats {options}", "-o", os.devnull],
                           capture_output=True, text=True, check=True)
    m = re.search(r"planned (\d+) bytes.*unplanned (\d+) bytes.*peak live (\d+) bytes", r.stderr)
    return [int(x) / 2**20 for x in m.groups()]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--mxnet-python", default="/opt/mxnet-venv/bin/python")
    p.add_argument("--batch", type=int, default=32)
    args = p.parse_args()
    mxc = os.path.join(args.build, "bin", "mxc")
    mxc_opt = os.path.join(args.build, "bin", "mxc-opt")
    model = os.path.join(ROOT, "test", "data", "models", "resnet18_v1-symbol.json")
    with tempfile.TemporaryDirectory() as tmp:
        symbol = os.path.join(tmp, "resnet18_train-symbol.json")
        mx_plain = mxnet_figure(args.mxnet_python, model, args.batch, symbol, mkldnn=False)
        mx_mkldnn = mxnet_figure(args.mxnet_python, model, args.batch, symbol, mkldnn=True)
        arena, unplanned, peak = mxc_plan(mxc, mxc_opt, symbol, args.batch, "")
        pool, _, _ = mxc_plan(mxc, mxc_opt, symbol, args.batch, "placement=pool")
        unfused, _, _ = mxc_plan(mxc, mxc_opt, symbol, args.batch, "", fuse=False)
    anchor = min(mx_plain, mx_mkldnn)
    print(f"ResNet-18 v1 training step, batch {args.batch}, float32 (MB; planned intermediates)")
    print(f"{'plan':<44}{'MB':>10}{'/ MXNet':>10}{'/ unplanned':>13}")
    rows = [("mxc arena (default, fused)", arena), ("mxc pool (MXNet's algorithm)", pool),
            ("mxc arena without fusion (-O1)", unfused),
            ("mxc unplanned (one buffer per value)", unplanned),
            ("mxc peak of live values", peak),
            ("MXNet 1.9.1 debug_str, plain CPU", mx_plain),
            ("MXNet 1.9.1 debug_str, MKLDNN", mx_mkldnn)]
    for name, mb in rows:
        print(f"{name:<44}{mb:>10.1f}{mb / anchor:>10.3f}{mb / unplanned:>13.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
