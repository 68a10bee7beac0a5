"""bind.py - Symbol.bind and Symbol.simple_bind: compile, load, bind.

bind checks its arguments as MXNet does (TypeError for a non-Context,
"key `x` is missing in `args`", a grad_req name that is not an argument...),
compiles the symbol's JSON for the arrays' shapes and dtypes and the
device's target through the compiler's cache (mxc._compiler.compile ->
mxcCompile; a signature compiled before is a cache hit, and modules loaded
once stay loaded for the process), then binds the module to the arrays in
the runtime (mxc._mxc.Module.bind). simple_bind infers shapes and dtypes
(the compiler's passes), allocates zero-filled arrays and binds; any
MXNetError it meets is re-raised as RuntimeError, as MXNet rewraps it.
"""
import numpy as np

from ..base import MXNetError
from ..context import Context, current_context
from .. import ndarray as _nd
from ..ndarray import NDArray
from ..executor import Executor
from .symbol import Symbol
from .infer import compiler

_GRAD_REQ = ("null", "write", "add")
_MODULES = {}  # (json, shapes, dtypes, target, options) -> loaded module
# What bind asks the compiler for: the training forward pass too (and the
# backward pass, which the gradient pass adds), at -O3. Tests trade speed of
# code for speed of compilation with "-O0 --train".
COMPILE_OPTIONS = "--train"
# Calls into the compiler, those its disk cache answered, modules loaded.
STATS = {"compile_calls": 0, "cache_hits": 0, "loads": 0}


class _Native(object):
    """The runtime's executor behind an Executor."""

    def __init__(self, module, path, handle):
        self.module, self.path, self.handle = module, path, handle

    def forward(self, is_train):
        self.handle.forward(is_train)

    def backward(self, heads):
        self.handle.backward(heads)

    def head_grads(self):
        return self.module.head_grads

    def outputs(self):
        return self.handle.outputs()


def _target(ctx):
    if not isinstance(ctx, Context):
        raise TypeError("Context type error")
    if ctx.device_type == "cpu":
        return "cpu"
    if ctx.device_type == "gpu":
        raise MXNetError("binding on %s: the compiler has no GPU target yet (bind on mx.cpu())"
                         % ctx)
    raise MXNetError("binding on %s is not supported (bind on mx.cpu())" % ctx)


def _arrays(what, arrays, names, allow_missing):
    """MXNet's _get_ndarray_inputs: a list in `names` order or a dict."""
    if isinstance(arrays, (list, tuple)):
        if len(arrays) != len(names):
            raise ValueError("Length of %s does not match the number of arguments" % what)
        for a in arrays:
            if a is None and allow_missing:
                continue
            if not isinstance(a, NDArray):
                raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
        return list(arrays)
    if isinstance(arrays, dict):
        out = []
        for name in names:
            if name in arrays:
                if not isinstance(arrays[name], NDArray):
                    raise TypeError("Only accept list of NDArrays or dict of str to NDArray")
                out.append(arrays[name])
            elif allow_missing:
                out.append(None)
            else:
                raise ValueError("key `%s` is missing in `%s`" % (name, what))
        return out
    raise TypeError("Only accept list of NDArrays or dict of str to NDArray")


def _grad_reqs(grad_req, names):
    """One of 'null'/'write'/'add' per argument."""
    if isinstance(grad_req, str):
        if grad_req not in _GRAD_REQ:
            raise ValueError("grad_req must be in %s" % str(_GRAD_REQ))
        return [grad_req] * len(names)
    if isinstance(grad_req, (list, tuple)):
        if len(grad_req) != len(names):
            raise ValueError("Length of grad_req does not match the number of arguments")
        reqs = list(grad_req)
    elif isinstance(grad_req, dict):
        unknown = [k for k in grad_req if k not in names]
        if unknown:
            raise MXNetError("grad_req names %s, which is not an argument of the symbol "
                             "(arguments: %s)" % (unknown[0], ", ".join(names)))
        reqs = [grad_req.get(n, "null") for n in names]
    else:
        raise TypeError("grad_req must be a str, a list or a dict")
    for r in reqs:
        if r not in _GRAD_REQ:
            raise ValueError("grad_req must be in %s" % str(_GRAD_REQ))
    return reqs


def _options(options, names, reqs):
    """The compile options with the grad_req of every argument that is not
    'write' (the compiler's default): the gradient pass computes exactly
    the gradients asked for, and 'add' accumulates in the bound array."""
    if "--train" not in options.split():
        return options
    special = ["%s:%s" % (n, r) for n, r in zip(names, reqs) if r != "write"]
    return options + (" --grad-req=" + ",".join(special) if special else "")


def compile_module(symbol, shapes, dtypes, target, options):
    """The loaded module for this signature (compiled once; loaded once)."""
    from .. import _mxc  # pylint: disable=import-outside-toplevel
    if not hasattr(_mxc, "module_load") or not hasattr(compiler(), "compile"):
        raise MXNetError("this build of mxc has no compiled-module support (the compiler's "
                         "code generation and the runtime's module loader): bind is unavailable")
    json = symbol.tojson()
    shape_text = ";".join("%s:%s" % (n, ",".join(str(d) for d in s)) for n, s in shapes)
    dtype_text = ";".join("%s:%s" % (n, t) for n, t in dtypes)
    key = (json, shape_text, dtype_text, target, options)
    hit = _MODULES.get(key)
    if hit is not None:
        return hit
    path, cache_hit = compiler().compile(json, shape_text, dtype_text, target, options)
    STATS["compile_calls"] += 1
    STATS["cache_hits"] += int(cache_hit)
    module = (_mxc.module_load(path), path)
    STATS["loads"] += 1
    _MODULES[key] = module
    return module


def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None, group2ctx=None,
         shared_exec=None):
    """Binds the symbol to arrays on `ctx` (used by reference) and returns
    an Executor. args/args_grad/aux_states: lists in list_arguments() /
    list_auxiliary_states() order or dicts by name."""
    target = _target(ctx)
    arg_names = self.list_arguments()
    aux_names = self.list_auxiliary_states()
    args = _arrays("args", args, arg_names, False)
    grads = [None] * len(arg_names) if args_grad is None else \
        _arrays("args_grad", args_grad, arg_names, True)
    aux = _arrays("aux_states", [] if aux_states is None else aux_states, aux_names, False)
    reqs = _grad_reqs(grad_req, arg_names)
    reqs = [r if g is not None else "null" for r, g in zip(reqs, grads)]
    grads = [g if r != "null" else None for r, g in zip(reqs, grads)]
    for name, a in list(zip(arg_names, args)) + list(zip(aux_names, aux)):
        if a.context != ctx:
            raise MXNetError("bind: array %s is on %s, the executor on %s"
                             % (name, a.context, ctx))
    shapes = [(n, a.shape) for n, a in zip(arg_names, args)]
    dtypes = [(n, np.dtype(a.dtype).name) for n, a in zip(arg_names, args)]
    module, path = compile_module(self, shapes, dtypes, target,
                                  _options(COMPILE_OPTIONS, arg_names, reqs))
    handle = module.bind(ctx.device_typeid, ctx.device_id, args, grads, aux)
    return Executor(self, ctx, _Native(module, path, handle), args, grads, aux, reqs, group2ctx)


def simple_bind(self, ctx=None, grad_req="write", type_dict=None, stype_dict=None, group2ctx=None,
                shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
    """Infers shapes (from the keyword shapes) and dtypes (type_dict, else
    float32), allocates zero-filled arguments, gradients and auxiliary
    states on `ctx` (default: the current context), and binds them. Errors
    are RuntimeError."""
    if ctx is None:
        ctx = current_context()
    shapes = {k: v for k, v in kwargs.items() if isinstance(v, tuple)}
    try:
        _target(ctx)
        arg_shapes, _, aux_shapes = self.infer_shape_partial(**shapes)
        names = self.list_arguments() + self.list_auxiliary_states()
        unknown = ["%s: %s" % (n, s) for n, s in zip(names, arg_shapes + aux_shapes)
                   if not s or 0 in s]
        if unknown:
            raise MXNetError("InferShape pass cannot decide shapes for the following arguments "
                             "(0s in shape means unknown dimensions). Please consider providing "
                             "them as inputs:\n" + ", ".join(unknown))
        arg_types, _, aux_types = self.infer_type_partial(**(type_dict or {}))
        arg_types = [t or np.float32 for t in arg_types]
        aux_types = [t or np.float32 for t in aux_types]
        arg_names = self.list_arguments()
        reqs = _grad_reqs(grad_req, arg_names)
        args = [_nd.zeros(s, ctx=ctx, dtype=t) for s, t in zip(arg_shapes, arg_types)]
        grads = [None if r == "null" else _nd.zeros(s, ctx=ctx, dtype=t)
                 for r, s, t in zip(reqs, arg_shapes, arg_types)]
        aux = [_nd.zeros(s, ctx=ctx, dtype=t) for s, t in zip(aux_shapes, aux_types)]
        return self.bind(ctx, args, grads, reqs, aux, group2ctx)
    except MXNetError as e:
        raise RuntimeError("simple_bind error. Arguments:\n%s\n%s" % (
            "\n".join("%s: %s" % kv for kv in kwargs.items()), e)) from None


def rebind(executor, partial_shaping, allow_up_sizing, shapes):
    """Executor.reshape: a new executor for new input shapes, sharing the
    arrays whose shapes stay (mxnet/executor.py's rules)."""
    sym = executor._symbol  # pylint: disable=protected-access
    arg_shapes, _, aux_shapes = sym.infer_shape(**shapes)
    if arg_shapes is None:
        raise ValueError("Insufficient argument shapes provided.")
    ctx = executor._ctx  # pylint: disable=protected-access

    def resized(kind, name, old, shape, given):
        if old is None:
            return None
        if old.shape == shape:
            return old
        if not partial_shaping and not given:
            raise AssertionError(
                "Shape of unspecified array %s:%s changed. This can cause the new executor to "
                "not share parameters with the old one. Please check for error in network. If "
                "this is intended, set partial_shaping=True to suppress this warning."
                % (kind, name))
        new_size = 1
        for d in shape:
            new_size *= d
        if new_size > old.size and not allow_up_sizing:
            raise AssertionError(
                "New shape of %s:%s larger than original. First making a big executor and then "
                "down sizing it is more efficient than the reverse. If you really want to up "
                "size, set allow_up_sizing=True to enable allocation of new arrays."
                % (kind, name))
        return _nd.zeros(shape, ctx=ctx, dtype=old.dtype)

    arg_names = sym.list_arguments()
    args = [resized("arg", n, a, s, n in shapes)
            for n, a, s in zip(arg_names, executor.arg_arrays, arg_shapes)]
    grads = [resized("grad", n, g, s, n in shapes)
             for n, g, s in zip(arg_names, executor.grad_arrays, arg_shapes)]
    aux = [resized("aux", n, a, s, False)
           for n, a, s in zip(sym.list_auxiliary_states(), executor.aux_arrays, aux_shapes)]
    return sym.bind(ctx, args, grads, executor._grad_req, aux,  # pylint: disable=protected-access
                    executor._group2ctx)  # pylint: disable=protected-access


def eval(self, ctx=None, **kwargs):  # pylint: disable=redefined-builtin
    """bind to the NDArrays given by name, forward, and return the outputs."""
    return self.bind(ctx or current_context(), kwargs).forward()


Symbol.bind = bind
Symbol.simple_bind = simple_bind
Symbol.eval = eval
