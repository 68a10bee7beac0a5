//===- Fuse.cpp - the mx-fuse pass ----------------------------------------===//
//
// Policy and glue: which ops are elementwise or anchors (the rules below),
// then planFusion/applyFusion (FuseGroups.cpp) form the groups, and with
// `report` every group and every producer left out of one, with the
// reason, becomes a remark.
//
//===----------------------------------------------------------------------===//
#include "passes/Fuse.h"
#include "passes/Passes.h"

#include "mx/MxOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "mx-fuse"

namespace mlir::mx {
#define GEN_PASS_DEF_MXFUSE
#include "passes/Passes.h.inc"
} // namespace mlir::mx

using namespace mlir;
using namespace mlir::mx;

namespace {

/// Ops computing each output element from the inputs at the same (or the
/// broadcast) position, with a lowering in codegen/LowerElementwise.cpp.
bool isElementwise(Operation *op) {
  return isa<
      // Unary.
      AbsOp, SignOp, RoundOp, RintOp, CeilOp, FloorOp, TruncOp, FixOp, SquareOp, SqrtOp, RsqrtOp,
      CbrtOp, RcbrtOp, ExpOp, Expm1Op, LogOp, Log10Op, Log2Op, Log1pOp, SinOp, CosOp, TanOp,
      ArcsinOp, ArccosOp, ArctanOp, SinhOp, CoshOp, TanhOp, ArcsinhOp, ArccoshOp, ArctanhOp,
      DegreesOp, RadiansOp, SigmoidOp, ReluOp, SoftsignOp, ErfOp, ReciprocalOp, NegativeOp,
      LogicalNotOp, CopyOp, BlockGradOp, MakeLossOp, MakeLossLowerOp,
      // Binary, same shape.
      ElemwiseAddOp, ElemwiseSubOp, ElemwiseMulOp, ElemwiseDivOp, GradAddOp, PowerOp, MaximumOp,
      MinimumOp, ModOp, HypotOp, EqualOp, NotEqualOp, GreaterOp, GreaterEqualOp, LesserOp,
      LesserEqualOp, LogicalAndOp, LogicalOrOp, LogicalXorOp,
      // Binary, broadcasting.
      BroadcastAddOp, BroadcastSubOp, BroadcastMulOp, BroadcastDivOp, BroadcastModOp,
      BroadcastPowerOp, BroadcastMaximumOp, BroadcastMinimumOp, BroadcastHypotOp, BroadcastEqualOp,
      BroadcastNotEqualOp, BroadcastGreaterOp, BroadcastGreaterEqualOp, BroadcastLesserOp,
      BroadcastLesserEqualOp, BroadcastLogicalAndOp, BroadcastLogicalOrOp, BroadcastLogicalXorOp,
      // With a scalar.
      PlusScalarOp, MinusScalarOp, RMinusScalarOp, MulScalarOp, DivScalarOp, RDivScalarOp,
      PowerScalarOp, RPowerScalarOp, ModScalarOp, RModScalarOp, MaximumScalarOp, MinimumScalarOp,
      HypotScalarOp, EqualScalarOp, NotEqualScalarOp, GreaterScalarOp, GreaterEqualScalarOp,
      LesserScalarOp, LesserEqualScalarOp, LogicalAndScalarOp, LogicalOrScalarOp,
      LogicalXorScalarOp,
      // The rest of the family.
      ActivationOp, AddNOp, ClipOp, HardSigmoidOp, CastOp, AmpCastOp, WhereOp>(op);
}

FusionKind defaultKind(Operation *op, bool epilogues) {
  // Training forms reduce over the batch, draw random numbers or update
  // state: they keep kernels of their own.
  if (op->hasAttr("mx.train"))
    return FusionKind::None;
  // The elementwise lowerings do not handle unsigned integers: such ops
  // keep a kernel of their own, which runs the runtime's kernel.
  auto isUnsigned = [](Type t) {
    auto tensor = dyn_cast<TensorType>(t);
    return tensor && tensor.getElementType().isUnsignedInteger();
  };
  if (llvm::any_of(op->getOperandTypes(), isUnsigned) ||
      llvm::any_of(op->getResultTypes(), isUnsigned))
    return FusionKind::None;
  if (isElementwise(op))
    return FusionKind::Elementwise;
  if (auto leaky = dyn_cast<LeakyReLUOp>(op))
    return leaky.getActType() == "rrelu" ? FusionKind::None : FusionKind::Elementwise;
  // Inference BatchNorm is a per-channel scale and shift, when nothing
  // reads its batch statistics.
  if (isa<BatchNormOp>(op) &&
      llvm::all_of(op->getResults().drop_front(), [](Value r) { return r.use_empty(); }))
    return FusionKind::Elementwise;
  if (epilogues && isa<FullyConnectedOp, ConvolutionOp>(op))
    return FusionKind::Anchor;
  return FusionKind::None;
}

struct FusePass : mx::impl::MxFuseBase<FusePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    FusionPolicy policy = defaultFusionPolicy(epilogues);
    policy.maxOps = maxOps;
    FusionPlan plan = planFusion(func, policy);
    for (const FusionGroup &group : plan.groups) {
      std::string ops;
      for (Operation *op : group.ops)
        ops += (ops.empty() ? "" : ", ") + describeForFusion(op);
      LLVM_DEBUG(llvm::dbgs() << "mx-fuse @" << func.getName() << ": " << group.rule << " group of "
                              << group.ops.size() << ": " << ops << "\n");
      if (report)
        emitRemark(group.ops.back()->getLoc())
            << "mx-fuse: fused " << group.ops.size() << " ops into one kernel (" << group.rule
            << "): " << ops;
    }
    for (const FusionRefusal &r : plan.refusals) {
      LLVM_DEBUG(llvm::dbgs() << "mx-fuse @" << func.getName() << ": "
                              << describeForFusion(r.producer) << " not fused into "
                              << describeForFusion(r.consumer) << ": " << r.reason << "\n");
      if (report)
        emitRemark(r.producer->getLoc())
            << "mx-fuse: " << describeForFusion(r.producer) << " not fused into "
            << describeForFusion(r.consumer) << ": " << r.reason;
    }
    applyFusion(plan);
  }
};

} // namespace

FusionPolicy mlir::mx::defaultFusionPolicy(bool epilogues) {
  FusionPolicy policy;
  policy.kindOf = [epilogues](Operation *op) {
    return isa<MxDialect>(op->getDialect()) ? defaultKind(op, epilogues) : FusionKind::None;
  };
  return policy;
}
