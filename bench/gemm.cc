// gemm.cc - bench: fp32 GEMM GFLOP/s, our dot against OpenBLAS and oneDNN.
//
// C = A B for square 1024 and 4096 matrices (row-major, float32):
//   ours, kernel    kernels::cpu::gemm: OpenBLAS single-threaded per call,
//                   C split into one row panel per engine worker (parallelFor)
//   ours, invoke    invoke(dot) + wait: the same inside an engine op
//   OpenBLAS        cblas_sgemm with its own threads (as many as our workers)
//   oneDNN          dnnl_sgemm with its OpenMP threads (OMP_NUM_THREADS = workers)
// Both libraries are loaded with dlopen, so only this bench depends on
// oneDNN (libdnnl.so.2; override MXC_BENCH_LIBDNNL) -- the runtime links the
// library this measurement picks (cmake/MxcBlas.cmake says which and why).
//
// Usage: bench_gemm [repeats=7]
#include "bench_timing.h"
#include "kernels/cpu/kernels.h"
#include "mxrt/imperative.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using mxc::bench::Stats;
using mxc::bench::timeIt;

using SgemmFn = void (*)(int order, int ta, int tb, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);
using DnnlSgemmFn = int (*)(char ta, char tb, int64_t m, int64_t n, int64_t k, float alpha,
                            const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
                            float *c, int64_t ldc);
using SetThreadsFn = void (*)(int);

template <class F> F symbol(void *lib, const char *name) {
  return lib ? reinterpret_cast<F>(dlsym(lib, name)) : nullptr;
}

void row(const char *what, Stats s, double flop, double best) {
  std::printf("  %-44s %8.1f %8.1f %8.1f   %5.2f\n", what, flop / s.max / 1e9,
              flop / s.median / 1e9, flop / s.min / 1e9, (flop / s.median) / best);
}

} // namespace

int main(int argc, char **argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 7;
  const int workers = std::max(1, mxrt::Engine::get()->numCPUWorkers());
  setenv("OMP_NUM_THREADS", std::to_string(workers).c_str(), 0);
  double load[3] = {};
  getloadavg(load, 3);
  std::printf("bench_gemm: load average %.2f %.2f %.2f on %u cores, %d engine workers, %d "
              "repeats\n",
              load[0], load[1], load[2], std::thread::hardware_concurrency(), workers, repeats);

  void *blas = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
  const char *dnnlEnv = std::getenv("MXC_BENCH_LIBDNNL");
  void *dnnl = dlopen(dnnlEnv ? dnnlEnv : "libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
  auto sgemm = symbol<SgemmFn>(blas, "cblas_sgemm");
  auto setThreads = symbol<SetThreadsFn>(blas, "openblas_set_num_threads");
  auto dnnlSgemm = symbol<DnnlSgemmFn>(dnnl, "dnnl_sgemm");
  if (!sgemm || !setThreads)
    std::printf("  (no OpenBLAS anchor: %s)\n", dlerror());
  if (!dnnlSgemm)
    std::printf("  (no oneDNN anchor: libdnnl.so.2 not loadable)\n");

  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  for (int64_t n : {1024, 4096}) {
    const double flop = 2.0 * double(n) * double(n) * double(n);
    mxrt::TShape shape{n, n};
    mxrt::NDArray A(shape, mxrt::Context::cpu()), B(shape, mxrt::Context::cpu()),
        C(shape, mxrt::Context::cpu());
    std::vector<float> init(size_t(n * n));
    for (float &x : init)
      x = u(rng);
    A.syncCopyFromCPU(init.data(), init.size() * 4);
    B.syncCopyFromCPU(init.data(), init.size() * 4);
    const float *a = A.data().ptr<float>(), *b = B.data().ptr<float>();
    float *c = C.data().ptr<float>();
    const int reps = n >= 4096 ? std::max(5, repeats / 2) : repeats;

    Stats ours = timeIt(
        reps, [&] { mxrt::kernels::cpu::gemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n); });
    std::vector<mxrt::NDArray> out;
    const mxrt::OpSpec &dot = *mxrt::findOp("dot");
    Stats viaInvoke = timeIt(reps, [&] {
      out.assign(1, C);
      mxrt::invoke(dot, std::vector<mxrt::NDArray>{A, B}, {}, out);
      C.waitToRead();
    });
    Stats openblas{}, onednn{};
    if (sgemm && setThreads) {
      setThreads(workers);
      openblas = timeIt(reps, [&] {
        sgemm(101, 111, 111, int(n), int(n), int(n), 1, a, int(n), b, int(n), 0, c, int(n));
      });
      setThreads(1); // back to the runtime's setting
    }
    if (dnnlSgemm)
      onednn = timeIt(reps, [&] { dnnlSgemm('N', 'N', n, n, n, 1, a, n, b, n, 0, c, n); });

    double best = 0;
    for (Stats s : {openblas, onednn})
      if (s.median > 0)
        best = std::max(best, flop / s.median);
    if (best == 0)
      best = flop / ours.median;
    std::printf("\nsgemm %lldx%lldx%lld, GFLOP/s                 %8s %8s %8s   %s\n", (long long)n,
                (long long)n, (long long)n, "min", "median", "max", "/best");
    if (sgemm)
      row("anchor: OpenBLAS cblas_sgemm, own threads", openblas, flop, best);
    if (dnnlSgemm)
      row("anchor: oneDNN dnnl_sgemm (OpenMP)", onednn, flop, best);
    row("ours: gemm (1-thread OpenBLAS panels)", ours, flop, best);
    row("ours: invoke(dot) + wait", viaInvoke, flop, best);
  }
  return 0;
}
