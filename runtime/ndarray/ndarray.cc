// ndarray.cc - NDArray chunks, views and synchronous host access.
//
// A chunk owns device memory (from Storage, or caller-owned memory with a
// deleter) and one engine variable. Views copy the shared_ptr, so the
// memory lives while any view does; when the last one goes, the chunk asks
// the engine to free the memory once every op pushed on its variable has
// run (Engine::deleteVar), so dropping an array never waits and never frees
// memory a pending kernel still uses.
#include "mxrt/ndarray.h"

#include "mxrt/base.h"
#include "ndarray/copy.h"

#include <cstdio>
#include <cstring>

namespace mxrt {

struct NDArray::Chunk {
  StorageHandle mem;
  std::function<void()> deleter; ///< set for external memory
  VarHandle var = nullptr;

  ~Chunk() {
    if (!var)
      return;
    try {
      Engine::get()->deleteVar(
          [mem = mem, deleter = std::move(deleter)] {
            if (deleter)
              deleter();
            else
              Storage::get()->free(mem);
          },
          mem.ctx, var);
    } catch (const std::exception &e) {
      // A destructor cannot report; leaking beats freeing memory that a
      // pending op may still touch.
      std::fprintf(stderr, "mxrt: leaking an NDArray's memory on %s: %s\n", mem.ctx.str().c_str(),
                   e.what());
    }
  }
};

namespace {

size_t checkedBytes(const TShape &shape, DType dtype) {
  MXRT_CHECK(shape.known(), "NDArray: shape ", shape.str(), " is not fully known");
  MXRT_CHECK(dtypeSize(dtype) > 0, "NDArray: invalid dtype code ", int(dtype));
  size_t n = dtypeSize(dtype);
  for (int64_t d : shape.dims())
    MXRT_CHECK(!__builtin_mul_overflow(n, size_t(d), &n), "NDArray: shape ", shape.str(), " of ",
               dtypeName(dtype), " is too large");
  return n;
}

} // namespace

NDArray::NDArray(const TShape &shape, Context ctx, DType dtype) : shape_(shape), dtype_(dtype) {
  size_t bytes = checkedBytes(shape, dtype);
  auto chunk = std::make_shared<Chunk>();
  chunk->mem = Storage::get()->alloc(bytes, ctx);
  try {
    chunk->var = Engine::get()->newVar();
  } catch (...) {
    Storage::get()->free(chunk->mem);
    throw;
  }
  chunk_ = std::move(chunk);
}

NDArray NDArray::fromExternal(void *dptr, const TShape &shape, DType dtype, Context ctx,
                              std::function<void()> deleter) {
  size_t bytes = checkedBytes(shape, dtype);
  checkContext(ctx);
  MXRT_CHECK(dptr || bytes == 0, "NDArray::fromExternal: null data for ", bytes, " bytes");
  auto chunk = std::make_shared<Chunk>();
  chunk->mem = {dptr, bytes, ctx};
  chunk->var = Engine::get()->newVar();
  // Set last: if newVar threw, the caller still owns the memory.
  chunk->deleter = deleter ? std::move(deleter) : std::function<void()>([] {});
  NDArray a;
  a.chunk_ = std::move(chunk);
  a.shape_ = shape;
  a.dtype_ = dtype;
  return a;
}

Context NDArray::ctx() const { return chunk_ ? chunk_->mem.ctx : Context{}; }

VarHandle NDArray::var() const { return chunk_ ? chunk_->var : nullptr; }

TBlob NDArray::data() const {
  TBlob b;
  b.dptr = chunk_ && chunk_->mem.dptr ? static_cast<char *>(chunk_->mem.dptr) + offset_ : nullptr;
  b.shape = shape_;
  b.dtype = dtype_;
  b.ctx = ctx();
  return b;
}

namespace {
void checkNotNone(const NDArray &a, const char *what) {
  MXRT_CHECK(!a.isNone(), what, ": the array is none (never initialised)");
}
} // namespace

NDArray NDArray::slice(int64_t begin, int64_t end) const {
  checkNotNone(*this, "NDArray::slice");
  MXRT_CHECK(shape_.ndim() >= 1, "NDArray::slice: cannot slice a scalar (shape ())");
  MXRT_CHECK(0 <= begin && begin <= end && end <= shape_[0], "NDArray::slice: rows [", begin, ", ",
             end, ") out of range for shape ", shape_.str());
  NDArray r = *this;
  r.shape_[0] = end - begin;
  r.offset_ += size_t(begin) * size_t(shape_.prod(1, shape_.ndim())) * dtypeSize(dtype_);
  return r;
}

NDArray NDArray::at(int64_t i) const {
  checkNotNone(*this, "NDArray::at");
  MXRT_CHECK(shape_.ndim() >= 1, "NDArray::at: cannot index a scalar (shape ())");
  MXRT_CHECK(0 <= i && i < shape_[0], "NDArray::at: index ", i, " out of range for shape ",
             shape_.str());
  NDArray r = slice(i, i + 1);
  r.shape_ = TShape(shape_.dims().subspan(1));
  return r;
}

NDArray NDArray::reshape(const TShape &shape) const {
  checkNotNone(*this, "NDArray::reshape");
  MXRT_CHECK(shape.known(), "NDArray::reshape: target shape ", shape.str(),
             " must be concrete (resolve special values with inferReshape)");
  MXRT_CHECK(shape.numel() == shape_.numel(), "NDArray::reshape: cannot reshape array of shape ",
             shape_.str(), " (", shape_.numel(), " elements) into shape ", shape.str(), " (",
             shape.numel(), " elements)");
  NDArray r = *this;
  r.shape_ = shape;
  return r;
}

NDArray NDArray::astype(DType dtype) const {
  checkNotNone(*this, "NDArray::astype");
  NDArray r(shape_, ctx(), dtype);
  copyTo(r);
  return r;
}

NDArray NDArray::copy(Context ctx) const {
  checkNotNone(*this, "NDArray::copy");
  NDArray r(shape_, ctx, dtype_);
  copyTo(r);
  return r;
}

void NDArray::waitToRead() const {
  if (chunk_)
    Engine::get()->waitForVar(chunk_->var);
}

void NDArray::waitToWrite() const {
  if (!chunk_)
    return;
  // The engine waits for writers only; an empty writer queued behind every
  // pending reader turns "all readers done" into "this writer done". It
  // runs on a CPU worker whatever the device: it touches no data.
  VarHandle v = chunk_->var;
  Engine::get()->push([](RunContext) {}, Context::cpu(), {}, std::span(&v, 1),
                      FnProperty::CPUPrioritized, 0, "WaitToWrite");
  Engine::get()->waitForVar(v);
}

namespace {
void checkHostBytes(const NDArray &a, size_t nbytes, const char *what) {
  checkNotNone(a, what);
  MXRT_CHECK(nbytes == a.nbytes(), what, ": the buffer has ", nbytes,
             " bytes but the array of shape ", a.shape().str(), " and dtype ", dtypeName(a.dtype()),
             " has ", a.nbytes());
}
} // namespace

void NDArray::syncCopyToCPU(void *dst, size_t nbytes) const {
  checkHostBytes(*this, nbytes, "NDArray::syncCopyToCPU");
  if (ctx().isHost()) {
    waitToRead();
    if (nbytes)
      std::memcpy(dst, data().dptr, nbytes);
    return;
  }
  // On a GPU the copy must run on the device's copy stream, ordered after
  // pending kernels: push it as a reader, then wait for it.
  std::exception_ptr error;
  NDArray self = *this;
  VarHandle v = var();
  Engine::get()->push(
      [&error, self, dst, nbytes](RunContext rctx) {
        try {
          detail::copyBytesWithDevice(dst, Context::cpu(), self.data().dptr, self.ctx(), nbytes,
                                      rctx);
        } catch (...) {
          error = std::current_exception();
        }
      },
      ctx(), std::span(&v, 1), {}, FnProperty::CopyFromGPU, 0, "SyncCopyGPU2CPU");
  waitToWrite();
  if (error)
    std::rethrow_exception(error);
}

void NDArray::syncCopyFromCPU(const void *src, size_t nbytes) const {
  checkHostBytes(*this, nbytes, "NDArray::syncCopyFromCPU");
  if (ctx().isHost()) {
    waitToWrite();
    if (nbytes)
      std::memcpy(data().dptr, src, nbytes);
    return;
  }
  NDArray self = *this;
  VarHandle v = var();
  Engine::get()->push(
      [self, src, nbytes](RunContext rctx) {
        detail::copyBytesWithDevice(self.data().dptr, self.ctx(), src, Context::cpu(), nbytes,
                                    rctx);
      },
      ctx(), {}, std::span(&v, 1), FnProperty::CopyToGPU, 0, "SyncCopyCPU2GPU");
  waitToRead();
}

} // namespace mxrt
