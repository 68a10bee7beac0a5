"""Every op case of op_cases.py: compiled forward (mxc compile + mxc-run)
against MXNet 1.9.1 on the same random inputs."""
import json
import os

import pytest

from conftest import assert_outputs_match, compile_and_run
from op_cases import cases

# Polynomial approximations (exp, tanh, erf, ...) are within a few ulp;
# sums over a window or a row compound rounding.
RTOL = 2e-4
ATOL = 2e-5


@pytest.mark.parametrize("name", [c[0] for c in cases()])
def test_op(name, op_reference, cache_dir, tmp_path):
    case_dir = os.path.join(op_reference, name)
    with open(os.path.join(case_dir, "meta.json")) as f:
        shapes = json.load(f)["shapes"]
    got = compile_and_run(case_dir, shapes, str(tmp_path))
    assert_outputs_match(case_dir, got, rtol=RTOL, atol=ATOL)
