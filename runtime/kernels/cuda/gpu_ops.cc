// gpu_ops.cc - the CUDA kernels over TBlobs (gpu_kernels.h) and their
// registration for the GPU: argument checks and plans as on the CPU, then
// the launchers of the .cu files; concat/split are strided device copies.
#include "kernels/cpu/cpu_util.h"
#include "kernels/cuda/gpu_kernels.h"
#include "kernels/op_names.h"
#include "mxrt/random.h"

#include <cuda_runtime.h>

namespace mxrt::kernels::gpu {
namespace {

int code(DType t) { return int(t); }

void copy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
            Stream s) {
  if (width == 0 || height == 0)
    return;
  cudaError_t e = cudaMemcpy2DAsync(dst, dpitch, src, spitch, width, height,
                                    cudaMemcpyDeviceToDevice, static_cast<cudaStream_t>(s));
  MXRT_CHECK(e == cudaSuccess, "GPU copy failed: ", cudaGetErrorString(e));
}

} // namespace

void unary(UnaryOp op, const TBlob &in, const TBlob &out, Stream s) {
  cpu::checkDType(out, in.dtype, "unary", "out");
  cpu::checkSameSize(in, out, "unary", "data", "out");
  cuda::launchUnary(op, code(in.dtype), in.dptr, out.dptr, in.numel(), s);
}

void binary(BinaryOp op, const TBlob &lhs, const TBlob &rhs, const TBlob &out, Stream s) {
  cpu::checkDType(rhs, lhs.dtype, "binary op", "rhs");
  cpu::checkDType(out, lhs.dtype, "binary op", "out");
  if (out.numel() == 0)
    return;
  StridedPlan p = planBroadcast(out.shape, {&lhs.shape, &rhs.shape}, "binary op");
  cuda::launchBinary(op, code(lhs.dtype), lhs.dptr, rhs.dptr, out.dptr, p, s);
}

void binaryScalar(BinaryOp op, const TBlob &in, double scalar, bool reverse, const TBlob &out,
                  Stream s) {
  cpu::checkSameSize(in, out, "scalar op", "data", "out");
  if (out.dtype != in.dtype) {
    cast(in, out, s);
    return binaryScalar(op, out, scalar, reverse, out, s);
  }
  cuda::launchBinaryScalar(op, code(in.dtype), in.dptr, scalar, reverse, out.dptr, in.numel(), s);
}

void cast(const TBlob &in, const TBlob &out, Stream s) {
  cpu::checkSameSize(in, out, "Cast", "data", "out");
  if (in.dptr == out.dptr && in.dtype == out.dtype)
    return;
  cuda::launchCast(code(in.dtype), code(out.dtype), in.dptr, out.dptr, in.numel(), s);
}

void fill(const TBlob &out, double value, Stream s) {
  cuda::launchFill(code(out.dtype), out.dptr, out.numel(), value, s);
}

void clip(const TBlob &in, const TBlob &out, double lo, double hi, Stream s) {
  cpu::checkDType(out, in.dtype, "clip", "out");
  cpu::checkSameSize(in, out, "clip", "data", "out");
  cuda::launchClip(code(in.dtype), in.dptr, out.dptr, in.numel(), lo, hi, s);
}

void addN(std::span<const TBlob> in, const TBlob &out, Stream s) {
  MXRT_CHECK(!in.empty(), "operator add_n: needs at least one input");
  if (in.size() == 1)
    return cast(in[0], out, s);
  binary(BinaryOp::Add, in[0], in[1], out, s);
  for (size_t k = 2; k < in.size(); ++k)
    binary(BinaryOp::Add, out, in[k], out, s);
}

void where(const TBlob &cond, const TBlob &x, const TBlob &y, const TBlob &out, Stream s) {
  cpu::checkShape(y, x.shape, "where", "y");
  cpu::checkDType(out, x.dtype, "where", "out");
  const bool rows = cond.shape != x.shape;
  MXRT_CHECK(!rows ||
                 (cond.shape.ndim() == 1 && x.shape.ndim() >= 1 && cond.shape[0] == x.shape[0]),
             "operator where: condition has shape ", cond.shape.str(), ", expected the shape of x ",
             x.shape.str());
  const int64_t inner = rows ? x.shape.prod(1, x.shape.ndim()) : 1;
  cuda::launchWhere(code(cond.dtype), code(x.dtype), cond.dptr, x.dptr, y.dptr, out.dptr,
                    out.numel(), std::max<int64_t>(inner, 1), s);
}

void broadcastTo(const TBlob &in, const TBlob &out, Stream s) {
  cpu::checkDType(out, in.dtype, "broadcast_to", "out");
  if (out.numel() == 0)
    return;
  StridedPlan p = planBroadcast(out.shape, {&in.shape}, "broadcast_to");
  cuda::launchStridedCopy(in.dptr, p, out.dptr, int(dtypeSize(in.dtype)), s);
}

void reduce(ReduceOp op, const TBlob &in, AxisMask axes, const TBlob &out, Stream s) {
  StridedPlan kept, red;
  reducePlans(in.shape, axes, &kept, &red);
  MXRT_CHECK(kept.numel() == out.numel(), "reduce: output has ", out.numel(),
             " elements, expected ", kept.numel());
  MXRT_CHECK(red.numel() > 0 || (op != ReduceOp::Max && op != ReduceOp::Min) || out.numel() == 0,
             "operator max/min: cannot reduce over a zero-size axis of an array of shape ",
             in.shape.str());
  cuda::launchReduce(op, code(in.dtype), code(out.dtype), in.dptr, out.dptr, kept, red, s);
}

void argReduce(bool isMax, const TBlob &in, std::optional<int> axis, const TBlob &out, Stream s) {
  int64_t outer = 1, n = in.numel(), inner = 1;
  if (axis) {
    const int a = cpu::normalizeAxis(*axis, in.shape.ndim(), isMax ? "argmax" : "argmin");
    outer = in.shape.prod(0, a);
    n = in.shape[a];
    inner = in.shape.prod(a + 1, in.shape.ndim());
  }
  MXRT_CHECK(out.numel() == outer * inner && (n > 0 || out.numel() == 0),
             "operator argmax/argmin: output has ", out.numel(), " elements, expected ",
             outer * inner);
  cuda::launchArgReduce(isMax, code(in.dtype), code(out.dtype), in.dptr, out.dptr, outer, n, inner,
                        s);
}

namespace {
void copyPlan(const TBlob &in, const StridedPlan &p, const TShape &os, const TBlob &out,
              const char *op, Stream s) {
  cpu::checkDType(out, in.dtype, op, "out");
  MXRT_CHECK(out.numel() == os.numel(), "operator ", op, ": output has shape ", out.shape.str(),
             ", expected ", os.str());
  if (out.numel())
    cuda::launchStridedCopy(in.dptr, p, out.dptr, int(dtypeSize(in.dtype)), s);
}
} // namespace

void transpose(const TBlob &in, std::span<const int64_t> axes, const TBlob &out, Stream s) {
  TShape os;
  StridedPlan p = transposePlan(in.shape, axes, &os);
  copyPlan(in, p, os, out, "transpose", s);
}

void slice(const TBlob &in, std::span<const SliceRange> ranges, const TBlob &out, Stream s) {
  TShape os;
  StridedPlan p = slicePlan(in.shape, ranges, &os);
  copyPlan(in, p, os, out, "slice", s);
}

void flip(const TBlob &in, std::span<const int64_t> axes, const TBlob &out, Stream s) {
  copyPlan(in, flipPlan(in.shape, axes), in.shape, out, "reverse", s);
}

void tile(const TBlob &in, std::span<const int64_t> reps, const TBlob &out, Stream s) {
  TShape os;
  StridedPlan p = tilePlan(in.shape, reps, &os);
  copyPlan(in, p, os, out, "tile", s);
}

void repeat(const TBlob &in, int64_t repeats, std::optional<int64_t> axis, const TBlob &out,
            Stream s) {
  copyPlan(in, repeatPlan(in.shape, repeats, axis), TShape{in.numel() * repeats}, out, "repeat", s);
}

void concat(std::span<const TBlob> in, int64_t axis, const TBlob &out, Stream s) {
  MXRT_CHECK(!in.empty(), "operator Concat: needs at least one input");
  const int nd = out.shape.ndim();
  const int a = cpu::normalizeAxis(axis, nd, "Concat", "dim");
  const int64_t outer = out.shape.prod(0, a), inner = out.shape.prod(a + 1, nd);
  const size_t es = dtypeSize(out.dtype), row = size_t(out.shape[a] * inner) * es;
  size_t off = 0;
  for (const TBlob &b : in) {
    cpu::checkDType(b, out.dtype, "Concat", "data");
    MXRT_CHECK(b.shape.ndim() == nd && b.numel() == outer * b.shape[a] * inner,
               "operator Concat: input ", b.shape.str(), " does not fit output ", out.shape.str());
    const size_t w = size_t(b.shape[a] * inner) * es;
    copy2D(static_cast<char *>(out.dptr) + off, row, b.dptr, w, w, size_t(outer), s);
    off += w;
  }
  MXRT_CHECK(off == row, "operator Concat: inputs sum to ", off / es / size_t(inner), " along dim ",
             a, ", output has ", out.shape[a]);
}

void stack(std::span<const TBlob> in, int64_t axis, const TBlob &out, Stream s) {
  MXRT_CHECK(!in.empty(), "operator stack: needs at least one input");
  const int nd = in[0].shape.ndim();
  const int64_t a = axis < 0 ? axis + nd + 1 : axis;
  MXRT_CHECK(a >= 0 && a <= nd, "operator stack: axis=", axis, " is out of range for rank ", nd);
  std::vector<TBlob> views(in.begin(), in.end());
  for (TBlob &v : views) {
    std::vector<int64_t> d(v.shape.begin(), v.shape.end());
    d.insert(d.begin() + a, 1);
    v.shape = TShape(std::span<const int64_t>(d));
  }
  concat(views, a, out, s);
}

void split(const TBlob &in, int64_t axis, std::span<const TBlob> out, Stream s) {
  MXRT_CHECK(!out.empty(), "operator split: needs at least one output");
  const int nd = in.shape.ndim();
  const int a = cpu::normalizeAxis(axis, nd, "split");
  const int64_t outer = in.shape.prod(0, a), inner = in.shape.prod(a + 1, nd);
  const int64_t each = in.shape[a] / int64_t(out.size());
  MXRT_CHECK(each * int64_t(out.size()) == in.shape[a], "operator split: axis ", a, " of data ",
             in.shape.str(), " does not split into ", out.size(), " equal parts");
  const size_t es = dtypeSize(in.dtype), row = size_t(in.shape[a] * inner) * es,
               w = size_t(each * inner) * es;
  for (size_t k = 0; k < out.size(); ++k)
    copy2D(out[k].dptr, w, static_cast<const char *>(in.dptr) + k * w, row, w, size_t(outer), s);
}

void take(const TBlob &a, const TBlob &indices, int64_t axis, cpu::IndexMode mode, const TBlob &out,
          Stream s) {
  MXRT_CHECK(mode != cpu::IndexMode::Raise, "operator take: mode 'raise' is not supported on GPU");
  const int nd = a.shape.ndim();
  const int ax = cpu::normalizeAxis(axis, nd, "take");
  const int64_t outer = a.shape.prod(0, ax), n = a.shape[ax], inner = a.shape.prod(ax + 1, nd);
  MXRT_CHECK(out.numel() == outer * indices.numel() * inner, "operator take: output has ",
             out.numel(), " elements, expected ", outer * indices.numel() * inner);
  MXRT_CHECK(n > 0 || out.numel() == 0, "operator take: cannot take from an empty axis");
  cuda::launchTake(int(dtypeSize(a.dtype)), a.dptr, code(indices.dtype), indices.dptr, out.dptr,
                   outer, n, inner, indices.numel(), mode == cpu::IndexMode::Wrap ? 1 : 0, s);
}

void pick(const TBlob &data, const TBlob &index, int64_t axis, cpu::IndexMode mode,
          const TBlob &out, Stream s) {
  const int nd = data.shape.ndim();
  const int ax = cpu::normalizeAxis(axis, nd, "pick");
  const int64_t outer = data.shape.prod(0, ax), n = data.shape[ax],
                inner = data.shape.prod(ax + 1, nd);
  MXRT_CHECK(index.numel() == outer * inner && out.numel() == outer * inner,
             "operator pick: index has shape ", index.shape.str(), ", expected ", outer * inner,
             " elements for data ", data.shape.str());
  cuda::launchPick(code(data.dtype), data.dptr, code(index.dtype), index.dptr, out.dptr, outer, n,
                   inner, mode == cpu::IndexMode::Wrap ? 1 : 0, s);
}

void oneHot(const TBlob &indices, int64_t depth, double on, double off, const TBlob &out,
            Stream s) {
  MXRT_CHECK(out.numel() == indices.numel() * depth, "operator one_hot: output has ", out.numel(),
             " elements, expected ", indices.numel() * depth);
  cuda::launchOneHot(code(out.dtype), code(indices.dtype), indices.dptr, out.dptr, indices.numel(),
                     depth, on, off, s);
}

void randomFill(RandomKind kind, PhiloxState st, double a, double b, const TBlob &out, Stream s) {
  if (kind == RandomKind::Randint)
    MXRT_CHECK(b > a, "operator _random_randint: high=", int64_t(b),
               " must exceed low=", int64_t(a));
  cuda::launchRandom(kind, code(out.dtype), st, a, b, out.dptr, out.numel(), s);
}

// ---- op registration -----------------------------------------------------------

namespace {

using In = std::span<const TBlob>;
OpMap<UnaryOp> unaryOf;
OpMap<BinaryName> scalarOf;
OpMap<BinaryOp> binaryOf;
OpMap<ReduceOp> reduceOf;

Stream st(const OpContext &c) { return c.run.stream; }

std::optional<std::vector<int64_t>> axesAttr(const Attrs &a) {
  if (a.isNone("axis"))
    return std::nullopt;
  return a.getShape("axis");
}

std::vector<std::optional<int64_t>> optTuple(const Attrs &a, std::string_view name) {
  std::vector<std::optional<int64_t>> r;
  for (int64_t v : a.getShape(name))
    r.push_back(v == kNoneIndex ? std::nullopt : std::optional<int64_t>(v));
  return r;
}

cpu::IndexMode indexMode(const Attrs &a) {
  const std::string &m = a.getStr("mode");
  return m == "wrap"    ? cpu::IndexMode::Wrap
         : m == "raise" ? cpu::IndexMode::Raise
                        : cpu::IndexMode::Clip;
}

template <RandomKind Kind> void sampleKernel(const OpContext &c, const Attrs &a, In, In out) {
  const char *lo = Kind == RandomKind::Normal ? "loc" : "low";
  const char *hi = Kind == RandomKind::Normal ? "scale" : "high";
  double x = Kind == RandomKind::Randint ? double(a.getInt(lo)) : a.getFloat(lo);
  double y = Kind == RandomKind::Randint ? double(a.getInt(hi)) : a.getFloat(hi);
  RandomStream rs = reserveRandom(c.run.ctx, cpu::randomBlocks(out[0].dtype, out[0].numel()));
  randomFill(Kind, {rs.key, rs.block}, x, y, out[0], st(c));
}

void reg(const char *name, KernelFn fn, bool random = false) {
  registerKernel(name, DeviceType::GPU, fn, random);
}

const cpu::KernelRegistrar registrations([] {
  for (const UnaryName &u : kUnaryOps) {
    unaryOf.set(u.name, u.op);
    reg(u.name, [](const OpContext &c, const Attrs &a, In in, In out) {
      unary(unaryOf[a.op()], in[0], out[0], st(c));
    });
  }
  for (const BinaryName &b : kScalarOps) {
    scalarOf.set(b.name, b);
    reg(b.name, [](const OpContext &c, const Attrs &a, In in, In out) {
      const BinaryName &n = scalarOf[a.op()];
      binaryScalar(n.op, in[0], a.getFloat("scalar"), n.reverse, out[0], st(c));
    });
  }
  for (const BinaryName &b : kBinaryOps) {
    binaryOf.set(b.name, b.op);
    reg(b.name, [](const OpContext &c, const Attrs &a, In in, In out) {
      binary(binaryOf[a.op()], in[0], in[1], out[0], st(c));
    });
  }
  for (const char *n : {"broadcast_to", "broadcast_like", "broadcast_axis"})
    reg(n, [](const OpContext &c, const Attrs &, In in, In out) {
      broadcastTo(in[0], out[0], st(c));
    });
  for (const char *n : {"Cast", "Reshape", "Flatten", "expand_dims", "squeeze", "reshape_like"})
    reg(n, [](const OpContext &c, const Attrs &, In in, In out) { cast(in[0], out[0], st(c)); });
  reg("clip", [](const OpContext &c, const Attrs &a, In in, In out) {
    clip(in[0], out[0], a.getFloat("a_min"), a.getFloat("a_max"), st(c));
  });
  reg("add_n", [](const OpContext &c, const Attrs &, In in, In out) { addN(in, out[0], st(c)); });
  reg("where", [](const OpContext &c, const Attrs &, In in, In out) {
    where(in[0], in[1], in[2], out[0], st(c));
  });
  for (const char *n : {"zeros_like", "_zeros"})
    reg(n, [](const OpContext &c, const Attrs &, In, In out) { fill(out[0], 0, st(c)); });
  for (const char *n : {"ones_like", "_ones"})
    reg(n, [](const OpContext &c, const Attrs &, In, In out) { fill(out[0], 1, st(c)); });
  reg("_full", [](const OpContext &c, const Attrs &a, In, In out) {
    fill(out[0], a.getFloat("value"), st(c));
  });

  const std::pair<const char *, ReduceOp> reductions[] = {
      {"sum", ReduceOp::Sum},        {"mean", ReduceOp::Mean}, {"prod", ReduceOp::Prod},
      {"max", ReduceOp::Max},        {"min", ReduceOp::Min},   {"nansum", ReduceOp::NanSum},
      {"nanprod", ReduceOp::NanProd}};
  for (auto [n, op] : reductions) {
    reduceOf.set(n, op);
    reg(n, [](const OpContext &c, const Attrs &a, In in, In out) {
      const bool exclude = a.op().findAttr("exclude") && a.getBool("exclude");
      reduce(reduceOf[a.op()], in[0],
             cpu::reduceMask(axesAttr(a), exclude, in[0].shape.ndim(), a.op().name.data()), out[0],
             st(c));
    });
  }
  reg("norm", [](const OpContext &c, const Attrs &a, In in, In out) {
    const int64_t ord = a.getInt("ord");
    MXRT_CHECK(ord == 1 || ord == 2, "operator norm: ord=", ord, " is not supported (1 or 2)");
    reduce(ord == 1 ? ReduceOp::Norm1 : ReduceOp::Norm2, in[0],
           cpu::reduceMask(axesAttr(a), false, in[0].shape.ndim(), "norm"), out[0], st(c));
  });
  reg("argmax", [](const OpContext &c, const Attrs &a, In in, In out) {
    auto ax = a.getOptInt("axis");
    argReduce(true, in[0], ax ? std::optional<int>(int(*ax)) : std::nullopt, out[0], st(c));
  });
  reg("argmin", [](const OpContext &c, const Attrs &a, In in, In out) {
    auto ax = a.getOptInt("axis");
    argReduce(false, in[0], ax ? std::optional<int>(int(*ax)) : std::nullopt, out[0], st(c));
  });

  reg("transpose", [](const OpContext &c, const Attrs &a, In in, In out) {
    transpose(in[0], a.getShape("axes"), out[0], st(c));
  });
  reg("SwapAxis", [](const OpContext &c, const Attrs &a, In in, In out) {
    const int nd = in[0].shape.ndim();
    std::vector<int64_t> perm(static_cast<size_t>(nd));
    for (int d = 0; d < nd; ++d)
      perm[size_t(d)] = d;
    std::swap(perm[size_t(cpu::normalizeAxis(a.getInt("dim1"), nd, "SwapAxis", "dim1"))],
              perm[size_t(cpu::normalizeAxis(a.getInt("dim2"), nd, "SwapAxis", "dim2"))]);
    transpose(in[0], perm, out[0], st(c));
  });
  reg("slice", [](const OpContext &c, const Attrs &a, In in, In out) {
    auto b = optTuple(a, "begin"), e = optTuple(a, "end"), s = optTuple(a, "step");
    slice(in[0], resolveSlice(in[0].shape, b, e, s), out[0], st(c));
  });
  reg("slice_axis", [](const OpContext &c, const Attrs &a, In in, In out) {
    slice(in[0],
          sliceAxisRanges(in[0].shape, a.getInt("axis"), a.getInt("begin"), a.getOptInt("end")),
          out[0], st(c));
  });
  reg("reverse", [](const OpContext &c, const Attrs &a, In in, In out) {
    flip(in[0], a.getShape("axis"), out[0], st(c));
  });
  reg("tile", [](const OpContext &c, const Attrs &a, In in, In out) {
    tile(in[0], a.getShape("reps"), out[0], st(c));
  });
  reg("repeat", [](const OpContext &c, const Attrs &a, In in, In out) {
    repeat(in[0], a.getInt("repeats"), a.getOptInt("axis"), out[0], st(c));
  });
  reg("Concat", [](const OpContext &c, const Attrs &a, In in, In out) {
    concat(in, a.getInt("dim"), out[0], st(c));
  });
  reg("stack", [](const OpContext &c, const Attrs &a, In in, In out) {
    stack(in, a.getInt("axis"), out[0], st(c));
  });
  reg("SliceChannel", [](const OpContext &c, const Attrs &a, In in, In out) {
    split(in[0], a.getInt("axis"), out, st(c));
  });
  reg("take", [](const OpContext &c, const Attrs &a, In in, In out) {
    take(in[0], in[1], a.getInt("axis"), indexMode(a), out[0], st(c));
  });
  reg("Embedding", [](const OpContext &c, const Attrs &, In in, In out) {
    take(in[1], in[0], 0, cpu::IndexMode::Clip, out[0], st(c));
  });
  reg("pick", [](const OpContext &c, const Attrs &a, In in, In out) {
    std::optional<int64_t> axis = a.getOptInt("axis");
    TBlob data = in[0];
    if (!axis)
      data.shape = TShape{in[0].numel()};
    pick(data, in[1], axis ? *axis : 0, indexMode(a), out[0], st(c));
  });
  reg("one_hot", [](const OpContext &c, const Attrs &a, In in, In out) {
    oneHot(in[0], a.getInt("depth"), a.getFloat("on_value"), a.getFloat("off_value"), out[0],
           st(c));
  });
  for (const char *n : {"_random_uniform", "_random_uniform_like"})
    reg(n, sampleKernel<RandomKind::Uniform>, true);
  for (const char *n : {"_random_normal", "_random_normal_like"})
    reg(n, sampleKernel<RandomKind::Normal>, true);
  reg("_random_randint", sampleKernel<RandomKind::Randint>, true);

  reg("dot", [](const OpContext &c, const Attrs &a, In in, In out) {
    dot(in[0], in[1], a.getBool("transpose_a"), a.getBool("transpose_b"), out[0], st(c));
  });
  reg("batch_dot", [](const OpContext &c, const Attrs &a, In in, In out) {
    batchDot(in[0], in[1], a.getBool("transpose_a"), a.getBool("transpose_b"), out[0], st(c));
  });
  reg("FullyConnected", [](const OpContext &c, const Attrs &a, In in, In out) {
    fullyConnected(in[0], in[1], a.getBool("no_bias") ? nullptr : &in[2], a.getBool("flatten"),
                   out[0], st(c));
  });
});

} // namespace
} // namespace mxrt::kernels::gpu
