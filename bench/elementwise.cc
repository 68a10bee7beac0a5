// elementwise.cc - bench: `c = a + b`, memory bandwidth and per-call cost.
//
// Bandwidth: c = a + b on 16M float32 (64 MB per array), counted as 3 x
// 64 MB of traffic, through the CPU kernel directly and through invoke() +
// wait; the anchor is a STREAM-style copy (c[i] = a[i], 2 x 64 MB) run the
// same way, over parallelFor on every core, in the same process.
// Per call: c = a + b on 4-element arrays through invoke(), microseconds per
// call, (a) pushing N calls and waiting once, (b) waiting after each call;
// the anchor is MXNet 1.9.1's MXImperativeInvoke on the same arrays
// (dlopen'd from /opt/mxnet-venv, override MXC_BENCH_LIBMXNET), given as
// many CPU workers as ours.
//
// Usage: bench_elementwise [repeats=7]
#include "bench_timing.h"
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"
#include "mxrt/imperative.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace kc = mxrt::kernels::cpu;

using mxc::bench::Stats;
using mxc::bench::timeIt;

/// A figure in both directions: for rates, min time is max rate.
void row(const char *what, const char *unit, Stats s, double scale, bool rate) {
  auto v = [&](double x) { return rate ? scale / x : x * scale; };
  double a = v(s.min), b = v(s.median), c = v(s.max);
  std::printf("  %-44s %9.2f %9.2f %9.2f  %s\n", what, rate ? c : a, b, rate ? a : c, unit);
}

/// MXNet 1.9.1's C API, the parts this bench calls.
struct MXNet {
  int (*ndCreate)(const uint32_t *shape, uint32_t ndim, int devType, int devId, int delayAlloc,
                  void **out);
  int (*opHandle)(const char *name, void **out);
  int (*invoke)(void *creator, int numInputs, void **inputs, int *numOutputs, void ***outputs,
                int numParams, const char **keys, const char **vals);
  int (*waitAll)();
  int (*waitToRead)(void *nd);
  int (*ndFree)(void *nd);
  int (*syncFromCPU)(void *nd, const void *data, size_t size);
};

std::optional<MXNet> loadMXNet(std::string &why) {
  const char *env = std::getenv("MXC_BENCH_LIBMXNET");
  std::string path = env ? env : "/opt/mxnet-venv/lib/python3.11/site-packages/mxnet/libmxnet.so";
  void *lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    why = "cannot load " + path + ": " + dlerror();
    return std::nullopt;
  }
  MXNet m;
  bool ok = true;
  auto sym = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
    if (!fn) {
      why = path + " has no " + name;
      ok = false;
    }
  };
  sym(m.ndCreate, "MXNDArrayCreate");
  sym(m.opHandle, "NNGetOpHandle");
  sym(m.invoke, "MXImperativeInvoke");
  sym(m.waitAll, "MXNDArrayWaitAll");
  sym(m.waitToRead, "MXNDArrayWaitToRead");
  sym(m.ndFree, "MXNDArrayFree");
  sym(m.syncFromCPU, "MXNDArraySyncCopyFromCPU");
  if (!ok)
    return std::nullopt;
  return m;
}

void bandwidth(int repeats) {
  const int64_t n = int64_t(16) << 20;
  const double mb = double(n) * 4 / 1e9; // GB per array
  mxrt::NDArray a(mxrt::TShape{n}, mxrt::Context::cpu()), b(mxrt::TShape{n}, mxrt::Context::cpu()),
      c(mxrt::TShape{n}, mxrt::Context::cpu());
  std::vector<float> init(size_t(n), 1.5f);
  a.syncCopyFromCPU(init.data(), init.size() * 4);
  b.syncCopyFromCPU(init.data(), init.size() * 4);
  c.syncCopyFromCPU(init.data(), init.size() * 4);
  mxrt::TBlob ta = a.data(), tb = b.data(), tc = c.data();
  float *pa = ta.ptr<float>(), *pc = tc.ptr<float>();

  Stats copy = timeIt(repeats, [&] {
    mxrt::parallelFor(n, kc::kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        pc[i] = pa[i];
    });
  });
  Stats kernel = timeIt(repeats, [&] { kc::binary(mxrt::kernels::BinaryOp::Add, ta, tb, tc); });
  const mxrt::OpSpec &add = *mxrt::findOp("elemwise_add");
  std::vector<mxrt::NDArray> out;
  Stats viaInvoke = timeIt(repeats, [&] {
    out.assign(1, c);
    mxrt::invoke(add, std::vector<mxrt::NDArray>{a, b}, {}, out);
    c.waitToRead();
  });
  int threads = mxrt::Engine::get()->numCPUWorkers();
  std::printf("\nc = a + b on %lld float32 (64 MB per array), %d CPU workers; GB/s "
              "(add counts 3 x 64 MB, copy 2 x 64 MB)\n",
              (long long)n, threads);
  std::printf("  %-44s %9s %9s %9s\n", "", "min", "median", "max");
  row("anchor: STREAM copy c[i] = a[i]", "GB/s", copy, 2 * mb, true);
  row("ours: kernel binary(Add)", "GB/s", kernel, 3 * mb, true);
  row("ours: invoke(elemwise_add, out=c) + wait", "GB/s", viaInvoke, 3 * mb, true);
  std::printf("  ratio kernel / copy (median): %.2f   invoke / copy: %.2f\n",
              (3 * mb / kernel.median) / (2 * mb / copy.median),
              (3 * mb / viaInvoke.median) / (2 * mb / copy.median));
}

void perCall(int repeats) {
  const int calls = 20000;
  mxrt::NDArray a(mxrt::TShape{4}, mxrt::Context::cpu()), b(mxrt::TShape{4}, mxrt::Context::cpu());
  const float v[4] = {1, 2, 3, 4};
  a.syncCopyFromCPU(v, sizeof v);
  b.syncCopyFromCPU(v, sizeof v);
  const mxrt::OpSpec &add = *mxrt::findOp("broadcast_add");
  const std::vector<mxrt::NDArray> ins{a, b};
  std::vector<mxrt::NDArray> out;
  Stats pushed = timeIt(repeats, [&] {
    for (int i = 0; i < calls; ++i) {
      out.clear();
      mxrt::invoke(add, ins, {}, out);
    }
    mxrt::Engine::get()->waitForAll();
  });
  Stats waited = timeIt(repeats, [&] {
    for (int i = 0; i < calls; ++i) {
      out.clear();
      mxrt::invoke(add, ins, {}, out);
      out[0].waitToRead();
    }
  });
  std::printf("\nc = a + b on 4 float32, per call (%d calls per repeat); us\n", calls);
  std::printf("  %-44s %9s %9s %9s\n", "", "min", "median", "max");
  std::string why;
  std::optional<MXNet> mx = loadMXNet(why);
  Stats mxPushed{}, mxWaited{};
  if (mx) {
    uint32_t shape[1] = {4};
    void *ma = nullptr, *mb = nullptr, *op = nullptr;
    mx->ndCreate(shape, 1, 1, 0, 0, &ma);
    mx->ndCreate(shape, 1, 1, 0, 0, &mb);
    mx->syncFromCPU(ma, v, 4);
    mx->syncFromCPU(mb, v, 4);
    mx->opHandle("broadcast_add", &op);
    void *inputs[2] = {ma, mb};
    auto call = [&](bool wait) {
      int nout = 0;
      void **outs = nullptr;
      mx->invoke(op, 2, inputs, &nout, &outs, 0, nullptr, nullptr);
      if (wait)
        mx->waitToRead(outs[0]);
      mx->ndFree(outs[0]);
    };
    mxPushed = timeIt(repeats, [&] {
      for (int i = 0; i < calls; ++i)
        call(false);
      mx->waitAll();
    });
    mxWaited = timeIt(repeats, [&] {
      for (int i = 0; i < calls; ++i)
        call(true);
    });
    row("anchor: MXNet 1.9.1 MXImperativeInvoke, pushed", "us", mxPushed, 1e6 / calls, false);
  } else {
    std::printf("  (no MXNet anchor: %s)\n", why.c_str());
  }
  row("ours: invoke, pushed (one wait at the end)", "us", pushed, 1e6 / calls, false);
  if (mx)
    row("anchor: MXNet 1.9.1, wait after each call", "us", mxWaited, 1e6 / calls, false);
  row("ours: invoke + waitToRead each call", "us", waited, 1e6 / calls, false);
  if (mx)
    std::printf("  ratio ours / MXNet (median): pushed %.2f, waited %.2f\n",
                pushed.median / mxPushed.median, waited.median / mxWaited.median);
}

} // namespace

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::atoi(argv[1]) : 7;
  double load[3] = {};
  getloadavg(load, 3);
  std::printf("bench_elementwise: load average %.2f %.2f %.2f on %u cores, %d repeats\n", load[0],
              load[1], load[2], std::thread::hardware_concurrency(), repeats);
  // MXNet gets as many CPU workers as our engine.
  std::string workers = std::to_string(mxrt::Engine::get()->numCPUWorkers());
  setenv("MXNET_CPU_WORKER_NTHREADS", workers.c_str(), 0);
  setenv("OMP_NUM_THREADS", workers.c_str(), 0);
  bandwidth(repeats);
  perCall(repeats);
  return 0;
}
