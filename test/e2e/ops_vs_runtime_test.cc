// ops_vs_runtime_test.cc - compiled kernels against the runtime's imperative kernels.
//
// For every op case below that the runtime registered a CPU kernel for
// (mxrt::opImpl(spec).cpu), a graph of that op alone is compiled, run
// through the module loader and the engine, and compared with the kernel
// run directly on the same random inputs, on random shapes. Cases whose op
// has no runtime kernel are skipped with a reason (test_ops.py compares
// every op against MXNet instead).
#include "e2e_testing.h"

#include "mxrt/op_registry.h"
#include "mxrt/op_table.h"

#include <cmath>

using namespace mxc::testing;
using mxrt::NDArray;
using mxrt::TShape;

namespace {

struct OpCase {
  std::string op;
  int inputs; ///< same-shape inputs (x0, x1, ...)
  std::map<std::string, std::string> attrs;
  double lo = -2, hi = 2;          ///< input range
  std::vector<TShape> shapes = {}; ///< explicit input shapes, else random
};

std::string caseName(const ::testing::TestParamInfo<OpCase> &info) {
  std::string n = info.param.op;
  for (const auto &[k, v] : info.param.attrs)
    n += "_" + v;
  for (char &c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      c = '_';
  return n + "_" + std::to_string(info.index);
}

std::vector<OpCase> cases() {
  std::vector<OpCase> c;
  for (const char *op :
       {"abs",     "sign",    "floor",       "ceil", "round",    "trunc", "square",
        "exp",     "expm1",   "sin",         "cos",  "arctan",   "sinh",  "cosh",
        "tanh",    "arcsinh", "sigmoid",     "relu", "softsign", "erf",   "negative",
        "degrees", "radians", "logical_not", "_copy"})
    c.push_back({op, 1, {}});
  for (const char *op :
       {"sqrt", "rsqrt", "cbrt", "rcbrt", "log", "log10", "log2", "log1p", "reciprocal"})
    c.push_back({op, 1, {}, 0.1, 3});
  for (const char *act : {"relu", "sigmoid", "tanh", "softrelu", "softsign"})
    c.push_back({"Activation", 1, {{"act_type", act}}});
  for (const char *op : {"elemwise_add", "elemwise_sub", "elemwise_mul", "_maximum", "_minimum",
                         "_hypot", "_equal", "_not_equal", "_greater", "_greater_equal", "_lesser",
                         "_lesser_equal", "_logical_and", "_logical_or", "_logical_xor"})
    c.push_back({op, 2, {}});
  for (const char *op : {"elemwise_div", "_mod", "_power"})
    c.push_back({op, 2, {}, 0.2, 3});
  for (const char *op :
       {"_plus_scalar", "_minus_scalar", "_rminus_scalar", "_mul_scalar", "_div_scalar",
        "_mod_scalar", "_maximum_scalar", "_minimum_scalar", "_hypot_scalar", "_equal_scalar",
        "_greater_scalar", "_lesser_equal_scalar"})
    c.push_back({op, 1, {{"scalar", "1.25"}}});
  c.push_back({"_rdiv_scalar", 1, {{"scalar", "1.5"}}, 0.2, 3});
  c.push_back({"_power_scalar", 1, {{"scalar", "2.5"}}, 0.2, 3});
  c.push_back({"add_n", 3, {{"num_args", "3"}}});
  c.push_back({"clip", 1, {{"a_min", "-0.5"}, {"a_max", "0.75"}}});
  c.push_back({"hard_sigmoid", 1, {}});
  c.push_back({"broadcast_add", 2, {}, -2, 2, {TShape{3, 4, 5}, TShape{3, 1, 5}}});
  c.push_back({"broadcast_mul", 2, {}, -2, 2, {TShape{2, 1, 4}, TShape{1, 3, 4}}});
  c.push_back({"broadcast_maximum", 2, {}, -2, 2, {TShape{4, 6}, TShape{1, 6}}});
  c.push_back({"broadcast_greater", 2, {}, -2, 2, {TShape{2, 3}, TShape{2, 1}}});
  c.push_back({"FullyConnected",
               3,
               {{"num_hidden", "7"}},
               -1,
               1,
               {TShape{5, 3, 4}, TShape{7, 12}, TShape{7}}});
  c.push_back({"FullyConnected",
               2,
               {{"num_hidden", "6"}, {"no_bias", "True"}, {"flatten", "False"}},
               -1,
               1,
               {TShape{2, 3, 8}, TShape{6, 8}}});
  c.push_back({"dot", 2, {}, -1, 1, {TShape{9, 17}, TShape{17, 5}}});
  c.push_back({"dot", 2, {{"transpose_b", "True"}}, -1, 1, {TShape{4, 6}, TShape{3, 6}}});
  c.push_back({"batch_dot", 2, {}, -1, 1, {TShape{3, 4, 5}, TShape{3, 5, 2}}});
  c.push_back({"transpose", 1, {{"axes", "(2, 0, 1)"}}, -1, 1, {TShape{3, 4, 5}}});
  c.push_back({"SwapAxis", 1, {{"dim1", "0"}, {"dim2", "1"}}, -1, 1, {TShape{3, 4, 2}}});
  c.push_back(
      {"Concat", 2, {{"num_args", "2"}, {"dim", "1"}}, -1, 1, {TShape{2, 3}, TShape{2, 5}}});
  c.push_back(
      {"stack", 2, {{"num_args", "2"}, {"axis", "0"}}, -1, 1, {TShape{4, 3}, TShape{4, 3}}});
  c.push_back({"slice",
               1,
               {{"begin", "(1, 0)"}, {"end", "(3, 7)"}, {"step", "(1, 2)"}},
               -1,
               1,
               {TShape{4, 7}}});
  c.push_back(
      {"slice_axis", 1, {{"axis", "0"}, {"begin", "1"}, {"end", "3"}}, -1, 1, {TShape{5, 2}}});
  c.push_back({"Pad",
               1,
               {{"mode", "constant"}, {"pad_width", "(0, 0, 0, 0, 1, 1, 2, 0)"}},
               -1,
               1,
               {TShape{1, 2, 3, 3}}});
  for (const char *op : {"sum", "mean", "max", "min", "prod"})
    c.push_back({op, 1, {{"axis", "(1,)"}}, 0.5, 1.5, {TShape{3, 4, 5}}});
  c.push_back({"sum", 1, {{"axis", "(0, 2)"}, {"keepdims", "True"}}, -1, 1, {TShape{3, 4, 5}}});
  // Ops without a lowering: their compiled kernel calls this very kernel
  // (mxrt_kernel_fallback), through the descriptor and the module's arrays.
  const std::vector<TShape> x345{TShape{3, 4, 5}};
  c.push_back({"topk", 1, {{"k", "2"}, {"ret_typ", "value"}}, -1, 1, x345});
  c.push_back({"topk", 1, {{"k", "3"}, {"axis", "1"}}, -1, 1, x345});
  c.push_back({"sort", 1, {{"is_ascend", "False"}}, -1, 1, x345});
  c.push_back({"argsort", 1, {{"axis", "0"}}, -1, 1, x345});
  c.push_back({"argmax", 1, {{"axis", "2"}}, -1, 1, x345});
  c.push_back({"argmin", 1, {{"axis", "1"}, {"keepdims", "True"}}, -1, 1, x345});
  c.push_back({"tile", 1, {{"reps", "(2, 1, 3)"}}, -1, 1, x345});
  c.push_back({"repeat", 1, {{"repeats", "2"}, {"axis", "1"}}, -1, 1, x345});
  c.push_back({"reverse", 1, {{"axis", "(0, 2)"}}, -1, 1, x345});
  c.push_back({"SequenceReverse", 1, {}, -1, 1, x345});
  c.push_back({"LRN", 1, {{"nsize", "3"}}, -1, 1, {TShape{2, 4, 3, 3}}});
  c.push_back({"space_to_depth", 1, {{"block_size", "2"}}, -1, 1, {TShape{1, 2, 4, 6}}});
  c.push_back({"depth_to_space", 1, {{"block_size", "2"}}, -1, 1, {TShape{1, 8, 2, 3}}});
  c.push_back({"smooth_l1", 1, {{"scalar", "1.5"}}, -2, 2, x345});
  c.push_back({"gamma", 1, {}, 0.5, 3, x345});
  return c;
}

/// Cases print as their op and attributes, not as bytes.
[[maybe_unused]] void PrintTo(const OpCase &c, std::ostream *os) {
  *os << c.op;
  for (const auto &[k, v] : c.attrs)
    *os << " " << k << "=" << v;
}

class OpsVsRuntime : public ::testing::TestWithParam<OpCase> {};

TEST_P(OpsVsRuntime, MatchesImperativeKernel) {
  const OpCase &c = GetParam();
  const mxrt::OpSpec *spec = mxrt::findOp(c.op);
  ASSERT_NE(spec, nullptr) << c.op;
  mxrt::KernelFn kernel = mxrt::opImpl(*spec).cpu;
  if (!kernel)
    GTEST_SKIP() << "the runtime has no CPU kernel for " << c.op << " yet";
  if (!mxrt::opImpl(*spec).inferShape)
    GTEST_SKIP() << "the runtime has no shape function for " << c.op << " yet";

  std::mt19937 rng(uint32_t(std::hash<std::string>()(caseName({c, 0}))));
  std::vector<TShape> shapes = c.shapes;
  if (shapes.empty()) {
    std::uniform_int_distribution<int> rank(1, 4), extent(1, 9);
    std::vector<int64_t> dims(size_t(rank(rng)));
    for (int64_t &d : dims)
      d = extent(rng);
    shapes.assign(size_t(c.inputs), TShape(std::span<const int64_t>(dims)));
  }
  std::vector<std::string> names;
  std::vector<NDArray> inputs;
  mxc::CompileInputs in;
  for (int i = 0; i < c.inputs; ++i) {
    names.push_back("x" + std::to_string(i));
    inputs.push_back(randomArray(shapes[size_t(i)], rng, c.lo, c.hi));
    std::string dims;
    for (int64_t d : shapes[size_t(i)].dims())
      dims += (dims.empty() ? "" : ",") + std::to_string(d);
    in.shapes.emplace_back(names.back(), dims);
  }
  in.json = singleOpJson(c.op, names, c.attrs);
  auto dir = tempDir("opvsrt");
  std::string so = compileTo(in, dir, "op");
  ASSERT_FALSE(so.empty());
  auto module = mxrt::Module::load(so);
  mxrt::Executor exec(module, mxrt::Context::cpu(), inputs, {});
  exec.forward();
  const NDArray &out = exec.outputs().at(0);

  // The imperative kernel on the same inputs.
  std::vector<std::pair<std::string_view, std::string_view>> kv(c.attrs.begin(), c.attrs.end());
  mxrt::Attrs attrs = mxrt::Attrs::parse(*spec, kv);
  NDArray expected(out.shape(), mxrt::Context::cpu(), out.dtype());
  std::vector<mxrt::TBlob> inBlobs, outBlobs{expected.data()};
  for (const NDArray &a : inputs)
    inBlobs.push_back(a.data());
  // Ops with hidden outputs still write them.
  std::vector<NDArray> extra;
  for (int i = 1; i < mxrt::numOutputs(attrs); ++i) {
    extra.emplace_back(out.shape(), mxrt::Context::cpu(), out.dtype());
    outBlobs.push_back(extra.back().data());
  }
  kernel(mxrt::OpContext{}, attrs, inBlobs, outBlobs);

  std::vector<double> got = values(out), want = values(expected);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 2e-5 + 2e-4 * std::abs(want[i]))
        << c.op << " element " << i << " of shape " << out.shape().str();
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Compiled, OpsVsRuntime, ::testing::ValuesIn(cases()), caseName);

} // namespace
