// strided_copy.cc - the data movement under transpose, slice, broadcast_to,
// tile, repeat and flip: fill a dense output from a strided view.
//
// dtype-agnostic: elements move as 1/2/4/8-byte words. Rows whose source is
// contiguous become memcpy, broadcast rows become fills, the rest gathers.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <cstring>

namespace mxrt::kernels::cpu {
namespace {

template <class W> void copyRow(const W *src, int64_t stride, W *dst, int64_t n) {
  if (stride == 1) {
    std::memcpy(dst, src, size_t(n) * sizeof(W));
  } else if (stride == 0) {
    W v = src[0];
    for (int64_t i = 0; i < n; ++i)
      dst[i] = v;
  } else {
    for (int64_t i = 0; i < n; ++i)
      dst[i] = src[i * stride];
  }
}

template <class W> void copyStridedT(const W *src, const StridedPlan &p, W *dst) {
  const int nd = p.ndim;
  if (nd == 0) {
    dst[0] = src[p.offset[0]];
    return;
  }
  const int64_t inner = p.shape[nd - 1], s = p.stride[0][nd - 1];
  const int64_t rows = p.numel() / inner;
  if (rows == 1) {
    parallel(inner, kGrain, [&](int64_t lo, int64_t hi) {
      copyRow(src + p.offset[0] + lo * s, s, dst + lo, hi - lo);
    });
    return;
  }
  parallel(rows, std::max<int64_t>(1, kGrain / inner), [&](int64_t lo, int64_t hi) {
    NdCounter it(p, nd - 1, lo);
    for (int64_t r = lo; r < hi; ++r, it.next())
      copyRow(src + it.offset[0], s, dst + r * inner, inner);
  });
}

} // namespace

void copyStrided(const void *src, const StridedPlan &plan, void *dst, size_t elemSize) {
  if (plan.numel() == 0)
    return;
  switch (elemSize) {
  case 1:
    return copyStridedT(static_cast<const uint8_t *>(src), plan, static_cast<uint8_t *>(dst));
  case 2:
    return copyStridedT(static_cast<const uint16_t *>(src), plan, static_cast<uint16_t *>(dst));
  case 4:
    return copyStridedT(static_cast<const uint32_t *>(src), plan, static_cast<uint32_t *>(dst));
  case 8:
    return copyStridedT(static_cast<const uint64_t *>(src), plan, static_cast<uint64_t *>(dst));
  default:
    fail("copyStrided: unsupported element size ", elemSize);
  }
}

} // namespace mxrt::kernels::cpu
