// threaded_engine.cc - the asynchronous engine: push, run, complete, wait.
//
// An op's life: prepare() takes a block from the pool and fills its slots
// (reads, then writes, duplicates folded); submit() queues every slot on its
// variable with the op's wait count held at slots+1, then drops the extra
// one -- whoever brings the count to zero (the pusher, or the worker whose
// completion granted the last slot) dispatches the op to its device's
// pool. A worker run()s it: skipped when a variable holds a live error,
// else the function is called and its exception (or CUDA error) caught.
// complete() hands each variable back (which may make other ops ready) and
// release() recycles the block and counts the op done for waitForAll.
#include "engine/engines.h"

#include "engine/gpu_stream.h"
#include "engine/object_pool.h"
#include "mxrt/base.h"

#include <cstdio>
#include <string>

namespace mxrt::engine {
namespace {

/// waitForVar's handshake with its marker op.
struct Waiter {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  ErrorRef error;

  void signal() {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_one();
  }
  void wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
  }
};

bool contains(const Slot *slots, uint32_t n, const Var *v) {
  for (uint32_t i = 0; i < n; ++i)
    if (slots[i].var == v)
      return true;
  return false;
}

} // namespace

ThreadedEngine::ThreadedEngine(int numCPUWorkers)
    : cpu_(std::make_unique<WorkerPool>(*this, Context::cpu(), resolveCPUWorkers(numCPUWorkers))) {}

ThreadedEngine::~ThreadedEngine() {
  MXRT_ENGINE_ASSERT(!currentWorker() || currentWorker()->engine != this,
                     "engine destroyed from one of its own ops");
  blockUntilIdle();
  try {
    errors_.rethrowFirstUnreported();
  } catch (const std::exception &e) {
    std::fprintf(stderr, "mxrt: engine destroyed with an unreported error: %s\n", e.what());
  }
  gpuOwned_.clear();
  cpu_.reset();
}

WorkerPool *ThreadedEngine::poolFor(const Context &ctx, FnProperty prop) {
  if (ctx.isHost())
    return cpu_.get();
  MXRT_CHECK(ctx.id >= 0 && ctx.id < kMaxGPUs, "device ", ctx.str(), " is out of range");
  bool copy = prop == FnProperty::CopyFromGPU || prop == FnProperty::CopyToGPU;
  std::atomic<WorkerPool *> &slot = gpu_[size_t(2 * ctx.id + (copy ? 1 : 0))];
  if (WorkerPool *p = slot.load(std::memory_order_acquire))
    return p;
  std::lock_guard<std::mutex> lock(gpuMu_);
  if (WorkerPool *p = slot.load(std::memory_order_acquire))
    return p;
  // Two compute streams let independent kernels overlap; one copy stream
  // per device keeps transfers in order with each other.
  gpuOwned_.push_back(std::make_unique<WorkerPool>(*this, ctx, copy ? 1 : 2));
  slot.store(gpuOwned_.back().get(), std::memory_order_release);
  return gpuOwned_.back().get();
}

OpBlock *ThreadedEngine::prepare(OpKind kind, Context ctx, FnProperty prop, int priority,
                                 std::string_view name, std::span<const VarHandle> reads,
                                 std::span<const VarHandle> writes) {
  checkVars(reads, writes, name);
  WorkerPool *pool = kind == OpKind::Wait ? nullptr : poolFor(ctx, prop);
  OpBlock *op = ObjectPool<OpBlock>::get();
  op->kind = kind;
  op->noSkip = kind == OpKind::Delete || kind == OpKind::Wait;
  op->high = priority > 0 || prop == FnProperty::CPUPrioritized;
  op->ctx = ctx;
  op->pool = pool;
  op->name = name;
  op->epoch = errors_.epoch();
  op->reserveSlots(uint32_t(reads.size() + writes.size()));
  Slot *s = op->slots();
  uint32_t k = 0;
  // A variable both read and written counts as written; duplicates once.
  for (Var *v : reads) {
    bool written = false;
    for (Var *w : writes)
      written |= w == v;
    if (!written && !contains(s, k, v))
      s[k++] = Slot{nullptr, op, v, false};
  }
  op->nreads = k;
  for (Var *v : writes)
    if (!contains(s + op->nreads, k - op->nreads, v))
      s[k++] = Slot{nullptr, op, v, true};
  op->nslots = k;
  return op;
}

void ThreadedEngine::submit(OpBlock *op) {
  pending_.fetch_add(1, std::memory_order_relaxed);
  int32_t held = int32_t(op->nslots) + 1;
  op->wait.store(held, std::memory_order_relaxed);
  int32_t granted = 0;
  Slot *s = op->slots();
  auto append = [&] {
    for (uint32_t i = 0; i < op->nslots; ++i)
      granted += (s[i].write ? s[i].var->appendWrite(&s[i]) : s[i].var->appendRead(&s[i])) ? 1 : 0;
  };
  if (op->nslots > 1) {
    // Two ops queued on their variables one at a time by two threads could
    // end up x-before-y on one variable and y-before-x on another: each
    // would wait for the other forever. Appending all slots of a
    // multi-variable op under one lock gives every variable the same
    // order; an op with one variable cannot close such a cycle.
    std::lock_guard<SpinLock> lock(appendLock_);
    append();
  } else {
    append();
  }
  // Drop the hold and the grants made here in one step; if nothing else is
  // missing the op is ready.
  if (op->wait.fetch_sub(granted + 1, std::memory_order_acq_rel) == granted + 1) {
    ReadyList ready;
    ready.add(op);
    dispatch(ready, /*allowContinuation=*/false);
  }
}

void ThreadedEngine::push(SyncFn fn, Context ctx, VarList reads, VarList writes, FnProperty prop,
                          int priority, std::string_view name) {
  checkPushContext(ctx);
  MXRT_CHECK(fn, "op '", name, "' pushed without a function");
  OpBlock *op = prepare(OpKind::Sync, ctx, prop, priority, name, reads, writes);
  op->setFn(std::move(fn));
  submit(op);
}

void ThreadedEngine::pushAsync(AsyncFn fn, Context ctx, VarList reads, VarList writes,
                               FnProperty prop, int priority, std::string_view name) {
  checkPushContext(ctx);
  MXRT_CHECK(fn, "op '", name, "' pushed without a function");
  OpBlock *op = prepare(OpKind::Async, ctx, prop, priority, name, reads, writes);
  op->setFn(std::move(fn));
  submit(op);
}

void ThreadedEngine::deleteVar(UniqueFunction<void()> onDelete, Context ctx, VarHandle var) {
  checkPushContext(ctx);
  OpBlock *op = prepare(OpKind::Delete, ctx, FnProperty::Normal, 0, "deleteVar", {}, {&var, 1});
  op->setFn(std::move(onDelete));
  submit(op);
}

void ThreadedEngine::dispatch(ReadyList &ready, bool allowContinuation) {
  while (OpBlock *op = ready.pop()) {
    if (op->kind == OpKind::Wait) {
      runWait(op);
      continue;
    }
    WorkerState *w = currentWorker();
    if (allowContinuation && w && w->pool == op->pool && !w->continuation)
      w->continuation = op;
    else
      op->pool->enqueue(op);
  }
}

ErrorRef ThreadedEngine::liveError(OpBlock *op) {
  // Safe without the variables' locks: the op holds a grant on each, so no
  // writer can change their errors meanwhile (var.h).
  Slot *s = op->slots();
  for (uint32_t i = 0; i < op->nslots; ++i)
    if (ErrorBook::live(s[i].var->error.get(), op->epoch))
      return s[i].var->error;
  return nullptr;
}

void ThreadedEngine::run(OpBlock *op, WorkerState &ws) {
  if (op->kind == OpKind::Delete) {
    try {
      auto &f = op->fn<UniqueFunction<void()>>();
      if (f)
        f();
    } catch (...) {
      // The variable goes away, so the error is only kept for waitForAll.
      errors_.add(wrapOpError(op->name, op->ctx, std::current_exception()));
    }
    complete(op, nullptr);
    return;
  }
  ErrorRef early = op->noSkip ? nullptr : liveError(op);
  if (!early && ws.initError)
    early = errors_.add(wrapOpError(op->name, op->ctx, ws.initError));
  if (early) {                              // skipped: fn never runs
    bool async = op->kind == OpKind::Async; // complete() recycles other kinds
    complete(op, early);
    if (async)
      release(op);
    return;
  }
  if (op->kind == OpKind::Sync) {
    ErrorRef err;
    try {
      op->fn<SyncFn>()(ws.rc);
#ifdef MXRT_USE_CUDA
      if (ws.rc.stream)
        gpuSyncStream(ws.rc.stream);
#endif
    } catch (...) {
      err = errors_.add(wrapOpError(op->name, op->ctx, std::current_exception()));
    }
    complete(op, err);
    return;
  }
  // Async: the block lives until both fn has returned and OnComplete ran.
  op->refs.store(2, std::memory_order_relaxed);
  op->asyncDone.store(false, std::memory_order_relaxed);
  try {
    op->fn<AsyncFn>()(ws.rc, OnComplete(&ThreadedEngine::onAsyncComplete, this, op));
  } catch (...) {
    // Like MXNet: a throwing async fn counts as completed with that error,
    // unless it already called OnComplete (then the error is only kept for
    // waitForAll).
    ErrorRef err = errors_.add(wrapOpError(op->name, op->ctx, std::current_exception()));
    if (!op->asyncDone.exchange(true, std::memory_order_acq_rel)) {
      complete(op, err);
      op->refs.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
  if (op->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    release(op);
}

void ThreadedEngine::onAsyncComplete(void *engine, void *opr, std::exception_ptr error) {
  auto *self = static_cast<ThreadedEngine *>(engine);
  auto *op = static_cast<OpBlock *>(opr);
  if (op->asyncDone.exchange(true, std::memory_order_acq_rel))
    invariantFailed("OnComplete called twice for one async op", __FILE__, __LINE__);
  ErrorRef err;
  if (error)
    err = self->errors_.add(wrapOpError(op->name, op->ctx, error));
  self->complete(op, err);
  if (op->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    self->release(op);
}

void ThreadedEngine::complete(OpBlock *op, const ErrorRef &err) {
  ReadyList ready;
  Slot *s = op->slots();
  for (uint32_t i = 0; i < op->nreads; ++i)
    s[i].var->completeRead(ready);
  for (uint32_t i = op->nreads; i < op->nslots; ++i)
    s[i].var->completeWrite(err, ready);
  if (op->kind == OpKind::Delete) {
    MXRT_ENGINE_ASSERT(ready.empty(), "op pushed on a variable after deleteVar");
    freeVar(s[0].var);
  }
  dispatch(ready, /*allowContinuation=*/true);
  if (op->kind != OpKind::Async)
    release(op);
}

void ThreadedEngine::release(OpBlock *op) {
  op->destroyFn();
  ObjectPool<OpBlock>::put(op);
  if (pending_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
      idleWaiters_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(idleMu_);
    idleCv_.notify_all();
  }
}

void ThreadedEngine::runWait(OpBlock *op) {
  auto *w = op->fn<Waiter *>();
  w->error = op->slots()[0].var->error; // under the marker's read grant
  complete(op, nullptr);
  w->signal(); // last touch: the waiting thread may return at once
}

void ThreadedEngine::checkNotOnWorker(const char *what) const {
  WorkerState *w = currentWorker();
  MXRT_CHECK(!w || w->engine != this, what,
             " called from inside an op running on this engine: it would wait for itself; "
             "push a dependent op instead");
}

void ThreadedEngine::waitForVar(VarHandle var) {
  MXRT_CHECK(var, "waitForVar: null variable");
  checkNotOnWorker("waitForVar");
  ErrorRef err;
  if (!var->writesDone(err)) {
    Waiter w;
    OpBlock *op =
        prepare(OpKind::Wait, Context::cpu(), FnProperty::Normal, 0, "waitForVar", {&var, 1}, {});
    op->setFn(&w);
    submit(op);
    w.wait();
    err = std::move(w.error);
  }
  errors_.rethrowUnreported(err);
}

void ThreadedEngine::blockUntilIdle() {
  for (int i = 0; i < 256; ++i) {
    if (pending_.load(std::memory_order_acquire) == 0)
      return;
    i < 64 ? cpuRelax() : std::this_thread::yield();
  }
  idleWaiters_.fetch_add(1, std::memory_order_seq_cst);
  {
    std::unique_lock<std::mutex> lock(idleMu_);
    idleCv_.wait(lock, [&] { return pending_.load(std::memory_order_seq_cst) == 0; });
  }
  idleWaiters_.fetch_sub(1, std::memory_order_relaxed);
}

void ThreadedEngine::waitForAll() {
  checkNotOnWorker("waitForAll");
  blockUntilIdle();
  errors_.rethrowFirstUnreported();
}

} // namespace mxrt::engine
