// deploy - the embedded runtime: run a compiled model with libmxrt only.
//
//   deploy net.so [net.params] [input.npy|input.nd] [--top K]
//
// Loads a module written by `mxc compile`, its parameters saved in MXNet's
// format (mx.nd.save / Module.save_checkpoint: `arg:` and `aux:`
// prefixes), and an input (a .npy array or an NDArray file; without one, a
// deterministic synthetic image), runs inference and prints the top classes
// of the first output. No MLIR, no LLVM, no Python on the target: a ctest
// checks the NEEDED entries of this program and of the module.
#include "npy.h"

#include "mxrt/module.h"
#include "mxrt/ndarray_io.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <string>
#include <vector>

using namespace mxrt;

static bool endsWith(const std::string &s, const char *suffix) {
  std::string t = suffix;
  return s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0;
}

/// A smooth pattern in [-1, 1]: the same input on every machine.
static NDArray syntheticInput(const TShape &shape, DType dtype) {
  std::vector<float> v(size_t(shape.numel()));
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = float(std::sin(0.01 * double(i)) * std::cos(0.003 * double(i)));
  NDArray a(shape, Context::cpu(), DType::Float32);
  a.syncCopyFromCPU(v.data(), v.size() * sizeof(float));
  return dtype == DType::Float32 ? a : a.astype(dtype);
}

static NDArray zeros(const TShape &shape, DType dtype) {
  std::vector<float> v(size_t(shape.numel()), 0.0f);
  NDArray a(shape, Context::cpu(), DType::Float32);
  a.syncCopyFromCPU(v.data(), v.size() * sizeof(float));
  return dtype == DType::Float32 ? a : a.astype(dtype);
}

int main(int argc, char **argv) {
  try {
    std::vector<std::string> files;
    int top = 5;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--top" && i + 1 < argc)
        top = std::max(1, std::atoi(argv[++i]));
      else
        files.push_back(a);
    }
    if (files.empty()) {
      std::fprintf(stderr, "usage: deploy net.so [net.params] [input.npy|input.nd] [--top K]\n");
      return 2;
    }
    std::string path = files[0].find('/') == std::string::npos ? "./" + files[0] : files[0];
    std::shared_ptr<const Module> module = Module::load(path);

    std::map<std::string, NDArray> params;
    NDArray input;
    for (size_t f = 1; f < files.size(); ++f) {
      if (endsWith(files[f], ".npy")) {
        input = npy::load(files[f]);
        continue;
      }
      NDArrayList list = loadNDArrays(files[f]);
      if (list.names.empty()) { // an unnamed NDArray file: the input
        input = list.arrays.at(0);
        continue;
      }
      for (size_t i = 0; i < list.arrays.size(); ++i) {
        std::string n = list.names[i];
        if (n.rfind("arg:", 0) == 0 || n.rfind("aux:", 0) == 0)
          n = n.substr(4);
        params[n] = list.arrays[i];
      }
    }

    // Parameters from the file; the first argument without one is the
    // input; labels (unused by inference) are zeros.
    std::vector<NDArray> args, aux;
    bool inputBound = false;
    for (int v : module->valuesOfKind(MXC_VALUE_ARG)) {
      std::string name = module->manifest().values[v].name;
      if (auto it = params.find(name); it != params.end()) {
        args.push_back(it->second);
      } else if (!inputBound) {
        inputBound = true;
        bool synthetic = input.isNone();
        args.push_back(synthetic ? syntheticInput(module->shapeOf(v), module->dtypeOf(v)) : input);
        std::printf("input %s %s%s\n", name.c_str(), module->shapeOf(v).str().c_str(),
                    synthetic ? " (synthetic)" : "");
      } else if (endsWith(name, "label")) {
        args.push_back(zeros(module->shapeOf(v), module->dtypeOf(v)));
      } else {
        fail("argument '", name, "' has no value in the parameter file");
      }
    }
    for (int v : module->valuesOfKind(MXC_VALUE_AUX)) {
      std::string name = module->manifest().values[v].name;
      auto it = params.find(name);
      MXRT_CHECK(it != params.end(), "auxiliary state '", name,
                 "' has no value in the parameter file");
      aux.push_back(it->second);
    }

    Executor exec(module, Context::cpu(), args, aux);
    exec.forward(/*isTrain=*/false);
    const NDArray &out = exec.outputs().at(0);
    NDArray scores = out.dtype() == DType::Float32 ? out : out.astype(DType::Float32);
    std::vector<float> v(size_t(scores.numel()));
    scores.syncCopyToCPU(v.data(), v.size() * sizeof(float));
    int64_t rows = out.shape().ndim() > 1 ? out.shape()[0] : 1;
    int64_t classes = int64_t(v.size()) / rows;
    for (int64_t r = 0; r < rows; ++r) {
      std::vector<int64_t> idx(static_cast<size_t>(classes));
      std::iota(idx.begin(), idx.end(), 0);
      const float *row = v.data() + r * classes;
      int k = int(std::min<int64_t>(top, classes));
      std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                        [&](int64_t a, int64_t b) { return row[a] > row[b]; });
      std::printf("sample %lld: top %d of %lld classes:", (long long)r, k, (long long)classes);
      for (int i = 0; i < k; ++i)
        std::printf(" %lld (%.4g)", (long long)idx[size_t(i)], row[idx[size_t(i)]]);
      std::printf("\n");
    }
    return 0;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "deploy: error: %s\n", e.what());
    return 1;
  }
}
