// shape_util.h - strided n-d iteration plans shared by the CPU kernels and
// the CUDA launch code: broadcasting, transposes, slices and tiles are all
// "walk a dense output, each input with its own element strides".
//
// A plan is built on the full shapes, then collapsed: extent-1 dims drop
// out and a dim merges into its outer neighbour when every operand walks
// both as one (stride[d-1] == stride[d] * shape[d]). Kernels then see the
// fewest, longest dims, usually one or two.
//
// C++17 and no runtime headers: the CUDA kernels (nvcc, C++17) take plans.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace mxrt {
class TShape;
}

namespace mxrt::kernels {

constexpr int kMaxPlanDims = 16;
constexpr int kMaxPlanOps = 4;

/// Operand k's element of the output index i is at offset[k] + sum_d
/// idx_d(i) * stride[k][d]. Operand 0..nops-1 are inputs; the output is
/// dense row-major over `shape`.
struct StridedPlan {
  int ndim = 0;
  int nops = 0;
  int64_t shape[kMaxPlanDims] = {};
  int64_t stride[kMaxPlanOps][kMaxPlanDims] = {};
  int64_t offset[kMaxPlanOps] = {};

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d)
      n *= shape[d];
    return n;
  }
  /// Drops extent-1 dims and merges dims every operand walks contiguously.
  void collapse();
};
using BroadcastPlan = StridedPlan;

/// Plan for broadcasting `ins` (NumPy rules, right-aligned) to `out`; Error
/// names the op and both shapes when they are not compatible.
StridedPlan planBroadcast(const TShape &out, std::initializer_list<const TShape *> ins,
                          const char *op);

/// Row-major strides of a dense shape.
void denseStrides(const TShape &shape, int64_t *strides);

/// Walks the first `nd` dims of a plan in row-major order, keeping each
/// operand's offset.
struct NdCounter {
  const StridedPlan &p;
  int nd;
  int64_t idx[kMaxPlanDims];
  int64_t offset[kMaxPlanOps];

  NdCounter(const StridedPlan &plan, int ndims, int64_t start) : p(plan), nd(ndims) {
    for (int k = 0; k < p.nops; ++k)
      offset[k] = p.offset[k];
    for (int d = nd - 1; d >= 0; --d) {
      idx[d] = start % p.shape[d];
      start /= p.shape[d];
      for (int k = 0; k < p.nops; ++k)
        offset[k] += idx[d] * p.stride[k][d];
    }
  }
  void next() {
    for (int d = nd - 1; d >= 0; --d) {
      for (int k = 0; k < p.nops; ++k)
        offset[k] += p.stride[k][d];
      if (++idx[d] < p.shape[d])
        return;
      for (int k = 0; k < p.nops; ++k)
        offset[k] -= p.stride[k][d] * p.shape[d];
      idx[d] = 0;
    }
  }
};

} // namespace mxrt::kernels
