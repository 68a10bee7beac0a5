// ndarray.h - NDArray: a typed, shaped view of a storage chunk on a device.
//
// An NDArray is a cheap handle: a shared chunk (memory + engine variable),
// a byte offset, a shape and a dtype. Views (slice along the first axis,
// reshape, at) share the chunk and its variable, so the engine orders every
// access to the same memory. Reads and writes of data go through the engine;
// the sync* and wait* calls block.
#pragma once

#include "mxrt/context.h"
#include "mxrt/dtype.h"
#include "mxrt/engine.h"
#include "mxrt/shape.h"
#include "mxrt/storage.h"

#include <functional>
#include <memory>
#include <span>

namespace mxrt {

/// A raw view of an NDArray's data handed to kernels: no ownership.
struct TBlob {
  void *dptr = nullptr;
  TShape shape;
  DType dtype = DType::Float32;
  Context ctx;

  template <class T> T *ptr() const { return static_cast<T *>(dptr); }
  int64_t numel() const { return shape.numel(); }
  size_t nbytes() const { return size_t(numel()) * dtypeSize(dtype); }
};

class NDArray {
public:
  /// The "none" array (no chunk), as MXNet's default NDArray.
  NDArray() = default;
  /// Allocates numel * dtypeSize bytes on ctx (uninitialized). shape must
  /// be known; throws Error on bad shape, dtype or device.
  NDArray(const TShape &shape, Context ctx, DType dtype = DType::Float32);
  /// Wraps caller-owned memory (zero-copy, e.g. from NumPy or DLPack); the
  /// deleter runs after the last op on the array.
  static NDArray fromExternal(void *dptr, const TShape &shape, DType dtype, Context ctx,
                              std::function<void()> deleter);

  bool isNone() const { return !chunk_; }
  const TShape &shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  Context ctx() const;
  int64_t numel() const { return shape_.numel(); }
  size_t nbytes() const { return size_t(numel()) * dtypeSize(dtype_); }
  VarHandle var() const;
  /// The data pointer and metadata; only valid inside an op that declared
  /// this array's variable, or after a wait.
  TBlob data() const;
  /// Byte offset into the chunk (views).
  size_t byteOffset() const { return offset_; }
  /// True when both arrays use the same chunk (same memory and variable).
  bool sharesChunk(const NDArray &other) const { return chunk_ && chunk_ == other.chunk_; }

  /// Rows [begin, end) along the first axis; shares memory.
  NDArray slice(int64_t begin, int64_t end) const;
  /// Row i along the first axis, one rank less; shares memory.
  NDArray at(int64_t i) const;
  /// The same memory with another shape of equal size; shares memory.
  /// MXNet's special values (0, -1, -2, -3, -4) are resolved by
  /// inferReshape; here the shape must be concrete.
  NDArray reshape(const TShape &shape) const;
  /// Same data as another dtype's view is not allowed: this is a copy.
  NDArray astype(DType dtype) const;

  /// Pushes a copy of this array's data into dst (any devices, same shape;
  /// dtypes may differ: the values are cast).
  void copyTo(const NDArray &dst) const;
  /// A new array on ctx holding a copy.
  NDArray copy(Context ctx) const;

  /// Blocks until pending writes are done, then copies into/from host
  /// memory of exactly nbytes() bytes.
  void syncCopyToCPU(void *dst, size_t nbytes) const;
  void syncCopyFromCPU(const void *src, size_t nbytes) const;
  /// Block until every pending write (waitToRead) or access (waitToWrite)
  /// is done; rethrow a stored async error.
  void waitToRead() const;
  void waitToWrite() const;

private:
  struct Chunk;
  std::shared_ptr<Chunk> chunk_;
  size_t offset_ = 0;
  TShape shape_;
  DType dtype_ = DType::Float32;
};

/// MXNet's Reshape special values against `in`: 0 copy dim, -1 infer,
/// -2 copy the rest, -3 merge two dims, -4 split a dim (next two values).
/// `reverse` applies them from the right. Errors name the shapes.
TShape inferReshape(const TShape &in, std::span<const int64_t> spec, bool reverse = false);

} // namespace mxrt
