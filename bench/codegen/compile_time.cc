// compile_time.cc - bench: seconds to compile MLP and ResNet-18, cold and from the cache.
//
// Cold: the whole pipeline (import to linked .so) in this process, no cache
// (a fresh MLIRContext each time, as `mxc compile` pays). Hit: compileCached
// for a key already in the cache (hash the inputs, stat and checksum the
// entry). Goals: MLP < 0.3 s, ResNet-18 < 3 s cold, a hit < 10 ms. The
// anchor is MXNet 1.9.1's simple_bind of the same symbol (graph executor
// creation; MXNet compiles nothing ahead of time), in the same run.
//
// Usage: bench_codegen_compile_time [repeats=5]
#include "bench_util.h"
#include "compiler/Cache.h"
#include "compiler/Pipeline.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

struct Model {
  const char *name, *file, *shape;
  double goal;
};

std::string readFile(const std::string &p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::string mxnet = bench::exists("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python");
  auto dir =
      std::filesystem::temp_directory_path() / ("mxc-bench-compile-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("MXC_CACHE_DIR", (dir / "cache").c_str(), 1);
  bench::loadNote();
  std::printf("compile time, %d repeats (goal: MLP < 0.3 s, ResNet-18 < 3 s cold, hit < 10 ms)\n\n",
              repeats);
  bench::header();
  for (Model m : {Model{"MLP (1,784)", "mlp", "1,784", 0.3},
                  Model{"ResNet-18 (1,3,224,224)", "resnet18_v1", "1,3,224,224", 3.0}}) {
    mxc::CompileInputs in;
    std::string symbol = std::string(MXC_SOURCE_DIR "/test/data/models/") + m.file + "-symbol.json";
    in.json = readFile(symbol);
    in.shapes = {{"data", m.shape}};
    std::vector<double> cold, hit;
    for (int r = 0; r < repeats; ++r) {
      double t = bench::now();
      if (llvm::Error e =
              mxc::compileGraph(in, {}, mxc::EmitKind::SharedLibrary, (dir / "out.so").string())) {
        std::fprintf(stderr, "compile failed: %s\n", llvm::toString(std::move(e)).c_str());
        return 1;
      }
      cold.push_back(bench::now() - t);
    }
    (void)mxc::compileCached(in, {}); // fill the cache
    for (int r = 0; r < repeats * 4; ++r) {
      double t = bench::now();
      llvm::Expected<mxc::CachedModule> c = mxc::compileCached(in, {});
      hit.push_back(bench::now() - t);
      if (!c || !c->hit) {
        std::fprintf(stderr, "expected a cache hit\n");
        return 1;
      }
    }
    std::vector<double> bind;
    if (!mxnet.empty())
      bind = bench::anchor(mxnet, "mxnet-bind " + symbol + " data=" + m.shape + " " +
                                      std::to_string(repeats));
    bench::Stats anchor = bench::stats(bind);
    bench::row(std::string(m.name) + " cold", bench::stats(cold), "MXNet bind", anchor, 1e3, "ms");
    bench::row(std::string(m.name) + " cache hit", bench::stats(hit), "MXNet bind", anchor, 1e3,
               "ms");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
