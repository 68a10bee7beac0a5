// shape_util.cc - building and collapsing strided iteration plans.
#include "kernels/shape_util.h"

#include "mxrt/base.h"
#include "mxrt/shape.h"

namespace mxrt::kernels {

void StridedPlan::collapse() {
  // A zero-size dim anywhere makes the plan empty: one dim of extent 0.
  for (int d = 0; d < ndim; ++d)
    if (shape[d] == 0) {
      ndim = 1;
      shape[0] = 0;
      return;
    }
  int n = 0;
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 1)
      continue;
    bool merge = n > 0;
    for (int k = 0; merge && k < nops; ++k)
      merge = stride[k][n - 1] == stride[k][d] * shape[d];
    if (merge) {
      shape[n - 1] *= shape[d];
      for (int k = 0; k < nops; ++k)
        stride[k][n - 1] = stride[k][d];
    } else {
      shape[n] = shape[d];
      for (int k = 0; k < nops; ++k)
        stride[k][n] = stride[k][d];
      ++n;
    }
  }
  ndim = n;
}

void denseStrides(const TShape &shape, int64_t *strides) {
  int64_t s = 1;
  for (int d = shape.ndim() - 1; d >= 0; --d) {
    strides[d] = s;
    s *= shape[d];
  }
}

StridedPlan planBroadcast(const TShape &out, std::initializer_list<const TShape *> ins,
                          const char *op) {
  StridedPlan p;
  const int nd = out.ndim();
  MXRT_CHECK(nd <= kMaxPlanDims, "operator ", op, ": rank ", nd, " exceeds the supported ",
             kMaxPlanDims);
  MXRT_CHECK(int(ins.size()) <= kMaxPlanOps, "operator ", op, ": too many operands");
  p.ndim = nd;
  p.nops = int(ins.size());
  for (int d = 0; d < nd; ++d)
    p.shape[d] = out[d];
  int k = 0;
  for (const TShape *in : ins) {
    const int off = nd - in->ndim();
    MXRT_CHECK(off >= 0, "operator ", op, ": operands could not be broadcast together with shapes ",
               in->str(), " ", out.str());
    int64_t s = 1;
    for (int d = nd - 1; d >= 0; --d) {
      int64_t e = d >= off ? (*in)[d - off] : 1;
      MXRT_CHECK(e == out[d] || e == 1, "operator ", op,
                 ": operands could not be broadcast together with shapes ", in->str(), " ",
                 out.str());
      p.stride[k][d] = e == 1 ? 0 : s;
      s *= e;
    }
    ++k;
  }
  p.collapse();
  return p;
}

} // namespace mxrt::kernels
