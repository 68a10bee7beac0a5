// ndarray_api.cc - the C API's NDArray functions: creation, metadata,
// host copies, waits, views, and NDArray files.
#include "capi/c_api_internal.h"
#include "mxrt/ndarray_io.h"

#include <memory>
#include <vector>

using namespace mxrt;
using namespace mxrt::capi;

namespace {

TShape shapeOf(const int64_t *shape, int ndim, const char *fn) {
  MXRT_CHECK(ndim >= 0, fn, ": negative ndim ", ndim);
  MXRT_CHECK(shape || ndim == 0, fn, ": shape is null but ndim is ", ndim);
  TShape s(std::span<const int64_t>(shape, size_t(ndim)));
  for (int i = 0; i < ndim; ++i)
    MXRT_CHECK(s[i] >= 0, fn, ": dimension ", i, " of shape ", s.str(), " is negative");
  return s;
}

ShapeSemantics semanticsOf(int code, const char *fn) {
  MXRT_CHECK(code >= mxrtShapeAuto && code <= mxrtShapeNumpy, fn, ": invalid semantics ", code,
             " (0 auto, 1 legacy, 2 numpy)");
  return ShapeSemantics(code);
}

/// Load results live here until the next load on the same thread.
struct LoadResult {
  std::vector<mxrtNDArrayHandle> handles;
  std::vector<std::string> names;
  std::vector<const char *> namePtrs;
};

LoadResult &loadResult() {
  thread_local LoadResult r;
  return r;
}

void publish(NDArrayList &&list, uint32_t *outNum, mxrtNDArrayHandle **outArrays,
             uint32_t *outNumNames, const char ***outNames, const char *fn) {
  MXRT_CHECK(outNum && outArrays && outNumNames && outNames, fn, ": an output pointer is null");
  MXRT_CHECK(list.arrays.size() <= UINT32_MAX, fn, ": ", list.arrays.size(), " arrays");
  LoadResult &r = loadResult();
  r.handles.clear();
  r.names = std::move(list.names);
  r.namePtrs.clear();
  r.handles.reserve(list.arrays.size());
  r.namePtrs.reserve(r.names.size());
  for (NDArray &a : list.arrays)
    r.handles.push_back(newHandle(std::move(a)));
  for (const std::string &n : r.names)
    r.namePtrs.push_back(n.c_str());
  *outNum = uint32_t(r.handles.size());
  *outArrays = r.handles.data();
  *outNumNames = uint32_t(r.names.size());
  *outNames = r.namePtrs.data();
}

} // namespace

extern "C" {

int mxrtNDArrayCreate(const int64_t *shape, int ndim, int dtype, int dev_type, int dev_id,
                      mxrtNDArrayHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const char *fn = "mxrtNDArrayCreate";
  MXRT_CHECK(out, fn, ": out is null");
  NDArray a(shapeOf(shape, ndim, fn), contextOf(dev_type, dev_id, fn), dtypeOf(dtype, fn));
  *out = newHandle(std::move(a));
  MXRT_API_END();
}

int mxrtNDArrayCreateNone(mxrtNDArrayHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtNDArrayCreateNone: out is null");
  *out = newHandle(NDArray());
  MXRT_API_END();
}

int mxrtNDArrayCreateFromExternal(void *data, const int64_t *shape, int ndim, int dtype,
                                  int dev_type, int dev_id, void (*deleter)(void *),
                                  void *deleter_arg, mxrtNDArrayHandle *out) {
  zero(out);
  // Until fromExternal owns it, the guard owns the deleter: it runs once
  // whatever happens.
  std::shared_ptr<void> guard(deleter_arg, [deleter](void *p) {
    if (deleter)
      deleter(p);
  });
  MXRT_API_BEGIN();
  const char *fn = "mxrtNDArrayCreateFromExternal";
  MXRT_CHECK(out, fn, ": out is null");
  NDArray a = NDArray::fromExternal(data, shapeOf(shape, ndim, fn), dtypeOf(dtype, fn),
                                    contextOf(dev_type, dev_id, fn), [guard] {});
  guard.reset();
  *out = newHandle(std::move(a));
  MXRT_API_END();
}

int mxrtNDArrayFree(mxrtNDArrayHandle handle) {
  MXRT_API_BEGIN();
  delete handle;
  MXRT_API_END();
}

int mxrtNDArrayGetShape(mxrtNDArrayHandle handle, int *out_ndim, const int64_t **out_dims) {
  zero(out_ndim);
  zero(out_dims);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayGetShape");
  MXRT_CHECK(out_ndim && out_dims, "mxrtNDArrayGetShape: an output pointer is null");
  *out_ndim = a.isNone() ? -1 : a.shape().ndim();
  *out_dims = a.isNone() ? nullptr : a.shape().data();
  MXRT_API_END();
}

int mxrtNDArrayGetDType(mxrtNDArrayHandle handle, int *out_dtype) {
  zero(out_dtype);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayGetDType");
  MXRT_CHECK(out_dtype, "mxrtNDArrayGetDType: out_dtype is null");
  *out_dtype = int(a.dtype());
  MXRT_API_END();
}

int mxrtNDArrayGetContext(mxrtNDArrayHandle handle, int *out_dev_type, int *out_dev_id) {
  zero(out_dev_type);
  zero(out_dev_id);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayGetContext");
  MXRT_CHECK(out_dev_type && out_dev_id, "mxrtNDArrayGetContext: an output pointer is null");
  *out_dev_type = int(a.ctx().type);
  *out_dev_id = a.ctx().id;
  MXRT_API_END();
}

int mxrtNDArrayGetData(mxrtNDArrayHandle handle, void **out_data) {
  zero(out_data);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayGetData");
  MXRT_CHECK(out_data, "mxrtNDArrayGetData: out_data is null");
  *out_data = a.data().dptr;
  MXRT_API_END();
}

int mxrtNDArrayGetVar(mxrtNDArrayHandle handle, mxrtVarHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayGetVar");
  MXRT_CHECK(out, "mxrtNDArrayGetVar: out is null");
  MXRT_CHECK(!a.isNone(), "mxrtNDArrayGetVar: the array is none (it has no variable)");
  *out = reinterpret_cast<mxrtVarHandle>(a.var());
  MXRT_API_END();
}

int mxrtNDArraySyncCopyFromCPU(mxrtNDArrayHandle handle, const void *data, size_t nbytes) {
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArraySyncCopyFromCPU");
  MXRT_CHECK(data || nbytes == 0, "mxrtNDArraySyncCopyFromCPU: data is null");
  a.syncCopyFromCPU(data, nbytes);
  MXRT_API_END();
}

int mxrtNDArraySyncCopyToCPU(mxrtNDArrayHandle handle, void *data, size_t nbytes) {
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArraySyncCopyToCPU");
  MXRT_CHECK(data || nbytes == 0, "mxrtNDArraySyncCopyToCPU: data is null");
  a.syncCopyToCPU(data, nbytes);
  MXRT_API_END();
}

int mxrtNDArrayCopyTo(mxrtNDArrayHandle src, mxrtNDArrayHandle dst) {
  MXRT_API_BEGIN();
  arrayOf(src, "mxrtNDArrayCopyTo (src)").copyTo(arrayOf(dst, "mxrtNDArrayCopyTo (dst)"));
  MXRT_API_END();
}

int mxrtNDArrayWaitToRead(mxrtNDArrayHandle handle) {
  MXRT_API_BEGIN();
  arrayOf(handle, "mxrtNDArrayWaitToRead").waitToRead();
  MXRT_API_END();
}

int mxrtNDArrayWaitToWrite(mxrtNDArrayHandle handle) {
  MXRT_API_BEGIN();
  arrayOf(handle, "mxrtNDArrayWaitToWrite").waitToWrite();
  MXRT_API_END();
}

int mxrtNDArrayWaitAll(void) {
  MXRT_API_BEGIN();
  Engine::get()->waitForAll();
  MXRT_API_END();
}

int mxrtNDArraySlice(mxrtNDArrayHandle handle, int64_t begin, int64_t end, mxrtNDArrayHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArraySlice");
  MXRT_CHECK(out, "mxrtNDArraySlice: out is null");
  *out = newHandle(a.slice(begin, end));
  MXRT_API_END();
}

int mxrtNDArrayAt(mxrtNDArrayHandle handle, int64_t index, mxrtNDArrayHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayAt");
  MXRT_CHECK(out, "mxrtNDArrayAt: out is null");
  *out = newHandle(a.at(index));
  MXRT_API_END();
}

int mxrtNDArrayReshape(mxrtNDArrayHandle handle, const int64_t *spec, int ndim, int reverse,
                       mxrtNDArrayHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  const NDArray &a = arrayOf(handle, "mxrtNDArrayReshape");
  MXRT_CHECK(out, "mxrtNDArrayReshape: out is null");
  MXRT_CHECK(ndim >= 0 && (spec || ndim == 0), "mxrtNDArrayReshape: bad spec (ndim ", ndim, ")");
  MXRT_CHECK(!a.isNone(), "mxrtNDArrayReshape: the array is none (never initialised)");
  *out = newHandle(a.reshape(inferReshape(a.shape(), std::span(spec, size_t(ndim)), reverse != 0)));
  MXRT_API_END();
}

int mxrtNDArraySave(const char *fname, uint32_t num, const mxrtNDArrayHandle *arrays,
                    const char *const *names, int semantics) {
  MXRT_API_BEGIN();
  const char *fn = "mxrtNDArraySave";
  MXRT_CHECK(fname, fn, ": fname is null");
  MXRT_CHECK(arrays || num == 0, fn, ": arrays is null");
  std::vector<NDArray> list;
  std::vector<std::string> keys;
  list.reserve(num);
  for (uint32_t i = 0; i < num; ++i) {
    MXRT_CHECK(arrays[i], fn, ": array handle ", i, " is null");
    list.push_back(arrays[i]->array);
    if (names) {
      MXRT_CHECK(names[i], fn, ": name ", i, " is null");
      keys.emplace_back(names[i]);
    }
  }
  saveNDArrays(fname, list, keys, semanticsOf(semantics, fn));
  MXRT_API_END();
}

int mxrtNDArrayLoad(const char *fname, uint32_t *out_num, mxrtNDArrayHandle **out_arrays,
                    uint32_t *out_num_names, const char ***out_names) {
  zero(out_num);
  zero(out_arrays);
  zero(out_num_names);
  zero(out_names);
  MXRT_API_BEGIN();
  MXRT_CHECK(fname, "mxrtNDArrayLoad: fname is null");
  publish(loadNDArrays(fname), out_num, out_arrays, out_num_names, out_names, "mxrtNDArrayLoad");
  MXRT_API_END();
}

int mxrtNDArrayLoadFromBuffer(const void *buf, size_t size, uint32_t *out_num,
                              mxrtNDArrayHandle **out_arrays, uint32_t *out_num_names,
                              const char ***out_names) {
  zero(out_num);
  zero(out_arrays);
  zero(out_num_names);
  zero(out_names);
  MXRT_API_BEGIN();
  MXRT_CHECK(buf || size == 0, "mxrtNDArrayLoadFromBuffer: buf is null");
  publish(loadNDArraysFromBuffer(std::span(static_cast<const uint8_t *>(buf), size)), out_num,
          out_arrays, out_num_names, out_names, "mxrtNDArrayLoadFromBuffer");
  MXRT_API_END();
}

int mxrtNDArraySaveRawBytes(mxrtNDArrayHandle handle, int semantics, size_t *out_size,
                            const char **out_buf) {
  zero(out_size);
  zero(out_buf);
  MXRT_API_BEGIN();
  const char *fn = "mxrtNDArraySaveRawBytes";
  const NDArray &a = arrayOf(handle, fn);
  MXRT_CHECK(out_size && out_buf, fn, ": an output pointer is null");
  thread_local std::string bytes;
  bytes = saveRawBytes(a, semanticsOf(semantics, fn));
  *out_size = bytes.size();
  *out_buf = bytes.data();
  MXRT_API_END();
}

int mxrtNDArrayLoadFromRawBytes(const void *buf, size_t size, mxrtNDArrayHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtNDArrayLoadFromRawBytes: out is null");
  MXRT_CHECK(buf || size == 0, "mxrtNDArrayLoadFromRawBytes: buf is null");
  *out = newHandle(loadRawBytes(std::span(static_cast<const uint8_t *>(buf), size)));
  MXRT_API_END();
}

} // extern "C"
