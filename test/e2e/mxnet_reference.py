#!/usr/bin/env python3
"""Reference data for the end-to-end tests, computed by MXNet 1.9.1.

Run with MXNet's Python (/opt/mxnet-venv/bin/python):

  mxnet_reference.py ops --out DIR
      For every case of op_cases.py: DIR/<case>/symbol.json, one .npy per
      input (arguments and auxiliary states), one .npy per output named as
      MXNet's list_outputs() names it, and meta.json (input shapes).
  mxnet_reference.py model --symbol net-symbol.json --shape data=1,3,224,224 --out DIR
      Random parameters scaled by fan-in (so activations stay in range) saved
      as DIR/net.params with arg:/aux: prefixes as MXNet checkpoints do, the
      input as DIR/data.npy, MXNet's inference outputs as DIR/<output>.npy.
      With --grads: a training step instead: forward(is_train=True), then
      backward (head gradients of ones for outputs that are not losses);
      the outputs, and DIR/<argument>_grad.npy for every parameter (the
      inputs given by --shape and labels take grad_req null).

Inputs are random with a fixed seed; the compiled module must reproduce the
outputs within float32 tolerance.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("MXNET_SUBGRAPH_VERBOSE", "0")
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def save_outputs(exe, sym, out):
    for name, arr in zip(sym.list_outputs(), exe.outputs):
        np.save(os.path.join(out, name + ".npy"), arr.asnumpy())


def run_ops(out_dir):
    import op_cases
    for index, (name, expr, shapes, (lo, hi)) in enumerate(op_cases.cases()):
        case_dir = os.path.join(out_dir, name)
        os.makedirs(case_dir, exist_ok=True)
        rng = np.random.RandomState(index)
        env = {"mx": mx}
        env.update({n: mx.sym.var(n) for n in shapes})
        sym = eval(expr, env)  # noqa: S307 - our own table
        arrays = {}
        for n, s in shapes.items():
            # Variances (auxiliary 'v') must be positive.
            a, b = (0.5, 1.5) if n == "v" else (lo, hi)
            arrays[n] = rng.uniform(a, b, s).astype(np.float32)
            np.save(os.path.join(case_dir, n + ".npy"), arrays[n])
        args = {n: mx.nd.array(arrays[n]) for n in sym.list_arguments()}
        aux = {n: mx.nd.array(arrays[n]) for n in sym.list_auxiliary_states()}
        exe = sym.bind(mx.cpu(), args, aux_states=aux, grad_req="null")
        exe.forward(is_train=False)
        save_outputs(exe, sym, case_dir)
        sym.save(os.path.join(case_dir, "symbol.json"))
        with open(os.path.join(case_dir, "meta.json"), "w") as f:
            json.dump({"expr": expr, "shapes": shapes}, f)


def run_model(symbol_file, shapes, out_dir, seed, grads=False):
    os.makedirs(out_dir, exist_ok=True)
    sym = mx.sym.load(symbol_file)
    arg_shapes, _, aux_shapes = sym.infer_shape(**shapes)
    rng = np.random.RandomState(seed)
    params, args = {}, {}
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        if name in shapes:
            a = rng.uniform(-1, 1, shape).astype(np.float32)
            np.save(os.path.join(out_dir, name + ".npy"), a)
        elif name.endswith("label"):
            a = rng.randint(0, 10, shape).astype(np.float32)
        elif name.endswith("gamma"):
            a = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        elif name.endswith("beta") or name.endswith("bias"):
            a = rng.uniform(-0.2, 0.2, shape).astype(np.float32)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else int(shape[0])
            s = np.sqrt(3.0 / max(fan_in, 1))
            a = rng.uniform(-s, s, shape).astype(np.float32)
        args[name] = mx.nd.array(a)
        if name not in shapes:
            params["arg:" + name] = args[name]
    aux = {}
    for name, shape in zip(sym.list_auxiliary_states(), aux_shapes):
        if name.endswith("var"):
            a = rng.uniform(0.5, 1.5, shape).astype(np.float32)
        else:
            a = rng.uniform(-0.2, 0.2, shape).astype(np.float32)
        aux[name] = mx.nd.array(a)
        params["aux:" + name] = aux[name]
    mx.nd.save(os.path.join(out_dir, "net.params"), params)
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump({"symbol": symbol_file, "shapes": shapes}, f)
    if not grads:
        exe = sym.bind(mx.cpu(), args, aux_states=aux, grad_req="null")
        exe.forward(is_train=False)
        save_outputs(exe, sym, out_dir)
        return
    reqs = {n: "null" if n in shapes or n.endswith("label") else "write"
            for n in sym.list_arguments()}
    arg_grads = {n: mx.nd.zeros(a.shape) for n, a in args.items() if reqs[n] == "write"}
    exe = sym.bind(mx.cpu(), args, args_grad=arg_grads, aux_states=aux, grad_req=reqs)
    exe.forward(is_train=True)
    exe.backward([mx.nd.ones(o.shape) for o in exe.outputs])
    save_outputs(exe, sym, out_dir)
    for name, g in arg_grads.items():
        np.save(os.path.join(out_dir, name + "_grad.npy"), g.asnumpy())


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    ops = sub.add_parser("ops")
    ops.add_argument("--out", required=True)
    model = sub.add_parser("model")
    model.add_argument("--symbol", required=True)
    model.add_argument("--shape", action="append", default=[])
    model.add_argument("--out", required=True)
    model.add_argument("--seed", type=int, default=0)
    model.add_argument("--grads", action="store_true")
    a = p.parse_args()
    if a.mode == "ops":
        run_ops(a.out)
    else:
        shapes = {}
        for s in a.shape:
            name, dims = s.split("=")
            shapes[name] = tuple(int(d) for d in dims.split(","))
        run_model(a.symbol, shapes, a.out, a.seed, a.grads)


if __name__ == "__main__":
    main()
