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

struct PlanPolicy {
  /// May result `result` of `op` take operand `operand`'s buffer once `op`
  /// is the operand's last reader? Null: never (no in-place).
  std::function<bool(Operation *op, unsigned operand, unsigned result)> allowInplace;
  /// May a value of `bytes` reuse a free buffer of `bufferBytes` (which
  /// grows to `bytes` if smaller)? Null: never (one buffer per value).
  std::function<bool(int64_t bytes, int64_t bufferBytes)> mayReuse;
  /// Every buffer's size and offset are multiples of this (a power of 2).
  int64_t alignment = 64;
};

/// MXNet's defaults: the op table's in-place pairs (InplaceOpInterface),
/// reuse within a size ratio of `matchRange`.
PlanPolicy defaultPlanPolicy(unsigned matchRange = 16, int64_t alignment = 64);

struct MemoryPlan {
  /// Program order of the planned values (op results, in op order).
  SmallVector<Value> values;
  /// Per planned value: its buffer.
  llvm::DenseMap<Value, unsigned> bufferOf;
  /// Per planned value: bytes, and the steps (op indices) where it is
  /// defined and last read (defined == last for an unused value).
  llvm::DenseMap<Value, int64_t> bytes;
  llvm::DenseMap<Value, std::pair<unsigned, unsigned>> liveRange;
  /// (operand, result) pairs that share a buffer in place.
  SmallVector<std::pair<Value, Value>> inplace;
  /// Per buffer: size (aligned) and offset in one arena.
  SmallVector<int64_t> bufferBytes, bufferOffsets;
  /// The arena (sum of buffer sizes), one buffer per value (each aligned),
  /// and the most bytes of planned values live at any op (in-place pairs
  /// counted twice: the bound for plans without in-place).
  int64_t plannedBytes = 0, unplannedBytes = 0, peakBytes = 0;
  /// How many values took an operand's buffer, or reused a freed one.
  unsigned numInplace = 0, numReused = 0;
  int64_t alignment = 1;
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
