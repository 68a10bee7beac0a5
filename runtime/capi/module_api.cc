// module_api.cc - the C API's compiled-module functions (mxrt/module.h).
#include "capi/c_api_internal.h"
#include "mxrt/module.h"

#include <memory>
#include <vector>

using namespace mxrt;
using namespace mxrt::capi;

/// The objects behind the handles.
struct mxrtModule {
  std::shared_ptr<const Module> module;
  std::vector<std::string> names[4];
  std::vector<const char *> cnames[4];
};
struct mxrtExecutor {
  std::unique_ptr<Executor> exec;
};

namespace {

int kindOf(int kind, const char *fn) {
  MXRT_CHECK(kind >= 0 && kind <= 3, fn, ": kind ", kind,
             " is not mxrtModuleArguments/AuxStates/Outputs/HeadGrads (0..3)");
  const int kinds[] = {MXC_VALUE_ARG, MXC_VALUE_AUX, MXC_VALUE_OUTPUT, MXC_VALUE_HEAD_GRAD};
  return kinds[kind];
}

mxrtModule &moduleOf(mxrtModuleHandle h, const char *fn) {
  MXRT_CHECK(h, fn, ": the module handle is null");
  return *h;
}

Executor &execOf(mxrtExecutorHandle h, const char *fn) {
  MXRT_CHECK(h && h->exec, fn, ": the executor handle is null");
  return *h->exec;
}

std::vector<NDArray> arrays(const mxrtNDArrayHandle *hs, uint32_t n, bool allowNull, const char *fn,
                            const char *what) {
  MXRT_CHECK(hs || n == 0, fn, ": ", what, " is null but its count is ", n);
  std::vector<NDArray> out;
  for (uint32_t i = 0; i < n; ++i)
    out.push_back(allowNull && !hs[i] ? NDArray() : arrayOf(hs[i], fn));
  return out;
}

} // namespace

extern "C" {

int mxrtModuleLoad(const char *path, mxrtModuleHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(path && out, "mxrtModuleLoad: path and out must not be null");
  auto h = std::make_unique<mxrtModule>();
  h->module = Module::load(path);
  for (int k = 0; k < 4; ++k) {
    h->names[k] = h->module->names(kindOf(k, "mxrtModuleLoad"));
    for (const std::string &n : h->names[k])
      h->cnames[k].push_back(n.c_str());
  }
  *out = h.release();
  MXRT_API_END();
}

int mxrtModuleFree(mxrtModuleHandle module) {
  MXRT_API_BEGIN();
  delete module;
  MXRT_API_END();
}

int mxrtModuleListNames(mxrtModuleHandle module, int kind, uint32_t *out_num,
                        const char *const **out_names) {
  zero(out_num);
  zero(out_names);
  MXRT_API_BEGIN();
  mxrtModule &m = moduleOf(module, "mxrtModuleListNames");
  kindOf(kind, "mxrtModuleListNames");
  MXRT_CHECK(out_num && out_names, "mxrtModuleListNames: outputs must not be null");
  *out_num = uint32_t(m.cnames[kind].size());
  *out_names = m.cnames[kind].data();
  MXRT_API_END();
}

int mxrtModuleGetInfo(mxrtModuleHandle module, int kind, uint32_t index, int *out_ndim,
                      const int64_t **out_dims, int *out_dtype) {
  zero(out_ndim);
  zero(out_dims);
  zero(out_dtype);
  MXRT_API_BEGIN();
  mxrtModule &m = moduleOf(module, "mxrtModuleGetInfo");
  std::vector<int> values = m.module->valuesOfKind(kindOf(kind, "mxrtModuleGetInfo"));
  MXRT_CHECK(index < values.size(), "mxrtModuleGetInfo: index ", index, " out of range (",
             values.size(), " values of this kind)");
  MXRT_CHECK(out_ndim && out_dims && out_dtype, "mxrtModuleGetInfo: outputs must not be null");
  const mxc_value &v = m.module->manifest().values[values[index]];
  *out_ndim = v.ndim;
  *out_dims = v.shape;
  *out_dtype = v.dtype;
  MXRT_API_END();
}

int mxrtModuleBind(mxrtModuleHandle module, int dev_type, int dev_id, uint32_t num_args,
                   const mxrtNDArrayHandle *args, const mxrtNDArrayHandle *arg_grads,
                   uint32_t num_aux, const mxrtNDArrayHandle *aux, mxrtExecutorHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const char *fn = "mxrtModuleBind";
  mxrtModule &m = moduleOf(module, fn);
  MXRT_CHECK(out, fn, ": out is null");
  Context ctx = contextOf(dev_type, dev_id, fn);
  auto h = std::make_unique<mxrtExecutor>();
  h->exec = std::make_unique<Executor>(
      m.module, ctx, arrays(args, num_args, false, fn, "args"),
      arrays(aux, num_aux, false, fn, "aux"),
      arg_grads ? arrays(arg_grads, num_args, true, fn, "arg_grads") : std::vector<NDArray>{});
  *out = h.release();
  MXRT_API_END();
}

int mxrtExecutorForward(mxrtExecutorHandle exec, int is_train) {
  MXRT_API_BEGIN();
  execOf(exec, "mxrtExecutorForward").forward(is_train != 0);
  MXRT_API_END();
}

int mxrtExecutorBackward(mxrtExecutorHandle exec, uint32_t num_head_grads,
                         const mxrtNDArrayHandle *head_grads) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtExecutorBackward";
  std::vector<NDArray> hg = arrays(head_grads, num_head_grads, false, fn, "head_grads");
  execOf(exec, fn).backward(hg);
  MXRT_API_END();
}

int mxrtExecutorOutputs(mxrtExecutorHandle exec, uint32_t *out_num,
                        mxrtNDArrayHandle **out_outputs) {
  zero(out_num);
  zero(out_outputs);
  MXRT_API_BEGIN();
  const char *fn = "mxrtExecutorOutputs";
  Executor &e = execOf(exec, fn);
  MXRT_CHECK(out_num && out_outputs, fn, ": outputs must not be null");
  thread_local std::vector<mxrtNDArrayHandle> handles;
  handles.clear();
  for (const NDArray &o : e.outputs())
    handles.push_back(newHandle(o));
  *out_num = uint32_t(handles.size());
  *out_outputs = handles.data();
  MXRT_API_END();
}

int mxrtExecutorFree(mxrtExecutorHandle exec) {
  MXRT_API_BEGIN();
  delete exec;
  MXRT_API_END();
}

} // extern "C"
