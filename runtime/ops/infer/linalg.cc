// linalg.cc - shape and type inference of matrix products and linalg_*.
//
// dot contracts lhs's last axis with rhs's first (after the transposes);
// batch_dot and the linalg family work on the last two axes and require
// the leading (batch) axes to agree. Like MXNet, most infer only forward;
// trmm/trsm, gelqf and syevd also infer their inputs from their outputs.
#include "ops/infer/common.h"

#include <cmath>
#include <cstdlib>

namespace mxrt::infer {
namespace {

/// The dims [b, e) of s as a shape.
TShape dims(const TShape &s, int b, int e) {
  return TShape(std::span<const int64_t>(s.begin() + b, s.begin() + e));
}

/// A product that MXNet computes with TShape::Size(), which fails on an
/// unknown extent.
int64_t sizeOf(const TShape &s) {
  if (!s.known())
    throw ShapeError("Shape dim size cannot be a negative value -1");
  return s.numel();
}

bool dotShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &lhs = in[0], &rhs = in[1];
  if (!lhs.ndimKnown() || !rhs.ndimKnown())
    return false;
  bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
  if (lhs.ndim() == 1 && rhs.ndim() == 1) {
    if (ta || tb)
      throw ShapeError("Cannot transpose vectors");
    if (lhs[0] != rhs[0])
      throw ShapeError(str("dot shape error: ", bracket(lhs), " X ", bracket(rhs)));
    assignOut(out, 0, TShape{1});
    return allKnown(in, out);
  }
  // L[0] x L[1] and R[0] x R[1]: the kept and contracted parts of each side.
  TShape l[2], r[2];
  int nl = lhs.ndim(), nr = rhs.ndim();
  if (ta) {
    l[0] = TShape{lhs[0]};
    l[1] = nl > 1 ? dims(lhs, 1, nl) : TShape{1};
  } else {
    l[0] = nl > 1 ? dims(lhs, 0, nl - 1) : TShape{1};
    l[1] = TShape{lhs[nl - 1]};
  }
  if (tb) {
    r[0] = nr > 1 ? dims(rhs, 0, nr - 1) : TShape{1};
    r[1] = TShape{rhs[nr - 1]};
  } else {
    r[0] = TShape{rhs[0]};
    r[1] = nr > 1 ? dims(rhs, 1, nr) : TShape{1};
  }
  int64_t lk = sizeOf(l[ta ? 0 : 1]), rk = sizeOf(r[tb ? 1 : 0]);
  if (lk != 0 && rk != 0 && lk != rk)
    throw ShapeError(str("dot shape error: ", bracket(lhs), " X ", bracket(rhs)));
  std::vector<int64_t> result;
  if (nl > 1)
    result.insert(result.end(), l[ta ? 1 : 0].begin(), l[ta ? 1 : 0].end());
  if (nr > 1)
    result.insert(result.end(), r[tb ? 0 : 1].begin(), r[tb ? 0 : 1].end());
  assignOut(out, 0, shapeOf(result));
  return out[0].known();
}

bool batchDotShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &lhs = in[0], &rhs = in[1];
  if (!lhs.ndimKnown() || !rhs.ndimKnown())
    return false;
  bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
  int nd = lhs.ndim();
  if (nd < 3 || rhs.ndim() != nd)
    throw ShapeError(str("batch_dot currently only support N-D*N-D array", bracket(lhs), " v.s. ",
                         bracket(rhs)));
  auto where = [&] {
    return str(bracket(lhs), " X ", bracket(rhs), " trans_a=", int(ta), " trans_b=", int(tb));
  };
  for (int i = 0; i < nd - 2; ++i)
    if (lhs[i] != rhs[i])
      throw ShapeError(
          str("batch_dot shape error (the leading batch dimensions must be equal): ", where()));
  int64_t m = ta ? lhs[nd - 1] : lhs[nd - 2], lk = ta ? lhs[nd - 2] : lhs[nd - 1];
  int64_t n = tb ? rhs[nd - 2] : rhs[nd - 1], rk = tb ? rhs[nd - 1] : rhs[nd - 2];
  if (known(lk) && lk != rk) // MXNet skips the check only for an unknown lhs extent
    throw ShapeError(str("batch_dot shape error (shape mismatch): ", where()));
  TShape result = lhs;
  result[nd - 2] = m;
  result[nd - 1] = n;
  assignOut(out, 0, result);
  return out[0].known();
}

bool khatriRaoShape(const Attrs &, Shapes &in, Shapes &out) {
  int64_t rows = 1, cols = -1;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].ndim() != 2)
      throw ShapeError("Input matrices must be 2-D", int(i), false);
    if (i == 0)
      cols = in[i][1];
    else if (in[i][1] != cols)
      throw ShapeError("Column dimension must agree", int(i), false);
    rows *= in[i][0]; // as MXNet: an unknown extent makes this negative
  }
  if (rows < -1)
    throw ShapeError(str("shape dim size must be >= -1, while received ", rows));
  assignOut(out, 0, TShape{rows, cols});
  return allKnown(in, out);
}

bool gemmShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &a = in[0], &b = in[1];
  if (a.ndim() < 2 || a.ndim() != b.ndim())
    return false;
  bool ta = attrs.getBool("transpose_a"), tb = attrs.getBool("transpose_b");
  int nd = a.ndim();
  int64_t axisAttr = attrs.getInt("axis");
  int64_t axis = axisAttr < 0 ? nd + axisAttr : axisAttr;
  if (axis < 0 || axis >= nd - 1)
    throw ShapeError(str("Invalid row axis (", axisAttr, ")"));
  int ax = int(axis);
  TShape result = a;
  for (int i = 0; i < nd - 1; ++i)
    if (i != ax && a[i] != b[i])
      throw ShapeError("Shapes of inputs 0, 1 must be the same, except on row/col axis");
  if ((ta ? a[ax] : a[nd - 1]) != (tb ? b[nd - 1] : b[ax]))
    throw ShapeError("Incompatible matrix dimensions for multiplication");
  result[ax] = ta ? a[nd - 1] : a[ax];
  result[nd - 1] = tb ? b[ax] : b[nd - 1];
  assignOut(out, 0, result);
  if (in.size() > 2)
    assignIn(in, 2, result);
  return true;
}

/// The last two extents of s must agree (square matrices).
void requireSquare(const TShape &s, const char *what) {
  if (s[s.ndim() - 2] != s[s.ndim() - 1])
    throw ShapeError(what, 0, false);
}

bool triangularShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &a = in[0], &b = in[1];
  bool right = attrs.getBool("rightside"), transpose = attrs.getBool("transpose");
  if (a.ndim() >= 2 && a.ndim() == b.ndim()) {
    int nd = a.ndim();
    requireSquare(a, "First operand must be a tensor of square matrices");
    TShape result = b;
    for (int i = 0; i < nd - 2; ++i)
      if (a[i] != b[i])
        throw ShapeError("Shapes of inputs 0, 1 must be the same, except on last two dimensions");
    if (right) {
      if (a[nd - 2] != b[nd - 1])
        throw ShapeError("Incompatible matrix dimensions of inputs 0 and 1");
      result[nd - 2] = b[nd - 2];
      result[nd - 1] = transpose ? a[nd - 2] : a[nd - 1];
    } else {
      if (b[nd - 2] != a[nd - 1])
        throw ShapeError("Incompatible matrix dimensions of inputs 0 and 1");
      result[nd - 2] = transpose ? a[nd - 1] : a[nd - 2];
      result[nd - 1] = b[nd - 1];
    }
    assignOut(out, 0, result);
    return allKnown(in, out);
  }
  if (out[0].ndim() >= 2) {
    // Backward: A is square on the output's side, B has its shape.
    const TShape &o = out[0];
    int nd = o.ndim();
    TShape sq = o;
    sq[nd - 2] = sq[nd - 1] = right ? o[nd - 1] : o[nd - 2];
    assignIn(in, 0, sq);
    assignIn(in, 1, o);
    return allKnown(in, out);
  }
  return false;
}

/// sumlogdiag: square matrices reduce to one value each.
bool sumlogdiagShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (a.ndim() < 2)
    return false;
  std::vector<int64_t> d(a.begin(), a.end() - 2);
  if (d.empty())
    d.push_back(1);
  assignOut(out, 0, shapeOf(d));
  return allKnown(in, out);
}

bool detShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (a.ndim() < 2)
    return false;
  requireSquare(a, "Input A's last two dimension must be equal");
  TShape value = a.ndim() == 2 ? TShape{1} : dims(a, 0, a.ndim() - 2);
  TShape pivot = dims(a, 0, a.ndim() - 1);
  bool slogdet = attrs.op().name == "_linalg_slogdet";
  int k = 0;
  assignOut(out, k++, value);
  if (slogdet)
    assignOut(out, k++, value);
  assignOut(out, k++, a);
  assignOut(out, k, pivot);
  return a.known();
}

bool inverseShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (!a.ndimKnown())
    return false;
  if (a.ndim() < 2)
    throw ShapeError("Input A's dimension must be >= 2", 0, false);
  requireSquare(a, "Input A's last two dimension must be equal");
  assignOut(out, 0, a);
  return a.known();
}

bool syrkShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (a.ndim() < 2)
    return false;
  int nd = a.ndim();
  TShape result = a;
  result[nd - 2] = result[nd - 1] = attrs.getBool("transpose") ? a[nd - 1] : a[nd - 2];
  assignOut(out, 0, result);
  return allKnown(in, out);
}

bool gelqfShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (a.ndim() >= 2) {
    int nd = a.ndim();
    if (a[nd - 2] > a[nd - 1])
      throw ShapeError("Input A shape wrong: Last dimension must be >= than second to last", 0,
                       false);
    assignOut(out, 0, a);
    TShape l = a;
    l[nd - 1] = a[nd - 2];
    assignOut(out, 1, l);
    return allKnown(in, out);
  }
  const TShape &q = out[0], &l = out[1];
  if (q.ndim() >= 2 && q.ndim() == l.ndim()) {
    int nd = q.ndim();
    for (int i = 0; i < nd - 1; ++i)
      if (q[i] != l[i])
        throw ShapeError("Outputs Q, L must have same dimensions except for last");
    if (q[nd - 2] > q[nd - 1])
      throw ShapeError("Output Q shape wrong: Last dimension must be >= than second to last");
    if (l[nd - 2] != l[nd - 1])
      throw ShapeError("Output L shape wrong: Last two dimensions must be equal");
    assignIn(in, 0, q);
    return allKnown(in, out);
  }
  return false;
}

bool syevdShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (a.ndim() >= 2) {
    requireSquare(a, "Input A shape wrong: Last two dimensions must be equal");
    if (!a.known())
      throw ShapeError("Shape dim size cannot be a negative value -1", 0, false);
    assignOut(out, 0, a);
    assignOut(out, 1, dims(a, 0, a.ndim() - 1));
    return allKnown(in, out);
  }
  const TShape &u = out[0], &l = out[1];
  if (u.ndim() >= 2 && u.ndim() == l.ndim() + 1) {
    int nd = u.ndim();
    for (int i = 0; i < nd - 1; ++i)
      if (u[i] != l[i])
        throw ShapeError("Outputs U, L must have same dimensions except for last");
    if (u[nd - 2] != u[nd - 1])
      throw ShapeError("Output U shape wrong: Last two dimensions must be equal");
    assignIn(in, 0, u);
    return allKnown(in, out);
  }
  return false;
}

/// extractdiag, makediag, extracttrian, maketrian (MXNet's LaDiagTrianShape).
bool diagTrianShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &a = in[0];
  if (a.ndim() <= 0)
    return false;
  std::string_view op = attrs.op().name;
  bool diag = op.ends_with("diag"), extract = op.find("extract") != std::string_view::npos;
  int64_t offset = std::abs(attrs.getInt("offset"));
  int nd = a.ndim();
  std::vector<int64_t> d(a.begin(), a.end() - 1);
  if (extract) {
    if (nd < 2)
      throw ShapeError("Input operand must be a tensor of matrices", 0, false);
    requireSquare(a, "Input operand must be a tensor of square matrices");
    int64_t n = a[nd - 1] - offset;
    if (n <= 0)
      throw ShapeError(str("Illegal offset ", attrs.getInt("offset"),
                           " for diag/trian extraction of matrix with dimension ", nd));
    d.back() = diag ? n : n * (n + 1) / 2;
  } else if (diag) {
    d.push_back(a[nd - 1] + offset);
    d.push_back(a[nd - 1] + offset);
  } else {
    int64_t n = a[nd - 1];
    // An unknown n fails here as in MXNet (whose square root is then NaN).
    int64_t m =
        known(n) ? int64_t(std::floor(0.5 + (std::sqrt(8.0 * double(n) + 1) - 1.0) * 0.5)) : -1;
    if (!known(n) || m * (m + 1) / 2 != n)
      throw ShapeError("Input tensor of maketrian has an invalid dimension for the last axis.", 0,
                       false);
    d.push_back(m + offset);
    d.push_back(m + offset);
  }
  assignOut(out, 0, shapeOf(d));
  return allKnown(in, out);
}

// The factorizations: float32 and float64 only, every output in the input's
// dtype except det's pivots (int32).
bool linalgType(const Attrs &attrs, Types &in, Types &out) {
  DType t = in[0];
  if (t == DType::Unknown)
    return false;
  if (t != DType::Float32 && t != DType::Float64)
    throw ShapeError("This operation only supports 32-bit and 64-bit floating point", 0, false);
  std::string_view op = attrs.op().name;
  bool det = op == "_linalg_det" || op == "_linalg_slogdet";
  for (size_t i = 0; i < out.size(); ++i)
    assignOut(out, int(i), det && i + 1 == out.size() ? DType::Int32 : t);
  return true;
}

const struct Registrations {
  Registrations() {
    Register("dot", dotShape);
    Register("batch_dot", batchDotShape);
    Register("khatri_rao", khatriRaoShape);
    Register("_linalg_gemm", gemmShape);
    Register("_linalg_gemm2", gemmShape);
    Register("_linalg_potrf",
             [](const Attrs &, Shapes &in, Shapes &out) { return unifyAll(in, out); });
    Register("_linalg_potri",
             [](const Attrs &, Shapes &in, Shapes &out) { return unifyAll(in, out); });
    Register("_linalg_trmm", triangularShape);
    Register("_linalg_trsm", triangularShape);
    Register("_linalg_sumlogdiag", sumlogdiagShape);
    Register("_linalg_syrk", syrkShape);
    Register("_linalg_gelqf", gelqfShape);
    Register("_linalg_inverse", inverseShape);
    Register("_linalg_det", detShape, linalgType);
    Register("_linalg_slogdet", detShape, linalgType);
    Register("_linalg_syevd", syevdShape);
    for (std::string_view op :
         {"_linalg_extractdiag", "_linalg_makediag", "_linalg_extracttrian", "_linalg_maketrian"})
      Register(op, diagTrianShape);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
