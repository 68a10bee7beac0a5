// layout_plans.cc - the strided views behind transpose, slice, flip, tile
// and repeat, and the kept/reduced plans of a reduction: built once here,
// executed by the CPU (cpu/layout.cc, cpu/reduce.cc) and CUDA kernels.
#include "kernels/layout_plans.h"

#include "kernels/cpu/cpu_util.h"

namespace mxrt::kernels {

using cpu::normalizeAxis;

/// The plan of `in` read through per-output-dim strides `s` from `offset`.
StridedPlan viewPlan(const TShape &outShape, const int64_t *s, int64_t offset) {
  StridedPlan p;
  MXRT_CHECK(outShape.ndim() <= kMaxPlanDims, "rank ", outShape.ndim(), " exceeds ", kMaxPlanDims);
  p.ndim = outShape.ndim();
  p.nops = 1;
  p.offset[0] = offset;
  for (int d = 0; d < p.ndim; ++d) {
    p.shape[d] = outShape[d];
    p.stride[0][d] = s[d];
  }
  p.collapse();
  return p;
}

StridedPlan transposePlan(const TShape &in, std::span<const int64_t> axes, TShape *outShape) {
  const int nd = in.ndim();
  int64_t perm[kMaxPlanDims];
  MXRT_CHECK(nd <= kMaxPlanDims, "operator transpose: rank ", nd, " is too large");
  MXRT_CHECK(axes.empty() || int(axes.size()) == nd, "operator transpose: axes has ", axes.size(),
             " entries for an array of rank ", nd);
  uint64_t seen = 0;
  for (int d = 0; d < nd; ++d) {
    perm[d] = axes.empty() ? nd - 1 - d : normalizeAxis(axes[size_t(d)], nd, "transpose", "axes");
    MXRT_CHECK(!((seen >> perm[d]) & 1), "operator transpose: axes repeat axis ", perm[d]);
    seen |= uint64_t(1) << perm[d];
  }
  int64_t inStride[kMaxPlanDims], s[kMaxPlanDims];
  denseStrides(in, inStride);
  std::vector<int64_t> od(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    s[d] = inStride[perm[d]];
    od[size_t(d)] = in[int(perm[d])];
  }
  *outShape = TShape(std::span<const int64_t>(od));
  return viewPlan(*outShape, s, 0);
}

std::vector<SliceRange> resolveSlice(const TShape &shape,
                                     std::span<const std::optional<int64_t>> begin,
                                     std::span<const std::optional<int64_t>> end,
                                     std::span<const std::optional<int64_t>> step) {
  const int nd = shape.ndim();
  MXRT_CHECK(int(begin.size()) <= nd && end.size() == begin.size() &&
                 (step.empty() || step.size() == begin.size()),
             "operator slice: begin, end and step must have the same length <= rank ", nd,
             " of data ", shape.str(), " (got ", begin.size(), ", ", end.size(), ", ", step.size(),
             ")");
  std::vector<SliceRange> r(static_cast<size_t>(nd));
  for (int i = 0; i < nd; ++i) {
    const int64_t len = shape[i];
    SliceRange &x = r[size_t(i)];
    if (i >= int(begin.size())) {
      x = {0, 1, len};
      continue;
    }
    const int64_t s = !step.empty() && step[size_t(i)] ? *step[size_t(i)] : 1;
    MXRT_CHECK(s != 0, "operator slice: step[", i, "] cannot be 0");
    if (len == 0) {
      x = {0, s, 0};
      continue;
    }
    // MXNet's GetIndexRange: None means the whole axis in the step's direction.
    int64_t b = begin[size_t(i)] ? *begin[size_t(i)] : (s < 0 ? len - 1 : 0);
    int64_t e = end[size_t(i)] ? *end[size_t(i)] : (s < 0 ? -1 : len);
    if (b < 0)
      b += len;
    if (e < 0 && end[size_t(i)])
      e += len;
    b = (b < 0 && s > 0) ? 0 : b;
    b = (b > len - 1 && s < 0) ? len - 1 : b;
    e = std::min(std::max<int64_t>(e, -1), len);
    int64_t n = 0;
    if (b >= 0 && b <= len - 1 && e != b)
      n = s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (e < b ? (b - e - 1) / -s + 1 : 0);
    x = {b < 0 ? 0 : b, s, n};
  }
  return r;
}

StridedPlan slicePlan(const TShape &in, std::span<const SliceRange> ranges, TShape *outShape) {
  const int nd = in.ndim();
  MXRT_CHECK(int(ranges.size()) == nd, "operator slice: ", ranges.size(), " ranges for rank ", nd);
  int64_t inStride[kMaxPlanDims], s[kMaxPlanDims], offset = 0;
  MXRT_CHECK(nd <= kMaxPlanDims, "operator slice: rank ", nd, " is too large");
  denseStrides(in, inStride);
  std::vector<int64_t> od(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d) {
    const SliceRange &r = ranges[size_t(d)];
    od[size_t(d)] = r.length;
    s[d] = inStride[d] * r.step;
    if (r.length)
      offset += inStride[d] * r.begin;
  }
  *outShape = TShape(std::span<const int64_t>(od));
  return viewPlan(*outShape, s, offset);
}

std::vector<SliceRange> sliceAxisRanges(const TShape &in, int64_t axis, int64_t begin,
                                        std::optional<int64_t> end) {
  const int nd = in.ndim();
  const int a = normalizeAxis(axis, nd, "slice_axis");
  const int64_t len = in[a];
  int64_t b = begin < 0 ? begin + len : begin;
  int64_t e = end ? (*end < 0 ? *end + len : *end) : len;
  MXRT_CHECK(b >= 0 && b < e && e <= len, "operator slice_axis: invalid begin=", begin,
             ", end=", end ? str(*end) : std::string("None"), " for axis ", axis, " of extent ",
             len, " in data ", in.str());
  std::vector<SliceRange> r(static_cast<size_t>(nd));
  for (int d = 0; d < nd; ++d)
    r[size_t(d)] = d == a ? SliceRange{b, 1, e - b} : SliceRange{0, 1, in[d]};
  return r;
}

StridedPlan flipPlan(const TShape &in, std::span<const int64_t> axes) {
  const int nd = in.ndim();
  MXRT_CHECK(nd <= kMaxPlanDims, "operator reverse: rank ", nd, " is too large");
  int64_t s[kMaxPlanDims], offset = 0;
  denseStrides(in, s);
  for (int64_t ax : axes) {
    int a = normalizeAxis(ax, nd, "reverse");
    if (in[a] > 0)
      offset += s[a] * (in[a] - 1);
    s[a] = -s[a];
  }
  return viewPlan(in, s, offset);
}

StridedPlan tilePlan(const TShape &in, std::span<const int64_t> reps, TShape *outShape) {
  const int nd = std::max(in.ndim(), int(reps.size()));
  MXRT_CHECK(2 * nd <= kMaxPlanDims, "operator tile: rank ", nd, " is too large");
  // View as (r0, d0, r1, d1, ...): the rep dims read with stride 0.
  std::vector<int64_t> view, od;
  int64_t s[kMaxPlanDims], dense[kMaxPlanDims];
  denseStrides(in, dense);
  int k = 0;
  for (int d = 0; d < nd; ++d) {
    int di = d - (nd - in.ndim()), ri = d - (nd - int(reps.size()));
    int64_t dim = di >= 0 ? in[di] : 1, rep = ri >= 0 ? reps[size_t(ri)] : 1;
    MXRT_CHECK(rep >= 0, "operator tile: reps must be >= 0, got ", rep);
    view.push_back(rep);
    s[k++] = 0;
    view.push_back(dim);
    s[k++] = di >= 0 ? dense[di] : 0;
    od.push_back(dim * rep);
  }
  *outShape = TShape(std::span<const int64_t>(od));
  return viewPlan(TShape(std::span<const int64_t>(view)), s, 0);
}

StridedPlan repeatPlan(const TShape &in, int64_t repeats, std::optional<int64_t> axis) {
  MXRT_CHECK(repeats >= 0, "operator repeat: repeats must be >= 0, got ", repeats);
  TShape src = axis ? in : TShape{in.numel()};
  const int nd = src.ndim();
  const int a = axis ? normalizeAxis(*axis, nd, "repeat") : 0;
  MXRT_CHECK(nd + 1 <= kMaxPlanDims, "operator repeat: rank ", nd, " is too large");
  // View as (..., d_a, repeats, ...) with stride 0 on the repeats dim.
  std::vector<int64_t> view;
  int64_t s[kMaxPlanDims], dense[kMaxPlanDims];
  denseStrides(src, dense);
  int k = 0;
  for (int d = 0; d < nd; ++d) {
    view.push_back(src[d]);
    s[k++] = dense[d];
    if (d == a) {
      view.push_back(repeats);
      s[k++] = 0;
    }
  }
  return viewPlan(TShape(std::span<const int64_t>(view)), s, 0);
}

void reducePlans(const TShape &in, uint64_t mask, StridedPlan *kept, StridedPlan *red) {
  MXRT_CHECK(in.ndim() <= kMaxPlanDims, "reduce: rank ", in.ndim(), " is too large");
  int64_t dense[kMaxPlanDims];
  denseStrides(in, dense);
  *kept = StridedPlan();
  *red = StridedPlan();
  kept->nops = red->nops = 1;
  for (int d = 0; d < in.ndim(); ++d) {
    StridedPlan &p = (mask >> d) & 1 ? *red : *kept;
    p.shape[p.ndim] = in[d];
    p.stride[0][p.ndim++] = dense[d];
  }
  kept->collapse();
  red->collapse();
}

} // namespace mxrt::kernels
