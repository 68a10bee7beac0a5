// kernels_gpu_test.cc - every GPU kernel against its CPU twin: the same op,
// attributes and random inputs through invoke() on cpu(0) and gpu(0), the
// outputs compared with the dtype's tolerance. Skipped without a GPU.
#include "kernels_testing.h"
#include "mxrt/base.h"
#include "mxrt/imperative.h"
#include "mxrt/random.h"

#include <cmath>

namespace mxrt {
namespace {

using namespace mxrt::testing;
using KV = Attrs::KeyValue;

struct Input {
  TShape shape;
  DType dtype = DType::Float32;
  double lo = -2, hi = 2;
};

struct Case {
  const char *op;
  std::vector<KV> attrs;
  std::vector<Input> inputs;
};

NDArray toDevice(const HostArray &h, Context ctx) {
  NDArray a(h.shape(), ctx, h.dtype());
  a.syncCopyFromCPU(h.blob().dptr, h.blob().nbytes());
  return a;
}

HostArray toHost(const NDArray &a) {
  HostArray h(a.shape(), a.dtype());
  a.syncCopyToCPU(h.blob().dptr, h.blob().nbytes());
  return h;
}

void runBoth(const Case &c, std::mt19937 &rng) {
  std::vector<NDArray> cpuIn, gpuIn;
  for (const Input &in : c.inputs) {
    HostArray h = randomArray(in.shape, in.dtype, rng, in.lo, in.hi);
    cpuIn.push_back(toDevice(h, Context::cpu()));
    gpuIn.push_back(toDevice(h, Context::gpu()));
  }
  const OpSpec *op = findOp(c.op);
  ASSERT_TRUE(op) << c.op;
  std::vector<NDArray> cpuOut, gpuOut;
  invoke(*op, cpuIn, c.attrs, cpuOut);
  invoke(*op, gpuIn, c.attrs, gpuOut);
  ASSERT_EQ(cpuOut.size(), gpuOut.size()) << c.op;
  for (size_t i = 0; i < cpuOut.size(); ++i) {
    HostArray want = toHost(cpuOut[i]), got = toHost(gpuOut[i]);
    ASSERT_EQ(got.shape(), want.shape()) << c.op;
    ASSERT_EQ(got.dtype(), want.dtype()) << c.op;
    double tol = got.dtype() == DType::Float32 ? 1e-5 : tolerance(got.dtype()) * 2;
    expectClose(got, want.values(), tol, str(c.op, " output ", i));
  }
}

TEST(KernelsGPU, EveryKernelMatchesTheCPU) {
  if (numGPUs() == 0)
    GTEST_SKIP() << "no GPU: the CUDA kernels are compared with the CPU ones on a GPU machine";
  std::mt19937 rng(71);
  const TShape s{4, 5, 6};
  std::vector<Case> cases;
  for (const char *u : {"abs", "sign", "round", "sqrt", "exp", "log1p", "tanh", "sigmoid", "relu",
                        "erf", "erfinv", "gammaln", "negative", "square", "logical_not"})
    for (DType t : {DType::Float32, DType::Float16, DType::Float64, DType::BFloat16}) {
      double lo = std::string(u) == "erfinv" ? -0.9 : std::string(u) == "sqrt" ? 0 : -2;
      double hi = std::string(u) == "erfinv" ? 0.9 : 2;
      cases.push_back({u, {}, {{s, t, lo, hi}}});
    }
  for (const char *u : {"abs", "negative", "square", "relu"})
    for (DType t : {DType::Int32, DType::Int64, DType::Int8, DType::UInt8})
      cases.push_back({u, {}, {{s, t, 0, 9}}});
  for (const char *b : {"broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                        "broadcast_mod", "broadcast_maximum", "broadcast_power",
                        "broadcast_greater", "broadcast_logical_and", "broadcast_hypot"})
    for (DType t : {DType::Float32, DType::Float16, DType::Int32, DType::Int64}) {
      cases.push_back({b, {}, {{s, t, 1, 3}, {TShape{5, 1}, t, 1, 3}}});
      cases.push_back({b, {}, {{TShape{4, 1, 6}, t, 1, 3}, {TShape{1, 5, 1}, t, 1, 3}}});
    }
  for (const char *sc : {"_plus_scalar", "_rminus_scalar", "_rdiv_scalar", "_power_scalar",
                         "_greater_scalar", "_mod_scalar"})
    for (DType t : {DType::Float32, DType::Int32})
      cases.push_back({sc, {{"scalar", "2.5"}}, {{s, t, 1, 5}}});
  for (DType t : {DType::Float32, DType::Float64, DType::Float16, DType::Int32, DType::Int8})
    for (const char *r : {"sum", "mean", "max", "min", "prod", "nansum"}) {
      cases.push_back({r, {{"axis", "(1,)"}}, {{s, t, 1, 2}}});
      cases.push_back({r, {{"axis", "(0, 2)"}}, {{s, t, 1, 2}}});
      cases.push_back({r, {}, {{TShape{3000}, t, 0, 2}}});
    }
  cases.push_back({"norm", {{"ord", "2"}, {"axis", "(1,)"}}, {{s}}});
  cases.push_back({"norm", {{"ord", "1"}}, {{s}}});
  cases.push_back({"argmax", {{"axis", "1"}}, {{s}}});
  cases.push_back({"argmin", {{"axis", "-1"}}, {{s, DType::Int32, 0, 50}}});
  cases.push_back({"dot", {}, {{TShape{33, 17}}, {TShape{17, 9}}}});
  cases.push_back({"dot",
                   {{"transpose_a", "True"}, {"transpose_b", "True"}},
                   {{TShape{17, 33}}, {TShape{9, 17}}}});
  cases.push_back({"dot", {}, {{TShape{8, 16}, DType::Float16}, {TShape{16, 4}, DType::Float16}}});
  cases.push_back({"dot", {}, {{TShape{8, 16}, DType::Float64}, {TShape{16, 4}, DType::Float64}}});
  cases.push_back({"batch_dot", {{"transpose_b", "True"}}, {{TShape{3, 7, 5}}, {TShape{3, 6, 5}}}});
  cases.push_back(
      {"FullyConnected", {{"num_hidden", "6"}}, {{TShape{4, 3, 5}}, {TShape{6, 15}}, {TShape{6}}}});
  cases.push_back({"transpose", {{"axes", "(2, 0, 1)"}}, {{s}}});
  cases.push_back({"SwapAxis", {{"dim1", "0"}, {"dim2", "2"}}, {{s, DType::Int64}}});
  cases.push_back({"slice",
                   {{"begin", "(1, None, -1)"}, {"end", "(3, None, 0)"}, {"step", "(1, 2, -2)"}},
                   {{s}}});
  cases.push_back({"slice_axis", {{"axis", "1"}, {"begin", "1"}, {"end", "-1"}}, {{s}}});
  cases.push_back({"reverse", {{"axis", "(0, 2)"}}, {{s, DType::Float16}}});
  cases.push_back({"tile", {{"reps", "(2, 1, 3)"}}, {{s}}});
  cases.push_back({"repeat", {{"repeats", "3"}, {"axis", "1"}}, {{s, DType::UInt8, 0, 9}}});
  cases.push_back({"Concat", {{"num_args", "2"}, {"dim", "1"}}, {{s}, {TShape{4, 2, 6}}}});
  cases.push_back({"stack", {{"num_args", "2"}, {"axis", "1"}}, {{s}, {s}}});
  cases.push_back({"SliceChannel", {{"num_outputs", "2"}, {"axis", "2"}}, {{s}}});
  cases.push_back({"broadcast_to", {{"shape", "(4, 5, 6)"}}, {{TShape{1, 5, 1}}}});
  cases.push_back(
      {"take", {{"axis", "1"}, {"mode", "wrap"}}, {{s}, {TShape{2, 3}, DType::Float32, -7, 7}}});
  cases.push_back({"Embedding",
                   {{"input_dim", "5"}, {"output_dim", "6"}},
                   {{TShape{7}, DType::Int32, -1, 6}, {TShape{5, 6}}}});
  cases.push_back({"pick", {{"axis", "1"}}, {{s}, {TShape{4, 6}, DType::Int32, 0, 4}}});
  cases.push_back({"one_hot", {{"depth", "7"}}, {{TShape{3, 4}, DType::Int32, -1, 8}}});
  cases.push_back({"clip", {{"a_min", "-0.5"}, {"a_max", "1"}}, {{s}}});
  cases.push_back({"where", {}, {{s, DType::Int32, 0, 1}, {s}, {s}}});
  cases.push_back({"add_n", {{"num_args", "3"}}, {{s}, {s}, {s}}});
  for (DType t : {DType::Float32, DType::Float16, DType::Int32, DType::Int8, DType::Bool})
    cases.push_back({"Cast", {{"dtype", "float64"}}, {{s, t, 0, 5}}});
  for (const Case &c : cases)
    runBoth(c, rng);
}

TEST(KernelsGPU, RandomStreamsAreReproducible) {
  if (numGPUs() == 0)
    GTEST_SKIP() << "no GPU: GPU random sampling runs on a GPU machine";
  const KV kv[] = {{"shape", "(100000,)"}, {"ctx", "gpu(0)"}, {"loc", "1"}, {"scale", "2"}};
  randomSeed(7, Context::gpu());
  HostArray a = toHost(invoke("_random_normal", {}, kv)[0]);
  randomSeed(7, Context::gpu());
  HostArray b = toHost(invoke("_random_normal", {}, kv)[0]);
  EXPECT_TRUE(sameBits(a, b));
  double mean = 0, var = 0;
  for (double v : a.values())
    mean += v / double(a.numel());
  for (double v : a.values())
    var += (v - mean) * (v - mean) / double(a.numel());
  EXPECT_NEAR(mean, 1, 0.03);
  EXPECT_NEAR(var, 4, 0.1);
}

} // namespace
} // namespace mxrt
