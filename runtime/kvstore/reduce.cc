// reduce.cc - sumHost: m host arrays added in one pass over memory; sumGPU's
// host side.
//
// Two-input passes (add_n's way) would stream the output through memory
// m-1 times; here each block of kBlock elements is accumulated in a
// stack buffer across every input, then stored once, so a push of four
// 4 MB gradients reads 16 MB and writes 4 MB.
#include "kvstore/reduce.h"

#ifdef MXRT_USE_CUDA
#include "kvstore/cuda/reduce_gpu.h"
#endif

#include "kernels/cpu/cpu_util.h"
#include "mxrt/base.h"

#include <algorithm>
#include <vector>

namespace mxrt::kvstore {
namespace {

using kernels::cpu::compute_t;
using kernels::cpu::load;
using kernels::cpu::store;

constexpr int64_t kBlock = 1024;

template <class T> void sumT(const T *const *in, size_t m, T *out, int64_t n) {
  using C = compute_t<T>;
  kernels::cpu::parallel(n, kernels::cpu::kGrain, [&](int64_t b, int64_t e) {
    auto loop = [in, m, out](int64_t lo, int64_t hi) MXRT_INLINE {
      alignas(64) C acc[kBlock];
      for (int64_t s = lo; s < hi; s += kBlock) {
        const int64_t len = std::min(kBlock, hi - s);
        const T *a = in[0] + s;
        for (int64_t i = 0; i < len; ++i)
          acc[i] = load<C>(a[i]);
        for (size_t k = 1; k < m; ++k) {
          const T *x = in[k] + s;
          for (int64_t i = 0; i < len; ++i)
            acc[i] = C(acc[i] + load<C>(x[i]));
        }
        T *y = out + s;
        for (int64_t i = 0; i < len; ++i)
          y[i] = store<T>(acc[i]);
      }
    };
    kernels::cpu::isaDispatch(loop, b, e);
  });
}

} // namespace

void sumHost(std::span<const TBlob> in, const TBlob &out) {
  MXRT_CHECK(!in.empty(), "KVStore reduce: no inputs");
  for (const TBlob &b : in)
    MXRT_CHECK(b.dtype == out.dtype && b.numel() == out.numel(), "KVStore reduce: an input of ",
               b.shape.str(), " ", dtypeName(b.dtype), " does not match the output's ",
               out.shape.str(), " ", dtypeName(out.dtype));
  MXRT_DTYPE_SWITCH(out.dtype, T, {
    std::vector<const T *> ptrs;
    for (const TBlob &b : in)
      ptrs.push_back(b.ptr<const T>());
    sumT<T>(ptrs.data(), ptrs.size(), out.ptr<T>(), out.numel());
  });
}

void sumGPU(std::span<const TBlob> in, const TBlob &out, void *stream) {
#ifdef MXRT_USE_CUDA
  MXRT_CHECK(!in.empty(), "KVStore reduce: no inputs");
  std::vector<const void *> ptrs;
  for (const TBlob &b : in) {
    MXRT_CHECK(b.dtype == out.dtype && b.numel() == out.numel() && b.ctx == out.ctx,
               "KVStore reduce: an input of ", b.shape.str(), " ", dtypeName(b.dtype), " on ",
               b.ctx.str(), " does not match the output's ", out.shape.str(), " ",
               dtypeName(out.dtype), " on ", out.ctx.str());
    ptrs.push_back(b.dptr);
  }
  const char *err =
      launchSumGPU(ptrs.data(), int(ptrs.size()), out.dptr, out.numel(), int(out.dtype), stream);
  MXRT_CHECK(!err, "KVStore reduce on ", out.ctx.str(), ": ", err);
#else
  fail("KVStore reduce on ", out.ctx.str(), ": mxc was built without CUDA");
#endif
}

} // namespace mxrt::kvstore
