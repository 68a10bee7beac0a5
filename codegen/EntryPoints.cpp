//===- EntryPoints.cpp - the mx-entry-points pass -------------------------===//
//
// A compiled module runs a graph in up to three ways (module_abi.h):
// forward in inference, forward while training, backward. This pass makes
// the functions outlining turns into those entries: the graph function
// becomes @forward_infer and, when training, a copy @forward_train whose
// mode-dependent ops are marked `mx.train`. The gradient pass (run before
// this one) appends backward ops marked `mx.phase = "backward"` to the
// graph; they are dropped from @forward_infer, which never runs them.
// Outputs get their MXNet names (`mx.name` on results) here, before
// canonicalization can forward an identity op and lose its node name.
//
//===----------------------------------------------------------------------===//
#include "codegen/Lowering.h"
#include "codegen/ManifestAttr.h"
#include "codegen/Passes.h"
#include "mx/MxDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mxc::codegen {
#define GEN_PASS_DEF_MXENTRYPOINTS
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;
using namespace mxc::codegen;

namespace {

/// Is `op` part of the backward graph (the gradient pass's mark)?
bool isBackward(Operation *op) {
  auto phase = op->getAttrOfType<StringAttr>("mx.phase");
  return phase && phase.getValue() == "backward";
}

struct EntryPointsPass : mxc::codegen::impl::MxEntryPointsBase<EntryPointsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module.lookupSymbol<func::FuncOp>("forward_infer"))
      return; // already done
    func::FuncOp graph = module.lookupSymbol<func::FuncOp>("main");
    if (!graph) {
      auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
      if (funcs.size() != 1) {
        module.emitError("expected a graph function @main or exactly one function, found ")
            << funcs.size();
        return signalPassFailure();
      }
      graph = funcs.front();
    }
    // Output names as MXNet gives them, before canonicalization may
    // forward an identity op and lose its node.
    Operation *terminator = graph.getBody().front().getTerminator();
    for (auto [i, v] : llvm::enumerate(terminator->getOperands()))
      if (!graph.getResultAttr(unsigned(i), kOutputNameAttr))
        graph.setResultAttr(unsigned(i), kOutputNameAttr,
                            StringAttr::get(&getContext(), graphValueName(v)));
    if (train) {
      func::FuncOp copy = graph.clone();
      copy.setSymName("forward_train");
      module.push_back(copy);
      copy.walk([](Operation *op) {
        if (dependsOnTraining(op))
          op->setAttr(kTrainAttr, UnitAttr::get(op->getContext()));
      });
    }
    graph.setSymName("forward_infer");
    // Inference never runs the backward graph: drop it, with the results
    // (gradients) it feeds.
    SmallVector<Operation *> backward;
    graph.walk([&](Operation *op) {
      if (isBackward(op))
        backward.push_back(op);
    });
    if (backward.empty())
      return;
    Operation *ret = graph.getBody().front().getTerminator();
    SmallVector<Value> kept;
    llvm::BitVector dropped(graph.getNumResults());
    for (auto [i, v] : llvm::enumerate(ret->getOperands())) {
      Operation *def = v.getDefiningOp();
      if ((def && isBackward(def)) || graph.getResultAttr(i, "mx.grad_of"))
        dropped.set(i);
      else
        kept.push_back(v);
    }
    ret->setOperands(kept);
    (void)graph.eraseResults(dropped);
    for (Operation *op : llvm::reverse(backward))
      op->erase();
    // Arguments only the backward graph used (head gradients, gradient
    // inputs) go as well.
    llvm::BitVector unusedArgs(graph.getNumArguments());
    for (BlockArgument arg : graph.getArguments())
      if (arg.use_empty() && (graph.getArgAttr(arg.getArgNumber(), "mx.grad_of") ||
                              graph.getArgAttr(arg.getArgNumber(), "mx.head_grad")))
        unusedArgs.set(arg.getArgNumber());
    (void)graph.eraseArguments(unusedArgs);
  }
};

} // namespace
