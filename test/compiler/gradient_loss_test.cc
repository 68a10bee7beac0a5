// gradient_loss_test.cc - loss layers' gradients against MXNet's formulas.
//
// A loss layer's gradient is not the derivative of its output: it is the
// gradient of the loss the layer stands for, computed from the label
// (spec/mxnet-formats.md §6). Each case runs the gradient graph from
// mx-gradient with the reference interpreter and compares the data
// gradient with an independent computation of MXNet 1.9.1's formula here
// (the formulas were checked against MXNet itself: SoftmaxOutput's
// normalization, ignore and smoothing rules, the regression outputs' divide
// by outputs per sample, MakeLoss's normalizations). Cases whose ops have
// no CPU kernel yet are skipped, naming them.
#include "GradientCheck.h"
#include "GraphInterpreter.h"

#include "mx/MxGraph.h"
#include "passes/Gradient.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace mlir;

namespace {

using mxc::testing::AttrList;
using mxc::testing::Idx;
using mxc::testing::Input;
using mxc::testing::U;

using Values = std::vector<std::vector<double>>;
/// The expected data gradient from the inputs' values.
using Reference = std::function<std::vector<double>(const Values &in)>;

struct LossCase {
  std::string name;
  std::string op;
  std::vector<Input> inputs;
  AttrList attrs;
  Reference expected;
};

void PrintTo(const LossCase &c, std::ostream *os) { *os << c.name; }

/// Row-wise softmax of x viewed as (rows, k).
std::vector<double> softmaxRows(const std::vector<double> &x, int64_t k) {
  std::vector<double> p(x.size());
  for (size_t r = 0; r < x.size() / size_t(k); ++r) {
    double m = -INFINITY, s = 0;
    for (int64_t j = 0; j < k; ++j)
      m = std::max(m, x[r * size_t(k) + size_t(j)]);
    for (int64_t j = 0; j < k; ++j)
      s += p[r * size_t(k) + size_t(j)] = std::exp(x[r * size_t(k) + size_t(j)] - m);
    for (int64_t j = 0; j < k; ++j)
      p[r * size_t(k) + size_t(j)] /= s;
  }
  return p;
}

struct SoftmaxOutputSpec {
  int64_t rows, k;
  double scale = 1, alpha = 0, ignore = -1;
  bool useIgnore = false;
  std::string norm = "null";
};

/// (softmax - target) for class-index labels over (rows, k), MXNet's rules.
Reference softmaxOutput(SoftmaxOutputSpec s) {
  return [s](const Values &in) {
    std::vector<double> p = softmaxRows(in[0], s.k), g(p.size());
    const std::vector<double> &label = in[1];
    double valid = 0;
    for (double l : label)
      valid += l != s.ignore;
    double divisor = s.norm == "batch"   ? double(s.rows)
                     : s.norm == "valid" ? std::max(valid, 1.0)
                                         : 1;
    for (int64_t r = 0; r < s.rows; ++r)
      for (int64_t j = 0; j < s.k; ++j) {
        double hot = label[size_t(r)] == double(j) ? 1 : 0;
        double target = s.alpha ? hot * (1 - s.alpha) + (1 - hot) * s.alpha / double(s.k - 1) : hot;
        double v = p[size_t(r * s.k + j)] - target;
        if (s.useIgnore && label[size_t(r)] == s.ignore)
          v = 0;
        g[size_t(r * s.k + j)] = v * s.scale / divisor;
      }
    return g;
  };
}

Reference regression(std::string kind, double scale, int64_t perSample) {
  return [=](const Values &in) {
    std::vector<double> g(in[0].size());
    for (size_t i = 0; i < g.size(); ++i) {
      double out = kind == "logistic" ? 1 / (1 + std::exp(-in[0][i])) : in[0][i];
      double d = out - in[1][i];
      if (kind == "mae")
        d = double((d > 0) - (d < 0));
      g[i] = d * scale / double(perSample);
    }
    return g;
  };
}

std::vector<LossCase> cases() {
  return {
      {"SoftmaxOutput", "SoftmaxOutput", {U({4, 3}), Idx({4}, 3)}, {}, softmaxOutput({4, 3})},
      {"SoftmaxOutput_batch_scale",
       "SoftmaxOutput",
       {U({4, 3}), Idx({4}, 3)},
       {{"normalization", "batch"}, {"grad_scale", "2"}},
       softmaxOutput({4, 3, 2, 0, -1, false, "batch"})},
      {"SoftmaxOutput_valid_ignore",
       "SoftmaxOutput",
       {U({6, 3}), Idx({6}, 3)},
       {{"normalization", "valid"}, {"use_ignore", "True"}, {"ignore_label", "2"}},
       softmaxOutput({6, 3, 1, 0, 2, true, "valid"})},
      {"SoftmaxOutput_valid_without_use_ignore",
       "SoftmaxOutput",
       {U({6, 3}), Idx({6}, 3)},
       {{"normalization", "valid"}, {"ignore_label", "1"}},
       softmaxOutput({6, 3, 1, 0, 1, false, "valid"})},
      {"SoftmaxOutput_smooth",
       "SoftmaxOutput",
       {U({4, 5}), Idx({4}, 5)},
       {{"smooth_alpha", "0.2"}},
       softmaxOutput({4, 5, 1, 0.2})},
      {"SoftmaxOutput_probability_labels",
       "SoftmaxOutput",
       {U({3, 4}), U({3, 4}, 0, 1)},
       {{"normalization", "batch"}, {"grad_scale", "3"}},
       [](const Values &in) {
         std::vector<double> p = softmaxRows(in[0], 4);
         for (size_t i = 0; i < p.size(); ++i)
           p[i] = (p[i] - in[1][i]) * 3;
         return p;
       }},
      {"LinearRegressionOutput",
       "LinearRegressionOutput",
       {U({2, 3}), U({2, 3})},
       {{"grad_scale", "2"}},
       regression("linear", 2, 3)},
      {"LinearRegressionOutput_column",
       "LinearRegressionOutput",
       {U({4, 1}), U({4})},
       {},
       regression("linear", 1, 1)},
      {"LogisticRegressionOutput",
       "LogisticRegressionOutput",
       {U({2, 3}), U({2, 3}, 0, 1)},
       {{"grad_scale", "2"}},
       regression("logistic", 2, 3)},
      {"MAERegressionOutput",
       "MAERegressionOutput",
       {U({2, 3, 2}), U({2, 3, 2})},
       {},
       regression("mae", 1, 6)},
      {"MakeLoss_batch",
       "MakeLoss",
       {U({4, 2})},
       {{"grad_scale", "3"}, {"normalization", "batch"}},
       [](const Values &in) { return std::vector<double>(in[0].size(), 0.75); }},
      {"MakeLoss_valid",
       "MakeLoss",
       {U({4, 2})},
       {{"normalization", "valid"}, {"valid_thresh", "0.25"}},
       [](const Values &in) {
         double n = 0;
         for (double v : in[0])
           n += v > 0.25;
         return std::vector<double>(in[0].size(), 1 / std::max(n, 1.0));
       }},
      {"make_loss",
       "make_loss",
       {U({4, 2})},
       {},
       [](const Values &in) { return std::vector<double>(in[0].size(), 1.0); }},
      {"SVMOutput_l2",
       "SVMOutput",
       {U({3, 4}), Idx({3}, 4)},
       {{"margin", "0.5"}, {"regularization_coefficient", "2"}},
       [](const Values &in) {
         std::vector<double> g(in[0].size());
         for (size_t i = 0; i < g.size(); ++i) {
           double x = in[0][i];
           bool at = in[1][i / 4] == double(i % 4);
           g[i] = at ? -2 * std::max(0.5 - x, 0.0) * 2 : 2 * std::max(0.5 + x, 0.0) * 2;
         }
         return g;
       }},
  };
}

class LossGradient : public testing::TestWithParam<LossCase> {};

TEST_P(LossGradient, MatchesMXNetFormula) {
  const LossCase &c = GetParam();
  auto ctx = mxc::testing::makeContext();
  OwningOpRef<ModuleOp> m = mxc::testing::buildOpGraph(*ctx, c.op, c.inputs, c.attrs);
  ASSERT_TRUE(m);
  auto func = m->lookupSymbol<func::FuncOp>("main");
  std::string reqs =
      c.inputs.size() > 1
          ? mx::getArgName(cast<FunctionOpInterface>(func.getOperation()), 1) + ":null"
          : "";
  ASSERT_TRUE(mxc::testing::runPasses(*m, "func.func(mx-gradient{grad-req=" + reqs + "})"));
  EXPECT_EQ(func.getNumArguments(), c.inputs.size()) << "a loss layer takes no head gradient";
  std::vector<std::string> missing = mxc::testing::missingKernels(func);
  if (!missing.empty()) {
    std::string list;
    for (const std::string &s : missing)
      list += " " + s;
    GTEST_SKIP() << "no CPU kernel for" << list;
  }
  std::mt19937 rng(99);
  Values values;
  std::vector<mxrt::NDArray> args;
  for (auto [i, in] : llvm::enumerate(c.inputs)) {
    values.push_back(mxc::testing::drawValues(in, rng));
    args.push_back(
        mxc::testing::fromDoubles(func.getArgument(unsigned(i)).getType(), values.back()));
  }
  std::vector<mxrt::NDArray> out = mxc::testing::evaluate(func, args);
  std::vector<double> got = mxc::testing::toDoubles(out.back()), want = c.expected(values);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], 1e-9 + 1e-6 * std::abs(want[i])) << c.name << "[" << i << "]";
}

INSTANTIATE_TEST_SUITE_P(Losses, LossGradient, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<LossCase> &info) {
                           return info.param.name;
                         });

} // namespace
