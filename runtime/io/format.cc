// format.cc - reading and writing NDArray file records and containers.
#include "io/format.h"

#include <cerrno>
#include <cstring>

namespace mxrt::io {
namespace {

const char *formatName(RecordFormat f) {
  switch (f) {
  case RecordFormat::V0:
    return "V0";
  case RecordFormat::V1:
    return "V1";
  case RecordFormat::V2:
    return "V2";
  case RecordFormat::V3:
    return "V3";
  }
  return "?";
}

/// TShape as Tuple<int64>::Save writes it: i32 ndim, then ndim i64 dims.
/// In V3 (numpy shape) -1 marks an unknown rank or extent; in V1/V2 no
/// extent may be negative. Returns false for an unknown shape.
bool readShape(ByteSource &in, RecordFormat format, uint64_t index, TShape &shape) {
  uint64_t at = in.offset();
  int32_t ndim = in.get<int32_t>("ndim");
  bool np = format == RecordFormat::V3;
  if (np && ndim == -1)
    return false;
  if (ndim < 0)
    in.fail(at, "array ", index, ": negative ndim ", ndim);
  if (uint64_t(ndim) * 8 > in.remaining())
    in.fail(at, "array ", index, ": ndim ", ndim, " needs ", uint64_t(ndim) * 8,
            " bytes of dims but only ", in.remaining(), " remain (truncated or corrupt)");
  shape = TShape(ndim, 0);
  bool known = true;
  for (int i = 0; i < ndim; ++i) {
    uint64_t dimAt = in.offset();
    int64_t d = in.get<int64_t>("shape");
    if (np && d == -1)
      known = false;
    else if (d < 0)
      in.fail(dimAt, "array ", index, ": dimension ", i, " is ", d);
    shape[i] = d;
  }
  return known;
}

/// V0's shape: the u32 ndim already read (it took the magic's place), then
/// ndim u32 dims.
void readShapeV0(ByteSource &in, uint32_t ndim, uint64_t index, TShape &shape) {
  if (uint64_t(ndim) * 4 > in.remaining())
    in.fail(in.offset() - 4, "array ", index, ": not a known record magic, and as a V0 ndim ", ndim,
            " it needs ", uint64_t(ndim) * 4, " bytes of dims but only ", in.remaining(),
            " remain");
  shape = TShape(int(ndim), 0);
  for (uint32_t i = 0; i < ndim; ++i)
    shape[int(i)] = in.get<uint32_t>("shape");
}

void readContext(ByteSource &in, uint64_t index, Context &ctx) {
  uint64_t at = in.offset();
  int32_t type = in.get<int32_t>("device type");
  int32_t id = in.get<int32_t>("device id");
  if (type != 1 && type != 2 && type != 3 && type != 5)
    in.fail(at, "array ", index, ": unknown device type ", type);
  if (id < 0)
    in.fail(at + 4, "array ", index, ": negative device id ", id);
  ctx = {DeviceType(type), id};
}

} // namespace

void ByteSource::read(void *dst, uint64_t n, const char *field) {
  if (n > remaining())
    fail(offset_, "truncated: ", field, " needs ", n, " bytes but only ", remaining(), " remain");
  if (n)
    readRaw(dst, n);
  offset_ += n;
}

void ByteSource::failAt(uint64_t offset, const std::string &msg) const {
  throw Error(mxrt::str("invalid NDArray ", what_, " at byte offset ", offset, ": ", msg));
}

void MemorySource::readRaw(void *dst, uint64_t n) { std::memcpy(dst, bytes_.data() + offset(), n); }

FileSource::FileSource(std::FILE *f, uint64_t size, const std::string &path)
    : ByteSource(mxrt::str("file '", path, "'"), size), f_(f) {}

void FileSource::readRaw(void *dst, uint64_t n) {
  if (std::fread(dst, 1, n, f_) != n) {
    int err = errno;
    fail(offset(), "read failed: ",
         std::ferror(f_) ? std::strerror(err) : "the file shrank while it was read");
  }
}

RecordHeader readRecordHeader(ByteSource &in, uint64_t index) {
  RecordHeader h;
  h.offset = in.offset();
  uint32_t magic = in.get<uint32_t>("record magic");
  switch (magic) {
  case kMagicV1:
    h.format = RecordFormat::V1;
    break;
  case kMagicV2:
    h.format = RecordFormat::V2;
    break;
  case kMagicV3:
    h.format = RecordFormat::V3;
    break;
  default:
    h.format = RecordFormat::V0; // no magic: these 4 bytes are ndim
  }

  if (h.format == RecordFormat::V2 || h.format == RecordFormat::V3) {
    uint64_t at = in.offset();
    int32_t stype = in.get<int32_t>("storage type");
    if (stype == 1 || stype == 2)
      in.fail(at, "array ", index, ": sparse storage (", stype == 1 ? "row_sparse" : "csr",
              ") is not supported");
    if (stype != 0)
      in.fail(at, "array ", index, ": unknown storage type ", stype);
  }

  bool known = true;
  if (h.format == RecordFormat::V0)
    readShapeV0(in, magic, index, h.shape);
  else
    known = readShape(in, h.format, index, h.shape);
  // An array that never got a shape: V3 writes it as unknown, the older
  // layouts as rank 0 (which V3 reads as a scalar). Nothing follows.
  if (!known || (h.format != RecordFormat::V3 && h.shape.ndim() == 0)) {
    h.none = true;
    h.shape = TShape();
    return h;
  }

  readContext(in, index, h.ctx);
  uint64_t at = in.offset();
  int32_t code = in.get<int32_t>("dtype");
  if (!isValidDTypeCode(code))
    in.fail(at, "array ", index, ": unknown dtype code ", code);
  h.dtype = DType(code);

  uint64_t numel = 1;
  for (int64_t d : h.shape.dims())
    if (__builtin_mul_overflow(numel, uint64_t(d), &numel))
      in.fail(h.offset, "array ", index, ": shape ", h.shape.str(), " has too many elements");
  if (__builtin_mul_overflow(numel, uint64_t(dtypeSize(h.dtype)), &h.nbytes))
    in.fail(h.offset, "array ", index, ": shape ", h.shape.str(), " of ", dtypeName(h.dtype),
            " is too large");
  if (h.nbytes > in.remaining())
    in.fail(in.offset(), "array ", index, " (", formatName(h.format), " record at byte offset ",
            h.offset, "): shape ", h.shape.str(), " of ", dtypeName(h.dtype), " needs ", h.nbytes,
            " bytes of data but only ", in.remaining(), " remain (truncated or corrupt)");
  return h;
}

RecordFormat neededFormat(const TShape &shape) {
  if (shape.ndim() == 0)
    return RecordFormat::V3;
  for (int64_t d : shape.dims())
    if (d == 0)
      return RecordFormat::V3;
  return RecordFormat::V2;
}

void writeRecordHeader(ByteSink &out, RecordFormat format, const TShape &shape, DType dtype,
                       Context ctx) {
  MXRT_CHECK(format == RecordFormat::V2 || format == RecordFormat::V3,
             "NDArray records are written as V2 or V3, not ", formatName(format));
  MXRT_CHECK(shape.known(), "cannot save an array of unknown shape ", shape.str());
  MXRT_CHECK(format == RecordFormat::V3 || neededFormat(shape) == RecordFormat::V2,
             "an array of shape ", shape.str(),
             " needs numpy-shape semantics (V3 records): in MXNet's legacy V2 layout rank 0 "
             "means 'none' and an extent of 0 means 'unknown'");
  out.put<uint32_t>(format == RecordFormat::V3 ? kMagicV3 : kMagicV2);
  out.put<int32_t>(0); // dense storage
  out.put<int32_t>(shape.ndim());
  for (int64_t d : shape.dims())
    out.put<int64_t>(d);
  out.put<int32_t>(int32_t(ctx.type));
  out.put<int32_t>(ctx.id);
  out.put<int32_t>(int32_t(dtype));
}

uint64_t readListHeader(ByteSource &in) {
  uint64_t magic = in.get<uint64_t>("file header");
  if (magic != kListMagic)
    in.fail(0, "not an NDArray file: header is 0x", std::hex, magic, std::dec, ", expected 0x112");
  in.get<uint64_t>("reserved field"); // MXNet ignores its value; so do we
  uint64_t at = in.offset();
  uint64_t n = in.get<uint64_t>("array count");
  // The smallest record (a V0 "none") takes 4 bytes.
  if (n > in.remaining() / 4)
    in.fail(at, "array count ", n, " cannot fit in the ", in.remaining(),
            " bytes that remain (truncated or corrupt)");
  return n;
}

void writeListHeader(ByteSink &out, uint64_t count) {
  out.put<uint64_t>(kListMagic);
  out.put<uint64_t>(0);
  out.put<uint64_t>(count);
}

std::vector<std::string> readNames(ByteSource &in, uint64_t count) {
  uint64_t at = in.offset();
  uint64_t k = in.get<uint64_t>("name count");
  if (k != 0 && k != count)
    in.fail(at, "the file has ", count, " arrays but ", k, " names (must be 0 or ", count, ")");
  std::vector<std::string> names; // no reserve(k): grows with names that parse
  for (uint64_t i = 0; i < k; ++i) {
    uint64_t lenAt = in.offset();
    uint64_t len = in.get<uint64_t>("name length");
    if (len > in.remaining())
      in.fail(lenAt, "name ", i, " is ", len, " bytes long but only ", in.remaining(),
              " bytes remain (truncated or corrupt)");
    std::string &s = names.emplace_back(size_t(len), '\0');
    in.read(s.data(), len, "name");
  }
  if (in.remaining())
    in.fail(in.offset(), in.remaining(), " unexpected bytes after the last name");
  return names;
}

void writeNames(ByteSink &out, std::span<const std::string> names) {
  out.put<uint64_t>(names.size());
  for (const std::string &s : names) {
    out.put<uint64_t>(s.size());
    out.write(s.data(), s.size());
  }
}

} // namespace mxrt::io
