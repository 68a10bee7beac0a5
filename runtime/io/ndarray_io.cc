// ndarray_io.cc - NDArrays to and from MXNet's file format.
//
// The byte layout lives in format.cc; this file moves array data: it waits
// for pending writes before saving an array, stages GPU data through the
// host, and reads each record's data straight into a new CPU array whose
// size the header has already checked against the input.
#include "mxrt/ndarray_io.h"

#include "io/atomic_file.h"
#include "io/format.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace mxrt {
namespace {

using io::ByteSink;
using io::ByteSource;
using io::RecordFormat;

/// The layout of every record, decided before any byte is written.
RecordFormat chooseFormat(std::span<const NDArray> arrays, ShapeSemantics semantics) {
  for (size_t i = 0; i < arrays.size(); ++i)
    MXRT_CHECK(!arrays[i].isNone(), "cannot save array ", i,
               ": it is none (never initialised); MXNet files cannot hold it");
  switch (semantics) {
  case ShapeSemantics::Numpy:
    return RecordFormat::V3;
  case ShapeSemantics::Legacy:
    for (size_t i = 0; i < arrays.size(); ++i)
      MXRT_CHECK(io::neededFormat(arrays[i].shape()) == RecordFormat::V2, "cannot save array ", i,
                 " of shape ", arrays[i].shape().str(),
                 " with legacy shape semantics: rank 0 means 'none' and an extent of 0 means "
                 "'unknown' there; use numpy semantics");
    return RecordFormat::V2;
  case ShapeSemantics::Auto:
    break;
  }
  for (const NDArray &a : arrays)
    if (io::neededFormat(a.shape()) == RecordFormat::V3)
      return RecordFormat::V3;
  return RecordFormat::V2;
}

void writeRecord(ByteSink &out, const NDArray &a, RecordFormat format) {
  io::writeRecordHeader(out, format, a.shape(), a.dtype(), a.ctx());
  if (a.ctx().isHost()) {
    a.waitToRead();
    out.write(a.data().dptr, a.nbytes());
    return;
  }
  std::vector<char> host(a.nbytes());
  a.syncCopyToCPU(host.data(), host.size());
  out.write(host.data(), host.size());
}

void writeList(ByteSink &out, std::span<const NDArray> arrays, std::span<const std::string> names,
               RecordFormat format) {
  io::writeListHeader(out, arrays.size());
  for (const NDArray &a : arrays)
    writeRecord(out, a, format);
  io::writeNames(out, names);
}

void checkNames(std::span<const NDArray> arrays, std::span<const std::string> names) {
  MXRT_CHECK(names.empty() || names.size() == arrays.size(), "cannot save ", arrays.size(),
             " arrays with ", names.size(), " names: give no names or one per array");
}

NDArray readRecord(ByteSource &in, uint64_t index) {
  io::RecordHeader h = io::readRecordHeader(in, index);
  if (h.none)
    return NDArray();
  NDArray a(h.shape, Context::cpu(), h.dtype);
  in.read(a.data().dptr, h.nbytes, "array data");
  // MXNet's rule: data saved from a GPU goes back to that GPU when there is
  // one; elsewhere it stays on the CPU.
  if (h.ctx.isGPU() && h.ctx.id < numGPUs())
    return a.copy(h.ctx);
  return a;
}

NDArrayList readList(ByteSource &in) {
  NDArrayList r;
  uint64_t n = io::readListHeader(in);
  // No reserve(n): a record can be 4 bytes, an NDArray is far larger, so
  // memory grows only with the records that actually parse.
  for (uint64_t i = 0; i < n; ++i)
    r.arrays.push_back(readRecord(in, i));
  r.names = io::readNames(in, n);
  return r;
}

} // namespace

void saveNDArrays(const std::string &path, std::span<const NDArray> arrays,
                  std::span<const std::string> names, ShapeSemantics semantics) {
  checkNames(arrays, names);
  RecordFormat format = chooseFormat(arrays, semantics);
  io::AtomicFile file(path);
  writeList(file, arrays, names, format);
  file.commit();
}

std::string saveNDArraysToBuffer(std::span<const NDArray> arrays,
                                 std::span<const std::string> names, ShapeSemantics semantics) {
  checkNames(arrays, names);
  io::StringSink out;
  writeList(out, arrays, names, chooseFormat(arrays, semantics));
  return std::move(out.out);
}

NDArrayList loadNDArrays(const std::string &path) {
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    fail("cannot open NDArray file '", path, "': ", std::strerror(errno));
  struct Closer {
    std::FILE *f;
    ~Closer() { std::fclose(f); }
  } closer{f};
  struct stat st {};
  if (::fstat(::fileno(f), &st) != 0)
    fail("cannot stat NDArray file '", path, "': ", std::strerror(errno));
  MXRT_CHECK(S_ISREG(st.st_mode), "cannot load NDArray file '", path, "': not a regular file");
  io::FileSource in(f, uint64_t(st.st_size), path);
  return readList(in);
}

NDArrayList loadNDArraysFromBuffer(std::span<const uint8_t> bytes) {
  io::MemorySource in(bytes);
  return readList(in);
}

std::string saveRawBytes(const NDArray &array, ShapeSemantics semantics) {
  io::StringSink out;
  writeRecord(out, array, chooseFormat(std::span(&array, 1), semantics));
  return std::move(out.out);
}

NDArray loadRawBytes(std::span<const uint8_t> bytes) {
  io::MemorySource in(bytes, "raw bytes");
  NDArray a = readRecord(in, 0);
  if (in.remaining())
    in.fail(in.offset(), in.remaining(), " unexpected bytes after the record");
  return a;
}

} // namespace mxrt
