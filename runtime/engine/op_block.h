// op_block.h - one pushed op as the threaded engine tracks it.
//
// An op block carries the op's function, where it runs, and one Slot per
// variable it uses; the slots are the links of the variables' queues, so
// queuing an op on a variable allocates nothing. Blocks come from an
// ObjectPool and keep their overflow slot array across reuses.
#pragma once

#include "engine/error.h"
#include "engine/spin_lock.h"
#include "mxrt/engine.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

namespace mxrt::engine {

struct OpBlock;
class WorkerPool;

/// One op's dependency on one variable: the op's link in that variable's
/// queue while the dependency waits to be granted.
struct Slot {
  Slot *next = nullptr;
  OpBlock *op = nullptr;
  Var *var = nullptr;
  bool write = false;
};

enum class OpKind : uint8_t {
  Sync,   ///< SyncFn: completes when it returns
  Async,  ///< AsyncFn: completes when it calls OnComplete
  Delete, ///< deleteVar: runs onDelete, then frees its only (written) variable
  Wait,   ///< waitForVar's marker: a read that wakes a waiting thread; runs inline
};

struct OpBlock {
  static constexpr uint32_t kInlineSlots = 4;

  OpBlock() = default;
  OpBlock(const OpBlock &) = delete;
  OpBlock &operator=(const OpBlock &) = delete;
  ~OpBlock() { destroyFn(); }

  /// Link in a device queue, a ready list or nothing.
  OpBlock *next = nullptr;
  /// Dependencies not granted yet, plus one held by push until every slot
  /// is queued; the thread that brings it to zero dispatches the op.
  std::atomic<int32_t> wait{0};
  /// Async ops: one for "fn returned", one for "OnComplete called"; the
  /// last to drop releases the block (fn may still run when OnComplete is
  /// called from inside it).
  std::atomic<int32_t> refs{0};

  OpKind kind = OpKind::Sync;
  bool noSkip = false;                ///< runs even when its variables hold errors
  bool high = false;                  ///< goes to the front queue of its pool
  std::atomic<bool> asyncDone{false}; ///< OnComplete was called (twice is a bug)
  Context ctx;
  WorkerPool *pool = nullptr;
  std::string_view name;
  uint64_t epoch = 0;  ///< ErrorBook epoch at push
  ErrorRef error;      ///< why it failed or was skipped
  uint32_t nreads = 0; ///< slots()[0, nreads) are reads, then writes
  uint32_t nslots = 0;

  /// Makes room for n slots (keeps a larger array from earlier use).
  void reserveSlots(uint32_t n) {
    useExtra_ = n > kInlineSlots;
    if (useExtra_ && n > extraCap_) {
      extra_.reset(new Slot[n]);
      extraCap_ = n;
    }
  }
  Slot *slots() { return useExtra_ ? extra_.get() : inline_; }

  template <class F> F &fn() { return *std::launder(reinterpret_cast<F *>(fnBuf_)); }
  template <class F> void setFn(F &&f) {
    using D = std::decay_t<F>;
    static_assert(sizeof(D) <= sizeof(fnBuf_));
    ::new (static_cast<void *>(fnBuf_)) D(std::forward<F>(f));
    hasFn_ = true;
  }
  /// Destroys the stored function (and what it captured).
  void destroyFn() {
    if (!hasFn_)
      return;
    switch (kind) {
    case OpKind::Sync:
      fn<SyncFn>().~SyncFn();
      break;
    case OpKind::Async:
      fn<AsyncFn>().~AsyncFn();
      break;
    case OpKind::Delete:
      fn<UniqueFunction<void()>>().~UniqueFunction();
      break;
    case OpKind::Wait:
      break; // a Waiter*, trivially destructible
    }
    hasFn_ = false;
  }

private:
  alignas(16) unsigned char fnBuf_[sizeof(SyncFn)];
  bool hasFn_ = false;
  bool useExtra_ = false;
  uint32_t extraCap_ = 0;
  std::unique_ptr<Slot[]> extra_;
  Slot inline_[kInlineSlots];
};

static_assert(sizeof(SyncFn) == sizeof(AsyncFn) &&
              sizeof(SyncFn) == sizeof(UniqueFunction<void()>));

} // namespace mxrt::engine
