// fallback_test.cc - compiled kernels that run the runtime's CPU kernel (mxrt_kernel_fallback).
//
// Ops without a lowering compile through the runtime's registered kernel
// (codegen/Fallback.h). ops_vs_runtime_test.cc compares single fallback ops
// with the imperative kernels; this file checks what only a whole module
// shows: a training graph whose backward op falls back too, mixed with
// lowered ops; random ops drawing from the executor's seeded state; and a
// kernel's error surfacing at the next wait, naming the node.
#include "e2e_testing.h"

#include "mxrt/imperative.h"
#include "mxrt/op_registry.h"

#include <cmath>

using namespace mxc::testing;
using mxrt::NDArray;
using mxrt::TShape;

namespace {

class FallbackTest : public ::testing::Test {
protected:
  void SetUp() override { dir = tempDir("fallback"); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  /// The kernels of `entry` whose op is `op`, with their flags.
  static std::vector<int32_t> flagsOf(const mxrt::Module &m, int entry, const std::string &op) {
    std::vector<int32_t> flags;
    const mxc_entry &e = m.manifest().entries[entry];
    for (int32_t k = 0; k < e.num_kernels; ++k)
      if (op == e.kernels[k].op)
        flags.push_back(e.kernels[k].flags);
    return flags;
  }

  std::filesystem::path dir;
};

/// reverse has no lowering and is its own gradient: y = reverse(x) * w
/// has a fallback kernel forward and another in backward, between lowered
/// elementwise kernels.
TEST_F(FallbackTest, TrainingGraphWithFallbackBackward) {
  mxc::CompileInputs in;
  in.json = R"({"nodes": [
    {"op": "null", "name": "x", "inputs": []}, {"op": "null", "name": "w", "inputs": []},
    {"op": "reverse", "name": "rev", "attrs": {"axis": "1"}, "inputs": [[0, 0, 0]]},
    {"op": "elemwise_mul", "name": "mul", "inputs": [[2, 0, 0], [1, 0, 0]]}],
    "arg_nodes": [0, 1], "heads": [[3, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})";
  in.shapes = {{"x", "3,4"}, {"w", "3,4"}};
  mxc::CompileOptions train;
  train.train = true;
  auto m = mxrt::Module::load(compileTo(in, dir, "rev_train", train));
  const int32_t fallbackLibrary = MXC_KERNEL_FALLBACK | MXC_KERNEL_LIBRARY;
  EXPECT_EQ(flagsOf(*m, MXC_ENTRY_FORWARD_TRAIN, "reverse"), std::vector<int32_t>{fallbackLibrary});
  EXPECT_EQ(flagsOf(*m, MXC_ENTRY_BACKWARD, "reverse"), std::vector<int32_t>{fallbackLibrary});
  EXPECT_EQ(flagsOf(*m, MXC_ENTRY_FORWARD_TRAIN, "elemwise_mul"), std::vector<int32_t>{0});
  EXPECT_NE(m->describe().find("(reverse) fallback"), std::string::npos) << m->describe();

  std::mt19937 rng(11);
  NDArray x = randomArray(TShape{3, 4}, rng), w = randomArray(TShape{3, 4}, rng);
  NDArray dy = randomArray(TShape{3, 4}, rng);
  NDArray dx(TShape{3, 4}, mxrt::Context::cpu()), dw(TShape{3, 4}, mxrt::Context::cpu());
  mxrt::Executor exec(m, mxrt::Context::cpu(), {x, w}, {}, {dx, dw});
  exec.forward(true);
  exec.backward({&dy, 1});

  // The imperative reverse on the same arrays.
  std::vector<mxrt::Attrs::KeyValue> axis{{"axis", "1"}};
  std::vector<NDArray> xs{x};
  std::vector<NDArray> rx = mxrt::invoke("reverse", xs, axis);
  std::vector<double> vx = values(x), vw = values(w), vdy = values(dy), vr = values(rx.at(0));
  std::vector<double> y = values(exec.outputs()[0]), gx = values(dx), gw = values(dw);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) {
      size_t k = size_t(i * 4 + j), mirrored = size_t(i * 4 + 3 - j);
      ASSERT_EQ(vr[k], vx[mirrored]) << "the imperative reverse";
      ASSERT_NEAR(y[k], vr[k] * vw[k], 1e-6) << "output " << k;
      ASSERT_NEAR(gw[k], vdy[k] * vr[k], 1e-6) << "w gradient " << k;
      // dx = reverse(dy * w): the backward fallback kernel.
      ASSERT_NEAR(gx[mirrored], vdy[k] * vw[k], 1e-6) << "x gradient " << mirrored;
    }
}

/// A random op draws from the executor's state: the same seed gives the
/// same numbers, a second forward new ones.
TEST_F(FallbackTest, RandomOpDrawsFromTheExecutorsSeed) {
  mxc::CompileInputs in;
  in.json = singleOpJson("_random_uniform_like", {"x"}, {{"low", "2"}, {"high", "3"}});
  in.shapes = {{"x", "1000"}};
  auto m = mxrt::Module::load(compileTo(in, dir, "uniform"));
  EXPECT_EQ(flagsOf(*m, MXC_ENTRY_FORWARD_INFER, "_random_uniform_like").size(), 1u);
  EXPECT_EQ(m->valuesOfKind(MXC_VALUE_RNG).size(), 1u) << "the kernel takes the random state";

  std::mt19937 rng(3);
  NDArray x = randomArray(TShape{1000}, rng);
  auto draw = [&](uint64_t seed, int forwards) {
    mxrt::Executor exec(m, mxrt::Context::cpu(), {x}, {});
    exec.seed(seed);
    std::vector<double> v;
    for (int i = 0; i < forwards; ++i) {
      exec.forward();
      v = values(exec.outputs()[0]);
    }
    return v;
  };
  std::vector<double> a = draw(7, 1), b = draw(7, 1), c = draw(8, 1), a2 = draw(7, 2);
  EXPECT_EQ(a, b) << "same seed, same draws";
  EXPECT_NE(a, c) << "another seed";
  EXPECT_NE(a, a2) << "a second forward draws new numbers";
  double sum = 0;
  for (double v : a) {
    ASSERT_GE(v, 2.0);
    ASSERT_LT(v, 3.0);
    sum += v;
  }
  EXPECT_NEAR(sum / double(a.size()), 2.5, 0.05);
}

/// A runtime kernel that throws (gather_nd with an index out of range)
/// fails its outputs: the next wait rethrows, naming node and op; a
/// later forward with good indices runs normally.
TEST_F(FallbackTest, KernelErrorSurfacesAtTheNextWait) {
  mxc::CompileInputs in;
  in.json = singleOpJson("gather_nd", {"a", "idx"}, {}, "pick_rows");
  in.shapes = {{"a", "3,2"}, {"idx", "1,2"}};
  auto m = mxrt::Module::load(compileTo(in, dir, "gather_nd"));
  std::mt19937 rng(5);
  NDArray a = randomArray(TShape{3, 2}, rng), idx(TShape{1, 2}, mxrt::Context::cpu());
  float bad[2] = {1, 7}, good[2] = {2, 0};
  idx.syncCopyFromCPU(bad, sizeof bad);
  mxrt::Executor exec(m, mxrt::Context::cpu(), {a, idx}, {});
  exec.forward();
  try {
    exec.outputs()[0].waitToRead();
    FAIL() << "gather_nd with an index out of range did not fail";
  } catch (const mxrt::Error &e) {
    std::string what = e.what();
    EXPECT_NE(what.find("pick_rows (gather_nd)"), std::string::npos) << what;
    EXPECT_NE(what.find("out of bounds"), std::string::npos) << what;
  }
  idx.syncCopyFromCPU(good, sizeof good);
  exec.forward();
  std::vector<double> va = values(a), out = values(exec.outputs()[0]);
  EXPECT_EQ(out, (std::vector<double>{va[4], va[5], va[0], va[1]}));
}

} // namespace
