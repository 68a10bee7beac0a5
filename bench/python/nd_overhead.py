#!/usr/bin/env python3
"""nd_overhead.py - the per-op cost of the Python frontend, against MXNet 1.9.1
and PyTorch measured in the same run.

1. `c = a + b` on 4-element float32 arrays: microseconds per op, the final
   wait included (mx.nd.waitall; PyTorch runs synchronously). This is the
   whole path of an imperative op: Python operator, C API, inference,
   allocation, engine push, kernel, freeing the previous result. Besides
   wall time per op, CPU time per op (time.process_time: every thread of the
   process) is shown: on a loaded machine the wall time mostly measures
   waiting for a core, the CPU time does not.
2. `asnumpy()` of a 64 MB float32 array against a NumPy copy of the same size.

Each framework runs in its own interpreter (subprocess): mxc in this one's
(.venv), MXNet in MXC_MXNET_PYTHON (/opt/mxnet-venv/bin/python), PyTorch in
MXC_TORCH_PYTHON (/opt/bench-venv/bin/python); a missing one is reported as
such. Min/median/max over repeats; the machine's load is printed first.

Usage: python bench/python/nd_overhead.py [--ops N] [--repeats R]
"""
import argparse
import json
import os
import subprocess
import sys

PROGRAMS = {
    "mxc": ("import mxc as mx", "mx.nd.ones({n}, dtype='float32')", "mx.nd.waitall()",
            "x.asnumpy()"),
    "mxnet-1.9.1": ("import mxnet as mx", "mx.nd.ones({n}, dtype='float32')",
                    "mx.nd.waitall()", "x.asnumpy()"),
    "pytorch": ("import torch", "torch.ones({n}, dtype=torch.float32)", "pass",
                "x.numpy().copy()"),
}

TEMPLATE = r"""
import json, time
import numpy as np
{imp}
a = {make4}
b = {make4}
c = a + b
{wait}
ops, repeats = {ops}, {repeats}
per_op, cpu_per_op = [], []
for _ in range(repeats):
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(ops):
        c = a + b
    {wait}
    per_op.append((time.perf_counter() - t0) / ops * 1e6)
    cpu_per_op.append((time.process_time() - c0) / ops * 1e6)
x = {make64}
{wait}
to_numpy = []
for _ in range(repeats):
    t0 = time.perf_counter()
    y = {asnumpy}
    to_numpy.append((time.perf_counter() - t0) * 1e3)
src = np.ones({big}, dtype=np.float32)
np_copy = []
for _ in range(repeats):
    t0 = time.perf_counter()
    y = src.copy()
    np_copy.append((time.perf_counter() - t0) * 1e3)
print(json.dumps({{"add_us": per_op, "add_cpu_us": cpu_per_op, "asnumpy_ms": to_numpy, "numpy_copy_ms": np_copy}}))
"""

BIG = 16 * 1024 * 1024  # float32 elements: 64 MB


def interpreters():
    return {
        "mxc": sys.executable,
        "mxnet-1.9.1": os.environ.get("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python"),
        "pytorch": os.environ.get("MXC_TORCH_PYTHON", "/opt/bench-venv/bin/python"),
    }


def run(name, python, ops, repeats):
    imp, make, wait, asnumpy = PROGRAMS[name]
    code = TEMPLATE.format(imp=imp, make4=make.format(n=4), make64=make.format(n=BIG),
                           wait=wait, asnumpy=asnumpy, ops=ops, repeats=repeats, big=BIG)
    if not os.path.exists(python):
        return None, "interpreter %s not found" % python
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd="/")
    if proc.returncode != 0:
        return None, proc.stderr.strip().splitlines()[-1]
    return json.loads(proc.stdout.strip().splitlines()[-1]), None


def stats(values):
    v = sorted(values)
    return v[0], v[len(v) // 2], v[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=20000, help="ops per repeat")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()

    print("load: %s" % subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print("ops per repeat: %d, repeats: %d, CPU workers: %s" % (
        args.ops, args.repeats, os.environ.get("MXC_CPU_WORKER_NTHREADS", "all cores")))
    results = {}
    for name, python in interpreters().items():
        res, err = run(name, python, args.ops, args.repeats)
        results[name] = res
        if err:
            print("%s: not measured (%s)" % (name, err))

    ours = results.get("mxc")
    for key, title in (("add_us", "wall time"), ("add_cpu_us", "CPU time, all threads")):
        print("\nc = a + b, 4 x float32, final wait included: %s (us/op)" % title)
        print("%-14s %9s %9s %9s %14s" % ("", "min", "median", "max", "median/mxc"))
        for name, res in results.items():
            if res is None:
                continue
            lo, med, hi = stats(res[key])
            ratio = med / stats(ours[key])[1] if ours else float("nan")
            print("%-14s %9.2f %9.2f %9.2f %14.2f" % (name, lo, med, hi, ratio))

    print("\nasnumpy of 64 MB float32 (ms)")
    print("%-24s %9s %9s %9s %10s" % ("", "min", "median", "max", "GB/s"))
    rows = []
    if ours:
        rows.append(("mxc asnumpy", ours["asnumpy_ms"]))
        rows.append(("numpy copy (anchor)", ours["numpy_copy_ms"]))
    for name in ("mxnet-1.9.1", "pytorch"):
        if results.get(name):
            rows.append(("%s %s" % (name, "asnumpy" if name != "pytorch" else "numpy().copy()"),
                         results[name]["asnumpy_ms"]))
    for label, values in rows:
        lo, med, hi = stats(values)
        print("%-24s %9.2f %9.2f %9.2f %10.2f" % (label, lo, med, hi, BIG * 4 / med / 1e6))
    if ours:
        print("\nmxc asnumpy / numpy copy (median): %.2f" % (
            stats(ours["asnumpy_ms"])[1] / stats(ours["numpy_copy_ms"])[1]))
        if results.get("mxnet-1.9.1"):
            for key, title in (("add_us", "wall"), ("add_cpu_us", "CPU")):
                med = stats(ours[key])[1]
                ref = stats(results["mxnet-1.9.1"][key])[1]
                print("goal (%s): <= 3 us/op and <= half of MXNet 1.9.1: %.2f us/op, %.2f of "
                      "MXNet -> %s" % (title, med, med / ref,
                                       "met" if med <= 3 and med <= ref / 2 else "NOT met"))


if __name__ == "__main__":
    main()
