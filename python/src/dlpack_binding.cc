// dlpack_binding.cc - zero-copy exchange with NumPy, PyTorch and any other
// DLPack library, both ways.
//
// Export: a PyCapsule "dltensor" holding a DLManagedTensor whose manager is a
// second runtime handle on the array's memory, so the memory lives as long
// as the consumer needs it. Import: the consumer's DLManagedTensor becomes
// external memory of a new NDArray; its deleter runs (under the GIL, since
// producers such as NumPy decref Python objects there) after the last handle
// is gone and every pending op on the array has run -- possibly on an engine
// thread.
//
// The structs are DLPack's stable ABI (dlpack.h, v0.8 "unversioned" form,
// capsule name "dltensor"), which every consumer accepts.
#include "common.h"

#include <cstring>
#include <string>

namespace mxcpy {
namespace {

using namespace nb::literals;

// ---- DLPack ABI ------------------------------------------------------------
enum DLDeviceType : int32_t { kDLCPU = 1, kDLCUDA = 2, kDLCUDAHost = 3 };
enum DLDataTypeCode : uint8_t { kDLInt = 0, kDLUInt = 1, kDLFloat = 2, kDLBfloat = 4, kDLBool = 6 };
struct DLDevice {
  int32_t device_type;
  int32_t device_id;
};
struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
};
struct DLTensor {
  void *data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t *shape;
  int64_t *strides;
  uint64_t byte_offset;
};
struct DLManagedTensor {
  DLTensor dl_tensor;
  void *manager_ctx;
  void (*deleter)(DLManagedTensor *self);
};

// MXNet dtype codes 0..12 -> DLPack types.
constexpr DLDataType kDLTypes[] = {
    {kDLFloat, 32, 1}, {kDLFloat, 64, 1}, {kDLFloat, 16, 1}, {kDLUInt, 8, 1}, {kDLInt, 32, 1},
    {kDLInt, 8, 1},    {kDLInt, 64, 1},   {kDLBool, 8, 1},   {kDLInt, 16, 1}, {kDLUInt, 16, 1},
    {kDLUInt, 32, 1},  {kDLUInt, 64, 1},  {kDLBfloat, 16, 1}};

int dtypeFromDL(DLDataType t) {
  for (int code = 0; code < int(std::size(kDLTypes)); ++code)
    if (kDLTypes[code].code == t.code && kDLTypes[code].bits == t.bits && t.lanes == 1)
      return code;
  raiseError("from_dlpack: DLPack dtype (code " + std::to_string(t.code) + ", bits " +
             std::to_string(t.bits) + ", lanes " + std::to_string(t.lanes) +
             ") has no MXNet dtype");
}

// ---- export ------------------------------------------------------------------
/// What an exported tensor owns: a handle on the memory and the shape.
struct ExportCtx {
  mxrtNDArrayHandle handle = nullptr;
  std::vector<int64_t> shape;
  DLManagedTensor managed{};
};

void exportDeleter(DLManagedTensor *self) {
  auto *ctx = static_cast<ExportCtx *>(self->manager_ctx);
  mxrtNDArrayFree(ctx->handle);
  delete ctx;
}

void capsuleDestructor(PyObject *capsule) {
  // Consumers rename a capsule they took ("used_dltensor"); only an unused
  // one still owns its tensor.
  if (!PyCapsule_IsValid(capsule, "dltensor"))
    return;
  auto *managed = static_cast<DLManagedTensor *>(PyCapsule_GetPointer(capsule, "dltensor"));
  if (managed && managed->deleter)
    managed->deleter(managed);
}

nb::object toDLPack(nb::handle array, bool forWrite) {
  mxrtNDArrayHandle src = handleOf(array, "array");
  int ndim = 0, dtype = 0, devType = 0, devId = 0;
  const int64_t *dims = nullptr;
  check(mxrtNDArrayGetShape(src, &ndim, &dims));
  if (ndim < 0)
    raiseError("to_dlpack: the array is none (it has no data)");
  check(mxrtNDArrayGetDType(src, &dtype));
  check(mxrtNDArrayGetContext(src, &devType, &devId));
  releasingGIL(
      [&] { return forWrite ? mxrtNDArrayWaitToWrite(src) : mxrtNDArrayWaitToRead(src); });
  auto *ctx = new ExportCtx();
  ctx->managed.manager_ctx = ctx;
  ctx->managed.deleter = exportDeleter;
  ctx->shape.assign(dims, dims + ndim);
  if (mxrtNDArrayReshape(src, dims, ndim, 0, &ctx->handle) != 0) {
    delete ctx;
    raiseLastError();
  }
  void *data = nullptr;
  if (mxrtNDArrayGetData(ctx->handle, &data) != 0) {
    exportDeleter(&ctx->managed);
    raiseLastError();
  }
  DLTensor &t = ctx->managed.dl_tensor;
  t.data = data;
  t.device = {devType == 2 ? kDLCUDA : kDLCPU, devType == 2 ? devId : 0};
  t.ndim = ndim;
  t.dtype = kDLTypes[dtype];
  t.shape = ctx->shape.data();
  t.strides = nullptr; // compact, row-major
  t.byte_offset = 0;
  PyObject *capsule = PyCapsule_New(&ctx->managed, "dltensor", capsuleDestructor);
  if (!capsule) {
    exportDeleter(&ctx->managed);
    throw nb::python_error();
  }
  return nb::steal(capsule);
}

// ---- import ------------------------------------------------------------------
void importDeleter(void *arg) {
  auto *managed = static_cast<DLManagedTensor *>(arg);
  if (!managed->deleter)
    return;
#if PY_VERSION_HEX >= 0x030D0000
  bool finalizing = Py_IsFinalizing();
#else
  bool finalizing = _Py_IsFinalizing();
#endif
  if (!Py_IsInitialized() || finalizing)
    return; // the producer's deleter may need Python, which is gone: leak
  PyGILState_STATE s = PyGILState_Ensure();
  managed->deleter(managed);
  PyGILState_Release(s);
}

bool isCompact(const DLTensor &t) {
  if (!t.strides)
    return true;
  int64_t expect = 1;
  for (int i = t.ndim - 1; i >= 0; --i) {
    if (t.shape[i] != 1 && t.strides[i] != expect)
      return false;
    expect *= t.shape[i];
  }
  return true;
}

nb::object fromDLPack(nb::handle capsule) {
  if (!PyCapsule_IsValid(capsule.ptr(), "dltensor"))
    raiseError("from_dlpack: expected an unused DLPack capsule named 'dltensor' (a capsule can "
               "be consumed once)");
  auto *managed = static_cast<DLManagedTensor *>(PyCapsule_GetPointer(capsule.ptr(), "dltensor"));
  const DLTensor &t = managed->dl_tensor;
  int devType;
  switch (t.device.device_type) {
  case kDLCPU:
    devType = 1;
    break;
  case kDLCUDAHost:
    devType = 3;
    break;
  case kDLCUDA:
    devType = 2;
    break;
  default:
    raiseError("from_dlpack: DLPack device type " + std::to_string(t.device.device_type) +
               " is not supported (cpu, cuda and cuda_host are)");
  }
  int dtype = dtypeFromDL(t.dtype);
  if (!isCompact(t)) {
    std::string strides;
    for (int i = 0; i < t.ndim; ++i)
      strides += (i ? ", " : "") + std::to_string(t.strides[i]);
    raiseError("from_dlpack: only compact row-major tensors can be shared, got strides (" +
               strides + ") (copy it first, e.g. numpy.ascontiguousarray)");
  }
  void *data = static_cast<char *>(t.data) + t.byte_offset;
  // From here the runtime owns the tensor: its deleter runs exactly once,
  // also when the call fails.
  if (PyCapsule_SetName(capsule.ptr(), "used_dltensor") != 0)
    throw nb::python_error();
  mxrtNDArrayHandle h = nullptr;
  check(mxrtNDArrayCreateFromExternal(data, t.shape, t.ndim, dtype, devType,
                                      devType == 2 ? t.device.device_id : 0, importDeleter, managed,
                                      &h));
  return wrap(h);
}

} // namespace

void bindDLPack(nb::module_ &m) {
  m.def("to_dlpack", &toDLPack, "array"_a, "for_write"_a = false,
        "A DLPack capsule sharing the array's memory (after a wait for reading or writing).");
  m.def("from_dlpack", &fromDLPack, "capsule"_a,
        "An NDArray sharing the memory of a DLPack capsule (consumes the capsule).");
}

} // namespace mxcpy
