// optimizer.cc - fused single-pass optimizer updates: sgd_update,
// sgd_mom_update, adam_update (MXNet 1.x formulas, no bias correction in
// adam_update: the Python optimizer folds it into lr).
//
// Each reads weight, grad and the states once and writes them once:
//   g = clip(rescale_grad * grad, clip_gradient) (+ wd * weight)
//   sgd:      weight = weight - lr * (g + wd * weight)
//   sgd_mom:  mom = momentum * mom - lr * (g + wd * weight); weight += mom
//   adam:     mean = b1 mean + (1 - b1) g; var = b2 var + (1 - b2) g^2;
//             weight -= lr * mean / (sqrt(var) + epsilon)
// The output usually is the weight itself (out=weight); states update in
// place (they are the op's mutated inputs).
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <cmath>

namespace mxrt::kernels::cpu {
namespace {

template <class A> MXRT_INLINE A clipGrad(A g, A clip) {
  if (clip >= A(0))
    g = g < -clip ? -clip : g > clip ? clip : g;
  return g;
}

void checkState(const TBlob &b, const TBlob &weight, const char *op, const char *arg) {
  checkDType(b, weight.dtype, op, arg);
  checkSameSize(b, weight, op, arg, "weight");
}

} // namespace

void optimizerUpdate(OptimizerKind kind, const OptimizerParams &p, const TBlob &weight,
                     const TBlob &grad, std::span<const TBlob> states, const TBlob &out) {
  const char *op = kind == OptimizerKind::Sgd      ? "sgd_update"
                   : kind == OptimizerKind::SgdMom ? "sgd_mom_update"
                                                   : "adam_update";
  const size_t want = kind == OptimizerKind::Sgd ? 0 : kind == OptimizerKind::SgdMom ? 1 : 2;
  MXRT_CHECK(states.size() == want, "operator ", op, ": expected ", want, " state arrays, got ",
             states.size());
  checkState(grad, weight, op, "grad");
  checkState(out, weight, op, "out");
  for (const TBlob &s : states)
    checkState(s, weight, op, "state");
  MXRT_FLOAT_SWITCH(weight.dtype, T, op, {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const T *w = weight.ptr<T>(), *g = grad.ptr<T>();
    T *y = out.ptr<T>();
    T *s0 = want > 0 ? states[0].ptr<T>() : nullptr, *s1 = want > 1 ? states[1].ptr<T>() : nullptr;
    const A lr = A(p.lr), wd = A(p.wd), rescale = A(p.rescaleGrad), clip = A(p.clipGradient),
            mom = A(p.momentum), b1 = A(p.beta1), b2 = A(p.beta2), eps = A(p.epsilon);
    parallel(weight.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      isaDispatch(
          [&](int64_t b, int64_t e) MXRT_INLINE {
            for (int64_t i = b; i < e; ++i) {
              const A wi = load<A>(w[i]);
              const A gi = clipGrad(rescale * load<A>(g[i]), clip);
              switch (kind) {
              case OptimizerKind::Sgd:
                y[i] = store<T>(wi - lr * (gi + wd * wi));
                break;
              case OptimizerKind::SgdMom: {
                const A m = mom * load<A>(s0[i]) - lr * (gi + wd * wi);
                s0[i] = store<T>(m);
                y[i] = store<T>(wi + m);
                break;
              }
              case OptimizerKind::Adam: {
                const A gw = gi + wd * wi;
                const A m = b1 * load<A>(s0[i]) + (A(1) - b1) * gw;
                const A v = b2 * load<A>(s1[i]) + (A(1) - b2) * gw * gw;
                s0[i] = store<T>(m);
                s1[i] = store<T>(v);
                y[i] = store<T>(wi - lr * m / (std::sqrt(v) + eps));
                break;
              }
              }
            }
          },
          lo, hi);
    });
  });
}

// ---- op registration -----------------------------------------------------------

namespace {

template <OptimizerKind Kind>
void updateKernel(const OpContext &, const Attrs &a, std::span<const TBlob> in,
                  std::span<const TBlob> out) {
  OptimizerParams p;
  p.lr = a.getFloat("lr");
  p.wd = a.getFloat("wd");
  p.rescaleGrad = a.getFloat("rescale_grad");
  p.clipGradient = a.getFloat("clip_gradient");
  if constexpr (Kind == OptimizerKind::SgdMom)
    p.momentum = a.getFloat("momentum");
  if constexpr (Kind == OptimizerKind::Adam) {
    p.beta1 = a.getFloat("beta1");
    p.beta2 = a.getFloat("beta2");
    p.epsilon = a.getFloat("epsilon");
  }
  optimizerUpdate(Kind, p, in[0], in[1], in.subspan(2), out[0]);
}

const KernelRegistrar registrations([] {
  registerKernel("sgd_update", DeviceType::CPU, updateKernel<OptimizerKind::Sgd>);
  registerKernel("sgd_mom_update", DeviceType::CPU, updateKernel<OptimizerKind::SgdMom>);
  registerKernel("adam_update", DeviceType::CPU, updateKernel<OptimizerKind::Adam>);
});

} // namespace
} // namespace mxrt::kernels::cpu
