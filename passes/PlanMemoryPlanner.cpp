//===- PlanMemoryPlanner.cpp - liveness-based buffer planning -------------===//
//
// Algorithm (MXNet's PlanMemory with its GraphAllocator):
// 1. Number the ops; a planned value lives from the op that defines it to
//    its last reader (its definer, if it has none).
// 2. Walk the ops in order. For each planned result, first try in place:
//    an operand whose last reader is this op, of the same size, whose pair
//    the policy allows, gives the result its buffer. Otherwise take the
//    best-fitting free buffer the policy accepts (the smallest at least as
//    large, else the largest smaller one, which grows), or a new buffer.
// 3. After the op's results have buffers, the buffers of operands read for
//    the last time (and of results nobody reads) return to the free pool.
//    Freeing after allocating keeps an op from writing over an input it is
//    still reading, unless the pair is in place.
// Buffers are then aligned and laid out one after the other in an arena.
//
//===----------------------------------------------------------------------===//
#include "passes/PlanMemory.h"

#include "mx/MxDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/ADT/DenseSet.h"

#include <map>

using namespace mlir;
using namespace mlir::mx;

int64_t mlir::mx::tensorBytes(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !ranked.hasStaticShape())
    return -1;
  Type element = ranked.getElementType();
  if (!element.isIntOrFloat())
    return -1;
  int64_t bits = element.getIntOrFloatBitWidth();
  return ranked.getNumElements() * ((bits + 7) / 8);
}

PlanPolicy mlir::mx::defaultPlanPolicy(unsigned matchRange, int64_t alignment) {
  PlanPolicy policy;
  policy.alignment = alignment;
  policy.allowInplace = [](Operation *op, unsigned operand, unsigned result) {
    auto iface = dyn_cast<InplaceOpInterface>(op);
    return iface && iface.mayRunInPlace(operand, result);
  };
  policy.mayReuse = [matchRange](int64_t bytes, int64_t bufferBytes) {
    int64_t range = int64_t(std::max(matchRange, 1u));
    return bufferBytes >= bytes / range && bufferBytes <= bytes * range;
  };
  return policy;
}

static int64_t alignTo(int64_t n, int64_t alignment) {
  return (n + alignment - 1) / alignment * alignment;
}

FailureOr<MemoryPlan> mlir::mx::planMemory(func::FuncOp func, const PlanPolicy &policy) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("mx-plan-memory expects a function of one block");
  if (policy.alignment <= 0 || (policy.alignment & (policy.alignment - 1)) != 0)
    return func.emitError("mx-plan-memory: alignment must be a power of 2, got ")
           << policy.alignment;
  MemoryPlan plan;
  plan.alignment = policy.alignment;
  Block &body = func.getBody().front();
  llvm::DenseSet<Value> external;
  Operation *terminator = body.getTerminator();
  for (Value v : terminator->getOperands())
    external.insert(v);

  // 1. Steps and live ranges.
  SmallVector<Operation *> ops;
  llvm::DenseMap<Operation *, unsigned> stepOf;
  for (Operation &op : body.without_terminator()) {
    stepOf[&op] = unsigned(ops.size());
    ops.push_back(&op);
  }
  for (Operation *op : ops) {
    for (Value r : op->getResults()) {
      if (external.contains(r))
        continue;
      int64_t bytes = tensorBytes(r.getType());
      if (bytes < 0)
        return op->emitError("mx-plan-memory: cannot size result #")
               << cast<OpResult>(r).getResultNumber() << " of type " << r.getType()
               << " (static shapes and known dtypes needed)";
      unsigned def = stepOf[op], last = def;
      for (Operation *user : r.getUsers())
        if (user != terminator)
          last = std::max(
              last,
              stepOf.lookup(user->getBlock() == &body ? user : body.findAncestorOpInBlock(*user)));
      plan.values.push_back(r);
      plan.bytes[r] = bytes;
      plan.liveRange[r] = {def, last};
      plan.unplannedBytes += alignTo(bytes, policy.alignment);
    }
  }

  // 2-3. Assign buffers in program order.
  std::multimap<int64_t, unsigned> freePool; // raw size -> buffer
  SmallVector<int64_t> rawBytes;
  auto allocate = [&](int64_t bytes) -> unsigned {
    if (policy.mayReuse) {
      auto mid = freePool.lower_bound(bytes);
      for (auto it = mid; it != freePool.end(); ++it)
        if (policy.mayReuse(bytes, it->first)) {
          unsigned buffer = it->second;
          freePool.erase(it);
          ++plan.numReused;
          return buffer;
        }
      for (auto it = mid; it != freePool.begin();) {
        --it;
        if (policy.mayReuse(bytes, it->first)) {
          unsigned buffer = it->second;
          freePool.erase(it);
          rawBytes[buffer] = bytes; // grows
          ++plan.numReused;
          return buffer;
        }
      }
    }
    rawBytes.push_back(bytes);
    return unsigned(rawBytes.size() - 1);
  };
  auto release = [&](Value v) {
    unsigned buffer = plan.bufferOf[v];
    freePool.emplace(rawBytes[buffer], buffer);
  };
  for (Operation *op : ops) {
    unsigned step = stepOf[op];
    llvm::SmallDenseSet<Value, 4> takenOver;
    for (Value r : op->getResults()) {
      if (!plan.bytes.count(r))
        continue;
      int64_t bytes = plan.bytes[r];
      std::optional<unsigned> buffer;
      if (policy.allowInplace) {
        for (OpOperand &operand : op->getOpOperands()) {
          Value u = operand.get();
          if (!plan.bufferOf.count(u) || takenOver.contains(u) ||
              plan.liveRange[u].second != step || plan.bytes[u] != bytes ||
              !policy.allowInplace(op, operand.getOperandNumber(),
                                   cast<OpResult>(r).getResultNumber()))
            continue;
          buffer = plan.bufferOf[u];
          takenOver.insert(u);
          plan.inplace.emplace_back(u, r);
          ++plan.numInplace;
          break;
        }
      }
      if (!buffer)
        buffer = allocate(bytes);
      plan.bufferOf[r] = *buffer;
    }
    llvm::SmallDenseSet<Value, 4> released;
    for (Value u : op->getOperands())
      if (plan.bufferOf.count(u) && plan.liveRange[u].second == step && !takenOver.contains(u) &&
          released.insert(u).second)
        release(u);
    for (Value r : op->getResults())
      if (plan.bufferOf.count(r) && plan.liveRange[r].second == step)
        release(r);
  }

  // Layout and statistics.
  int64_t offset = 0;
  for (int64_t raw : rawBytes) {
    plan.bufferOffsets.push_back(offset);
    plan.bufferBytes.push_back(alignTo(raw, policy.alignment));
    offset += plan.bufferBytes.back();
  }
  plan.plannedBytes = offset;
  std::vector<int64_t> delta(ops.size() + 1, 0);
  for (Value v : plan.values) {
    auto [def, last] = plan.liveRange[v];
    delta[def] += alignTo(plan.bytes[v], policy.alignment);
    delta[last + 1] -= alignTo(plan.bytes[v], policy.alignment);
  }
  int64_t live = 0;
  for (int64_t d : delta)
    plan.peakBytes = std::max(plan.peakBytes, live += d);
  return plan;
}

void mlir::mx::annotatePlan(func::FuncOp func, const MemoryPlan &plan) {
  Builder b(func.getContext());
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (op.getNumResults() == 0)
      continue;
    SmallVector<Attribute> placements;
    for (Value r : op.getResults()) {
      auto it = plan.bufferOf.find(r);
      int64_t slot = it == plan.bufferOf.end() ? -1 : int64_t(it->second);
      placements.push_back(
          b.getDictionaryAttr({b.getNamedAttr("slot", b.getI64IntegerAttr(slot)),
                               b.getNamedAttr("offset", b.getI64IntegerAttr(slot < 0 ? -1 : 0))}));
    }
    op.setAttr(kBufferAttr, b.getArrayAttr(placements));
  }
  func->setAttr(kPlanAttr,
                b.getDictionaryAttr({
                    b.getNamedAttr("slots", b.getDenseI64ArrayAttr(plan.bufferBytes)),
                    b.getNamedAttr("alignment", b.getI64IntegerAttr(plan.alignment)),
                    b.getNamedAttr("planned_bytes", b.getI64IntegerAttr(plan.plannedBytes)),
                    b.getNamedAttr("unplanned_bytes", b.getI64IntegerAttr(plan.unplannedBytes)),
                    b.getNamedAttr("peak_bytes", b.getI64IntegerAttr(plan.peakBytes)),
                    b.getNamedAttr("inplace", b.getI64IntegerAttr(plan.numInplace)),
                    b.getNamedAttr("reused", b.getI64IntegerAttr(plan.numReused)),
                }));
}
