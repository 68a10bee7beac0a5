// spin_lock.h - the engine's short-critical-section lock and its invariant checks.
//
// Every lock in the engine's hot path guards a handful of pointer updates
// (a variable's queue, a device queue), so a test-and-test-and-set spin lock
// beats a mutex: no syscall, one cache line. Holders may be preempted on a
// machine with more threads than cores, so waiters back off to yield()
// instead of burning the time slice the holder needs.
//
// MXRT_ENGINE_ASSERT checks the engine's invariants in debug builds and in
// every sanitizer build (the asan/tsan presets are RelWithDebInfo, which
// defines NDEBUG, and are exactly where a broken invariant should surface).
#pragma once

#include <atomic>
#include <thread>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define MXRT_ENGINE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define MXRT_ENGINE_SANITIZED 1
#endif
#endif
#ifndef MXRT_ENGINE_SANITIZED
#define MXRT_ENGINE_SANITIZED 0
#endif

#if !defined(NDEBUG) || MXRT_ENGINE_SANITIZED
#define MXRT_ENGINE_DEBUG 1
#else
#define MXRT_ENGINE_DEBUG 0
#endif

namespace mxrt::engine {

/// Prints "engine invariant violated: <what> (file:line)" and aborts: an
/// invariant failure is a bug in the engine, not a user error.
[[noreturn]] void invariantFailed(const char *what, const char *file, int line);

/// A hint to the CPU that this is a spin-wait loop.
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class SpinLock {
public:
  void lock() {
    for (int spins = 0;; ++spins) {
      if (!locked_.exchange(true, std::memory_order_acquire))
        return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 64)
          cpuRelax();
        else
          std::this_thread::yield();
      }
    }
  }
  bool try_lock() { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() { locked_.store(false, std::memory_order_release); }

private:
  std::atomic<bool> locked_{false};
};

} // namespace mxrt::engine

#if MXRT_ENGINE_DEBUG
#define MXRT_ENGINE_ASSERT(cond, what)                                                             \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      ::mxrt::engine::invariantFailed(what, __FILE__, __LINE__);                                   \
  } while (0)
#else
#define MXRT_ENGINE_ASSERT(cond, what)                                                             \
  do {                                                                                             \
  } while (0)
#endif
