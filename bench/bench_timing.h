// bench_timing.h - repeat-and-sort timing shared by the kernel benches
// (bench/elementwise.cc, bench/gemm.cc).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <vector>

namespace mxc::bench {

/// Seconds per run: fastest, median and slowest of the repeats.
struct Stats {
  double min = 0, median = 0, max = 0;
};

/// Runs f once to warm up, then `repeats` times, timing each run.
inline Stats timeIt(int repeats, const std::function<void()> &f) {
  using Clock = std::chrono::steady_clock;
  f();
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    auto s = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - s).count());
  }
  std::sort(t.begin(), t.end());
  return {t.front(), t[t.size() / 2], t.back()};
}

/// The 1-minute load average (a bench reports it: others' work skews timings).
inline double loadAverage() {
  double load[3] = {};
  getloadavg(load, 3);
  return load[0];
}

} // namespace mxc::bench
