#!/usr/bin/env python3
"""Fails when runtime/ includes compiler-side headers or when libmxrt needs
an MLIR or LLVM shared library (readelf's NEEDED entries)."""
import argparse
import pathlib
import re
import subprocess
import sys

FORBIDDEN_INCLUDE = re.compile(
    r'^\s*#\s*include\s*[<"](mlir/|llvm/|mx/|passes/|codegen/|compiler/|dialects/)')
FORBIDDEN_LIB = re.compile(r"lib(MLIR|LLVM)[^ ]*\.so")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--source", required=True)
    p.add_argument("--library", required=True)
    args = p.parse_args()
    bad = []
    for path in sorted(pathlib.Path(args.source).rglob("*")):
        if path.suffix not in (".h", ".cc", ".cu", ".cuh", ".inc"):
            continue
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if FORBIDDEN_INCLUDE.match(line):
                bad.append(f"{path}:{n}: runtime includes compiler code: {line.strip()}")
    out = subprocess.run(["readelf", "-d", args.library], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        if "NEEDED" in line and FORBIDDEN_LIB.search(line):
            bad.append(f"{args.library}: needs {line.split()[-1]}")
    if bad:
        print("\n".join(bad))
        sys.exit(1)
    print("runtime layering ok")


if __name__ == "__main__":
    main()
