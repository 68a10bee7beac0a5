"""executor_group.py - DataParallelExecutorGroup: one executor per device,
each on its slice of the batch, as MXNet 1.x's
``mxnet.module.executor_group``.

The batch is split along each input's batch axis (the 'N' of its layout)
in proportion to the work loads (``_split_input_slice``); every device's
executor is the symbol compiled for its slice's shapes (a cache hit for
devices of one kind: the compiler's module cache keys on graph, shapes,
dtypes and target). forward copies each slice into its executor's bound
input arrays, backward runs every executor, and the gradients stay per
device: Module.update reduces them through the KVStore. Outputs are
merged by concatenating along their batch axis.
"""
import logging
from collections import OrderedDict

import numpy as np

from .. import ndarray as nd
from ..io import DataDesc

__all__ = ["DataParallelExecutorGroup"]


def _split_input_slice(batch_size, work_load_list):
    """One slice of [0, batch_size) per device, sized by work load."""
    total_work_load = sum(work_load_list)
    batch_num_list = [round(work_load * batch_size / total_work_load)
                      for work_load in work_load_list]
    batch_num_sum = sum(batch_num_list)
    if batch_num_sum < batch_size:
        batch_num_list[-1] += batch_size - batch_num_sum
    slices = []
    end = 0
    for batch_num in batch_num_list:
        begin = int(min(end, batch_size))
        end = int(min(begin + batch_num, batch_size))
        if begin >= end:
            raise ValueError('Too many slices (%d devices for a batch of %d): some splits are '
                             'empty.' % (len(work_load_list), batch_size))
        slices.append(slice(begin, end))
    return slices


def _load_general(data, targets, major_axis):
    """Copies each source array into its per-device targets (slices of the
    batch axis), or a pre-sliced list source one to one."""
    for d_src, d_targets, axis in zip(data, targets, major_axis):
        if isinstance(d_targets, nd.NDArray):
            d_src.copyto(d_targets)
        elif isinstance(d_src, (list, tuple)):
            for src, dst in zip(d_src, d_targets):
                src.copyto(dst)
        else:
            for slice_idx, d_dst in d_targets:
                if axis < 0 or (slice_idx.start == 0 and d_src.shape[axis] == slice_idx.stop):
                    d_src.copyto(d_dst)
                elif axis == 0:
                    d_src[slice_idx.start:slice_idx.stop].copyto(d_dst)
                else:
                    nd.slice_axis(d_src, axis=axis, begin=slice_idx.start,
                                  end=slice_idx.stop).copyto(d_dst)


def _load(batch, targets, major_axis, field):
    if isinstance(batch, list):
        sources = [[getattr(b, field)[i] for b in batch] for i in range(len(targets))]
        _load_general(sources, [[dst for _, dst in t] for t in targets], major_axis)
    else:
        _load_general(getattr(batch, field), targets, major_axis)


def _merge_multi_context(outputs, major_axis):
    """Per-device outputs concatenated along their batch axis."""
    rets = []
    for tensors, axis in zip(outputs, major_axis):
        if axis >= 0 and len(tensors) > 1:
            rets.append(nd.concat(*[t.as_in_context(tensors[0].context) for t in tensors],
                                  dim=axis))
        else:
            rets.append(tensors[0])
    return rets


def _grad_reqs(grad_req, arg_names, param_names, data_names, fixed, inputs_need_grad):
    """{argument: 'write'|'add'|'null'} with MXNet's defaults: parameters
    get grad_req (fixed ones 'null'), data only with inputs_need_grad,
    labels never."""
    if isinstance(grad_req, (list, tuple)):
        if len(grad_req) != len(arg_names):
            raise ValueError("grad_req has %d entries for %d arguments"
                             % (len(grad_req), len(arg_names)))
        return dict(zip(arg_names, grad_req))
    if not isinstance(grad_req, (str, dict)):
        raise ValueError("grad_req must be one of str, list, tuple, or dict.")
    default = grad_req if isinstance(grad_req, str) else 'write'
    reqs = {}
    for k in arg_names:
        if k in param_names:
            reqs[k] = 'null' if k in fixed else default
        elif k in data_names:
            reqs[k] = default if inputs_need_grad else 'null'
        else:
            reqs[k] = 'null'
    if isinstance(grad_req, dict):
        reqs.update(grad_req)
    return reqs


class DataParallelExecutorGroup(object):
    """Executors of `symbol`, one per context, sharing the work of a batch.

    Lists by parameter hold one array per device: ``param_arrays[i][k]`` is
    parameter i on device k (likewise grad_arrays, aux_arrays).
    """

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes, param_names,
                 for_training, inputs_need_grad, shared_group=None, logger=logging,
                 fixed_param_names=None, grad_req='write', state_names=None, group2ctxs=None):
        self.param_names = param_names
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.symbol = symbol
        self.contexts = contexts
        self.workload = workload
        self.group2ctxs = group2ctxs
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self.fixed_param_names = fixed_param_names or []
        self.state_names = state_names or []
        self._total_exec_bytes = 0
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        if label_shapes is not None:
            label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        self.grad_req = _grad_reqs(grad_req if for_training else 'null', self.arg_names,
                                   param_names, [x.name for x in data_shapes],
                                   self.fixed_param_names, inputs_need_grad)
        self.shared_data_arrays = shared_group.shared_data_arrays if shared_group is not None \
            else [{} for _ in contexts]
        self.batch_size = None
        self.slices = None
        self.execs = []
        self._default_execs = None
        self.data_arrays = self.label_arrays = self.param_arrays = None
        self.state_arrays = self.grad_arrays = self.aux_arrays = None
        self.input_grad_arrays = None
        self.data_shapes = self.label_shapes = None
        self.data_names = self.label_names = None
        self.data_layouts = self.label_layouts = None
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr('__layout__'))
                               for i in range(self.num_outputs)]
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def decide_slices(self, data_shapes):
        """The batch axis of each input; sets batch_size and the slices."""
        if not data_shapes:
            raise ValueError("a module needs at least one data input")
        major_axis = [DataDesc.get_batch_axis(x.layout) for x in data_shapes]
        for (name, shape), axis in zip(data_shapes, major_axis):
            if axis == -1:
                continue
            batch_size = shape[axis]
            if self.batch_size is not None:
                if batch_size != self.batch_size:
                    raise ValueError("all data must have the same batch size: batch_size = %d, "
                                     "but %s has shape %s" % (self.batch_size, name, shape))
            else:
                self.batch_size = batch_size
                self.slices = _split_input_slice(self.batch_size, self.workload)
        return major_axis

    def _collect_arrays(self):
        execs = self.execs
        self.data_arrays = [[(self.slices[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                            for name, _ in self.data_shapes]
        self.state_arrays = [[e.arg_dict[name] for e in execs] for name in self.state_names]
        if self.label_shapes is not None:
            self.label_arrays = [[(self.slices[i], e.arg_dict[name])
                                  for i, e in enumerate(execs)]
                                 for name, _ in self.label_shapes]
        else:
            self.label_arrays = None
        param_idx = [i for i, name in enumerate(self.arg_names) if name in self.param_names]
        self.param_arrays = [[e.arg_arrays[i] for e in execs] for i in param_idx]
        self.grad_arrays = [[e.grad_arrays[i] for e in execs] for i in param_idx] \
            if self.for_training else None
        if self.inputs_need_grad:
            self.input_grad_arrays = [[e.grad_arrays[self.arg_names.index(name)] for e in execs]
                                      for name, _ in self.data_shapes if name in self.arg_names]
        else:
            self.input_grad_arrays = None
        self.aux_arrays = [[e.aux_arrays[i] for e in execs] for i in range(len(self.aux_names))]

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        """Binds (or, with reshape, re-shapes) one executor per device."""
        assert reshape or not self.execs
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        if label_shapes is not None:
            self.label_layouts = self.decide_slices(label_shapes)
        for i in range(len(self.contexts)):
            data_i = self._sliced_shape(data_shapes, i, self.data_layouts)
            label_i = self._sliced_shape(label_shapes, i, self.label_layouts) \
                if label_shapes is not None else []
            if reshape:
                self.execs[i] = self._default_execs[i].reshape(
                    allow_up_sizing=True, **dict(data_i + label_i))
            else:
                self.execs.append(self._bind_ith_exec(i, data_i, label_i, shared_group))
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [i.name for i in data_shapes]
        if label_shapes is not None:
            self.label_names = [i.name for i in label_shapes]
        self._collect_arrays()

    def reshape(self, data_shapes, label_shapes):
        """Executors for new input shapes (parameters shared)."""
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        if self._default_execs is None:
            self._default_execs = list(self.execs)
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    def set_params(self, arg_params, aux_params, allow_extra=False):
        """Copies parameters into every device's executor."""
        for exec_ in self.execs:
            exec_.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Copies the devices' parameters (averaged over devices) into the
        given CPU arrays."""
        for names, blocks, out in ((self.param_names, self.param_arrays, arg_params),
                                   (self.aux_names, self.aux_arrays, aux_params)):
            for name, block in zip(names, blocks):
                if len(block) == 1:
                    weight = block[0]
                else:
                    weight = sum(w.as_in_context(block[0].context) for w in block) / len(block)
                weight.astype(out[name].dtype).copyto(out[name])

    def forward(self, data_batch, is_train=None):
        """Loads the batch into the executors and runs forward on each."""
        _load(data_batch, self.data_arrays, self.data_layouts, 'data')
        if is_train is None:
            is_train = self.for_training
        first = data_batch[0] if isinstance(data_batch, list) else data_batch
        if self.label_arrays is not None and first is not None and first.label:
            _load(data_batch, self.label_arrays, self.label_layouts, 'label')
        for exec_ in self.execs:
            exec_.forward(is_train=is_train)

    def get_output_shapes(self):
        """[(name, shape)] of the merged outputs."""
        shapes = []
        for key, out, axis in zip(self.output_names, self.execs[0].outputs, self.output_layouts):
            shape = list(out.shape)
            if axis >= 0:
                shape[axis] = self.batch_size
            shapes.append((key, tuple(shape)))
        return shapes

    def get_outputs(self, merge_multi_context=True, begin=0, end=None):
        """Outputs [begin, end): merged, or one list per output of
        per-device arrays."""
        end = self.num_outputs if end is None else end
        outputs = [[e.outputs[i] for e in self.execs] for i in range(begin, end)]
        if merge_multi_context:
            outputs = _merge_multi_context(outputs, self.output_layouts[begin:end])
        return outputs

    def get_states(self, merge_multi_context=True):
        """The state inputs' arrays, per device."""
        if merge_multi_context:
            raise ValueError("merge_multi_context=True is not supported for get_states yet.")
        return self.state_arrays

    def set_states(self, states=None, value=None):
        """Sets the state inputs from per-device arrays or to one value."""
        if states is not None:
            if value is not None:
                raise ValueError("Only one of states & value can be specified.")
            _load_general(states, self.state_arrays, (0,) * len(states))
        else:
            if value is None:
                raise ValueError("At least one of states & value must be specified.")
            for d_dst in self.state_arrays:
                for dst in d_dst:
                    dst[:] = value

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs."""
        if not self.inputs_need_grad:
            raise ValueError("bind with inputs_need_grad=True to get input gradients")
        if merge_multi_context:
            return _merge_multi_context(self.input_grad_arrays, self.data_layouts)
        return self.input_grad_arrays

    def backward(self, out_grads=None):
        """Runs backward on every device (out_grads sliced per device)."""
        if not self.for_training:
            raise ValueError('re-bind with for_training=True to run backward')
        out_grads = out_grads or []
        for i, (exec_, islice) in enumerate(zip(self.execs, self.slices)):
            sliced = []
            for grad, axis in zip(out_grads, self.output_layouts):
                if axis >= 0 and len(self.execs) > 1:
                    sliced.append(nd.slice_axis(grad, axis=axis, begin=islice.start,
                                                end=islice.stop).as_in_context(self.contexts[i]))
                else:
                    sliced.append(grad.as_in_context(self.contexts[i]))
            exec_.backward(out_grads=sliced)

    def update_metric(self, eval_metric, labels, pre_sliced):
        """Updates the metric with every device's outputs and label slice."""
        for k, (texec, islice) in enumerate(zip(self.execs, self.slices)):
            if pre_sliced:
                labels_slice = labels[k]
            else:
                labels_slice = []
                for label, axis in zip(labels, self.label_layouts):
                    if axis == 0:
                        labels_slice.append(label if len(self.execs) == 1 else label[islice])
                    elif axis > 0:
                        labels_slice.append(nd.slice_axis(label, axis=axis, begin=islice.start,
                                                          end=islice.stop))
                    else:
                        labels_slice.append(label)
            eval_metric.update_dict(OrderedDict(zip(self.label_names or [], labels_slice)),
                                    OrderedDict(zip(self.output_names, texec.outputs)))

    def _bind_ith_exec(self, i, data_shapes, label_shapes, shared_group):
        context = self.contexts[i]
        input_shapes = dict(data_shapes)
        input_shapes.update(dict(label_shapes or []))
        input_types = {x.name: x.dtype for x in data_shapes}
        attr_dict = self.symbol.attr_dict()
        for name in self.symbol.list_inputs():
            dtype = attr_dict.get(name, {}).get("__dtype__")
            if name in input_types and dtype not in (None, "-1"):
                input_types[name] = nd.ndarray.numpy_dtype(int(dtype))
        input_types.update({x.name: x.dtype for x in label_shapes or []})
        shared_exec = None if shared_group is None else shared_group.execs[i]
        group2ctx = self.group2ctxs[i] if isinstance(self.group2ctxs, list) else self.group2ctxs
        executor = self.symbol.simple_bind(ctx=context, grad_req=self.grad_req,
                                           type_dict=input_types,
                                           shared_arg_names=self.param_names,
                                           shared_exec=shared_exec, group2ctx=group2ctx,
                                           shared_buffer=self.shared_data_arrays[i],
                                           **input_shapes)
        self._total_exec_bytes += sum(
            a.size * np.dtype(a.dtype).itemsize for a in executor.arg_arrays + executor.aux_arrays +
            [g for g in executor.grad_arrays if g is not None])
        return executor

    def _sliced_shape(self, shapes, i, major_axis):
        sliced = []
        for desc, axis in zip(shapes, major_axis):
            shape = list(desc.shape)
            if axis >= 0:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            sliced.append(DataDesc(desc.name, tuple(shape), desc.dtype, desc.layout))
        return sliced

    def install_monitor(self, mon):
        """Installs a monitor (mon.install(executor)) on every executor."""
        for exe in self.execs:
            mon.install(exe)
