// gemm_path.cc - bench: matrix products as a libmxrt call vs generated code, with OpenBLAS as
// anchor.
//
// The decision behind --gemm's default (codegen/Target.h): each case is a
// graph of one FullyConnected (the MLP's and classifier's products, weight
// transposed) or one 1x1 Convolution (ResNet-18's products, no im2col),
// compiled twice -- `library` (mxrt_kernel_gemm: OpenBLAS split over the
// engine's workers) and `generated` (tiled, vectorized linalg.matmul, one
// thread) -- and run through the executor. The anchor is OpenBLAS's
// cblas_sgemm called directly on the same sizes with all its threads.
//
// Usage: bench_codegen_gemm_path [repeats=20]
#include "model_util.h"

#include <cblas.h>

extern "C" void openblas_set_num_threads(int);

namespace {

std::string fcJson() {
  return R"json({"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "null", "name": "w", "inputs": []},
    {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "N", "no_bias": "True"},
     "inputs": [[0, 0, 0], [1, 0, 0]]}], "arg_nodes": [0, 1], "heads": [[2, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})json";
}

std::string convJson() {
  return R"json({"nodes": [{"op": "null", "name": "x", "inputs": []}, {"op": "null", "name": "w", "inputs": []},
    {"op": "Convolution", "name": "conv", "attrs": {"num_filter": "N", "kernel": "(1, 1)", "no_bias": "True"},
     "inputs": [[0, 0, 0], [1, 0, 0]]}], "arg_nodes": [0, 1], "heads": [[2, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10901]}})json";
}

std::vector<double> timeBlas(int M, int N, int K, int repeats) {
  std::vector<float> a(size_t(M) * K, 0.01f), b(size_t(K) * N, 0.02f), c(size_t(M) * N);
  std::vector<double> t;
  for (int r = 0; r < repeats + 3; ++r) {
    double t0 = bench::now();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.f, a.data(), K, b.data(), N,
                0.f, c.data(), N);
    if (r >= 3)
      t.push_back(bench::now() - t0);
  }
  return t;
}

} // namespace

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 20;
  auto dir =
      std::filesystem::temp_directory_path() / ("mxc-bench-gemm-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  bench::loadNote();
  std::printf("GEMM path, %d repeats; GFLOP/s are from the median\n\n", repeats);
  std::printf("| %-34s | %-24s | %-24s | %-24s | %-9s |\n", "product (M x N x K)",
              "library ms (GFLOP/s)", "generated ms (GFLOP/s)", "OpenBLAS ms (GFLOP/s)", "lib/gen");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(36, '-').c_str(), std::string(26, '-').c_str(),
              std::string(26, '-').c_str(), std::string(26, '-').c_str(),
              std::string(11, '-').c_str());
  struct Case {
    const char *name;
    bool conv;
    int M, N, K, HW;
  };
  // FC: M = batch, N = num_hidden, K = inputs. Conv 1x1: M = filters,
  // N = H*W, K = channels.
  for (Case c : {Case{"FC mlp fc1, batch 1", false, 1, 128, 784, 0},
                 Case{"FC mlp fc1, batch 64", false, 64, 128, 784, 0},
                 Case{"FC classifier, batch 64", false, 64, 1000, 512, 0},
                 Case{"conv1x1 64->64 @56x56", true, 64, 3136, 64, 56},
                 Case{"conv1x1 128->128 @28x28", true, 128, 784, 128, 28},
                 Case{"conv1x1 256->256 @14x14", true, 256, 196, 256, 14},
                 Case{"conv1x1 512->512 @7x7", true, 512, 49, 512, 7}}) {
    mxc::CompileInputs in;
    std::string json = c.conv ? convJson() : fcJson();
    json.replace(json.find("\"N\""), 3, "\"" + std::to_string(c.conv ? c.M : c.N) + "\"");
    in.json = json;
    if (c.conv)
      in.shapes = {{"x", "1," + std::to_string(c.K) + "," + std::to_string(c.HW) + "," +
                             std::to_string(c.HW)}};
    else
      in.shapes = {{"x", std::to_string(c.M) + "," + std::to_string(c.K)}};
    mxc::CompileOptions lib, gen;
    gen.gemm = mxc::codegen::GemmPath::Generated;
    bench::Stats l =
        bench::stats(bench::timeForward(bench::compileModule(in, lib, dir, "lib"), repeats));
    bench::Stats g =
        bench::stats(bench::timeForward(bench::compileModule(in, gen, dir, "gen"), repeats));
    bench::Stats b = bench::stats(timeBlas(c.M, c.N, c.K, repeats));
    double flop = 2.0 * c.M * c.N * c.K;
    auto cell = [&](const bench::Stats &s) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.3f (%.1f)", s.median * 1e3, flop / s.median * 1e-9);
      return std::string(buf);
    };
    char name[64];
    std::snprintf(name, sizeof name, "%s %dx%dx%d", c.name, c.M, c.N, c.K);
    std::printf("| %-34s | %-24s | %-24s | %-24s | %-9.2f |\n", name, cell(l).c_str(),
                cell(g).c_str(), cell(b).c_str(), l.median / g.median);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
