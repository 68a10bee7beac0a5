// engine_stress_test.cc - a random DAG of ops over 64 variables, run on every worker and on
// the naive engine, checked against serial replay.
//
// Each op hashes its index and the values of the variables it reads, and
// folds the hash into the variables it writes (read-modify-write, so the
// order of writers matters as much as readers seeing the right version).
// Values live in plain, unsynchronized memory: the engine's ordering is the
// only thing that keeps them right, and under TSan any op the engine lets
// overlap with a writer is reported as a race. The mix covers sync ops,
// prioritized ops, async ops completed inline and from another thread, and
// ops whose kernel uses parallelFor. Midway, waitForVar results are checked
// against the serial values at that point of the program.
//
// Size: MXC_ENGINE_STRESS_OPS ops (default 100000; CI uses less under TSan).
#include "mxrt/base.h"
#include "mxrt/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <span>
#include <thread>
#include <vector>

namespace mxrt {
namespace {

constexpr int kVars = 64;
constexpr Context kCPU = Context::cpu();

enum class Flavor : uint8_t { Sync, Prioritized, AsyncInline, AsyncElsewhere, Parallel };

struct Op {
  uint8_t nreads = 0, nwrites = 0;
  uint8_t reads[3] = {}, writes[2] = {};
  Flavor flavor = Flavor::Sync;
};

uint64_t mix(uint64_t x) { // splitmix64's finalizer
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// What op i does: reads, hashes, folds into its writes. Returns its hash.
uint64_t apply(const Op &op, size_t i, uint64_t *vals) {
  uint64_t h = mix(i + 1);
  for (int k = 0; k < op.nreads; ++k)
    h = mix(h ^ vals[op.reads[k]]);
  if (op.flavor == Flavor::Parallel) {
    std::atomic<uint64_t> sum{0}; // a commutative sum: the same for any chunking
    parallelFor(256, 16, [&](int64_t b, int64_t e) {
      uint64_t s = 0;
      for (int64_t j = b; j < e; ++j)
        s += mix(h + uint64_t(j));
      sum += s;
    });
    h = mix(h ^ sum.load());
  }
  for (int k = 0; k < op.nwrites; ++k) {
    uint64_t &v = vals[op.writes[k]];
    v = mix(h ^ v ^ (uint64_t(op.writes[k]) << 32));
  }
  return h;
}

std::vector<Op> randomProgram(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Op> prog(n);
  for (Op &op : prog) {
    int picked[5];
    int count = 0;
    auto pick = [&] {
      for (;;) {
        int v = int(rng() % kVars);
        if (std::find(picked, picked + count, v) == picked + count)
          return picked[count++] = v;
      }
    };
    op.nreads = uint8_t(rng() % 4);
    op.nwrites = uint8_t(1 + rng() % 2);
    for (int k = 0; k < op.nreads; ++k)
      op.reads[k] = uint8_t(pick());
    for (int k = 0; k < op.nwrites; ++k)
      op.writes[k] = uint8_t(pick());
    unsigned r = unsigned(rng() % 100);
    op.flavor = r < 70   ? Flavor::Sync
                : r < 80 ? Flavor::Prioritized
                : r < 88 ? Flavor::AsyncInline
                : r < 92 ? Flavor::AsyncElsewhere
                         : Flavor::Parallel;
  }
  return prog;
}

/// Completes async ops from a thread of its own, as I/O or a network would.
class Completer {
public:
  Completer() : thread_([this] { loop(); }) {}
  ~Completer() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void post(std::function<void()> f) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      work_.push_back(std::move(f));
    }
    cv_.notify_one();
  }

private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !work_.empty(); });
      if (work_.empty())
        return;
      auto f = std::move(work_.front());
      work_.pop_front();
      lock.unlock();
      f();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> work_;
  bool stop_ = false;
  std::thread thread_;
};

/// Aborts with a message when no op completes for a minute: a deadlocked
/// engine fails here at once instead of hanging until ctest's timeout.
class Watchdog {
public:
  Watchdog(const std::atomic<size_t> &done, size_t total)
      : thread_([this, &done, total] {
          std::unique_lock<std::mutex> lock(mu_);
          size_t last = SIZE_MAX;
          auto lastChange = std::chrono::steady_clock::now();
          while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; })) {
            size_t now = done.load(std::memory_order_relaxed);
            if (now != last) {
              last = now;
              lastChange = std::chrono::steady_clock::now();
            } else if (std::chrono::steady_clock::now() - lastChange > std::chrono::seconds(60)) {
              std::fprintf(stderr,
                           "engine stress: no op completed for 60 s (%zu of %zu done): "
                           "the engine deadlocked\n",
                           now, total);
              std::abort();
            }
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

struct Checkpoint {
  size_t afterOp;
  int var;
  uint64_t expected;
};

TEST(EngineStress, RandomDagMatchesSerialReplay) {
  const size_t n = size_t(envInt("MXC_ENGINE_STRESS_OPS", 100000));
  const std::vector<Op> prog = randomProgram(n, 0x5eed5eedull);

  // The reference: the program run in order on one thread.
  std::vector<uint64_t> serialVals(kVars, 0), serialOut(n);
  std::vector<Checkpoint> checkpoints;
  for (size_t i = 0; i < n; ++i) {
    serialOut[i] = apply(prog[i], i, serialVals.data());
    if (i % 997 == 996)
      checkpoints.push_back({i, prog[i].writes[0], serialVals[prog[i].writes[0]]});
  }

  for (EngineKind kind : {EngineKind::Threaded, EngineKind::Naive}) {
    SCOPED_TRACE(kind == EngineKind::Naive ? "naive engine" : "threaded engine");
    // Declared so that the engine drains (on an early return) while the
    // values and the completer its ops use still exist.
    std::vector<uint64_t> vals(kVars, 0), out(n);
    std::atomic<size_t> done{0};
    Watchdog watchdog(done, n);
    Completer completer;
    auto e = Engine::create(kind);
    std::vector<VarHandle> vars;
    for (int k = 0; k < kVars; ++k)
      vars.push_back(e->newVar());
    size_t nextCheck = 0;
    for (size_t i = 0; i < n; ++i) {
      const Op &op = prog[i];
      VarHandle reads[3], writes[2];
      for (int k = 0; k < op.nreads; ++k)
        reads[k] = vars[op.reads[k]];
      for (int k = 0; k < op.nwrites; ++k)
        writes[k] = vars[op.writes[k]];
      std::span<const VarHandle> r(reads, op.nreads), w(writes, op.nwrites);
      auto body = [&vals, &out, &prog, &done, i] {
        out[i] = apply(prog[i], i, vals.data());
        done.fetch_add(1, std::memory_order_relaxed);
      };
      switch (op.flavor) {
      case Flavor::Sync:
      case Flavor::Parallel:
        e->push([body](RunContext) { body(); }, kCPU, r, w, FnProperty::Normal, 0, "stress");
        break;
      case Flavor::Prioritized:
        e->push([body](RunContext) { body(); }, kCPU, r, w,
                i % 2 ? FnProperty::CPUPrioritized : FnProperty::Normal, 1 + int(i % 3), "stress");
        break;
      case Flavor::AsyncInline:
        e->pushAsync(
            [body](RunContext, OnComplete done) {
              body();
              done();
            },
            kCPU, r, w, FnProperty::Async, 0, "stress");
        break;
      case Flavor::AsyncElsewhere:
        e->pushAsync(
            [body, &completer](RunContext, OnComplete done) {
              completer.post([body, done] {
                body();
                done();
              });
            },
            kCPU, r, w, FnProperty::Async, 0, "stress");
        break;
      }
      if (nextCheck < checkpoints.size() && checkpoints[nextCheck].afterOp == i) {
        const Checkpoint &c = checkpoints[nextCheck++];
        e->waitForVar(vars[size_t(c.var)]); // later ops are not pushed yet
        ASSERT_EQ(vals[size_t(c.var)], c.expected) << "variable " << c.var << " after op " << i;
      }
    }
    e->waitForAll();
    EXPECT_EQ(vals, serialVals);
    size_t wrong = 0;
    for (size_t i = 0; i < n; ++i)
      wrong += out[i] != serialOut[i];
    EXPECT_EQ(wrong, 0u) << "ops that saw other inputs than in serial order";
    for (VarHandle v : vars)
      e->deleteVar(nullptr, kCPU, v);
    e->waitForAll();
  }
}

TEST(EngineStress, ManyThreadsPushAndWaitAtOnce) {
  // Producers share one engine and one variable they all read; each also
  // owns a counter variable it increments by a chain of writes and checks
  // with waitForVar after every batch.
  auto e = Engine::create(EngineKind::Threaded);
  VarHandle shared = e->newVar();
  int sharedValue = 0;
  e->push([&](RunContext) { sharedValue = 1; }, kCPU, {}, {shared});
  constexpr int kThreads = 4, kBatches = 50, kBatch = 40;
  std::atomic<int> wrong{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&] {
      VarHandle mine = e->newVar();
      int64_t counter = 0; // written only by ops on `mine`
      for (int b = 0; b < kBatches; ++b) {
        for (int k = 0; k < kBatch; ++k)
          e->push([&](RunContext) { counter += sharedValue; }, kCPU, {shared}, {mine});
        e->waitForVar(mine);
        wrong += counter != int64_t(b + 1) * kBatch;
      }
      e->deleteVar(nullptr, kCPU, mine);
    });
  for (std::thread &t : producers)
    t.join();
  e->deleteVar(nullptr, kCPU, shared);
  e->waitForAll();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(EngineStress, ConcurrentPushersOfMultiVariableOpsDoNotDeadlock) {
  // Each pusher lists the same variables in its own order. If the slots of
  // two ops could interleave on their variables (x ahead of y on one, y
  // ahead of x on another) the two would wait for each other forever.
  auto e = Engine::create(EngineKind::Threaded);
  constexpr int kThreads = 4, kOps = 5000;
  VarHandle vars[3] = {e->newVar(), e->newVar(), e->newVar()};
  int64_t sums[3] = {0, 0, 0}; // each written only by ops that write its variable
  std::atomic<size_t> done{0};
  Watchdog watchdog(done, size_t(kThreads) * kOps);
  std::vector<std::thread> pushers;
  for (int t = 0; t < kThreads; ++t)
    pushers.emplace_back([&, t] {
      VarHandle order[3] = {vars[t % 3], vars[(t + 1 + t / 3) % 3], vars[(t + 2 - t / 3) % 3]};
      for (int k = 0; k < kOps; ++k)
        e->push(
            [&](RunContext) {
              for (int64_t &s : sums)
                ++s;
              done.fetch_add(1, std::memory_order_relaxed);
            },
            kCPU, {}, {order[0], order[1], order[2]});
    });
  for (std::thread &t : pushers)
    t.join();
  e->waitForAll();
  for (int64_t s : sums)
    EXPECT_EQ(s, int64_t(kThreads) * kOps);
  for (VarHandle v : vars)
    e->deleteVar(nullptr, kCPU, v);
  e->waitForAll();
}

} // namespace
} // namespace mxrt
