//===- MxLinalgOps.td - matrix products and linear algebra --*- tablegen -*-===//
//
// dot and batch_dot, the Khatri-Rao product, and the linalg_* family, which
// works on the last two axes of its inputs (or `axis` and the last for
// gemm) and batches over the rest.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LINALG_OPS_TD
#define MX_LINALG_OPS_TD

include "MxBase.td"

defvar MxStorageTypes = ["csr", "default", "row_sparse"];

def Mx_DotOp : Mx_Op<"dot", [Pure]> {
  let summary = "Dot product: contracts lhs's last axis with rhs's first";
  let description = [{
    For N-D inputs the output is lhs.shape[:-1] + rhs.shape[1:];
    `transpose_a` / `transpose_b` reverse the input's axes first (for 2-D,
    the matrix transpose). 1-D inputs give a (1,) scalar result.

    Example: dot(lhs (2, 3), rhs (3, 4)) -> (2, 4);
    dot(lhs (3, 2), rhs (3, 4), transpose_a=True) -> (2, 4).
  }];
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs, MxBool<"False">:$transpose_a,
                   MxBool<"False">:$transpose_b, MxOptEnum<MxStorageTypes>:$forward_stype);
  let results = (outs AnyTensor:$output);
}

def Mx_BatchDotOp : Mx_Op<"batch_dot", [Pure]> {
  let summary = "Batched matrix product over the last two axes";
  let description = [{
    lhs (B..., M, K) and rhs (B..., K, N) give (B..., M, N); the transpose
    flags swap the last two axes of an input first.

    Example: batch_dot(lhs (8, 2, 3), rhs (8, 3, 4)) -> (8, 2, 4).
  }];
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs, MxBool<"False">:$transpose_a,
                   MxBool<"False">:$transpose_b, MxOptEnum<MxStorageTypes>:$forward_stype);
  let results = (outs AnyTensor:$output);
}

def Mx_KhatriRaoOp : Mx_Op<"khatri_rao", [Pure]> {
  let summary = "Column-wise Kronecker product of matrices with equal column counts";
  let description = [{
    Inputs (r_i, c) give (prod r_i, c).

    Example: khatri_rao(a (2, 3), b (4, 3)) -> (8, 3).
  }];
  let arguments = (ins Variadic<AnyTensor>:$args, MxIntReq:$num_args);
  let results = (outs AnyTensor:$output);
  let mxNumArgsAttr = "num_args";
}

// One-matrix linalg ops: A (..., m, n) -> a result per matrix.
class Mx_LinalgOp<string name, string summ, string example, list<Trait> traits = [Pure]>
    : Mx_Op<name, traits> {
  let summary = summ;
  let description = "Works on the last two axes and batches over the leading ones.\n\n"
    # "Example: " # example;
  let mxAliases = [!subst("_linalg_", "linalg_", name)];
}

def Mx_LinalgGemmOp : Mx_LinalgOp<"_linalg_gemm", "alpha * op(A) op(B) + beta * C",
    "_linalg_gemm(A (2, 3), B (3, 4), C (2, 4)) -> (2, 4); `axis` names the row axis "
    # "(default -2) when it is not the second-last."> {
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, AnyTensor:$C,
                   MxBool<"False">:$transpose_a, MxBool<"False">:$transpose_b,
                   MxFloat<"1">:$alpha, MxFloat<"1">:$beta, MxInt<"-2">:$axis);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgGemm2Op : Mx_LinalgOp<"_linalg_gemm2", "alpha * op(A) op(B)",
    "_linalg_gemm2(A (5, 2, 3), B (5, 3, 4)) -> (5, 2, 4).">  {
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, MxBool<"False">:$transpose_a,
                   MxBool<"False">:$transpose_b, MxFloat<"1">:$alpha, MxInt<"-2">:$axis);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgPotrfOp : Mx_LinalgOp<"_linalg_potrf",
    "Cholesky factor of a symmetric positive-definite A: A = L L^T (or U^T U)",
    "_linalg_potrf([[4, 2], [2, 2]]) = [[2, 0], [1, 1]]; `lower`=False gives U.">  {
  let arguments = (ins AnyTensor:$A, MxBool<"True">:$lower);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgPotriOp : Mx_LinalgOp<"_linalg_potri",
    "Inverse of A = L L^T (or U^T U) from its Cholesky factor",
    "_linalg_potri([[2, 0], [1, 1]]) = [[0.5, -0.5], [-0.5, 1]].">  {
  let arguments = (ins AnyTensor:$A, MxBool<"True">:$lower);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgTrmmOp : Mx_LinalgOp<"_linalg_trmm",
    "alpha * op(A) B (or B op(A) with rightside), A triangular",
    "_linalg_trmm(A (3, 3), B (3, 4)) -> (3, 4).">  {
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, MxBool<"False">:$transpose,
                   MxBool<"False">:$rightside, MxBool<"True">:$lower, MxFloat<"1">:$alpha);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgTrsmOp : Mx_LinalgOp<"_linalg_trsm",
    "Solves op(A) X = alpha * B (or X op(A) = alpha * B), A triangular",
    "_linalg_trsm(A (3, 3), B (3, 4)) -> (3, 4).">  {
  let arguments = (ins AnyTensor:$A, AnyTensor:$B, MxBool<"False">:$transpose,
                   MxBool<"False">:$rightside, MxBool<"True">:$lower, MxFloat<"1">:$alpha);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgSumlogdiagOp : Mx_LinalgOp<"_linalg_sumlogdiag",
    "Sum of the logarithms of the diagonal of square matrices",
    "_linalg_sumlogdiag([[1, 0], [0, 2.7183]]) = 1; A (5, 3, 3) -> (5,).">  {
  let arguments = (ins AnyTensor:$A);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgSyrkOp : Mx_LinalgOp<"_linalg_syrk", "alpha * A A^T (or A^T A with transpose)",
    "_linalg_syrk(A (2, 3)) -> (2, 2); with transpose=True -> (3, 3).">  {
  let arguments = (ins AnyTensor:$A, MxBool<"False">:$transpose, MxFloat<"1">:$alpha);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgGelqfOp : Mx_LinalgOp<"_linalg_gelqf", "LQ factorization A = L Q (m <= n)",
    "_linalg_gelqf(A (2, 3)) -> Q (2, 3), L (2, 2).">  {
  let arguments = (ins AnyTensor:$A);
  let results = (outs AnyTensor:$Q, AnyTensor:$L);
}

def Mx_LinalgInverseOp : Mx_LinalgOp<"_linalg_inverse", "Inverse of square matrices",
    "_linalg_inverse([[2, 0], [0, 4]]) = [[0.5, 0], [0, 0.25]].">  {
  let arguments = (ins AnyTensor:$A);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgDetOp : Mx_LinalgOp<"_linalg_det", "Determinant of square matrices",
    "_linalg_det([[1, 2], [3, 4]]) = -2; A (5, 3, 3) -> (5,). The LU factors and "
    # "pivots are hidden outputs.">  {
  let arguments = (ins AnyTensor:$A);
  let results = (outs AnyTensor:$output, AnyTensor:$LU, AnyTensor:$pivot);
  let mxVisibleOutputs = "1";
}

def Mx_LinalgSlogdetOp : Mx_LinalgOp<"_linalg_slogdet",
    "Sign and log of the absolute determinant of square matrices",
    "_linalg_slogdet([[1, 2], [3, 4]]) = (-1, 0.6931). The LU factors and pivots are "
    # "hidden outputs.">  {
  let arguments = (ins AnyTensor:$A);
  let results = (outs AnyTensor:$sign, AnyTensor:$logabsdet, AnyTensor:$LU, AnyTensor:$pivot);
  let mxVisibleOutputs = "2";
}

def Mx_LinalgExtractdiagOp : Mx_LinalgOp<"_linalg_extractdiag",
    "Extracts diagonal `offset` of square matrices",
    "_linalg_extractdiag([[1, 2], [3, 4]]) = [1, 4]; offset=1 -> [2].">  {
  let arguments = (ins AnyTensor:$A, MxInt<"0">:$offset);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgMakediagOp : Mx_LinalgOp<"_linalg_makediag",
    "Builds square matrices with the input on diagonal `offset`",
    "_linalg_makediag([1, 2]) = [[1, 0], [0, 2]]; offset=1 gives a 3x3 matrix.">  {
  let arguments = (ins AnyTensor:$A, MxInt<"0">:$offset);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgExtracttrianOp : Mx_LinalgOp<"_linalg_extracttrian",
    "Extracts the lower (or upper) triangle of square matrices as a vector",
    "_linalg_extracttrian([[1, 2], [3, 4]]) = [1, 3, 4].">  {
  let arguments = (ins AnyTensor:$A, MxInt<"0">:$offset, MxBool<"True">:$lower);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgMaketrianOp : Mx_LinalgOp<"_linalg_maketrian",
    "Builds triangular matrices from packed triangles",
    "_linalg_maketrian([1, 3, 4]) = [[1, 0], [3, 4]].">  {
  let arguments = (ins AnyTensor:$A, MxInt<"0">:$offset, MxBool<"True">:$lower);
  let results = (outs AnyTensor:$output);
}

def Mx_LinalgSyevdOp : Mx_LinalgOp<"_linalg_syevd",
    "Eigendecomposition of symmetric matrices A = U^T diag(L) U",
    "_linalg_syevd(A (3, 3)) -> U (3, 3), L (3,).">  {
  let arguments = (ins AnyTensor:$A);
  let results = (outs AnyTensor:$U, AnyTensor:$L);
  let mxAliases = [];
}

#endif // MX_LINALG_OPS_TD
