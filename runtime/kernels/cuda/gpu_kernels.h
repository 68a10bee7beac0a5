// gpu_kernels.h - the CUDA kernels as plain functions over device TBlobs,
// the GPU twin of cpu/kernels.h (same arguments plus the CUDA stream).
//
// Built only with MXC_ENABLE_CUDA. Each function checks its arguments like
// its CPU twin, then enqueues on `stream` and returns. Tests run the same
// inputs through both and compare (test/runtime/kernels_gpu_test.cc).
#pragma once

#include "kernels/cpu/kernels.h"
#include "kernels/cuda/launch.h"

namespace mxrt::kernels::gpu {

using Stream = void *;
using cpu::AxisMask;

void unary(UnaryOp op, const TBlob &in, const TBlob &out, Stream s);
void binary(BinaryOp op, const TBlob &lhs, const TBlob &rhs, const TBlob &out, Stream s);
void binaryScalar(BinaryOp op, const TBlob &in, double scalar, bool reverse, const TBlob &out,
                  Stream s);
void cast(const TBlob &in, const TBlob &out, Stream s);
void fill(const TBlob &out, double value, Stream s);
void clip(const TBlob &in, const TBlob &out, double lo, double hi, Stream s);
void addN(std::span<const TBlob> in, const TBlob &out, Stream s);
void where(const TBlob &cond, const TBlob &x, const TBlob &y, const TBlob &out, Stream s);
void broadcastTo(const TBlob &in, const TBlob &out, Stream s);
void reduce(ReduceOp op, const TBlob &in, AxisMask axes, const TBlob &out, Stream s);
void argReduce(bool isMax, const TBlob &in, std::optional<int> axis, const TBlob &out, Stream s);
void transpose(const TBlob &in, std::span<const int64_t> axes, const TBlob &out, Stream s);
void slice(const TBlob &in, std::span<const SliceRange> ranges, const TBlob &out, Stream s);
void flip(const TBlob &in, std::span<const int64_t> axes, const TBlob &out, Stream s);
void tile(const TBlob &in, std::span<const int64_t> reps, const TBlob &out, Stream s);
void repeat(const TBlob &in, int64_t repeats, std::optional<int64_t> axis, const TBlob &out,
            Stream s);
void concat(std::span<const TBlob> in, int64_t axis, const TBlob &out, Stream s);
void stack(std::span<const TBlob> in, int64_t axis, const TBlob &out, Stream s);
void split(const TBlob &in, int64_t axis, std::span<const TBlob> out, Stream s);
void take(const TBlob &a, const TBlob &indices, int64_t axis, cpu::IndexMode mode, const TBlob &out,
          Stream s);
void pick(const TBlob &data, const TBlob &index, int64_t axis, cpu::IndexMode mode,
          const TBlob &out, Stream s);
void oneHot(const TBlob &indices, int64_t depth, double on, double off, const TBlob &out, Stream s);
void randomFill(RandomKind kind, PhiloxState st, double a, double b, const TBlob &out, Stream s);
/// cuBLAS (gpu_gemm.cc): float32/float64, float16/bfloat16 with float32 accumulation.
void dot(const TBlob &lhs, const TBlob &rhs, bool transA, bool transB, const TBlob &out, Stream s);
void batchDot(const TBlob &lhs, const TBlob &rhs, bool transA, bool transB, const TBlob &out,
              Stream s);
void fullyConnected(const TBlob &data, const TBlob &weight, const TBlob *bias, bool flatten,
                    const TBlob &out, Stream s);

} // namespace mxrt::kernels::gpu
