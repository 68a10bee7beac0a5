// imperative_test.cc - invoke(): attributes, inference, allocation, engine
// ordering, out= and aliasing, random seeding, training mode and the errors
// a user sees.
#include "mxrt/base.h"
#include "mxrt/imperative.h"
#include "mxrt/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace mxrt {
namespace {

using KV = Attrs::KeyValue;

NDArray fromVector(const std::vector<float> &v, const TShape &s) {
  NDArray a(s, Context::cpu(), DType::Float32);
  a.syncCopyFromCPU(v.data(), v.size() * sizeof(float));
  return a;
}

template <class T = float> std::vector<T> values(const NDArray &a) {
  std::vector<T> v(static_cast<size_t>(a.numel()));
  a.syncCopyToCPU(v.data(), v.size() * sizeof(T));
  return v;
}

std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "<no error>";
}

TEST(Imperative, BroadcastAddAndScalarOps) {
  NDArray a = fromVector({1, 2, 3, 4, 5, 6}, TShape{2, 3}), b = fromVector({10, 20, 30}, TShape{3});
  auto c = invoke("broadcast_add", std::vector<NDArray>{a, b});
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].shape(), (TShape{2, 3}));
  EXPECT_EQ(values(c[0]), (std::vector<float>{11, 22, 33, 14, 25, 36}));
  const KV kv[] = {{"scalar", "2"}};
  auto d = invoke("_rminus_scalar", std::vector<NDArray>{a}, kv);
  EXPECT_EQ(values(d[0]), (std::vector<float>{1, 0, -1, -2, -3, -4}));
  // The same attribute strings again: served from the parsed-attribute cache.
  for (int i = 0; i < 3; ++i)
    d = invoke("_rminus_scalar", std::vector<NDArray>{d[0]}, kv);
  EXPECT_EQ(values(d[0]), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Imperative, ChainsRunInPushOrderWithoutWaiting) {
  NDArray x = fromVector({1, 1, 1, 1}, TShape{4});
  std::vector<NDArray> xs{x};
  for (int i = 0; i < 100; ++i)
    xs = invoke("elemwise_add", std::vector<NDArray>{xs[0], x});
  EXPECT_EQ(values(xs[0]), (std::vector<float>{101, 101, 101, 101}));
}

TEST(Imperative, OutputsGivenAndInPlace) {
  NDArray a = fromVector({1, 2, 3, 4}, TShape{2, 2}), b = fromVector({1, 1, 1, 1}, TShape{2, 2});
  std::vector<NDArray> out{a}; // a += b
  const OpSpec &add = *findOp("broadcast_add");
  invoke(add, std::vector<NDArray>{a, b}, {}, out);
  EXPECT_EQ(values(a), (std::vector<float>{2, 3, 4, 5}));
  // transpose into its own input: the kernel writes a temporary first.
  std::vector<NDArray> t{a};
  invoke(*findOp("transpose"), std::vector<NDArray>{a}, {}, t);
  EXPECT_EQ(values(a), (std::vector<float>{2, 4, 3, 5}));
  // A given output of the wrong shape or dtype is an error naming both.
  std::vector<NDArray> bad{NDArray(TShape{4}, Context::cpu())};
  std::string m = errorOf([&] { invoke(add, std::vector<NDArray>{a, b}, {}, bad); });
  EXPECT_NE(m.find("broadcast_add"), std::string::npos) << m;
  EXPECT_NE(m.find("(4,)"), std::string::npos) << m;
  EXPECT_NE(m.find("(2,2)"), std::string::npos) << m;
  std::vector<NDArray> badType{NDArray(TShape{2, 2}, Context::cpu(), DType::Int32)};
  m = errorOf([&] { invoke(add, std::vector<NDArray>{a, b}, {}, badType); });
  EXPECT_NE(m.find("int32"), std::string::npos) << m;
}

TEST(Imperative, ErrorsNameOpArgumentAndShapes) {
  NDArray a = fromVector({1, 2, 3, 4, 5, 6}, TShape{2, 3}), b = fromVector({1, 2}, TShape{2});
  std::string m = errorOf([&] { invoke("broadcast_add", std::vector<NDArray>{a, b}); });
  EXPECT_NE(m.find("broadcast_add"), std::string::npos) << m;
  EXPECT_NE(m.find("[2,3] [2]"), std::string::npos) << m; // MXNet's wording
  m = errorOf([&] { invoke("broadcast_add", std::vector<NDArray>{a}); });
  EXPECT_NE(m.find("expected 2 inputs"), std::string::npos) << m;
  EXPECT_NE(m.find("lhs"), std::string::npos) << m;
  const KV bogus[] = {{"bogus", "1"}};
  m = errorOf([&] { invoke("relu", std::vector<NDArray>{a}, bogus); });
  EXPECT_NE(m.find("bogus"), std::string::npos) << m;
  m = errorOf([&] { invoke("no_such_op", std::vector<NDArray>{a}); });
  EXPECT_NE(m.find("no_such_op"), std::string::npos) << m;
  m = errorOf([&] { invoke("relu", std::vector<NDArray>{NDArray()}); });
  EXPECT_NE(m.find("none"), std::string::npos) << m;
}

TEST(Imperative, KernelErrorsSurfaceAtTheNextWait) {
  // Index values are only seen by the kernel, inside the engine.
  NDArray a = fromVector({1, 2, 3}, TShape{3}), idx = fromVector({7}, TShape{1, 1});
  auto out = invoke("gather_nd", std::vector<NDArray>{a, idx});
  std::string m = errorOf([&] { out[0].waitToRead(); });
  EXPECT_NE(m.find("gather_nd"), std::string::npos) << m;
  EXPECT_NE(m.find("out of bounds"), std::string::npos) << m;
}

TEST(Imperative, SourceOpsUseTheirContextAttribute) {
  const KV kv[] = {{"shape", "(2, 3)"}, {"ctx", "cpu(0)"}, {"dtype", "int32"}};
  auto z = invoke("_ones", {}, kv);
  EXPECT_EQ(z[0].dtype(), DType::Int32);
  EXPECT_EQ(values<int32_t>(z[0]), std::vector<int32_t>(6, 1));
  const KV gpu[] = {{"shape", "(2,)"}, {"ctx", "gpu(0)"}};
  if (numGPUs() == 0) {
    std::string m = errorOf([&] { invoke("_zeros", {}, gpu); });
    EXPECT_NE(m.find("gpu(0)"), std::string::npos) << m;
  }
  const KV badCtx[] = {{"shape", "(2,)"}, {"ctx", "tpu(0)"}};
  std::string m = errorOf([&] { invoke("_zeros", {}, badCtx); });
  EXPECT_NE(m.find("tpu(0)"), std::string::npos) << m;
  EXPECT_EQ(parseContext("gpu(3)"), Context::gpu(3));
  EXPECT_EQ(parseContext("cpu_pinned(0)"), Context::cpuPinned(0));
}

TEST(Imperative, SeedReproducesRandomStreams) {
  const KV kv[] = {{"shape", "(1000,)"}, {"low", "-1"}, {"high", "1"}};
  randomSeed(42);
  auto a = invoke("_random_uniform", {}, kv);
  auto a2 = invoke("_random_uniform", {}, kv); // the stream goes on
  randomSeed(42);
  auto b = invoke("_random_uniform", {}, kv);
  auto b2 = invoke("_random_uniform", {}, kv);
  randomSeed(43, Context::cpu());
  auto c = invoke("_random_uniform", {}, kv);
  EXPECT_EQ(values(a[0]), values(b[0]));
  EXPECT_EQ(values(a2[0]), values(b2[0]));
  EXPECT_NE(values(a[0]), values(a2[0]));
  EXPECT_NE(values(a[0]), values(c[0]));
  for (float v : values(a[0]))
    ASSERT_TRUE(v >= -1 && v < 1) << v;
}

TEST(Imperative, DropoutDependsOnTrainingMode) {
  NDArray x = fromVector(std::vector<float>(1000, 1.0f), TShape{1000});
  const KV kv[] = {{"p", "0.5"}};
  auto inference = invoke("Dropout", std::vector<NDArray>{x}, kv);
  EXPECT_EQ(values(inference[0]), std::vector<float>(1000, 1.0f));
  bool prev = setTraining(true);
  auto train = invoke("Dropout", std::vector<NDArray>{x}, kv);
  setTraining(prev);
  int zeros = 0;
  for (float v : values(train[0])) {
    ASSERT_TRUE(v == 0 || v == 2) << v;
    zeros += v == 0;
  }
  EXPECT_GT(zeros, 400);
  EXPECT_LT(zeros, 600);
}

TEST(Imperative, OutputDTypesFollowInference) {
  NDArray a = fromVector({1, 5, 3, 2}, TShape{2, 2});
  const KV kv[] = {{"axis", "1"}};
  auto r = invoke("argmax", std::vector<NDArray>{a}, kv);
  EXPECT_EQ(r[0].shape(), (TShape{2}));
  EXPECT_EQ(values(r[0]), (std::vector<float>{1, 0}));
  const KV cast[] = {{"dtype", "float16"}};
  auto h = invoke("Cast", std::vector<NDArray>{a}, cast);
  EXPECT_EQ(h[0].dtype(), DType::Float16);
  auto back = invoke("Cast", h, std::vector<KV>{{"dtype", "float32"}});
  EXPECT_EQ(values(back[0]), values(a));
}

} // namespace
} // namespace mxrt
