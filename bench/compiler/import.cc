// import.cc - bench: import + shape inference of ResNet-50's symbol JSON, ours vs MXNet 1.9.1.
//
// Ours, in this process with one MLIRContext (as MXNet's library is loaded
// once): parse the JSON, build and verify the mx module, run mx-infer-shape
// with data=(1,3,224,224). The anchor, measured in the same run: MXNet
// 1.9.1's mx.sym.load + infer_shape on the same file and shape, in a Python
// subprocess (MXC_MXNET_PYTHON, default /opt/mxnet-venv/bin/python), timed
// inside Python so interpreter start-up is not counted. min/median/max over
// the repeats, ratio of medians. Goal: under 50 ms for ours.
//
// Usage: bench_compiler_import [symbol.json] [repeats=20]
#include "compiler/Registration.h"
#include "compiler/SymbolJson.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef MXC_SOURCE_DIR
#define MXC_SOURCE_DIR "."
#endif

namespace {

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Stats {
  double min, median, max;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v.back()};
}

/// MXNet's times in ms, one per repeat, or empty (and `why`) without MXNet.
std::vector<double> mxnetTimes(const std::string &json, int repeats, std::string &why) {
  const char *env = std::getenv("MXC_MXNET_PYTHON");
  std::string python = env ? env : "/opt/mxnet-venv/bin/python";
  if (!std::ifstream(python)) {
    why = "no MXNet Python at " + python + " (set MXC_MXNET_PYTHON)";
    return {};
  }
  std::string script = "import sys, time, logging\n"
                       "import mxnet as mx\n"
                       "for _ in range(" +
                       std::to_string(repeats) +
                       "):\n"
                       "    t = time.perf_counter()\n"
                       "    s = mx.sym.load(sys.argv[1])\n"
                       "    s.infer_shape(data=(1, 3, 224, 224))\n"
                       "    print((time.perf_counter() - t) * 1e3)\n";
  std::string cmd = python + " -c '" + script + "' '" + json + "' 2>/dev/null";
  FILE *pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    why = "cannot run " + python;
    return {};
  }
  std::vector<double> times;
  std::array<char, 128> line;
  while (fgets(line.data(), int(line.size()), pipe))
    times.push_back(std::atof(line.data()));
  if (pclose(pipe) != 0 || int(times.size()) != repeats) {
    why = "MXNet run failed";
    return {};
  }
  return times;
}

} // namespace

int main(int argc, char **argv) {
  std::string path =
      argc > 1 ? argv[1]
               : std::string(MXC_SOURCE_DIR) + "/test/data/models/resnet50_v1-symbol.json";
  int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 20;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    std::fprintf(stderr, "bench_compiler_import: cannot read %s\n", path.c_str());
    return 1;
  }
  std::string json = (*buffer)->getBuffer().str();

  mlir::DialectRegistry registry;
  mxc::registerMxcDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  ctx.disableMultithreading(); // one graph, one thread: as MXNet's pass
  mlir::ScopedDiagnosticHandler handler(&ctx, [](mlir::Diagnostic &d) {
    std::fprintf(stderr, "%s\n", d.str().c_str());
    return mlir::success();
  });

  std::vector<double> importMs, inferMs, totalMs;
  for (int i = 0; i < repeats; ++i) {
    auto start = Clock::now();
    mlir::OwningOpRef<mlir::ModuleOp> module = mxc::importSymbolJson(json, &ctx);
    if (!module)
      return 1;
    double imported = msSince(start);
    mlir::PassManager pm(&ctx);
    pm.addNestedPass<mlir::func::FuncOp>(mlir::mx::createMxInferShape({"data:1,3,224,224"}));
    if (mlir::failed(pm.run(*module)))
      return 1;
    double total = msSince(start);
    importMs.push_back(imported);
    inferMs.push_back(total - imported);
    totalMs.push_back(total);
  }
  std::string why;
  std::vector<double> mxnet = mxnetTimes(path, repeats, why);

  std::ifstream loadavg("/proc/loadavg");
  std::string load;
  std::getline(loadavg, load);
  std::printf("import + infer_shape of %s, data=(1,3,224,224), %d repeats (load average: %s)\n\n",
              path.c_str(), repeats, load.c_str());
  std::printf("%-36s %9s %9s %9s\n", "figure (ms)", "min", "median", "max");
  auto row = [](const char *name, const std::vector<double> &v) {
    Stats s = stats(v);
    std::printf("%-36s %9.2f %9.2f %9.2f\n", name, s.min, s.median, s.max);
  };
  row("mxc: import (parse, build, verify)", importMs);
  row("mxc: mx-infer-shape", inferMs);
  row("mxc: import + infer-shape", totalMs);
  if (mxnet.empty()) {
    std::printf("%-36s skipped: %s\n", "MXNet 1.9.1: sym.load + infer_shape", why.c_str());
    return 0;
  }
  row("MXNet 1.9.1: sym.load + infer_shape", mxnet);
  std::printf("\nratio mxc / MXNet (medians): %.2f   goal for mxc: < 50 ms (median %.2f)\n",
              stats(totalMs).median / stats(mxnet).median, stats(totalMs).median);
  return 0;
}
