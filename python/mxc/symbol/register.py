"""register.py - fills mx.sym's op modules from the op table at import, as
MXNet's symbol/register.py does: one function per operator and alias, with
the same names, signatures and attribute handling as mx.nd's (the shared
generator is mxc/_registry.py), placed by name prefix (op, _internal,
linalg, contrib, random). Operators only compiler passes create are hidden.

A generated function has MXNet's signature -- inputs (``data=None``),
attributes (``=_Null``), ``name=None, attr=None, out=None, **kwargs``, or
``*data, **kwargs`` for variadic ops -- and hands everything to _apply:
Symbol keywords become inputs, the rest attributes (stringified as MXNet
does, dtypes as NumPy names), AttrScope's attributes are merged in, and the
NameManager names the node after the function (``fullyconnected0``).
"""
import keyword

from .. import _registry
from .. import attribute as _attribute
from ..base import _Null
from . import op, _internal, linalg, contrib, random
from .symbol import Symbol, create

_MODULES = {"op": op, "_internal": _internal, "linalg": linalg, "contrib": contrib,
            "random": random}


def _check(value, what):
    # MXNet asserts (AssertionError), and callers catch that.
    if not isinstance(value, Symbol):
        raise AssertionError("%s must be Symbol instances, but got %s" % (what, str(value)))


def _split_kwargs(kwargs, attr):
    """(symbol keywords, attribute keys, attribute values) of **kwargs plus
    the attribute scope's attributes."""
    kwargs.update(_attribute.current().get(attr))
    sym_kwargs, keys, vals = {}, [], []
    for k, v in kwargs.items():
        if isinstance(v, Symbol):
            sym_kwargs[k] = v
        else:
            keys.append(k)
            vals.append(v)
    return sym_kwargs, keys, vals


def _apply(info, func_name, inputs, attrs, name, attr, kwargs):
    """An op function's body: inputs ((name, value) pairs), attributes
    ((name, value) pairs, _Null when not given), **kwargs."""
    sym_kwargs, keys, vals = _split_kwargs(kwargs, attr)
    for input_name, value in inputs:
        if value is not None:
            _check(value, "Argument %s" % input_name)
            sym_kwargs[input_name] = value
    for attr_name, value in attrs:
        if value is not _Null:
            keys.append(attr_name)
            vals.append(value)
    _dtype_names(info, keys, vals)
    return create(info, func_name, (), sym_kwargs, keys, vals, name)


def _apply_variadic(info, func_name, args, kwargs):
    """A variadic op function's body (Concat(*data, **kwargs))."""
    for a in args:
        _check(a, "Positional arguments")
    attr = kwargs.pop("attr", None)
    name = kwargs.pop("name", None)
    kwargs.pop("out", None)
    sym_kwargs, keys, vals = _split_kwargs(kwargs, attr)
    _dtype_names(info, keys, vals)
    return create(info, func_name, tuple(args), sym_kwargs, keys, vals, name)


def _dtype_names(info, keys, vals):
    for i, k in enumerate(keys):
        a = info.attr(k)
        if a is not None and a.is_dtype:
            vals[i] = _registry.dtype_name(vals[i])


def make_function(info, func_name, module):
    """The mx.sym function of an operator, with MXNet's signature."""
    variadic = info.variadic_input
    scope = {"_Null": _Null, "_info": info, "_apply": _apply, "_apply_variadic": _apply_variadic}
    if variadic is not None:
        code = ("def %s(*%s, **kwargs):\n    return _apply_variadic(_info, %r, %s, kwargs)"
                % (func_name, variadic.name, func_name, variadic.name))
    else:
        inputs = [i.name for i in info.inputs]
        attrs = [a.name for a in info.attrs
                 if a.name != info.num_args_attr and not keyword.iskeyword(a.name) and
                 a.name not in inputs and a.name not in ("name", "attr", "out", "kwargs")]
        sig = ["%s=None" % n for n in inputs] + ["%s=_Null" % a for a in attrs]
        sig += ["name=None", "attr=None", "out=None", "**kwargs"]
        code = ("def %s(%s):\n    return _apply(_info, %r, (%s), (%s), name, attr, kwargs)"
                % (func_name, ", ".join(sig), func_name,
                   "".join("(%r, %s), " % (n, n) for n in inputs),
                   "".join("(%r, %s), " % (a, a) for a in attrs)))
    exec(code, scope)  # pylint: disable=exec-used
    func = scope[func_name]
    func.__doc__ = _registry.build_doc(info, func_name, "Symbol")
    func.__module__ = module
    func.__qualname__ = func_name
    return func


def init_ops():
    """Generates every op function (once, at import of mxc.symbol)."""
    for name, info in _registry.all_names():
        if info.internal:
            continue
        sub, func_name = _registry.placement(name)
        module = _MODULES.get(sub)
        if module is None or not func_name.isidentifier():
            continue
        setattr(module, func_name, make_function(info, func_name, "mxc.symbol." + sub))
        module.__all__.append(func_name)


# MXNet's fluent methods: sym.reshape(...) is op.reshape(sym, ...).
FLUENT = (
    "reshape reshape_like cast zeros_like ones_like broadcast_axes repeat pad swapaxes split "
    "slice slice_axis slice_like take one_hot pick sort topk argsort argmax argmax_channel "
    "argmin clip abs sign flatten shape_array size_array expand_dims broadcast_to "
    "broadcast_like tile transpose flip depth_to_space space_to_depth diag sum nansum prod "
    "nanprod mean max min norm round rint fix floor ceil trunc sin cos tan arcsin arccos "
    "arctan degrees radians sinh cosh tanh arcsinh arccosh arctanh exp expm1 log log10 log2 "
    "log1p sqrt rsqrt cbrt rcbrt square reciprocal relu sigmoid softmax log_softmax softmin "
    "squeeze").split()


def init_fluent():
    """Symbol.<op>(...) for MXNet's fluent methods whose op exists."""
    for name in FLUENT:
        func = getattr(op, name, None)
        if func is None or hasattr(Symbol, name):
            continue

        def method(self, *args, _func=func, **kwargs):
            return _func(self, *args, **kwargs)
        method.__name__ = name
        method.__doc__ = "Convenience fluent method for :py:func:`%s`." % name
        setattr(Symbol, name, method)
