// optimizer_math.h - one element of each optimizer update step (sgd_update,
// adam_update, ...), written once for the CPU and CUDA kernels (C++17).
//
// Each functor holds its arrays and hyperparameters and updates element i.
// The formulas are MXNet 1.9.1's (src/operator/optimizer_op-inl.h) in the
// same order of operations, hyperparameters converted to the weight's
// compute type as MXNet casts them to DType, and states written to memory
// and read back where MXNet does, so float32 and float64 results are bit
// for bit MXNet's on the CPU (the CPU file turns off FMA contraction).
// float16 weights compute in float32 and round once per stored value
// (MXNet rounds every half_t operation); the mixed-precision (mp_*) steps
// keep float32 master weights and states, as MXNet.
//
// In-place use matters: called with out=weight, MXNet's nag_mom_update
// reads the weight again after storing the output, so the momentum sees the
// new weight; the functors do the same when `inplace`.
#pragma once

#include "kernels/device_math.h"

#include <cstdint>
#include <type_traits>

namespace mxrt::kernels::opt {

using dev::compute_t;
using dev::ld;
using dev::st;

/// The update steps with a kernel here, by ODS op name in the CPU file.
enum class UpdateOp : uint8_t {
  Sgd,
  SgdMom,
  MpSgd,
  MpSgdMom,
  NagMom,
  MpNagMom,
  Adam,
  RmsProp,
  RmsPropAlex,
  Ftrl,
  Ftml,
  SignSgd,
  Signum,
  LambPhase1,
  LambPhase2,
  MpLambPhase1,
  MpLambPhase2,
};

/// One call's arrays and hyperparameters (MXNet's float parameters).
struct UpdateArgs {
  UpdateOp op{};
  int dtype = 0; ///< the weight's MXNet dtype code (0 float32, 1 float64, 2 float16)
  int64_t n = 0;
  void *out = nullptr;
  const void *weight = nullptr, *grad = nullptr;
  void *state[4] = {};  ///< the op's other inputs in ODS order (mp: weight32 last)
  bool inplace = false; ///< out is weight's memory
  float lr = 0, wd = 0, rescale = 1, clip = -1, momentum = 0, beta1 = 0, beta2 = 0, eps = 0,
        gamma1 = 0, gamma2 = 0, clipWeights = -1, lamda1 = 0, beta = 0, wdLh = 0, lower = -1,
        upper = -1;
  int t = 0;
  bool biasCorrection = true;
  double beta1t = 0, beta2t = 0; ///< beta^t as std::pow(float, int) gives them (LAMB)
};

// MXNet's mshadow_op::clip, sign, maximum and minimum.
template <class C> MXRT_HD C clipTo(C x, C bound) {
  return x > bound ? bound : (x < -bound ? -bound : x);
}
template <class C> MXRT_HD C signOf(C x) { return x < C(0) ? C(-1) : (x > C(0) ? C(1) : C(0)); }
/// sqrt without errno (so the CPU loops vectorize); IEEE-exact.
template <class C> MXRT_HD C sqrtOf(C x) {
#if defined(__CUDA_ARCH__)
  return sqrt(x);
#elif defined(__clang__)
  return __builtin_elementwise_sqrt(x);
#else
  return __builtin_sqrt(x);
#endif
}
template <class C> MXRT_HD C powOf(C a, C b) {
#if defined(__CUDA_ARCH__)
  return pow(a, b);
#else
  if constexpr (sizeof(C) == 4)
    return __builtin_powf(a, b);
  else
    return __builtin_pow(a, b);
#endif
}

/// (x > 0) - (x < 0) as MXNet's sign updates write it.
template <class C> MXRT_HD C signInt(C x) { return C(int(x > C(0)) - int(x < C(0))); }

// ---- the steps ---------------------------------------------------------------
//
// Template parameter T: the weight's element type; C: its compute type.
// Array members are named as the ODS inputs; `clip`-style members below 0
// switch the corresponding clipping off, as in MXNet.

template <class T> struct Sgd {
  using C = compute_t<T>;
  T *out;
  const T *weight, *grad;
  C lr, wd, rescale, clip;
  explicit Sgd(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), weight(static_cast<const T *>(a.weight)),
        grad(static_cast<const T *>(a.grad)), lr(a.lr), wd(a.wd), rescale(a.rescale), clip(a.clip) {
  }
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]), g = ld<C>(grad[i]);
    out[i] = st<T>(clip >= C(0) ? (C(1) - lr * wd) * w - lr * clipTo(rescale * g, clip)
                                : (C(1) - lr * wd) * w - (lr * rescale) * g);
  }
};

template <class T> struct SgdMom {
  using C = compute_t<T>;
  T *out, *mom;
  const T *weight, *grad;
  C lr, momentum, wd, rescale, clip;
  explicit SgdMom(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), mom(static_cast<T *>(a.state[0])),
        weight(static_cast<const T *>(a.weight)), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        momentum(a.momentum), wd(a.wd), rescale(a.rescale), clip(a.clip) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]), g = ld<C>(grad[i]);
    C m = clip >= C(0) ? momentum * ld<C>(mom[i]) - lr * wd * w - lr * clipTo(rescale * g, clip)
                       : momentum * ld<C>(mom[i]) - lr * wd * w - lr * rescale * g;
    mom[i] = st<T>(m);
    out[i] = st<T>(w + ld<C>(mom[i]));
  }
};

/// mp_sgd_update / mp_sgd_mom_update: float32 master weight and momentum.
template <class T, bool Mom> struct MpSgd {
  T *out;
  float *mom, *weight32;
  const T *grad;
  float lr, momentum, wd, rescale, clip;
  explicit MpSgd(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), mom(Mom ? static_cast<float *>(a.state[0]) : nullptr),
        weight32(static_cast<float *>(a.state[Mom ? 1 : 0])), grad(static_cast<const T *>(a.grad)),
        lr(a.lr), momentum(a.momentum), wd(a.wd), rescale(a.rescale), clip(a.clip) {}
  MXRT_HD void operator()(int64_t i) const {
    float w = weight32[i], g = ld<float>(grad[i]);
    if constexpr (Mom) {
      float m = clip >= 0.f ? momentum * mom[i] - lr * wd * w - lr * clipTo(rescale * g, clip)
                            : momentum * mom[i] - lr * wd * w - lr * rescale * g;
      mom[i] = m;
      w = w + m;
    } else {
      w = clip >= 0.f ? (1.f - lr * wd) * w - lr * clipTo(rescale * g, clip)
                      : (1.f - lr * wd) * w - (lr * rescale) * g;
    }
    weight32[i] = w;
    out[i] = st<T>(w);
  }
};

template <class T> struct NagMom {
  using C = compute_t<T>;
  T *out, *mom;
  const T *weight, *grad;
  C lr, momentum, wd, rescale, clip;
  bool inplace;
  explicit NagMom(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), mom(static_cast<T *>(a.state[0])),
        weight(static_cast<const T *>(a.weight)), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        momentum(a.momentum), wd(a.wd), rescale(a.rescale), clip(a.clip), inplace(a.inplace) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]), g = ld<C>(grad[i]);
    C gr = clip >= C(0) ? clipTo(rescale * g, clip) : rescale * g;
    mom[i] = st<T>(momentum * ld<C>(mom[i]));
    C m = ld<C>(mom[i]);
    out[i] = st<T>(w - m + (momentum + C(1)) * (m - lr * (gr + wd * w)));
    C w2 = inplace ? ld<C>(out[i]) : w; // MXNet re-reads the weight it just wrote
    mom[i] = st<T>(m - lr * (gr + wd * w2));
  }
};

template <class T> struct MpNagMom {
  T *out;
  float *mom, *weight32;
  const T *grad;
  float lr, momentum, wd, rescale, clip;
  explicit MpNagMom(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), mom(static_cast<float *>(a.state[0])),
        weight32(static_cast<float *>(a.state[1])), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        momentum(a.momentum), wd(a.wd), rescale(a.rescale), clip(a.clip) {}
  MXRT_HD void operator()(int64_t i) const {
    float w = weight32[i], g = ld<float>(grad[i]);
    float gr = clip >= 0.f ? clipTo(rescale * g, clip) : rescale * g;
    float m = momentum * mom[i];
    w = w - m + (momentum + 1.f) * (m - lr * (gr + wd * w));
    mom[i] = m - lr * (gr + wd * w); // the new weight, as MXNet's kernel
    weight32[i] = w;
    out[i] = st<T>(w);
  }
};

template <class T> struct Adam {
  using C = compute_t<T>;
  T *out, *mean, *var;
  const T *weight, *grad;
  C lr, beta1, beta2, eps, wd, rescale, clip;
  explicit Adam(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), mean(static_cast<T *>(a.state[0])),
        var(static_cast<T *>(a.state[1])), weight(static_cast<const T *>(a.weight)),
        grad(static_cast<const T *>(a.grad)), lr(a.lr), beta1(a.beta1), beta2(a.beta2), eps(a.eps),
        wd(a.wd), rescale(a.rescale), clip(a.clip) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]);
    C g = ld<C>(grad[i]) * rescale + w * wd;
    if (clip >= C(0))
      g = clipTo(g, clip);
    mean[i] = st<T>(beta1 * ld<C>(mean[i]) + (C(1) - beta1) * g);
    var[i] = st<T>(beta2 * ld<C>(var[i]) + (C(1) - beta2) * g * g);
    out[i] = st<T>(w - lr * ld<C>(mean[i]) / (sqrtOf(ld<C>(var[i])) + eps));
  }
};

template <class T> struct RmsProp {
  using C = compute_t<T>;
  T *out, *n;
  const T *weight, *grad;
  C lr, gamma1, eps, wd, rescale, clip, clipWeights;
  explicit RmsProp(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), n(static_cast<T *>(a.state[0])),
        weight(static_cast<const T *>(a.weight)), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        gamma1(a.gamma1), eps(a.eps), wd(a.wd), rescale(a.rescale), clip(a.clip),
        clipWeights(a.clipWeights) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]);
    C g = rescale * ld<C>(grad[i]) + wd * w;
    if (clip >= C(0))
      g = clipTo(g, clip);
    n[i] = st<T>((C(1) - gamma1) * (g * g) + gamma1 * ld<C>(n[i]));
    C r = w - lr * (g / sqrtOf(ld<C>(n[i]) + eps));
    if (clipWeights >= C(0))
      r = clipTo(r, clipWeights);
    out[i] = st<T>(r);
  }
};

template <class T> struct RmsPropAlex {
  using C = compute_t<T>;
  T *out, *n, *gs, *delta;
  const T *weight, *grad;
  C lr, gamma1, gamma2, eps, wd, rescale, clip, clipWeights;
  explicit RmsPropAlex(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), n(static_cast<T *>(a.state[0])),
        gs(static_cast<T *>(a.state[1])), delta(static_cast<T *>(a.state[2])),
        weight(static_cast<const T *>(a.weight)), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        gamma1(a.gamma1), gamma2(a.gamma2), eps(a.eps), wd(a.wd), rescale(a.rescale), clip(a.clip),
        clipWeights(a.clipWeights) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]);
    C g = rescale * ld<C>(grad[i]) + wd * w;
    if (clip >= C(0))
      g = clipTo(g, clip);
    n[i] = st<T>((C(1) - gamma1) * g * g + gamma1 * ld<C>(n[i]));
    gs[i] = st<T>((C(1) - gamma1) * g + gamma1 * ld<C>(gs[i]));
    C nv = ld<C>(n[i]), gv = ld<C>(gs[i]);
    delta[i] = st<T>(gamma2 * ld<C>(delta[i]) - (lr * g / (sqrtOf(nv - gv * gv + eps))));
    C r = w + ld<C>(delta[i]);
    out[i] = st<T>(clipWeights >= C(0) ? clipTo(r, clipWeights) : r);
  }
};

template <class T> struct Ftrl {
  using C = compute_t<T>;
  T *out, *z, *n;
  const T *weight, *grad;
  C lr, lamda1, beta, wd, rescale, clip;
  explicit Ftrl(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), z(static_cast<T *>(a.state[0])),
        n(static_cast<T *>(a.state[1])), weight(static_cast<const T *>(a.weight)),
        grad(static_cast<const T *>(a.grad)), lr(a.lr), lamda1(a.lamda1), beta(a.beta), wd(a.wd),
        rescale(a.rescale), clip(a.clip) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]);
    C g = ld<C>(grad[i]) * rescale;
    if (clip >= C(0))
      g = clipTo(g, clip);
    C nv = ld<C>(n[i]);
    z[i] = st<T>(ld<C>(z[i]) + (g - (sqrtOf(nv + g * g) - sqrtOf(nv)) * w / lr));
    n[i] = st<T>(nv + g * g);
    C zv = ld<C>(z[i]);
    C zabs = zv < C(0) ? -zv : zv;
    out[i] = st<T>((signOf(zv) * lamda1 - zv) / ((beta + sqrtOf(ld<C>(n[i]))) / lr + wd) *
                   (zabs > lamda1 ? C(1) : C(0)));
  }
};

template <class T> struct Ftml {
  using C = compute_t<T>;
  T *out, *d, *v, *z;
  const T *weight, *grad;
  C lr, beta1, beta2, eps, t, wd, rescale, clip;
  explicit Ftml(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), d(static_cast<T *>(a.state[0])),
        v(static_cast<T *>(a.state[1])), z(static_cast<T *>(a.state[2])),
        weight(static_cast<const T *>(a.weight)), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        beta1(a.beta1), beta2(a.beta2), eps(a.eps), t(C(a.t)), wd(a.wd), rescale(a.rescale),
        clip(a.clip) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]);
    C g = rescale * ld<C>(grad[i]) + wd * w;
    if (clip >= C(0))
      g = clipTo(g, clip);
    v[i] = st<T>(beta2 * ld<C>(v[i]) + (C(1) - beta2) * (g * g));
    C dt = (C(1) - powOf(beta1, t)) / lr * (sqrtOf(ld<C>(v[i]) / (C(1) - powOf(beta2, t))) + eps);
    z[i] = st<T>(beta1 * ld<C>(z[i]) + (C(1) - beta1) * g - (dt - beta1 * ld<C>(d[i])) * w);
    d[i] = st<T>(dt);
    out[i] = st<T>(-ld<C>(z[i]) / dt);
  }
};

template <class T> struct SignSgd {
  using C = compute_t<T>;
  T *out;
  const T *weight, *grad;
  C lr, wd;
  explicit SignSgd(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), weight(static_cast<const T *>(a.weight)),
        grad(static_cast<const T *>(a.grad)), lr(a.lr), wd(a.wd) {}
  MXRT_HD void operator()(int64_t i) const {
    // MXNet ignores clip_gradient and rescale_grad here: only the sign counts.
    out[i] = st<T>((C(1) - lr * wd) * ld<C>(weight[i]) - lr * signInt(ld<C>(grad[i])));
  }
};

template <class T> struct Signum {
  using C = compute_t<T>;
  T *out, *mom;
  const T *weight, *grad;
  C lr, momentum, wd, rescale, clip, wdLh;
  explicit Signum(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), mom(static_cast<T *>(a.state[0])),
        weight(static_cast<const T *>(a.weight)), grad(static_cast<const T *>(a.grad)), lr(a.lr),
        momentum(a.momentum), wd(a.wd), rescale(a.rescale), clip(a.clip), wdLh(a.wdLh) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = ld<C>(weight[i]), g = ld<C>(grad[i]);
    C om = C(1) - momentum;
    mom[i] =
        st<T>(clip >= C(0) ? momentum * ld<C>(mom[i]) - om * wd * w - om * clipTo(rescale * g, clip)
                           : momentum * ld<C>(mom[i]) - om * wd * w - om * rescale * g);
    out[i] = st<T>((C(1) - lr * wdLh) * w + lr * signInt(ld<C>(mom[i])));
  }
};

/// lamb_update_phase1 (Master = T) and mp_lamb_update_phase1 (Master =
/// float: float32 states, master weight and output).
template <class T, class Master> struct LambPhase1 {
  static constexpr bool kMp = !std::is_same_v<T, Master>;
  using C = compute_t<Master>;
  Master *out, *mean, *var;
  const T *weight, *grad;
  const Master *weight32;
  C beta1, beta2, eps, wd, rescale, clip;
  Master beta1t, beta2t; ///< std::pow's double converted to DType, as MXNet
  bool biasCorrection;
  explicit LambPhase1(const UpdateArgs &a)
      : out(static_cast<Master *>(a.out)), mean(static_cast<Master *>(a.state[0])),
        var(static_cast<Master *>(a.state[1])), weight(static_cast<const T *>(a.weight)),
        grad(static_cast<const T *>(a.grad)),
        weight32(kMp ? static_cast<const Master *>(a.state[2]) : nullptr), beta1(a.beta1),
        beta2(a.beta2), eps(a.eps), wd(a.wd), rescale(a.rescale), clip(a.clip),
        beta1t(st<Master>(a.beta1t)), beta2t(st<Master>(a.beta2t)),
        biasCorrection(a.biasCorrection) {}
  MXRT_HD void operator()(int64_t i) const {
    C w = kMp ? ld<C>(weight32[i]) : ld<C>(weight[i]);
    C g = ld<C>(grad[i]) * rescale;
    if (clip >= C(0))
      g = clipTo(g, clip);
    mean[i] = st<Master>(beta1 * ld<C>(mean[i]) + (C(1) - beta1) * g);
    var[i] = st<Master>(beta2 * ld<C>(var[i]) + (C(1) - beta2) * g * g);
    C m = ld<C>(mean[i]), v = ld<C>(var[i]);
    C r = m / (sqrtOf(v) + eps) + wd * w;
    if (biasCorrection) {
      // mean / (1. - beta1_t) divides in double, as MXNet's kernel.
      C mhat = ld<C>(st<Master>(double(m) / (1. - double(ld<C>(beta1t)))));
      C vhat = v / (C(1) - ld<C>(beta2t));
      r = mhat / (sqrtOf(vhat) + eps) + wd * w;
    }
    out[i] = st<Master>(r);
  }
};

/// lamb_update_phase2 (Master = T) and mp_lamb_update_phase2 (g, r1, r2
/// and the master weight float32; MXNet writes the output from the master
/// weight and leaves the master weight as it is).
template <class T, class Master> struct LambPhase2 {
  static constexpr bool kMp = !std::is_same_v<T, Master>;
  using C = compute_t<Master>;
  T *out;
  const T *weight;
  const Master *g, *r1, *r2, *weight32;
  C lr, lower, upper;
  explicit LambPhase2(const UpdateArgs &a)
      : out(static_cast<T *>(a.out)), weight(static_cast<const T *>(a.weight)),
        g(static_cast<const Master *>(a.grad)), r1(static_cast<const Master *>(a.state[0])),
        r2(static_cast<const Master *>(a.state[1])),
        weight32(kMp ? static_cast<const Master *>(a.state[2]) : nullptr), lr(a.lr), lower(a.lower),
        upper(a.upper) {}
  MXRT_HD void operator()(int64_t i) const {
    C n1 = ld<C>(r1[0]), n2 = ld<C>(r2[0]);
    if (lower >= C(0))
      n1 = n1 > lower ? n1 : lower;
    if (upper >= C(0))
      n1 = n1 < upper ? n1 : upper;
    C rate = (n1 == C(0) || n2 == C(0)) ? lr : lr * n1 / n2;
    C w = kMp ? ld<C>(weight32[i]) : ld<C>(weight[i]);
    out[i] = st<T>(w - rate * ld<C>(g[i]));
  }
};

/// Calls run(n, functor) with the functor of a.op for weight type T.
template <class T, class Run> void dispatchUpdate(const UpdateArgs &a, Run &&run) {
  switch (a.op) {
  case UpdateOp::Sgd:
    return run(a.n, Sgd<T>(a));
  case UpdateOp::SgdMom:
    return run(a.n, SgdMom<T>(a));
  case UpdateOp::MpSgd:
    return run(a.n, MpSgd<T, false>(a));
  case UpdateOp::MpSgdMom:
    return run(a.n, MpSgd<T, true>(a));
  case UpdateOp::NagMom:
    return run(a.n, NagMom<T>(a));
  case UpdateOp::MpNagMom:
    return run(a.n, MpNagMom<T>(a));
  case UpdateOp::Adam:
    return run(a.n, Adam<T>(a));
  case UpdateOp::RmsProp:
    return run(a.n, RmsProp<T>(a));
  case UpdateOp::RmsPropAlex:
    return run(a.n, RmsPropAlex<T>(a));
  case UpdateOp::Ftrl:
    return run(a.n, Ftrl<T>(a));
  case UpdateOp::Ftml:
    return run(a.n, Ftml<T>(a));
  case UpdateOp::SignSgd:
    return run(a.n, SignSgd<T>(a));
  case UpdateOp::Signum:
    return run(a.n, Signum<T>(a));
  case UpdateOp::LambPhase1:
    return run(a.n, LambPhase1<T, T>(a));
  case UpdateOp::LambPhase2:
    return run(a.n, LambPhase2<T, T>(a));
  case UpdateOp::MpLambPhase1:
    return run(a.n, LambPhase1<T, float>(a));
  case UpdateOp::MpLambPhase2:
    return run(a.n, LambPhase2<T, float>(a));
  }
}

} // namespace mxrt::kernels::opt
