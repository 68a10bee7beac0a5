// e2e_testing.h - what the compiled-module GoogleTests share: graphs of one
// op as symbol JSON, compiling them into a temporary directory, random
// arrays, and reading arrays back.
#pragma once

#include "compiler/Pipeline.h"
#include "mxrt/module.h"
#include "mxrt/ndarray.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace mxc::testing {

/// A graph of one op: variables `inputs`, the op with `attrs` (MXNet
/// strings) named `node`, and its first `heads` outputs as heads.
inline std::string singleOpJson(const std::string &op, const std::vector<std::string> &inputs,
                                const std::map<std::string, std::string> &attrs,
                                const std::string &node = "op0", int heads = 1) {
  std::string j = "{\"nodes\": [";
  for (const std::string &in : inputs)
    j += "{\"op\": \"null\", \"name\": \"" + in + "\", \"inputs\": []}, ";
  j += "{\"op\": \"" + op + "\", \"name\": \"" + node + "\", \"attrs\": {";
  bool first = true;
  for (const auto &[k, v] : attrs) {
    j += std::string(first ? "" : ", ") + "\"" + k + "\": \"" + v + "\"";
    first = false;
  }
  j += "}, \"inputs\": [";
  for (size_t i = 0; i < inputs.size(); ++i)
    j += std::string(i ? ", " : "") + "[" + std::to_string(i) + ", 0, 0]";
  j += "]}], \"arg_nodes\": [";
  for (size_t i = 0; i < inputs.size(); ++i)
    j += std::string(i ? ", " : "") + std::to_string(i);
  j += "], \"heads\": [";
  for (int h = 0; h < heads; ++h)
    j += std::string(h ? ", " : "") + "[" + std::to_string(inputs.size()) + ", " +
         std::to_string(h) + ", 0]";
  j += "], \"attrs\": {\"mxnet_version\": [\"int\", 10901]}}";
  return j;
}

/// The whole of a text file ("" if it cannot be read).
inline std::string readTextFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// test/data: $MXC_TEST_DATA, else the source tree's.
inline std::string testDataDir() {
  const char *d = std::getenv("MXC_TEST_DATA");
  return d ? d : MXC_SOURCE_TEST_DATA;
}

/// A fresh directory under the system's temporary directory.
inline std::filesystem::path tempDir(const std::string &tag) {
  auto base =
      std::filesystem::temp_directory_path() / ("mxc-" + tag + "-" + std::to_string(::getpid()) +
                                                "-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(base);
  return base;
}

/// Compiles to <dir>/<name>.so; fails the test with the compiler's message.
inline std::string compileTo(const CompileInputs &inputs, const std::filesystem::path &dir,
                             const std::string &name, const CompileOptions &options = {}) {
  std::string out = (dir / (name + ".so")).string();
  if (llvm::Error e = compileGraph(inputs, options, EmitKind::SharedLibrary, out)) {
    ADD_FAILURE() << "compiling " << name << ": " << llvm::toString(std::move(e));
    return {};
  }
  return out;
}

/// Uniform random values in [lo, hi) as an NDArray of `dtype` on cpu.
inline mxrt::NDArray randomArray(const mxrt::TShape &shape, std::mt19937 &rng, double lo = -1,
                                 double hi = 1, mxrt::DType dtype = mxrt::DType::Float32) {
  std::uniform_real_distribution<float> u{float(lo), float(hi)};
  std::vector<float> v(size_t(shape.numel()));
  for (float &x : v)
    x = u(rng);
  mxrt::NDArray a(shape, mxrt::Context::cpu(), mxrt::DType::Float32);
  a.syncCopyFromCPU(v.data(), v.size() * sizeof(float));
  return dtype == mxrt::DType::Float32 ? a : a.astype(dtype);
}

/// The values of an array as doubles (after waiting for it).
inline std::vector<double> values(const mxrt::NDArray &a) {
  mxrt::NDArray f = a.dtype() == mxrt::DType::Float64 ? a : a.astype(mxrt::DType::Float64);
  std::vector<double> v(size_t(f.numel()));
  f.syncCopyToCPU(v.data(), v.size() * sizeof(double));
  return v;
}

} // namespace mxc::testing
