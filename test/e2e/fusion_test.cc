// fusion_test.cc - fused vs unfused compiled models.
//
// Every model of test/data/models is compiled twice, at -O1 (no fusion) and
// at -O3 (mx-fuse: elementwise chains and convolution/FullyConnected
// epilogues as one kernel each), bound to the same random parameters and
// input, and run: the outputs must agree within float reassociation
// tolerance. Graphs with training forms (MLP, LeNet, ResNet-18) also run
// their training forward, and backward where the module has one.
#include "e2e_testing.h"

#include "mxrt/module_abi.h"

#include <cmath>

using namespace mxc::testing;
using mxrt::NDArray;

namespace {

struct ModelCase {
  const char *name;
  const char *dataShape;
};

std::ostream &operator<<(std::ostream &os, const ModelCase &c) { return os << c.name; }

/// Arrays for one kind of value: labels get class indices, variances
/// (auxiliary states named *var) positive values, the rest small values.
std::vector<NDArray> randomValues(const mxrt::Module &m, int kind, std::mt19937 &rng) {
  std::vector<NDArray> arrays;
  std::vector<std::string> names = m.names(kind);
  std::vector<int> values = m.valuesOfKind(kind);
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string &name = names[i];
    mxrt::TShape shape = m.shapeOf(values[i]);
    if (name.find("label") != std::string::npos) {
      NDArray a = randomArray(shape, rng, 0, 10);
      std::vector<double> v = mxc::testing::values(a);
      for (double &x : v)
        x = std::floor(x);
      std::vector<float> f(v.begin(), v.end());
      a.syncCopyFromCPU(f.data(), f.size() * sizeof(float));
      arrays.push_back(a);
    } else if (name.ends_with("var")) {
      arrays.push_back(randomArray(shape, rng, 0.5, 1.5));
    } else {
      arrays.push_back(randomArray(shape, rng, -0.1, 0.1));
    }
  }
  return arrays;
}

/// Copies of `arrays` (each executor gets its own: kernels write aux states).
std::vector<NDArray> copies(const std::vector<NDArray> &arrays) {
  std::vector<NDArray> out;
  for (const NDArray &a : arrays)
    out.push_back(a.copy(mxrt::Context::cpu()));
  return out;
}

/// |got - want| <= atol + rtol * |want|, with atol relative to the largest
/// |want| (deep random networks reach large magnitudes).
void expectClose(const NDArray &got, const NDArray &want, const std::string &what) {
  std::vector<double> g = values(got), w = values(want);
  ASSERT_EQ(g.size(), w.size()) << what;
  double scale = 0;
  for (double x : w) {
    ASSERT_TRUE(std::isfinite(x)) << what << ": the unfused reference is not finite";
    scale = std::max(scale, std::abs(x));
  }
  constexpr double kRtol = 1e-4;
  double atol = 1e-5 * std::max(scale, 1.0);
  int bad = 0;
  for (size_t i = 0; i < g.size() && bad < 5; ++i)
    if (!(std::abs(g[i] - w[i]) <= atol + kRtol * std::abs(w[i]))) {
      ADD_FAILURE() << what << "[" << i << "]: fused " << g[i] << ", unfused " << w[i];
      ++bad;
    }
}

class FusedVsUnfused : public ::testing::TestWithParam<ModelCase> {
protected:
  void SetUp() override { dir = tempDir("fusion"); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::shared_ptr<const mxrt::Module> compile(int optLevel, bool train) {
    mxc::CompileInputs in;
    in.json = readTextFile(testDataDir() + "/models/" + GetParam().name + "-symbol.json");
    in.shapes = {{"data", GetParam().dataShape}};
    mxc::CompileOptions options;
    options.optLevel = optLevel;
    options.train = train;
    std::string path =
        compileTo(in, dir, "O" + std::to_string(optLevel) + (train ? "t" : ""), options);
    return path.empty() ? nullptr : mxrt::Module::load(path);
  }

  /// Runs both modules on the same arrays; compares outputs (and gradients).
  void compare(bool train) {
    auto unfused = compile(1, train), fused = compile(3, train);
    ASSERT_TRUE(unfused && fused);
    // Fusion must have happened: fewer kernels in the entry that runs.
    int entry = train ? MXC_ENTRY_FORWARD_TRAIN : MXC_ENTRY_FORWARD_INFER;
    EXPECT_LT(fused->manifest().entries[entry].num_kernels,
              unfused->manifest().entries[entry].num_kernels);
    ASSERT_EQ(fused->names(MXC_VALUE_ARG), unfused->names(MXC_VALUE_ARG));
    ASSERT_EQ(fused->names(MXC_VALUE_AUX), unfused->names(MXC_VALUE_AUX));
    std::mt19937 rng(11);
    std::vector<NDArray> args = randomValues(*unfused, MXC_VALUE_ARG, rng);
    std::vector<NDArray> aux = randomValues(*unfused, MXC_VALUE_AUX, rng);
    bool backward = train && unfused->hasEntry(MXC_ENTRY_BACKWARD);
    auto grads = [&] {
      std::vector<NDArray> g;
      if (backward)
        for (const NDArray &a : args)
          g.emplace_back(a.shape(), mxrt::Context::cpu(), a.dtype());
      return g;
    };
    mxrt::Executor a(unfused, mxrt::Context::cpu(), copies(args), copies(aux), grads());
    mxrt::Executor b(fused, mxrt::Context::cpu(), copies(args), copies(aux), grads());
    a.seed(5);
    b.seed(5);
    a.forward(train);
    b.forward(train);
    if (backward) {
      // Outputs that are not loss layers take a head gradient each.
      std::vector<NDArray> heads = randomValues(*unfused, MXC_VALUE_HEAD_GRAD, rng);
      a.backward(copies(heads));
      b.backward(copies(heads));
    }
    std::vector<std::string> outs = unfused->names(MXC_VALUE_OUTPUT);
    for (size_t i = 0; i < outs.size(); ++i)
      expectClose(b.outputs()[i], a.outputs()[i], outs[i]);
    std::vector<std::string> auxNames = unfused->names(MXC_VALUE_AUX);
    for (size_t i = 0; i < auxNames.size(); ++i)
      expectClose(b.aux()[i], a.aux()[i], auxNames[i]);
    std::vector<std::string> argNames = unfused->names(MXC_VALUE_ARG);
    for (size_t i = 0; backward && i < argNames.size(); ++i)
      expectClose(b.argGrads()[i], a.argGrads()[i], argNames[i] + " gradient");
  }

  std::filesystem::path dir;
};

TEST_P(FusedVsUnfused, Inference) { compare(false); }

/// The graphs whose training forms run here (the others take longer).
class FusedVsUnfusedTraining : public FusedVsUnfused {};

TEST_P(FusedVsUnfusedTraining, Training) { compare(true); }

// Shapes smaller than ImageNet's where the graph allows (global pooling,
// FullyConnected weights inferred from their input): the comparison does
// not depend on them. The LSTM graph does not infer shapes yet
// (test_models.py).
auto modelName = [](const auto &info) { return std::string(info.param.name); };
INSTANTIATE_TEST_SUITE_P(
    Models, FusedVsUnfused,
    ::testing::Values(ModelCase{"mlp", "2,784"}, ModelCase{"lenet", "2,1,28,28"},
                      ModelCase{"resnet18_v1", "1,3,64,64"}, ModelCase{"resnet18_v2", "1,3,64,64"},
                      ModelCase{"resnet50_v1", "1,3,64,64"}, ModelCase{"resnet50_v2", "1,3,64,64"},
                      ModelCase{"vgg16", "1,3,32,32"}, ModelCase{"inception_bn", "1,3,64,64"}),
    modelName);
INSTANTIATE_TEST_SUITE_P(Models, FusedVsUnfusedTraining,
                         ::testing::Values(ModelCase{"mlp", "2,784"},
                                           ModelCase{"lenet", "2,1,28,28"},
                                           ModelCase{"resnet18_v1", "2,3,64,64"}),
                         modelName);

} // namespace
