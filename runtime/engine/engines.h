// engines.h - the two Engine implementations and how the environment picks one.
//
// The threaded engine (threaded_engine.cc) tracks dependencies per variable
// and runs ops on per-device worker pools; the naive engine
// (naive_engine.cc) runs each op at push. Both keep errors the same way
// (engine/error.h), so a program behaves alike on either.
#pragma once

#include "engine/error.h"
#include "engine/op_block.h"
#include "engine/var.h"
#include "engine/worker_pool.h"
#include "mxrt/engine.h"

#include <array>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>

namespace mxrt::engine {

/// MXC_ENGINE_TYPE: "threaded" (default) or "naive"; MXNet's names
/// (ThreadedEnginePerDevice, ThreadedEngine, NaiveEngine) are accepted too.
/// Anything else is an Error naming the variable.
EngineKind engineKindFromEnv();

/// numCPUWorkers if > 0, else MXC_CPU_WORKER_NTHREADS, else all cores.
int resolveCPUWorkers(int numCPUWorkers);

/// Throws Error when an op cannot be pushed to ctx (checkContext), cheaply
/// for the common cpu(0).
inline void checkPushContext(const Context &ctx) {
  if (ctx.type != DeviceType::CPU || ctx.id != 0)
    checkContext(ctx);
}

/// Throws Error naming the op when a listed variable is null.
void checkVars(std::span<const VarHandle> reads, std::span<const VarHandle> writes,
               std::string_view name);

/// A fresh variable from the pool, and its return there.
Var *allocVar();
void freeVar(Var *v);

class ThreadedEngine final : public Engine {
public:
  explicit ThreadedEngine(int numCPUWorkers);
  ~ThreadedEngine() override;

  EngineKind kind() const override { return EngineKind::Threaded; }
  VarHandle newVar() override { return allocVar(); }
  void pushAsync(AsyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty prop,
                 int priority, std::string_view name) override;
  void push(SyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty prop, int priority,
            std::string_view name) override;
  void deleteVar(UniqueFunction<void()> onDelete, Context ctx, VarHandle var) override;
  void waitForVar(VarHandle var) override;
  void waitForAll() override;
  int numCPUWorkers() const override { return cpu_->numThreads(); }

  WorkerPool *cpuPool() { return cpu_.get(); }

  /// Runs a dispatched op on the calling worker thread.
  void run(OpBlock *op, WorkerState &ws);

private:
  static constexpr int kMaxGPUs = 64;

  OpBlock *prepare(OpKind kind, Context ctx, FnProperty prop, int priority, std::string_view name,
                   std::span<const VarHandle> reads, std::span<const VarHandle> writes);
  void submit(OpBlock *op);
  void complete(OpBlock *op, const ErrorRef &err);
  void release(OpBlock *op);
  void dispatch(ReadyList &ready, bool allowContinuation);
  void runWait(OpBlock *op);
  ErrorRef liveError(OpBlock *op);
  WorkerPool *poolFor(const Context &ctx, FnProperty prop);
  void checkNotOnWorker(const char *what) const;
  void blockUntilIdle();
  static void onAsyncComplete(void *engine, void *opr, std::exception_ptr error);

  ErrorBook errors_;
  SpinLock appendLock_; ///< makes queuing a multi-variable op atomic (submit)
  std::unique_ptr<WorkerPool> cpu_;
  std::mutex gpuMu_;                                          ///< guards creating GPU pools
  std::array<std::atomic<WorkerPool *>, 2 * kMaxGPUs> gpu_{}; ///< [2*id]: compute, [2*id+1]: copy
  std::vector<std::unique_ptr<WorkerPool>> gpuOwned_;

  // Ops pushed and not yet released, and waitForAll's sleepers.
  alignas(64) std::atomic<int64_t> pending_{0};
  std::atomic<int> idleWaiters_{0};
  std::mutex idleMu_;
  std::condition_variable idleCv_;
};

class NaiveEngine final : public Engine {
public:
  NaiveEngine() = default;
  ~NaiveEngine() override;

  EngineKind kind() const override { return EngineKind::Naive; }
  VarHandle newVar() override { return allocVar(); }
  void pushAsync(AsyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty prop,
                 int priority, std::string_view name) override;
  void push(SyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty prop, int priority,
            std::string_view name) override;
  void deleteVar(UniqueFunction<void()> onDelete, Context ctx, VarHandle var) override;
  void waitForVar(VarHandle var) override;
  void waitForAll() override;
  /// The naive engine has no workers: ops and parallelFor run on the caller.
  int numCPUWorkers() const override { return 0; }

private:
  template <class Invoke>
  void runOp(Context ctx, std::span<const VarHandle> reads, std::span<const VarHandle> writes,
             std::string_view name, Invoke &&invoke);
  void *streamFor(const Context &ctx);

  ErrorBook errors_;
  std::mutex mu_; ///< guards Var::error of every variable (ops run unlocked)
  std::mutex streamMu_;
  std::vector<void *> streams_; ///< one per GPU, made on first use
};

} // namespace mxrt::engine
