// kvstore_test.cc - the local and device KVStores: the overview's walk
// through (init, push, aggregation, updater, multi-device pull, key lists),
// sums against a reference over many keys, devices, shapes and dtypes,
// updaters that push ops of their own or fail, errors that name the key,
// and concurrent pushers (no lost update, no deadlock; run under TSan).
//
// Devices: 4 GPUs when present, else cpu(0..3) (host memory each).
#include "mxrt/base.h"
#include "mxrt/c_api.h"
#include "mxrt/kvstore.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace mxrt {
namespace {

std::vector<Context> devices() {
  std::vector<Context> d;
  for (int i = 0; i < 4; ++i)
    d.push_back(numGPUs() >= 4 ? Context::gpu(i) : Context::cpu(i));
  return d;
}

NDArray full(const TShape &shape, float v, Context ctx = Context::cpu(),
             DType dtype = DType::Float32) {
  NDArray host(shape, Context::cpu(), DType::Float32);
  std::vector<float> data(size_t(shape.numel()), v);
  host.syncCopyFromCPU(data.data(), data.size() * 4);
  if (ctx == Context::cpu() && dtype == DType::Float32)
    return host;
  NDArray a(shape, ctx, dtype);
  host.copyTo(a);
  return a;
}

std::vector<float> values(const NDArray &a) {
  NDArray host(a.shape(), Context::cpu(), DType::Float32);
  a.copyTo(host);
  std::vector<float> v(size_t(a.numel()));
  host.syncCopyToCPU(v.data(), v.size() * 4);
  return v;
}

void expectAll(const NDArray &a, float v) {
  for (float x : values(a))
    ASSERT_EQ(x, v);
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "(no error)";
}

/// stored += 2 * recv on host memory, recording the keys it saw in order.
struct RecordingUpdater {
  std::shared_ptr<std::vector<int>> keys = std::make_shared<std::vector<int>>();
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  float scale = 2;

  void operator()(int key, const char *, const NDArray &recv, const NDArray &stored) const {
    {
      std::lock_guard<std::mutex> lock(*mu);
      keys->push_back(key);
    }
    TBlob r = recv.data(), s = stored.data();
    for (int64_t i = 0; i < s.numel(); ++i)
      s.ptr<float>()[i] += scale * r.ptr<float>()[i];
  }
  std::vector<int> seen() const {
    std::lock_guard<std::mutex> lock(*mu);
    return *keys;
  }
};

// The overview's KVStore section, step by step (its printed values).
TEST(KVStore, OverviewWalkThrough) {
  auto kv = KVStore::create("local");
  EXPECT_EQ(kv->type(), "local");
  EXPECT_EQ(kv->rank(), 0);
  EXPECT_EQ(kv->numWorkers(), 1);
  const TShape shape{2, 3};
  std::vector<int> k3{3};
  kv->init(k3, std::vector<NDArray>{full(shape, 2)});
  NDArray a = full(shape, 0);
  kv->pull(k3, std::vector<NDArray>{a});
  expectAll(a, 2);

  kv->push(k3, std::vector<NDArray>{full(shape, 8)});
  kv->pull(k3, std::vector<NDArray>{a});
  expectAll(a, 8);

  // Values from four devices are summed.
  std::vector<NDArray> b;
  for (Context c : devices())
    b.push_back(full(shape, 1, c));
  kv->push(std::vector<int>(4, 3), b);
  kv->pull(k3, std::vector<NDArray>{a});
  expectAll(a, 4);

  // An updater replaces assignment: stored += input * 2. Host memory only
  // (it touches the data directly), so the store must keep its value there.
  RecordingUpdater update;
  kv->setUpdater(update);
  kv->pull(k3, std::vector<NDArray>{a});
  expectAll(a, 4);
  kv->push(k3, std::vector<NDArray>{full(shape, 1)});
  kv->pull(k3, std::vector<NDArray>{a});
  expectAll(a, 6);

  // Pull into several devices at once.
  for (NDArray &x : b)
    x = full(shape, 1, x.ctx());
  kv->pull(std::vector<int>(4, 3), b);
  for (const NDArray &x : b)
    expectAll(x, 6);

  // Lists of keys, one device.
  std::vector<int> keys{5, 7, 9};
  kv->init(keys, std::vector<NDArray>(3, full(shape, 1)));
  kv->push(keys, std::vector<NDArray>(3, full(shape, 1)));
  NDArray z = full(shape, 0);
  std::vector<NDArray> outs(3, z); // the same array three times, as the overview
  kv->pull(keys, outs);
  expectAll(outs[1], 3);

  // Lists of keys, four devices each: 3 + 2 * 4.
  std::vector<int> flatKeys;
  std::vector<NDArray> flat;
  for (int k : keys)
    for (Context c : devices()) {
      flatKeys.push_back(k);
      flat.push_back(full(shape, 1, c));
    }
  kv->push(flatKeys, flat);
  kv->pull(flatKeys, flat);
  for (const NDArray &x : flat)
    expectAll(x, 11);
  EXPECT_EQ(update.seen(), (std::vector<int>{3, 5, 7, 9, 5, 7, 9}));
}

// Many keys, shapes, devices and dtypes against a host reference sum.
TEST(KVStore, SumsMatchReferenceForManyKeysDevicesAndDtypes) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> small(-8, 8);
  const std::vector<TShape> shapes{{1}, {7}, {3, 5}, {2, 3, 4}, {70001}, TShape(0, 0)};
  for (const char *type : {"local", "device"})
    for (DType dt : {DType::Float32, DType::Float64, DType::Float16, DType::Int32}) {
      auto kv = KVStore::create(type);
      std::vector<int> keys;
      std::vector<NDArray> inits;
      for (size_t k = 0; k < shapes.size(); ++k) {
        keys.push_back(int(k) * 10);
        inits.push_back(full(shapes[k], 1, Context::cpu(), dt));
      }
      kv->init(keys, inits);
      for (int round = 0; round < 3; ++round) {
        std::vector<int> pushKeys;
        std::vector<NDArray> pushed;
        std::vector<std::vector<float>> expect(shapes.size());
        for (size_t k = 0; k < shapes.size(); ++k) {
          expect[k].assign(size_t(shapes[k].numel()), 0.f);
          int ndev = 1 + int(k + size_t(round)) % 4;
          for (int d = 0; d < ndev; ++d) {
            std::vector<float> v(size_t(shapes[k].numel()));
            for (size_t i = 0; i < v.size(); ++i) {
              v[i] = float(small(rng));
              expect[k][i] += v[i];
            }
            NDArray host(shapes[k], Context::cpu(), DType::Float32);
            host.syncCopyFromCPU(v.data(), v.size() * 4);
            NDArray onDev(shapes[k], devices()[size_t(d)], dt);
            host.copyTo(onDev);
            pushKeys.push_back(keys[k]);
            pushed.push_back(onDev);
          }
        }
        kv->push(pushKeys, pushed);
        std::vector<NDArray> outs;
        std::vector<int> outKeys;
        for (size_t k = 0; k < shapes.size(); ++k)
          for (Context c : devices()) {
            outKeys.push_back(keys[k]);
            outs.push_back(NDArray(shapes[k], c, dt));
          }
        kv->pull(outKeys, outs);
        for (size_t j = 0; j < outs.size(); ++j)
          ASSERT_EQ(values(outs[j]), expect[j / 4])
              << type << " " << dtypeName(dt) << " key " << outKeys[j] << " round " << round;
      }
    }
}

TEST(KVStore, StringKeysMapOnceAndNameTheKeyInErrors) {
  auto kv = KVStore::create("local");
  std::vector<std::string_view> names{"fc1_weight", "fc1_bias"};
  std::vector<int> keys = kv->mapStrKeys(names, true);
  EXPECT_EQ(keys, (std::vector<int>{0, 1}));
  kv->init(keys, std::vector<NDArray>{full({2}, 1), full({3}, 2)});
  EXPECT_EQ(kv->keyName(1), "fc1_bias");
  EXPECT_EQ(kv->mapStrKeys(std::vector<std::string_view>{"fc1_bias"}, false), std::vector<int>{1});
  EXPECT_EQ(errorOf([&] { kv->mapStrKeys(std::vector<std::string_view>{"nope"}, false); }),
            "key nope doesn't exist. Did you init?");
  EXPECT_NE(errorOf([&] {
              kv->init(std::vector<int>{1}, std::vector<NDArray>{full({3}, 2)});
            }).find("duplicate init of key fc1_bias"),
            std::string::npos);
  EXPECT_NE(errorOf([&] { kv->useIntKeys(); }).find("Mixed key types are not allowed"),
            std::string::npos);
  auto kv2 = KVStore::create("local");
  kv2->useIntKeys();
  EXPECT_NE(errorOf([&] { kv2->mapStrKeys(names, true); }).find("Mixed key types are not allowed"),
            std::string::npos);
}

TEST(KVStore, BadInputNamesTheKeyAndTheShapes) {
  auto kv = KVStore::create("local");
  kv->useIntKeys();
  kv->init(std::vector<int>{3}, std::vector<NDArray>{full({2, 3}, 1)});
  EXPECT_EQ(errorOf([&] {
              kv->push(std::vector<int>{4}, std::vector<NDArray>{full({2, 3}, 1)});
            }),
            "KVStore push: key 4 has not been inited");
  EXPECT_EQ(errorOf([&] {
              kv->pull(std::vector<int>{4}, std::vector<NDArray>{full({2, 3}, 1)});
            }),
            "KVStore pull: key 4 has not been inited");
  EXPECT_EQ(errorOf([&] {
              kv->push(std::vector<int>{3}, std::vector<NDArray>{full({2, 4}, 1)});
            }),
            "KVStore push: key 3 holds shape (2,3) but the pushed array has shape (2,4)");
  EXPECT_EQ(errorOf([&] { kv->pull(std::vector<int>{3}, std::vector<NDArray>{full({3}, 1)}); }),
            "KVStore pull: key 3 holds shape (2,3) but the out array has shape (3,)");
  EXPECT_NE(errorOf([&] {
              kv->init(std::vector<int>{3}, std::vector<NDArray>{full({2, 3}, 1)});
            }).find("duplicate init of key 3"),
            std::string::npos);
  EXPECT_NE(errorOf([&] {
              kv->init(std::vector<int>{8, 8}, std::vector<NDArray>{full({1}, 1), full({1}, 1)});
            }).find("duplicate init of key 8"),
            std::string::npos);
  EXPECT_EQ(errorOf([&] {
              kv->push(std::vector<int>{3, 3}, std::vector<NDArray>{full({2, 3}, 1)});
            }),
            "KVStore push: 2 keys but 1 arrays");
  // One process, not launched by mpirun: no server to talk to (or, in a
  // build without MXC_ENABLE_MPI, no libmxrt_mpi to load).
  const std::string dist = errorOf([] { KVStore::create("dist_sync"); });
  EXPECT_TRUE(dist.find("has no server") != std::string::npos ||
              dist.find("could not be loaded") != std::string::npos)
      << dist;
  // A bad call pushes nothing: key 3 still holds 1.
  EXPECT_THROW(
      kv->push(std::vector<int>{3, 4}, std::vector<NDArray>{full({2, 3}, 5), full({2, 3}, 5)}),
      Error);
  NDArray out = full({2, 3}, 0);
  kv->pull(std::vector<int>{3}, std::vector<NDArray>{out});
  expectAll(out, 1);
}

TEST(KVStore, TypesAndDtypeCasts) {
  EXPECT_EQ(KVStore::create("Device")->type(), "device");
  EXPECT_EQ(KVStore::create("local_allreduce_cpu")->type(), "local_allreduce_cpu");
  auto kv = KVStore::create("local");
  kv->init(std::vector<int>{0}, std::vector<NDArray>{full({4}, 1)});
  // float16 values are cast to the stored float32, and back on pull.
  kv->push(std::vector<int>{0, 0},
           std::vector<NDArray>{full({4}, 1.5f, Context::cpu(), DType::Float16),
                                full({4}, 2, Context::cpu(1))});
  NDArray h({4}, Context::cpu(), DType::Float16);
  kv->pull(std::vector<int>{0}, std::vector<NDArray>{h});
  expectAll(h, 3.5f);
}

TEST(KVStore, PushPullAndBroadcast) {
  auto kv = KVStore::create("device");
  NDArray v = full({5}, 3);
  kv->broadcast(std::vector<int>{1}, std::vector<NDArray>{v}, std::vector<int>{1, 1},
                std::vector<NDArray>{full({5}, 0), v});
  NDArray a = full({5}, 0), b = full({5}, 0, Context::cpu(2));
  kv->broadcast(std::vector<int>{2}, std::vector<NDArray>{full({5}, 4)}, std::vector<int>{2, 2},
                std::vector<NDArray>{a, b});
  expectAll(a, 4);
  expectAll(b, 4);
  NDArray g1 = full({5}, 1), g2 = full({5}, 2, Context::cpu(1));
  kv->pushPull(std::vector<int>{2, 2}, std::vector<NDArray>{g1, g2}, std::vector<int>{2, 2},
               std::vector<NDArray>{g1, g2});
  expectAll(g1, 3);
  expectAll(g2, 3);
}

// An updater that pushes engine ops on recv/stored (as the Python optimizers
// do) instead of touching memory: a pull right after the push must see the
// result even though those ops are pushed only when the update runs.
TEST(KVStore, UpdaterOpsFinishBeforeLaterPulls) {
  auto kv = KVStore::create("local");
  kv->init(std::vector<int>{0}, std::vector<NDArray>{full({1000}, 0)});
  std::atomic<int> calls{0};
  kv->setUpdater([&](int, const char *, const NDArray &recv, const NDArray &stored) {
    ++calls;
    VarHandle r[] = {recv.var()};
    VarHandle w[] = {stored.var()};
    Engine::get()->push(
        [recv, stored](RunContext) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2)); // a slow kernel
          TBlob s = stored.data(), g = recv.data();
          for (int64_t i = 0; i < s.numel(); ++i)
            s.ptr<float>()[i] = s.ptr<float>()[i] * 0.5f + g.ptr<float>()[i];
        },
        Context::cpu(), r, w);
  });
  float expect = 0;
  NDArray out = full({1000}, -1);
  for (int step = 1; step <= 20; ++step) {
    kv->push(std::vector<int>{0}, std::vector<NDArray>{full({1000}, float(step))});
    expect = expect * 0.5f + float(step);
    kv->pull(std::vector<int>{0}, std::vector<NDArray>{out});
    if (step % 5 == 0)
      expectAll(out, expect);
  }
  kv->waitUpdates();
  EXPECT_EQ(calls.load(), 20);
}

TEST(KVStore, FailingUpdaterSurfacesAtTheNextWaitAndTheStoreGoesOn) {
  auto kv = KVStore::create("local");
  kv->init(std::vector<int>{0, 1}, std::vector<NDArray>{full({3}, 0), full({3}, 0)});
  std::atomic<bool> fail{true};
  kv->setUpdater([&](int key, const char *, const NDArray &recv, const NDArray &stored) {
    if (fail && key == 1)
      throw Error("boom");
    recv.copyTo(stored); // an engine op on the aliases
  });
  kv->push(std::vector<int>{0, 1}, std::vector<NDArray>{full({3}, 1), full({3}, 1)});
  NDArray out = full({3}, 0);
  kv->pull(std::vector<int>{1}, std::vector<NDArray>{out});
  std::string msg = errorOf([&] { out.waitToRead(); });
  EXPECT_NE(msg.find("KVStore updater for key 1 failed: boom"), std::string::npos) << msg;
  EXPECT_NO_THROW(Engine::get()->waitForAll()); // reported once, then cleared
  // Reported: later pushes run normally.
  fail = false;
  kv->push(std::vector<int>{1}, std::vector<NDArray>{full({3}, 7)});
  kv->pull(std::vector<int>{1}, std::vector<NDArray>{out});
  expectAll(out, 7);

  // An op pushed by the updater fails: the update fails too (no hang).
  kv->setUpdater([](int, const char *, const NDArray &, const NDArray &stored) {
    VarHandle w[] = {stored.var()};
    Engine::get()->push([](RunContext) { throw Error("kernel failed"); }, Context::cpu(), {}, w);
  });
  kv->push(std::vector<int>{0}, std::vector<NDArray>{full({3}, 1)});
  kv->pull(std::vector<int>{0}, std::vector<NDArray>{out});
  msg = errorOf([&] { out.waitToRead(); });
  EXPECT_NE(msg.find("an op it pushed failed"), std::string::npos) << msg;
  msg = errorOf([] { Engine::get()->waitForAll(); });
  EXPECT_NE(msg.find("kernel failed"), std::string::npos) << msg;
}

// Several threads push and pull the same keys with waits in between: every
// push is applied exactly once, nothing deadlocks.
TEST(KVStore, ConcurrentPushersLoseNoUpdate) {
  for (const char *type : {"local", "device"}) {
    auto kv = KVStore::create(type);
    const int kKeys = 4, kThreads = 4, kPushes = 50;
    std::vector<int> keys;
    for (int k = 0; k < kKeys; ++k)
      keys.push_back(k);
    kv->init(keys, std::vector<NDArray>(kKeys, full({257}, 0)));
    RecordingUpdater add;
    add.scale = 1;
    kv->setUpdater(add);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPushes; ++i) {
          int k = (t + i) % kKeys;
          // Two devices per push: the sum (2) is what the updater adds.
          kv->push(std::vector<int>{k, k},
                   std::vector<NDArray>{full({257}, 1, devices()[size_t(t)]), full({257}, 1)});
          if (i % 7 == 0) {
            NDArray out = full({257}, -1, devices()[size_t(t)]);
            kv->pull(std::vector<int>{k}, std::vector<NDArray>{out});
            out.waitToRead();
          }
        }
      });
    for (std::thread &t : threads)
      t.join();
    std::vector<NDArray> outs;
    for (int k = 0; k < kKeys; ++k)
      outs.push_back(full({257}, -1));
    kv->pull(keys, outs);
    for (const NDArray &o : outs)
      expectAll(o, float(2 * kThreads * kPushes / kKeys));
    EXPECT_EQ(add.seen().size(), size_t(kThreads * kPushes)) << type;
  }
}

TEST(KVStore, WaitUpdatesWaitsForEveryPendingUpdate) {
  auto kv = KVStore::create("local");
  kv->init(std::vector<int>{0}, std::vector<NDArray>{full({4}, 0)});
  std::atomic<int> done{0};
  kv->setUpdater([&](int, const char *, const NDArray &, const NDArray &) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ++done;
  });
  for (int i = 0; i < 5; ++i)
    kv->push(std::vector<int>{0}, std::vector<NDArray>{full({4}, 1)});
  kv->waitUpdates();
  EXPECT_EQ(done.load(), 5);
  EXPECT_TRUE(kv->hasUpdater());
  kv->setUpdater(nullptr);
  EXPECT_FALSE(kv->hasUpdater());
}

// ---- the C API ---------------------------------------------------------------

mxrtNDArrayHandle cArray(float v, int64_t n = 3, int devId = 0) {
  int64_t shape[] = {n};
  mxrtNDArrayHandle h = nullptr;
  EXPECT_EQ(mxrtNDArrayCreate(shape, 1, 0, 1, devId, &h), 0) << mxrtGetLastError();
  std::vector<float> data(static_cast<size_t>(n), v);
  EXPECT_EQ(mxrtNDArraySyncCopyFromCPU(h, data.data(), data.size() * 4), 0);
  return h;
}

std::vector<float> cValues(mxrtNDArrayHandle h, int64_t n = 3) {
  std::vector<float> v(static_cast<size_t>(n));
  EXPECT_EQ(mxrtNDArraySyncCopyToCPU(h, v.data(), v.size() * 4), 0) << mxrtGetLastError();
  return v;
}

struct CUpdaterState {
  std::vector<std::string> keys;
  bool deleted = false;
};

int cAddUpdater(int key, const char *strKey, mxrtNDArrayHandle recv, mxrtNDArrayHandle stored,
                void *user) {
  auto *st = static_cast<CUpdaterState *>(user);
  st->keys.push_back(strKey ? strKey : std::to_string(key));
  int rc = 0;
  if (std::string(strKey ? strKey : "") == "bad") {
    mxrtSetLastError("the updater refuses key bad");
    rc = -1;
  } else {
    rc = mxrtNDArrayCopyTo(recv, stored); // an engine op on the aliases
  }
  mxrtNDArrayFree(recv);
  mxrtNDArrayFree(stored);
  return rc;
}

TEST(KVStoreCApi, StringKeysUpdaterAndErrors) {
  mxrtKVStoreHandle kv = nullptr;
  ASSERT_EQ(mxrtKVStoreCreate("Local", &kv), 0) << mxrtGetLastError();
  const char *type = nullptr;
  ASSERT_EQ(mxrtKVStoreGetType(kv, &type), 0);
  EXPECT_STREQ(type, "local");
  int rank = -1, workers = -1;
  ASSERT_EQ(mxrtKVStoreGetRank(kv, &rank), 0);
  ASSERT_EQ(mxrtKVStoreGetNumWorkers(kv, &workers), 0);
  EXPECT_EQ(rank, 0);
  EXPECT_EQ(workers, 1);

  const char *names[] = {"w", "bad"};
  mxrtNDArrayHandle init[] = {cArray(1), cArray(1)};
  ASSERT_EQ(mxrtKVStoreInit(kv, 2, nullptr, names, init), 0) << mxrtGetLastError();
  int intKey = 0;
  EXPECT_EQ(mxrtKVStorePush(kv, 1, &intKey, nullptr, init, 0), -1);
  EXPECT_NE(std::string(mxrtGetLastError()).find("Mixed key types are not allowed"),
            std::string::npos);
  EXPECT_EQ(mxrtKVStorePush(kv, 1, &intKey, names, init, 0), -1);
  EXPECT_NE(std::string(mxrtGetLastError()).find("give exactly one of keys and str_keys"),
            std::string::npos);
  const char *unknown[] = {"nope"};
  EXPECT_EQ(mxrtKVStorePull(kv, 1, nullptr, unknown, init, 0, 1), -1);
  EXPECT_STREQ(mxrtGetLastError(), "key nope doesn't exist. Did you init?");

  auto *state = new CUpdaterState;
  static bool deleted;
  deleted = false;
  ASSERT_EQ(mxrtKVStoreSetUpdater(kv, cAddUpdater, state,
                                  [](void *p) {
                                    deleted = true;
                                    delete static_cast<CUpdaterState *>(p);
                                  }),
            0);
  // Two values for "w" are summed, then copied over the stored value.
  const char *ww[] = {"w", "w"};
  mxrtNDArrayHandle vals[] = {cArray(2), cArray(3, 3, 1)};
  mxrtNDArrayHandle outs[] = {cArray(0), cArray(0, 3, 2)};
  ASSERT_EQ(mxrtKVStorePushPull(kv, 2, nullptr, ww, vals, 2, nullptr, ww, outs, 0), 0)
      << mxrtGetLastError();
  EXPECT_EQ(cValues(outs[0]), std::vector<float>(3, 5.f));
  EXPECT_EQ(cValues(outs[1]), std::vector<float>(3, 5.f));
  ASSERT_EQ(mxrtKVStoreWaitUpdates(kv), 0);
  EXPECT_EQ(state->keys, std::vector<std::string>{"w"});

  // A failing callback: its message reaches the wait on the pulled array.
  const char *bad[] = {"bad"};
  ASSERT_EQ(mxrtKVStorePush(kv, 1, nullptr, bad, vals, 0), 0);
  ASSERT_EQ(mxrtKVStorePull(kv, 1, nullptr, bad, outs, 0, 1), 0);
  EXPECT_EQ(mxrtNDArrayWaitToRead(outs[0]), -1);
  EXPECT_NE(std::string(mxrtGetLastError()).find("the updater refuses key bad"), std::string::npos)
      << mxrtGetLastError();
  EXPECT_EQ(mxrtKVStoreBarrier(kv), 0);

  EXPECT_FALSE(deleted);
  ASSERT_EQ(mxrtKVStoreSetUpdater(kv, nullptr, nullptr, nullptr), 0);
  ASSERT_EQ(mxrtKVStoreWaitUpdates(kv), 0);
  ASSERT_EQ(mxrtNDArrayWaitAll(), 0);
  EXPECT_TRUE(deleted); // the old updater went with its last pending update
  ASSERT_EQ(mxrtKVStoreFree(kv), 0);
  for (mxrtNDArrayHandle h : {init[0], init[1], vals[0], vals[1], outs[0], outs[1]})
    mxrtNDArrayFree(h);

  mxrtKVStoreHandle none = nullptr;
  EXPECT_EQ(mxrtKVStoreCreate("dist_async", &none), -1);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(mxrtKVStorePush(nullptr, 0, nullptr, nullptr, nullptr, 0), -1);
  EXPECT_STREQ(mxrtGetLastError(), "mxrtKVStorePush: the KVStore handle is null");
}

} // namespace
} // namespace mxrt
