// latency.cc - bench: inference latency of compiled MLP and ResNet-18 vs MXNet 1.9.1 and PyTorch.
//
// Ours: the module compiled by the pipeline (default options: -O3, library
// GEMM, the host CPU), bound with random parameters, forward + wait through
// the engine. Anchors in the same run: MXNet 1.9.1 (simple_bind, MKLDNN,
// /opt/mxnet-venv) on the same symbol, and PyTorch CPU (/opt/bench-venv) on
// the same layers, each with every core. min / median / max over repeats.
//
// Usage: bench_codegen_latency [repeats=20]
#include "model_util.h"

#include <fstream>
#include <sstream>

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;
  std::string mxnet = bench::exists("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python");
  std::string torch = bench::exists("MXC_TORCH_PYTHON", "/opt/bench-venv/bin/python");
  auto dir =
      std::filesystem::temp_directory_path() / ("mxc-bench-latency-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  bench::loadNote();
  std::printf("inference latency, %d repeats, %d engine CPU workers\n\n", repeats,
              mxrt::Engine::get()->numCPUWorkers());
  bench::header();
  struct Case {
    const char *name, *file, *shape, *torchModel;
  };
  for (Case c :
       {Case{"MLP batch 1", "mlp", "1,784", "mlp"}, Case{"MLP batch 64", "mlp", "64,784", "mlp"},
        Case{"ResNet-18 batch 1", "resnet18_v1", "1,3,224,224", "resnet18"}}) {
    std::string symbol = std::string(MXC_SOURCE_DIR "/test/data/models/") + c.file + "-symbol.json";
    std::ifstream f(symbol);
    std::stringstream s;
    s << f.rdbuf();
    mxc::CompileInputs in;
    in.json = s.str();
    in.shapes = {{"data", c.shape}};
    auto module = bench::compileModule(in, {}, dir, c.file);
    bench::Stats ours = bench::stats(bench::timeForward(module, repeats));
    std::string n = std::to_string(repeats);
    bench::Stats mx, pt;
    if (!mxnet.empty())
      mx = bench::stats(bench::anchor(mxnet, std::string("mxnet-forward ") + symbol +
                                                 " data=" + c.shape + " " + n));
    if (!torch.empty())
      pt = bench::stats(bench::anchor(torch, std::string("torch-forward ") + c.torchModel + " " +
                                                 c.shape + " " + n));
    bench::row(c.name, ours, "MXNet 1.9.1", mx, 1e3, "ms");
    bench::row(c.name, ours, "PyTorch CPU", pt, 1e3, "ms");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
