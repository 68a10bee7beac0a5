"""_registry.py - the op table as Python objects, and the generator of op
functions (mx.nd.*, later mx.sym.*) from it, like MXNet's register.py.

The table is read once through the C API (``_mxc.op_list``); it is the one
list of operators (generated from the mx dialect's ODS). ``make_function``
writes a function per operator (and alias) with the op's input names as
arguments, its attributes as keywords defaulting to ``_Null``, ``out=`` and
``name=``, and a docstring in MXNet's layout built from the table's summary,
description and attribute list. Attribute values are sent as MXNet sends
them: ``str(v)`` ("True", "(3, 3)", "0.9", "None"), dtypes as NumPy names.

The generator knows nothing about NDArray: a frontend passes the invoke
function its generated code calls, so mx.sym can reuse it with a symbol
composer.
"""
import keyword
import textwrap

import numpy as _np

from . import _mxc
from .base import _Null

# Attribute kinds, in the order of mxrt::AttrKind (mxrt/op_table.h).
(INT, OPT_INT, FLOAT, OPT_FLOAT, BOOL, ENUM, OPT_ENUM, STR, SHAPE, OPT_SHAPE, DTYPE, OPT_DTYPE,
 OPT_BOOL, INT_OR_NONE_TUPLE) = range(14)

_KIND_DOC = {
    INT: "int", OPT_INT: "int or None", FLOAT: "float", OPT_FLOAT: "float or None",
    BOOL: "boolean", STR: "string", SHAPE: "Shape(tuple)", OPT_SHAPE: "Shape or None",
    OPT_BOOL: "boolean or None", INT_OR_NONE_TUPLE: "tuple of <int or None>",
}

# Conditions on inputs (mxrt::CondOp).
COND_ALWAYS, COND_TRUTHY, COND_FALSY, COND_EQ, COND_NE = range(5)


class InputInfo(object):
    """One input of an operator, and when it exists."""
    __slots__ = ("name", "optional", "variadic", "cond_attr", "cond", "cond_value")

    def __init__(self, name, optional, variadic, cond_attr, cond, cond_value):
        self.name, self.optional, self.variadic = name, optional, variadic
        self.cond_attr, self.cond, self.cond_value = cond_attr, cond, cond_value


class AttrInfo(object):
    """One attribute: name, kind, default (MXNet's string form), choices."""
    __slots__ = ("name", "kind", "default", "required", "choices")

    def __init__(self, name, kind, default, required, choices):
        self.name, self.kind, self.default = name, kind, default
        self.required, self.choices = required, tuple(choices)

    @property
    def is_dtype(self):
        return self.kind in (DTYPE, OPT_DTYPE)

    def type_doc(self):
        """MXNet's type line: "int, required", "{'relu', 'tanh'}, required"..."""
        if self.kind in (ENUM, DTYPE):
            kind = "{%s}" % ", ".join("'%s'" % c for c in self.choices)
        elif self.kind in (OPT_ENUM, OPT_DTYPE):
            kind = "{None, %s}" % ", ".join("'%s'" % c for c in self.choices)
        else:
            kind = _KIND_DOC[self.kind]
        if self.required:
            return kind + ", required"
        return "%s, optional, default='%s'" % (kind, self.default)


class OpInfo(object):
    """An operator of the table (``handle`` is the native ``_mxc.Op``)."""

    def __init__(self, handle):
        info = handle.info()
        self.handle = handle
        self.name = info["name"]
        self.summary = info["summary"]
        self.description = textwrap.dedent(info["description"]).strip()
        self.aliases = tuple(info["aliases"])
        self.inputs = [InputInfo(*i) for i in info["inputs"]]
        self.attrs = [AttrInfo(*a) for a in info["attrs"]]
        self.num_outputs = info["num_outputs"]
        self.num_outputs_expr = info["num_outputs_expr"]
        self.visible_outputs = info["visible_outputs"]
        self.output_names = tuple(info["output_names"])
        self.num_args_attr = info["num_args_attr"]
        self.mutate_inputs = tuple(info["mutate_inputs"])
        self.is_loss = info["is_loss"]
        self.no_gradient = info["no_gradient"]
        self.name_hint = info["name_hint"]
        self.internal = info["internal"]
        # The runtime has a CPU kernel: mx.nd runs it, and bound symbols
        # compile the op through it when no lowering handles it.
        self.has_cpu_kernel = info["has_cpu_kernel"]
        # input name -> initializer MXNet sets as `__init__` on a variable
        # composed into it (BatchNorm: moving_mean -> zero).
        self.input_inits = dict(e.split(":", 1) for e in info["input_inits"])

    @property
    def variadic_input(self):
        """The variadic input (concat's `data`), or None."""
        for i in self.inputs:
            if i.variadic:
                return i
        return None

    def attr(self, name):
        for a in self.attrs:
            if a.name == name:
                return a
        return None

    def __repr__(self):
        return "<OpInfo %s>" % self.name


_OPS = None


def ops():
    """Every operator of the table, by name (read once)."""
    global _OPS  # pylint: disable=global-statement
    if _OPS is None:
        _OPS = {}
        for handle in _mxc.op_list():
            info = OpInfo(handle)
            _OPS[info.name] = info
    return _OPS


def all_names():
    """(name, OpInfo) for every operator and every alias."""
    for info in ops().values():
        yield info.name, info
        for alias in info.aliases:
            yield alias, info


def attr_string(value):
    """An attribute value as MXNet sends it to the backend: str(v) ("True",
    "(3, 3)", "0.9", "None"); strings as they are. _mxc.invoke applies the
    same rule natively; a symbol frontend calls this one."""
    return value if isinstance(value, str) else str(value)


def dtype_name(value):
    """MXNet's form of a dtype attribute: the NumPy name ('float32')."""
    if value is None:
        return "None"
    dt = _np.dtype(value)
    return dt.names[0] if dt.names else dt.name


def build_doc(info, func_name, array_type="NDArray"):
    """The docstring of an op function, in MXNet's layout."""
    params = []
    for i in info.inputs:
        kind = array_type + ("[]" if i.variadic else "")
        note = ""
        if i.cond != COND_ALWAYS:
            op = {COND_TRUTHY: "if %s", COND_FALSY: "if not %s",
                  COND_EQ: "if %s == '%s'", COND_NE: "if %s != '%s'"}[i.cond]
            note = "\n    Present " + (op % ((i.cond_attr,) if i.cond in (COND_TRUTHY, COND_FALSY)
                                           else (i.cond_attr, i.cond_value))) + "."
        params.append("%s : %s%s" % (i.name, kind, note))
    for a in info.attrs:
        if a.name == info.num_args_attr:
            continue
        params.append("%s : %s" % (a.name, a.type_doc()))
    body = info.summary
    if info.description:
        body += "\n\n" + info.description
    if info.aliases or func_name != info.name:
        names = [n for n in (info.name,) + info.aliases if n != func_name]
        body += "\n\nAlso available as: " + ", ".join(names) + "."
    return ("%s\n\nParameters\n----------\n%s\nout : %s, optional\n"
            "    The output %s to hold the result.\n\nReturns\n-------\n"
            "out : %s or list of %ss\n    The output of this function.\n"
            % (body, "\n".join(params), array_type, array_type, array_type, array_type))


def make_function(info, func_name, invoke, array_types, module, array_type="NDArray"):
    """A function running `info` through `invoke(op, inputs, keys, vals, out)`.

    array_types: the class (or tuple) an input must be an instance of. The signature
    follows MXNet: inputs first (`data=None`), then attributes (`=_Null`),
    then `out=None, name=None, **kwargs`; a variadic op takes `*data`.
    """
    variadic = info.variadic_input
    input_names = {i.name for i in info.inputs}
    # Attributes that cannot be Python parameters stay reachable through **kwargs.
    attrs = [a for a in info.attrs if a.name != info.num_args_attr and
             not keyword.iskeyword(a.name) and a.name not in input_names and
             a.name not in ("out", "name", "kwargs")]
    dtype_attrs = [a.name for a in attrs if a.is_dtype]
    code = []
    if variadic is not None:
        code.append("def %s(*%s, **kwargs):" % (func_name, variadic.name))
        code.append("    ndargs = list(%s)" % variadic.name)
        code.append("    for i in ndargs:")
        code.append("        if not isinstance(i, _array_types):")
        code.append("            raise TypeError('Positional arguments must have %s type, "
                    "but got %%s' %% (str(i),))" % array_type)
        for name in dtype_attrs:
            code.append("    if kwargs.get('%s', _Null) is not _Null:" % name)
            code.append("        kwargs['%s'] = _dtype_name(kwargs['%s'])" % (name, name))
        code.append("    kwargs.pop('name', None)")
        code.append("    out = kwargs.pop('out', None)")
        code.append("    keys = list(kwargs.keys())")
        code.append("    vals = list(kwargs.values())")
    else:
        inputs = [i.name for i in info.inputs]
        sig = ["%s=None" % n for n in inputs] + ["%s=_Null" % a.name for a in attrs]
        sig += ["out=None", "name=None", "**kwargs"]
        code.append("def %s(%s):" % (func_name, ", ".join(sig)))
        code.append("    ndargs = []")
        for n in inputs:
            code.append("    if %s is not None:" % n)
            code.append("        if not isinstance(%s, _array_types):" % n)
            code.append("            raise TypeError('Argument %s must have %s type, "
                        "but got %%s' %% (str(%s),))" % (n, array_type, n))
            code.append("        ndargs.append(%s)" % n)
        if attrs:
            code.append("    keys = list(kwargs)")
            code.append("    vals = list(kwargs.values())")
        else:
            code.append("    keys = list(kwargs) if kwargs else []")
            code.append("    vals = list(kwargs.values()) if kwargs else []")
        for a in attrs:
            code.append("    if %s is not _Null:" % a.name)
            code.append("        keys.append('%s')" % a.name)
            if a.is_dtype:
                code.append("        vals.append(_dtype_name(%s))" % a.name)
            else:
                code.append("        vals.append(%s)" % a.name)
        for name in dtype_attrs:  # also when given through **kwargs
            code.append("    if '%s' in kwargs:" % name)
            code.append("        vals[keys.index('%s')] = _dtype_name(kwargs['%s'])" % (name, name))
    code.append("    return _invoke(_op, ndargs, keys, vals, out)")
    scope = {"_Null": _Null, "_op": info.handle, "_invoke": invoke,
             "_array_types": array_types, "_dtype_name": dtype_name}
    exec("\n".join(code), scope)  # pylint: disable=exec-used
    func = scope[func_name]
    func.__doc__ = build_doc(info, func_name, array_type)
    func.__module__ = module
    func.__qualname__ = func_name
    return func


# MXNet's submodules by op name prefix (base.py _OP_NAME_PREFIX_LIST).
_PREFIXES = ("_contrib_", "_linalg_", "_sparse_", "_image_", "_random_")


def placement(name):
    """(submodule, function name) of an op name, as MXNet's _init_op_module:
    '_linalg_gemm' -> ('linalg', 'gemm'); '_random_uniform' -> ('_internal',
    '_random_uniform'); '_random_uniform_like' -> ('random', 'uniform_like');
    '_plus_scalar' -> ('_internal', ...); 'relu' -> ('op', 'relu')."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            if prefix == "_random_" and not name.endswith("_like"):
                return "_internal", name
            return prefix[1:-1], name[len(prefix):]
    if name.startswith("_"):
        return "_internal", name
    return "op", name
