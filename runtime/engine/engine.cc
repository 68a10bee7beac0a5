// engine.cc - choosing and creating engines; what both engines share (variables, checks).
#include "engine/engines.h"

#include "engine/object_pool.h"
#include "mxrt/base.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace mxrt {

namespace engine {

EngineKind engineKindFromEnv() {
  std::string v = envStr("MXC_ENGINE_TYPE", "threaded");
  std::string lower = v;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (lower.empty() || lower == "threaded" || lower == "threadedengineperdevice" ||
      lower == "threadedengine")
    return EngineKind::Threaded;
  if (lower == "naive" || lower == "naiveengine")
    return EngineKind::Naive;
  fail("environment variable MXC_ENGINE_TYPE='", v,
       "' names no engine: use 'threaded' (the default) or 'naive'");
}

int resolveCPUWorkers(int numCPUWorkers) {
  if (numCPUWorkers > 0)
    return numCPUWorkers;
  long cores = long(std::max(1u, std::thread::hardware_concurrency()));
  long n = envInt("MXC_CPU_WORKER_NTHREADS", cores);
  MXRT_CHECK(n >= 1 && n <= 4096, "environment variable MXC_CPU_WORKER_NTHREADS=", n,
             " must be between 1 and 4096");
  return int(n);
}

void checkVars(std::span<const VarHandle> reads, std::span<const VarHandle> writes,
               std::string_view name) {
  for (size_t i = 0; i < reads.size(); ++i)
    MXRT_CHECK(reads[i], "op '", name, "': read variable #", i, " is null");
  for (size_t i = 0; i < writes.size(); ++i)
    MXRT_CHECK(writes[i], "op '", name, "': written variable #", i, " is null");
}

Var *allocVar() {
  Var *v = ObjectPool<Var>::get();
  v->reset();
  return v;
}

void freeVar(Var *v) {
  v->error.reset();
#if MXRT_ENGINE_DEBUG
  v->magic = Var::kDead;
#endif
  ObjectPool<Var>::put(v);
}

} // namespace engine

std::unique_ptr<Engine> Engine::create(EngineKind kind, int numCPUWorkers) {
  if (kind == EngineKind::Naive)
    return std::make_unique<engine::NaiveEngine>();
  return std::make_unique<engine::ThreadedEngine>(numCPUWorkers);
}

Engine *Engine::get() {
  // Never destroyed: static destructors elsewhere (arrays freed at exit)
  // may still push. At exit the engine is drained instead, so no op runs
  // while the process tears down.
  static Engine *const instance = [] {
    Engine *e = create(engine::engineKindFromEnv()).release();
    if (auto *t = dynamic_cast<engine::ThreadedEngine *>(e))
      engine::setDefaultCpuPool(t->cpuPool());
    std::atexit([] {
      try {
        Engine::get()->waitForAll();
      } catch (const std::exception &err) {
        std::fprintf(stderr, "mxrt: unreported engine error at exit: %s\n", err.what());
      }
    });
    return e;
  }();
  return instance;
}

} // namespace mxrt
