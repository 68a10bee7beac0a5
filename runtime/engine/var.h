// var.h - an engine variable and its reader/writer queue.
//
// Each variable orders the ops that use it. An op's dependency on the
// variable (its Slot) is either *granted* -- the op may touch the data --
// or *waiting* in the variable's FIFO queue. State, guarded by lock_:
//
//   queue_          waiting slots, in push order (head_ .. tail_)
//   activeReads_    granted reads not yet completed
//   activeWrite_    a granted write not yet completed
//
// Invariants (checked by checkInvariants() after every change, in debug
// and sanitizer builds):
//   I1  a writer is alone:            !(activeWrite_ && activeReads_ > 0)
//   I2  the queue is well formed:     head_ == nullptr <=> tail_ == nullptr,
//                                     and tail_->next == nullptr
//   I3  nothing grantable waits:      if the queue is not empty, its head
//       is blocked -- a waiting read by activeWrite_, a waiting write by
//       activeWrite_ or activeReads_ > 0.
//   I4  grants follow push order:     a slot is granted only when every
//       slot pushed before it on this variable has been granted (only the
//       head is ever granted, and a new slot is granted at push only when
//       the queue is empty).
// Together: ops on one variable run in push order; consecutive reads run
// together; a write waits for every earlier access and blocks every later
// one until it completes.
//
// Across variables (kept by ThreadedEngine::submit): the slots of an op
// with several variables are appended under one engine-wide lock, so all
// per-variable orders agree with one global push order. Every wait points
// to an earlier op, hence waits never form a cycle (no deadlock), also
// when several threads push at once.
//
// Granting a slot decrements its op's wait count; the op whose count hits
// zero is added to a ReadyList, dispatched by the caller after the lock is
// released (never run under a variable's lock).
//
// The variable's error (see engine/error.h) is written only by a completing
// writer, under lock_; an op holding a grant may read it without the lock,
// because no writer can complete while the grant is held.
#pragma once

#include "engine/error.h"
#include "engine/op_block.h"
#include "engine/spin_lock.h"

#include <cstdint>

namespace mxrt {

namespace engine {
/// Ops whose last dependency was just granted, linked through OpBlock::next.
struct ReadyList {
  OpBlock *head = nullptr;
  OpBlock *tail = nullptr;
  void add(OpBlock *op) {
    op->next = nullptr;
    if (tail)
      tail->next = op;
    else
      head = op;
    tail = op;
  }
  OpBlock *pop() {
    OpBlock *op = head;
    if (op) {
      head = op->next;
      if (!head)
        tail = nullptr;
      op->next = nullptr;
    }
    return op;
  }
  bool empty() const { return head == nullptr; }
};
} // namespace engine

class Var {
public:
  /// Puts a read of this variable in line; true when granted at once.
  bool appendRead(engine::Slot *s);
  /// Puts a write in line; true when granted at once.
  bool appendWrite(engine::Slot *s);
  /// A granted read is done; grants what it was blocking.
  void completeRead(engine::ReadyList &ready);
  /// The granted write is done; `error` becomes the variable's error (null:
  /// the write succeeded and leaves the variable clean). Grants what it was
  /// blocking.
  void completeWrite(engine::ErrorRef error, engine::ReadyList &ready);

  /// True when no write is granted or waiting, with the variable's error
  /// in `err`; false when waitForVar has to wait.
  bool writesDone(engine::ErrorRef &err);

  /// Back to a fresh variable (pool reuse). Only on an idle variable.
  void reset();

  /// The error left by the last write; see the file comment for access.
  engine::ErrorRef error;

#if MXRT_ENGINE_DEBUG
  /// Catches use after deleteVar when the pool reuses the memory.
  static constexpr uint32_t kLive = 0x5641526cu, kDead = 0x64656164u;
  uint32_t magic = kLive;
#endif

private:
  void grantWaiting(engine::ReadyList &ready);
  void enqueue(engine::Slot *s);
  void checkInvariants() const;

  engine::SpinLock lock_;
  engine::Slot *head_ = nullptr;
  engine::Slot *tail_ = nullptr;
  int32_t activeReads_ = 0;
  bool activeWrite_ = false;
};

} // namespace mxrt
