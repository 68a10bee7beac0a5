//===- Fuse.h - grouping mx ops into fused kernels --------------*- C++ -*-===//
//
// The mechanism behind mx-fuse. A fusion group is a set of ops of one
// graph function that becomes one kernel: the ops move, in their order,
// into the region of an `scf.execute_region` marked `mx.fused = "<rule>"`,
// which yields the group's result. Values computed inside the region are
// no longer values of the graph, so memory planning gives them no buffer
// and outlining (codegen/Outline.cpp) turns the region into one kernel
// function whose ops lower one by one and then merge their loops.
//
// Groups grow from a root (the op whose result leaves the group) towards
// its producers; a producer joins only when every use of its results is
// inside the group, so a group has one result, the root's, and moving its
// ops to the root keeps every value defined before its uses. Which ops may
// join which group is policy: a callback per op says its fusion kind.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>
#include <string>

namespace mlir::mx {

/// Marks a fused group (an scf.execute_region in a graph function); its
/// value names the rule that formed it ("elementwise", "epilogue").
inline constexpr llvm::StringLiteral kFusedAttr = "mx.fused";

/// What role an op can play in a group.
enum class FusionKind {
  /// Never fused (reductions, layouts, ops with state or randomness).
  None,
  /// Computes each output element from the input elements at the same
  /// (or broadcast) position: chains of these become one loop nest.
  Elementwise,
  /// An op whose consumers' elementwise work can run in its kernel as an
  /// epilogue (FullyConnected, Convolution); it does not pull in its own
  /// producers, and a group holds at most one.
  Anchor,
};

struct FusionPolicy {
  /// The kind of an op; ops the callback calls None stay alone.
  std::function<FusionKind(Operation *op)> kindOf;
  /// May ops of different `mx.phase` share a group? Never by default: the
  /// forward and backward entries are separate calls.
  bool crossPhase = false;
  /// The most ops in one group (0: no limit).
  unsigned maxOps = 0;
};

/// One group: its ops in program order, the root (whose result leaves the
/// group) last.
struct FusionGroup {
  SmallVector<Operation *> ops;
  /// "elementwise" or "epilogue" (the group holds an anchor).
  std::string rule;
};

/// A producer that did not join the group of one of its consumers, and why.
struct FusionRefusal {
  Operation *producer;
  Operation *consumer;
  std::string reason;
};

struct FusionPlan {
  /// Groups of two ops or more, in program order of their roots.
  SmallVector<FusionGroup> groups;
  /// Producers next to a group that stayed out of it.
  SmallVector<FusionRefusal> refusals;
};

/// Finds the groups of `func` (one block of ops on tensors).
FusionPlan planFusion(func::FuncOp func, const FusionPolicy &policy);

/// Moves each group's ops into a region (see above) placed where its root
/// was. The region carries the root's `mx.phase` and location.
void applyFusion(const FusionPlan &plan);

/// An op as reports name it: "'node' (op)", or the op for an unnamed one.
std::string describeForFusion(Operation *op);

/// The defaults: elementwise, broadcast and scalar ops, activations,
/// casts, clip, where, add_n and inference BatchNorm (a per-channel scale
/// and shift) are Elementwise; with `epilogues`, FullyConnected and
/// Convolution are Anchors. Ops marked for training (`mx.train`) are None.
FusionPolicy defaultFusionPolicy(bool epilogues);

} // namespace mlir::mx
