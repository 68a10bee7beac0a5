// ndarray_test.cc - NDArray: creation, views that share memory, MXNet's
// reshape special values, copies and casts, and memory release.
#include "mxrt/base.h"
#include "mxrt/ndarray.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <thread>
#include <vector>

namespace mxrt {
namespace {

const TShape kScalar(0, 0); // rank 0 (TShape{} is an unknown shape)

template <class T> std::vector<T> read(const NDArray &a) {
  EXPECT_EQ(a.dtype(), DTypeOf<T>::value);
  std::vector<T> v(size_t(a.numel()));
  a.syncCopyToCPU(v.data(), v.size() * sizeof(T));
  return v;
}

NDArray arange(const TShape &shape, Context ctx = Context::cpu()) {
  NDArray a(shape, ctx, DType::Float32);
  std::vector<float> v(size_t(shape.numel()));
  std::iota(v.begin(), v.end(), 0.0f);
  a.syncCopyFromCPU(v.data(), v.size() * 4);
  return a;
}

TEST(NDArray, CreateKnowsShapeDtypeContextAndSize) {
  NDArray a({2, 3}, Context::cpu(), DType::Float64);
  EXPECT_FALSE(a.isNone());
  EXPECT_EQ(a.shape(), TShape({2, 3}));
  EXPECT_EQ(a.dtype(), DType::Float64);
  EXPECT_EQ(a.ctx(), Context::cpu());
  EXPECT_EQ(a.numel(), 6);
  EXPECT_EQ(a.nbytes(), 48u);
  EXPECT_NE(a.var(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data().dptr) % 64, 0u);

  NDArray scalar(kScalar, Context::cpu(), DType::Int32); // rank 0 holds one value
  EXPECT_EQ(scalar.shape().ndim(), 0);
  EXPECT_EQ(scalar.nbytes(), 4u);
  NDArray empty({0, 5}, Context::cpu());
  EXPECT_EQ(empty.nbytes(), 0u);
  empty.waitToRead();
}

TEST(NDArray, NoneArrayHasNoChunk) {
  NDArray none;
  EXPECT_TRUE(none.isNone());
  EXPECT_EQ(none.var(), nullptr);
  EXPECT_EQ(none.data().dptr, nullptr);
  none.waitToRead(); // no-ops
  none.waitToWrite();
  EXPECT_THROW(none.slice(0, 1), Error);
  EXPECT_THROW(none.reshape({1}), Error);
  EXPECT_THROW(none.copy(Context::cpu()), Error);
  float x;
  EXPECT_THROW(none.syncCopyToCPU(&x, 4), Error);
}

TEST(NDArray, BadArgumentsAreErrors) {
  EXPECT_THROW(NDArray(TShape(2, -1), Context::cpu()), Error);         // unknown extents
  EXPECT_THROW(NDArray({2}, Context::cpu(), DType::Unknown), Error);   // no dtype
  EXPECT_THROW(NDArray({int64_t(1) << 62, 8}, Context::cpu()), Error); // overflows
  if (numGPUs() == 0)
    EXPECT_THROW(NDArray({2}, Context::gpu(0)), Error);
  NDArray a({2, 3}, Context::cpu());
  std::vector<float> v(5);
  try {
    a.syncCopyFromCPU(v.data(), 20);
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("(2,3)"), std::string::npos) << e.what();
  }
}

TEST(NDArray, SyncCopiesRoundTrip) {
  NDArray a = arange({3, 4});
  std::vector<float> v = read<float>(a);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(v[size_t(i)], float(i));
}

TEST(NDArray, SlicesShareMemoryWithTheirSource) {
  NDArray a = arange({4, 3});
  NDArray rows = a.slice(1, 3);
  EXPECT_TRUE(rows.sharesChunk(a));
  EXPECT_EQ(rows.shape(), TShape({2, 3}));
  EXPECT_EQ(rows.byteOffset(), 12u);
  EXPECT_EQ(rows.var(), a.var());
  EXPECT_EQ(read<float>(rows), (std::vector<float>{3, 4, 5, 6, 7, 8}));

  std::vector<float> minus(6, -1.0f);
  rows.syncCopyFromCPU(minus.data(), 24);
  EXPECT_EQ(read<float>(a), (std::vector<float>{0, 1, 2, -1, -1, -1, -1, -1, -1, 9, 10, 11}));

  NDArray inner = rows.slice(1, 2); // a view of a view
  EXPECT_EQ(inner.byteOffset(), 24u);
  EXPECT_EQ(a.slice(4, 4).numel(), 0);
  EXPECT_THROW(a.slice(2, 5), Error);
  EXPECT_THROW(a.slice(3, 2), Error);
  EXPECT_THROW(a.slice(-1, 2), Error);
  EXPECT_THROW(NDArray(kScalar, Context::cpu()).slice(0, 0), Error);
}

TEST(NDArray, AtDropsTheFirstAxis) {
  NDArray a = arange({3, 2, 2});
  NDArray row = a.at(2);
  EXPECT_EQ(row.shape(), TShape({2, 2}));
  EXPECT_TRUE(row.sharesChunk(a));
  EXPECT_EQ(read<float>(row), (std::vector<float>{8, 9, 10, 11}));
  NDArray v = arange({5});
  NDArray x = v.at(3);
  EXPECT_EQ(x.shape().ndim(), 0);
  EXPECT_EQ(read<float>(x), std::vector<float>{3});
  EXPECT_THROW(a.at(3), Error);
  EXPECT_THROW(a.at(-1), Error);
}

TEST(NDArray, ReshapeSharesMemoryAndChecksTheSize) {
  NDArray a = arange({2, 3, 5});
  NDArray b = a.reshape({6, 5});
  EXPECT_TRUE(b.sharesChunk(a));
  EXPECT_EQ(read<float>(b), read<float>(a));
  NDArray c = a.slice(1, 2).reshape({3, 5}); // a view keeps its offset
  EXPECT_EQ(read<float>(c)[0], 15.0f);
  try {
    a.reshape({4, 4});
    FAIL();
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("(2,3,5)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(4,4)"), std::string::npos) << msg;
  }
  EXPECT_THROW(a.reshape({-1, 5}), Error); // special values go through inferReshape
}

struct ReshapeCase {
  TShape in;
  std::vector<int64_t> spec;
  bool reverse;
  TShape out;
};

// MXNet 1.9.1 tests/python/unittest/test_operator.py::test_reshape, "new api".
const ReshapeCase kMXNetReshapeCases[] = {
    {{2, 3, 5, 5}, {0, -1}, false, {2, 75}},
    {{2, 3, 5, 5}, {0, 0, -1}, false, {2, 3, 25}},
    {{5, 3, 4, 5}, {0, -1, 0}, false, {5, 15, 4}},
    {{2, 3, 5, 4}, {-1, 0, 0}, false, {8, 3, 5}},
    {{2, 3, 5, 5}, {0, 0, 0, 0}, false, {2, 3, 5, 5}},
    {{2, 4, 5, 3}, {-1, 2, 2, 1}, false, {30, 2, 2, 1}},
    {{2, 3, 5, 6}, {-2}, false, {2, 3, 5, 6}},
    {{2, 3, 5, 6}, {6, 1, -2}, false, {6, 1, 5, 6}},
    {{2, 3, 5, 6}, {-3, -3}, false, {6, 30}},
    {{2, 3, 5, 6}, {-3, -1}, false, {6, 30}},
    {{64}, {-4, 16, 4}, false, {16, 4}},
    {{64}, {-4, 16, -1}, false, {16, 4}},
    {{64, 1, 2, 3}, {-4, 16, -1, -2}, false, {16, 4, 1, 2, 3}},
    {{2, 3, 5, 5}, {0, -1}, true, {5, 30}},
    {{2, 3, 5, 5}, {0, 0, -1}, true, {3, 5, 10}},
    {{5, 3, 4, 5}, {0, -1, 0}, true, {3, 20, 5}},
    {{2, 3, 5, 4}, {-1, 0, 0}, true, {6, 5, 4}},
    {{2, 3, 4, 5}, {3, -1, 0}, true, {3, 8, 5}},
    {{2, 3, 5, 5}, {5, 3, 0, -1}, true, {5, 3, 5, 2}},
    {{2, 3, 5, 5}, {0, 0, 0, 0}, true, {2, 3, 5, 5}},
    {{2, 3, 5, 6}, {-2}, true, {2, 3, 5, 6}},
    {{2, 3, 5, 6}, {-2, 1, 30}, true, {2, 3, 1, 30}},
    {{2, 3, 5, 6}, {-3, -3}, true, {6, 30}},
    {{64}, {16, 4, -4}, true, {16, 4}},
    {{64}, {16, -1, -4}, true, {16, 4}},
    {{1, 2, 3, 64}, {-2, -1, 16, -4}, true, {1, 2, 3, 4, 16}},
    // test_ndarray.py::test_ndarray_reshape
    {{2, 3, 5}, {-1}, false, {30}},
    {{2, 3, 5}, {2, -1}, false, {2, 15}},
    {{2, 3, 5}, {-1, 2}, false, {15, 2}},
    {{2, 3, 5}, {-1, 6}, false, {5, 6}},
    {{2, 3, 5}, {-3, 0}, false, {6, 5}},
};

TEST(InferReshape, MatchesMXNetCases) {
  for (const ReshapeCase &c : kMXNetReshapeCases) {
    TShape got = inferReshape(c.in, c.spec, c.reverse);
    EXPECT_EQ(got, c.out) << c.in.str() << " reverse=" << c.reverse << " -> " << got.str();
    // And an array reshaped so keeps its data in order.
    NDArray a = arange(c.in);
    EXPECT_EQ(read<float>(a.reshape(got)), read<float>(a));
  }
}

TEST(InferReshape, UnknownInputExtentsStayUnknown) {
  EXPECT_EQ(inferReshape({-1, 3, 4}, std::vector<int64_t>{0, -1}), TShape({-1, -1}));
  EXPECT_EQ(inferReshape({-1, 3, 4}, std::vector<int64_t>{-3, 0}), TShape({-1, 4}));
  EXPECT_EQ(inferReshape({-1, 12}, std::vector<int64_t>{0, -4, 3, -1}), TShape({-1, 3, 4}));
  EXPECT_THROW(inferReshape(TShape(), std::vector<int64_t>{-1}), Error);
}

TEST(InferReshape, BadSpecsAreErrorsNamingBothShapes) {
  const std::vector<std::vector<int64_t>> bad = {
      {-1, -1},        // two inferred dims
      {0, 0, 0, 0},    // copies past the input
      {-3, -3, -3},    // merges past the input
      {-4, 2},         // -4 without two values
      {-4, -1, -1, 0}, // both split dims unknown
      {-4, 4, 0, 0},   // a split dim of 0
      {-4, 5, -1, 0},  // does not divide
      {7, -1},         // 30 is not a multiple of 7
      {4, 4},          // wrong total size
      {-5},            // no such special value
  };
  for (const auto &spec : bad) {
    try {
      inferReshape({2, 3, 5}, spec);
      ADD_FAILURE() << "spec accepted, element 0 = " << spec[0];
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find("(2,3,5)"), std::string::npos) << e.what();
    }
  }
  // -1 among extents that multiply to 0 is ambiguous (NumPy refuses it too)...
  EXPECT_THROW(inferReshape({0, 3}, std::vector<int64_t>{0, -1}), Error);
  // ...but not when the others are non-zero.
  EXPECT_EQ(inferReshape({0, 3}, std::vector<int64_t>{-1, 0}), TShape({0, 3}));
}

TEST(NDArray, CopyBetweenHostArrays) {
  NDArray a = arange({2, 3});
  NDArray b = a.copy(Context::cpu());
  EXPECT_FALSE(b.sharesChunk(a));
  EXPECT_EQ(read<float>(b), read<float>(a));
  NDArray pinned = a.copy(Context::cpuPinned());
  EXPECT_EQ(pinned.ctx(), Context::cpuPinned());
  EXPECT_EQ(read<float>(pinned), read<float>(a));
  EXPECT_THROW(a.copyTo(NDArray({3, 2}, Context::cpu())), Error);
  EXPECT_THROW(a.copyTo(NDArray()), Error);
}

TEST(NDArray, CopyBetweenOverlappingViewsOfOneChunk) {
  NDArray a = arange({4, 2});
  a.slice(0, 3).copyTo(a.slice(1, 4)); // a shift down by a row
  EXPECT_EQ(read<float>(a), (std::vector<float>{0, 1, 0, 1, 2, 3, 4, 5}));
  a.slice(0, 1).copyTo(a.slice(0, 1)); // itself: nothing to do
  EXPECT_EQ(read<float>(a)[1], 1.0f);
  NDArray b = arange({4});
  b.slice(0, 2).astype(DType::Int32).copyTo(b.slice(2, 4)); // cast, then copy in place
  EXPECT_EQ(read<float>(b), (std::vector<float>{0, 1, 0, 1}));
}

/// Fills an array of dtype t with the given doubles (each exact in t).
NDArray fromDoubles(const std::vector<double> &v, DType t) {
  NDArray d({int64_t(v.size())}, Context::cpu(), DType::Float64);
  d.syncCopyFromCPU(v.data(), v.size() * 8);
  return d.astype(t);
}

std::vector<double> toDoubles(const NDArray &a) { return read<double>(a.astype(DType::Float64)); }

TEST(NDArray, AstypeBetweenEveryPairOfDtypes) {
  const DType all[] = {DType::Float32, DType::Float64, DType::Float16, DType::UInt8, DType::Int32,
                       DType::Int8,    DType::Int64,   DType::Bool,    DType::Int16, DType::UInt16,
                       DType::UInt32,  DType::UInt64,  DType::BFloat16};
  // Small non-negative integers are exact in every type but bool.
  const std::vector<double> ints = {0, 1, 2, 3, 7, 100, 127};
  for (DType from : all)
    for (DType to : all) {
      if (from == DType::Bool || to == DType::Bool)
        continue;
      NDArray x = fromDoubles(ints, from).astype(to);
      EXPECT_EQ(x.dtype(), to);
      EXPECT_EQ(toDoubles(x), ints) << dtypeName(from) << " -> " << dtypeName(to);
    }
  for (DType t : all) {
    EXPECT_EQ(toDoubles(fromDoubles({0, 1, 2, 0, 5}, t).astype(DType::Bool)),
              (std::vector<double>{0, 1, 1, 0, 1}))
        << dtypeName(t);
    EXPECT_EQ(toDoubles(fromDoubles({0, 1}, DType::Bool).astype(t)), (std::vector<double>{0, 1}));
  }
}

TEST(NDArray, FloatToIntCastsTruncateAndSaturate) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  NDArray f = fromDoubles({2.75, -2.75, 1e10, -1e10, nan, 300, -0.5}, DType::Float32);
  EXPECT_EQ(toDoubles(f.astype(DType::Int32)),
            (std::vector<double>{2, -2, 2147483647.0, -2147483648.0, 0, 300, 0}));
  EXPECT_EQ(toDoubles(f.astype(DType::UInt8)), (std::vector<double>{2, 0, 255, 0, 0, 255, 0}));
  EXPECT_EQ(toDoubles(f.astype(DType::Int8)), (std::vector<double>{2, -2, 127, -128, 0, 127, 0}));
  // Integer to integer wraps, as NumPy's astype.
  EXPECT_EQ(toDoubles(fromDoubles({300, -1}, DType::Int32).astype(DType::UInt8)),
            (std::vector<double>{44, 255}));
  // Half and bfloat16 round to nearest even.
  EXPECT_EQ(
      toDoubles(fromDoubles({1.0 + 1.0 / 4096, 65520}, DType::Float32).astype(DType::Float16)),
      (std::vector<double>{1.0, std::numeric_limits<double>::infinity()}));
}

TEST(NDArray, MemoryReturnsToThePoolWhenTheLastViewGoes) {
  const Context cpu = Context::cpu();
  Engine::get()->waitForAll();
  size_t before = Storage::get()->stats(cpu).bytesInUse;
  {
    NDArray a({1000, 100}, cpu);
    NDArray view = a.slice(10, 20);
    a = NDArray();
    Engine::get()->waitForAll();
    EXPECT_GT(Storage::get()->stats(cpu).bytesInUse, before); // the view holds the chunk
    view.syncCopyFromCPU(std::vector<float>(1000).data(), 4000);
  }
  Engine::get()->waitForAll();
  EXPECT_EQ(Storage::get()->stats(cpu).bytesInUse, before);
}

TEST(NDArray, ExternalMemoryIsWrappedAndItsDeleterRunsOnce) {
  std::vector<float> host = {1, 2, 3, 4, 5, 6};
  std::atomic<int> deleted{0};
  {
    NDArray a = NDArray::fromExternal(host.data(), {2, 3}, DType::Float32, Context::cpu(),
                                      [&deleted] { ++deleted; });
    EXPECT_EQ(a.data().dptr, host.data());
    host[0] = 42; // zero-copy: the array sees the caller's memory
    EXPECT_EQ(read<float>(a)[0], 42.0f);
    NDArray b = a.copy(Context::cpu()); // pending when a goes: the deleter waits for it
    a = NDArray();
    EXPECT_EQ(read<float>(b)[0], 42.0f);
  }
  Engine::get()->waitForAll();
  EXPECT_EQ(deleted.load(), 1);
  EXPECT_THROW(NDArray::fromExternal(nullptr, {2}, DType::Float32, Context::cpu(), nullptr), Error);
}

TEST(NDArray, WaitToWriteWaitsForPendingReaders) {
  NDArray a = arange({4});
  std::atomic<bool> readerDone{false};
  VarHandle v = a.var();
  Engine::get()->push(
      [&readerDone](RunContext) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        readerDone = true;
      },
      Context::cpu(), std::span(&v, 1), {});
  a.waitToWrite();
  EXPECT_TRUE(readerDone.load());
}

TEST(NDArray, AnAsyncErrorSurfacesAtTheNextWait) {
  NDArray a = arange({4});
  VarHandle v = a.var();
  Engine::get()->push([](RunContext) { fail("kernel exploded"); }, Context::cpu(), {},
                      std::span(&v, 1), FnProperty::Normal, 0, "Exploder");
  try {
    a.waitToRead();
    FAIL() << "no error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("kernel exploded"), std::string::npos) << e.what();
  }
  try {
    Engine::get()->waitForAll();
  } catch (const Error &) {
  }
}

TEST(NDArrayGPU, CopiesAndCastsThroughTheGPU) {
  if (numGPUs() == 0)
    GTEST_SKIP() << "no GPU on this machine";
  NDArray a = arange({3, 5});
  NDArray g = a.copy(Context::gpu(0));
  EXPECT_EQ(g.ctx(), Context::gpu(0));
  EXPECT_EQ(read<float>(g), read<float>(a)); // syncCopyToCPU from the GPU
  EXPECT_EQ(read<float>(g.copy(Context::cpu())), read<float>(a));
  NDArray gi = g.astype(DType::Int64); // GPU -> GPU with a cast
  EXPECT_EQ(gi.ctx(), Context::gpu(0));
  EXPECT_EQ(read<int64_t>(gi)[14], 14);
  NDArray h = a.astype(DType::Float16).copy(Context::gpu(0)).astype(DType::Float32);
  EXPECT_EQ(read<float>(h), read<float>(a));
  std::vector<float> v(15, 2.5f);
  g.slice(1, 2).syncCopyFromCPU(v.data(), 20);
  EXPECT_EQ(read<float>(g)[5], 2.5f);
  EXPECT_EQ(read<float>(g)[4], 4.0f);
}

} // namespace
} // namespace mxrt
