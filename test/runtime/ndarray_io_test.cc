// ndarray_io_test.cc - MXNet's NDArray file format: round trips for every
// dtype and rank, files written by real MXNet 1.9.1 (test/data/ndarray),
// legacy layouts, and an error naming file and offset for every bad input.
#include "mxrt/base.h"
#include "mxrt/ndarray_io.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace mxrt {
namespace {

const TShape kScalar(0, 0); // rank 0 (TShape{} is an unknown shape)

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

const DType kAllDTypes[] = {DType::Float32, DType::Float64, DType::Float16, DType::UInt8,
                            DType::Int32,   DType::Int8,    DType::Int64,   DType::Bool,
                            DType::Int16,   DType::UInt16,  DType::UInt32,  DType::UInt64,
                            DType::BFloat16};

fs::path dataDir() {
  const char *env = std::getenv("MXC_TEST_DATA");
  fs::path dir = env ? fs::path(env) : fs::path(__FILE__).parent_path().parent_path() / "data";
  dir /= "ndarray";
  if (!fs::exists(dir / "manifest.tsv"))
    throw std::runtime_error("test data not found at " + dir.string() + "; set MXC_TEST_DATA");
  return dir;
}

Bytes readFile(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

void writeFile(const fs::path &p, const Bytes &b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char *>(b.data()), std::streamsize(b.size()));
}

Bytes toBytes(const std::string &s) { return Bytes(s.begin(), s.end()); }

Bytes fromHex(const std::string &h) {
  Bytes b;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    b.push_back(uint8_t(std::stoi(h.substr(i, 2), nullptr, 16)));
  return b;
}

Bytes contents(const NDArray &a) {
  Bytes b(a.nbytes());
  a.syncCopyToCPU(b.data(), b.size());
  return b;
}

/// A fresh directory under the system's temporary directory.
class TempDir {
public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mxrt_io_test.XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string &name) const { return path_ / name; }
  size_t entries() const { return size_t(std::distance(fs::directory_iterator(path_), {})); }
  const fs::path &path() const { return path_; }

private:
  fs::path path_;
};

/// Little-endian byte builder for hand-made files.
struct Writer {
  Bytes b;
  template <class T> Writer &put(T v) {
    const auto *p = reinterpret_cast<const uint8_t *>(&v);
    b.insert(b.end(), p, p + sizeof v);
    return *this;
  }
  Writer &header(uint64_t n) { return put<uint64_t>(0x112).put<uint64_t>(0).put<uint64_t>(n); }
  Writer &noNames() { return put<uint64_t>(0); }
  /// A V2 dense float32 record on cpu(0), data 0, 1, 2...
  Writer &record(std::vector<int64_t> dims) {
    put<uint32_t>(0xF993FAC9).put<int32_t>(0).put<int32_t>(int32_t(dims.size()));
    int64_t n = 1;
    for (int64_t d : dims) {
      put<int64_t>(d);
      n *= d;
    }
    put<int32_t>(1).put<int32_t>(0).put<int32_t>(0);
    for (int64_t i = 0; i < n; ++i)
      put<float>(float(i));
    return *this;
  }
};

/// Expects loading `bytes` to fail with an Error that names `offset` and
/// contains `fragment`.
void expectLoadError(const Bytes &bytes, uint64_t offset, const std::string &fragment) {
  try {
    loadNDArraysFromBuffer(bytes);
    ADD_FAILURE() << "loaded; expected an error at byte offset " << offset;
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("byte offset " + std::to_string(offset) + ":"), std::string::npos) << msg;
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
  }
}

// ---- round trips ----------------------------------------------------------

TEST(NDArrayIO, RoundTripsEveryDtypeAndRank) {
  std::mt19937 rng(7);
  const TShape shapes[] = {kScalar,         {5},      {2, 3}, {2, 1, 3}, {1, 2, 2, 2},
                           {2, 1, 2, 1, 3}, {2, 0, 3}};
  TempDir dir;
  for (DType t : kAllDTypes) {
    std::vector<NDArray> arrays;
    std::vector<std::string> names;
    std::vector<Bytes> want;
    for (const TShape &s : shapes) {
      NDArray a(s, Context::cpu(), t);
      Bytes b(a.nbytes());
      for (uint8_t &x : b)
        x = t == DType::Bool ? uint8_t(rng() & 1) : uint8_t(rng());
      a.syncCopyFromCPU(b.data(), b.size());
      arrays.push_back(a);
      names.push_back("arg:" + std::string(dtypeName(t)) + s.str());
      want.push_back(b);
    }
    for (bool named : {false, true}) {
      std::span<const std::string> keys = named ? std::span(names) : std::span<std::string>();
      fs::path path = dir / (std::string(dtypeName(t)) + ".nd");
      saveNDArrays(path, arrays, keys);
      std::string buffer = saveNDArraysToBuffer(arrays, keys);
      EXPECT_EQ(readFile(path), toBytes(buffer)) << dtypeName(t);
      for (const NDArrayList &got : {loadNDArrays(path), loadNDArraysFromBuffer(toBytes(buffer))}) {
        ASSERT_EQ(got.arrays.size(), arrays.size());
        EXPECT_EQ(got.names, named ? names : std::vector<std::string>());
        for (size_t i = 0; i < arrays.size(); ++i) {
          EXPECT_EQ(got.arrays[i].shape(), arrays[i].shape());
          EXPECT_EQ(got.arrays[i].dtype(), t);
          EXPECT_EQ(got.arrays[i].ctx(), Context::cpu());
          EXPECT_EQ(contents(got.arrays[i]), want[i]) << dtypeName(t) << " " << i;
        }
      }
    }
    // One record alone, as NDArray pickles itself.
    for (size_t i = 0; i < arrays.size(); ++i) {
      NDArray back = loadRawBytes(toBytes(saveRawBytes(arrays[i])));
      EXPECT_EQ(back.shape(), arrays[i].shape());
      EXPECT_EQ(contents(back), want[i]);
    }
  }
}

TEST(NDArrayIO, WritesTheSpecsWorkedExampleByteForByte) {
  // shared/spec/mxnet-formats.md §1.3: mx.nd.save(f, {'a': mx.nd.array([1,2])}), 81 bytes.
  NDArray a({2}, Context::cpu());
  float v[] = {1, 2};
  a.syncCopyFromCPU(v, 8);
  std::string name = "a";
  std::string got = saveNDArraysToBuffer(std::span(&a, 1), std::span(&name, 1));
  Writer w;
  w.header(1).put<uint32_t>(0xF993FAC9).put<int32_t>(0).put<int32_t>(1).put<int64_t>(2);
  w.put<int32_t>(1).put<int32_t>(0).put<int32_t>(0).put<float>(1).put<float>(2);
  w.put<uint64_t>(1).put<uint64_t>(1).put<char>('a');
  EXPECT_EQ(toBytes(got), w.b);
  EXPECT_EQ(got.size(), 81u);
  EXPECT_EQ(saveNDArraysToBuffer({}).size(), 32u); // an empty list
}

TEST(NDArrayIO, ShapeSemanticsPickTheRecordLayout) {
  NDArray vec({3}, Context::cpu()), scalar(kScalar, Context::cpu());
  auto magicOf = [](const std::string &file) {
    uint32_t m;
    std::memcpy(&m, file.data() + 24, 4);
    return m;
  };
  EXPECT_EQ(magicOf(saveNDArraysToBuffer(std::span(&vec, 1))), 0xF993FAC9u);
  EXPECT_EQ(magicOf(saveNDArraysToBuffer(std::span(&vec, 1), {}, ShapeSemantics::Numpy)),
            0xF993FACAu);
  NDArray both[] = {vec, scalar};
  EXPECT_EQ(magicOf(saveNDArraysToBuffer(both)), 0xF993FACAu); // a scalar needs V3
  EXPECT_THROW(saveNDArraysToBuffer(both, {}, ShapeSemantics::Legacy), Error);
  NDArray zeroSize({2, 0}, Context::cpu());
  EXPECT_THROW(saveNDArraysToBuffer(std::span(&zeroSize, 1), {}, ShapeSemantics::Legacy), Error);
}

TEST(NDArrayIO, SaveWaitsForPendingWrites) {
  NDArray a({1000}, Context::cpu());
  VarHandle v = a.var();
  Engine::get()->push(
      [a](RunContext) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        float *p = a.data().ptr<float>();
        for (int i = 0; i < 1000; ++i)
          p[i] = float(i) * 0.5f;
      },
      Context::cpu(), {}, std::span(&v, 1));
  NDArrayList got = loadNDArraysFromBuffer(toBytes(saveNDArraysToBuffer(std::span(&a, 1))));
  std::vector<float> out(1000);
  got.arrays[0].syncCopyToCPU(out.data(), 4000);
  EXPECT_EQ(out[999], 499.5f);
}

TEST(NDArrayIO, SavingRefusesNoneArraysAndMismatchedNames) {
  NDArray arrays[] = {NDArray({2}, Context::cpu()), NDArray()};
  EXPECT_THROW(saveNDArraysToBuffer(arrays), Error);
  EXPECT_THROW(saveRawBytes(NDArray()), Error);
  std::vector<std::string> two = {"a", "b"};
  EXPECT_THROW(saveNDArraysToBuffer(std::span(arrays, 1), two), Error);
}

// ---- files written by MXNet 1.9.1 -----------------------------------------

/// A minimal .npy reader: the sidecars make_reference.py wrote.
struct Npy {
  std::string descr;
  TShape shape;
  Bytes data;
};

Npy readNpy(const fs::path &p) {
  Bytes b = readFile(p);
  EXPECT_TRUE(b.size() > 10 && std::memcmp(b.data(), "\x93NUMPY", 6) == 0) << p;
  size_t hlen = b[6] == 1 ? size_t(b[8] | b[9] << 8) : size_t(b[8] | b[9] << 8 | b[10] << 16);
  size_t hstart = b[6] == 1 ? 10 : 12;
  std::string h(b.begin() + long(hstart), b.begin() + long(hstart + hlen));
  Npy n;
  size_t d = h.find("'descr': '") + 10;
  n.descr = h.substr(d, h.find('\'', d) - d);
  EXPECT_NE(h.find("'fortran_order': False"), std::string::npos) << p;
  size_t s = h.find("'shape': (") + 10;
  std::vector<int64_t> dims;
  std::istringstream dimText(h.substr(s, h.find(')', s) - s));
  for (std::string tok; std::getline(dimText, tok, ',');)
    if (tok.find_first_of("0123456789") != std::string::npos)
      dims.push_back(std::stoll(tok));
  n.shape = TShape(std::span<const int64_t>(dims));
  n.data.assign(b.begin() + long(hstart + hlen), b.end());
  return n;
}

struct Expected {
  std::string file, kind, name, dtype, npy;
  int index = 0;
};

std::string unhex(const std::string &h) {
  Bytes b = fromHex(h);
  return std::string(b.begin(), b.end());
}

std::vector<Expected> manifest() {
  std::ifstream f(dataDir() / "manifest.tsv");
  std::vector<Expected> rows;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> col;
    std::istringstream ls(line);
    for (std::string c; std::getline(ls, c, '\t');)
      col.push_back(c);
    EXPECT_EQ(col.size(), 6u) << line;
    rows.push_back({col[0], col[1], unhex(col[3]), col[4], col[5], std::stoi(col[2])});
  }
  return rows;
}

TEST(NDArrayIO, LoadsFilesWrittenByMXNet) {
  std::map<std::string, std::vector<Expected>> byFile;
  for (const Expected &e : manifest())
    byFile[e.file].push_back(e);
  ASSERT_GE(byFile.size(), 28u); // 9 dtypes x (list, np, pickle) + dict + empty
  size_t checked = 0;
  for (auto &[file, rows] : byFile) {
    SCOPED_TRACE(file);
    fs::path path = dataDir() / file;
    std::vector<NDArray> got;
    std::vector<std::string> names;
    if (rows[0].kind == "raw") {
      got.push_back(loadRawBytes(readFile(path)));
    } else {
      NDArrayList l = loadNDArrays(path);
      got = l.arrays;
      names = l.names;
    }
    if (rows[0].index < 0) { // the empty list
      EXPECT_TRUE(got.empty());
      EXPECT_TRUE(names.empty());
      EXPECT_EQ(fs::file_size(path), 32u);
      EXPECT_EQ(toBytes(saveNDArraysToBuffer({})), readFile(path));
      continue;
    }
    ASSERT_EQ(got.size(), rows.size());
    // Rebuild each array from its sidecar alone, and save: MXNet's bytes.
    std::vector<NDArray> rebuilt;
    std::vector<std::string> wantNames;
    for (const Expected &e : rows) {
      const NDArray &a = got[size_t(e.index)];
      Npy n = readNpy(dataDir() / e.npy);
      std::optional<DType> t = parseDType(e.dtype);
      ASSERT_TRUE(t.has_value()) << e.dtype;
      EXPECT_EQ(a.dtype(), *t);
      EXPECT_EQ(a.shape(), n.shape) << e.npy;
      EXPECT_EQ(a.ctx(), Context::cpu());
      EXPECT_EQ(contents(a), n.data) << e.npy; // NaN, -0.0 and all: byte-exact
      NDArray r(n.shape, Context::cpu(), *t);
      r.syncCopyFromCPU(n.data.data(), n.data.size());
      rebuilt.push_back(r);
      if (e.kind == "dict")
        wantNames.push_back(e.name);
      ++checked;
    }
    EXPECT_EQ(names, wantNames);
    Bytes mxnet = readFile(path);
    if (rows[0].kind == "raw") {
      EXPECT_EQ(toBytes(saveRawBytes(rebuilt[0])), mxnet);
    } else {
      EXPECT_EQ(toBytes(saveNDArraysToBuffer(rebuilt, wantNames)), mxnet);
      EXPECT_EQ(toBytes(saveNDArraysToBuffer(got, names)), mxnet); // load, save: the same
    }
  }
  EXPECT_EQ(checked, 122u);
}

TEST(NDArrayIO, DictFileKeepsNamesInOrder) {
  NDArrayList l = loadNDArrays(dataDir() / "dict.params");
  EXPECT_EQ(l.names,
            (std::vector<std::string>{"arg:fc1_weight", "arg:fc1_bias", "aux:bn_moving_mean",
                                      "\xc3\xbcn\xc3\xaf"
                                      "c\xc3\xb6"
                                      "de \xe5\x90\x8d",
                                      ""}));
  EXPECT_EQ(l.arrays[0].shape(), TShape({4, 3}));
  EXPECT_EQ(l.arrays[2].dtype(), DType::Float16);
}

// ---- legacy layouts ---------------------------------------------------------

TEST(NDArrayIO, ReadsLegacyV0Files) {
  // shared/spec/mxnet-formats.md §1.5: tests/python/unittest/legacy_ndarray.v0,
  // six records of ndim=1, dim=128 (u32), ctx (1,0), float32 0..127.
  Writer w;
  w.header(6);
  for (int r = 0; r < 6; ++r) {
    w.put<uint32_t>(1).put<uint32_t>(128).put<int32_t>(1).put<int32_t>(0).put<int32_t>(0);
    for (int i = 0; i < 128; ++i)
      w.put<float>(float(i));
  }
  w.noNames();
  ASSERT_EQ(w.b.size(), 3224u);
  NDArrayList l = loadNDArraysFromBuffer(w.b);
  ASSERT_EQ(l.arrays.size(), 6u);
  for (const NDArray &a : l.arrays) {
    EXPECT_EQ(a.shape(), TShape({128}));
    std::vector<float> v(128);
    a.syncCopyToCPU(v.data(), 512);
    for (int i = 0; i < 128; ++i)
      ASSERT_EQ(v[size_t(i)], float(i));
  }
}

TEST(NDArrayIO, ReadsLegacyV1Records) {
  Writer w;
  w.header(1).put<uint32_t>(0xF993FAC8).put<int32_t>(2).put<int64_t>(2).put<int64_t>(2);
  w.put<int32_t>(1).put<int32_t>(0).put<int32_t>(4); // cpu(0), int32
  for (int32_t i : {5, 6, 7, 8})
    w.put<int32_t>(i);
  w.noNames();
  NDArrayList l = loadNDArraysFromBuffer(w.b);
  EXPECT_EQ(l.arrays[0].shape(), TShape({2, 2}));
  EXPECT_EQ(l.arrays[0].dtype(), DType::Int32);
  std::vector<int32_t> v(4);
  l.arrays[0].syncCopyToCPU(v.data(), 16);
  EXPECT_EQ(v, (std::vector<int32_t>{5, 6, 7, 8}));
}

TEST(NDArrayIO, ReadsNoneArraysInEveryLayout) {
  Writer w;
  w.header(5);
  w.put<uint32_t>(0);                                           // V0: ndim 0
  w.put<uint32_t>(0xF993FAC8).put<int32_t>(0);                  // V1: ndim 0
  w.put<uint32_t>(0xF993FAC9).put<int32_t>(0).put<int32_t>(0);  // V2: ndim 0
  w.put<uint32_t>(0xF993FACA).put<int32_t>(0).put<int32_t>(-1); // V3: unknown rank
  w.put<uint32_t>(0xF993FACA).put<int32_t>(0).put<int32_t>(2).put<int64_t>(3).put<int64_t>(-1);
  w.noNames();
  NDArrayList l = loadNDArraysFromBuffer(w.b);
  ASSERT_EQ(l.arrays.size(), 5u);
  for (const NDArray &a : l.arrays)
    EXPECT_TRUE(a.isNone());
  // V3 rank 0 is a scalar, not none.
  Writer s;
  s.put<uint32_t>(0xF993FACA).put<int32_t>(0).put<int32_t>(0);
  s.put<int32_t>(1).put<int32_t>(0).put<int32_t>(6).put<int64_t>(-42);
  NDArray scalar = loadRawBytes(s.b);
  EXPECT_EQ(scalar.shape(), kScalar);
  int64_t x = 0;
  scalar.syncCopyToCPU(&x, 8);
  EXPECT_EQ(x, -42);
}

TEST(NDArrayIO, GpuArraysLoadOnTheCpuWithoutAGpu) {
  // The 36-byte pickled state of mx.nd.arange(1, ctx=gpu) (spec §1.3).
  const Bytes rec = fromHex("c9fa93f9"
                            "00000000"
                            "01000000"
                            "0100000000000000"
                            "02000000"
                            "00000000"
                            "00000000"
                            "00000000");
  ASSERT_EQ(rec.size(), 36u);
  NDArray a = loadRawBytes(rec);
  EXPECT_EQ(a.ctx(), numGPUs() > 0 ? Context::gpu(0) : Context::cpu());
  float v = -1;
  a.syncCopyToCPU(&v, 4);
  EXPECT_EQ(v, 0.0f);
  // Saving writes the array's own context.
  EXPECT_EQ(toBytes(saveRawBytes(a)).size(), rec.size());
}

// ---- bad input -----------------------------------------------------------

TEST(NDArrayIO, EveryTruncationIsAnErrorNamingAnOffset) {
  for (const char *name : {"dict.params", "list_float16.nd", "np_int64.nd", "empty.nd"}) {
    Bytes full = readFile(dataDir() / name);
    for (size_t len = 0; len < full.size(); ++len) {
      Bytes cut(full.begin(), full.begin() + long(len));
      try {
        loadNDArraysFromBuffer(cut);
        ADD_FAILURE() << name << " cut to " << len << " bytes loaded";
      } catch (const Error &e) {
        std::string msg = e.what();
        ASSERT_NE(msg.find("byte offset"), std::string::npos) << msg;
        ASSERT_NE(msg.find("buffer"), std::string::npos) << msg;
      }
    }
  }
  Bytes raw = readFile(dataDir() / "pickle_float64.raw");
  for (size_t len = 0; len < raw.size(); ++len)
    EXPECT_THROW(loadRawBytes(Bytes(raw.begin(), raw.begin() + long(len))), Error) << len;
}

TEST(NDArrayIO, TruncatedFileErrorNamesTheFileAndOffset) {
  TempDir dir;
  Bytes full = readFile(dataDir() / "list_float32.nd");
  fs::path path = dir / "cut.nd";
  writeFile(path, Bytes(full.begin(), full.begin() + 100));
  try {
    loadNDArrays(path);
    FAIL();
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte offset"), std::string::npos) << msg;
    EXPECT_NE(msg.find("truncated"), std::string::npos) << msg;
  }
}

TEST(NDArrayIO, ForeignHeadersAreErrors) {
  Bytes text = toBytes("{\"nodes\": [], \"arg_nodes\": [], \"heads\": []}");
  expectLoadError(text, 0, "not an NDArray file");
  expectLoadError(Writer().put<uint64_t>(0x113).put<uint64_t>(0).put<uint64_t>(0).noNames().b, 0,
                  "0x113");
  expectLoadError(Writer().header(uint64_t(1) << 40).b, 16, "array count");
  expectLoadError(Bytes{0x12, 0x01}, 0, "truncated");
}

TEST(NDArrayIO, HugeShapesFailBeforeAllocating) {
  // ndim 2^31-1: its dims alone would need 16 GiB.
  expectLoadError(
      Writer().header(1).put<uint32_t>(0xF993FAC9).put<int32_t>(0).put<int32_t>(0x7fffffff).b, 32,
      "ndim 2147483647");
  // Dims whose product is 2^80 elements: overflow.
  Writer w;
  w.header(1).put<uint32_t>(0xF993FAC9).put<int32_t>(0).put<int32_t>(2);
  w.put<int64_t>(int64_t(1) << 40).put<int64_t>(int64_t(1) << 40);
  w.put<int32_t>(1).put<int32_t>(0).put<int32_t>(0);
  expectLoadError(w.b, 24, "too many elements");
  // 2^40 elements: representable, but far beyond the bytes left.
  Writer v;
  v.header(1)
      .put<uint32_t>(0xF993FAC9)
      .put<int32_t>(0)
      .put<int32_t>(1)
      .put<int64_t>(int64_t(1) << 40);
  v.put<int32_t>(1).put<int32_t>(0).put<int32_t>(1).noNames();
  expectLoadError(v.b, 56, "needs 8796093022208 bytes of data but only 8 remain");
  // A V0 ndim (no magic) that cannot fit.
  expectLoadError(Writer().header(1).put<uint32_t>(1000000).b, 24, "V0 ndim 1000000");
  // A negative extent in a V2 shape; a negative ndim.
  expectLoadError(Writer()
                      .header(1)
                      .put<uint32_t>(0xF993FAC9)
                      .put<int32_t>(0)
                      .put<int32_t>(1)
                      .put<int64_t>(-3)
                      .b,
                  36, "dimension 0 is -3");
  expectLoadError(Writer().header(1).put<uint32_t>(0xF993FAC9).put<int32_t>(0).put<int32_t>(-2).b,
                  32, "negative ndim");
}

TEST(NDArrayIO, BadFieldsAreErrorsAtTheirOffset) {
  auto recordWith = [](int32_t stype, int32_t devType, int32_t dtype) {
    Writer w;
    w.header(1).put<uint32_t>(0xF993FAC9).put<int32_t>(stype).put<int32_t>(1).put<int64_t>(1);
    w.put<int32_t>(devType).put<int32_t>(0).put<int32_t>(dtype).put<float>(1).noNames();
    return w.b;
  };
  expectLoadError(recordWith(0, 1, 13), 52, "unknown dtype code 13");
  expectLoadError(recordWith(0, 1, -1), 52, "unknown dtype code -1");
  expectLoadError(recordWith(0, 4, 0), 44, "unknown device type 4");
  expectLoadError(recordWith(1, 1, 0), 28, "sparse storage (row_sparse) is not supported");
  expectLoadError(recordWith(2, 1, 0), 28, "sparse storage (csr) is not supported");
  expectLoadError(recordWith(-1, 1, 0), 28, "unknown storage type -1");
  expectLoadError(recordWith(7, 1, 0), 28, "unknown storage type 7");
}

TEST(NDArrayIO, SparseRecordErrorNamesTheFile) {
  TempDir dir;
  Writer w;
  w.header(2).record({2});
  size_t at = w.b.size();
  w.put<uint32_t>(0xF993FAC9).put<int32_t>(2).put<int32_t>(1).put<int64_t>(3); // csr, sshape
  fs::path path = dir / "sparse.params";
  writeFile(path, w.b);
  try {
    loadNDArrays(path);
    FAIL();
  } catch (const Error &e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("file '" + path.string() + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte offset " + std::to_string(at + 4)), std::string::npos) << msg;
    EXPECT_NE(msg.find("array 1: sparse storage (csr) is not supported"), std::string::npos) << msg;
  }
}

TEST(NDArrayIO, NamesMustMatchTheArrays) {
  Writer w;
  w.header(1).record({2});
  size_t at = w.b.size();
  w.put<uint64_t>(2).put<uint64_t>(1).put<char>('a').put<uint64_t>(1).put<char>('b');
  expectLoadError(w.b, at, "1 arrays but 2 names");
  Writer huge;
  huge.header(1).record({2});
  huge.put<uint64_t>(1).put<uint64_t>(uint64_t(1) << 60);
  expectLoadError(huge.b, at + 8, "name 0 is 1152921504606846976 bytes long");
  Writer trailing;
  trailing.header(1).record({2}).noNames().put<uint32_t>(7);
  expectLoadError(trailing.b, at + 8, "4 unexpected bytes");
  Bytes rawExtra = toBytes(saveRawBytes(NDArray({1}, Context::cpu())));
  rawExtra.push_back(0);
  EXPECT_THROW(loadRawBytes(rawExtra), Error);
}

TEST(NDArrayIO, MissingAndUnreadableFilesAreErrors) {
  TempDir dir;
  for (const fs::path &p : {dir / "nope.params", dir.path()}) {
    try {
      loadNDArrays(p);
      FAIL() << p;
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
  }
}

TEST(NDArrayIO, SavingWhereItCannotIsAnErrorNamingThePath) {
  TempDir dir;
  NDArray a({2}, Context::cpu());
  writeFile(dir / "plain", {1});
  for (const fs::path &p : {dir / "missing" / "x.params", dir / "plain" / "x.params", dir.path()}) {
    try {
      saveNDArrays(p, std::span(&a, 1));
      FAIL() << p;
    } catch (const Error &e) {
      EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    }
  }
  if (geteuid() != 0) { // root writes anywhere
    fs::create_directory(dir / "ro");
    fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_THROW(saveNDArrays(dir / "ro" / "x.params", std::span(&a, 1)), Error);
  }
}

TEST(NDArrayIO, AFailedSaveLeavesTheOldFileAndNoTemporaries) {
  TempDir dir;
  fs::path path = dir / "model.params";
  NDArray small({4}, Context::cpu());
  small.syncCopyFromCPU(std::vector<float>{1, 2, 3, 4}.data(), 16);
  saveNDArrays(path, std::span(&small, 1));
  const Bytes good = readFile(path);

  // 1. The disk fills up half-way (a file size limit makes write() fail).
  NDArray big({1 << 20}, Context::cpu());
  big.syncCopyFromCPU(std::vector<float>(1 << 20, 1.0f).data(), 4 << 20);
  struct rlimit old {};
  getrlimit(RLIMIT_FSIZE, &old);
  auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit lim = old;
  lim.rlim_cur = 100000;
  setrlimit(RLIMIT_FSIZE, &lim);
  EXPECT_THROW(saveNDArrays(path, std::span(&big, 1)), Error);
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, oldHandler);
  EXPECT_EQ(readFile(path), good);
  EXPECT_EQ(dir.entries(), 1u);

  // 2. An array's pending computation fails after the header went out.
  NDArray broken({4}, Context::cpu());
  VarHandle v = broken.var();
  Engine::get()->push([](RunContext) { fail("the op producing this array failed"); },
                      Context::cpu(), {}, std::span(&v, 1));
  NDArray pair[] = {small, broken};
  try {
    saveNDArrays(path, pair);
    FAIL();
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find("the op producing this array failed"), std::string::npos)
        << e.what();
  }
  try {
    Engine::get()->waitForAll();
  } catch (const Error &) {
  }
  EXPECT_EQ(readFile(path), good);
  EXPECT_EQ(dir.entries(), 1u);

  // 3. And a good save replaces the file.
  NDArray other({2}, Context::cpu());
  saveNDArrays(path, std::span(&other, 1));
  EXPECT_NE(readFile(path), good);
  EXPECT_EQ(dir.entries(), 1u);
}

} // namespace
} // namespace mxrt
