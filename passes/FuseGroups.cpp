//===- FuseGroups.cpp - finding and forming fusion groups -----------------===//
//
// Algorithm (planFusion):
// 1. Walk the ops from last to first. An Elementwise op no group holds yet
//    is a root: it starts a group.
// 2. Grow the group until nothing changes: for each operand of a member
//    (anchors excepted: their producers stay outside), its producer joins
//    when the policy gives it a kind, it is in the root's phase, the group
//    has room (and no anchor yet, if it is one), and every use of its
//    results is a member. Repeating until a fixed point lets both arms of
//    a diamond join before their common producer is tried.
// 3. Groups of one op are dropped; the producers still outside a group are
//    its refusals, with the first reason that kept them out.
// Since every member but the root has all its uses inside the group, no
// path leaves the group and comes back: moving the members next to the
// root keeps every value defined before its uses (applyFusion).
//
//===----------------------------------------------------------------------===//
#include "passes/Fuse.h"

#include "mx/MxDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

StringRef phaseOf(Operation *op) {
  auto phase = op->getAttrOfType<StringAttr>("mx.phase");
  return phase ? phase.getValue() : StringRef("forward");
}

class GroupBuilder {
public:
  GroupBuilder(Block &body, const FusionPolicy &policy) : body(body), policy(policy) {}

  /// Grows the group of `root`; fills `refusals` for producers left out.
  FusionGroup grow(Operation *root, SmallVectorImpl<FusionRefusal> &refusals) {
    llvm::SetVector<Operation *> members;
    members.insert(root);
    bool hasAnchor = false;
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t i = 0; i < members.size(); ++i) {
        Operation *m = members[i];
        if (policy.kindOf(m) == FusionKind::Anchor)
          continue;
        for (Value v : m->getOperands()) {
          Operation *p = v.getDefiningOp();
          if (!p || p->getBlock() != &body || members.contains(p))
            continue;
          if (!whyNot(p, root, members, hasAnchor).empty())
            continue;
          hasAnchor |= policy.kindOf(p) == FusionKind::Anchor;
          members.insert(p);
          changed = true;
        }
      }
    }
    FusionGroup group;
    group.ops.assign(members.begin(), members.end());
    llvm::sort(group.ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    group.rule = hasAnchor ? "epilogue" : "elementwise";
    for (Operation *m : group.ops) {
      if (policy.kindOf(m) == FusionKind::Anchor)
        continue;
      for (Value v : m->getOperands()) {
        Operation *p = v.getDefiningOp();
        if (p && p->getBlock() == &body && !members.contains(p))
          refusals.push_back({p, m, whyNot(p, root, members, hasAnchor)});
      }
    }
    return group;
  }

private:
  /// Why `p` may not join the group of `root` ("" if it may).
  std::string whyNot(Operation *p, Operation *root, const llvm::SetVector<Operation *> &members,
                     bool hasAnchor) {
    FusionKind kind = policy.kindOf(p);
    if (kind == FusionKind::None)
      return "it is not elementwise (no fusion rule for '" + p->getName().stripDialect().str() +
             "'" + (p->hasAttr("mx.train") ? " while training" : "") + ")";
    if (!policy.crossPhase && phaseOf(p) != phaseOf(root))
      return "it is in the " + phaseOf(p).str() + " phase, the group in the " +
             phaseOf(root).str() + " phase";
    if (kind == FusionKind::Anchor && hasAnchor)
      return "the group has an anchor already";
    if (policy.maxOps && members.size() >= policy.maxOps)
      return "the group has " + std::to_string(policy.maxOps) + " ops already (max-ops)";
    for (Value r : p->getResults())
      for (Operation *user : r.getUsers()) {
        if (user == body.getTerminator())
          return "its result is a graph output";
        if (!members.contains(body.findAncestorOpInBlock(*user)))
          return "its result is also used by " + describeForFusion(user) + ", outside the group";
      }
    return "";
  }

  Block &body;
  const FusionPolicy &policy;
};

} // namespace

std::string mlir::mx::describeForFusion(Operation *op) {
  std::string node = getNodeName(op);
  std::string name = op->getName().stripDialect().str();
  return node.empty() ? name : "'" + node + "' (" + name + ")";
}

FusionPlan mlir::mx::planFusion(func::FuncOp func, const FusionPolicy &policy) {
  FusionPlan plan;
  if (func.isExternal())
    return plan;
  Block &body = func.getBody().front();
  GroupBuilder builder(body, policy);
  llvm::DenseSet<Operation *> grouped;
  SmallVector<Operation *> ops;
  for (Operation &op : body.without_terminator())
    ops.push_back(&op);
  for (Operation *op : llvm::reverse(ops)) {
    if (grouped.contains(op) || policy.kindOf(op) != FusionKind::Elementwise)
      continue;
    FusionGroup group = builder.grow(op, plan.refusals);
    if (group.ops.size() < 2)
      continue;
    grouped.insert(group.ops.begin(), group.ops.end());
    plan.groups.push_back(std::move(group));
  }
  std::reverse(plan.groups.begin(), plan.groups.end());
  return plan;
}

void mlir::mx::applyFusion(const FusionPlan &plan) {
  for (const FusionGroup &group : plan.groups) {
    Operation *root = group.ops.back();
    OpBuilder b(root);
    auto region = b.create<scf::ExecuteRegionOp>(root->getLoc(), root->getResultTypes());
    region->setAttr(kFusedAttr, b.getStringAttr(group.rule));
    if (Attribute phase = root->getAttr("mx.phase"))
      region->setAttr("mx.phase", phase);
    Block *block = b.createBlock(&region.getRegion());
    for (Operation *op : group.ops)
      op->moveBefore(block, block->end());
    b.setInsertionPointToEnd(block);
    b.create<scf::YieldOp>(root->getLoc(), root->getResults());
    for (auto [inner, outer] : llvm::zip(root->getResults(), region.getResults()))
      inner.replaceUsesWithIf(
          outer, [&](OpOperand &use) { return !region->isProperAncestor(use.getOwner()); });
  }
}
