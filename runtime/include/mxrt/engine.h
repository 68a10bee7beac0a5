// engine.h - the asynchronous dependency engine (MXNet's threaded engine).
//
// Every operation on data is pushed with the variables it reads and writes.
// Per variable, operations run in push order; readers of one version may
// run together, a writer runs alone. Work runs on per-device worker pools:
// CPU threads (MXC_CPU_WORKER_NTHREADS, default: all cores) and, when built
// with CUDA, one stream per GPU worker. MXC_ENGINE_TYPE=naive runs every op
// synchronously at push, for debugging.
//
// Errors: an exception thrown by an op (or passed to its completion
// callback) is stored on every variable it writes, flows to ops that read
// those variables (they are skipped and pass it on), and is rethrown --
// prefixed with the op's name -- by the next waitForVar on any of them and
// by waitForAll. No abort, no hang, no lost error.
#pragma once

#include "mxrt/context.h"

#include <exception>
#include <functional>
#include <span>
#include <string_view>

namespace mxrt {

/// An engine variable: the unit of dependency tracking. Owned by the engine;
/// released with Engine::deleteVar once no op needs it.
class Var;
using VarHandle = Var *;

/// What a running op is given: its device and, on GPUs, its CUDA stream.
struct RunContext {
  Context ctx;
  void *stream = nullptr; ///< cudaStream_t on GPU workers
};

/// The completion callback of an async op; call it exactly once, from any
/// thread, with the error if the op failed.
class OnComplete {
public:
  using Fn = void (*)(void *engine, void *opr, std::exception_ptr error);
  OnComplete(Fn fn, void *engine, void *opr) : fn_(fn), engine_(engine), opr_(opr) {}
  void operator()(std::exception_ptr error = nullptr) const { fn_(engine_, opr_, error); }

private:
  Fn fn_;
  void *engine_;
  void *opr_;
};

using SyncFn = std::function<void(RunContext)>;
using AsyncFn = std::function<void(RunContext, OnComplete)>;

/// Scheduling hints, as MXNet's FnProperty.
enum class FnProperty {
  Normal,         ///< runs on the device's compute workers
  CopyFromGPU,    ///< device-to-host copy: the GPU's copy worker
  CopyToGPU,      ///< host-to-device copy: the GPU's copy worker
  CPUPrioritized, ///< small CPU work that should not queue behind compute
  Async,          ///< returns at once and calls OnComplete later (I/O, KVStore)
};

class Engine {
public:
  /// The process-wide engine, created on first use from MXC_ENGINE_TYPE
  /// ("threaded", the default, or "naive").
  static Engine *get();
  virtual ~Engine() = default;

  virtual VarHandle newVar() = 0;

  /// Schedules fn after every earlier op that writes one of `reads` or reads
  /// or writes one of `writes`. A variable may not be in both lists.
  /// `name` names the op in errors and must stay valid until the op ran.
  virtual void pushAsync(AsyncFn fn, Context ctx, std::span<const VarHandle> reads,
                         std::span<const VarHandle> writes, FnProperty prop = FnProperty::Normal,
                         int priority = 0, std::string_view name = {}) = 0;

  /// pushAsync for a function that completes when it returns (or throws).
  void push(SyncFn fn, Context ctx, std::span<const VarHandle> reads,
            std::span<const VarHandle> writes, FnProperty prop = FnProperty::Normal,
            int priority = 0, std::string_view name = {});

  /// Runs onDelete (e.g. freeing the variable's memory) after every op
  /// pushed so far on var, then releases var. var must not be used again.
  virtual void deleteVar(std::function<void()> onDelete, Context ctx, VarHandle var) = 0;

  /// Blocks until every op pushed so far that writes var has run; rethrows
  /// the error stored on var, if any.
  virtual void waitForVar(VarHandle var) = 0;

  /// Blocks until every op pushed so far has run; rethrows the first error
  /// raised since the last waitForAll (then forgets them).
  virtual void waitForAll() = 0;

  /// Number of CPU worker threads.
  virtual int numCPUWorkers() const = 0;
};

/// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items,
/// spread over the engine's idle CPU workers with the caller taking part, so
/// kernels use every core without oversubscribing the engine. Nested calls
/// run inline. Exceptions from fn propagate to the caller.
void parallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)> &fn);

} // namespace mxrt
