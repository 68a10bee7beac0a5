// gpu_gemm.cc - dot, batch_dot and FullyConnected on cuBLAS.
//
// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T, so every
// call swaps the operands. One cuBLAS handle per thread and device (the
// engine's GPU workers), bound to the op's stream before each call.
// float16/bfloat16 use cublasGemmEx with float32 accumulation.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cuda/gpu_kernels.h"

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <map>

namespace mxrt::kernels::gpu {
namespace {

void check(cublasStatus_t st, const char *what) {
  MXRT_CHECK(st == CUBLAS_STATUS_SUCCESS, "cuBLAS ", what, " failed with status ", int(st));
}

cublasHandle_t handleFor(Stream s) {
  thread_local std::map<int, cublasHandle_t> handles;
  int dev = 0;
  MXRT_CHECK(cudaGetDevice(&dev) == cudaSuccess, "cudaGetDevice failed");
  cublasHandle_t &h = handles[dev];
  if (!h)
    check(cublasCreate(&h), "cublasCreate");
  check(cublasSetStream(h, static_cast<cudaStream_t>(s)), "cublasSetStream");
  return h;
}

cudaDataType_t cudaType(DType t, const char *op) {
  switch (t) {
  case DType::Float32:
    return CUDA_R_32F;
  case DType::Float64:
    return CUDA_R_64F;
  case DType::Float16:
    return CUDA_R_16F;
  case DType::BFloat16:
    return CUDA_R_16BF;
  default:
    failUnsupportedDType(t, op);
  }
}

/// batch products C_i (M x N) = op(A_i) op(B_i), row-major, strided.
void gemmBatched(DType t, bool ta, bool tb, int64_t M, int64_t N, int64_t K, const void *A,
                 const void *B, void *C, int64_t batch, Stream s, const char *op) {
  for (int64_t v : {M, N, K, batch})
    MXRT_CHECK(v <= INT32_MAX, "operator ", op, ": extent ", v, " exceeds cuBLAS's 32-bit range");
  cublasHandle_t h = handleFor(s);
  const int lda = int(ta ? M : K), ldb = int(tb ? K : N), ldc = int(N);
  const cublasOperation_t opA = ta ? CUBLAS_OP_T : CUBLAS_OP_N,
                          opB = tb ? CUBLAS_OP_T : CUBLAS_OP_N;
  const long long sa = M * K, sb = K * N, sc = M * N;
  if (t == DType::Float64) {
    const double one = 1, zero = 0;
    check(cublasDgemmStridedBatched(h, opB, opA, int(N), int(M), int(K), &one,
                                    static_cast<const double *>(B), ldb, sb,
                                    static_cast<const double *>(A), lda, sa, &zero,
                                    static_cast<double *>(C), ldc, sc, int(batch)),
          "Dgemm");
    return;
  }
  const float one = 1, zero = 0;
  const cudaDataType_t ct = cudaType(t, op);
  check(cublasGemmStridedBatchedEx(h, opB, opA, int(N), int(M), int(K), &one, B, ct, ldb, sb, A, ct,
                                   lda, sa, &zero, C, ct, ldc, sc, int(batch), CUBLAS_COMPUTE_32F,
                                   CUBLAS_GEMM_DEFAULT),
        "GemmEx");
}

} // namespace

void dot(const TBlob &lhs, const TBlob &rhs, bool ta, bool tb, const TBlob &out, Stream s) {
  cpu::checkDType(rhs, lhs.dtype, "dot", "rhs");
  cpu::checkDType(out, lhs.dtype, "dot", "out");
  cpu::DotDims d = cpu::dotDims(lhs.shape, rhs.shape, ta, tb);
  MXRT_CHECK(out.numel() == d.M * d.N, "operator dot: output has ", out.numel(),
             " elements, expected ", d.M * d.N);
  if (out.numel() == 0)
    return;
  if (d.K == 0)
    return fill(out, 0, s);
  gemmBatched(lhs.dtype, ta, tb, d.M, d.N, d.K, lhs.dptr, rhs.dptr, out.dptr, 1, s, "dot");
}

void batchDot(const TBlob &lhs, const TBlob &rhs, bool ta, bool tb, const TBlob &out, Stream s) {
  const TShape &l = lhs.shape, &r = rhs.shape;
  const int n = l.ndim();
  MXRT_CHECK(n >= 3 && r.ndim() == n, "operator batch_dot: lhs ", l.str(), " and rhs ", r.str(),
             " must have the same rank >= 3");
  cpu::checkDType(rhs, lhs.dtype, "batch_dot", "rhs");
  const int64_t batch = l.prod(0, n - 2);
  const int64_t M = ta ? l[n - 1] : l[n - 2], K = ta ? l[n - 2] : l[n - 1];
  const int64_t N = tb ? r[n - 2] : r[n - 1], K2 = tb ? r[n - 1] : r[n - 2];
  MXRT_CHECK(K == K2 && r.prod(0, n - 2) == batch, "operator batch_dot: shape inconsistent: lhs ",
             l.str(), " and rhs ", r.str());
  MXRT_CHECK(out.numel() == batch * M * N, "operator batch_dot: output has ", out.numel(),
             " elements, expected ", batch * M * N);
  if (out.numel() == 0)
    return;
  if (K == 0)
    return fill(out, 0, s);
  gemmBatched(lhs.dtype, ta, tb, M, N, K, lhs.dptr, rhs.dptr, out.dptr, batch, s, "batch_dot");
}

void fullyConnected(const TBlob &data, const TBlob &weight, const TBlob *bias, bool flatten,
                    const TBlob &out, Stream s) {
  const auto [N, K, H] = cpu::fcDims(data, weight, bias, flatten, out);
  if (out.numel() == 0)
    return;
  if (K == 0)
    fill(out, 0, s);
  else
    gemmBatched(data.dtype, false, true, N, H, K, data.dptr, weight.dptr, out.dptr, 1, s,
                "FullyConnected");
  if (bias) {
    TBlob o2 = out, b2 = *bias;
    o2.shape = TShape{N, H};
    b2.shape = TShape{1, H};
    binary(BinaryOp::Add, o2, b2, o2, s);
  }
}

} // namespace mxrt::kernels::gpu
