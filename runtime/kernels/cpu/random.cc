// random.cc - random sampling kernels: _random_uniform/normal/randint and
// their *_like forms, _random_exponential(_like), Dropout, and _shuffle.
//
// Draws come from Philox blocks (kernels/philox.h): element i of an op's
// output uses block start + i / perBlock, so any split over threads gives
// the same numbers, and the CUDA kernels give them too. The registered
// kernels take their blocks from the device's generator (mxrt/random.h);
// the invocation path lists the generator's variable as written, which
// orders random ops per device.
#include "mxrt/random.h"
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "kernels/philox.h"

#include <cmath>
#include <cstring>

namespace mxrt::kernels::cpu {
namespace {

template <class T> constexpr bool isWide = sizeof(T) == 8;

/// Fills the values of one block into v[0..perBlock).
template <class T>
void drawBlock(RandomKind kind, uint64_t key, uint64_t block, double a, double b, T *v) {
  if constexpr (std::is_same_v<T, double>) {
    philoxDouble(kind, key, block, a, b, v);
  } else if constexpr (isFloatLike<T>) {
    float f[4];
    philoxFloat(kind, key, block, a, b, f);
    for (int l = 0; l < 4; ++l)
      v[l] = store<T>(f[l]);
  } else { // randint in [a, b)
    int64_t r[4];
    philoxInt(key, block, int64_t(a), uint64_t(int64_t(b) - int64_t(a)), isWide<T>, r);
    for (int l = 0; l < perBlock(isWide<T>); ++l)
      v[l] = T(r[l]);
  }
}

template <class T>
void fillT(RandomKind kind, PhiloxState st, double a, double b, T *out, int64_t n) {
  const int per = perBlock(isWide<T>);
  const int64_t blocks = (n + per - 1) / per;
  parallel(blocks, std::max<int64_t>(1, kGrain / 16), [&](int64_t lo, int64_t hi) {
    T v[4];
    for (int64_t j = lo; j < hi; ++j) {
      drawBlock<T>(kind, st.seed, st.block + uint64_t(j), a, b, v);
      const int64_t base = j * per;
      for (int l = 0; l < per && base + l < n; ++l)
        out[base + l] = v[l];
    }
  });
}

} // namespace

uint64_t randomBlocks(DType dtype, int64_t n) {
  const int per = perBlock(dtypeSize(dtype) == 8);
  return uint64_t((n + per - 1) / per);
}

void randomFill(RandomKind kind, PhiloxState st, double a, double b, const TBlob &out) {
  const int64_t n = out.numel();
  if (kind == RandomKind::Randint) {
    MXRT_CHECK(b > a, "operator _random_randint: high=", int64_t(b),
               " must exceed low=", int64_t(a));
    switch (out.dtype) {
    case DType::Int32:
      return fillT(kind, st, a, b, out.ptr<int32_t>(), n);
    case DType::Int64:
      return fillT(kind, st, a, b, out.ptr<int64_t>(), n);
    case DType::UInt8:
      return fillT(kind, st, a, b, out.ptr<uint8_t>(), n);
    case DType::Int8:
      return fillT(kind, st, a, b, out.ptr<int8_t>(), n);
    default:
      failUnsupportedDType(out.dtype, "_random_randint");
    }
  }
  if (kind == RandomKind::Normal)
    MXRT_CHECK(b >= 0, "operator _random_normal: scale=", b, " must be >= 0");
  MXRT_FLOAT_SWITCH(out.dtype, T, "random sampling", fillT(kind, st, a, b, out.ptr<T>(), n));
}

void dropout(PhiloxState st, double p, const TBlob &data, const TBlob &out, const TBlob &mask) {
  checkDType(out, data.dtype, "Dropout", "out");
  checkDType(mask, data.dtype, "Dropout", "mask");
  MXRT_CHECK(p >= 0 && p <= 1, "operator Dropout: p=", p, " must be in [0, 1]");
  // mask = bernoulli(1 - p) / (1 - p), drawn over mask's shape (smaller
  // than data's along `axes`), then out = data * mask with broadcasting.
  const double keep = 1 - p, scale = keep > 0 ? 1 / keep : 0;
  randomFill(RandomKind::Uniform, st, 0, 1, mask);
  MXRT_FLOAT_SWITCH(mask.dtype, T, "Dropout", {
    T *m = mask.ptr<T>();
    const T on = store<T>(scale), off = store<T>(0.0);
    parallel(mask.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        m[i] = load<double>(m[i]) < keep ? on : off;
    });
  });
  binary(BinaryOp::Mul, data, mask, out);
}

void randomExponential(PhiloxState st, double lam, const TBlob &out) {
  MXRT_CHECK(lam > 0, "operator _random_exponential: lam=", lam, " must be > 0");
  // Inverse transform of the uniform draws: -log(1 - u) / lam, u in [0, 1).
  randomFill(RandomKind::Uniform, st, 0, 1, out);
  MXRT_FLOAT_SWITCH(out.dtype, T, "_random_exponential", {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    T *y = out.ptr<T>();
    parallel(out.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        y[i] = store<T>(-std::log1p(-load<A>(y[i])) / A(lam));
    });
  });
}

uint64_t shuffleBlocks(const TBlob &data) {
  return randomBlocks(DType::Float64, data.shape.ndim() ? data.shape[0] : 0);
}

void shuffle(PhiloxState st, const TBlob &data, const TBlob &out) {
  checkDType(out, data.dtype, "_shuffle", "out");
  checkSameSize(data, out, "_shuffle", "data", "out");
  const int64_t n = data.shape.ndim() ? data.shape[0] : 0;
  if (n == 0 || data.numel() == 0) {
    if (out.dptr != data.dptr)
      cast(data, out);
    return;
  }
  // Fisher-Yates over the first axis, one uniform double in [0, 1) per row.
  std::vector<double> u(static_cast<size_t>(n));
  fillT(RandomKind::Uniform, st, 0, 1, u.data(), n);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    perm[size_t(i)] = i;
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(perm[size_t(i)],
              perm[size_t(std::min<int64_t>(i, int64_t(u[size_t(i)] * double(i + 1))))]);
  const size_t row = data.nbytes() / size_t(n);
  std::vector<std::byte> copy;
  const auto *src = static_cast<const std::byte *>(data.dptr);
  if (out.dptr == data.dptr) { // in place: permute from a copy
    copy.assign(src, src + data.nbytes());
    src = copy.data();
  }
  auto *dst = static_cast<std::byte *>(out.dptr);
  parallel(n, std::max<int64_t>(1, kGrain * 4 / int64_t(std::max<size_t>(row, 1))),
           [&](int64_t lo, int64_t hi) {
             for (int64_t i = lo; i < hi; ++i)
               std::memcpy(dst + size_t(i) * row, src + size_t(perm[size_t(i)]) * row, row);
           });
}

// ---- op registration -----------------------------------------------------------

namespace {

/// The next part of ctx's generator stream for an output of this size.
PhiloxState takeBlocks(const OpContext &ctx, const TBlob &out) {
  RandomStream s = reserveRandom(ctx.run.ctx, randomBlocks(out.dtype, out.numel()));
  return {s.key, s.block};
}

template <RandomKind Kind>
void sampleKernel(const OpContext &ctx, const Attrs &a, std::span<const TBlob>,
                  std::span<const TBlob> out) {
  const char *lo = Kind == RandomKind::Normal ? "loc" : "low";
  const char *hi = Kind == RandomKind::Normal ? "scale" : "high";
  double x = Kind == RandomKind::Randint ? double(a.getInt(lo)) : a.getFloat(lo);
  double y = Kind == RandomKind::Randint ? double(a.getInt(hi)) : a.getFloat(hi);
  randomFill(Kind, takeBlocks(ctx, out[0]), x, y, out[0]);
}

void dropoutKernel(const OpContext &ctx, const Attrs &a, std::span<const TBlob> in,
                   std::span<const TBlob> out) {
  const bool active = ctx.isTrain || a.getStr("mode") == "always";
  const double p = a.getFloat("p");
  if (!active || p == 0) { // inference: identity, mask of ones
    cast(in[0], out[0]);
    if (out.size() > 1)
      fill(out[1], 1);
    return;
  }
  MXRT_CHECK(out.size() > 1, "operator Dropout: the mask output is missing");
  dropout(takeBlocks(ctx, out[1]), p, in[0], out[0], out[1]);
}

const KernelRegistrar registrations([] {
  for (const char *n : {"_random_uniform", "_random_uniform_like"})
    registerKernel(n, DeviceType::CPU, sampleKernel<RandomKind::Uniform>, true);
  for (const char *n : {"_random_normal", "_random_normal_like"})
    registerKernel(n, DeviceType::CPU, sampleKernel<RandomKind::Normal>, true);
  registerKernel("_random_randint", DeviceType::CPU, sampleKernel<RandomKind::Randint>, true);
  for (const char *n : {"_random_exponential", "_random_exponential_like"})
    registerKernel(
        n, DeviceType::CPU,
        [](const OpContext &ctx, const Attrs &a, std::span<const TBlob>,
           std::span<const TBlob> out) {
          randomExponential(takeBlocks(ctx, out[0]), a.getFloat("lam"), out[0]);
        },
        true);
  registerKernel("Dropout", DeviceType::CPU, dropoutKernel, true);
  registerKernel(
      "_shuffle", DeviceType::CPU,
      [](const OpContext &ctx, const Attrs &, std::span<const TBlob> in,
         std::span<const TBlob> out) {
        RandomStream s = reserveRandom(ctx.run.ctx, shuffleBlocks(in[0]));
        shuffle({s.key, s.block}, in[0], out[0]);
      },
      true);
});

} // namespace
} // namespace mxrt::kernels::cpu
