// copy.cc - NDArray::copyTo and the host-side copy and cast kernels.
//
// Copies run inside engine ops that read the source's variable and write
// the destination's, so they are ordered with every kernel on either
// array. Host to host runs on a CPU worker; anything that touches a GPU
// runs on that GPU's copy worker (FnProperty::CopyToGPU/CopyFromGPU), as in
// MXNet's CopyFromTo.
#include "ndarray/copy.h"

#include "mxrt/base.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace mxrt::detail {
namespace {

template <class T>
constexpr bool kIsFloat =
    std::is_floating_point_v<T> || std::is_same_v<T, half_t> || std::is_same_v<T, bf16_t>;

/// The value of x in a type C++ converts from without undefined behaviour.
template <class S> auto widen(S x) {
  if constexpr (std::is_same_v<S, half_t> || std::is_same_v<S, bf16_t>)
    return float(x);
  else
    return x;
}

template <class D, class S> D convertValue(S x) {
  if constexpr (std::is_same_v<D, S>) {
    return x;
  } else if constexpr (std::is_same_v<D, bool>) {
    return widen(x) != 0;
  } else if constexpr (std::is_same_v<D, half_t> || std::is_same_v<D, bf16_t>) {
    return D(float(widen(x)));
  } else if constexpr (std::is_integral_v<D> && kIsFloat<S>) {
    // Float to int is undefined in C++ outside the range: saturate.
    double v = double(widen(x));
    if (std::isnan(v))
      return 0;
    if (v <= double(std::numeric_limits<D>::min()))
      return std::numeric_limits<D>::min();
    if (v >= double(std::numeric_limits<D>::max()))
      return std::numeric_limits<D>::max();
    return D(v);
  } else {
    return static_cast<D>(widen(x));
  }
}

} // namespace

void castHost(void *dst, DType dt, const void *src, DType st, size_t n) {
  if (dt == st) {
    std::memcpy(dst, src, n * dtypeSize(dt));
    return;
  }
  MXRT_DTYPE_SWITCH(dt, D, {
    MXRT_DTYPE_SWITCH(st, S, {
      D *d = static_cast<D *>(dst);
      const S *s = static_cast<const S *>(src);
      parallelFor(int64_t(n), 1 << 15, [d, s](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i)
          d[i] = convertValue<D>(s[i]);
      });
    });
  });
}

void copyHost(const TBlob &dst, const TBlob &src) {
  size_t n = size_t(src.numel());
  if (dst.dtype == src.dtype) {
    if (n)
      std::memmove(dst.dptr, src.dptr, dst.nbytes());
    return;
  }
  const char *s = static_cast<const char *>(src.dptr), *d = static_cast<const char *>(dst.dptr);
  bool overlap = s < d + dst.nbytes() && d < s + src.nbytes();
  if (!overlap) {
    castHost(dst.dptr, dst.dtype, src.dptr, src.dtype, n);
    return;
  }
  std::vector<char> tmp(dst.nbytes());
  castHost(tmp.data(), dst.dtype, src.dptr, src.dtype, n);
  std::memcpy(dst.dptr, tmp.data(), tmp.size());
}

void copyWithDevice(const TBlob &dst, const TBlob &src, RunContext rctx) {
  if (dst.dtype == src.dtype) {
    copyBytesWithDevice(dst.dptr, dst.ctx, src.dptr, src.ctx, dst.nbytes(), rctx);
    return;
  }
  // A cast across devices goes through host memory: rare (astype on a GPU
  // array), and it keeps the kernels out of the copy path.
  size_t n = size_t(src.numel());
  std::vector<char> hostSrc, hostDst;
  const void *s = src.dptr;
  if (!src.ctx.isHost()) {
    hostSrc.resize(src.nbytes());
    copyBytesWithDevice(hostSrc.data(), Context::cpu(), src.dptr, src.ctx, hostSrc.size(), rctx);
    s = hostSrc.data();
  }
  if (dst.ctx.isHost()) {
    castHost(dst.dptr, dst.dtype, s, src.dtype, n);
    return;
  }
  hostDst.resize(dst.nbytes());
  castHost(hostDst.data(), dst.dtype, s, src.dtype, n);
  copyBytesWithDevice(dst.dptr, dst.ctx, hostDst.data(), Context::cpu(), hostDst.size(), rctx);
}

#ifndef MXRT_USE_CUDA
void copyBytesWithDevice(void *, Context dctx, const void *, Context sctx, size_t, RunContext) {
  fail("cannot copy from ", sctx.str(), " to ", dctx.str(), ": mxc was built without CUDA");
}
#endif

} // namespace mxrt::detail

namespace mxrt {

void NDArray::copyTo(const NDArray &dst) const {
  MXRT_CHECK(!isNone() && !dst.isNone(), "NDArray::copyTo: the ",
             isNone() ? "source" : "destination", " is none (never initialised)");
  MXRT_CHECK(shape_ == dst.shape_, "NDArray::copyTo: source shape ", shape_.str(),
             " differs from destination shape ", dst.shape_.str());
  if (sharesChunk(dst) && offset_ == dst.offset_ && dtype_ == dst.dtype_)
    return; // the same memory
  VarHandle sv = var(), dv = dst.var();
  // A writer has exclusive access already; the engine forbids a variable
  // in both lists.
  std::span<const VarHandle> reads = sv == dv ? std::span<const VarHandle>() : std::span(&sv, 1);
  std::span<const VarHandle> writes(&dv, 1);
  Context sctx = ctx(), dctx = dst.ctx();
  if (sctx.isHost() && dctx.isHost()) {
    Engine::get()->push(
        [src = *this, dst](RunContext) { detail::copyHost(dst.data(), src.data()); }, dctx, reads,
        writes, FnProperty::Normal, 0, "CopyCPU2CPU");
    return;
  }
  bool toGPU = sctx.isHost();
  Engine::get()->push(
      [src = *this, dst](RunContext rctx) { detail::copyWithDevice(dst.data(), src.data(), rctx); },
      toGPU ? dctx : sctx, reads, writes, toGPU ? FnProperty::CopyToGPU : FnProperty::CopyFromGPU,
      0, toGPU ? "CopyCPU2GPU" : (dctx.isHost() ? "CopyGPU2CPU" : "CopyGPU2GPU"));
}

} // namespace mxrt
