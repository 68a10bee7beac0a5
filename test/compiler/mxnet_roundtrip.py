#!/usr/bin/env python3
"""Export -> MXNet 1.9.1 load -> tojson gives back the same bytes.

For every reference model (test/data/models/*-symbol.json, written by MXNet)
and every legacy graph (test/data/models/legacy/*.json):
  * `mxc import` then `mxc export` must reproduce a 1.x file byte for byte;
  * MXNet must load what we wrote and write it back identically, with the
    same arguments, outputs and auxiliary states as the original;
  * a legacy file must come out as MXNet's own upgrade of it (input versions
    aside: MXNet leaves the upgraded auxiliary inputs at version 0, we write
    the version a freshly composed graph has).
Exits 77 (ctest: skipped) when MXNet's Python is missing.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

CHECK_IN_MXNET = r"""
import json, sys
import mxnet as mx
ours, original = sys.argv[1], sys.argv[2]
a = mx.sym.load(ours)
b = mx.sym.load(original)
text = open(ours).read()
print(json.dumps({
    "reserialized": a.tojson(),
    "original_reserialized": b.tojson(),
    "lists_equal": [a.list_arguments() == b.list_arguments(),
                    a.list_outputs() == b.list_outputs(),
                    a.list_auxiliary_states() == b.list_auxiliary_states()],
}))
"""


def first_difference(a, b):
    """'line N: <ours> | <theirs>' for the first line where two texts differ."""
    for n, (x, y) in enumerate(zip(a.splitlines(), b.splitlines()), 1):
        if x != y:
            return f"line {n}: ours {x.strip()!r}, MXNet {y.strip()!r}"
    return "one is a prefix of the other"


def without_versions(text):
    graph = json.loads(text)
    for node in graph["nodes"]:
        node["inputs"] = [entry[:2] for entry in node["inputs"]]
    return graph


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mxc", required=True)
    p.add_argument("--mxnet-python", required=True)
    p.add_argument("--models", required=True)
    args = p.parse_args()
    if not os.path.exists(args.mxnet_python):
        print(f"SKIP: no MXNet at {args.mxnet_python} (set MXC_MXNET_PYTHON)")
        return 77
    models = pathlib.Path(args.models)
    files = sorted(models.glob("*-symbol.json")) + sorted(models.glob("legacy/*.json"))
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            legacy = path.parent.name == "legacy"
            out = pathlib.Path(tmp) / path.name
            imported = subprocess.run([args.mxc, "import", str(path)], capture_output=True, text=True)
            exported = subprocess.run([args.mxc, "export", "-", "-o", str(out)],
                                      input=imported.stdout, capture_output=True, text=True)
            if imported.returncode or exported.returncode:
                failures.append(f"{path.name}: mxc failed:\n{imported.stderr}{exported.stderr}")
                continue
            ours = out.read_text()
            if not legacy and ours != path.read_text():
                failures.append(f"{path.name}: export differs from the file MXNet wrote, "
                                f"{first_difference(ours, path.read_text())}")
            check = subprocess.run([args.mxnet_python, "-c", CHECK_IN_MXNET, str(out), str(path)],
                                   capture_output=True, text=True)
            if check.returncode:
                failures.append(f"{path.name}: MXNet could not load our export:\n{check.stderr}")
                continue
            result = json.loads(check.stdout.splitlines()[-1])
            if result["reserialized"] != ours:
                failures.append(f"{path.name}: MXNet's tojson of our export differs from it, "
                                f"{first_difference(ours, result['reserialized'])}")
            if not all(result["lists_equal"]):
                failures.append(f"{path.name}: arguments/outputs/aux differ: {result['lists_equal']}")
            if legacy and without_versions(ours) != without_versions(result["original_reserialized"]):
                failures.append(f"{path.name}: our upgrade differs from MXNet's, " + first_difference(
                    json.dumps(without_versions(ours), indent=1),
                    json.dumps(without_versions(result["original_reserialized"]), indent=1)))
            failed = any(f.startswith(path.name + ":") for f in failures)
            print(f"{path.name}: {'FAILED' if failed else 'ok'}")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
