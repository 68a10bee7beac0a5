// c_api_internal.h - what the C API's files share: handle types and
// argument checks that name the function and the argument at fault.
#pragma once

#include "capi/api_guard.h"
#include "mxrt/base.h"
#include "mxrt/c_api.h"
#include "mxrt/ndarray.h"

/// The object behind mxrtNDArrayHandle.
struct mxrtNDArray {
  mxrt::NDArray array;
};

namespace mxrt::capi {

inline NDArray &arrayOf(mxrtNDArrayHandle h, const char *fn) {
  MXRT_CHECK(h, fn, ": the array handle is null");
  return h->array;
}

inline mxrtNDArrayHandle newHandle(NDArray a) { return new mxrtNDArray{std::move(a)}; }

inline VarHandle varOf(mxrtVarHandle v, const char *fn) {
  MXRT_CHECK(v, fn, ": the variable handle is null");
  return reinterpret_cast<VarHandle>(v);
}

inline Context contextOf(int devType, int devId, const char *fn) {
  MXRT_CHECK(devType == 1 || devType == 2 || devType == 3 || devType == 5, fn,
             ": invalid dev_type ", devType, " (1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared)");
  Context ctx{DeviceType(devType), devId};
  checkContext(ctx);
  return ctx;
}

inline DType dtypeOf(int code, const char *fn) {
  MXRT_CHECK(isValidDTypeCode(code), fn, ": invalid dtype code ", code, " (0..12)");
  return DType(code);
}

template <class T> void zero(T *p) {
  if (p)
    *p = T{};
}

} // namespace mxrt::capi
