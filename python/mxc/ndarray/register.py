"""register.py - fills mx.nd's op modules from the op table at import, as
MXNet's ndarray/register.py does: one generated function per operator and
alias, placed by name prefix (op, _internal, linalg, contrib, random)."""
from .. import _mxc, _registry
from . import op, _internal, linalg, contrib, random

_MODULES = {"op": op, "_internal": _internal, "linalg": linalg, "contrib": contrib,
            "random": random}


def init_ops():
    """Generates every op function (once, at import of mxc.ndarray)."""
    for name, info in _registry.all_names():
        sub, func_name = _registry.placement(name)
        module = _MODULES.get(sub)
        if module is None or not func_name.isidentifier():
            continue
        func = _registry.make_function(info, func_name, _mxc.invoke, _mxc.NDArrayBase,
                                       "mxc.ndarray." + sub)
        setattr(module, func_name, func)
        module.__all__.append(func_name)
