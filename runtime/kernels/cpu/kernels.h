// kernels.h - the CPU kernels as plain functions over TBlob.
//
// These are the imperative kernels without the op machinery: typed
// arguments instead of Attrs, no engine, no NDArray. Each family's .cc file
// defines its functions here and, at its end, registers thin adapters that
// read MXNet's attributes and call them (registerKernel). Tests call these
// functions directly against naive references.
//
// Conventions: blobs are dense and row-major; `out` has the shape the op's
// shape function infers; functions throw mxrt::Error naming the op and the
// argument on a bad dtype or shape. Work is split with parallelFor.
#pragma once

#include "kernels/functors.h"
#include "kernels/layout_plans.h"
#include "kernels/philox.h"
#include "kernels/reducers.h"
#include "kernels/shape_util.h"
#include "mxrt/ndarray.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mxrt::kernels::cpu {

// ---- elementwise.cc ----------------------------------------------------------

/// out = op(in); same shape and dtype.
void unary(UnaryOp op, const TBlob &in, const TBlob &out);
/// hard_sigmoid: max(0, min(1, alpha * x + beta)).
void hardSigmoid(const TBlob &in, const TBlob &out, double alpha, double beta);
/// out = op(in, scalar), or op(scalar, in) when `reverse`. When out's dtype
/// differs from in's (is_int=False on integers) both are converted to out's
/// dtype first; otherwise the scalar is converted to the input's dtype.
void binaryScalar(BinaryOp op, const TBlob &in, double scalar, bool reverse, const TBlob &out);
/// Converts any dtype to any dtype (cast, copy); same number of elements.
/// in and out may be the same memory.
void cast(const TBlob &in, const TBlob &out);
/// out = min(max(in, lo), hi).
void clip(const TBlob &in, const TBlob &out, double lo, double hi);
/// Every element of out = value (converted to out's dtype).
void fill(const TBlob &out, double value);
/// out = sum of inputs (add_n / ElementWiseSum); all of out's shape.
void addN(std::span<const TBlob> in, const TBlob &out);
/// out = cond ? x : y. cond has x's shape, or is 1-D of x.shape[0] (rows).
void where(const TBlob &cond, const TBlob &x, const TBlob &y, const TBlob &out);

// ---- broadcast.cc -------------------------------------------------------------

/// out = op(lhs, rhs) with NumPy broadcasting of both to out's shape.
void binary(BinaryOp op, const TBlob &lhs, const TBlob &rhs, const TBlob &out);
/// Copies in into out, broadcasting (NumPy rules; in may have lower rank).
void broadcastTo(const TBlob &in, const TBlob &out);

// ---- strided_copy.cc ------------------------------------------------------------

/// dst (dense over plan.shape) = src viewed through the plan's operand 0;
/// elements of elemSize bytes (1, 2, 4 or 8).
void copyStrided(const void *src, const StridedPlan &plan, void *dst, size_t elemSize);

// ---- layout.cc ----------------------------------------------------------------

/// out = in with axes permuted (empty axes: reversed, as MXNet).
void transpose(const TBlob &in, std::span<const int64_t> axes, const TBlob &out);
using kernels::resolveSlice;
using kernels::SliceRange;
void slice(const TBlob &in, std::span<const SliceRange> ranges, const TBlob &out);
/// slice_axis: [begin, end) of one axis, negative values from the end.
void sliceAxis(const TBlob &in, int64_t axis, int64_t begin, std::optional<int64_t> end,
               const TBlob &out);
/// reverse/flip along the given axes.
void flip(const TBlob &in, std::span<const int64_t> axes, const TBlob &out);
/// tile: reps aligned to the right of the shape (either may be longer).
void tile(const TBlob &in, std::span<const int64_t> reps, const TBlob &out);
/// repeat each element `repeats` times along axis (none: flattened).
void repeat(const TBlob &in, int64_t repeats, std::optional<int64_t> axis, const TBlob &out);
/// Concat along axis; inputs agree on every other axis.
void concat(std::span<const TBlob> in, int64_t axis, const TBlob &out);
/// stack along a new axis (-rank-1 .. rank).
void stack(std::span<const TBlob> in, int64_t axis, const TBlob &out);
/// SliceChannel/split into equal parts along axis (outputs may be squeezed).
void split(const TBlob &in, int64_t axis, std::span<const TBlob> out);
/// Part k of out is [starts[k], starts[k + 1]) along axis (the last part up
/// to the axis's end); outputs may be squeezed. Errors name op.
void splitAt(const TBlob &in, int64_t axis, std::span<const int64_t> starts,
             std::span<const TBlob> out, const char *op = "_split_v2");
/// _split_v2's part starts from its attributes (sections > 0: numpy's
/// array_split, else indices).
std::vector<int64_t> splitV2Starts(const TShape &data, int64_t axis, int64_t sections,
                                   std::span<const int64_t> indices);
/// Crop: the spatial window of out's size at offset (y, x), or centred.
void crop(const TBlob &data, std::span<const int64_t> offset, bool center, const TBlob &out);
/// UpSampling 'nearest': each (N, C_i, h, w) input repeated to out's
/// spatial size, concatenated on the channels (or summed, `sum`).
void upsampleNearest(std::span<const TBlob> in, bool sum, const TBlob &out);
enum class PadMode : uint8_t { Constant, Edge, Reflect };
/// Pad: width holds (before, after) per axis.
void pad(const TBlob &in, PadMode mode, std::span<const int64_t> width, double value,
         const TBlob &out);

// ---- indexing.cc --------------------------------------------------------------

/// How out-of-range indices behave (the ops' `mode`).
enum class IndexMode : uint8_t { Clip, Wrap, Raise };
/// take: out = a.shape[:axis] + indices.shape + a.shape[axis+1:]. Embedding
/// is take(weight, data, 0, Clip).
void take(const TBlob &a, const TBlob &indices, int64_t axis, IndexMode mode, const TBlob &out);
/// pick: one element along axis per position of index (shape of data
/// without axis; keepdims does not change the layout).
void pick(const TBlob &data, const TBlob &index, int64_t axis, IndexMode mode, const TBlob &out);
/// one_hot: indices.shape + (depth,); out-of-range indices give off rows.
void oneHot(const TBlob &indices, int64_t depth, double on, double off, const TBlob &out);
/// gather_nd: indices (M, ...) index the first M axes of data.
void gatherNd(const TBlob &data, const TBlob &indices, const TBlob &out);
/// scatter_nd, gather_nd's inverse: out = 0, then row j of data goes to the
/// position indices[:, j] names (the last of repeated positions wins).
void scatterNd(const TBlob &data, const TBlob &indices, const TBlob &out);
/// batch_take: out[i] = row i of a (a as indices.numel() rows) at
/// indices[i], clipped into the row (as MXNet).
void batchTake(const TBlob &a, const TBlob &indices, const TBlob &out);
/// _ravel_multi_index: data (len(shape), N...) of index tuples -> flat
/// indices into shape (no bounds check, as MXNet).
void ravelMultiIndex(const TBlob &data, std::span<const int64_t> shape, const TBlob &out);
/// _unravel_index: flat indices -> (len(shape),) + data.shape index tuples.
void unravelIndex(const TBlob &data, std::span<const int64_t> shape, const TBlob &out);
/// topk/sort/argsort along axis (none: flattened): the first k (k < 1: all)
/// in ascending or descending order, stable for ties. Any of values,
/// indices (any dtype) and mask (data's shape, 1 where selected) may be null.
void sortAlong(const TBlob &data, std::optional<int64_t> axis, int64_t k, bool ascend,
               const TBlob *values, const TBlob *indices, const TBlob *mask);

// ---- reduce.cc ----------------------------------------------------------------

using kernels::ReduceOp;

/// Bit i set: axis i is reduced.
using AxisMask = uint64_t;
/// MXNet's axis/exclude attributes as a mask over ndim axes: no axes means
/// all; exclude reduces every axis not listed. Error names the op.
AxisMask reduceMask(const std::optional<std::vector<int64_t>> &axes, bool exclude, int ndim,
                    const char *op);
/// Reduces in over the masked axes into out (out has in's numel divided by
/// the reduced extents; keepdims does not matter). out's dtype may differ
/// from in's (norm's out_dtype). max/min over an empty axis is an Error.
void reduce(ReduceOp op, const TBlob &in, AxisMask axes, const TBlob &out);
/// argmax/argmin along axis (none: over the flattened array); the index is
/// written in out's dtype. NaN counts as the extreme value (first wins).
void argReduce(bool isMax, const TBlob &in, std::optional<int> axis, const TBlob &out);

// ---- gemm.cc ------------------------------------------------------------------

/// C = alpha op(A) op(B) + beta C, row-major, parallel over the CPU workers.
void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
          int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc);
void gemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha, const double *A,
          int64_t lda, const double *B, int64_t ldb, double beta, double *C, int64_t ldc);
/// M, K, N of MXNet's dot for these shapes (lhs flattened to 2-D as MXNet
/// does: all but the last axis are rows unless transposed). Error on
/// mismatched inner extents names both shapes.
struct DotDims {
  int64_t M, K, N;
};
DotDims dotDims(const TShape &lhs, const TShape &rhs, bool transA, bool transB);
/// dot: all float dtypes (16-bit ones through float32) and integers.
void dot(const TBlob &lhs, const TBlob &rhs, bool transA, bool transB, const TBlob &out);
/// batch_dot over the leading (batch) axes; rank >= 3, equal batch shapes.
void batchDot(const TBlob &lhs, const TBlob &rhs, bool transA, bool transB, const TBlob &out);
/// FullyConnected's (N, K, H = num_hidden), checking every argument.
DotDims fcDims(const TBlob &data, const TBlob &weight, const TBlob *bias, bool flatten,
               const TBlob &out);
/// FullyConnected forward: out = data W^T (+ bias). flatten: data is (N, K)
/// after flattening all but the first axis; else its last axis is K.
void fullyConnected(const TBlob &data, const TBlob &weight, const TBlob *bias, bool flatten,
                    const TBlob &out);

/// _linalg_gemm (C given): alpha op(A) op(B) + beta C, and _linalg_gemm2
/// (C null): alpha op(A) op(B), over matrices whose rows run along `axis`
/// and columns along the last axis, batched over the other axes (float32
/// and float64).
void linalgGemm(const TBlob &A, const TBlob &B, const TBlob *C, bool transA, bool transB,
                double alpha, double beta, int64_t axis, const TBlob &out);
/// khatri_rao: column-wise Kronecker product of (r_i, c) matrices, (prod r_i, c).
void khatriRao(std::span<const TBlob> in, const TBlob &out);

// ---- random.cc ------------------------------------------------------------------

/// Philox blocks an output of n elements of dtype consumes.
uint64_t randomBlocks(DType dtype, int64_t n);
/// Fills out from the stream at st: Uniform [a, b), Normal (loc a, scale
/// b), Randint [a, b) (integer dtypes).
void randomFill(RandomKind kind, PhiloxState st, double a, double b, const TBlob &out);
/// Dropout in training: mask = bernoulli(1 - p) / (1 - p) over mask's shape
/// (data's, or 1 along the `axes` of variational dropout), out = data * mask.
void dropout(PhiloxState st, double p, const TBlob &data, const TBlob &out, const TBlob &mask);
/// _random_exponential: rate lam, by inverse transform of the uniform
/// draws (the blocks of a uniform fill of out).
void randomExponential(PhiloxState st, double lam, const TBlob &out);
/// Philox blocks _shuffle consumes for data.
uint64_t shuffleBlocks(const TBlob &data);
/// _shuffle: out = data with its rows (first axis) in a random order; out
/// may be data itself.
void shuffle(PhiloxState st, const TBlob &data, const TBlob &out);

// ---- nn_norm.cc -----------------------------------------------------------------

struct BatchNormParams {
  double eps = 1e-3, momentum = 0.9;
  bool fixGamma = true, useGlobalStats = false, training = false;
  int64_t axis = 1;
};
/// BatchNorm forward (see nn_norm.cc for MXNet's statistics semantics);
/// mean/var (nullable) receive the statistics used, var as 1/sqrt(var+eps).
/// Training updates movingMean/movingVar in place.
void batchNorm(const TBlob &data, const TBlob &gamma, const TBlob &beta, const TBlob &movingMean,
               const TBlob &movingVar, const BatchNormParams &p, const TBlob &out,
               const TBlob *mean, const TBlob *var);
/// LayerNorm along axis; mean and std (nullable) have data's shape with
/// that axis 1; std = sqrt(var + eps).
void layerNorm(const TBlob &data, const TBlob &gamma, const TBlob &beta, int64_t axis, double eps,
               const TBlob &out, const TBlob *mean, const TBlob *stdOut);
/// GroupNorm (and InstanceNorm, groups = channels): data (N, C, ...) in
/// N * groups contiguous rows, each normalized by its mean and biased
/// variance, then scaled and shifted by gamma[g], beta[g] of its group g.
/// mean and spread (nullable) are (N, groups): spread is the variance
/// (InstanceNorm, spreadIsVar) or sqrt(variance + eps) (GroupNorm).
void groupNorm(const TBlob &data, const TBlob &gamma, const TBlob &beta, int64_t groups, double eps,
               bool spreadIsVar, const TBlob &out, const TBlob *mean, const TBlob *spread);
enum class L2Mode : uint8_t { Instance, Channel, Spatial };
/// L2Normalization: out = x / sqrt(sum(x^2) + eps), the sum over all but
/// axis 0 (instance), over axis 1 (channel) or over the axes after 1
/// (spatial); norm (nullable) receives the divisors.
void l2Normalization(const TBlob &data, L2Mode mode, double eps, const TBlob &out,
                     const TBlob *norm);
/// LRN across channels: out = x * (knorm + alpha / nsize * window sum of
/// x^2)^-beta over the nsize (odd) channels centred on each; norm
/// (nullable) receives the base of the power.
void lrn(const TBlob &data, int64_t nsize, double alpha, double beta, double knorm,
         const TBlob &out, const TBlob *norm);
/// softmax_cross_entropy: out (1,) = sum over rows of data (N, K) of
/// -log(max(softmax(row)[label], 1e-8)), as MXNet.
void softmaxCrossEntropy(const TBlob &data, const TBlob &label, const TBlob &out);
enum class SoftmaxKind : uint8_t { Plain, Log, Min };
/// softmax/log_softmax/softmin of data / temperature along axis; out may
/// have another float dtype. length (nullable): valid entries per line,
/// the rest is 0.
void softmax(const TBlob &data, int64_t axis, double temperature, SoftmaxKind kind,
             const TBlob *length, const TBlob &out);

// ---- nn_conv.cc -------------------------------------------------------------------

/// The resolved geometry of a channel-first convolution.
struct ConvGeometry {
  int ndim = 0;
  int64_t groups = 1;
  int64_t kernel[3], stride[3], dilate[3], pad[3], in[3], out[3];
};
/// From MXNet's attributes (empty stride/dilate/pad: 1/1/0); Error names
/// the op and the shapes.
ConvGeometry convGeometry(const TShape &data, std::span<const int64_t> kernel,
                          std::span<const int64_t> stride, std::span<const int64_t> dilate,
                          std::span<const int64_t> pad, int64_t groups, const char *op);
/// Convolution forward: data (N, C, spatial...), weight (F, C/groups,
/// kernel...), bias (F,) or null.
void convolution(const TBlob &data, const TBlob &weight, const TBlob *bias, const ConvGeometry &g,
                 const TBlob &out);

/// Deconvolution (transposed convolution), direct: data (N, C, spatial...),
/// weight (C, F / groups, kernel...), bias (F,) or null; out's spatial
/// extents (inferred, with adj or target_shape) bound the result.
void deconvolution(const TBlob &data, const TBlob &weight, const TBlob *bias,
                   std::span<const int64_t> kernel, std::span<const int64_t> stride,
                   std::span<const int64_t> dilate, std::span<const int64_t> pad, int64_t groups,
                   const TBlob &out);
/// Deconvolution's pad from its attributes (target_shape, when given, decides).
std::vector<int64_t> deconvPad(const TShape &data, std::span<const int64_t> kernel,
                               std::span<const int64_t> stride, std::span<const int64_t> dilate,
                               std::span<const int64_t> pad, std::span<const int64_t> target);

// ---- nn_pool.cc --------------------------------------------------------------------

enum class PoolType : uint8_t { Max, Avg, Sum, Lp };
struct PoolParams {
  PoolType type = PoolType::Max;
  bool global = false, countIncludePad = true;
  std::vector<int64_t> kernel, stride, pad;
  double pValue = 2;
};
/// Pooling forward, channel-first; out's spatial extents decide the windows.
void pooling(const TBlob &data, const PoolParams &p, const TBlob &out);
/// _backward_Pooling: data_grad from out_grad, the forward data and output
/// (max: to the first input of a window equal to its output, as MXNet).
void poolingBackward(const TBlob &outGrad, const TBlob &data, const TBlob &output,
                     const PoolParams &p, const TBlob &dataGrad);
enum class LeakyType : uint8_t { Leaky, PRelu, Elu, Selu, Gelu, RRelu };
struct LeakyParams {
  LeakyType type = LeakyType::Leaky;
  double slope = 0.25, lower = 0.125, upper = 0.334;
  bool training = false;
  PhiloxState random; ///< rrelu's slopes in training
};
/// LeakyReLU: gamma (prelu) per channel of axis 1 or scalar; mask (rrelu)
/// receives the slopes used.
void leakyRelu(const TBlob &data, const TBlob *gamma, LeakyParams p, const TBlob &out,
               const TBlob *mask);

// ---- misc.cc ------------------------------------------------------------------------

/// _slice_assign(_scalar): out = lhs with the slice `ranges` replaced by rhs
/// (or by scalar when rhs is null); out may be lhs itself.
void sliceAssign(const TBlob &lhs, const TBlob *rhs, double scalar,
                 std::span<const SliceRange> ranges, const TBlob &out);
/// _arange: start + floor(i / repeat) * step.
void arange(double start, double step, int64_t repeat, const TBlob &out);
/// _linspace: start + i * step, step (stop - start) / (num - 1) with the
/// endpoint, else / num (in double, as MXNet).
void linspace(double start, double stop, int64_t num, bool endpoint, const TBlob &out);
/// _eye: ones on diagonal k of a 2-D out.
void eye(int64_t k, const TBlob &out);
/// diag: a vector's matrix, or diagonal k of axes (axis1, axis2) as the last axis.
void diag(const TBlob &in, int64_t k, int64_t axis1, int64_t axis2, const TBlob &out);
/// depth_to_space (toSpace) / space_to_depth on (N, C, H, W).
void depthToSpace(const TBlob &in, int64_t blockSize, bool toSpace, const TBlob &out);
/// moments: mean and (biased) variance over the masked axes.
void moments(const TBlob &in, AxisMask axes, const TBlob &mean, const TBlob &var);
/// smooth_l1: |x| - 0.5 / sigma^2 where |x| > 1 / sigma^2, else 0.5 (sigma x)^2.
void smoothL1(const TBlob &in, double sigma, const TBlob &out);
/// SequenceMask: positions at or past each sequence's length get value.
void sequenceMask(const TBlob &data, const TBlob *length, double value, int64_t axis,
                  const TBlob &out);
/// SequenceLast: each sequence's step length - 1 (the last without lengths;
/// zeros for a length outside [1, T]); out is data without the time axis.
void sequenceLast(const TBlob &data, const TBlob *length, int64_t axis, const TBlob &out);
/// SequenceReverse: each sequence's first length steps reversed, later steps
/// copied; out is not data.
void sequenceReverse(const TBlob &data, const TBlob *length, int64_t axis, const TBlob &out);

} // namespace mxrt::kernels::cpu
