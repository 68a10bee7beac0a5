//===- PlanMemoryPlanner.cpp - liveness-based buffer planning -------------===//
//
// Algorithm:
// 1. Number the ops; a planned value lives from the op that defines it to
//    its last reader (its definer, if it has none).
// 2. In place (MXNet's PlanMemory): walk the ops in order; a result may
//    take over the buffer of an input whose last reader is this op, of
//    the same size, when the policy allows the pair. An op's inputs are
//    its operands, or for a fused group (an op with a region) the values
//    the region uses from outside. Every other result
//    starts a buffer; a buffer lives from its first value's definition to
//    its last value's last reader.
// 3. Placement.
//    Pool (MXNet's GraphAllocator): in the same walk, a new buffer takes
//    the best-fitting free slot the policy accepts (the smallest at least
//    as large, else the largest smaller one, which grows) or a new slot;
//    after an op has its results, slots whose buffer died return to the
//    free pool. Freeing after allocating keeps an op from writing over an
//    input it still reads, unless the pair is in place.
//    Arena: buffers sorted by size (largest first) each take the lowest
//    offset whose range no already placed buffer with an overlapping
//    lifetime uses, best fitting gap first ("greedy by size", Pisarchyk
//    and Lee 2020). Lifetimes are closed intervals, so an op's input and
//    output never share bytes unless in place.
//
//===----------------------------------------------------------------------===//
#include "passes/PlanMemory.h"

#include "passes/Fuse.h"

#include "mx/MxDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/DenseSet.h"

#include <algorithm>
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

SmallVector<Value> mlir::mx::planInputsOf(Operation *op) {
  if (op->getNumRegions() == 0)
    return SmallVector<Value>(op->getOperands());
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(op->getRegions(), captured);
  return SmallVector<Value>(captured.begin(), captured.end());
}

/// May the elementwise group `op` write its result over `input`?
/// Its ops compute each element from inputs at the same (or a broadcast)
/// position, so an input of the result's own shape is read at element i
/// only while element i is computed; a broadcast (smaller) input is not.
static bool fusedGroupMayRunInPlace(Operation *op, Value input, unsigned result) {
  auto rule = op->getAttrOfType<StringAttr>(kFusedAttr);
  if (!rule || rule.getValue() != "elementwise")
    return false; // an epilogue's anchor writes the result before its epilogue reads
  return input.getType() == op->getResult(result).getType();
}

PlanPolicy mlir::mx::defaultPlanPolicy(unsigned matchRange, int64_t alignment) {
  PlanPolicy policy;
  policy.alignment = alignment;
  policy.allowInplace = [](Operation *op, unsigned operand, Value input, unsigned result) {
    if (op->hasAttr(kFusedAttr))
      return fusedGroupMayRunInPlace(op, input, result);
    auto iface = dyn_cast<InplaceOpInterface>(op);
    return iface && iface.mayRunInPlace(operand, result);
  };
  policy.mayReuse = [matchRange](int64_t bytes, int64_t slotBytes) {
    int64_t range = int64_t(std::max(matchRange, 1u));
    return slotBytes >= bytes / range && slotBytes <= bytes * range;
  };
  return policy;
}

PlanPolicy mlir::mx::unplannedPolicy(int64_t alignment) {
  PlanPolicy policy;
  policy.alignment = alignment;
  policy.packArena = false;
  return policy;
}

static int64_t alignTo(int64_t n, int64_t alignment) {
  return (n + alignment - 1) / alignment * alignment;
}

namespace {

class Planner {
public:
  Planner(func::FuncOp func, const PlanPolicy &policy) : func(func), policy(policy) {}
  FailureOr<MemoryPlan> run();

private:
  LogicalResult computeLiveness();
  void assignBuffers();
  void placeArena();
  void finish();

  func::FuncOp func;
  const PlanPolicy &policy;
  MemoryPlan plan;
  SmallVector<Operation *> ops;
  /// Per buffer: the steps it lives.
  SmallVector<std::pair<unsigned, unsigned>> bufferLife;
};

LogicalResult Planner::computeLiveness() {
  Block &body = func.getBody().front();
  Operation *terminator = body.getTerminator();
  llvm::DenseSet<Value> external(terminator->getOperands().begin(),
                                 terminator->getOperands().end());
  llvm::DenseMap<Operation *, unsigned> stepOf;
  for (Operation &op : body.without_terminator()) {
    stepOf[&op] = unsigned(ops.size());
    ops.push_back(&op);
  }
  for (Operation *op : ops) {
    for (Value r : op->getResults()) {
      if (external.contains(r))
        continue; // the caller's: an output
      int64_t bytes = tensorBytes(r.getType());
      if (bytes < 0)
        return op->emitError("mx-plan-memory: cannot size result #")
               << cast<OpResult>(r).getResultNumber() << " of type " << r.getType()
               << " (static shapes and known dtypes needed)";
      unsigned def = stepOf[op], last = def;
      for (Operation *user : r.getUsers())
        if (user != terminator)
          last = std::max(last, stepOf.lookup(body.findAncestorOpInBlock(*user)));
      plan.values.push_back(r);
      plan.bytes[r] = bytes;
      plan.liveRange[r] = {def, last};
      plan.unplannedBytes += alignTo(bytes, policy.alignment);
    }
  }
  return success();
}

void Planner::assignBuffers() {
  bool pool = policy.placement == Placement::Pool;
  std::multimap<int64_t, unsigned> freeSlots; // raw size -> slot
  SmallVector<int64_t> slotRaw;
  auto takeSlot = [&](int64_t bytes) -> unsigned {
    if (policy.mayReuse) {
      auto mid = freeSlots.lower_bound(bytes);
      for (auto it = mid; it != freeSlots.end(); ++it)
        if (policy.mayReuse(bytes, it->first)) {
          unsigned slot = it->second;
          freeSlots.erase(it);
          ++plan.numReused;
          return slot;
        }
      for (auto it = mid; it != freeSlots.begin();) {
        --it;
        if (policy.mayReuse(bytes, it->first)) {
          unsigned slot = it->second;
          freeSlots.erase(it);
          slotRaw[slot] = bytes; // grows
          ++plan.numReused;
          return slot;
        }
      }
    }
    slotRaw.push_back(bytes);
    return unsigned(slotRaw.size() - 1);
  };

  for (auto [step, op] : llvm::enumerate(ops)) {
    SmallVector<Value> inputs = planInputsOf(op);
    llvm::SmallDenseSet<Value, 4> takenOver;
    for (Value r : op->getResults()) {
      if (!plan.bytes.count(r))
        continue;
      int64_t bytes = plan.bytes[r];
      std::optional<unsigned> buffer;
      if (policy.allowInplace) {
        for (auto [index, u] : llvm::enumerate(inputs)) {
          if (!plan.bufferOf.count(u) || takenOver.contains(u) ||
              plan.liveRange[u].second != step || plan.bytes[u] != bytes ||
              !policy.allowInplace(op, unsigned(index), u, cast<OpResult>(r).getResultNumber()))
            continue;
          buffer = plan.bufferOf[u];
          takenOver.insert(u);
          plan.inplace.emplace_back(u, r);
          ++plan.numInplace;
          break;
        }
      }
      if (!buffer) {
        buffer = unsigned(plan.buffers.size());
        plan.buffers.push_back({bytes, pool ? takeSlot(bytes) : 0, 0});
        bufferLife.emplace_back(unsigned(step), unsigned(step));
      }
      plan.bufferOf[r] = *buffer;
      bufferLife[*buffer].second = std::max(bufferLife[*buffer].second, plan.liveRange[r].second);
    }
    if (!pool)
      continue;
    // Slots of buffers that died at this op return to the pool.
    llvm::SmallDenseSet<unsigned, 4> released;
    auto release = [&](Value v) {
      unsigned buffer = plan.bufferOf[v];
      if (bufferLife[buffer].second == step && released.insert(buffer).second) {
        unsigned slot = plan.buffers[buffer].slot;
        freeSlots.emplace(slotRaw[slot], slot);
      }
    };
    for (Value u : inputs)
      if (plan.bufferOf.count(u) && !takenOver.contains(u))
        release(u);
    for (Value r : op->getResults())
      if (plan.bufferOf.count(r))
        release(r);
  }
  if (pool)
    for (int64_t raw : slotRaw)
      plan.slotBytes.push_back(alignTo(raw, policy.alignment));
}

void Planner::placeArena() {
  SmallVector<unsigned> order;
  for (unsigned b = 0; b < plan.buffers.size(); ++b)
    order.push_back(b);
  llvm::stable_sort(
      order, [&](unsigned a, unsigned b) { return plan.buffers[a].bytes > plan.buffers[b].bytes; });
  SmallVector<unsigned> placed;
  int64_t arena = 0;
  for (unsigned b : order) {
    int64_t size = alignTo(plan.buffers[b].bytes, policy.alignment);
    int64_t offset = arena;
    if (policy.packArena) {
      // The ranges of placed buffers alive at the same time, by offset.
      SmallVector<std::pair<int64_t, int64_t>> busy;
      auto [first, last] = bufferLife[b];
      for (unsigned p : placed)
        if (bufferLife[p].first <= last && first <= bufferLife[p].second)
          busy.emplace_back(plan.buffers[p].offset,
                            plan.buffers[p].offset +
                                alignTo(plan.buffers[p].bytes, policy.alignment));
      llvm::sort(busy);
      // The smallest gap that fits, else after the highest range.
      int64_t bestGap = -1, cursor = 0, end = 0;
      offset = -1;
      for (auto [lo, hi] : busy) {
        if (lo > cursor && lo - cursor >= size && (bestGap < 0 || lo - cursor < bestGap)) {
          bestGap = lo - cursor;
          offset = cursor;
        }
        cursor = std::max(cursor, hi);
        end = std::max(end, hi);
      }
      if (offset < 0)
        offset = end;
    }
    plan.buffers[b].offset = offset;
    arena = std::max(arena, offset + size);
    placed.push_back(b);
  }
  plan.slotBytes.push_back(arena);
}

void Planner::finish() {
  int64_t offset = 0;
  for (int64_t bytes : plan.slotBytes) {
    plan.slotOffsets.push_back(offset);
    offset += bytes;
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
}

FailureOr<MemoryPlan> Planner::run() {
  if (!func.getBody().hasOneBlock())
    return func.emitError("mx-plan-memory expects a function of one block");
  if (policy.alignment <= 0 || (policy.alignment & (policy.alignment - 1)) != 0)
    return func.emitError("mx-plan-memory: alignment must be a power of 2, got ")
           << policy.alignment;
  plan.alignment = policy.alignment;
  if (failed(computeLiveness()))
    return failure();
  assignBuffers();
  if (policy.placement == Placement::Arena)
    placeArena();
  finish();
  return std::move(plan);
}

} // namespace

FailureOr<MemoryPlan> mlir::mx::planMemory(func::FuncOp func, const PlanPolicy &policy) {
  return Planner(func, policy).run();
}

void mlir::mx::annotatePlan(func::FuncOp func, const MemoryPlan &plan) {
  Builder b(func.getContext());
  for (Operation &op : func.getBody().front().without_terminator()) {
    if (op.getNumResults() == 0)
      continue;
    SmallVector<Attribute> placements;
    for (Value r : op.getResults()) {
      auto it = plan.bufferOf.find(r);
      int64_t slot = -1, offset = -1;
      if (it != plan.bufferOf.end()) {
        slot = plan.buffers[it->second].slot;
        offset = plan.buffers[it->second].offset;
      }
      placements.push_back(
          b.getDictionaryAttr({b.getNamedAttr("slot", b.getI64IntegerAttr(slot)),
                               b.getNamedAttr("offset", b.getI64IntegerAttr(offset))}));
    }
    op.setAttr(kBufferAttr, b.getArrayAttr(placements));
  }
  func->setAttr(kPlanAttr,
                b.getDictionaryAttr({
                    b.getNamedAttr("slots", b.getDenseI64ArrayAttr(plan.slotBytes)),
                    b.getNamedAttr("alignment", b.getI64IntegerAttr(plan.alignment)),
                    b.getNamedAttr("planned_bytes", b.getI64IntegerAttr(plan.plannedBytes)),
                    b.getNamedAttr("unplanned_bytes", b.getI64IntegerAttr(plan.unplannedBytes)),
                    b.getNamedAttr("peak_bytes", b.getI64IntegerAttr(plan.peakBytes)),
                    b.getNamedAttr("inplace", b.getI64IntegerAttr(plan.numInplace)),
                    b.getNamedAttr("reused", b.getI64IntegerAttr(plan.numReused)),
                }));
}
