//===- GradientRulesLinalg.cpp - gradients of products and linalg ops -----===//
//
// Matrix calculus with the ops themselves: a product's gradients are
// products with the other factor (dot, batch_dot, _linalg_gemm2 with the
// transpose flags flipped), triangular ops' gradients are triangular ops
// masked back to the triangle, inverse and determinant go through the
// inverse. Batched ops (rank > 2) batch over the leading axes as the
// forward does. Factorizations whose gradients need more (potrf, potri,
// gelqf, syevd) and khatri_rao are not differentiable yet.
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

using namespace mlir;
using namespace mlir::mx;

namespace {

using S = GradBuilder;

/// The matrix transpose of the last two axes.
Value mT(GradBuilder &g, Value v) {
  int64_t r = S::rank(v);
  return g.create("SwapAxis", {v}, {{"dim1", r - 2}, {"dim2", r - 1}});
}

Value gemm2(GradBuilder &g, Value a, Value b, bool ta, bool tb, double alpha = 1) {
  return g.create("_linalg_gemm2", {a, b},
                  {{"transpose_a", ta}, {"transpose_b", tb}, {"alpha", alpha}});
}

/// d op(A) and d op(B) of C = op(A) op(B), as products in `make`'s form;
/// turned into dA, dB by undoing op().
template <class Make>
void productGrads(GradBuilder &g, Value dy, bool ta, bool tb, Value a, Value b,
                  MutableArrayRef<Value> dIn, Make make) {
  // dA = dy op(B)^T (or its transpose when ta); dB = op(A)^T dy (or its
  // transpose when tb).
  if (g.wants(0))
    dIn[0] = ta ? make(b, dy, tb, true) : make(dy, b, false, !tb);
  if (g.wants(1))
    dIn[1] = tb ? make(dy, a, true, ta) : make(a, dy, !ta, false);
}

void dot(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // MXNet's dot views lhs and rhs as matrices: all but the last (first,
  // when transposed) axis are rows.
  Value l = g.in(0), r = g.in(1);
  bool ta = g.attrs().getBool("transpose_a"), tb = g.attrs().getBool("transpose_b");
  ArrayRef<int64_t> ls = S::shape(l), rs = S::shape(r);
  int64_t lRows = ta ? ls.front() : S::numel(l) / ls.back();
  int64_t rRows = tb ? S::numel(r) / rs.back() : rs.front();
  Value l2 = g.reshape(l, {lRows, S::numel(l) / lRows});
  Value r2 = g.reshape(r, {rRows, S::numel(r) / rRows});
  int64_t m = ta ? S::shape(l2)[1] : lRows, n = tb ? rRows : S::shape(r2)[1];
  Value dy = g.reshape(dOut[0], {m, n});
  productGrads(g, dy, ta, tb, l2, r2, dIn, [&](Value a, Value b, bool x, bool y) {
    return g.create("dot", {a, b}, {{"transpose_a", x}, {"transpose_b", y}});
  });
  if (dIn[0])
    dIn[0] = g.reshape(dIn[0], ls);
  if (dIn[1])
    dIn[1] = g.reshape(dIn[1], rs);
}

void batchDot(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  productGrads(g, dOut[0], g.attrs().getBool("transpose_a"), g.attrs().getBool("transpose_b"),
               g.in(0), g.in(1), dIn, [&](Value a, Value b, bool x, bool y) {
                 return g.create("batch_dot", {a, b}, {{"transpose_a", x}, {"transpose_b", y}});
               });
}

bool defaultAxis(GradBuilder &g) {
  if (g.attrs().getInt("axis") == -2)
    return true;
  g.error() << "the gradient supports axis=-2 only (matrices in the last two axes)";
  return false;
}

void gemm(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!defaultAxis(g))
    return;
  double alpha = g.attrs().getFloat("alpha");
  productGrads(g, dOut[0], g.attrs().getBool("transpose_a"), g.attrs().getBool("transpose_b"),
               g.in(0), g.in(1), dIn,
               [&](Value a, Value b, bool x, bool y) { return gemm2(g, a, b, x, y, alpha); });
  if (g.numIn() == 3 && g.wants(2)) // _linalg_gemm's C
    dIn[2] = g.mulScalar(dOut[0], g.attrs().getFloat("beta"));
}

void syrk(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // out = alpha A A^T: dA = alpha (dy + dy^T) A; transposed: alpha A (dy + dy^T).
  Value sym = g.add(dOut[0], mT(g, dOut[0]));
  double alpha = g.attrs().getFloat("alpha");
  dIn[0] = g.attrs().getBool("transpose") ? gemm2(g, g.in(0), sym, false, false, alpha)
                                          : gemm2(g, sym, g.in(0), false, false, alpha);
}

/// v with the triangle the op reads kept and the rest zeroed.
Value triangle(GradBuilder &g, Value v, bool lower) {
  Value packed = g.create("_linalg_extracttrian", {v}, {{"lower", lower}});
  return g.create("_linalg_maketrian", {packed}, {{"lower", lower}});
}

/// A triangular matrix op's own call with other operands and flags.
Value triCall(GradBuilder &g, std::string_view op, Value a, Value b, bool transpose, double alpha) {
  return g.create(op, {a, b},
                  {{"transpose", transpose},
                   {"rightside", g.attrs().getBool("rightside")},
                   {"lower", g.attrs().getBool("lower")},
                   {"alpha", alpha}});
}

void trmm(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // out = alpha op(A) B (left) or alpha B op(A) (right).
  Value a = g.in(0), b = g.in(1), dy = dOut[0];
  bool t = g.attrs().getBool("transpose"), right = g.attrs().getBool("rightside");
  double alpha = g.attrs().getFloat("alpha");
  if (g.wants(1))
    dIn[1] = triCall(g, "_linalg_trmm", a, dy, !t, alpha);
  if (g.wants(0)) {
    // d op(A) = alpha dy B^T (left) or alpha B^T dy (right).
    Value dOpA = right ? gemm2(g, b, dy, true, false, alpha) : gemm2(g, dy, b, false, true, alpha);
    dIn[0] = triangle(g, t ? mT(g, dOpA) : dOpA, g.attrs().getBool("lower"));
  }
}

void trsm(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // X = alpha op(A)^-1 B (left) or alpha B op(A)^-1 (right). With
  // Z = op(A)^-T dy (left) or dy op(A)^-T (right): dB = alpha Z and
  // d op(A) = -Z X^T (left) or -X^T Z (right).
  Value a = g.in(0), x = g.out(0);
  bool t = g.attrs().getBool("transpose"), right = g.attrs().getBool("rightside");
  Value z = triCall(g, "_linalg_trsm", a, dOut[0], !t, 1);
  if (g.wants(1))
    dIn[1] = g.mulScalar(z, g.attrs().getFloat("alpha"));
  if (g.wants(0)) {
    Value dOpA = right ? gemm2(g, x, z, true, false, -1) : gemm2(g, z, x, false, true, -1);
    dIn[0] = triangle(g, t ? mT(g, dOpA) : dOpA, g.attrs().getBool("lower"));
  }
}

/// inv(A)^T, the derivative of log|det A|.
Value inverseT(GradBuilder &g) { return mT(g, g.create("_linalg_inverse", {g.in(0)})); }

/// dy (batch shape) broadcast over the matrices.
Value perMatrix(GradBuilder &g, Value v) {
  Dims shape(S::shape(v).begin(), S::shape(v).end());
  ArrayRef<int64_t> as = S::shape(g.in(0));
  shape.assign(as.begin(), as.end() - 2);
  shape.push_back(1);
  shape.push_back(1);
  return g.reshape(v, shape);
}

void inverse(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // d A = -Y^T dy Y^T
  Value y = g.out(0);
  dIn[0] = gemm2(g, gemm2(g, y, dOut[0], true, false), y, false, true, -1);
}

void det(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  // d det / dA = det inv(A)^T
  dIn[0] = g.bcast("mul", inverseT(g), perMatrix(g, g.mul(dOut[0], g.out(0))));
}

void slogdet(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  if (!dOut[1]) // the sign has no gradient
    return;
  dIn[0] = g.bcast("mul", inverseT(g), perMatrix(g, dOut[1]));
}

void sumlogdiag(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  Value diag = g.create("_linalg_extractdiag", {g.in(0)});
  ArrayRef<int64_t> as = S::shape(g.in(0));
  Dims shape(as.begin(), as.end() - 2); // the batch shape (dy is (1,) for one matrix)
  shape.push_back(1);
  dIn[0] = g.create("_linalg_makediag", {g.bcast("div", g.reshape(dOut[0], shape), diag)});
}

/// Ops whose gradient is their partner op with the same attributes.
template <const char *Partner>
void partner(GradBuilder &g, ArrayRef<Value> dOut, MutableArrayRef<Value> dIn) {
  std::vector<GradAttr> attrs;
  for (const mxrt::AttrSpec &a : g.attrs().op().attrs)
    attrs.emplace_back(a.name, g.attrs().get(a.name));
  dIn[0] = g.create(Partner, {dOut[0]}, attrs);
}

constexpr char kExtractdiag[] = "_linalg_extractdiag", kMakediag[] = "_linalg_makediag",
               kExtracttrian[] = "_linalg_extracttrian", kMaketrian[] = "_linalg_maketrian";

const GradRule kRules[] = {
    {"dot", GradKind::Rule, dot},
    {"batch_dot", GradKind::Rule, batchDot},
    {"_linalg_gemm", GradKind::Rule, gemm, "axis=-2"},
    {"_linalg_gemm2", GradKind::Rule, gemm, "axis=-2"},
    {"_linalg_syrk", GradKind::Rule, syrk},
    {"_linalg_trmm", GradKind::Rule, trmm},
    {"_linalg_trsm", GradKind::Rule, trsm},
    {"_linalg_inverse", GradKind::Rule, inverse},
    {"_linalg_det", GradKind::Rule, det},
    {"_linalg_slogdet", GradKind::Rule, slogdet},
    {"_linalg_sumlogdiag", GradKind::Rule, sumlogdiag},
    {"_linalg_extractdiag", GradKind::Rule, partner<kMakediag>},
    {"_linalg_makediag", GradKind::Rule, partner<kExtractdiag>},
    {"_linalg_extracttrian", GradKind::Rule, partner<kMaketrian>},
    {"_linalg_maketrian", GradKind::Rule, partner<kExtracttrian>},
    {"_linalg_potrf", GradKind::Undefined, nullptr, "not implemented yet"},
    {"_linalg_potri", GradKind::Undefined, nullptr, "not implemented yet"},
    {"_linalg_gelqf", GradKind::Undefined, nullptr, "not implemented yet"},
    {"_linalg_syevd", GradKind::Undefined, nullptr, "not implemented yet"},
    {"khatri_rao", GradKind::Undefined, nullptr, "not implemented yet"},
};

} // namespace

std::span<const GradRule> mlir::mx::linalgGradRules() { return kRules; }
