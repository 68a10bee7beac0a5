//===- Vectorize.cpp - the mxc-cpu-vectorize pass -------------------------===//
//
// The generated GEMM path: the transform-dialect recipe that matched
// single-thread OpenBLAS on this CPU (RECIPE.md section 4), applied to the
// matrix products of bufferized kernels only. Tiles are vectorized with
// masks, so partial tiles (a batch of 1 against a tile of 8) stay vector
// code. The script is text so `--mlir-print-ir-after` shows what ran.
//
//===----------------------------------------------------------------------===//
#include "codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/FormatVariadic.h"

namespace mxc::codegen {
#define GEN_PASS_DEF_MXCCPUVECTORIZE
#include "codegen/Passes.h.inc"
} // namespace mxc::codegen

using namespace mlir;

namespace {

/// {0}, {1}, {2}: the M, N, K tile sizes.
constexpr const char *kScript = R"mlir(
module attributes {{transform.with_named_sequence} {{
  transform.named_sequence @__transform_main(%root: !transform.any_op {{transform.readonly}) {{
    %mm = transform.structured.match ops{{["linalg.matmul", "linalg.matmul_transpose_a",
                                           "linalg.matmul_transpose_b"]} in %root
        : (!transform.any_op) -> !transform.any_op
    %t, %l0, %l1, %l2 = transform.structured.tile_using_for %mm tile_sizes [{0}, {1}, {2}]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.structured.vectorize %t vector_sizes [{0}, {1}, {2}] : !transform.any_op
    %f = transform.structured.match ops{{["func.func"]} in %root
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %f {{
      transform.apply_patterns.vector.reduction_to_contract
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.scf.for_loop_canonicalization
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    %fh = transform.structured.hoist_redundant_vector_transfers %f
        : (!transform.any_op) -> !transform.any_op
    transform.apply_patterns to %fh {{
      transform.apply_patterns.vector.lower_masked_transfers
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "innerparallel"
      transform.apply_patterns.vector.split_transfer_full_partial split_transfer_strategy = "vector-transfer"
      transform.apply_patterns.vector.transfer_to_scf max_transfer_rank = 1 full_unroll = true
      transform.apply_patterns.vector.lower_transfer max_transfer_rank = 1
      transform.apply_patterns.vector.lower_masks
      transform.apply_patterns.vector.lower_shape_cast
      transform.apply_patterns.vector.lower_transpose lowering_strategy = "shuffle_1d"
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.yield
  }
}
)mlir";

struct VectorizePass : mxc::codegen::impl::MxcCpuVectorizeBase<VectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool any = false;
    module.walk([&](Operation *op) {
      StringRef n = op->getName().getStringRef();
      any |= n == "linalg.matmul" || n == "linalg.matmul_transpose_a" ||
             n == "linalg.matmul_transpose_b";
    });
    if (!any)
      return;
    if (tileM <= 0 || tileN <= 0 || tileK <= 0) {
      getOperation().emitError("mxc-cpu-vectorize: tile sizes must be positive");
      return signalPassFailure();
    }
    std::string text = llvm::formatv(kScript, tileM, tileN, tileK).str();
    ParserConfig config(&getContext());
    OwningOpRef<ModuleOp> script = parseSourceString<ModuleOp>(text, config, "mxc-cpu-vectorize");
    if (!script)
      return signalPassFailure();
    Operation *entry = transform::detail::findTransformEntryPoint(module, *script);
    if (!entry || failed(transform::applyTransformNamedSequence(module, entry, *script,
                                                                transform::TransformOptions())))
      return signalPassFailure();
  }
};

} // namespace
