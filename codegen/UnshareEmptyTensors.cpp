//===- UnshareEmptyTensors.cpp - the mxc-unshare-empty-tensors pass -------===//
//
// One tensor.empty per use, so that empty-tensor elimination places only the
// op that feeds a kernel output in that output's buffer (see Passes.td).
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mxc::codegen {
#define GEN_PASS_DEF_MXCUNSHAREEMPTYTENSORS
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;

namespace {
struct UnshareEmptyTensorsPass
    : mxc::codegen::impl::MxcUnshareEmptyTensorsBase<UnshareEmptyTensorsPass> {
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation().walk([&](tensor::EmptyOp op) {
      if (!op->hasOneUse() && !op->use_empty())
        shared.push_back(op);
    });
    for (tensor::EmptyOp op : shared) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : op->getUses())
        uses.push_back(&use);
      for (OpOperand *use : llvm::drop_begin(uses)) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*op)->getResult(0));
      }
    }
  }
};
} // namespace
