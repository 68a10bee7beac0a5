// format.h - MXNet's NDArray file format, at the level of bytes.
//
// The container (0x112 header, N records, K names) and one record in every
// layout MXNet 1.x reads: V2 (0xF993FAC9), V3 (0xF993FACA, numpy-shape),
// V1 (0xF993FAC8) and V0 (no magic). See shared/spec/mxnet-formats.md §1.
// Nothing here knows NDArray or the engine: a record is a header that
// says how many data bytes follow, so the loader can check every size
// against what is left of the input before it allocates anything.
// Every failure is an Error naming the input and the byte offset.
#pragma once

#include "mxrt/base.h"
#include "mxrt/context.h"
#include "mxrt/dtype.h"
#include "mxrt/shape.h"

#include <bit>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace mxrt::io {

static_assert(std::endian::native == std::endian::little,
              "MXNet's NDArray files are little-endian; this reader copies fields as they are");

constexpr uint64_t kListMagic = 0x112;
constexpr uint32_t kMagicV1 = 0xF993FAC8;
constexpr uint32_t kMagicV2 = 0xF993FAC9;
constexpr uint32_t kMagicV3 = 0xF993FACA;

/// Record layouts, by the magic that starts them.
enum class RecordFormat { V0, V1, V2, V3 };

/// Sequential little-endian input with a known length: a file or memory.
class ByteSource {
public:
  /// `what` names the input in errors: "file 'x.params'" or "buffer".
  ByteSource(std::string what, uint64_t size) : what_(std::move(what)), size_(size) {}
  virtual ~ByteSource() = default;

  uint64_t offset() const { return offset_; }
  uint64_t remaining() const { return size_ - offset_; }
  const std::string &what() const { return what_; }

  /// Reads n bytes, or throws naming `field` when fewer remain.
  void read(void *dst, uint64_t n, const char *field);
  template <class T> T get(const char *field) {
    T v;
    read(&v, sizeof v, field);
    return v;
  }
  /// Throws an Error about the byte at `offset`.
  template <class... Args> [[noreturn]] void fail(uint64_t offset, Args &&...args) const {
    failAt(offset, mxrt::str(std::forward<Args>(args)...));
  }

protected:
  virtual void readRaw(void *dst, uint64_t n) = 0;

private:
  [[noreturn]] void failAt(uint64_t offset, const std::string &msg) const;

  std::string what_;
  uint64_t size_;
  uint64_t offset_ = 0;
};

class MemorySource final : public ByteSource {
public:
  MemorySource(std::span<const uint8_t> bytes, std::string what = "buffer")
      : ByteSource(std::move(what), bytes.size()), bytes_(bytes) {}

private:
  void readRaw(void *dst, uint64_t n) override;
  std::span<const uint8_t> bytes_;
};

/// Reads an open file from its start; the caller keeps it open.
class FileSource final : public ByteSource {
public:
  FileSource(std::FILE *f, uint64_t size, const std::string &path);

private:
  void readRaw(void *dst, uint64_t n) override;
  std::FILE *f_;
};

/// Sequential output: a file or memory.
class ByteSink {
public:
  virtual ~ByteSink() = default;
  virtual void write(const void *src, size_t n) = 0;
  template <class T> void put(T v) { write(&v, sizeof v); }
};

class StringSink final : public ByteSink {
public:
  void write(const void *src, size_t n) override {
    if (n)
      out.append(static_cast<const char *>(src), n);
  }
  std::string out;
};

/// What one record says before its data.
struct RecordHeader {
  uint64_t offset = 0; ///< of the record's first byte
  RecordFormat format = RecordFormat::V2;
  bool none = false; ///< MXNet's uninitialised array: no ctx, dtype or data
  TShape shape;
  Context ctx; ///< as saved
  DType dtype = DType::Float32;
  uint64_t nbytes = 0; ///< data bytes that follow (checked to be there)
};

/// Reads a record's header; `index` names the record in errors.
RecordHeader readRecordHeader(ByteSource &in, uint64_t index);
/// Writes a dense record's header; V2 or V3 only (what MXNet 1.9 writes).
/// The caller writes shape.numel() * dtypeSize(dtype) data bytes after it.
void writeRecordHeader(ByteSink &out, RecordFormat format, const TShape &shape, DType dtype,
                       Context ctx);
/// V3 when the shape has no V2 form (rank 0 means "none" in V2 and an
/// extent of 0 means "unknown"), else V2.
RecordFormat neededFormat(const TShape &shape);

/// Reads the 0x112 header; returns the record count N (checked against the
/// bytes left, at least 4 per record).
uint64_t readListHeader(ByteSource &in);
void writeListHeader(ByteSink &out, uint64_t count);
/// Reads the K names after N records: K must be 0 or N. Then requires the
/// input to end.
std::vector<std::string> readNames(ByteSource &in, uint64_t count);
void writeNames(ByteSink &out, std::span<const std::string> names);

} // namespace mxrt::io
