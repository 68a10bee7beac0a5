// worker_pool.cc - worker threads, the ready queue, lazy waking and parallelFor (see
// worker_pool.h).
#include "engine/worker_pool.h"

#include "engine/engines.h"
#include "engine/gpu_stream.h"
#include "mxrt/base.h"

#include <algorithm>
#include <chrono>

namespace mxrt::engine {
namespace {

thread_local WorkerState *tlsWorker = nullptr;
/// Set while the thread runs parallelFor chunks: nested calls run inline.
thread_local bool tlsInParallel = false;

std::atomic<WorkerPool *> gDefaultCpuPool{nullptr};

/// How long an idle worker keeps looking for work before it sleeps. Long
/// enough to bridge the gap between two pushes of a busy producer, short
/// enough not to steal a core from other processes for long.
constexpr auto kSpinTime = std::chrono::microseconds(50);
constexpr int kPauseSpins = 64;

struct InParallel {
  bool saved = tlsInParallel;
  InParallel() { tlsInParallel = true; }
  ~InParallel() { tlsInParallel = saved; }
};

} // namespace

WorkerState *currentWorker() { return tlsWorker; }

void setDefaultCpuPool(WorkerPool *pool) { gDefaultCpuPool.store(pool, std::memory_order_release); }

struct WorkerPool::Job {
  Job(RangeFn fn, int64_t n, int64_t chunk, int maxHelpers)
      : fn(fn), n(n), chunk(chunk), nchunks((n + chunk - 1) / chunk), maxHelpers(maxHelpers) {}
  RangeFn fn;
  int64_t n, chunk, nchunks;
  int maxHelpers;
  std::atomic<int64_t> next{0}; ///< next chunk to claim
  int helpers = 0;              ///< helpers that attached; guarded by jobsLock_
  bool listed = true;           ///< on the board; guarded by jobsLock_
  std::atomic<int> attached{0}; ///< helpers still inside runChunks
  std::atomic<bool> failed{false};
  std::exception_ptr error; ///< the first exception; written by whoever set `failed`
};

WorkerPool::WorkerPool(ThreadedEngine &engine, Context ctx, int nthreads)
    : engine_(engine), ctx_(ctx) {
  // Workers start as spinning: they look for work before their first sleep.
  spinning_.store(nthreads, std::memory_order_relaxed);
  jobs_.reserve(16);
  threads_.reserve(size_t(nthreads));
  for (int i = 0; i < nthreads; ++i)
    threads_.emplace_back([this] { workerMain(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(sleepMu_);
    stopping_.store(true, std::memory_order_seq_cst);
  }
  sleepCv_.notify_all();
  for (std::thread &t : threads_)
    t.join();
  MXRT_ENGINE_ASSERT(size_.load() == 0, "worker pool destroyed with queued ops");
}

void WorkerPool::enqueue(OpBlock *op) {
  int level = op->high ? 0 : 1;
  op->next = nullptr;
  {
    std::lock_guard<SpinLock> lock(qLock_);
    if (qTail_[level])
      qTail_[level]->next = op;
    else
      qHead_[level] = op;
    qTail_[level] = op;
    size_.fetch_add(1, std::memory_order_seq_cst);
  }
  if (spinning_.load(std::memory_order_seq_cst) == 0 &&
      sleepers_.load(std::memory_order_seq_cst) > 0)
    wake(1);
}

OpBlock *WorkerPool::pop() {
  if (size_.load(std::memory_order_acquire) == 0)
    return nullptr;
  std::lock_guard<SpinLock> lock(qLock_);
  for (int level = 0; level < 2; ++level) {
    if (OpBlock *op = qHead_[level]) {
      qHead_[level] = op->next;
      if (!qHead_[level])
        qTail_[level] = nullptr;
      op->next = nullptr;
      size_.fetch_sub(1, std::memory_order_relaxed);
      return op;
    }
  }
  return nullptr;
}

bool WorkerPool::hasWork() const {
  return size_.load(std::memory_order_seq_cst) > 0 ||
         openJobs_.load(std::memory_order_seq_cst) > 0 || stopping_.load(std::memory_order_seq_cst);
}

void WorkerPool::wake(int k) {
  int n;
  {
    std::lock_guard<std::mutex> lock(sleepMu_);
    n = std::min(k, sleepers_.load(std::memory_order_relaxed));
    if (n <= 0)
      return;
    // The waker moves the sleepers to spinning on their behalf, so a burst
    // of pushes does not wake the same sleeper twice.
    sleepers_.fetch_sub(n, std::memory_order_seq_cst);
    spinning_.fetch_add(n, std::memory_order_seq_cst);
    tokens_ += n;
  }
  if (n == 1)
    sleepCv_.notify_one();
  else
    sleepCv_.notify_all();
}

void WorkerPool::idleWait() {
  // Spin: first pause (cheap, keeps the core), then yield (gives the core
  // to a producer that shares it), then sleep.
  auto start = std::chrono::steady_clock::now();
  for (int i = 0;; ++i) {
    if (hasWork())
      return;
    if (i < kPauseSpins) {
      cpuRelax();
      continue;
    }
    std::this_thread::yield();
    if ((i & 7) == 0 && std::chrono::steady_clock::now() - start > kSpinTime)
      break;
  }
  std::unique_lock<std::mutex> lock(sleepMu_);
  spinning_.fetch_sub(1, std::memory_order_seq_cst);
  sleepers_.fetch_add(1, std::memory_order_seq_cst);
  if (hasWork()) { // re-check after publishing ourselves (the Dekker half)
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    spinning_.fetch_add(1, std::memory_order_seq_cst);
    return;
  }
  sleepCv_.wait(lock, [&] { return tokens_ > 0 || stopping_.load(std::memory_order_relaxed); });
  if (tokens_ > 0) {
    --tokens_; // our waker already counted us as spinning
  } else {
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    spinning_.fetch_add(1, std::memory_order_seq_cst);
  }
}

void WorkerPool::workerMain() {
  WorkerState ws;
  ws.engine = &engine_;
  ws.pool = this;
  ws.rc.ctx = ctx_;
#ifdef MXRT_USE_CUDA
  if (ctx_.isGPU()) {
    try {
      ws.rc.stream = gpuCreateStream(ctx_.id);
    } catch (...) {
      ws.initError = std::current_exception();
    }
  }
#endif
  tlsWorker = &ws;
  for (;;) {
    OpBlock *op = std::exchange(ws.continuation, nullptr);
    if (!op)
      op = pop();
    if (op) {
      // Leaving the spinning state; if we were the last spinner and more
      // work waits, hand the search to a sleeper.
      if (spinning_.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
          size_.load(std::memory_order_seq_cst) > 0)
        wake(1);
      do {
        while (op) {
          engine_.run(op, ws);
          op = std::exchange(ws.continuation, nullptr);
        }
      } while ((op = pop()));
      spinning_.fetch_add(1, std::memory_order_seq_cst);
      continue;
    }
    if (openJobs_.load(std::memory_order_relaxed) > 0 && helpJobs())
      continue;
    if (stopping_.load(std::memory_order_acquire) && size_.load() == 0)
      break;
    idleWait();
  }
  spinning_.fetch_sub(1, std::memory_order_relaxed);
  tlsWorker = nullptr;
#ifdef MXRT_USE_CUDA
  if (ws.rc.stream)
    gpuDestroyStream(ws.rc.stream);
#endif
}

void WorkerPool::unlist(Job &job) {
  std::lock_guard<SpinLock> lock(jobsLock_);
  if (!job.listed)
    return;
  job.listed = false;
  std::erase(jobs_, &job);
  openJobs_.fetch_sub(1, std::memory_order_relaxed);
}

void WorkerPool::runChunks(Job &job) {
  InParallel nested;
  for (;;) {
    int64_t i = job.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= job.nchunks) {
      unlist(job); // nothing left to help with
      return;
    }
    int64_t begin = i * job.chunk;
    int64_t end = std::min(job.n, begin + job.chunk);
    try {
      job.fn(begin, end);
    } catch (...) {
      if (!job.failed.exchange(true, std::memory_order_acq_rel))
        job.error = std::current_exception();
      job.next.store(job.nchunks, std::memory_order_relaxed); // drop chunks not started
    }
  }
}

bool WorkerPool::helpJobs() {
  Job *job = nullptr;
  {
    std::lock_guard<SpinLock> lock(jobsLock_);
    for (Job *j : jobs_) {
      if (j->helpers < j->maxHelpers && j->next.load(std::memory_order_relaxed) < j->nchunks) {
        job = j;
        break;
      }
    }
    if (!job)
      return false;
    job->attached.fetch_add(1, std::memory_order_relaxed);
    if (++job->helpers == job->maxHelpers) { // full: stop advertising it
      job->listed = false;
      std::erase(jobs_, job);
      openJobs_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  spinning_.fetch_sub(1, std::memory_order_seq_cst);
  runChunks(*job);
  job->attached.fetch_sub(1, std::memory_order_release); // last touch: the caller may return
  spinning_.fetch_add(1, std::memory_order_seq_cst);
  return true;
}

void WorkerPool::parallelRun(int64_t n, int64_t chunk, int maxHelpers, RangeFn fn) {
  Job job(fn, n, chunk, maxHelpers);
  {
    std::lock_guard<SpinLock> lock(jobsLock_);
    jobs_.push_back(&job);
    openJobs_.fetch_add(1, std::memory_order_seq_cst);
  }
  // Spinning workers will find the job; wake sleepers for the rest.
  int want = int(std::min<int64_t>(maxHelpers, job.nchunks - 1)) -
             spinning_.load(std::memory_order_seq_cst);
  if (want > 0 && sleepers_.load(std::memory_order_seq_cst) > 0)
    wake(want);
  runChunks(job);
  unlist(job);
  // Helpers are at most one chunk from leaving.
  for (int i = 0; job.attached.load(std::memory_order_acquire) != 0; ++i) {
    if (i < kPauseSpins)
      cpuRelax();
    else
      std::this_thread::yield();
  }
  if (job.failed.load(std::memory_order_acquire))
    std::rethrow_exception(job.error);
}

} // namespace mxrt::engine

namespace mxrt::detail {

void parallelForSplit(int64_t n, int64_t grain, RangeFn fn) {
  using namespace mxrt::engine;
  if (tlsInParallel) { // nested: the outer call already uses every worker
    fn(0, n);
    return;
  }
  WorkerState *w = tlsWorker;
  WorkerPool *pool = w && w->pool->ctx().isHost() ? w->pool : nullptr;
  if (!pool) { // not on a CPU worker: the process-wide engine's pool helps
    Engine::get();
    pool = gDefaultCpuPool.load(std::memory_order_acquire);
  }
  int participants = pool ? pool->numThreads() : 1;
  int64_t g = std::max<int64_t>(grain, 1);
  // A few chunks per participant balance uneven chunks and late helpers;
  // n / g chunks keep every chunk but the last at least `grain` long.
  int64_t nchunks = std::min<int64_t>(n / g, int64_t(participants) * 4);
  if (participants <= 1 || nchunks <= 1) {
    InParallel nested;
    fn(0, n);
    return;
  }
  int64_t chunk = (n + nchunks - 1) / nchunks;
  pool->parallelRun(n, chunk, participants - 1, fn);
}

} // namespace mxrt::detail
