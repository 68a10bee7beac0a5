// worker_pool.h - one device's worker threads: ready queue, sleep/wake, parallelFor helpers.
//
// Ops whose dependencies are all granted wait in the pool's queue (two
// intrusive FIFOs: prioritized first). Workers pop and run them; a worker
// that completes an op keeps one op it made ready as its continuation, so a
// chain of dependent ops runs on one thread without touching the queue.
//
// Waking is lazy: an idle worker spins a little, then sleeps. A push wakes
// a sleeper only when no worker is spinning (one that is will find the
// op), and a spinning worker that takes the last-but-not-only op wakes a
// successor. The sleep/wake handshake is a Dekker pattern on seq_cst
// atomics: the pusher publishes the op then reads `spinning_`/`sleepers_`;
// the sleeper publishes itself in `sleepers_` then re-reads the queue; one
// of the two sees the other, so no op is left with every worker asleep.
//
// parallelFor jobs are posted on the pool's job board; idle workers attach
// as helpers (never more than numThreads()-1, so the caller plus helpers
// never exceed the pool's size), take chunks from a shared counter, and
// detach. The caller runs chunks too and returns once every helper left.
#pragma once

#include "engine/op_block.h"
#include "engine/spin_lock.h"
#include "mxrt/engine.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mxrt::engine {

class ThreadedEngine;
class WorkerPool;

/// A worker thread's view of itself, reachable through currentWorker().
struct WorkerState {
  ThreadedEngine *engine = nullptr;
  WorkerPool *pool = nullptr;
  RunContext rc;
  /// Set when the worker could not start (no CUDA stream): its ops fail.
  std::exception_ptr initError;
  /// An op made ready by this thread, to run next without queuing.
  OpBlock *continuation = nullptr;
};

/// The calling thread's worker state, or null off the engines' workers.
WorkerState *currentWorker();

/// The process-wide engine's CPU pool (parallelFor from outside workers).
void setDefaultCpuPool(WorkerPool *pool);

class WorkerPool {
public:
  /// Starts nthreads workers that run ops through engine.run().
  WorkerPool(ThreadedEngine &engine, Context ctx, int nthreads);
  /// Stops and joins the workers; the queue must be empty.
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  const Context &ctx() const { return ctx_; }
  int numThreads() const { return int(threads_.size()); }

  /// Queues a ready op and wakes a worker if none is looking for work.
  void enqueue(OpBlock *op);

  /// Runs fn over [0, n) in chunks of `chunk` with up to maxHelpers idle
  /// workers helping the caller; rethrows the first exception of fn.
  void parallelRun(int64_t n, int64_t chunk, int maxHelpers, RangeFn fn);

private:
  struct Job;

  void workerMain();
  OpBlock *pop();
  bool hasWork() const;
  void wake(int k);
  void idleWait();
  bool helpJobs();
  void runChunks(Job &job);
  void unlist(Job &job);

  ThreadedEngine &engine_;
  const Context ctx_;
  std::vector<std::thread> threads_;

  // The ready queue. size_ counts both lists and is read without the lock.
  alignas(64) SpinLock qLock_;
  OpBlock *qHead_[2] = {nullptr, nullptr}; ///< [0]: prioritized, [1]: normal
  OpBlock *qTail_[2] = {nullptr, nullptr};
  alignas(64) std::atomic<int64_t> size_{0};

  // Idle workers. A woken worker is counted as spinning by its waker.
  alignas(64) std::atomic<int> spinning_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stopping_{false};
  std::mutex sleepMu_;
  std::condition_variable sleepCv_;
  int tokens_ = 0; ///< wake-ups handed out and not yet taken; guarded by sleepMu_

  // parallelFor's job board: jobs that still take helpers.
  alignas(64) std::atomic<int> openJobs_{0};
  SpinLock jobsLock_;
  std::vector<Job *> jobs_;
};

} // namespace mxrt::engine
