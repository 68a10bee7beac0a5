//===- PlanMemory.h - liveness-based buffer planning ------------*- C++ -*-===//
//
// The mechanism behind mx-plan-memory, as MXNet's PlanMemory pass
// (src/nnvm/plan_memory.cc): walk the ops in program order, give each
// result a buffer, and return a value's buffer to a free pool after its
// last reader. A result may instead take over the buffer of an operand
// whose last reader is this op (in place); a new value reuses a free buffer
// of a close size. What is allowed is policy, given as callbacks; the plan
// itself (which value lives in which buffer, buffer sizes and offsets in
// one arena) is mechanism.
//
// Function arguments and returned values are not planned: the caller owns
// them (bound arrays, outputs). Everything else an op produces is.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/DenseMap.h"

#include <functional>

namespace mlir::mx {

inline constexpr llvm::StringLiteral kBufferAttr = "mx.buffer";
inline constexpr llvm::StringLiteral kPlanAttr = "mx.plan";

/// How buffers become memory.
enum class Placement {
  /// MXNet's GraphAllocator: each buffer is a slot of its own; a new value
  /// takes the best-fitting free slot (growing it) or a new one.
  Pool,
  /// All buffers in one slot, each at an offset: buffers are packed by
  /// size, largest first, into the lowest gap no buffer live at the same
  /// time occupies ("greedy by size"), which comes close to the peak.
  Arena,
};

/// What `op` reads, as the planner sees it: its operands, or, for an op
/// with regions (an mx-fuse group), the values its regions use from
/// outside, in first-use order (the order outlining passes them).
SmallVector<Value> planInputsOf(Operation *op);

struct PlanPolicy {
  /// May result `result` of `op` take the buffer of `op`'s input `operand`
  /// (`input`, planInputsOf(op)[operand]) once `op` is its last reader?
  /// Null: never (no in-place).
  std::function<bool(Operation *op, unsigned operand, Value input, unsigned result)> allowInplace;
  /// Pool placement: may a value of `bytes` reuse a free slot of
  /// `slotBytes` (which grows to `bytes` if smaller)? Null: never.
  std::function<bool(int64_t bytes, int64_t slotBytes)> mayReuse;
  /// Arena placement: may buffers share memory at all (at different
  /// times)? False gives every buffer its own range.
  bool packArena = true;
  Placement placement = Placement::Arena;
  /// Every slot's size and every offset are multiples of this (a power of 2).
  int64_t alignment = 64;
};

/// The defaults: the op table's in-place pairs (InplaceOpInterface) and,
/// for an elementwise mx-fuse group, any input of the result's shape (its
/// one loop nest reads element i before it writes element i); arena
/// placement; for pool placement, reuse within a size ratio of
/// `matchRange` (MXNet's match_range).
PlanPolicy defaultPlanPolicy(unsigned matchRange = 16, int64_t alignment = 64);

/// A policy that plans nothing away: one buffer per value, no in-place.
PlanPolicy unplannedPolicy(int64_t alignment = 64);

struct MemoryPlan {
  /// Program order of the planned values (op results, in op order).
  SmallVector<Value> values;
  /// Per planned value: its buffer. Values in one buffer are an in-place
  /// chain (pool placement: also values reusing a freed slot).
  llvm::DenseMap<Value, unsigned> bufferOf;
  /// Per planned value: bytes, and the steps (op indices) where it is
  /// defined and last read (defined == last for an unused value).
  llvm::DenseMap<Value, int64_t> bytes;
  llvm::DenseMap<Value, std::pair<unsigned, unsigned>> liveRange;
  /// (operand, result) pairs that share a buffer in place.
  SmallVector<std::pair<Value, Value>> inplace;
  /// Where each buffer lives: a slot and a byte offset in it.
  struct Buffer {
    int64_t bytes = 0;
    unsigned slot = 0;
    int64_t offset = 0;
  };
  SmallVector<Buffer> buffers;
  /// Bytes per slot (aligned), and each slot's offset when all slots are
  /// laid out one after the other (as the reference interpreter does).
  SmallVector<int64_t> slotBytes, slotOffsets;
  /// All slots, one buffer per value (each aligned), and the most bytes of
  /// planned values live at any op (in-place pairs counted twice: the
  /// bound for plans without in-place).
  int64_t plannedBytes = 0, unplannedBytes = 0, peakBytes = 0;
  /// How many values took an operand's buffer; pool placement: how many
  /// reused a freed slot.
  unsigned numInplace = 0, numReused = 0;
  int64_t alignment = 1;

  /// Byte address of a planned value with the slots laid out in a row.
  int64_t addressOf(Value v) const {
    const Buffer &b = buffers[bufferOf.lookup(v)];
    return slotOffsets[b.slot] + b.offset;
  }
};

/// Plans `func` (one block, static shapes, known element types). Fails,
/// naming the value, on a type it cannot size.
FailureOr<MemoryPlan> planMemory(func::FuncOp func, const PlanPolicy &policy);

/// Writes the plan as attributes (docs/codegen.md): `mx.buffer` on ops, one
/// {slot, offset} per result (slot -1 for results not planned), and
/// `mx.plan` on the function: `slots` (bytes per buffer) and the statistics.
void annotatePlan(func::FuncOp func, const MemoryPlan &plan);

/// Bytes of a tensor type (static shape, sized element type), or -1.
int64_t tensorBytes(Type type);

} // namespace mlir::mx
