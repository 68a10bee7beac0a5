// naive_engine.cc - the synchronous engine (MXC_ENGINE_TYPE=naive): every op runs at push.
//
// For debugging: an op runs on the pushing thread before push returns, so a
// failing op shows up in a debugger's stack at its call site. Errors are
// kept exactly as the threaded engine keeps them (skip, pass on, rethrow
// at the next wait), so programs observe the same results on both.
#include "engine/engines.h"

#include "engine/gpu_stream.h"
#include "mxrt/base.h"

#include <cstdio>

namespace mxrt::engine {
namespace {

/// An async op's completion, waited for before push returns.
struct AsyncDone {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;

  static void call(void *, void *opr, std::exception_ptr e) {
    auto *self = static_cast<AsyncDone *>(opr);
    std::lock_guard<std::mutex> lock(self->mu);
    MXRT_ENGINE_ASSERT(!self->done, "OnComplete called twice for one async op");
    self->error = std::move(e);
    self->done = true;
    self->cv.notify_one();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
};

} // namespace

NaiveEngine::~NaiveEngine() {
  try {
    errors_.rethrowFirstUnreported();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "mxrt: engine destroyed with an unreported error: %s\n", e.what());
  }
#ifdef MXRT_USE_CUDA
  for (void *s : streams_)
    gpuDestroyStream(s);
#endif
}

void *NaiveEngine::streamFor(const Context &ctx) {
#ifdef MXRT_USE_CUDA
  if (ctx.isGPU()) {
    std::lock_guard<std::mutex> lock(streamMu_);
    if (streams_.size() <= size_t(ctx.id))
      streams_.resize(size_t(ctx.id) + 1, nullptr);
    if (!streams_[size_t(ctx.id)])
      streams_[size_t(ctx.id)] = gpuCreateStream(ctx.id);
    gpuSetDevice(ctx.id); // this thread may have run another GPU's op last
    return streams_[size_t(ctx.id)];
  }
#endif
  return nullptr;
}

template <class Invoke>
void NaiveEngine::runOp(Context ctx, std::span<const VarHandle> reads,
                        std::span<const VarHandle> writes, std::string_view name, Invoke &&invoke) {
  checkPushContext(ctx);
  checkVars(reads, writes, name);
  uint64_t epoch = errors_.epoch();
  ErrorRef err;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto vars : {reads, writes})
      for (Var *v : vars)
        if (!err && ErrorBook::live(v->error.get(), epoch))
          err = v->error;
  }
  if (!err) {
    try {
      RunContext rc{ctx, streamFor(ctx)};
      invoke(rc);
#ifdef MXRT_USE_CUDA
      if (rc.stream)
        gpuSyncStream(rc.stream);
#endif
    } catch (...) {
      err = errors_.add(wrapOpError(name, ctx, std::current_exception()));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (Var *v : writes)
    v->error = err;
}

void NaiveEngine::push(SyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty, int,
                       std::string_view name) {
  MXRT_CHECK(fn, "op '", name, "' pushed without a function");
  runOp(ctx, reads, writes, name, [&](RunContext rc) { fn(rc); });
}

void NaiveEngine::pushAsync(AsyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty, int,
                            std::string_view name) {
  MXRT_CHECK(fn, "op '", name, "' pushed without a function");
  runOp(ctx, reads, writes, name, [&](RunContext rc) {
    AsyncDone done;
    try {
      fn(rc, OnComplete(&AsyncDone::call, this, &done));
    } catch (...) {
      // As in the threaded engine: a throw counts as completion with that
      // error unless OnComplete was called already.
      std::unique_lock<std::mutex> lock(done.mu);
      if (done.done)
        throw;
      done.done = true;
      done.error = std::current_exception();
    }
    done.wait();
    if (done.error)
      std::rethrow_exception(done.error);
  });
}

void NaiveEngine::deleteVar(UniqueFunction<void()> onDelete, Context ctx, VarHandle var) {
  checkPushContext(ctx);
  checkVars({}, {&var, 1}, "deleteVar");
  try {
    if (onDelete)
      onDelete();
  } catch (...) {
    errors_.add(wrapOpError("deleteVar", ctx, std::current_exception()));
  }
  freeVar(var);
}

void NaiveEngine::waitForVar(VarHandle var) {
  MXRT_CHECK(var, "waitForVar: null variable");
  ErrorRef err;
  {
    std::lock_guard<std::mutex> lock(mu_);
    err = var->error;
  }
  errors_.rethrowUnreported(err);
}

void NaiveEngine::waitForAll() { errors_.rethrowFirstUnreported(); }

} // namespace mxrt::engine
