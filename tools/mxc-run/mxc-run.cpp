// mxc-run - run a compiled module on inputs from .params/.npy files.
//
//   mxc-run net.so [--params net.params] [--input data=x.npy]...
//                  [--fill-missing zeros|random] [--train] [--backward]
//                  [--repeat N] [--save out.params] [--output-dir DIR] [--print]
//
// Arguments come from --input (a .npy file, or the first array of an
// MXNet NDArray file), else from --params (MXNet's format, `arg:`/`aux:`
// prefixes or plain names), else --fill-missing; anything still missing is
// an error naming it. Outputs are printed (--print), saved as one NDArray
// file (--save) or as <name>.npy files (--output-dir). --repeat times the
// forward pass and prints min/median/max. --backward (a module compiled
// with --train) runs forward in training mode, then backward with head
// gradients from --input <output>_head_grad=FILE (ones otherwise), and
// writes the gradients like the outputs (<argument>_grad). Links libmxrt
// only: this is what a deployment runs.
#include "npy.h"

#include "mxrt/base.h"
#include "mxrt/module.h"
#include "mxrt/ndarray_io.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <random>

using namespace mxrt;

namespace {

void usage() {
  std::cerr << "usage: mxc-run MODULE.so [--params FILE] [--input NAME=FILE]... "
               "[--fill-missing zeros|random] [--train] [--backward] [--repeat N] [--seed N] "
               "[--save FILE.params] [--output-dir DIR] [--print]\n";
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

NDArray loadInput(const std::string &file) {
  if (endsWith(file, ".npy"))
    return npy::load(file);
  NDArrayList list = loadNDArrays(file);
  MXRT_CHECK(!list.arrays.empty(), "'", file, "' holds no array");
  return list.arrays[0];
}

NDArray filled(const TShape &shape, DType dtype, const std::string &how, std::mt19937 &rng) {
  NDArray a(shape, Context::cpu(), DType::Float32);
  std::vector<float> v(size_t(shape.numel()), how == "ones" ? 1.0f : 0.0f);
  if (how == "random") {
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    for (float &x : v)
      x = u(rng);
  }
  a.syncCopyFromCPU(v.data(), v.size() * sizeof(float));
  return dtype == DType::Float32 ? a : a.astype(dtype);
}

void print(const std::string &name, const NDArray &a) {
  NDArray f = a.dtype() == DType::Float32 ? a : a.astype(DType::Float32);
  std::vector<float> v(size_t(f.numel()));
  f.syncCopyToCPU(v.data(), v.size() * sizeof(float));
  std::cout << name << " " << a.shape().str() << " " << dtypeName(a.dtype()) << ":";
  for (size_t i = 0; i < std::min<size_t>(v.size(), 8); ++i)
    std::cout << " " << v[i];
  std::cout << (v.size() > 8 ? " ..." : "") << "\n";
  if (a.shape().ndim() == 2) {
    int64_t rows = a.shape()[0], cols = a.shape()[1];
    for (int64_t r = 0; r < std::min<int64_t>(rows, 4); ++r) {
      auto row = v.begin() + r * cols;
      std::cout << "  row " << r << ": argmax " << (std::max_element(row, row + cols) - row)
                << "\n";
    }
  }
}

int run(int argc, char **argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  std::string modulePath = argv[1];
  std::string params, fill, save, outDir;
  std::map<std::string, std::string> inputs;
  bool train = false, backward = false, doPrint = false;
  int repeat = 1;
  uint64_t seed = 0;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      MXRT_CHECK(i + 1 < argc, a, " needs a value");
      return argv[++i];
    };
    if (a == "--params")
      params = value();
    else if (a == "--input") {
      std::string kv = value();
      size_t eq = kv.find('=');
      MXRT_CHECK(eq != std::string::npos && eq > 0, "--input '", kv, "': expected NAME=FILE");
      inputs[kv.substr(0, eq)] = kv.substr(eq + 1);
    } else if (a == "--fill-missing") {
      fill = value();
      MXRT_CHECK(fill == "zeros" || fill == "random", "--fill-missing: expected zeros or random");
    } else if (a == "--backward")
      backward = train = true;
    else if (a == "--train")
      train = true;
    else if (a == "--repeat")
      repeat = std::max(1, std::stoi(value()));
    else if (a == "--seed")
      seed = std::stoull(value());
    else if (a == "--save")
      save = value();
    else if (a == "--output-dir")
      outDir = value();
    else if (a == "--print")
      doPrint = true;
    else {
      usage();
      fail("unknown option '", a, "'");
    }
  }
  if (modulePath.find('/') == std::string::npos)
    modulePath = "./" + modulePath;
  std::shared_ptr<const Module> module = Module::load(modulePath);

  std::map<std::string, NDArray> given;
  if (!params.empty()) {
    NDArrayList list = loadNDArrays(params);
    for (size_t i = 0; i < list.arrays.size() && i < list.names.size(); ++i) {
      std::string n = list.names[i];
      if (n.rfind("arg:", 0) == 0 || n.rfind("aux:", 0) == 0)
        n = n.substr(4);
      given[n] = list.arrays[i];
    }
  }
  for (const auto &[name, file] : inputs)
    given[name] = loadInput(file);

  std::mt19937 rng{uint32_t(seed)};
  auto collect = [&](int kind, const char *what) {
    std::vector<NDArray> arrays;
    for (int v : module->valuesOfKind(kind)) {
      std::string name = module->manifest().values[v].name;
      auto it = given.find(name);
      if (it != given.end()) {
        arrays.push_back(it->second);
      } else {
        MXRT_CHECK(!fill.empty(), what, " '", name, "' ", module->shapeOf(v).str(),
                   " has no value: give --input ", name, "=FILE, --params or --fill-missing");
        // Variances must stay positive: fill moving_var-like states with ones.
        bool var = name.find("var") != std::string::npos && kind == MXC_VALUE_AUX;
        arrays.push_back(filled(module->shapeOf(v), module->dtypeOf(v), var ? "ones" : fill, rng));
      }
    }
    return arrays;
  };
  // Gradient arrays (zeros) for the arguments the module has gradients of.
  std::vector<NDArray> grads;
  std::vector<std::string> gradNames;
  if (backward) {
    std::vector<int> argValues = module->valuesOfKind(MXC_VALUE_ARG);
    grads.resize(argValues.size());
    for (int v : module->valuesOfKind(MXC_VALUE_GRAD)) {
      size_t pos = size_t(
          std::find(argValues.begin(), argValues.end(), module->manifest().values[v].grad_of) -
          argValues.begin());
      grads[pos] = filled(module->shapeOf(v), module->dtypeOf(v), "zeros", rng);
      gradNames.push_back(module->manifest().values[v].name);
    }
  }
  Executor exec(module, Context::cpu(), collect(MXC_VALUE_ARG, "argument"),
                collect(MXC_VALUE_AUX, "auxiliary state"), grads);
  if (seed)
    exec.seed(seed);

  std::vector<double> ms;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    exec.forward(train);
    for (const NDArray &o : exec.outputs())
      o.waitToRead();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  if (repeat > 1) {
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    std::printf("forward%s: %d runs, min %.3f ms, median %.3f ms, max %.3f ms\n",
                train ? " (train)" : "", repeat, sorted.front(), sorted[sorted.size() / 2],
                sorted.back());
  }
  std::vector<std::string> names = module->names(MXC_VALUE_OUTPUT);
  std::vector<NDArray> results = exec.outputs();
  if (backward) {
    std::vector<NDArray> heads;
    for (int v : module->valuesOfKind(MXC_VALUE_HEAD_GRAD)) {
      auto it = given.find(module->manifest().values[v].name);
      heads.push_back(it != given.end()
                          ? it->second
                          : filled(module->shapeOf(v), module->dtypeOf(v), "ones", rng));
    }
    exec.backward(heads);
    for (const NDArray &g : grads)
      if (!g.isNone())
        results.push_back(g);
    names.insert(names.end(), gradNames.begin(), gradNames.end());
  }
  if (doPrint || (save.empty() && outDir.empty() && repeat == 1))
    for (size_t i = 0; i < names.size(); ++i)
      print(names[i], results[i]);
  if (!save.empty())
    saveNDArrays(save, results, names);
  if (!outDir.empty())
    for (size_t i = 0; i < names.size(); ++i)
      npy::save(outDir + "/" + names[i] + ".npy", results[i]);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception &e) {
    std::cerr << "mxc-run: error: " << e.what() << "\n";
    return 1;
  }
}
