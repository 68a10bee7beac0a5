// engine.cc - bench: microseconds per pushed no-op from one thread, ours vs MXNet 1.9.1's engine.
//
// Two workloads, each N pushes from one thread followed by one wait for
// all, timed end to end and divided by N:
//   independent  no-op ops that use no variable (push, schedule, run, retire)
//   chain        no-op ops that all write one variable (each waits for the last)
//   3 variables  no-op ops reading 2 shared variables and writing 1 of 8 in
//                turn (the shape of a binary kernel on a few arrays)
// The anchor is MXNet 1.9.1's default engine (ThreadedEnginePerDevice)
// through its C API -- MXEnginePushSync for independent ops,
// MXEnginePushSyncND on one delay-allocated NDArray for the chain (the C
// API exposes variables only through NDArrays), MXNDArrayWaitAll -- loaded
// with dlopen from /opt/mxnet-venv (override: MXC_BENCH_LIBMXNET) and given
// as many CPU workers as ours (MXNET_CPU_WORKER_NTHREADS). Both run in the
// same process, interleaved, so machine noise hits both alike.
//
// Usage: bench_engine [N=200000] [repeats=7]
#include "mxrt/engine.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

/// MXNet 1.9.1's C API, the parts the bench calls (include/mxnet/c_api.h).
struct MXNet {
  using SyncFunc = void (*)(void *rctx, void *param);
  using Deleter = void (*)(void *);
  int (*pushSync)(SyncFunc, void *, Deleter, const void *ctx, void *constVars, int numConst,
                  void *mutableVars, int numMutable, const void *prop, int priority,
                  const char *name);
  int (*pushSyncND)(SyncFunc, void *, Deleter, const void *ctx, void **constNDs, int numConst,
                    void **mutableNDs, int numMutable, const void *prop, int priority,
                    const char *name);
  int (*waitAll)();
  int (*ndCreate)(const uint32_t *shape, uint32_t ndim, int devType, int devId, int delayAlloc,
                  void **out);
  const char *(*lastError)();
  struct Context {
    int devType = 1; // kCPU
    int devId = 0;
  } cpu;
  void *nd = nullptr;    ///< the chain's variable
  void *inputs[2] = {};  ///< the 3-variable ops' read variables
  void *outputs[8] = {}; ///< and the ones they write in turn

  static void noop(void *, void *) {}
};

/// Loads MXNet or says why it could not.
std::optional<MXNet> loadMXNet(std::string &why) {
  const char *env = std::getenv("MXC_BENCH_LIBMXNET");
  std::string path = env ? env : "/opt/mxnet-venv/lib/python3.11/site-packages/mxnet/libmxnet.so";
  void *lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    why = std::string("cannot load ") + path + ": " + dlerror();
    return std::nullopt;
  }
  MXNet m;
  auto sym = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
    if (!fn)
      why = std::string(path) + " has no " + name;
    return fn != nullptr;
  };
  if (!sym(m.pushSync, "MXEnginePushSync") || !sym(m.pushSyncND, "MXEnginePushSyncND") ||
      !sym(m.waitAll, "MXNDArrayWaitAll") || !sym(m.ndCreate, "MXNDArrayCreate") ||
      !sym(m.lastError, "MXGetLastError"))
    return std::nullopt;
  uint32_t shape[] = {1};
  for (void **nd : {&m.nd, &m.inputs[0], &m.inputs[1], &m.outputs[0], &m.outputs[1], &m.outputs[2],
                    &m.outputs[3], &m.outputs[4], &m.outputs[5], &m.outputs[6], &m.outputs[7]}) {
    if (m.ndCreate(shape, 1, 1, 0, /*delayAlloc=*/1, nd) != 0) {
      why = std::string("MXNDArrayCreate failed: ") + m.lastError();
      return std::nullopt;
    }
  }
  return m;
}

/// Microseconds per op of one run of `body` (which pushes n ops and waits).
double usPerOp(int64_t n, const std::function<void()> &body) {
  auto t0 = Clock::now();
  body();
  return std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / double(n);
}

struct Stats {
  double min, median, max;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

std::string cell(const std::optional<Stats> &s, const std::string &missing) {
  if (!s)
    return missing;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.3f / %.3f / %.3f", s->min, s->median, s->max);
  return buf;
}

void check(int rc, MXNet &m, const char *what) {
  if (rc != 0) {
    std::fprintf(stderr, "%s failed: %s\n", what, m.lastError());
    std::exit(1);
  }
}

} // namespace

int main(int argc, char **argv) {
  const int64_t n = argc > 1 ? std::atoll(argv[1]) : 200000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 7;
  if (n < 1 || repeats < 1) {
    std::fprintf(stderr, "usage: %s [N>=1] [repeats>=1]\n", argv[0]);
    return 2;
  }
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);

  mxrt::Engine *e = mxrt::Engine::get();
  const int workers = e->numCPUWorkers();
  // MXNet reads its knobs when its engine starts, on the first push.
  setenv("MXNET_CPU_WORKER_NTHREADS", std::to_string(std::max(workers, 1)).c_str(), 1);
  setenv("MXNET_ENGINE_TYPE", "ThreadedEnginePerDevice", 1);
  std::string why;
  std::optional<MXNet> mx = loadMXNet(why);

  mxrt::VarHandle var = e->newVar();
  std::vector<mxrt::VarHandle> inputs = {e->newVar(), e->newVar()}, outputs;
  for (int k = 0; k < 8; ++k)
    outputs.push_back(e->newVar());
  const mxrt::Context cpu = mxrt::Context::cpu();
  auto oursIndependent = [&] {
    for (int64_t i = 0; i < n; ++i)
      e->push([](mxrt::RunContext) {}, cpu, {}, {}, mxrt::FnProperty::Normal, 0, "noop");
    e->waitForAll();
  };
  auto oursChain = [&] {
    for (int64_t i = 0; i < n; ++i)
      e->push([](mxrt::RunContext) {}, cpu, {}, {var}, mxrt::FnProperty::Normal, 0, "noop");
    e->waitForAll();
  };
  auto oursThree = [&] {
    for (int64_t i = 0; i < n; ++i)
      e->push([](mxrt::RunContext) {}, cpu, inputs, {outputs[size_t(i % 8)]},
              mxrt::FnProperty::Normal, 0, "noop");
    e->waitForAll();
  };
  auto mxIndependent = [&] {
    for (int64_t i = 0; i < n; ++i)
      check(mx->pushSync(&MXNet::noop, nullptr, nullptr, &mx->cpu, nullptr, 0, nullptr, 0, nullptr,
                         0, "noop"),
            *mx, "MXEnginePushSync");
    check(mx->waitAll(), *mx, "MXNDArrayWaitAll");
  };
  auto mxChain = [&] {
    for (int64_t i = 0; i < n; ++i)
      check(mx->pushSyncND(&MXNet::noop, nullptr, nullptr, &mx->cpu, nullptr, 0, &mx->nd, 1,
                           nullptr, 0, "noop"),
            *mx, "MXEnginePushSyncND");
    check(mx->waitAll(), *mx, "MXNDArrayWaitAll");
  };
  auto mxThree = [&] {
    for (int64_t i = 0; i < n; ++i)
      check(mx->pushSyncND(&MXNet::noop, nullptr, nullptr, &mx->cpu, mx->inputs, 2,
                           &mx->outputs[i % 8], 1, nullptr, 0, "noop"),
            *mx, "MXEnginePushSyncND");
    check(mx->waitAll(), *mx, "MXNDArrayWaitAll");
  };

  // Warm up: threads started, pools filled, pages touched.
  oursIndependent();
  oursChain();
  oursThree();
  if (mx) {
    mxIndependent();
    mxChain();
    mxThree();
  }
  std::vector<double> oi, oc, o3, mi, mc, m3;
  for (int r = 0; r < repeats; ++r) {
    oi.push_back(usPerOp(n, oursIndependent));
    if (mx)
      mi.push_back(usPerOp(n, mxIndependent));
    oc.push_back(usPerOp(n, oursChain));
    if (mx)
      mc.push_back(usPerOp(n, mxChain));
    o3.push_back(usPerOp(n, oursThree));
    if (mx)
      m3.push_back(usPerOp(n, mxThree));
  }
  e->deleteVar(nullptr, cpu, var);
  for (mxrt::VarHandle v : inputs)
    e->deleteVar(nullptr, cpu, v);
  for (mxrt::VarHandle v : outputs)
    e->deleteVar(nullptr, cpu, v);
  e->waitForAll();

  std::printf("engine push throughput: %lld no-op pushes from one thread, then one wait; "
              "%d repeats\n",
              (long long)n, repeats);
  std::printf("machine: %u cores, load average %s; CPU workers: ours %d, MXNet %d\n",
              std::thread::hardware_concurrency(), load.c_str(), workers, workers);
  std::string missing = "n/a (" + why + ")";
  std::printf("\n| workload | mxc us/op min / median / max | MXNet 1.9.1 us/op min / median / "
              "max | mxc / MXNet (median) |\n|---|---|---|---|\n");
  auto row = [&](const char *name, const std::vector<double> &ours,
                 const std::vector<double> &anchor) {
    Stats s = stats(ours);
    std::optional<Stats> a;
    if (!anchor.empty())
      a = stats(anchor);
    char ratio[32] = "n/a";
    if (a)
      std::snprintf(ratio, sizeof ratio, "%.2fx", s.median / a->median);
    std::printf("| %s | %s | %s | %s |\n", name, cell(s, "").c_str(), cell(a, missing).c_str(),
                ratio);
  };
  row("independent (no variables)", oi, mi);
  row("chain (all write one variable)", oc, mc);
  row("3 variables (read 2, write 1 of 8)", o3, m3);
  std::printf("\ngoal: <= 1 us per op for mxc; ratio < 1 means mxc is faster\n");
  return 0;
}
