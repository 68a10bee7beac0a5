//===- Passes.td - code generation passes ----------------------*- tablegen -*-===//
//
// The passes between the mx graph and the target's code. Each has its own
// .cpp under codegen/ (codegen/cpu/ for CPU-only ones) and a lit test
// under test/lit/codegen/; compiler/Pipeline.cpp orders them.
//
//===----------------------------------------------------------------------===//

#ifndef MXC_CODEGEN_PASSES_TD
#define MXC_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def MxEntryPoints : Pass<"mx-entry-points", "::mlir::ModuleOp"> {
  let summary = "Make the module's entry points from its graph function";
  let description = [{
    Renames the graph function (`@main`, or the module's only function) to
    `@forward_infer` and, with `train`, adds `@forward_train`: a copy whose
    ops that behave differently while training (BatchNorm without
    use_global_stats, Dropout, LeakyReLU rrelu) carry `mx.train`. Ops the
    gradient pass marked `mx.phase = "backward"` stay in `@forward_train`;
    outlining puts them in the backward entry.

    Before: `func.func @main(...)` with an `mx.BatchNorm`.
    After (train=true): `@forward_infer` unchanged, `@forward_train` with
    `"mx.BatchNorm"(...) {..., mx.train}`.
  }];
  let options = [
    Option<"train", "train", "bool", /*default=*/"false",
           "Also make the training entry point (forward_train)">,
  ];
}

def MxOutlineKernels : Pass<"mx-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "One kernel function per op, and the module's manifest";
  let description = [{
    Turns every entry function (`@forward_infer`, `@forward_train`) into
    kernels and a manifest. Each mx op becomes a `func.func` marked
    `mx.kernel` that takes memrefs, the values it reads then the values it
    writes, holding `bufferization.to_tensor` of its inputs, the op, and
    `bufferization.materialize_in_destination` of its results; identical
    ops (same op, attributes, types and mode) share one kernel. Ops that
    mutate inputs get a write argument per mutated input (`mx.mutates`);
    ops drawing random numbers while training get the random state
    (`mx.rng`). An op no lowering handles but with a CPU kernel in the
    runtime gets a kernel calling libmxrt's `mxrt_kernel_fallback` with a
    constant descriptor of the op (`fallback` in its `mx.kernel`, flag 2 =
    MXC_KERNEL_FALLBACK in the manifest; codegen/Fallback.h); `report`
    names each such op in a remark. The entry functions are replaced by the `mx.manifest`
    module attribute: values (arguments, auxiliary states, outputs,
    gradients, intermediates with their arena buffer and offset), buffers,
    and per entry the kernels in order with their arguments and
    dependencies. Intermediates take the buffers memory planning assigned
    (`mx.buffer` on ops, `mx.plan` on the function, see docs/codegen.md);
    without a plan each gets a buffer of its own.

    Errors name the node: a dynamic shape, an unknown element type, an op
    no lowering handles (with why, when a lowering declined).
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"report", "report", "bool", /*default=*/"false",
           "Report each op that runs the runtime's CPU kernel (no lowering), as remarks">,
  ];
}

def MxConvertToLinalg : Pass<"convert-mx-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower mx ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites every mx op of a function with static tensor types into
    linalg, tensor, arith, math and scf ops (codegen/Lower*.cpp: one
    template per family). Matrix products become linalg.matmul and its
    transposed forms; the target decides later whether they are library
    calls. When a lowering declines a configuration (Pooling `lp`, an
    unsigned dtype, ...) in the kernel of a single op that has a runtime
    CPU kernel, that kernel calls the runtime's kernel instead (as
    mx-outline-kernels does for ops without a lowering). Any other op left
    is an error naming the op and the node, and the lowering's reason when
    one declined.

    Before:
    ```mlir
    %0 = "mx.relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
    ```
    After: a `linalg.generic` whose body is `arith.cmpf ogt` + `arith.select`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect"];
}

def MxcUnshareEmptyTensors : Pass<"mxc-unshare-empty-tensors", "::mlir::func::FuncOp"> {
  let summary = "Give every use of a tensor.empty its own tensor.empty";
  let description = [{
    CSE merges identical `tensor.empty` ops, and empty-tensor elimination
    then replaces an empty that several ops initialise from by the buffer
    one of them is materialized into: the other ops would write that
    buffer too (a kernel's moving mean clobbered by its batch mean). Run
    before `eliminate-empty-tensors`: each use gets a fresh empty, so only
    the op that feeds a destination is placed in it.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def MxcMathApprox : Pass<"mxc-math-approx"> {
  let summary = "Expand math ops into polynomial approximations and arith";
  let description = [{
    MLIR 19 has no public pass for this: math.tanh has no LLVM lowering and
    math.exp would become a libm call. Runs the algebraic simplifications,
    the expansions (tan, sinh, cosh, asinh, acosh, atanh, exp2) and the
    f32 polynomial approximations (exp, log, tanh, erf, sin, cos, ...);
    what remains becomes LLVM intrinsics or libm calls.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def MxcCpuLibraryCalls : Pass<"mxc-cpu-library-calls", "::mlir::ModuleOp"> {
  let summary = "Matrix products on memrefs -> libmxrt's GEMM";
  let description = [{
    Replaces linalg.matmul, linalg.matmul_transpose_a/b and the batched
    forms, on memrefs whose rows are contiguous, by calls to
    `mxrt_kernel_sgemm` / `mxrt_kernel_dgemm` (runtime/module/kernel_abi.cc):
    OpenBLAS split over the engine's CPU workers. Others stay for the
    generated path. The convolution generics the lowerings mark with
    library_call "mxrt_kernel_conv2d" / "mxrt_kernel_deconv2d" (on dense
    memrefs) become calls to those routines.

    Before: `linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x4xf32>) outs(%c : ...)`.
    After: `func.call @mxrt_kernel_sgemm(%ta, %tb, %m, %n, %k, %pa, %lda, ...)`.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect", "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
}

def MxcCpuVectorize : Pass<"mxc-cpu-vectorize", "::mlir::ModuleOp"> {
  let summary = "Tile and vectorize matrix products (the generated GEMM path)";
  let description = [{
    Applies a transform-dialect script to the bufferized kernels: every
    linalg.matmul (and transposed form) is tiled by (`tile-m`, `tile-n`,
    `tile-k`),
    vectorized with masks for partial tiles, its accumulator hoisted out
    of the K loop, and the contraction lowered to outer products, as the
    recipe that matched single-thread OpenBLAS on this CPU
    (shared/examples/mlir19-aot/RECIPE.md, section 4). Other ops stay for
    linalg-to-loops and LLVM's vectorizers.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"8", "Rows of C per tile">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"32", "Columns of C per tile (two vectors)">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"8", "Reduction steps per tile">,
  ];
  let dependentDialects = ["::mlir::transform::TransformDialect", "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect", "::mlir::affine::AffineDialect"];
}

#endif // MXC_CODEGEN_PASSES_TD
