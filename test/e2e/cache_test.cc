// cache_test.cc - the compile cache: hits, corrupt entries, concurrent writers.
#include "compiler/Cache.h"
#include "e2e_testing.h"

#include "mxc/compiler_api.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace mxc::testing;

namespace {

class CacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = tempDir("cache");
    ::setenv("MXC_CACHE_DIR", dir.c_str(), 1);
    inputs.json = singleOpJson("Activation", {"x"}, {{"act_type", "tanh"}});
    inputs.shapes = {{"x", "4,8"}};
  }
  void TearDown() override {
    ::unsetenv("MXC_CACHE_DIR");
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  mxc::CompileInputs inputs;
};

TEST_F(CacheTest, SecondCompileIsAHit) {
  llvm::Expected<mxc::CachedModule> first = mxc::compileCached(inputs, {});
  ASSERT_TRUE(bool(first)) << llvm::toString(first.takeError());
  EXPECT_FALSE(first->hit);
  EXPECT_EQ(std::filesystem::path(first->path).parent_path(), dir);
  auto t0 = std::chrono::steady_clock::now();
  llvm::Expected<mxc::CachedModule> second = mxc::compileCached(inputs, {});
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(bool(second)) << llvm::toString(second.takeError());
  EXPECT_TRUE(second->hit);
  EXPECT_EQ(second->path, first->path);
  EXPECT_LT(ms, 200) << "a hit must not compile";
  // The key covers shapes, options and the target.
  mxc::CompileInputs other = inputs;
  other.shapes = {{"x", "4,9"}};
  EXPECT_NE(mxc::moduleKey(other, {}, "cpu:x"), mxc::moduleKey(inputs, {}, "cpu:x"));
  mxc::CompileOptions o1;
  o1.optLevel = 1;
  EXPECT_NE(mxc::moduleKey(inputs, o1, "cpu:x"), mxc::moduleKey(inputs, {}, "cpu:x"));
  EXPECT_NE(mxc::moduleKey(inputs, {}, "cpu:y"), mxc::moduleKey(inputs, {}, "cpu:x"));
  // The manifest records the key.
  auto m = mxrt::Module::load(second->path);
  EXPECT_EQ(std::string(m->manifest().graph_hash), second->key);
}

TEST_F(CacheTest, CorruptEntryIsRebuilt) {
  llvm::Expected<mxc::CachedModule> first = mxc::compileCached(inputs, {});
  ASSERT_TRUE(bool(first)) << llvm::toString(first.takeError());
  // Flip a byte in the middle of the module.
  {
    std::fstream f(first->path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(0, std::ios::end);
    auto size = f.tellg();
    f.seekp(size / 2);
    char c = 0;
    f.seekg(size / 2);
    f.read(&c, 1);
    c = char(c ^ 0x5a);
    f.seekp(size / 2);
    f.write(&c, 1);
  }
  llvm::Expected<mxc::CachedModule> again = mxc::compileCached(inputs, {});
  ASSERT_TRUE(bool(again)) << llvm::toString(again.takeError());
  EXPECT_FALSE(again->hit) << "a corrupt entry must be detected and rebuilt";
  EXPECT_NO_THROW(mxrt::Module::load(again->path));
  // A missing checksum file is a miss too.
  std::filesystem::remove(again->path + ".sum");
  llvm::Expected<mxc::CachedModule> third = mxc::compileCached(inputs, {});
  ASSERT_TRUE(bool(third)) << llvm::toString(third.takeError());
  EXPECT_FALSE(third->hit);
}

TEST_F(CacheTest, ConcurrentCompilesFromSeveralProcesses) {
  const char *bin = std::getenv("MXC_BIN_DIR");
  if (!bin)
    GTEST_SKIP() << "MXC_BIN_DIR (where mxc is) is not set";
  std::string json = (dir / "net.json").string();
  std::ofstream(json) << inputs.json;
  constexpr int kProcs = 4;
  std::vector<pid_t> pids;
  for (int i = 0; i < kProcs; ++i) {
    std::string out = (dir / ("out" + std::to_string(i) + ".so")).string();
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::string mxc = std::string(bin) + "/mxc";
      ::execl(mxc.c_str(), "mxc", "compile", json.c_str(), "--shape=x=4,8", "-o", out.c_str(),
              (char *)nullptr);
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }
  for (int i = 0; i < kProcs; ++i)
    EXPECT_NO_THROW(mxrt::Module::load((dir / ("out" + std::to_string(i) + ".so")).string()));
  // One valid entry, no temporaries left.
  llvm::Expected<mxc::CachedModule> hit = mxc::compileCached(inputs, {});
  ASSERT_TRUE(bool(hit)) << llvm::toString(hit.takeError());
  EXPECT_TRUE(hit->hit);
  for (const auto &e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
}

TEST_F(CacheTest, CApiCompilesThroughTheCache) {
  const char *path = nullptr;
  int hit = -1;
  ASSERT_EQ(mxcCompile(inputs.json.c_str(), "x:4,8", nullptr, "cpu", "-O2", &path, &hit), 0)
      << mxcGetLastError();
  ASSERT_NE(path, nullptr);
  EXPECT_EQ(hit, 0);
  EXPECT_NO_THROW(mxrt::Module::load(path));
  ASSERT_EQ(mxcCompile(inputs.json.c_str(), "x:4,8", nullptr, "cpu", "-O2", &path, &hit), 0);
  EXPECT_EQ(hit, 1);
  // Errors are messages naming the culprit.
  EXPECT_EQ(mxcCompile(inputs.json.c_str(), "x:4,8", nullptr, "cpu", "--fast", &path, &hit), -1);
  EXPECT_EQ(path, nullptr);
  EXPECT_NE(std::string(mxcGetLastError()).find("--fast"), std::string::npos);
  EXPECT_EQ(mxcCompile(inputs.json.c_str(), "y:4,8", nullptr, "cpu", nullptr, &path, &hit), -1);
  EXPECT_NE(std::string(mxcGetLastError()).find("y"), std::string::npos) << mxcGetLastError();
  EXPECT_EQ(mxcCompile(inputs.json.c_str(), "x:4,8", nullptr, "gpu", nullptr, &path, &hit), -1);
  EXPECT_NE(std::string(mxcGetLastError()).find("unknown target 'gpu'"), std::string::npos);
}

} // namespace
