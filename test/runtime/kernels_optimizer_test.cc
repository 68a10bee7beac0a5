// kernels_optimizer_test.cc - the optimizer update steps (sgd_update,
// adam_update, ...) against double-precision references of MXNet's
// documented rules, with and without clipping; in-place semantics (NAG's
// momentum sees the new weight), the mixed-precision steps' master weights,
// thread-count independence, all_finite, and errors. Bit-exactness against
// MXNet 1.9.1 itself is checked by test/python/test_optimizer_ops.py.
#include "kernels/cpu/cpu_util.h"
#include "kernels_testing.h"
#include "mxrt/attrs.h"
#include "mxrt/imperative.h"
#include "mxrt/op_registry.h"
#include "mxrt/op_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace mxrt {
namespace {

using testing::HostArray;

/// Hyperparameters as the kernel sees them: MXNet's float32 values.
using Params = std::map<std::string, double>;

double clipTo(double x, double c) { return c >= 0 ? std::min(std::max(x, -c), c) : x; }
double sign(double x) { return double((x > 0) - (x < 0)); }

/// One element: w, g, the states (updated in place); returns the new weight
/// (LAMB phase 1: its output g).
using Reference = std::function<double(double w, double g, std::vector<double> &s, Params &p)>;

struct Case {
  const char *op;
  std::map<std::string, std::string> attrs;
  int numStates;
  Reference ref;
  bool inplace = true;
};

/// A hyperparameter, or its default, as the float32 the kernel reads.
double get(Params &p, const char *k, double dflt) {
  return p.count(k) ? p[k] : double(float(dflt));
}

std::vector<Case> cases() {
  std::vector<Case> c;
  Reference sgd = [](double w, double g, std::vector<double> &, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1);
    return (1 - lr * wd) * w - lr * clipTo(rg * g, cg);
  };
  c.push_back({"sgd_update", {{"lr", "0.1"}, {"wd", "0.01"}, {"rescale_grad", "0.5"}}, 0, sgd});
  c.push_back({"sgd_update", {{"lr", "0.1"}, {"clip_gradient", "0.2"}}, 0, sgd});
  Reference sgdMom = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), mom = get(p, "momentum", 0);
    s[0] = mom * s[0] - lr * wd * w - lr * clipTo(rg * g, cg);
    return w + s[0];
  };
  c.push_back({"sgd_mom_update", {{"lr", "0.1"}, {"momentum", "0.9"}, {"wd", "0.01"}}, 1, sgdMom});
  c.push_back(
      {"sgd_mom_update",
       {{"lr", "0.05"}, {"momentum", "0.5"}, {"rescale_grad", "2"}, {"clip_gradient", "0.3"}},
       1,
       sgdMom});
  Reference nag = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), mom = get(p, "momentum", 0);
    double gr = clipTo(rg * g, cg), m = mom * s[0];
    double nw = w - m + (mom + 1) * (m - lr * (gr + wd * w));
    s[0] = m - lr * (gr + wd * nw); // in place: MXNet re-reads the new weight
    return nw;
  };
  c.push_back({"nag_mom_update", {{"lr", "0.1"}, {"momentum", "0.9"}, {"wd", "0.1"}}, 1, nag});
  c.push_back({"nag_mom_update",
               {{"lr", "0.1"}, {"momentum", "0.9"}, {"wd", "0.1"}, {"clip_gradient", "0.25"}},
               1,
               nag});
  Reference adam = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), b1 = get(p, "beta1", 0.9), b2 = get(p, "beta2", 0.999),
           eps = get(p, "epsilon", 1e-8);
    double gr = clipTo(rg * g + wd * w, cg);
    s[0] = b1 * s[0] + (1 - b1) * gr;
    s[1] = b2 * s[1] + (1 - b2) * gr * gr;
    return w - lr * s[0] / (std::sqrt(s[1]) + eps);
  };
  c.push_back({"adam_update", {{"lr", "0.01"}, {"wd", "0.01"}, {"rescale_grad", "0.7"}}, 2, adam});
  c.push_back({"adam_update",
               {{"lr", "0.01"}, {"beta1", "0.8"}, {"beta2", "0.9"}, {"clip_gradient", "0.3"}},
               2,
               adam});
  Reference rmsprop = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), g1 = get(p, "gamma1", 0.95),
           eps = get(p, "epsilon", 1e-8), cw = get(p, "clip_weights", -1);
    double gr = clipTo(rg * g + wd * w, cg);
    s[0] = (1 - g1) * gr * gr + g1 * s[0];
    return clipTo(w - lr * gr / std::sqrt(s[0] + eps), cw);
  };
  c.push_back({"rmsprop_update", {{"lr", "0.01"}, {"gamma1", "0.9"}, {"wd", "0.01"}}, 1, rmsprop});
  c.push_back({"rmsprop_update",
               {{"lr", "0.01"}, {"clip_gradient", "0.3"}, {"clip_weights", "0.5"}},
               1,
               rmsprop});
  Reference alex = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), g1 = get(p, "gamma1", 0.95),
           g2 = get(p, "gamma2", 0.9), eps = get(p, "epsilon", 1e-8),
           cw = get(p, "clip_weights", -1);
    double gr = clipTo(rg * g + wd * w, cg);
    s[0] = (1 - g1) * gr * gr + g1 * s[0];
    s[1] = (1 - g1) * gr + g1 * s[1];
    s[2] = g2 * s[2] - lr * gr / std::sqrt(s[0] - s[1] * s[1] + eps);
    return clipTo(w + s[2], cw);
  };
  c.push_back({"rmspropalex_update", {{"lr", "0.01"}, {"gamma1", "0.9"}, {"wd", "0.01"}}, 3, alex});
  c.push_back({"rmspropalex_update",
               {{"lr", "0.01"}, {"clip_gradient", "0.3"}, {"clip_weights", "0.5"}},
               3,
               alex});
  Reference ftrl = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), l1 = get(p, "lamda1", 0.01), beta = get(p, "beta", 1);
    double gr = clipTo(rg * g, cg);
    s[0] += gr - (std::sqrt(s[1] + gr * gr) - std::sqrt(s[1])) * w / lr;
    s[1] += gr * gr;
    return std::abs(s[0]) > l1 ? (sign(s[0]) * l1 - s[0]) / ((beta + std::sqrt(s[1])) / lr + wd)
                               : 0.0;
  };
  c.push_back({"ftrl_update", {{"lr", "0.1"}, {"wd", "0.01"}, {"rescale_grad", "0.7"}}, 2, ftrl});
  c.push_back(
      {"ftrl_update", {{"lr", "0.1"}, {"lamda1", "0.3"}, {"clip_gradient", "0.2"}}, 2, ftrl});
  Reference ftml = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_grad", -1), b1 = get(p, "beta1", 0.6), b2 = get(p, "beta2", 0.999),
           eps = get(p, "epsilon", 1e-8), t = p["t"];
    double gr = clipTo(rg * g + wd * w, cg);
    s[1] = b2 * s[1] + (1 - b2) * gr * gr;
    double dt = (1 - std::pow(b1, t)) / lr * (std::sqrt(s[1] / (1 - std::pow(b2, t))) + eps);
    s[2] = b1 * s[2] + (1 - b1) * gr - (dt - b1 * s[0]) * w;
    s[0] = dt;
    return -s[2] / dt;
  };
  c.push_back({"ftml_update", {{"lr", "0.1"}, {"t", "3"}, {"wd", "0.01"}}, 3, ftml});
  c.push_back({"ftml_update", {{"lr", "0.1"}, {"t", "1"}, {"clip_grad", "0.2"}}, 3, ftml});
  Reference signsgd = [](double w, double g, std::vector<double> &, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0);
    return (1 - lr * wd) * w - lr * sign(g);
  };
  c.push_back({"signsgd_update", {{"lr", "0.1"}, {"wd", "0.01"}}, 0, signsgd});
  Reference signum = [](double w, double g, std::vector<double> &s, Params &p) {
    double lr = p["lr"], wd = get(p, "wd", 0), rg = get(p, "rescale_grad", 1),
           cg = get(p, "clip_gradient", -1), mom = get(p, "momentum", 0), wdlh = get(p, "wd_lh", 0);
    s[0] = mom * s[0] - (1 - mom) * wd * w - (1 - mom) * clipTo(rg * g, cg);
    return (1 - lr * wdlh) * w + lr * sign(s[0]);
  };
  c.push_back({"signum_update",
               {{"lr", "0.1"}, {"momentum", "0.9"}, {"wd", "0.01"}, {"wd_lh", "0.01"}},
               1,
               signum});
  c.push_back(
      {"signum_update", {{"lr", "0.1"}, {"momentum", "0.9"}, {"clip_gradient", "0.2"}}, 1, signum});
  Reference lamb1 = [](double w, double g, std::vector<double> &s, Params &p) {
    double wd = p["wd"], rg = get(p, "rescale_grad", 1), cg = get(p, "clip_gradient", -1),
           b1 = get(p, "beta1", 0.9), b2 = get(p, "beta2", 0.999), eps = get(p, "epsilon", 1e-6),
           t = p["t"];
    bool bias = get(p, "bias_correction", 1) != 0;
    double gr = clipTo(rg * g, cg);
    s[0] = b1 * s[0] + (1 - b1) * gr;
    s[1] = b2 * s[1] + (1 - b2) * gr * gr;
    double m = bias ? s[0] / (1 - std::pow(b1, t)) : s[0];
    double v = bias ? s[1] / (1 - std::pow(b2, t)) : s[1];
    return m / (std::sqrt(v) + eps) + wd * w;
  };
  c.push_back({"lamb_update_phase1", {{"t", "3"}, {"wd", "0.01"}}, 2, lamb1, false});
  c.push_back({"lamb_update_phase1",
               {{"t", "1"}, {"wd", "0.01"}, {"bias_correction", "False"}, {"clip_gradient", "0.2"}},
               2,
               lamb1,
               false});
  return c;
}

/// The hyperparameters rounded to float32, as the kernels read them.
Params paramsOf(const Case &c) {
  Params p;
  for (const auto &[k, v] : c.attrs)
    p[k] = v == "False" ? 0.0 : (v == "True" ? 1.0 : double(float(std::stod(v))));
  return p;
}

void runKernel(const char *op, const std::map<std::string, std::string> &attrs,
               std::vector<TBlob> in, const TBlob &out) {
  const OpSpec *spec = findOp(op);
  ASSERT_NE(spec, nullptr) << op;
  std::vector<Attrs::KeyValue> kv;
  for (const auto &[k, v] : attrs)
    kv.emplace_back(k, v);
  Attrs a = Attrs::parse(*spec, kv);
  KernelFn k = opImpl(*spec).cpu;
  ASSERT_NE(k, nullptr) << op << " has no CPU kernel";
  k(OpContext{}, a, in, std::span<const TBlob>(&out, 1));
}

/// Random inputs of `dtype`: weight and gradient in [-1, 1], states in
/// [0.5, 1.5] (second moments must stay positive).
std::vector<HostArray> inputs(const Case &c, DType dtype, int64_t n, std::mt19937 &rng) {
  std::vector<HostArray> v;
  v.push_back(testing::randomArray({n}, dtype, rng, -1, 1));
  v.push_back(testing::randomArray({n}, dtype, rng, -1, 1));
  for (int s = 0; s < c.numStates; ++s)
    v.push_back(testing::randomArray({n}, dtype, rng, 0.5, 1.5));
  if (std::string(c.op) == "rmspropalex_update") // g_ small next to n: n - g_^2 > 0
    v[3] = testing::randomArray({n}, dtype, rng, -0.3, 0.3);
  return v;
}

TEST(OptimizerKernels, MatchReferencesOfMXNetRules) {
  std::mt19937 rng(11);
  for (const Case &c : cases())
    for (DType dt : {DType::Float32, DType::Float64}) {
      const int64_t n = 1000;
      std::vector<HostArray> in = inputs(c, dt, n, rng);
      Params p = paramsOf(c);
      std::vector<double> expectOut(static_cast<size_t>(n));
      std::vector<std::vector<double>> expectStates(size_t(c.numStates),
                                                    std::vector<double>(static_cast<size_t>(n)));
      for (int64_t i = 0; i < n; ++i) {
        std::vector<double> s;
        for (int k = 0; k < c.numStates; ++k)
          s.push_back(in[size_t(2 + k)].get(i));
        expectOut[size_t(i)] = c.ref(in[0].get(i), in[1].get(i), s, p);
        for (int k = 0; k < c.numStates; ++k)
          expectStates[size_t(k)][size_t(i)] = s[size_t(k)];
      }
      HostArray separate({n}, dt);
      std::vector<TBlob> blobs(in.begin(), in.end());
      runKernel(c.op, c.attrs, blobs, c.inplace ? in[0].blob() : separate.blob());
      std::string what = std::string(c.op) + " " + std::string(dtypeName(dt));
      double tol = dt == DType::Float32 ? 2e-5 : 1e-12;
      testing::expectClose(c.inplace ? in[0] : separate, expectOut, tol, what + " output");
      for (int k = 0; k < c.numStates; ++k)
        testing::expectClose(in[size_t(2 + k)], expectStates[size_t(k)], tol,
                             what + " state " + std::to_string(k));
    }
}

TEST(OptimizerKernels, NagMomentumSeesTheWeightItWrote) {
  // Out of place, the momentum uses the old weight; in place, the new one
  // (what MXNet 1.9.1 computes, since it re-reads weight after writing out).
  std::map<std::string, std::string> attrs{{"lr", "0.5"}, {"momentum", "0.9"}, {"wd", "1"}};
  auto run = [&](bool inplace) {
    HostArray w({1}, DType::Float32), g({1}, DType::Float32), m({1}, DType::Float32),
        o({1}, DType::Float32);
    w.set(0, 1);
    g.set(0, 0.5);
    m.set(0, 0.1);
    runKernel("nag_mom_update", attrs, {w, g, m}, inplace ? w.blob() : o.blob());
    return std::pair(inplace ? w.get(0) : o.get(0), m.get(0));
  };
  auto [outOf, momOf] = run(false);
  auto [outIn, momIn] = run(true);
  EXPECT_FLOAT_EQ(outOf, outIn);
  EXPECT_NEAR(momOf, 0.09 - 0.5 * (0.5 + 1.0), 1e-6);
  EXPECT_NEAR(momIn, 0.09 - 0.5 * (0.5 + outIn), 1e-6);
}

// Through the imperative path, out=weight must reach the kernel as the
// weight's own memory (no temporary copied back): NAG's result depends on it.
TEST(OptimizerKernels, OutEqualsWeightRunsInPlaceThroughInvoke) {
  auto arr = [](std::vector<float> v) {
    NDArray a(TShape{int64_t(v.size())}, Context::cpu());
    a.syncCopyFromCPU(v.data(), v.size() * 4);
    return a;
  };
  NDArray w = arr({1, 2}), g = arr({0.5f, -0.3f}), m = arr({0.1f, 0.2f});
  std::vector<NDArray> out{w};
  std::vector<Attrs::KeyValue> kv{{"lr", "0.1"}, {"momentum", "0.9"}, {"wd", "0.01"}};
  invoke(*findOp("nag_mom_update"), std::vector<NDArray>{w, g, m}, kv, out);
  float wv[2], mv[2];
  w.syncCopyToCPU(wv, 8);
  m.syncCopyToCPU(mv, 8);
  // MXNet 1.9.1 gives weight [0.98410004, 2.2152], mom [0.03901589, 0.20778479].
  EXPECT_FLOAT_EQ(wv[0], 0.98410004f);
  EXPECT_FLOAT_EQ(mv[0], 0.09f - 0.1f * (0.5f + 0.01f * wv[0]));
  EXPECT_FLOAT_EQ(mv[1], 0.18f - 0.1f * (-0.3f + 0.01f * wv[1]));
}

TEST(OptimizerKernels, MixedPrecisionKeepsFloat32MasterWeights) {
  std::mt19937 rng(3);
  const int64_t n = 513;
  HostArray w = testing::randomArray({n}, DType::Float16, rng, -1, 1);
  HostArray g = testing::randomArray({n}, DType::Float16, rng, -1, 1);
  HostArray mom = testing::randomArray({n}, DType::Float32, rng, -0.1, 0.1);
  HostArray w32({n}, DType::Float32);
  for (int64_t i = 0; i < n; ++i)
    w32.set(i, w.get(i) + 1e-4); // the master copy holds more digits
  std::vector<double> expect32(static_cast<size_t>(n)), expectMom(static_cast<size_t>(n));
  double lr = double(0.1f), mu = double(0.9f), wd = double(0.01f);
  for (int64_t i = 0; i < n; ++i) {
    expectMom[size_t(i)] = mu * mom.get(i) - lr * wd * w32.get(i) - lr * g.get(i);
    expect32[size_t(i)] = w32.get(i) + expectMom[size_t(i)];
  }
  runKernel("mp_sgd_mom_update", {{"lr", "0.1"}, {"momentum", "0.9"}, {"wd", "0.01"}},
            {w, g, mom, w32}, w.blob());
  testing::expectClose(w32, expect32, 2e-6, "weight32");
  testing::expectClose(mom, expectMom, 2e-6, "mom");
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(w.get(i), testing::roundTo(DType::Float16, w32.get(i))) << i;

  // mp_lamb_update_phase2 writes the float16 weight from the master weight
  // and, as MXNet 1.9.1, leaves the master weight as it was.
  HostArray g32 = testing::randomArray({n}, DType::Float32, rng, -1, 1);
  HostArray r1({1}, DType::Float32), r2({1}, DType::Float32);
  r1.set(0, 2);
  r2.set(0, 4);
  std::vector<float> keep(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    keep[size_t(i)] = float(w32.get(i));
  runKernel("mp_lamb_update_phase2", {{"lr", "0.1"}}, {w, g32, r1, r2, w32}, w.blob());
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(float(w32.get(i)), keep[size_t(i)]);
    ASSERT_NEAR(w.get(i), keep[size_t(i)] - 0.1 * 0.5 * g32.get(i), 2e-3);
  }
}

TEST(OptimizerKernels, ResultsDoNotDependOnTheThreadCount) {
  std::mt19937 rng(5);
  const int64_t n = 300001;
  for (const char *op : {"adam_update", "sgd_mom_update", "nag_mom_update"}) {
    std::vector<HostArray> a, b;
    for (int k = 0; k < 4; ++k) {
      a.push_back(testing::randomArray({n}, DType::Float32, rng, 0.1, 1));
      b.push_back(HostArray({n}, DType::Float32));
      std::memcpy(b.back().blob().dptr, a.back().blob().dptr, size_t(n) * 4);
    }
    std::map<std::string, std::string> attrs{{"lr", "0.01"}, {"momentum", "0.9"}, {"wd", "0.1"}};
    if (std::string(op) == "adam_update")
      attrs.erase("momentum");
    size_t nin = std::string(op) == "adam_update" ? 4 : 3;
    runKernel(op, attrs, std::vector<TBlob>(a.begin(), a.begin() + long(nin)), a[0].blob());
    {
      kernels::cpu::SerialScope serial;
      runKernel(op, attrs, std::vector<TBlob>(b.begin(), b.begin() + long(nin)), b[0].blob());
    }
    for (size_t k = 0; k < nin; ++k)
      EXPECT_TRUE(testing::sameBits(a[k], b[k])) << op << " input " << k;
  }
}

TEST(OptimizerKernels, AllFinite) {
  HostArray x({5}, DType::Float32), flag({1}, DType::Float32);
  for (int i = 0; i < 5; ++i)
    x.set(i, i);
  runKernel("all_finite", {}, {x}, flag.blob());
  EXPECT_EQ(flag.get(0), 1);
  x.set(3, INFINITY);
  runKernel("all_finite", {}, {x}, flag.blob());
  EXPECT_EQ(flag.get(0), 0);
  x.set(3, 1);
  runKernel("all_finite", {{"init_output", "False"}}, {x}, flag.blob()); // and-ed: stays 0
  EXPECT_EQ(flag.get(0), 0);
}

TEST(OptimizerKernels, IntegerWeightsAreAnError) {
  HostArray w({3}, DType::Int32), g({3}, DType::Int32);
  try {
    runKernel("sgd_update", {{"lr", "0.1"}}, {w, g}, w.blob());
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("operator sgd_update: weight has dtype int32"),
              std::string::npos)
        << e.what();
  }
}

} // namespace
} // namespace mxrt
