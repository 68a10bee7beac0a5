# MLIR/LLVM 19 for the compiler half. Link both the MLIR and LLVM shared
# libraries: the imported MLIR target carries no link to LLVM ("DSO missing").
if(NOT MLIR_DIR)
  set(MLIR_DIR ${MXC_LLVM_ROOT}/lib/cmake/mlir)
endif()
find_package(MLIR REQUIRED CONFIG)
list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
separate_arguments(MXC_LLVM_DEFINITIONS NATIVE_COMMAND ${LLVM_DEFINITIONS})
set(MXC_MLIR_INCLUDE_DIRS ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
set(MXC_LLVM_TOOLS_DIR ${LLVM_TOOLS_BINARY_DIR})

# Compiler-side targets use this instead of global include/definition flags,
# so the runtime never sees LLVM's headers.
function(mxc_compiler_target target)
  target_include_directories(${target} SYSTEM PUBLIC ${MXC_MLIR_INCLUDE_DIRS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/dialects ${PROJECT_BINARY_DIR}/dialects
                                              ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
  target_compile_definitions(${target} PUBLIC ${MXC_LLVM_DEFINITIONS})
  if(NOT LLVM_ENABLE_RTTI)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-rtti>)
  endif()
  target_link_libraries(${target} PUBLIC MLIR LLVM)
endfunction()
