// gemm.cc - matrix products: gemm, dot, batch_dot, FullyConnected,
// _linalg_gemm/_linalg_gemm2 and khatri_rao.
//
// float32/float64 go to the BLAS chosen in cmake/MxcBlas.cmake (OpenBLAS,
// see bench/gemm.cc for the measurement). OpenBLAS runs single-threaded per
// call and we split C over parallelFor ourselves: the engine's workers are
// the only threads, so a GEMM inside a busy engine never oversubscribes the
// cores, and on an idle engine the split reaches the same GFLOP/s as
// OpenBLAS's own threads (bench/README.md). C is cut along its longer side
// into one panel per worker, so each call still packs large panels.
// float16/bfloat16 convert to float32 around the sgemm; integer dtypes use a
// plain (vectorized) loop nest.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cpu/kernels.h"

#include <cblas.h>

#include <climits>
#include <vector>

extern "C" void openblas_set_num_threads(int);

namespace mxrt::kernels::cpu {
namespace {

/// OpenBLAS must not start its own threads (we split the work ourselves).
const KernelRegistrar singleThreadedBlas([] { openblas_set_num_threads(1); });

/// Below this many flops a GEMM runs on one thread.
constexpr double kParallelFlops = 2.0 * 128 * 128 * 128;

int blasInt(int64_t v, const char *what) {
  MXRT_CHECK(v >= 0 && v <= INT_MAX, "gemm: ", what, "=", v, " exceeds the BLAS 32-bit range");
  return int(v);
}

void blas(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
          int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M),
              int(N), int(K), alpha, A, int(lda), B, int(ldb), beta, C, int(ldc));
}
void blas(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double *A,
          int64_t lda, const double *B, int64_t ldb, double beta, double *C, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M),
              int(N), int(K), alpha, A, int(lda), B, int(ldb), beta, C, int(ldc));
}

/// Splits C into one panel per worker (rows when M >= N, else columns).
template <class T>
void gemmT(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T *A, int64_t lda,
           const T *B, int64_t ldb, T beta, T *C, int64_t ldc) {
  if (M == 0 || N == 0)
    return;
  for (auto [v, what] :
       {std::pair{M, "M"}, {N, "N"}, {K, "K"}, {lda, "lda"}, {ldb, "ldb"}, {ldc, "ldc"}})
    blasInt(v, what);
  const int threads = serialForced() ? 1 : cpuThreads();
  if (threads == 1 || 2.0 * double(M) * double(N) * double(K) < kParallelFlops) {
    blas(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  const bool byRows = M >= N;
  const int64_t extent = byRows ? M : N;
  // Panels of a multiple of 16 (the kernels' register blocking).
  int64_t panel = (extent + threads - 1) / threads;
  panel = (panel + 15) / 16 * 16;
  const int64_t parts = (extent + panel - 1) / panel;
  parallelFor(parts, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t p = lo; p < hi; ++p) {
      const int64_t b = p * panel, e = std::min(extent, b + panel);
      if (byRows) {
        const T *a = ta ? A + b : A + b * lda;
        blas(ta, tb, e - b, N, K, alpha, a, lda, B, ldb, beta, C + b * ldc, ldc);
      } else {
        const T *bb = tb ? B + b * ldb : B + b;
        blas(ta, tb, M, e - b, K, alpha, A, lda, bb, ldb, beta, C + b, ldc);
      }
    }
  });
}

/// Integer GEMM: C = op(A) op(B), i-k-j order so the inner loop vectorizes.
template <class T>
void gemmInt(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const T *A, const T *B, T *C) {
  parallel(M, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, N * K)),
           [&](int64_t lo, int64_t hi) {
             for (int64_t i = lo; i < hi; ++i) {
               T *c = C + i * N;
               for (int64_t j = 0; j < N; ++j)
                 c[j] = T(0);
               for (int64_t k = 0; k < K; ++k) {
                 T a = ta ? A[k * M + i] : A[i * K + k];
                 if (tb)
                   for (int64_t j = 0; j < N; ++j)
                     c[j] = T(c[j] + a * B[j * K + k]);
                 else
                   for (int64_t j = 0; j < N; ++j)
                     c[j] = T(c[j] + a * B[k * N + j]);
               }
             }
           });
}

/// C (M x N) = op(A) op(B) for one product of any dtype.
void matmul(DType t, bool ta, bool tb, int64_t M, int64_t N, int64_t K, const void *A,
            const void *B, void *C, const char *op) {
  const int64_t lda = ta ? M : K, ldb = tb ? K : N;
  switch (t) {
  case DType::Float32:
    return gemmT<float>(ta, tb, M, N, K, 1, static_cast<const float *>(A), lda,
                        static_cast<const float *>(B), ldb, 0, static_cast<float *>(C), N);
  case DType::Float64:
    return gemmT<double>(ta, tb, M, N, K, 1, static_cast<const double *>(A), lda,
                         static_cast<const double *>(B), ldb, 0, static_cast<double *>(C), N);
  case DType::Float16:
  case DType::BFloat16: {
    // Through float32: exact products, one rounding at the end.
    std::vector<float> a(size_t(M * K)), b(size_t(K * N)), c(size_t(M * N));
    auto blob = [](const void *p, int64_t n, DType dt) {
      return TBlob{const_cast<void *>(p), TShape{n}, dt, Context::cpu()};
    };
    cast(blob(A, M * K, t), blob(a.data(), M * K, DType::Float32));
    cast(blob(B, K * N, t), blob(b.data(), K * N, DType::Float32));
    gemmT<float>(ta, tb, M, N, K, 1, a.data(), lda, b.data(), ldb, 0, c.data(), N);
    cast(blob(c.data(), M * N, DType::Float32), blob(C, M * N, t));
    return;
  }
  case DType::Int32:
    return gemmInt(ta, tb, M, N, K, static_cast<const int32_t *>(A),
                   static_cast<const int32_t *>(B), static_cast<int32_t *>(C));
  case DType::Int64:
    return gemmInt(ta, tb, M, N, K, static_cast<const int64_t *>(A),
                   static_cast<const int64_t *>(B), static_cast<int64_t *>(C));
  case DType::Int8:
    return gemmInt(ta, tb, M, N, K, static_cast<const int8_t *>(A), static_cast<const int8_t *>(B),
                   static_cast<int8_t *>(C));
  case DType::UInt8:
    return gemmInt(ta, tb, M, N, K, static_cast<const uint8_t *>(A),
                   static_cast<const uint8_t *>(B), static_cast<uint8_t *>(C));
  default:
    failUnsupportedDType(t, op);
  }
}

} // namespace

void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
          int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
  gemmT(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha, const double *A,
          int64_t lda, const double *B, int64_t ldb, double beta, double *C, int64_t ldc) {
  gemmT(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

DotDims dotDims(const TShape &l, const TShape &r, bool ta, bool tb) {
  MXRT_CHECK(l.ndim() >= 1 && r.ndim() >= 1, "operator dot: lhs ", l.str(), " and rhs ", r.str(),
             " must have rank >= 1");
  const int ln = l.ndim(), rn = r.ndim();
  DotDims d;
  // lhs as a matrix: (rows, last) or, transposed, (first, rest).
  d.M = ta ? l.prod(1, ln) : l.prod(0, ln - 1);
  int64_t kl = ta ? l[0] : l[ln - 1];
  // rhs: (first, rest) or, transposed, (rows, last).
  d.N = tb ? r.prod(0, rn - 1) : r.prod(1, rn);
  int64_t kr = tb ? r[rn - 1] : r[0];
  MXRT_CHECK(kl == kr, "operator dot: shape inconsistent: lhs ", l.str(), " and rhs ", r.str(),
             " (transpose_a=", ta, ", transpose_b=", tb, ") have inner extents ", kl, " and ", kr);
  d.K = kl;
  return d;
}

void dot(const TBlob &lhs, const TBlob &rhs, bool ta, bool tb, const TBlob &out) {
  checkDType(rhs, lhs.dtype, "dot", "rhs");
  checkDType(out, lhs.dtype, "dot", "out");
  DotDims d = dotDims(lhs.shape, rhs.shape, ta, tb);
  MXRT_CHECK(out.numel() == d.M * d.N, "operator dot: output has ", out.numel(),
             " elements, expected ", d.M * d.N);
  if (out.numel() == 0)
    return;
  if (d.K == 0) {
    fill(out, 0);
    return;
  }
  matmul(lhs.dtype, ta, tb, d.M, d.N, d.K, lhs.dptr, rhs.dptr, out.dptr, "dot");
}

void batchDot(const TBlob &lhs, const TBlob &rhs, bool ta, bool tb, const TBlob &out) {
  checkDType(rhs, lhs.dtype, "batch_dot", "rhs");
  checkDType(out, lhs.dtype, "batch_dot", "out");
  const TShape &l = lhs.shape, &r = rhs.shape;
  const int n = l.ndim();
  MXRT_CHECK(n >= 3 && r.ndim() == n, "operator batch_dot: lhs ", l.str(), " and rhs ", r.str(),
             " must have the same rank >= 3");
  for (int i = 0; i < n - 2; ++i)
    MXRT_CHECK(l[i] == r[i], "operator batch_dot: batch shapes differ: lhs ", l.str(), ", rhs ",
               r.str());
  const int64_t batch = l.prod(0, n - 2);
  const int64_t M = ta ? l[n - 1] : l[n - 2], K = ta ? l[n - 2] : l[n - 1];
  const int64_t N = tb ? r[n - 2] : r[n - 1], K2 = tb ? r[n - 1] : r[n - 2];
  MXRT_CHECK(K == K2, "operator batch_dot: shape inconsistent: lhs ", l.str(), " and rhs ", r.str(),
             " (transpose_a=", ta, ", transpose_b=", tb, ") have inner extents ", K, " and ", K2);
  MXRT_CHECK(out.numel() == batch * M * N, "operator batch_dot: output has ", out.numel(),
             " elements, expected ", batch * M * N);
  if (out.numel() == 0)
    return;
  if (K == 0) {
    fill(out, 0);
    return;
  }
  const size_t es = dtypeSize(lhs.dtype);
  auto one = [&](int64_t b) {
    matmul(lhs.dtype, ta, tb, M, N, K, static_cast<const char *>(lhs.dptr) + b * M * K * es,
           static_cast<const char *>(rhs.dptr) + b * K * N * es,
           static_cast<char *>(out.dptr) + b * M * N * es, "batch_dot");
  };
  // Many small products: one per task. Few large ones: each one split.
  if (batch >= cpuThreads() && 2.0 * double(M) * double(N) * double(K) < 8 * kParallelFlops) {
    parallel(batch, 1, [&](int64_t lo, int64_t hi) {
      SerialScope serial;
      for (int64_t b = lo; b < hi; ++b)
        one(b);
    });
  } else {
    for (int64_t b = 0; b < batch; ++b)
      one(b);
  }
}

DotDims fcDims(const TBlob &data, const TBlob &weight, const TBlob *bias, bool flatten,
               const TBlob &out) {
  const char *op = "FullyConnected";
  checkDType(weight, data.dtype, op, "weight");
  checkDType(out, data.dtype, op, "out");
  const TShape &s = data.shape;
  MXRT_CHECK(s.ndim() >= 1 && weight.shape.ndim() == 2, "operator FullyConnected: data ", s.str(),
             " and weight ", weight.shape.str(), " have unsupported ranks");
  const int64_t N = flatten ? s[0] : s.prod(0, s.ndim() - 1);
  const int64_t K = flatten ? s.prod(1, s.ndim()) : s[s.ndim() - 1];
  const int64_t H = weight.shape[0];
  MXRT_CHECK(weight.shape[1] == K, "operator FullyConnected: argument 'weight' has shape ",
             weight.shape.str(), ", expected (", H, ",", K, ")");
  MXRT_CHECK(out.numel() == N * H, "operator FullyConnected: output has ", out.numel(),
             " elements, expected ", N * H);
  if (bias) {
    checkDType(*bias, data.dtype, op, "bias");
    MXRT_CHECK(bias->numel() == H, "operator FullyConnected: argument 'bias' has shape ",
               bias->shape.str(), ", expected (", H, ",)");
  }
  return {N, K, H};
}

void fullyConnected(const TBlob &data, const TBlob &weight, const TBlob *bias, bool flatten,
                    const TBlob &out) {
  const char *op = "FullyConnected";
  const auto [N, K, H] = fcDims(data, weight, bias, flatten, out);
  if (out.numel() == 0)
    return;
  if (K == 0)
    fill(out, 0);
  else
    matmul(data.dtype, false, true, N, H, K, data.dptr, weight.dptr, out.dptr, op);
  if (bias) {
    TBlob o2 = out;
    o2.shape = TShape{N, H};
    TBlob b2 = *bias;
    b2.shape = TShape{1, H};
    binary(BinaryOp::Add, o2, b2, o2);
  }
}

void linalgGemm(const TBlob &A, const TBlob &B, const TBlob *C, bool ta, bool tb, double alpha,
                double beta, int64_t axis, const TBlob &out) {
  const char *op = C ? "_linalg_gemm" : "_linalg_gemm2";
  const int n = A.shape.ndim();
  MXRT_CHECK(n >= 2 && B.shape.ndim() == n && out.shape.ndim() == n, "operator ", op, ": A ",
             A.shape.str(), ", B ", B.shape.str(), " and output ", out.shape.str(),
             " must have one rank >= 2");
  if (C) {
    checkDType(*C, A.dtype, op, "C");
    checkShape(*C, out.shape, op, "C");
  }
  const int ax = normalizeAxis(axis, n, op);
  MXRT_CHECK(ax != n - 1, "operator ", op, ": axis ", axis, " is the column axis");
  if (ax != n - 2) { // rows on another axis: move them next to the columns and back
    std::vector<int64_t> perm, inv(static_cast<size_t>(n));
    for (int d = 0; d < n - 1; ++d)
      if (d != ax)
        perm.push_back(d);
    perm.push_back(ax);
    perm.push_back(n - 1);
    for (int d = 0; d < n; ++d)
      inv[size_t(perm[size_t(d)])] = d;
    auto moved = [&](const TBlob &b, std::vector<std::byte> &buf) {
      std::vector<int64_t> d;
      for (int64_t p : perm)
        d.push_back(b.shape[int(p)]);
      buf.resize(b.nbytes());
      TBlob t{buf.data(), TShape(std::span<const int64_t>(d)), b.dtype, b.ctx};
      transpose(b, perm, t);
      return t;
    };
    std::vector<std::byte> ba, bb, bc, bo;
    const TBlob a2 = moved(A, ba), b2 = moved(B, bb), o2 = moved(out, bo);
    TBlob c2;
    if (C)
      c2 = moved(*C, bc);
    linalgGemm(a2, b2, C ? &c2 : nullptr, ta, tb, alpha, beta, -2, o2);
    transpose(o2, inv, out);
    return;
  }
  MXRT_CHECK(A.dtype == DType::Float32 || A.dtype == DType::Float64, "operator ", op,
             " supports float32 and float64, got ", dtypeName(A.dtype));
  // out = alpha op(A) op(B) (+ beta C): batch_dot's products, then one pass.
  if (n == 2) {
    dot(A, B, ta, tb, out);
  } else {
    batchDot(A, B, ta, tb, out);
  }
  if (alpha == 1 && !C)
    return;
  MXRT_FLOAT_SWITCH(A.dtype, T, op, {
    T *y = out.ptr<T>();
    const T *c = C ? C->ptr<T>() : nullptr;
    const T al = T(alpha), be = T(beta);
    parallel(out.numel(), kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i)
        y[i] = c ? al * y[i] + be * c[i] : al * y[i];
    });
  });
}

void khatriRao(std::span<const TBlob> in, const TBlob &out) {
  const char *op = "khatri_rao";
  MXRT_CHECK(!in.empty(), "operator khatri_rao: needs at least one matrix");
  const int64_t cols = in[0].shape.ndim() == 2 ? in[0].shape[1] : -1;
  int64_t rows = 1;
  for (const TBlob &b : in) {
    MXRT_CHECK(b.shape.ndim() == 2 && b.shape[1] == cols, "operator khatri_rao: inputs must be ",
               "matrices with one column count, got ", b.shape.str(), " beside ",
               in[0].shape.str());
    checkDType(b, in[0].dtype, op, "input");
    rows *= b.shape[0];
  }
  checkDType(out, in[0].dtype, op, "out");
  checkShape(out, TShape{rows, cols}, op, "out");
  // Output row r is the mixed-radix tuple (i_1, ..., i_k) of r, i_1 most
  // significant: the product of row i_j of each input, column by column.
  MXRT_FLOAT_SWITCH(out.dtype, T, op, {
    using A = std::conditional_t<std::is_same_v<T, double>, double, float>;
    T *y = out.ptr<T>();
    parallel(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(1, cols)),
             [&](int64_t lo, int64_t hi) {
               std::vector<A> acc(static_cast<size_t>(cols));
               for (int64_t r = lo; r < hi; ++r) {
                 std::fill(acc.begin(), acc.end(), A(1));
                 int64_t rest = r;
                 for (size_t k = in.size(); k-- > 0;) {
                   const int64_t i = rest % in[k].shape[0];
                   rest /= in[k].shape[0];
                   const T *row = in[k].ptr<T>() + i * cols;
                   for (int64_t j = 0; j < cols; ++j)
                     acc[size_t(j)] *= load<A>(row[j]);
                 }
                 for (int64_t j = 0; j < cols; ++j)
                   y[r * cols + j] = store<T>(acc[size_t(j)]);
               }
             });
  });
}

// ---- op registration -----------------------------------------------------------

namespace {
const KernelRegistrar registrations([] {
  registerKernel(
      "dot", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        dot(in[0], in[1], a.getBool("transpose_a"), a.getBool("transpose_b"), out[0]);
      });
  registerKernel(
      "batch_dot", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        batchDot(in[0], in[1], a.getBool("transpose_a"), a.getBool("transpose_b"), out[0]);
      });
  registerKernel(
      "_linalg_gemm", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        linalgGemm(in[0], in[1], &in[2], a.getBool("transpose_a"), a.getBool("transpose_b"),
                   a.getFloat("alpha"), a.getFloat("beta"), a.getInt("axis"), out[0]);
      });
  registerKernel(
      "_linalg_gemm2", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        linalgGemm(in[0], in[1], nullptr, a.getBool("transpose_a"), a.getBool("transpose_b"),
                   a.getFloat("alpha"), 0, a.getInt("axis"), out[0]);
      });
  registerKernel("khatri_rao", DeviceType::CPU,
                 [](const OpContext &, const Attrs &, std::span<const TBlob> in,
                    std::span<const TBlob> out) { khatriRao(in, out[0]); });
  registerKernel(
      "FullyConnected", DeviceType::CPU,
      [](const OpContext &, const Attrs &a, std::span<const TBlob> in, std::span<const TBlob> out) {
        bool noBias = a.getBool("no_bias");
        fullyConnected(in[0], in[1], noBias ? nullptr : &in[2], a.getBool("flatten"), out[0]);
      });
});
} // namespace
} // namespace mxrt::kernels::cpu
