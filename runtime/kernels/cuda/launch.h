// launch.h - the CUDA kernels' launchers, callable from C++ (no CUDA types).
//
// nvcc compiles the .cu files as C++17 and they see only this header, the
// functors, the plans and the Philox generator; the C++20 side (TBlob,
// Attrs, registration) lives in the .cc files next to them, which turn an
// op's blobs and attributes into these calls. Every launcher enqueues on
// `stream` (a cudaStream_t) and returns at once; a launch error throws.
// dtype arguments are mxrt::DType codes; the GPU kernels cover float32,
// float64, float16, bfloat16, uint8, int8, int32, int64 and bool.
#pragma once

#include "kernels/functors.h"
#include "kernels/philox.h"
#include "kernels/reducers.h"
#include "kernels/shape_util.h"

#include <cstdint>

namespace mxrt::kernels::cuda {

using Stream = void *;

/// out[i] = op(in[i]) over n elements of one dtype.
void launchUnary(UnaryOp op, int dtype, const void *in, void *out, int64_t n, Stream s);
/// out = op(a, b) over plan's output (operand 0 = a, 1 = b, element strides).
void launchBinary(BinaryOp op, int dtype, const void *a, const void *b, void *out,
                  const StridedPlan &plan, Stream s);
/// out = op(in, scalar) or op(scalar, in); the scalar converted as on CPU.
void launchBinaryScalar(BinaryOp op, int dtype, const void *in, double scalar, bool reverse,
                        void *out, int64_t n, Stream s);
/// Any dtype to any dtype, n elements.
void launchCast(int from, int to, const void *in, void *out, int64_t n, Stream s);
void launchFill(int dtype, void *out, int64_t n, double value, Stream s);
void launchClip(int dtype, const void *in, void *out, int64_t n, double lo, double hi, Stream s);
/// out[i] = cond[i / inner] != 0 ? x[i] : y[i].
void launchWhere(int condType, int dtype, const void *cond, const void *x, const void *y, void *out,
                 int64_t n, int64_t inner, Stream s);
/// dst (dense over plan.shape) = src through plan operand 0; elemSize 1/2/4/8.
void launchStridedCopy(const void *src, const StridedPlan &plan, void *dst, int elemSize, Stream s);
/// out[o] = reduce over the `red` plan at base offset of the `kept` plan's
/// element o (both single-operand plans over the input's element strides).
void launchReduce(ReduceOp op, int inType, int outType, const void *in, void *out,
                  const StridedPlan &kept, const StridedPlan &red, Stream s);
/// argmax/argmin over (outer, n, inner), index written in outType.
void launchArgReduce(bool isMax, int inType, int outType, const void *in, void *out, int64_t outer,
                     int64_t n, int64_t inner, Stream s);
/// take: rows of `inner` elements of elemSize bytes; mode 0 clip, 1 wrap.
void launchTake(int elemSize, const void *a, int idxType, const void *idx, void *out, int64_t outer,
                int64_t n, int64_t inner, int64_t nIdx, int mode, Stream s);
/// pick along (outer, n, inner); mode 0 clip, 1 wrap.
void launchPick(int dtype, const void *data, int idxType, const void *idx, void *out, int64_t outer,
                int64_t n, int64_t inner, int mode, Stream s);
/// one_hot rows of depth; out filled with off except on[idx].
void launchOneHot(int dtype, int idxType, const void *idx, void *out, int64_t nIdx, int64_t depth,
                  double on, double off, Stream s);
/// Philox sampling, the same streams as the CPU kernels (uniform and randint
/// bit for bit; normal up to the last bits of the GPU's log/sin/cos).
void launchRandom(RandomKind kind, int dtype, PhiloxState st, double a, double b, void *out,
                  int64_t n, Stream s);

} // namespace mxrt::kernels::cuda
