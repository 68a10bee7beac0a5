# mxc_blas: the CPU GEMM library of the runtime. bench/gemm decides which one
# is fastest here (OpenBLAS vs oneDNN); the runtime's GEMM calls it through
# one function (runtime/kernels/cpu/gemm.cc).
if(NOT TARGET mxc_blas)
  find_path(MXC_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas openblas-pthread REQUIRED)
  find_library(MXC_OPENBLAS_LIB NAMES openblas REQUIRED)
  add_library(mxc_blas INTERFACE)
  target_include_directories(mxc_blas INTERFACE ${MXC_CBLAS_INCLUDE})
  target_link_libraries(mxc_blas INTERFACE ${MXC_OPENBLAS_LIB})
endif()
