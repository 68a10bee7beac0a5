"""script_runner.py - runs a differential test case (code, then expressions)
in a given environment; imported by mxnet_helper.py under MXNet 1.9.1 and
by mxc's tests, so both sides run and report a case the same way."""
import numpy as np


def jsonable(value):
    """A result as JSON can carry it: tuples as lists, NumPy types by name,
    arrays as nested lists."""
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, type) and issubclass(value, np.generic):
        return "dtype:" + np.dtype(value).name
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def run_script(case, env):
    """One script case in `env` (shared by the mxc side of the tests)."""
    # Fresh automatic-name counters (`_plus0`, ...) for every case, on both
    # sides: names must not depend on what ran before in the process.
    try:
        with env["mx"].name.NameManager():
            exec(case["code"], env)  # noqa: S102
            return {"values": [jsonable(eval(e, env)) for e in case["exprs"]]}  # noqa: S307
    except Exception as e:  # pylint: disable=broad-except
        return {"error": type(e).__name__, "message": str(e)}
