// module_test.cc - the Module loader, the Executor and their C API.
//
// Compiles small graphs (and the MLP of test/data/models) with the pipeline,
// then checks what a runtime user relies on: errors that name the argument
// (expected vs got), refusal of files that are not modules, kernels ordered
// by the engine with imperative ops on the same arrays, independent branches
// without false dependencies, the training forward (batch statistics and
// moving averages, dropout masks), backward with head gradients and
// MXNet's grad_req (write, add, null), and the C API.
#include "e2e_testing.h"

#include "mxrt/base.h"
#include "mxrt/c_api.h"
#include "mxrt/engine.h"

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace mxc::testing;
using mxrt::NDArray;
using mxrt::TShape;

namespace {

class ModuleTest : public ::testing::Test {
protected:
  void SetUp() override { dir = tempDir("module"); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  /// The MLP for data (2, 784), compiled once per test.
  std::string mlp() {
    mxc::CompileInputs in;
    in.json = readTextFile(testDataDir() + "/models/mlp-symbol.json");
    in.shapes = {{"data", "2,784"}};
    return compileTo(in, dir, "mlp");
  }

  std::vector<NDArray> mlpArgs(const mxrt::Module &m, std::mt19937 &rng) {
    std::vector<NDArray> args;
    for (int v : m.valuesOfKind(MXC_VALUE_ARG))
      args.push_back(randomArray(m.shapeOf(v), rng, -0.1, 0.1));
    return args;
  }

  std::filesystem::path dir;
};

TEST_F(ModuleTest, BindErrorsNameTheArgumentExpectedAndGot) {
  auto m = mxrt::Module::load(mlp());
  std::mt19937 rng(1);
  std::vector<NDArray> args = mlpArgs(*m, rng);
  args[1] = randomArray(TShape{128, 100}, rng);
  try {
    mxrt::Executor exec(m, mxrt::Context::cpu(), args, {});
    FAIL() << "bind accepted a wrong shape";
  } catch (const mxrt::Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("argument 'fc1_weight'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("expected (128,784) float32, got (128,100) float32"), std::string::npos)
        << msg;
  }
  args.pop_back();
  try {
    mxrt::Executor exec(m, mxrt::Context::cpu(), args, {});
    FAIL() << "bind accepted too few arguments";
  } catch (const mxrt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("expected 8 arguments"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("softmax_label"), std::string::npos) << e.what();
  }
}

TEST_F(ModuleTest, RefusesFilesThatAreNotModules) {
  std::string text = (dir / "not-a-module.so").string();
  std::ofstream(text) << "hello";
  EXPECT_THROW(
      {
        try {
          mxrt::Module::load(text);
        } catch (const mxrt::Error &e) {
          EXPECT_NE(std::string(e.what()).find("cannot load module"), std::string::npos);
          throw;
        }
      },
      mxrt::Error);
  // A real shared library without a manifest.
  std::string so = (dir / "plain.so").string();
  std::string src = (dir / "plain.c").string();
  std::ofstream(src) << "int f(void) { return 1; }\n";
  ASSERT_EQ(std::system(("cc -shared -fPIC -o " + so + " " + src).c_str()), 0);
  try {
    mxrt::Module::load(so);
    FAIL() << "loaded a library without a manifest";
  } catch (const mxrt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("is not an mxc module"), std::string::npos) << e.what();
  }
}

TEST_F(ModuleTest, KernelsInterleaveWithImperativeOps) {
  auto m = mxrt::Module::load(mlp());
  std::mt19937 rng(2);
  std::vector<NDArray> args = mlpArgs(*m, rng);
  mxrt::Executor exec(m, mxrt::Context::cpu(), args, {});
  // Reference outputs, one forward at a time.
  constexpr int kRounds = 6;
  std::vector<NDArray> inputs, expected;
  for (int r = 0; r < kRounds; ++r) {
    inputs.push_back(randomArray(TShape{2, 784}, rng));
    inputs.back().copyTo(args[0]);
    exec.forward();
    expected.push_back(exec.outputs()[0].copy(mxrt::Context::cpu()));
    expected.back().waitToRead();
  }
  // The same rounds pushed without waiting: input copies (imperative ops),
  // compiled forwards and output copies must be ordered by the engine.
  std::vector<NDArray> got;
  for (int r = 0; r < kRounds; ++r) {
    inputs[size_t(r)].copyTo(args[0]);
    exec.forward();
    got.emplace_back(TShape{2, 10}, mxrt::Context::cpu());
    exec.outputs()[0].copyTo(got.back());
  }
  for (int r = 0; r < kRounds; ++r)
    EXPECT_EQ(values(got[size_t(r)]), values(expected[size_t(r)])) << "round " << r;
}

TEST_F(ModuleTest, IndependentBranchesHaveNoDependency) {
  // relu(a) and sigmoid(b) joined by an add: the two branches only meet at
  // the add.
  mxc::CompileInputs in;
  in.json = R"({"nodes": [
    {"op": "null", "name": "a", "inputs": []}, {"op": "null", "name": "b", "inputs": []},
    {"op": "relu", "name": "left", "inputs": [[0, 0, 0]]},
    {"op": "sigmoid", "name": "right", "inputs": [[1, 0, 0]]},
    {"op": "elemwise_add", "name": "join", "inputs": [[2, 0, 0], [3, 0, 0]]}],
    "arg_nodes": [0, 1], "heads": [[4, 0, 0]], "attrs": {"mxnet_version": ["int", 10901]}})";
  in.shapes = {{"a", "64,64"}, {"b", "64,64"}};
  // -O1: at -O2 and above mx-fuse makes the three ops one kernel.
  mxc::CompileOptions unfused;
  unfused.optLevel = 1;
  auto m = mxrt::Module::load(compileTo(in, dir, "branches", unfused));
  const mxc_entry &e = m->manifest().entries[MXC_ENTRY_FORWARD_INFER];
  ASSERT_EQ(e.num_kernels, 3);
  EXPECT_EQ(e.kernels[0].num_deps, 0);
  EXPECT_EQ(e.kernels[1].num_deps, 0) << "the branches must not depend on each other";
  ASSERT_EQ(e.kernels[2].num_deps, 2);
  std::mt19937 rng(3);
  NDArray a = randomArray(TShape{64, 64}, rng), b = randomArray(TShape{64, 64}, rng);
  mxrt::Executor exec(m, mxrt::Context::cpu(), {a, b}, {});
  exec.forward();
  std::vector<double> va = values(a), vb = values(b), out = values(exec.outputs()[0]);
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(out[i], std::max(va[i], 0.0) + 1 / (1 + std::exp(-vb[i])), 1e-5);
}

TEST_F(ModuleTest, TrainingForwardUsesBatchStatisticsAndDropout) {
  mxc::CompileInputs in;
  in.json = R"({"nodes": [
    {"op": "null", "name": "x", "inputs": []}, {"op": "null", "name": "g", "inputs": []},
    {"op": "null", "name": "b", "inputs": []}, {"op": "null", "name": "mm", "inputs": []},
    {"op": "null", "name": "mv", "inputs": []},
    {"op": "BatchNorm", "name": "bn", "attrs": {"fix_gamma": "False", "momentum": "0.75"},
     "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]]},
    {"op": "Dropout", "name": "drop", "attrs": {"p": "0.25"}, "inputs": [[5, 0, 0]]}],
    "arg_nodes": [0, 1, 2, 3, 4], "heads": [[6, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})";
  in.shapes = {{"x", "16,3,8,8"}};
  mxc::CompileOptions train;
  train.train = true;
  auto m = mxrt::Module::load(compileTo(in, dir, "bn_train", train));
  ASSERT_TRUE(m->hasEntry(MXC_ENTRY_FORWARD_TRAIN));
  std::mt19937 rng(4);
  NDArray x = randomArray(TShape{16, 3, 8, 8}, rng, 1, 3);
  NDArray g = randomArray(TShape{3}, rng, 0.5, 1.5), b = randomArray(TShape{3}, rng);
  NDArray mm = randomArray(TShape{3}, rng), mv = randomArray(TShape{3}, rng, 0.5, 1.5);
  std::vector<double> mm0 = values(mm), mv0 = values(mv), vx = values(x), vg = values(g),
                      vb = values(b);
  mxrt::Executor exec(m, mxrt::Context::cpu(), {x, g, b}, {mm, mv});
  exec.seed(7);
  exec.forward(/*isTrain=*/true);
  std::vector<double> out = values(exec.outputs()[0]);

  // Batch statistics per channel, the moving averages, and the output:
  // every element is 0 (dropped) or the normalized value / (1 - p).
  const int N = 16, C = 3, HW = 64;
  std::vector<double> mean(C, 0), var(C, 0);
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < HW; ++i)
        mean[c] += vx[size_t((n * C + c) * HW + i)] / (N * HW);
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < HW; ++i) {
        double d = vx[size_t((n * C + c) * HW + i)] - mean[c];
        var[c] += d * d / (N * HW);
      }
  std::vector<double> mm1 = values(mm), mv1 = values(mv);
  for (int c = 0; c < C; ++c) {
    EXPECT_NEAR(mm1[c], 0.75 * mm0[c] + 0.25 * mean[c], 1e-5);
    EXPECT_NEAR(mv1[c], 0.75 * mv0[c] + 0.25 * var[c], 1e-5);
  }
  int dropped = 0;
  for (int n = 0; n < N; ++n)
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < HW; ++i) {
        size_t k = size_t((n * C + c) * HW + i);
        double y = (vx[k] - mean[c]) / std::sqrt(var[c] + 1e-3) * vg[c] + vb[c];
        if (out[k] == 0)
          ++dropped;
        else
          ASSERT_NEAR(out[k], y / 0.75, 1e-4) << "element " << k;
      }
  double fraction = double(dropped) / (N * C * HW);
  EXPECT_GT(fraction, 0.2);
  EXPECT_LT(fraction, 0.3);
  // A second training forward draws another mask.
  exec.forward(true);
  EXPECT_NE(values(exec.outputs()[0]), out);
  // Inference: moving statistics, no dropout.
  exec.forward(false);
  std::vector<double> inf = values(exec.outputs()[0]);
  std::vector<double> mm2 = values(mm), mv2 = values(mv);
  for (size_t k = 0; k < inf.size(); ++k) {
    int c = int(k / HW) % C;
    ASSERT_NEAR(inf[k], (vx[k] - mm2[c]) / std::sqrt(mv2[c] + 1e-3) * vg[c] + vb[c], 1e-4);
  }
}

TEST_F(ModuleTest, BackwardWritesAddsAndSkipsGradientsPerGradReq) {
  // y = x w^T + b, a non-loss output: backward takes its head gradient.
  mxc::CompileInputs in;
  in.json = R"({"nodes": [
    {"op": "null", "name": "x", "inputs": []}, {"op": "null", "name": "w", "inputs": []},
    {"op": "null", "name": "b", "inputs": []},
    {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "3"},
     "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}],
    "arg_nodes": [0, 1, 2], "heads": [[3, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})";
  in.shapes = {{"x", "4,5"}};
  mxc::CompileOptions train;
  train.train = true;
  train.gradReq = "x:null,b:add";
  auto m = mxrt::Module::load(compileTo(in, dir, "fc_grad", train));
  ASSERT_TRUE(m->hasEntry(MXC_ENTRY_BACKWARD));
  std::vector<std::string> grads = m->names(MXC_VALUE_GRAD);
  std::sort(grads.begin(), grads.end());
  EXPECT_EQ(grads, (std::vector<std::string>{"b_grad", "w_grad"})) << "x: grad_req null";
  EXPECT_EQ(m->names(MXC_VALUE_HEAD_GRAD), (std::vector<std::string>{"fc_output_head_grad"}));

  std::mt19937 rng(6);
  NDArray x = randomArray(TShape{4, 5}, rng), w = randomArray(TShape{3, 5}, rng);
  NDArray b = randomArray(TShape{3}, rng), dy = randomArray(TShape{4, 3}, rng);
  NDArray wGrad = randomArray(TShape{3, 5}, rng), bGrad = randomArray(TShape{3}, rng);
  std::vector<double> vx = values(x), vdy = values(dy), b0 = values(bGrad);
  mxrt::Executor exec(m, mxrt::Context::cpu(), {x, w, b}, {}, {NDArray(), wGrad, bGrad});
  exec.forward(true);
  try {
    exec.backward();
    FAIL() << "backward ran without the head gradient of a non-loss output";
  } catch (const mxrt::Error &e) {
    EXPECT_NE(std::string(e.what()).find("fc_output_head_grad"), std::string::npos) << e.what();
  }
  for (int step = 1; step <= 2; ++step) {
    exec.backward({&dy, 1});
    // write: dw = dy^T x, the same after every step; add: b_grad += sum(dy).
    std::vector<double> dw = values(wGrad), db = values(bGrad);
    for (int o = 0; o < 3; ++o) {
      double sum = 0;
      for (int n = 0; n < 4; ++n)
        sum += vdy[size_t(n * 3 + o)];
      ASSERT_NEAR(db[size_t(o)], b0[size_t(o)] + step * sum, 1e-4) << "step " << step;
      for (int i = 0; i < 5; ++i) {
        double want = 0;
        for (int n = 0; n < 4; ++n)
          want += vdy[size_t(n * 3 + o)] * vx[size_t(n * 5 + i)];
        ASSERT_NEAR(dw[size_t(o * 5 + i)], want, 1e-4) << "step " << step;
      }
    }
  }
}

TEST_F(ModuleTest, InferenceModuleRefusesTraining) {
  auto m = mxrt::Module::load(mlp());
  std::mt19937 rng(5);
  mxrt::Executor exec(m, mxrt::Context::cpu(), mlpArgs(*m, rng), {});
  EXPECT_THROW(exec.forward(true), mxrt::Error);
  EXPECT_THROW(exec.backward(), mxrt::Error);
}

TEST_F(ModuleTest, CApiLoadsBindsAndRuns) {
  std::string path = mlp();
  mxrtModuleHandle mod = nullptr;
  ASSERT_EQ(mxrtModuleLoad(path.c_str(), &mod), 0) << mxrtGetLastError();
  uint32_t n = 0;
  const char *const *names = nullptr;
  ASSERT_EQ(mxrtModuleListNames(mod, mxrtModuleArguments, &n, &names), 0);
  ASSERT_EQ(n, 8u);
  EXPECT_STREQ(names[0], "data");
  ASSERT_EQ(mxrtModuleListNames(mod, mxrtModuleOutputs, &n, &names), 0);
  ASSERT_EQ(n, 1u);
  EXPECT_STREQ(names[0], "softmax_output");
  ASSERT_EQ(mxrtModuleListNames(mod, mxrtModuleHeadGrads, &n, &names), 0);
  EXPECT_EQ(n, 0u) << "an inference module takes no head gradients";
  std::vector<mxrtNDArrayHandle> args;
  for (uint32_t i = 0; i < 8; ++i) {
    int ndim = 0, dtype = -1;
    const int64_t *dims = nullptr;
    ASSERT_EQ(mxrtModuleGetInfo(mod, mxrtModuleArguments, i, &ndim, &dims, &dtype), 0);
    mxrtNDArrayHandle h = nullptr;
    ASSERT_EQ(mxrtNDArrayCreate(dims, ndim, dtype, 1, 0, &h), 0);
    int64_t numel = 1;
    for (int d = 0; d < ndim; ++d)
      numel *= dims[d];
    std::vector<float> zeros(size_t(numel), 0.0f);
    ASSERT_EQ(mxrtNDArraySyncCopyFromCPU(h, zeros.data(), zeros.size() * 4), 0);
    args.push_back(h);
  }
  mxrtExecutorHandle exec = nullptr;
  // A wrong count is an error with a message, not a crash.
  EXPECT_EQ(mxrtModuleBind(mod, 1, 0, 7, args.data(), nullptr, 0, nullptr, &exec), -1);
  EXPECT_NE(std::string(mxrtGetLastError()).find("expected 8 arguments"), std::string::npos);
  EXPECT_EQ(exec, nullptr);
  ASSERT_EQ(mxrtModuleBind(mod, 1, 0, 8, args.data(), nullptr, 0, nullptr, &exec), 0)
      << mxrtGetLastError();
  ASSERT_EQ(mxrtExecutorForward(exec, 0), 0);
  mxrtNDArrayHandle *outs = nullptr;
  ASSERT_EQ(mxrtExecutorOutputs(exec, &n, &outs), 0);
  ASSERT_EQ(n, 1u);
  float probs[20];
  ASSERT_EQ(mxrtNDArraySyncCopyToCPU(outs[0], probs, sizeof probs), 0);
  for (float p : probs)
    EXPECT_NEAR(p, 0.1f, 1e-6); // zero weights: a uniform softmax
  mxrtNDArrayFree(outs[0]);
  EXPECT_EQ(mxrtExecutorFree(exec), 0);
  EXPECT_EQ(mxrtModuleFree(mod), 0);
  for (mxrtNDArrayHandle h : args)
    mxrtNDArrayFree(h);
}

} // namespace
