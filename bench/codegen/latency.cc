// latency.cc - bench: inference latency of compiled MLP, ResNet-18 and ResNet-50
// vs MXNet 1.9.1, PyTorch and ONNX Runtime.
//
// Ours: the module compiled by the pipeline (default options: -O3, library
// GEMM, the host CPU), bound with random parameters, forward + wait through
// the engine. Anchors in the same run, each with as many threads as the
// engine has CPU workers: MXNet 1.9.1 (simple_bind, MKLDNN, OMP_NUM_THREADS,
// /opt/mxnet-venv) on the same symbol; PyTorch CPU (eval, no_grad,
// torch.set_num_threads, /opt/bench-venv) on the same layers; ONNX Runtime's
// CPU execution provider (intra_op_num_threads, all graph optimizations,
// sequential execution) on that PyTorch model exported to ONNX once per run.
// min / median / max over repeats. Goal (issue 7): ResNet latency <= ONNX
// Runtime's and < PyTorch's.
//
// Usage: bench_codegen_latency [repeats=20] [filter]
//   filter: run only the cases whose name contains it ("ResNet-50",
//   "batch 32"): ResNet-50 batch 32 takes about a second per forward on 2
//   cores, so a run may be split.
#include "model_util.h"

#include <fstream>
#include <sstream>

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;
  std::string filter = argc > 2 ? argv[2] : "";
  std::string mxnet = bench::exists("MXC_MXNET_PYTHON", "/opt/mxnet-venv/bin/python");
  std::string torch = bench::exists("MXC_TORCH_PYTHON", "/opt/bench-venv/bin/python");
  auto dir =
      std::filesystem::temp_directory_path() / ("mxc-bench-latency-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  int threads = mxrt::Engine::get()->numCPUWorkers();
  std::string threadsFlag = "--threads=" + std::to_string(threads) + " ";
  bench::loadNote();
  std::printf("inference latency, %d repeats, %d engine CPU workers (the anchors' threads)\n\n",
              repeats, threads);
  bench::header();
  struct Case {
    const char *name, *file, *shape, *torchModel;
  };
  for (Case c :
       {Case{"MLP batch 1", "mlp", "1,784", "mlp"}, Case{"MLP batch 64", "mlp", "64,784", "mlp"},
        Case{"ResNet-18 batch 1", "resnet18_v1", "1,3,224,224", "resnet18"},
        Case{"ResNet-18 batch 32", "resnet18_v1", "32,3,224,224", "resnet18"},
        Case{"ResNet-50 batch 1", "resnet50_v1", "1,3,224,224", "resnet50"},
        Case{"ResNet-50 batch 32", "resnet50_v1", "32,3,224,224", "resnet50"}}) {
    if (std::string(c.name).find(filter) == std::string::npos)
      continue;
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
    std::string model = std::string(c.torchModel) + " " + c.shape + " " + n;
    bench::Stats mx, pt, ort;
    if (!mxnet.empty())
      mx = bench::stats(bench::anchor(mxnet, threadsFlag + "mxnet-forward " + symbol +
                                                 " data=" + c.shape + " " + n));
    if (!torch.empty()) {
      pt = bench::stats(bench::anchor(torch, threadsFlag + "torch-forward " + model));
      ort = bench::stats(
          bench::anchor(torch, threadsFlag + "ort-forward " + model + " " + dir.string()));
    }
    bench::row(c.name, ours, "MXNet 1.9.1", mx, 1e3, "ms");
    bench::row(c.name, ours, "PyTorch CPU", pt, 1e3, "ms");
    bench::row(c.name, ours, "ONNX Runtime", ort, 1e3, "ms");
    std::fflush(stdout);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
