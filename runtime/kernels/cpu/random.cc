// random.cc - random sampling kernels: _random_uniform/normal/randint and
// their *_like forms, and Dropout.
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

namespace mxrt::kernels::cpu {
namespace {

constexpr double kTwoPi = 6.283185307179586;

template <class T> constexpr bool isWide = sizeof(T) == 8;

/// Fills the values of one block into v[0..perBlock).
template <class T>
void drawBlock(RandomKind kind, uint64_t key, uint64_t block, double a, double b, T *v) {
  const Philox4 w = philox(key, block);
  if constexpr (isFloatLike<T>) {
    if constexpr (isWide<T>) {
      double u0 = uniform53(w.v[0], w.v[1]), u1 = uniform53(w.v[2], w.v[3]);
      if (kind == RandomKind::Uniform) {
        v[0] = a + u0 * (b - a);
        v[1] = a + u1 * (b - a);
      } else { // Box-Muller on (0, 1] x [0, 1)
        double r = std::sqrt(-2.0 * std::log(1.0 - u0));
        v[0] = a + b * r * std::cos(kTwoPi * u1);
        v[1] = a + b * r * std::sin(kTwoPi * u1);
      }
    } else {
      if (kind == RandomKind::Uniform) {
        for (int l = 0; l < 4; ++l)
          v[l] = store<T>(float(a + double(uniform24(w.v[l])) * (b - a)));
      } else {
        for (int l = 0; l < 4; l += 2) {
          float r = std::sqrt(-2.0f * std::log(uniform24Open(w.v[l])));
          float t = float(kTwoPi) * uniform24(w.v[l + 1]);
          v[l] = store<T>(float(a + b * double(r * std::cos(t))));
          v[l + 1] = store<T>(float(a + b * double(r * std::sin(t))));
        }
      }
    }
  } else { // randint in [a, b)
    const uint64_t range = uint64_t(int64_t(b) - int64_t(a));
    if constexpr (isWide<T>) {
      v[0] = T(int64_t(a) + int64_t(((uint64_t(w.v[0]) << 32 | w.v[1]) % range)));
      v[1] = T(int64_t(a) + int64_t(((uint64_t(w.v[2]) << 32 | w.v[3]) % range)));
    } else {
      for (int l = 0; l < 4; ++l)
        v[l] = T(int64_t(a) + int64_t(w.v[l] % range));
    }
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
  registerKernel("Dropout", DeviceType::CPU, dropoutKernel, true);
});

} // namespace
} // namespace mxrt::kernels::cpu
