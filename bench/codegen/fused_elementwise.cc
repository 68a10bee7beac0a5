// fused_elementwise.cc - bench: relu(a * b + c) on 16M float32, compiled
// with mx-fuse, in GB/s against a STREAM copy in the same run.
//
// Ours: the graph compiled at -O3 (mx-fuse makes the three ops one kernel,
// one loop reading a, b, c and writing the output: 4 x 64 MB of traffic),
// forward + wait through the Executor. For comparison, the same three ops
// with their intermediates kept as outputs, so nothing fuses (three kernels,
// 8 x 64 MB of traffic), also at -O3; its GB/s counts the fused traffic
// (what the user asked for per second). Anchors: a STREAM-style copy
// (c[i] = a[i], 2 x 64 MB) on one thread and over parallelFor on every CPU
// worker, in the same process, taking turns in every repeat. min / median /
// max over repeats; the load is printed first (others' builds skew
// bandwidth).
//
// Usage: bench_codegen_fused_elementwise [repeats=15]
#include "model_util.h"

#include "mxrt/engine.h"

#include <functional>
#include <thread>

namespace {

constexpr int64_t kN = int64_t(16) << 20;
constexpr double kGB = double(kN) * 4 / 1e9; // one array

/// relu(a * b + c); with `keep`, the product and the sum are heads too.
std::string graph(bool keep) {
  std::string heads = keep ? "[[5, 0, 0], [3, 0, 0], [4, 0, 0]]" : "[[5, 0, 0]]";
  return R"({"nodes": [
    {"op": "null", "name": "a", "inputs": []}, {"op": "null", "name": "b", "inputs": []},
    {"op": "null", "name": "c", "inputs": []},
    {"op": "elemwise_mul", "name": "mul", "inputs": [[0, 0, 0], [1, 0, 0]]},
    {"op": "elemwise_add", "name": "add", "inputs": [[3, 0, 0], [2, 0, 0]]},
    {"op": "relu", "name": "relu", "inputs": [[4, 0, 0]]}],
    "arg_nodes": [0, 1, 2], "heads": )" +
         heads + R"(, "attrs": {"mxnet_version": ["int", 10901]}})";
}

/// Binds `m` to random arrays; returns a run (forward + wait).
std::function<void()> runner(std::shared_ptr<const mxrt::Module> m) {
  std::mt19937 rng(0);
  std::vector<mxrt::NDArray> args;
  for (int v : m->valuesOfKind(MXC_VALUE_ARG))
    args.push_back(bench::uniform(m->shapeOf(v), rng, -1.f, 1.f));
  auto exec =
      std::make_shared<mxrt::Executor>(m, mxrt::Context::cpu(), args, std::vector<mxrt::NDArray>{});
  return [exec] {
    exec->forward();
    for (const mxrt::NDArray &o : exec->outputs())
      o.waitToRead();
  };
}

/// GB/s for `arrays` x 64 MB moved per run: min / median / max.
void row(const char *what, const bench::Stats &s, double arrays) {
  double gb = arrays * kGB;
  std::printf("| %-52s | %7.2f | %7.2f | %7.2f |\n", what, gb / s.max, gb / s.median, gb / s.min);
}

} // namespace

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::max(3, std::atoi(argv[1])) : 15;
  auto dir =
      std::filesystem::temp_directory_path() / ("mxc-bench-fused-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  bench::loadNote();
  std::printf("relu(a * b + c) on %lld float32 (64 MB per array), %d repeats, %d engine CPU "
              "workers, %u hardware threads\n\n",
              (long long)kN, repeats, mxrt::Engine::get()->numCPUWorkers(),
              std::thread::hardware_concurrency());

  mxc::CompileInputs in;
  std::string n = std::to_string(kN);
  in.shapes = {{"a", n}, {"b", n}, {"c", n}};
  in.json = graph(false);
  auto fused = bench::compileModule(in, {}, dir, "fused");
  in.json = graph(true);
  auto unfused = bench::compileModule(in, {}, dir, "unfused");
  int fusedKernels = fused->manifest().entries[MXC_ENTRY_FORWARD_INFER].num_kernels;
  int unfusedKernels = unfused->manifest().entries[MXC_ENTRY_FORWARD_INFER].num_kernels;

  std::vector<float> src(size_t(kN), 1.5f), dst(size_t(kN), 0.f);
  auto copy = [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i)
      dst[size_t(i)] = src[size_t(i)];
  };
  // The cases take turns in every repeat, so a change of load hits all.
  std::vector<std::function<void()>> cases = {[&] { copy(0, kN); },
                                              [&] { mxrt::parallelFor(kN, 1 << 16, copy); },
                                              runner(fused), runner(unfused)};
  std::vector<std::vector<double>> times(cases.size());
  for (int r = 0; r < repeats + 1; ++r)
    for (size_t c = 0; c < cases.size(); ++c) {
      double t0 = bench::now();
      cases[c]();
      if (r > 0) // the first round warms up
        times[c].push_back(bench::now() - t0);
    }
  bench::Stats copy1 = bench::stats(times[0]), copyAll = bench::stats(times[1]),
               f = bench::stats(times[2]), u = bench::stats(times[3]);

  std::printf("| %-52s | %7s | %7s | %7s |\n", "GB/s", "min", "median", "max");
  std::printf("|%s|%s|%s|%s|\n", std::string(54, '-').c_str(), std::string(9, '-').c_str(),
              std::string(9, '-').c_str(), std::string(9, '-').c_str());
  row("anchor: STREAM copy, 1 thread (2 x 64 MB)", copy1, 2);
  row("anchor: STREAM copy, parallelFor (2 x 64 MB)", copyAll, 2);
  char what[96];
  std::snprintf(what, sizeof what, "ours: fused, %d kernel (4 x 64 MB)", fusedKernels);
  row(what, f, 4);
  std::snprintf(what, sizeof what, "ours: unfused, %d kernels (4 x 64 MB useful, 8 moved)",
                unfusedKernels);
  row(what, u, 4);
  double fusedBw = 4 * kGB / f.median;
  std::printf("\nfused / STREAM copy (median GB/s): %.2f (1 thread), %.2f (parallelFor); "
              "fused / unfused time: %.2f\n",
              fusedBw / (2 * kGB / copy1.median), fusedBw / (2 * kGB / copyAll.median),
              f.median / u.median);
  std::filesystem::remove_all(dir);
  return 0;
}
