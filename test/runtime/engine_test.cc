// engine_test.cc - the dependency engine: ordering, concurrency, waits, deletion, errors,
// priorities and parallelFor (the random-DAG stress test is engine_stress_test.cc).
//
// Tests that state what every engine must do run on both (TEST_P over
// EngineKind); those about threads, concurrency or timing run on the
// threaded engine. Every wait on another thread has a deadline, so a broken
// engine fails a test instead of hanging the suite.
#include "engine/engines.h"
#include "mxrt/base.h"
#include "mxrt/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace mxrt {
namespace {

using namespace std::chrono_literals;
using Vars = std::vector<VarHandle>;
constexpr Context kCPU = Context::cpu();

/// Spins until pred() or the deadline; false on timeout.
template <class Pred> bool waitUntil(Pred pred, std::chrono::milliseconds limit = 10s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end)
      return false;
    std::this_thread::yield();
  }
  return true;
}

/// The message of the Error that f throws ("" when it throws nothing).
template <class F> std::string errorOf(F &&f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

/// Variables deleted (and the engine drained) when the test ends.
struct VarSet {
  Engine &e;
  Vars v;
  VarSet(Engine &e, int n) : e(e) {
    for (int i = 0; i < n; ++i)
      v.push_back(e.newVar());
  }
  ~VarSet() {
    for (VarHandle x : v)
      e.deleteVar(nullptr, kCPU, x);
    try {
      e.waitForAll();
    } catch (const Error &) {
    }
  }
  VarHandle operator[](size_t i) const { return v[i]; }
};

class EngineTest : public ::testing::TestWithParam<EngineKind> {
protected:
  std::unique_ptr<Engine> make(int workers = 0) { return Engine::create(GetParam(), workers); }
};
INSTANTIATE_TEST_SUITE_P(Kinds, EngineTest,
                         ::testing::Values(EngineKind::Threaded, EngineKind::Naive),
                         [](const auto &info) {
                           return info.param == EngineKind::Naive ? "Naive" : "Threaded";
                         });

// ---- ordering and concurrency -------------------------------------------

TEST_P(EngineTest, OpsOnOneVariableRunInPushOrder) {
  auto e = make();
  VarSet v(*e, 1);
  std::vector<int> log; // touched only by ops on v[0]
  std::atomic<int> readerMismatches{0};
  for (int i = 0; i < 2000; ++i) {
    if (i % 7 == 3) { // a reader pushed after i writes sees exactly those
      size_t expect = size_t(i - i / 7 - (i % 7 > 3 ? 1 : 0));
      e->push([&, expect](RunContext) { readerMismatches += log.size() != expect; }, kCPU, {v[0]},
              {});
      continue;
    }
    e->push([&log, i](RunContext) { log.push_back(i); }, kCPU, {}, {v[0]});
  }
  e->waitForVar(v[0]);
  std::vector<int> expected;
  for (int i = 0; i < 2000; ++i)
    if (i % 7 != 3)
      expected.push_back(i);
  EXPECT_EQ(log, expected);
  e->waitForAll();
  EXPECT_EQ(readerMismatches.load(), 0);
}

TEST(ThreadedEngine, ReadersOfOneVersionRunTogether) {
  auto e = Engine::create(EngineKind::Threaded, 4);
  VarSet v(*e, 1);
  std::atomic<int> inside{0}, allMet{0}, finished{0};
  int sawFinished = -1;
  e->push([](RunContext) {}, kCPU, {}, {v[0]});
  for (int i = 0; i < 4; ++i)
    e->push(
        [&](RunContext) {
          ++inside;
          allMet += waitUntil([&] { return inside.load() == 4; });
          ++finished;
        },
        kCPU, {v[0]}, {});
  e->push([&](RunContext) { sawFinished = finished.load(); }, kCPU, {}, {v[0]});
  e->waitForAll();
  EXPECT_EQ(allMet.load(), 4) << "the 4 readers did not run at the same time";
  EXPECT_EQ(sawFinished, 4) << "the writer started before the readers finished";
}

TEST(ThreadedEngine, WritersRunAlone) {
  auto e = Engine::create(EngineKind::Threaded, 4);
  VarSet v(*e, 2);
  std::atomic<int> readers{0}, writers{0}, violations{0};
  auto busy = [] {
    auto until = std::chrono::steady_clock::now() + 2us;
    while (std::chrono::steady_clock::now() < until) {
    }
  };
  for (int i = 0; i < 3000; ++i) {
    VarHandle x = v[size_t(i % 2)];
    if (i % 5 == 0) {
      e->push(
          [&, busy](RunContext) {
            violations += writers.fetch_add(1) != 0 || readers.load() != 0;
            busy();
            --writers;
          },
          kCPU, {}, {v[0], v[1]});
    } else {
      e->push(
          [&, busy](RunContext) {
            ++readers;
            violations += writers.load() != 0;
            busy();
            --readers;
          },
          kCPU, {x}, {});
    }
  }
  e->waitForAll();
  EXPECT_EQ(violations.load(), 0);
}

TEST_P(EngineTest, NaiveRunsAtPushThreadedOnWorkers) {
  auto e = make();
  VarSet v(*e, 1);
  std::atomic<bool> ran{false};
  std::thread::id where;
  e->push(
      [&](RunContext rc) {
        where = std::this_thread::get_id();
        EXPECT_EQ(rc.ctx, kCPU);
        EXPECT_EQ(rc.stream, nullptr);
        ran = true;
      },
      kCPU, {}, {v[0]});
  if (GetParam() == EngineKind::Naive)
    EXPECT_TRUE(ran.load()) << "the naive engine returned from push before running the op";
  e->waitForVar(v[0]);
  EXPECT_TRUE(ran.load());
  EXPECT_EQ(where == std::this_thread::get_id(), GetParam() == EngineKind::Naive);
  EXPECT_EQ(e->kind(), GetParam());
}

// ---- waits and deletion ----------------------------------------------------

TEST_P(EngineTest, WaitForVarWaitsForEarlierWrites) {
  auto e = make();
  VarSet v(*e, 1);
  int x = 0;
  e->push(
      [&](RunContext) {
        std::this_thread::sleep_for(20ms);
        x = 42;
      },
      kCPU, {}, {v[0]});
  e->waitForVar(v[0]);
  EXPECT_EQ(x, 42);
}

TEST(ThreadedEngine, WaitForVarDoesNotWaitForReaders) {
  auto e = Engine::create(EngineKind::Threaded, 2);
  VarSet v(*e, 1);
  std::atomic<bool> release{false}, readerStarted{false};
  e->push(
      [&](RunContext) {
        readerStarted = true;
        waitUntil([&] { return release.load(); });
      },
      kCPU, {v[0]}, {});
  ASSERT_TRUE(waitUntil([&] { return readerStarted.load(); }));
  e->waitForVar(v[0]); // must not block on the running reader
  EXPECT_FALSE(release.load());
  release = true;
  e->waitForAll();
}

TEST_P(EngineTest, WaitForAllWaitsForEveryOp) {
  auto e = make();
  VarSet v(*e, 8);
  std::atomic<int> done{0};
  for (int i = 0; i < 300; ++i)
    e->push(
        [&, i](RunContext) {
          std::this_thread::sleep_for(std::chrono::microseconds(i % 13));
          ++done;
        },
        kCPU, {v[size_t(i % 8)]}, {v[size_t((i + 3) % 8)]});
  e->waitForAll();
  EXPECT_EQ(done.load(), 300);
}

TEST_P(EngineTest, DeleteVarRunsAfterPendingOps) {
  auto e = make();
  VarHandle v = e->newVar();
  std::atomic<int> done{0};
  int seenAtDelete = -1;
  for (int i = 0; i < 50; ++i)
    e->push(
        [&](RunContext) {
          std::this_thread::sleep_for(50us);
          ++done;
        },
        kCPU, i % 3 ? Vars{v} : Vars{}, i % 3 ? Vars{} : Vars{v});
  e->deleteVar([&] { seenAtDelete = done.load(); }, kCPU, v);
  e->waitForAll();
  EXPECT_EQ(seenAtDelete, 50);
}

TEST(ThreadedEngine, DestructionWaitsForPendingOps) {
  std::atomic<int> done{0};
  {
    auto e = Engine::create(EngineKind::Threaded, 2);
    for (int i = 0; i < 100; ++i)
      e->push(
          [&](RunContext) {
            std::this_thread::sleep_for(20us);
            ++done;
          },
          kCPU, {}, {});
  }
  EXPECT_EQ(done.load(), 100);
}

TEST_P(EngineTest, CapturesAreReleasedOnceTheOpRan) {
  auto e = make();
  VarSet v(*e, 1);
  auto shared = std::make_shared<int>(5);
  auto owned = std::make_unique<int>(6); // move-only captures are fine
  std::array<int64_t, 32> big{};         // larger than the inline buffer
  big[31] = 7;
  int sum = 0;
  e->push(
      [&sum, shared, o = std::move(owned), big](RunContext) { sum = *shared + *o + int(big[31]); },
      kCPU, {}, {v[0]});
  e->pushAsync([shared](RunContext, OnComplete done) { done(); }, kCPU, {}, {v[0]});
  e->waitForAll();
  EXPECT_EQ(sum, 18);
  EXPECT_EQ(shared.use_count(), 1);
}

TEST_P(EngineTest, PushAsyncCompletesFromAnotherThread) {
  auto e = make();
  VarSet v(*e, 2);
  std::mutex mu;
  std::vector<std::thread> threads;
  int x = 0, y = 0;
  e->pushAsync(
      [&](RunContext, OnComplete done) {
        std::lock_guard<std::mutex> lock(mu);
        threads.emplace_back([&x, done] {
          std::this_thread::sleep_for(10ms);
          x = 7;
          done();
        });
      },
      kCPU, {}, {v[0]}, FnProperty::Async, 0, "async_write");
  e->push([&](RunContext) { y = x; }, kCPU, {v[0]}, {v[1]});
  e->pushAsync(
      [&](RunContext, OnComplete done) {
        std::lock_guard<std::mutex> lock(mu);
        threads.emplace_back(
            [done] { done(std::make_exception_ptr(std::runtime_error("disk on fire"))); });
      },
      kCPU, {}, {v[0]}, FnProperty::Async, 0, "async_read");
  std::string msg = errorOf([&] { e->waitForVar(v[0]); });
  EXPECT_NE(msg.find("op 'async_read' failed on cpu(0): disk on fire"), std::string::npos) << msg;
  e->waitForVar(v[1]);
  EXPECT_EQ(y, 7);
  e->waitForAll();
  std::lock_guard<std::mutex> lock(mu);
  for (std::thread &t : threads)
    t.join();
}

// ---- errors ----------------------------------------------------------------

TEST_P(EngineTest, ErrorIsStoredPassedOnAndRethrownWithTheOpName) {
  auto e = make();
  VarSet v(*e, 3);
  VarHandle a = v[0], b = v[1], c = v[2];
  std::atomic<bool> consumerRan{false}, independentRan{false}, laterRan{false};
  e->push([](RunContext) { throw std::runtime_error("boom"); }, kCPU, {}, {a}, FnProperty::Normal,
          0, "bad_op");
  e->push([&](RunContext) { consumerRan = true; }, kCPU, {a}, {b}, FnProperty::Normal, 0,
          "consumer");
  e->push([&](RunContext) { independentRan = true; }, kCPU, {}, {c});
  try {
    e->waitForVar(b); // b got bad_op's error through the skipped consumer
    ADD_FAILURE() << "waitForVar did not rethrow";
  } catch (const Error &err) {
    EXPECT_STREQ(err.what(), "op 'bad_op' failed on cpu(0): boom");
    try {
      std::rethrow_if_nested(err);
      ADD_FAILURE() << "the original exception is not nested";
    } catch (const std::runtime_error &inner) {
      EXPECT_STREQ(inner.what(), "boom");
    }
  }
  EXPECT_FALSE(consumerRan.load()) << "an op reading an errored variable ran";
  EXPECT_NO_THROW(e->waitForVar(c));
  EXPECT_TRUE(independentRan.load());
  // Reported once: cleared on every variable that held it.
  EXPECT_NO_THROW(e->waitForVar(a));
  EXPECT_NO_THROW(e->waitForAll());
  e->push([&](RunContext) { laterRan = true; }, kCPU, {a}, {b});
  EXPECT_NO_THROW(e->waitForVar(b));
  EXPECT_TRUE(laterRan.load());
}

TEST_P(EngineTest, WriteOnlyOpOnAnErroredVariableIsSkippedUntilReported) {
  auto e = make();
  VarSet v(*e, 1);
  std::atomic<int> runs{0};
  e->push([](RunContext) { throw Error("bad"); }, kCPU, {}, {v[0]}, FnProperty::Normal, 0, "first");
  // `a += 1` lists `a` only as written: it must not run on the bad value.
  e->push([&](RunContext) { ++runs; }, kCPU, {}, {v[0]}, FnProperty::Normal, 0, "overwrite");
  EXPECT_EQ(errorOf([&] { e->waitForVar(v[0]); }), "op 'first' failed on cpu(0): bad");
  EXPECT_EQ(runs.load(), 0);
  e->push([&](RunContext) { ++runs; }, kCPU, {}, {v[0]}, FnProperty::Normal, 0, "overwrite");
  e->push([&](RunContext) { ++runs; }, kCPU, {v[0]}, {}, FnProperty::Normal, 0, "reader");
  EXPECT_NO_THROW(e->waitForVar(v[0]));
  EXPECT_NO_THROW(e->waitForAll());
  EXPECT_EQ(runs.load(), 2);
}

TEST(ThreadedEngine, OpsPushedBeforeTheReportAreSkippedWhenTheyRunAfterIt) {
  auto e = Engine::create(EngineKind::Threaded, 2);
  VarSet v(*e, 3);
  VarHandle a = v[0], b = v[1], gate = v[2];
  std::atomic<bool> open{false}, xRan{false}, yRan{false};
  e->push([&](RunContext) { waitUntil([&] { return open.load(); }); }, kCPU, {}, {gate});
  e->push([](RunContext) { throw Error("bad"); }, kCPU, {}, {a}, FnProperty::Normal, 0, "bad");
  e->push([&](RunContext) { xRan = true; }, kCPU, {a, gate}, {b}, FnProperty::Normal, 0, "x");
  EXPECT_EQ(errorOf([&] { e->waitForVar(a); }), "op 'bad' failed on cpu(0): bad"); // the report
  open = true;                       // x runs now, after the report, but was pushed before it
  EXPECT_NO_THROW(e->waitForVar(b)); // holds the same, already reported error
  EXPECT_FALSE(xRan.load());
  e->push([&](RunContext) { yRan = true; }, kCPU, {a}, {b}, FnProperty::Normal, 0, "y");
  EXPECT_NO_THROW(e->waitForVar(b));
  EXPECT_TRUE(yRan.load());
}

TEST_P(EngineTest, WaitForAllRethrowsTheFirstUnreportedErrorThenForgets) {
  auto e = make(1); // one worker: the two failures happen in push order
  VarSet v(*e, 3);
  e->push([](RunContext) { throw Error("one"); }, kCPU, {}, {v[0]}, FnProperty::Normal, 0, "first");
  e->push([](RunContext) { throw Error("two"); }, kCPU, {}, {v[1]}, FnProperty::Normal, 0,
          "second");
  e->push([](RunContext) { throw 17; }, kCPU, {}, {}, FnProperty::Normal, 0, "no_outputs");
  EXPECT_EQ(errorOf([&] { e->waitForAll(); }), "op 'first' failed on cpu(0): one");
  EXPECT_NO_THROW(e->waitForAll());
  EXPECT_NO_THROW(e->waitForVar(v[0]));
  EXPECT_NO_THROW(e->waitForVar(v[1]));
  e->push([](RunContext) { throw 17; }, kCPU, {}, {}, FnProperty::Normal, 0, "no_outputs");
  EXPECT_EQ(errorOf([&] { e->waitForAll(); }),
            "op 'no_outputs' failed on cpu(0): unknown exception");
}

TEST_P(EngineTest, DeleteVarRunsOnDeleteDespiteAnErrorAndReportsItsOwn) {
  auto e = make();
  VarHandle a = e->newVar(), b = e->newVar();
  bool deletedA = false;
  e->push([](RunContext) { throw Error("bad"); }, kCPU, {}, {a}, FnProperty::Normal, 0, "bad");
  e->deleteVar([&] { deletedA = true; }, kCPU, a);
  EXPECT_EQ(errorOf([&] { e->waitForAll(); }), "op 'bad' failed on cpu(0): bad");
  EXPECT_TRUE(deletedA);
  e->deleteVar([] { throw Error("double free"); }, kCPU, b);
  EXPECT_EQ(errorOf([&] { e->waitForAll(); }), "op 'deleteVar' failed on cpu(0): double free");
}

TEST(ThreadedEngine, WaitingInsideAnOpIsAnErrorNotADeadlock) {
  auto e = Engine::create(EngineKind::Threaded, 2);
  VarSet v(*e, 2);
  e->push([&](RunContext) { e->waitForAll(); }, kCPU, {}, {v[0]}, FnProperty::Normal, 0, "w1");
  e->push([&](RunContext) { e->waitForVar(v[0]); }, kCPU, {}, {v[1]}, FnProperty::Normal, 0, "w2");
  std::string msg = errorOf([&] { e->waitForVar(v[0]); });
  EXPECT_NE(msg.find("op 'w1' failed on cpu(0): waitForAll called from inside an op"),
            std::string::npos)
      << msg;
  msg = errorOf([&] { e->waitForVar(v[1]); });
  EXPECT_NE(msg.find("waitForVar called from inside an op"), std::string::npos) << msg;
}

TEST_P(EngineTest, BadPushesFailAtPush) {
  auto e = make();
  VarSet v(*e, 1);
  std::string msg = errorOf([&] { e->push([](RunContext) {}, kCPU, {v[0], nullptr}, {}); });
  EXPECT_EQ(msg, "op '': read variable #1 is null");
  msg = errorOf([&] { e->push(nullptr, kCPU, {}, {v[0]}, FnProperty::Normal, 0, "empty"); });
  EXPECT_EQ(msg, "op 'empty' pushed without a function");
  if (numGPUs() == 0) {
    msg = errorOf([&] { e->push([](RunContext) {}, Context::gpu(0), {}, {v[0]}); });
    EXPECT_NE(msg.find("device gpu(0) is not available"), std::string::npos) << msg;
    msg = errorOf([&] { e->deleteVar(nullptr, Context::gpu(1), v[0]); });
    EXPECT_NE(msg.find("gpu(1)"), std::string::npos) << msg;
  }
  // Nothing was half-pushed: the variable still works.
  int x = 0;
  e->push([&](RunContext) { x = 1; }, kCPU, {}, {v[0]});
  e->waitForVar(v[0]);
  EXPECT_EQ(x, 1);
}

TEST_P(EngineTest, VariableListedInBothListsCountsAsWrittenOnce) {
  auto e = make();
  VarSet v(*e, 2);
  int x = 0, y = 0;
  e->push([&](RunContext) { x = 5; }, kCPU, {v[0], v[0], v[1]}, {v[0], v[0]});
  e->push([&](RunContext) { y = x; }, kCPU, {v[0]}, {v[1]});
  e->waitForAll();
  EXPECT_EQ(y, 5);
}

TEST(Engine, GPUContextsRunOnStreams) {
  if (numGPUs() == 0)
    GTEST_SKIP() << "no GPU on this machine (numGPUs() == 0)";
  for (EngineKind kind : {EngineKind::Threaded, EngineKind::Naive}) {
    auto e = Engine::create(kind);
    VarSet v(*e, 1);
    std::vector<int> log;
    for (int i = 0; i < 4; ++i)
      e->push(
          [&, i](RunContext rc) {
            EXPECT_EQ(rc.ctx, Context::gpu(0));
            EXPECT_NE(rc.stream, nullptr);
            log.push_back(i);
          },
          Context::gpu(0), {}, {v[0]}, i % 2 ? FnProperty::CopyToGPU : FnProperty::Normal);
    e->waitForVar(v[0]);
    EXPECT_EQ(log, (std::vector<int>{0, 1, 2, 3}));
  }
}

// ---- priorities and the environment ----------------------------------------

TEST_P(EngineTest, EveryPropertyAndPriorityIsAccepted) {
  auto e = make();
  VarSet v(*e, 1);
  std::atomic<int> ran{0};
  for (FnProperty p : {FnProperty::Normal, FnProperty::CopyFromGPU, FnProperty::CopyToGPU,
                       FnProperty::CPUPrioritized, FnProperty::Async})
    for (int priority : {-5, 0, 7})
      e->push([&](RunContext) { ++ran; }, kCPU, {v[0]}, {}, p, priority);
  e->waitForAll();
  EXPECT_EQ(ran.load(), 15);
}

TEST(ThreadedEngine, PrioritizedOpsOvertakeQueuedOnes) {
  auto e = Engine::create(EngineKind::Threaded, 1);
  std::atomic<bool> started{false}, open{false};
  std::mutex mu;
  std::vector<std::string> log;
  auto record = [&](std::string s) {
    return [&, s](RunContext) {
      std::lock_guard<std::mutex> lock(mu);
      log.push_back(s);
    };
  };
  e->push(
      [&](RunContext) {
        started = true;
        waitUntil([&] { return open.load(); });
      },
      kCPU, {}, {});
  ASSERT_TRUE(waitUntil([&] { return started.load(); }));
  e->push(record("n1"), kCPU, {}, {});
  e->push(record("n2"), kCPU, {}, {});
  e->push(record("p"), kCPU, {}, {}, FnProperty::Normal, 3);
  e->push(record("c"), kCPU, {}, {}, FnProperty::CPUPrioritized);
  open = true;
  e->waitForAll();
  EXPECT_EQ(log, (std::vector<std::string>{"p", "c", "n1", "n2"}));
}

/// Sets an environment variable for one scope.
struct ScopedEnv {
  std::string name;
  std::string old;
  bool had;
  ScopedEnv(const char *n, const char *value) : name(n) {
    const char *o = std::getenv(n);
    had = o != nullptr;
    old = o ? o : "";
    value ? setenv(n, value, 1) : unsetenv(n);
  }
  ~ScopedEnv() { had ? setenv(name.c_str(), old.c_str(), 1) : unsetenv(name.c_str()); }
};

TEST(Engine, EnvironmentPicksTheEngineAndItsWorkers) {
  {
    ScopedEnv env("MXC_ENGINE_TYPE", nullptr);
    EXPECT_EQ(engine::engineKindFromEnv(), EngineKind::Threaded);
  }
  for (const char *naive : {"naive", "NaiveEngine"}) {
    ScopedEnv env("MXC_ENGINE_TYPE", naive);
    EXPECT_EQ(engine::engineKindFromEnv(), EngineKind::Naive);
  }
  {
    ScopedEnv env("MXC_ENGINE_TYPE", "ThreadedEnginePerDevice");
    EXPECT_EQ(engine::engineKindFromEnv(), EngineKind::Threaded);
  }
  {
    ScopedEnv env("MXC_ENGINE_TYPE", "turbo");
    EXPECT_EQ(errorOf([] { engine::engineKindFromEnv(); }),
              "environment variable MXC_ENGINE_TYPE='turbo' names no engine: use 'threaded' (the "
              "default) or 'naive'");
  }
  {
    ScopedEnv env("MXC_CPU_WORKER_NTHREADS", "3");
    EXPECT_EQ(Engine::create(EngineKind::Threaded)->numCPUWorkers(), 3);
    EXPECT_EQ(Engine::create(EngineKind::Threaded, 2)->numCPUWorkers(), 2);
  }
  {
    ScopedEnv env("MXC_CPU_WORKER_NTHREADS", "0");
    EXPECT_NE(errorOf([] { Engine::create(EngineKind::Threaded); }).find("MXC_CPU_WORKER_NTHREADS"),
              std::string::npos);
  }
}

// ---- parallelFor -------------------------------------------------------------

/// Calls parallelFor over n items and checks every index is covered once,
/// by chunks of at least `grain` items but the last.
void expectCoversOnce(int64_t n, int64_t grain) {
  std::vector<uint8_t> hits(size_t(n), 0); // each index written by one chunk only
  std::atomic<int> shortChunks{0};
  parallelFor(n, grain, [&](int64_t b, int64_t e) {
    ASSERT_LE(0, b);
    ASSERT_LE(b, e);
    ASSERT_LE(e, n);
    shortChunks += e != n && e - b < grain;
    for (int64_t i = b; i < e; ++i)
      ++hits[size_t(i)];
  });
  EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), n) << "n=" << n << " grain=" << grain;
  EXPECT_EQ(shortChunks.load(), 0) << "n=" << n << " grain=" << grain;
}

TEST(ParallelFor, CoversEveryIndexOnce) {
  for (auto [n, grain] :
       {std::pair<int64_t, int64_t>{100003, 1000}, {17, 1}, {150, 100}, {1000, 0}, {5, -3}})
    expectCoversOnce(n, grain);
  auto e = Engine::create(EngineKind::Threaded, 3);
  e->push([](RunContext) { expectCoversOnce(250000, 1000); }, kCPU, {}, {});
  e->waitForAll();
  int calls = 0;
  parallelFor(0, 1, [&](int64_t, int64_t) { ++calls; });
  parallelFor(-4, 1, [&](int64_t, int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ParallelFor, SmallAndNestedRangesRunInlineOnTheCaller) {
  std::vector<std::pair<int64_t, int64_t>> calls;
  auto caller = std::this_thread::get_id();
  parallelFor(64, 64, [&](int64_t b, int64_t e) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    calls.emplace_back(b, e);
  });
  EXPECT_EQ(calls, (std::vector<std::pair<int64_t, int64_t>>{{0, 64}}));
  std::atomic<int> inlineInner{0}, outerChunks{0};
  parallelFor(64, 1, [&](int64_t, int64_t) {
    ++outerChunks;
    auto outer = std::this_thread::get_id();
    int innerCalls = 0;
    parallelFor(1000, 1, [&](int64_t b, int64_t e) {
      innerCalls += b == 0 && e == 1000 && std::this_thread::get_id() == outer;
    });
    inlineInner += innerCalls == 1;
  });
  EXPECT_EQ(inlineInner.load(), outerChunks.load());
}

TEST(ParallelFor, IdleWorkersHelpAnOp) {
  auto e = Engine::create(EngineKind::Threaded, 4);
  std::mutex mu;
  std::set<std::thread::id> threads;
  e->push(
      [&](RunContext) {
        parallelFor(64, 1, [&](int64_t, int64_t) {
          std::this_thread::sleep_for(5ms); // leaves a sleeping helper time to wake
          std::lock_guard<std::mutex> lock(mu);
          threads.insert(std::this_thread::get_id());
        });
      },
      kCPU, {}, {});
  e->waitForAll();
  EXPECT_GT(threads.size(), 1u) << "no idle worker helped";
  EXPECT_LE(threads.size(), 4u);
}

TEST(ParallelFor, NeverRunsMoreThreadsThanWorkers) {
  auto e = Engine::create(EngineKind::Threaded, 3);
  std::atomic<int> now{0}, most{0};
  for (int op = 0; op < 6; ++op)
    e->push(
        [&](RunContext) {
          parallelFor(200, 1, [&](int64_t, int64_t) {
            int n = ++now;
            for (int m = most.load(); n > m && !most.compare_exchange_weak(m, n);) {
            }
            std::this_thread::sleep_for(20us);
            --now;
          });
        },
        kCPU, {}, {});
  e->waitForAll();
  EXPECT_GE(most.load(), 1);
  EXPECT_LE(most.load(), 3);
}

TEST(ParallelFor, ConcurrentCallersShareTheWorkers) {
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([] {
      for (int k = 0; k < 20; ++k)
        expectCoversOnce(20000 + k, 500);
    });
  for (std::thread &t : callers)
    t.join();
}

TEST(ParallelFor, FirstExceptionPropagatesAfterEveryChunkStopped) {
  std::atomic<int> running{0};
  auto body = [&](int64_t b, int64_t e) {
    ++running;
    std::this_thread::sleep_for(5us);
    --running;
    if (b <= 500 && 500 < e)
      throw std::out_of_range("index 500");
  };
  EXPECT_THROW(parallelFor(2000, 1, body), std::out_of_range);
  EXPECT_EQ(running.load(), 0) << "parallelFor returned while chunks still ran";
  // From inside an op the exception becomes the op's error.
  auto e = Engine::create(EngineKind::Threaded, 2);
  VarSet v(*e, 1);
  e->push([&](RunContext) { parallelFor(2000, 1, body); }, kCPU, {}, {v[0]}, FnProperty::Normal, 0,
          "kernel");
  EXPECT_EQ(errorOf([&] { e->waitForVar(v[0]); }), "op 'kernel' failed on cpu(0): index 500");
  expectCoversOnce(5000, 10); // still usable afterwards
}

} // namespace
} // namespace mxrt
