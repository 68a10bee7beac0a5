// capi_test.cc - the C API: arrays, files and engine callbacks round trip;
// every failure returns -1 with a message and zeroed outputs.
#include "mxrt/c_api.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

#define OK(call) ASSERT_EQ((call), 0) << mxrtGetLastError()

std::string lastError() { return mxrtGetLastError(); }

std::string tempPath(const char *name) {
  return (std::filesystem::temp_directory_path() /
          (std::string("mxrt_capi_") + std::to_string(getpid()) + "_" + name))
      .string();
}

TEST(CApi, VersionAndDevices) {
  int v = -1, n = -1;
  OK(mxrtGetVersion(&v));
  EXPECT_GE(v, 100); // 0.1.0 or later
  OK(mxrtNumGPUs(&n));
  EXPECT_GE(n, 0);
  EXPECT_EQ(mxrtGetVersion(nullptr), -1);
  EXPECT_NE(lastError().find("null"), std::string::npos);
}

TEST(CApi, CreateCopyInspectAndFree) {
  const int64_t shape[] = {2, 3};
  mxrtNDArrayHandle a = nullptr;
  OK(mxrtNDArrayCreate(shape, 2, /*float32*/ 0, /*cpu*/ 1, 0, &a));
  int ndim = 0, dtype = -1, devType = 0, devId = -1;
  const int64_t *dims = nullptr;
  OK(mxrtNDArrayGetShape(a, &ndim, &dims));
  ASSERT_EQ(ndim, 2);
  EXPECT_EQ(dims[0], 2);
  EXPECT_EQ(dims[1], 3);
  OK(mxrtNDArrayGetDType(a, &dtype));
  EXPECT_EQ(dtype, 0);
  OK(mxrtNDArrayGetContext(a, &devType, &devId));
  EXPECT_EQ(devType, 1);
  EXPECT_EQ(devId, 0);

  const float in[] = {1, 2, 3, 4, 5, 6};
  OK(mxrtNDArraySyncCopyFromCPU(a, in, sizeof in));
  mxrtNDArrayHandle row = nullptr, flat = nullptr, b = nullptr;
  OK(mxrtNDArrayAt(a, 1, &row));
  float out[3] = {};
  OK(mxrtNDArraySyncCopyToCPU(row, out, sizeof out));
  EXPECT_EQ(out[0], 4.0f);
  const int64_t spec[] = {-1};
  OK(mxrtNDArrayReshape(a, spec, 1, 0, &flat));
  OK(mxrtNDArrayGetShape(flat, &ndim, &dims));
  EXPECT_EQ(ndim, 1);
  EXPECT_EQ(dims[0], 6);

  OK(mxrtNDArrayCreate(shape, 2, /*int64*/ 6, 1, 0, &b));
  OK(mxrtNDArrayCopyTo(a, b)); // with a cast
  OK(mxrtNDArrayWaitToRead(b));
  int64_t got[6] = {};
  OK(mxrtNDArraySyncCopyToCPU(b, got, sizeof got));
  EXPECT_EQ(got[5], 6);
  void *data = nullptr;
  OK(mxrtNDArrayGetData(b, &data));
  EXPECT_EQ(static_cast<int64_t *>(data)[2], 3);

  mxrtNDArrayHandle slice = nullptr;
  OK(mxrtNDArraySlice(a, 0, 1, &slice));
  OK(mxrtNDArrayGetShape(slice, &ndim, &dims));
  EXPECT_EQ(dims[0], 1);
  for (mxrtNDArrayHandle h : {a, row, flat, b, slice})
    OK(mxrtNDArrayFree(h));
  OK(mxrtNDArrayFree(nullptr));
  OK(mxrtNDArrayWaitAll());
}

TEST(CApi, ErrorsReturnMinusOneWithAMessageAndZeroedOutputs) {
  mxrtNDArrayHandle h = reinterpret_cast<mxrtNDArrayHandle>(0x1234);
  const int64_t shape[] = {2};
  EXPECT_EQ(mxrtNDArrayCreate(shape, 1, 99, 1, 0, &h), -1);
  EXPECT_EQ(h, nullptr);
  EXPECT_NE(lastError().find("dtype code 99"), std::string::npos) << lastError();
  EXPECT_EQ(mxrtNDArrayCreate(shape, 1, 0, 4, 0, &h), -1);
  EXPECT_NE(lastError().find("dev_type 4"), std::string::npos) << lastError();
  const int64_t negative[] = {-2};
  EXPECT_EQ(mxrtNDArrayCreate(negative, 1, 0, 1, 0, &h), -1);
  EXPECT_NE(lastError().find("negative"), std::string::npos) << lastError();

  int ndim = 7;
  const int64_t *dims = shape;
  EXPECT_EQ(mxrtNDArrayGetShape(nullptr, &ndim, &dims), -1);
  EXPECT_EQ(ndim, 0);
  EXPECT_EQ(dims, nullptr);
  EXPECT_NE(lastError().find("mxrtNDArrayGetShape"), std::string::npos) << lastError();

  OK(mxrtNDArrayCreate(shape, 1, 0, 1, 0, &h));
  float buf[3];
  EXPECT_EQ(mxrtNDArraySyncCopyToCPU(h, buf, sizeof buf), -1); // 12 bytes for an 8-byte array
  EXPECT_NE(lastError().find("12 bytes"), std::string::npos) << lastError();
  mxrtNDArrayHandle view = reinterpret_cast<mxrtNDArrayHandle>(0x1);
  EXPECT_EQ(mxrtNDArraySlice(h, 1, 5, &view), -1);
  EXPECT_EQ(view, nullptr);
  const int64_t spec[] = {3};
  EXPECT_EQ(mxrtNDArrayReshape(h, spec, 1, 0, &view), -1);
  EXPECT_NE(lastError().find("(2,)"), std::string::npos) << lastError();
  OK(mxrtNDArrayFree(h));

  // The message stays until the next failure, on this thread only.
  std::string before = lastError();
  int v;
  OK(mxrtGetVersion(&v));
  EXPECT_EQ(lastError(), before);
  std::string other;
  std::thread([&other] { other = mxrtGetLastError(); }).join();
  EXPECT_EQ(other, "");
}

TEST(CApi, NoneArrays) {
  mxrtNDArrayHandle none = nullptr;
  OK(mxrtNDArrayCreateNone(&none));
  int ndim = 5;
  const int64_t *dims = nullptr;
  OK(mxrtNDArrayGetShape(none, &ndim, &dims));
  EXPECT_EQ(ndim, -1);
  OK(mxrtNDArrayWaitToRead(none));
  mxrtVarHandle var = reinterpret_cast<mxrtVarHandle>(0x1);
  EXPECT_EQ(mxrtNDArrayGetVar(none, &var), -1);
  EXPECT_EQ(var, nullptr);
  size_t size = 9;
  const char *bytes = "x";
  EXPECT_EQ(mxrtNDArraySaveRawBytes(none, mxrtShapeAuto, &size, &bytes), -1);
  EXPECT_EQ(size, 0u);
  EXPECT_EQ(bytes, nullptr);
  OK(mxrtNDArrayFree(none));
}

TEST(CApi, SaveAndLoadListsAndDicts) {
  const int64_t s1[] = {3}, s2[] = {2, 2};
  mxrtNDArrayHandle arrays[2] = {};
  OK(mxrtNDArrayCreate(s1, 1, 0, 1, 0, &arrays[0]));
  OK(mxrtNDArrayCreate(s2, 2, 4, 1, 0, &arrays[1]));
  const float f[] = {1.5f, 2.5f, 3.5f};
  const int32_t i[] = {1, 2, 3, 4};
  OK(mxrtNDArraySyncCopyFromCPU(arrays[0], f, sizeof f));
  OK(mxrtNDArraySyncCopyFromCPU(arrays[1], i, sizeof i));
  const char *names[] = {"arg:w", "aux:m"};
  std::string path = tempPath("dict.params");
  OK(mxrtNDArraySave(path.c_str(), 2, arrays, names, mxrtShapeAuto));

  uint32_t n = 0, nNames = 0;
  mxrtNDArrayHandle *loaded = nullptr;
  const char **loadedNames = nullptr;
  OK(mxrtNDArrayLoad(path.c_str(), &n, &loaded, &nNames, &loadedNames));
  ASSERT_EQ(n, 2u);
  ASSERT_EQ(nNames, 2u);
  EXPECT_STREQ(loadedNames[0], "arg:w");
  EXPECT_STREQ(loadedNames[1], "aux:m");
  std::vector<mxrtNDArrayHandle> keep(loaded, loaded + n);
  int32_t back[4] = {};
  OK(mxrtNDArraySyncCopyToCPU(keep[1], back, sizeof back));
  EXPECT_EQ(back[3], 4);

  // A list (no names), from a buffer.
  std::string listPath = tempPath("list.nd");
  OK(mxrtNDArraySave(listPath.c_str(), 1, arrays, nullptr, mxrtShapeAuto));
  FILE *fp = std::fopen(listPath.c_str(), "rb");
  std::vector<char> bytes(4096);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), fp));
  std::fclose(fp);
  OK(mxrtNDArrayLoadFromBuffer(bytes.data(), bytes.size(), &n, &loaded, &nNames, &loadedNames));
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(nNames, 0u);
  keep.push_back(loaded[0]);

  // One record, as pickle uses it.
  size_t rawSize = 0;
  const char *raw = nullptr;
  OK(mxrtNDArraySaveRawBytes(arrays[0], mxrtShapeAuto, &rawSize, &raw));
  EXPECT_EQ(rawSize, 4 + 4 + 4 + 8 + 12 + 12u);
  mxrtNDArrayHandle fromRaw = nullptr;
  OK(mxrtNDArrayLoadFromRawBytes(raw, rawSize, &fromRaw));
  float g[3] = {};
  OK(mxrtNDArraySyncCopyToCPU(fromRaw, g, sizeof g));
  EXPECT_EQ(g[2], 3.5f);
  keep.push_back(fromRaw);

  // Failures.
  EXPECT_EQ(mxrtNDArrayLoad("/nonexistent/x.params", &n, &loaded, &nNames, &loadedNames), -1);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(loaded, nullptr);
  EXPECT_EQ(loadedNames, nullptr);
  EXPECT_NE(lastError().find("/nonexistent/x.params"), std::string::npos) << lastError();
  EXPECT_EQ(
      mxrtNDArrayLoadFromBuffer(bytes.data(), bytes.size() - 1, &n, &loaded, &nNames, &loadedNames),
      -1);
  EXPECT_NE(lastError().find("byte offset"), std::string::npos) << lastError();
  EXPECT_EQ(mxrtNDArraySave(path.c_str(), 2, arrays, names, 7), -1);
  EXPECT_NE(lastError().find("semantics 7"), std::string::npos) << lastError();
  mxrtNDArrayHandle withNull[] = {arrays[0], nullptr};
  EXPECT_EQ(mxrtNDArraySave(path.c_str(), 2, withNull, nullptr, 0), -1);
  EXPECT_NE(lastError().find("handle 1 is null"), std::string::npos) << lastError();

  for (mxrtNDArrayHandle h : keep)
    OK(mxrtNDArrayFree(h));
  OK(mxrtNDArrayFree(arrays[0]));
  OK(mxrtNDArrayFree(arrays[1]));
  std::remove(path.c_str());
  std::remove(listPath.c_str());
}

struct Counter {
  std::atomic<int> runs{0};
  std::atomic<int> deleted{0};
};

int addOne(void *user, void *) {
  auto *p = static_cast<std::pair<Counter *, mxrtNDArrayHandle> *>(user);
  void *data = nullptr;
  if (mxrtNDArrayGetData(p->second, &data) != 0)
    return 1;
  static_cast<float *>(data)[0] += 1;
  ++p->first->runs;
  return 0;
}

void deletePair(void *user) {
  auto *p = static_cast<std::pair<Counter *, mxrtNDArrayHandle> *>(user);
  ++p->first->deleted;
  delete p;
}

int failing(void *, void *) {
  mxrtSetLastError("the callback could not open its input");
  return 3;
}

TEST(CApi, EngineCallbacksRunInOrderAndTheirDeleterOnce) {
  const int64_t shape[] = {1};
  mxrtNDArrayHandle a = nullptr;
  OK(mxrtNDArrayCreate(shape, 1, 0, 1, 0, &a));
  const float zero = 0;
  OK(mxrtNDArraySyncCopyFromCPU(a, &zero, 4));
  mxrtVarHandle var = nullptr;
  OK(mxrtNDArrayGetVar(a, &var));
  Counter c;
  for (int i = 0; i < 100; ++i) {
    auto *user = new std::pair<Counter *, mxrtNDArrayHandle>(&c, a);
    OK(mxrtEnginePush(addOne, user, deletePair, 1, 0, nullptr, 0, &var, 1, "addOne"));
  }
  OK(mxrtEngineWaitForVar(var));
  float x = 0;
  OK(mxrtNDArraySyncCopyToCPU(a, &x, 4));
  EXPECT_EQ(x, 100.0f); // writers of one variable never overlap
  EXPECT_EQ(c.runs.load(), 100);
  OK(mxrtNDArrayWaitAll());
  EXPECT_EQ(c.deleted.load(), 100);

  // A failing callback: its error reaches the next wait on what it writes.
  mxrtVarHandle own = nullptr;
  OK(mxrtEngineNewVar(&own));
  OK(mxrtEnginePush(failing, nullptr, nullptr, 1, 0, nullptr, 0, &own, 1, "failing"));
  EXPECT_EQ(mxrtEngineWaitForVar(own), -1);
  EXPECT_NE(lastError().find("the callback could not open its input"), std::string::npos)
      << lastError();
  EXPECT_NE(lastError().find("status 3"), std::string::npos) << lastError();
  mxrtNDArrayWaitAll(); // forget the error
  OK(mxrtEngineDeleteVar(own));
  EXPECT_EQ(mxrtEngineDeleteVar(own), -1); // twice
  EXPECT_EQ(mxrtEngineDeleteVar(var), -1); // the array's own
  EXPECT_NE(lastError().find("mxrtEngineNewVar"), std::string::npos) << lastError();

  // A refused push still runs the deleter, once.
  auto *user = new std::pair<Counter *, mxrtNDArrayHandle>(&c, a);
  EXPECT_EQ(mxrtEnginePush(addOne, user, deletePair, 9, 0, nullptr, 0, &var, 1, nullptr), -1);
  EXPECT_EQ(c.deleted.load(), 101);
  EXPECT_EQ(mxrtEnginePush(nullptr, nullptr, nullptr, 1, 0, nullptr, 0, nullptr, 0, nullptr), -1);
  OK(mxrtNDArrayFree(a));
}

void freeBuffer(void *p) { delete[] static_cast<float *>(p); }

TEST(CApi, ExternalMemoryIsZeroCopyAndReleasedThroughItsDeleter) {
  auto *buf = new float[4]{1, 2, 3, 4};
  const int64_t shape[] = {4};
  mxrtNDArrayHandle h = nullptr;
  OK(mxrtNDArrayCreateFromExternal(buf, shape, 1, 0, 1, 0, freeBuffer, buf, &h));
  void *data = nullptr;
  OK(mxrtNDArrayGetData(h, &data));
  EXPECT_EQ(data, buf);
  OK(mxrtNDArrayFree(h));
  OK(mxrtNDArrayWaitAll()); // the deleter ran (ASan reports a leak otherwise)
  // A failure still hands the memory back.
  auto *buf2 = new float[4];
  EXPECT_EQ(mxrtNDArrayCreateFromExternal(buf2, shape, 1, 42, 1, 0, freeBuffer, buf2, &h), -1);
  EXPECT_EQ(h, nullptr);
}

} // namespace
