// layout_plans.h - strided views of one input for the data-movement ops and
// the kept/reduced split of a reduction, shared by the CPU and CUDA kernels.
#pragma once

#include "kernels/shape_util.h"
#include "mxrt/shape.h"

#include <optional>
#include <span>
#include <vector>

namespace mxrt::kernels {

/// One axis of a slice: `length` elements from `begin` by `step`.
struct SliceRange {
  int64_t begin, step, length;
};

/// The plan reading `in` (dense, row-major) through strides s per output
/// dim of outShape, from element `offset`; collapsed.
StridedPlan viewPlan(const TShape &outShape, const int64_t *s, int64_t offset);
/// transpose: axes empty reverses them; outShape receives the result shape.
StridedPlan transposePlan(const TShape &in, std::span<const int64_t> axes, TShape *outShape);
/// MXNet's slice begin/end/step (None entries as nullopt, fewer entries
/// than the rank leave the rest whole) resolved per axis of `shape`.
std::vector<SliceRange> resolveSlice(const TShape &shape,
                                     std::span<const std::optional<int64_t>> begin,
                                     std::span<const std::optional<int64_t>> end,
                                     std::span<const std::optional<int64_t>> step);
/// slice_axis as per-axis ranges (negative begin/end count from the end).
std::vector<SliceRange> sliceAxisRanges(const TShape &in, int64_t axis, int64_t begin,
                                        std::optional<int64_t> end);
StridedPlan slicePlan(const TShape &in, std::span<const SliceRange> ranges, TShape *outShape);
StridedPlan flipPlan(const TShape &in, std::span<const int64_t> axes);
/// tile: the plan's shape is (r0, d0, r1, d1, ...); outShape the op's.
StridedPlan tilePlan(const TShape &in, std::span<const int64_t> reps, TShape *outShape);
/// repeat along axis (none: flattened); the output is dense in that order.
StridedPlan repeatPlan(const TShape &in, int64_t repeats, std::optional<int64_t> axis);
/// Splits in's dims into kept and reduced (mask bit set) single-operand
/// plans over in's element strides.
void reducePlans(const TShape &in, uint64_t mask, StridedPlan *kept, StridedPlan *red);

} // namespace mxrt::kernels
