"""infer.py - Symbol.infer_shape / infer_shape_partial / infer_type /
infer_type_partial, computed by the compiler's passes.

The symbol's JSON goes to mxc._compiler (libmxc_compiler: mx-infer-shape
or mx-infer-type over the imported graph, the same inference `mxc compile`
and bind use), imported the first time it is needed so that `import mxc`
loads no MLIR. This file only does MXNet's Python-side rules (mxnet-formats.md
section 4): positional or keyword shapes, TypeError and ValueError on bad
forms, MXNet's message for an unknown name, legacy 0-means-unknown, the
(None, None, None) result with a warning when something stays unknown, and
"infer_shape error. Arguments:" printed before an error is re-raised.
"""
import collections
import json as _json
import warnings

import numpy as _np

from ..base import MXNetError
from .symbol import Symbol

_COMPILER = None


def compiler():
    """The compiler extension (mxc._compiler), imported on first use."""
    global _COMPILER  # pylint: disable=global-statement
    if _COMPILER is None:
        try:
            from .. import _compiler  # pylint: disable=import-outside-toplevel
        except ImportError as e:
            raise MXNetError("mx.sym needs the compiler extension mxc._compiler for shape and "
                             "type inference and binding, which this installation lacks (%s); "
                             "build with MXC_BUILD_COMPILER=ON" % e) from None
        _COMPILER = _compiler
    return _COMPILER


def _given(sym, what, args, kwargs, check):
    """{name: value} from positional (list_arguments order) or keyword forms."""
    if args and kwargs:
        raise ValueError("Can only specify known argument %s either by positional or kwargs way."
                         % what)
    given = {}
    if args:
        names = sym.list_arguments()
        if len(args) > len(names):
            raise ValueError("%d %s given for %d arguments (%s)"
                             % (len(args), what, len(names), ", ".join(names)))
        for i, value in enumerate(args):
            if value is not None:
                value = check(value, "argument %d" % i)
                if value is not None:
                    given[names[i]] = value
        return given
    inputs = sym.list_inputs()
    unknown = [k for k in kwargs if k not in inputs]
    if unknown:
        prefix = "InferShape" if what == "shapes" else "InferType"
        raise MXNetError("%sKeyword argument name %s not found.\nCandidate arguments:\n%s" % (
            prefix, unknown[0], "".join("\t[%d]%s\n" % (i, n) for i, n in
                                        enumerate(sym.list_arguments()))))
    for k, v in kwargs.items():
        v = check(v, "'%s'" % k)
        if v is not None:
            given[k] = v
    return given


def _shape_check(value, where):
    if not isinstance(value, tuple):
        raise TypeError("Arguments need to be shapes (tuple), but %s is %s." % (where, type(value)))
    if not value:
        return None  # () is an unknown shape in MXNet 1.x
    return ",".join("?" if d is None else str(int(d)) for d in value)


def _to_legacy(shape):
    """A shape from the compiler in MXNet 1.x's form: () unknown, 0 dims unknown."""
    if shape is None:
        return ()
    return tuple(0 if d < 0 else d for d in shape)


_MEMO = collections.OrderedDict()  # (kind, json, given) -> the compiler's answer
_MEMO_SIZE = 64


def _run(sym, fn, given):
    """The compiler's answer for this graph and these givens; the last
    answers are kept (simple_bind and print_summary ask again and again)."""
    text = ";".join("%s:%s" % kv for kv in given.items())
    key = (fn.__name__, sym.tojson(), text)
    answer = _MEMO.get(key)
    if answer is None:
        answer = fn(key[1], text)
        _MEMO[key] = answer
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(key)
    result = _json.loads(answer)
    names = sym.list_arguments()
    if result["argument_names"] != names:  # defensive: the compiler orders as MXNet
        by_name = dict(zip(result["argument_names"], result["arguments"]))
        result["arguments"] = [by_name.get(n) for n in names]
    return result


def _infer_shape_impl(self, partial, *args, **kwargs):
    given = _given(self, "shapes", args, kwargs, _shape_check)
    r = _run(self, compiler().infer_shape, given)
    shapes = [[_to_legacy(s) for s in r[k]] for k in ("arguments", "outputs", "aux")]
    if not partial:
        for group in (r["arguments"], r["outputs"], r["aux"]):
            if any(s is None or -1 in s for s in group):
                return (None, None, None)
    return tuple(shapes)


def infer_shape(self, *args, **kwargs):
    """(arg_shapes, out_shapes, aux_shapes) given some argument shapes
    (positional in list_arguments() order, or by name); (None, None, None)
    and a warning when some shape cannot be decided."""
    try:
        res = self._infer_shape_impl(False, *args, **kwargs)
        if res[1] is None:
            arg_shapes, _, _ = self._infer_shape_impl(True, *args, **kwargs)
            _warn_unknown("Cannot decide shape for the following arguments (0s in shape means "
                          "unknown dimensions). Consider providing them as input:\n\t",
                          self.list_arguments(), arg_shapes, lambda s: not s or 0 in s)
        return res
    except MXNetError:
        _print_arguments("infer_shape", args, kwargs)
        raise


def infer_shape_partial(self, *args, **kwargs):
    """infer_shape that returns what it could decide: unknown shapes are ()
    and unknown dims 0."""
    return self._infer_shape_impl(True, *args, **kwargs)


def _type_check(value, where):
    try:
        dt = _np.dtype(value)
    except TypeError:
        raise TypeError("Argument need to be a dtype, but %s is %r" % (where, value)) from None
    from .symbol import _DTYPE_NP_TO_MX  # pylint: disable=import-outside-toplevel
    if dt.type not in _DTYPE_NP_TO_MX:
        raise TypeError("Argument need to be one of %s" % sorted(
            _np.dtype(t).name for t in _DTYPE_NP_TO_MX))
    return dt.name


def _to_type(name):
    return None if name is None else _np.dtype(name).type


def _infer_type_impl(self, partial, *args, **kwargs):
    given = _given(self, "dtypes", args, kwargs, _type_check)
    r = _run(self, compiler().infer_type, given)
    types = [[_to_type(t) for t in r[k]] for k in ("arguments", "outputs", "aux")]
    if not partial and any(t is None for group in types for t in group):
        return (None, None, None)
    return tuple(types)


def infer_type(self, *args, **kwargs):
    """(arg_types, out_types, aux_types) as NumPy types given some argument
    dtypes; (None, None, None) and a warning when some type stays unknown."""
    try:
        res = self._infer_type_impl(False, *args, **kwargs)
        if res[1] is None:
            arg_types, _, _ = self._infer_type_impl(True, *args, **kwargs)
            _warn_unknown("Cannot decide type for the following arguments. Consider providing "
                          "them as input:\n\t", self.list_arguments(), arg_types,
                          lambda t: t is None)
        return res
    except MXNetError:
        _print_arguments("infer_type", args, kwargs)
        raise


def infer_type_partial(self, *args, **kwargs):
    """infer_type that returns what it could decide (None where unknown)."""
    return self._infer_type_impl(True, *args, **kwargs)


def _warn_unknown(message, names, values, unknown):
    """MXNet's warning listing (at most 10 of) the arguments left unknown,
    pointing at the caller of infer_shape/infer_type."""
    unknowns = []
    for name, value in zip(names, values):
        if unknown(value):
            if len(unknowns) >= 10:
                unknowns.append("...")
                break
            unknowns.append("%s: %s" % (name, str(value)))
    warnings.warn(message + "\n\t".join(unknowns), stacklevel=3)


def _print_arguments(what, args, kwargs):
    print("%s error. Arguments:" % what)
    for i, arg in enumerate(args):
        print("  #%d: %s" % (i, arg))
    for k, v in kwargs.items():
        print("  %s: %s" % (k, v))


for _f in (_infer_shape_impl, infer_shape, infer_shape_partial, _infer_type_impl, infer_type,
           infer_type_partial):
    setattr(Symbol, _f.__name__, _f)
