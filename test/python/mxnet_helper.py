"""mxnet_helper.py - runs in MXNet 1.9.1's own interpreter (MXC_MXNET_PYTHON)
on behalf of mxc's tests: the reference side of the cross-checks.

Usage: python mxnet_helper.py COMMAND < payload.json > result.json
  save  {"path", "names" (null for a list), "arrays": npz path}   mx.nd.save
  load  {"path", "out": npz path}  -> {"names": [...] or null}     mx.nd.load
  index {"in": npz with x, "out": npz, "keys": [repr of a key]} -> x[key] per key
  ops   {"in": npz, "out": npz, "cases": [{"fn", "nin", "kwargs"}]}
        runs mx.nd.<fn>(*inputs, **eval(kwargs)) per case -> {"errors": {i: msg}}
  random {"seed", "calls": [...]} -> values drawn after mx.random.seed
  script {"cases": [{"code", "exprs": [...]}]} runs each case's code with
        `mx` and `np` bound, then evaluates its expressions -> {"results":
        [{"values": [...]} or {"error": type name, "message"}]} (the same
        code runs under mxc: differential tests of mx.sym)
Arrays travel as .npz files (exact values, any dtype).
"""
import json
import sys

import numpy as np
import mxnet as mx

from script_runner import run_script


def _arrays(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def save(p):
    arrs = _arrays(p["arrays"])
    values = [mx.nd.array(arrs["a%d" % i], dtype=arrs["a%d" % i].dtype)
              for i in range(len(arrs))]
    if p["names"] is None:
        mx.nd.save(p["path"], values)
    else:
        mx.nd.save(p["path"], dict(zip(p["names"], values)))
    return {}


def load(p):
    data = mx.nd.load(p["path"])
    names = None
    if isinstance(data, dict):
        names = list(data.keys())
        data = list(data.values())
    np.savez(p["out"], **{"a%d" % i: a.asnumpy() for i, a in enumerate(data)})
    return {"names": names}


def ops(p):
    arrs = _arrays(p["in"])
    out, errors = {}, {}
    for i, case in enumerate(p["cases"]):
        inputs = [mx.nd.array(arrs["c%d_%d" % (i, j)], dtype=arrs["c%d_%d" % (i, j)].dtype)
                  for j in range(case["nin"])]
        try:
            res = getattr(mx.nd, case["fn"])(*inputs, **eval(case["kwargs"]))  # noqa: S307
            res = res if isinstance(res, (list, tuple)) else [res]
            for k, r in enumerate(res):
                out["c%d_o%d" % (i, k)] = r.asnumpy()
        except Exception as e:  # pylint: disable=broad-except
            errors[i] = str(e).strip().splitlines()[-1][:300] if str(e).strip() else repr(e)
    np.savez(p["out"], **out)
    return {"errors": errors}


def index(p):
    x = mx.nd.array(_arrays(p["in"])["x"])
    out, errors = {}, {}
    for i, key in enumerate(p["keys"]):
        try:
            out["k%d" % i] = x[eval(key)].asnumpy()  # noqa: S307
        except Exception as e:  # pylint: disable=broad-except
            errors[i] = "%s: %s" % (key, str(e).strip().splitlines()[-1][:300])
    np.savez(p["out"], **out)
    return {"errors": errors}


def script(p):
    return {"results": [run_script(c, {"mx": mx, "np": np}) for c in p["cases"]]}


if __name__ == "__main__":
    payload = json.load(sys.stdin)
    json.dump(globals()[sys.argv[1]](payload), sys.stdout)
