"""executor.py - Executor: a Symbol compiled for given shapes, dtypes and a
device, bound to NDArrays (MXNet 1.x's mx.executor.Executor).

Symbol.bind and Symbol.simple_bind (bind.py) compile the graph through the
compiler and its module cache (mxcCompile: one compilation per distinct
graph, shapes, dtypes and target; a rebind with the same signature is a
cache hit, and the loaded module is kept for the process), then bind the
module to the arrays in the runtime. forward() and backward() push the
module's kernels to the engine and return at once, as every NDArray op:
reading an output waits.

MXNet's semantics (mxnet-formats.md 6): bound arrays are used by reference;
grad_req 'write' overwrites, 'add' accumulates into the bound array (the
module is compiled for the grad_req of every argument), 'null' computes
none; BatchNorm and Dropout behave by is_train.
"""
import numpy as _np

from .ndarray import NDArray

__all__ = ["Executor"]


class Executor(object):
    """A bound, compiled graph: forward, backward, and the arrays it uses."""

    def __init__(self, symbol, ctx, native, args, grads, aux, grad_req, group2ctx=None):
        self._symbol = symbol
        self._ctx = ctx
        self._native = native
        self.arg_arrays = list(args)
        self.grad_arrays = list(grads)
        self.aux_arrays = list(aux)
        self._grad_req = list(grad_req)
        self._group2ctx = group2ctx
        self.outputs = native.outputs() if native is not None else []
        self._arg_dict = self._grad_dict = self._aux_dict = self._output_dict = None
        self._monitor = None

    # ---- running ----------------------------------------------------------
    def forward(self, is_train=False, **kwargs):
        """Copies kwargs (NDArray or NumPy) into the arguments, then pushes
        the forward pass; returns the outputs (reading them waits)."""
        if kwargs:
            arg_dict = self.arg_dict
            for name, array in kwargs.items():
                if not isinstance(array, (NDArray, _np.ndarray)):
                    raise ValueError("only accept keyword argument of NDArrays and numpy.ndarray")
                if name not in arg_dict:
                    raise TypeError("Unknown argument %s" % name)
                if arg_dict[name].shape != array.shape:
                    raise ValueError("Shape not match! Argument %s, need: %s, received: %s"
                                     % (name, str(arg_dict[name].shape), str(array.shape)))
                arg_dict[name][:] = array
        self._native.forward(bool(is_train))
        if self._monitor is not None:
            self._monitor_outputs()
        return self.outputs

    def backward(self, out_grads=None, is_train=True):
        """Pushes the backward pass. out_grads: gradients of the outputs (an
        NDArray, a list, or a dict by list_outputs name); loss outputs take
        none."""
        # The module takes head gradients of its non-loss outputs only
        # ("<output>_head_grad"); MXNet's callers may give one per output.
        wanted = [n[:-len("_head_grad")] for n in self._native.head_grads()]
        outputs = self._symbol.list_outputs()
        if out_grads is None:
            heads = []
        elif isinstance(out_grads, NDArray):
            heads = [out_grads]
        elif isinstance(out_grads, dict):
            heads = [out_grads[k] for k in wanted if k in out_grads]
        else:
            heads = list(out_grads)
            if len(heads) == len(outputs) and len(wanted) != len(outputs):
                by_name = dict(zip(outputs, heads))
                heads = [by_name[k] for k in wanted if k in by_name]
        for g in heads:
            if not isinstance(g, NDArray):
                raise TypeError("inputs must be NDArray")
        self._native.backward(heads)

    def set_monitor_callback(self, callback, monitor_all=False):
        """callback(name, array) on every output after each forward."""
        self._monitor = callback

    def _monitor_outputs(self):
        for name, array in zip(self._symbol.list_outputs(), self.outputs):
            self._monitor(name, array)

    # ---- the arrays by name -----------------------------------------------
    @staticmethod
    def _get_dict(names, arrays):
        if len(set(names)) != len(names):
            raise ValueError("Duplicate names detected, %s" % str(names))
        return dict(zip(names, arrays))

    @property
    def arg_dict(self):
        """{argument name: bound array}."""
        if self._arg_dict is None:
            self._arg_dict = self._get_dict(self._symbol.list_arguments(), self.arg_arrays)
        return self._arg_dict

    @property
    def grad_dict(self):
        """{argument name: gradient array (None where grad_req is 'null')}."""
        if self._grad_dict is None:
            self._grad_dict = self._get_dict(self._symbol.list_arguments(), self.grad_arrays)
        return self._grad_dict

    @property
    def aux_dict(self):
        """{auxiliary state name: bound array}."""
        if self._aux_dict is None:
            self._aux_dict = self._get_dict(self._symbol.list_auxiliary_states(),
                                            self.aux_arrays)
        return self._aux_dict

    @property
    def output_dict(self):
        """{output name: output array}."""
        if self._output_dict is None:
            self._output_dict = self._get_dict(self._symbol.list_outputs(), self.outputs)
        return self._output_dict

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copies parameters (cast to the bound dtype) into the bound arrays;
        a name the graph lacks is a ValueError unless allow_extra_params."""
        for name, array in arg_params.items():
            if name in self.arg_dict:
                dst = self.arg_dict[name]
                array.astype(dst.dtype).copyto(dst)
            elif not allow_extra_params:
                raise ValueError("Find name \"%s\" that is not in the arguments" % name)
        if aux_params is None:
            return
        for name, array in aux_params.items():
            if name in self.aux_dict:
                dst = self.aux_dict[name]
                array.astype(dst.dtype).copyto(dst)
            elif not allow_extra_params:
                raise ValueError("Find name %s that is not in the auxiliary states" % name)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """An executor for new input shapes (compiled for them, from the
        cache when seen before), sharing the arrays whose shapes stay."""
        from .symbol.bind import rebind  # pylint: disable=import-outside-toplevel
        return rebind(self, partial_shaping, allow_up_sizing, kwargs)

    def debug_str(self):
        """The module and its arrays, as text (MXNet's 'Total N MB allocated')."""
        total = sum(a.size * _np.dtype(a.dtype).itemsize for a in
                    self.arg_arrays + self.aux_arrays + self.outputs +
                    [g for g in self.grad_arrays if g is not None])
        return "%sTotal %d MB allocated\nModule: %s\n" % (
            self._symbol.debug_str(), total >> 20, self._native.path)

    # pylint: disable=protected-access
    @property
    def _arg_names(self):
        return self._symbol.list_arguments()

