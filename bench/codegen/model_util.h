// model_util.h - compiling a graph and running it through the Executor, for
// the latency and GEMM-path benches.
#pragma once

#include "bench_util.h"
#include "compiler/Pipeline.h"
#include "mxrt/module.h"

#include <filesystem>
#include <random>

namespace bench {

/// Compiles `in` into dir/<name>.so; exits on failure.
inline std::shared_ptr<const mxrt::Module> compileModule(const mxc::CompileInputs &in,
                                                         const mxc::CompileOptions &options,
                                                         const std::filesystem::path &dir,
                                                         const std::string &name) {
  std::string out = (dir / (name + ".so")).string();
  if (llvm::Error e = mxc::compileGraph(in, options, mxc::EmitKind::SharedLibrary, out)) {
    std::fprintf(stderr, "compiling %s failed: %s\n", name.c_str(),
                 llvm::toString(std::move(e)).c_str());
    std::exit(1);
  }
  return mxrt::Module::load(out);
}

inline mxrt::NDArray uniform(const mxrt::TShape &shape, std::mt19937 &rng, float lo, float hi) {
  std::uniform_real_distribution<float> u{lo, hi};
  std::vector<float> v(size_t(shape.numel()));
  for (float &x : v)
    x = u(rng);
  mxrt::NDArray a(shape, mxrt::Context::cpu(), mxrt::DType::Float32);
  a.syncCopyFromCPU(v.data(), v.size() * sizeof(float));
  return a;
}

/// Binds random arguments (variances positive) and returns seconds per
/// forward (after warm-up), one entry per repeat.
inline std::vector<double> timeForward(std::shared_ptr<const mxrt::Module> m, int repeats) {
  std::mt19937 rng(0);
  std::vector<mxrt::NDArray> args, aux;
  for (int v : m->valuesOfKind(MXC_VALUE_ARG))
    args.push_back(uniform(m->shapeOf(v), rng, -0.1f, 0.1f));
  for (int v : m->valuesOfKind(MXC_VALUE_AUX))
    aux.push_back(uniform(m->shapeOf(v), rng, 0.5f, 1.5f));
  mxrt::Executor exec(m, mxrt::Context::cpu(), args, aux);
  auto once = [&] {
    exec.forward();
    for (const mxrt::NDArray &o : exec.outputs())
      o.waitToRead();
  };
  for (int i = 0; i < 3; ++i)
    once();
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    double t0 = now();
    once();
    t.push_back(now() - t0);
  }
  return t;
}

} // namespace bench
