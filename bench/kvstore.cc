// kvstore.cc - bench: KVStore push+pull bandwidth and the sgd_mom_update
// kernel, each against a copy of the same bytes measured in the same run.
//
//   push+pull  100 keys x 1M float32, values on 4 CPU devices (cpu(0..3)):
//              one push of all keys (4 values each, summed), one pull of all
//              keys (4 outs each), then a wait. Payload = bytes pushed +
//              bytes pulled (3.2 GB); GB/s = payload / time. Anchor: memcpy
//              of the same payload between the same arrays, split over the
//              CPU workers like our ops. Goal: >= 50% of the anchor.
//   sgd_mom    sgd_mom_update on 16M float32 (reads weight, grad, mom;
//              writes mom, weight: 5 x 64 MB of traffic). Anchor: a STREAM
//              copy (a[i] = b[i], 2 x 64 MB of traffic) over the same cores.
//              GB/s counts the traffic; goal: >= 70% of the copy's.
//
// Each figure is min / median / max over the repeats, ours and the anchor
// interleaved; the ratio compares medians. Check the machine's load (printed first) before trusting
// them.
//
// Usage: bench_kvstore [repeats=7]
#include "mxrt/kvstore.h"
#include "mxrt/attrs.h"
#include "mxrt/engine.h"
#include "mxrt/op_registry.h"
#include "mxrt/op_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace mxrt;
using Clock = std::chrono::steady_clock;

struct Stats {
  double min, median, max;
};

/// Seconds of each repeat of ours and of the anchor, interleaved (after one
/// warm-up run of each) so that the machine's load hits both alike.
std::pair<std::vector<double>, std::vector<double>>
timeRuns(int repeats, const std::function<void()> &ours, const std::function<void()> &anchor) {
  ours();
  anchor();
  std::vector<double> a, b;
  auto time = [](const std::function<void()> &f) {
    auto t0 = Clock::now();
    f();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  for (int r = 0; r < repeats; ++r) {
    a.push_back(time(ours));
    b.push_back(time(anchor));
  }
  return {a, b};
}

/// GB/s over the runs for `bytes` per run (min/median/max of the rates).
Stats rates(std::vector<double> secs, double bytes) {
  std::sort(secs.begin(), secs.end());
  return {bytes / secs.back() / 1e9, bytes / secs[secs.size() / 2] / 1e9, bytes / secs[0] / 1e9};
}

void printRow(const char *what, const Stats &ours, const Stats &anchor, const char *anchorName,
              double goal) {
  double ratio = ours.median / anchor.median;
  std::printf(
      "%-10s %6.2f / %6.2f / %6.2f   %-12s %6.2f / %6.2f / %6.2f   %5.1f%%  (goal %.0f%%)\n", what,
      ours.min, ours.median, ours.max, anchorName, anchor.min, anchor.median, anchor.max,
      100 * ratio, 100 * goal);
}

NDArray randomArray(int64_t n, Context ctx, std::mt19937 &rng) {
  std::vector<float> v(static_cast<size_t>(n));
  std::uniform_real_distribution<float> u(-1, 1);
  for (float &x : v)
    x = u(rng);
  NDArray a(TShape{n}, ctx);
  a.syncCopyFromCPU(v.data(), v.size() * 4);
  return a;
}

/// memcpy of each (dst, src) pair, the pairs spread over the CPU workers as
/// engine ops (so the anchor uses the same threads as the store).
void copyPairs(const std::vector<std::pair<NDArray, NDArray>> &pairs) {
  Engine *engine = Engine::get();
  for (const auto &[dst, src] : pairs) {
    VarHandle r[] = {src.var()}, w[] = {dst.var()};
    engine->push(
        [dst, src](RunContext) { std::memcpy(dst.data().dptr, src.data().dptr, dst.nbytes()); },
        Context::cpu(), r, w);
  }
  engine->waitForAll();
}

void benchPushPull(int repeats) {
  const int kKeys = 100, kDevices = 4;
  const int64_t n = 1 << 20;
  std::mt19937 rng(1);
  auto kv = KVStore::create("local");
  std::vector<int> keys, flatKeys;
  std::vector<NDArray> inits, grads, outs;
  for (int k = 0; k < kKeys; ++k) {
    keys.push_back(k);
    inits.push_back(NDArray(TShape{n}, Context::cpu()));
    for (int d = 0; d < kDevices; ++d) {
      flatKeys.push_back(k);
      grads.push_back(randomArray(n, Context::cpu(d), rng));
      outs.push_back(NDArray(TShape{n}, Context::cpu(d)));
    }
  }
  kv->init(keys, inits);
  Engine::get()->waitForAll();
  const double payload = double(grads.size() + outs.size()) * double(n) * 4;
  std::vector<std::pair<NDArray, NDArray>> pairs;
  for (size_t i = 0; i < grads.size(); ++i) {
    pairs.emplace_back(outs[i], grads[i]);
    pairs.emplace_back(grads[i], outs[i]);
  }
  auto [ours, anchor] = timeRuns(
      repeats,
      [&] {
        kv->push(flatKeys, grads);
        kv->pull(flatKeys, outs);
        Engine::get()->waitForAll();
      },
      [&] { copyPairs(pairs); });
  printRow("push+pull", rates(ours, payload), rates(anchor, payload), "memcpy", 0.5);
}

void benchSgdMom(int repeats) {
  const int64_t n = 16 << 20;
  std::mt19937 rng(2);
  NDArray w = randomArray(n, Context::cpu(), rng), g = randomArray(n, Context::cpu(), rng),
          mom = randomArray(n, Context::cpu(), rng);
  const OpSpec *op = findOp("sgd_mom_update");
  std::vector<Attrs::KeyValue> kv{{"lr", "0.001"}, {"momentum", "0.9"}, {"wd", "0.0001"}};
  Attrs attrs = Attrs::parse(*op, kv);
  KernelFn kernel = opImpl(*op).cpu;
  std::vector<TBlob> in{w.data(), g.data(), mom.data()};
  TBlob out = w.data();
  NDArray a = randomArray(n, Context::cpu(), rng), b(TShape{n}, Context::cpu());
  auto [ours, anchor] = timeRuns(
      repeats,
      [&] {
        // As an engine op, the way mx.nd.sgd_mom_update runs it.
        VarHandle r[] = {g.var()}, wr[] = {w.var(), mom.var()};
        Engine::get()->push(
            [&](RunContext rc) {
              kernel(OpContext{rc, false}, attrs, in, std::span(&out, 1));
            },
            Context::cpu(), r, wr);
        Engine::get()->waitForAll();
      },
      [&] {
        // STREAM copy: b = a in chunks over the workers.
        VarHandle r[] = {a.var()}, wr[] = {b.var()};
        Engine::get()->push(
            [&](RunContext) {
              const float *src = static_cast<const float *>(a.data().dptr);
              float *dst = static_cast<float *>(b.data().dptr);
              parallelFor(n, 1 << 16, [&](int64_t lo, int64_t hi) {
                std::memcpy(dst + lo, src + lo, size_t(hi - lo) * 4);
              });
            },
            Context::cpu(), r, wr);
        Engine::get()->waitForAll();
      });
  printRow("sgd_mom", rates(ours, 5.0 * double(n) * 4), rates(anchor, 2.0 * double(n) * 4),
           "STREAM copy", 0.7);
}

} // namespace

int main(int argc, char **argv) {
  int repeats = argc > 1 ? std::atoi(argv[1]) : 7;
  std::ifstream load("/proc/loadavg");
  std::string la;
  std::getline(load, la);
  std::printf("load average: %s; %d CPU workers; %d repeats\n", la.c_str(),
              Engine::get()->numCPUWorkers(), repeats);
  std::printf("%-10s %-24s   %-12s %-24s   %s\n", "bench", "ours GB/s min/med/max", "anchor",
              "anchor GB/s min/med/max", "ours/anchor");
  benchPushPull(repeats);
  benchSgdMom(repeats);
}
