// var.cc - the reader/writer queue of an engine variable (invariants in var.h).
#include "engine/var.h"

#include <mutex>

namespace mxrt {

using engine::OpBlock;
using engine::ReadyList;
using engine::Slot;

namespace {
/// One dependency of op granted; the op is ready when it was the last.
inline void grant(Slot *s, ReadyList &ready) {
  if (s->op->wait.fetch_sub(1, std::memory_order_acq_rel) == 1)
    ready.add(s->op);
}
} // namespace

void Var::checkInvariants() const {
#if MXRT_ENGINE_DEBUG
  MXRT_ENGINE_ASSERT(activeReads_ >= 0, "negative reader count");
  MXRT_ENGINE_ASSERT(!(activeWrite_ && activeReads_ > 0), "I1: a writer runs with readers");
  MXRT_ENGINE_ASSERT((head_ == nullptr) == (tail_ == nullptr), "I2: queue head/tail disagree");
  MXRT_ENGINE_ASSERT(!tail_ || !tail_->next, "I2: queue tail has a successor");
  if (head_) {
    bool blocked = head_->write ? (activeWrite_ || activeReads_ > 0) : activeWrite_;
    MXRT_ENGINE_ASSERT(blocked, "I3: a grantable slot waits at the head of the queue");
  }
#endif
}

void Var::enqueue(Slot *s) {
  s->next = nullptr;
  if (tail_)
    tail_->next = s;
  else
    head_ = s;
  tail_ = s;
}

bool Var::appendRead(Slot *s) {
  std::lock_guard<engine::SpinLock> lock(lock_);
  MXRT_ENGINE_ASSERT(magic == kLive, "op pushed on a deleted variable");
  bool granted = !head_ && !activeWrite_; // I4: only an empty queue lets a newcomer pass
  if (granted)
    ++activeReads_;
  else
    enqueue(s);
  checkInvariants();
  return granted;
}

bool Var::appendWrite(Slot *s) {
  std::lock_guard<engine::SpinLock> lock(lock_);
  MXRT_ENGINE_ASSERT(magic == kLive, "op pushed on a deleted variable");
  bool granted = !head_ && !activeWrite_ && activeReads_ == 0;
  if (granted)
    activeWrite_ = true;
  else
    enqueue(s);
  checkInvariants();
  return granted;
}

void Var::grantWaiting(ReadyList &ready) {
  // Grant from the head while the head is grantable (I3, I4): a run of
  // reads together, or one write alone.
  while (Slot *s = head_) {
    if (s->write) {
      if (activeWrite_ || activeReads_ > 0)
        break;
      activeWrite_ = true;
    } else {
      if (activeWrite_)
        break;
      ++activeReads_;
    }
    head_ = s->next;
    if (!head_)
      tail_ = nullptr;
    grant(s, ready);
    if (s->write)
      break;
  }
}

void Var::completeRead(ReadyList &ready) {
  std::lock_guard<engine::SpinLock> lock(lock_);
  MXRT_ENGINE_ASSERT(activeReads_ > 0 && !activeWrite_, "read completed without a grant");
  if (--activeReads_ == 0)
    grantWaiting(ready);
  checkInvariants();
}

void Var::completeWrite(engine::ErrorRef err, ReadyList &ready) {
  std::lock_guard<engine::SpinLock> lock(lock_);
  MXRT_ENGINE_ASSERT(activeWrite_ && activeReads_ == 0, "write completed without a grant");
  activeWrite_ = false;
  error = std::move(err);
  grantWaiting(ready);
  checkInvariants();
}

bool Var::writesDone(engine::ErrorRef &err) {
  std::lock_guard<engine::SpinLock> lock(lock_);
  // By I3 a non-empty queue with no active write has a write at its head.
  if (activeWrite_ || head_)
    return false;
  err = error;
  return true;
}

void Var::reset() {
  MXRT_ENGINE_ASSERT(!head_ && !activeWrite_ && activeReads_ == 0,
                     "variable reused while ops are pending on it");
  error.reset();
#if MXRT_ENGINE_DEBUG
  magic = kLive;
#endif
}

} // namespace mxrt
