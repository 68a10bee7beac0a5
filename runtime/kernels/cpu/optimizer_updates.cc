// optimizer_updates.cc - the optimizer update steps as fused kernels
// (sgd_update, sgd_mom_update, adam_update, ... as MXNet's mx.nd.*_update),
// and all_finite.
//
// The element math is kernels/optimizer_math.h, shared with CUDA. Here:
// reading MXNet's attributes into UpdateArgs, the CPU loop (split over the
// workers, compiled per ISA) and the registrations, for the CPU and -- in
// CUDA builds -- the GPU (kernels/cuda/optimizer_updates.cu).
//
// FMA contraction is off in this file: MXNet's CPU kernels round every
// multiply and add, and the float32/float64 results here match them bit
// for bit.
#pragma clang fp contract(off)
// The loops that cannot vectorize (FTML's pow, 16-bit floats) would warn
// about the vectorize(assume_safety) hint in runCPU; they run scalar.
#pragma clang diagnostic ignored "-Wpass-failed"

#include "kernels/cpu/cpu_util.h"
#include "kernels/kernel_props.h"
#include "kernels/optimizer_math.h"

#ifdef MXRT_USE_CUDA
#include "kernels/cuda/optimizer_gpu.h"
#endif

#include <atomic>
#include <cmath>
#include <utility>

namespace mxrt::kernels::cpu {
namespace {

using opt::UpdateArgs;
using opt::UpdateOp;

/// The attribute `name` as a float if this op has it (MXNet's parameters
/// are float32).
void readFloat(const Attrs &a, const char *name, float &dst) {
  if (a.op().findAttr(name))
    dst = float(a.getFloat(name));
}

UpdateArgs argsFrom(UpdateOp op, const Attrs &a, std::span<const TBlob> in,
                    std::span<const TBlob> out) {
  const char *name = a.op().name.data();
  MXRT_CHECK(in.size() >= 2 && in.size() <= 6 && out.size() == 1, "operator ", name, ": ",
             in.size(), " inputs and ", out.size(), " outputs");
  DType wt = in[0].dtype;
  MXRT_CHECK(wt == DType::Float32 || wt == DType::Float64 || wt == DType::Float16, "operator ",
             name, ": weight has dtype ", dtypeName(wt), ", expected float16, float32 or float64");
  for (size_t k = 1; k < in.size(); ++k) {
    bool scalar =
        (op == UpdateOp::LambPhase2 || op == UpdateOp::MpLambPhase2) && (k == 2 || k == 3);
    if (!scalar)
      checkSameSize(in[k], in[0], name, "input", "weight");
  }
  checkSameSize(out[0], in[0], name, "output", "weight");
  UpdateArgs args;
  args.op = op;
  args.dtype = int(wt);
  args.n = in[0].numel();
  args.out = out[0].dptr;
  args.weight = in[0].dptr;
  args.grad = in[1].dptr;
  for (size_t k = 2; k < in.size(); ++k)
    args.state[k - 2] = in[k].dptr;
  args.inplace = out[0].dptr == in[0].dptr;
  readFloat(a, "lr", args.lr);
  readFloat(a, "wd", args.wd);
  readFloat(a, "rescale_grad", args.rescale);
  readFloat(a, "clip_gradient", args.clip);
  readFloat(a, "clip_grad", args.clip); // ftml's name for it
  readFloat(a, "momentum", args.momentum);
  readFloat(a, "beta1", args.beta1);
  readFloat(a, "beta2", args.beta2);
  readFloat(a, "epsilon", args.eps);
  readFloat(a, "gamma1", args.gamma1);
  readFloat(a, "gamma2", args.gamma2);
  readFloat(a, "clip_weights", args.clipWeights);
  readFloat(a, "lamda1", args.lamda1);
  readFloat(a, "beta", args.beta);
  readFloat(a, "wd_lh", args.wdLh);
  readFloat(a, "lower_bound", args.lower);
  readFloat(a, "upper_bound", args.upper);
  if (a.op().findAttr("t"))
    args.t = int(a.getInt("t"));
  if (a.op().findAttr("bias_correction"))
    args.biasCorrection = a.getBool("bias_correction");
  // std::pow(float, int) computes in double, as MXNet's LAMB kernel does.
  args.beta1t = std::pow(args.beta1, args.t);
  args.beta2t = std::pow(args.beta2, args.t);
  return args;
}

/// Runs f(i) over [0, n), split over the workers, vectorized per ISA.
/// Element i of every array is all that iteration i touches, and arrays are
/// either disjoint or exactly the same memory (out=weight), so iterations
/// are independent: telling the vectorizer so keeps the in-place case (the
/// usual one) vectorized, where its overlap checks would fall back to
/// scalar code.
template <class F> void runCPU(int64_t n, const F &f) {
  parallel(n, kGrain, [&f](int64_t b, int64_t e) {
    isaDispatch(
        [&f](int64_t lo, int64_t hi) MXRT_INLINE {
#pragma clang loop vectorize(assume_safety)
          for (int64_t i = lo; i < hi; ++i)
            f(i);
        },
        b, e);
  });
}

void updateCPU(const UpdateArgs &a) {
  auto run = [](int64_t n, const auto &f) { runCPU(n, f); };
  switch (DType(a.dtype)) {
  case DType::Float32:
    return opt::dispatchUpdate<float>(a, run);
  case DType::Float64:
    return opt::dispatchUpdate<double>(a, run);
  default:
    return opt::dispatchUpdate<half_t>(a, run);
  }
}

template <UpdateOp Op>
void cpuKernel(const OpContext &, const Attrs &a, std::span<const TBlob> in,
               std::span<const TBlob> out) {
  updateCPU(argsFrom(Op, a, in, out));
}

#ifdef MXRT_USE_CUDA
template <UpdateOp Op>
void gpuKernel(const OpContext &ctx, const Attrs &a, std::span<const TBlob> in,
               std::span<const TBlob> out) {
  const char *err = opt::launchUpdateGPU(argsFrom(Op, a, in, out), ctx.run.stream);
  MXRT_CHECK(!err, "operator ", a.op().name, " on ", out[0].ctx.str(), ": ", err);
}
#endif

/// all_finite: out[0] = 1 when every element is finite (and-ed into the
/// previous value when init_output is false).
void allFiniteCPU(const OpContext &, const Attrs &a, std::span<const TBlob> in,
                  std::span<const TBlob> out) {
  checkDType(out[0], DType::Float32, "all_finite", "output");
  float *flag = out[0].ptr<float>();
  if (a.getBool("init_output"))
    *flag = 1.f;
  std::atomic<bool> finite{true};
  MXRT_FLOAT_SWITCH(in[0].dtype, T, "all_finite", {
    const T *x = in[0].ptr<T>();
    parallel(in[0].numel(), kGrain, [&](int64_t b, int64_t e) {
      bool ok = true;
      for (int64_t i = b; i < e; ++i)
        ok &= std::isfinite(load<float_compute_t<T>>(x[i]));
      if (!ok)
        finite.store(false, std::memory_order_relaxed);
    });
  });
  if (!finite.load())
    *flag = 0.f;
}

const KernelRegistrar kRegistrations([] {
  struct Entry {
    const char *name;
    KernelFn cpu;
#ifdef MXRT_USE_CUDA
    KernelFn gpu;
#define MXRT_UPDATE(name, op)                                                                      \
  { name, cpuKernel<UpdateOp::op>, gpuKernel<UpdateOp::op> }
#else
#define MXRT_UPDATE(name, op)                                                                      \
  { name, cpuKernel<UpdateOp::op> }
#endif
  };
  const Entry entries[] = {
      MXRT_UPDATE("sgd_update", Sgd),
      MXRT_UPDATE("sgd_mom_update", SgdMom),
      MXRT_UPDATE("mp_sgd_update", MpSgd),
      MXRT_UPDATE("mp_sgd_mom_update", MpSgdMom),
      MXRT_UPDATE("nag_mom_update", NagMom),
      MXRT_UPDATE("mp_nag_mom_update", MpNagMom),
      MXRT_UPDATE("adam_update", Adam),
      MXRT_UPDATE("rmsprop_update", RmsProp),
      MXRT_UPDATE("rmspropalex_update", RmsPropAlex),
      MXRT_UPDATE("ftrl_update", Ftrl),
      MXRT_UPDATE("ftml_update", Ftml),
      MXRT_UPDATE("signsgd_update", SignSgd),
      MXRT_UPDATE("signum_update", Signum),
      MXRT_UPDATE("lamb_update_phase1", LambPhase1),
      MXRT_UPDATE("lamb_update_phase2", LambPhase2),
      MXRT_UPDATE("mp_lamb_update_phase1", MpLambPhase1),
      MXRT_UPDATE("mp_lamb_update_phase2", MpLambPhase2),
  };
#undef MXRT_UPDATE
  for (const Entry &e : entries) {
    // Every step reads element i of each array before writing element i,
    // so out=weight runs in place (MXNet's nag_mom_update result depends
    // on it: the momentum reads the weight just written).
    markAliasSafe(e.name);
    registerKernel(e.name, DeviceType::CPU, e.cpu);
#ifdef MXRT_USE_CUDA
    registerKernel(e.name, DeviceType::GPU, e.gpu);
#endif
  }
  registerKernel("all_finite", DeviceType::CPU, allFiniteCPU);
});

} // namespace
} // namespace mxrt::kernels::cpu
