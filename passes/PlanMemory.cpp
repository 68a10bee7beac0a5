//===- PlanMemory.cpp - the mx-plan-memory pass ---------------------------===//
//
// Policy only: the options choose the planner's callbacks (MXNet's
// defaults, or none at all with `disable`), planMemory
// (PlanMemoryPlanner.cpp) computes the plan, and the pass writes it as
// attributes and, with `stats`, reports it.
//
//===----------------------------------------------------------------------===//
#include "passes/PlanMemory.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/Debug.h"
#include "llvm/Support/FormatVariadic.h"

#define DEBUG_TYPE "mx-plan-memory"

namespace mlir::mx {
#define GEN_PASS_DEF_MXPLANMEMORY
#include "passes/Passes.h.inc"
} // namespace mlir::mx

using namespace mlir;
using namespace mlir::mx;

namespace {
struct PlanMemoryPass : mx::impl::MxPlanMemoryBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    PlanPolicy policy = disable ? unplannedPolicy(int64_t(alignment))
                                : defaultPlanPolicy(matchRange, int64_t(alignment));
    if (!inplace)
      policy.allowInplace = nullptr;
    if (placement == "pool") {
      policy.placement = Placement::Pool;
    } else if (placement != "arena") {
      func.emitError() << "mx-plan-memory: placement must be 'arena' or 'pool', got '" << placement
                       << "'";
      return signalPassFailure();
    }
    FailureOr<MemoryPlan> plan = planMemory(func, policy);
    if (failed(plan))
      return signalPassFailure();
    annotatePlan(func, *plan);
    auto mb = [](int64_t bytes) {
      return llvm::formatv("{0:F2}", double(bytes) / (1024.0 * 1024.0)).str();
    };
    LLVM_DEBUG(llvm::dbgs() << "mx-plan-memory @" << func.getName() << ": planned "
                            << plan->plannedBytes << " bytes in " << plan->buffers.size()
                            << " buffers, unplanned " << plan->unplannedBytes << ", peak "
                            << plan->peakBytes << "\n");
    if (stats)
      emitRemark(func.getLoc()) << "mx-plan-memory @" << func.getName() << ": planned "
                                << plan->plannedBytes << " bytes (" << mb(plan->plannedBytes)
                                << " MB) in " << plan->buffers.size() << " buffers, "
                                << plan->slotBytes.size() << " slot(s); unplanned "
                                << plan->unplannedBytes << " bytes (" << mb(plan->unplannedBytes)
                                << " MB); peak live " << plan->peakBytes << " bytes ("
                                << mb(plan->peakBytes) << " MB); " << plan->numInplace
                                << " in place, " << plan->numReused << " reused";
  }
};
} // namespace
