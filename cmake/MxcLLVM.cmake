# The build-time LLVM pieces every configuration needs: llvm-tblgen and the
# MLIR .td headers, to generate the shared op table from the dialect's ODS.
# Nothing here is linked: libmxrt stays free of MLIR and LLVM.
set(MXC_LLVM_ROOT "/usr/lib/llvm-19" CACHE PATH "LLVM/MLIR 19 install prefix")
find_program(MXC_LLVM_TBLGEN NAMES llvm-tblgen llvm-tblgen-19 HINTS ${MXC_LLVM_ROOT}/bin REQUIRED)
find_path(MXC_MLIR_TD_DIR mlir/IR/OpBase.td HINTS ${MXC_LLVM_ROOT}/include REQUIRED)
