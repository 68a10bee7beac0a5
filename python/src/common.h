// common.h - what the files of the extension mxc._mxc share.
//
// The extension is a thin layer over libmxrt's C API (mxrt/c_api.h). Its one
// class, NDArrayBase, owns an mxrtNDArrayHandle; Python's mxc.ndarray.NDArray
// derives from it and adds the MXNet methods. Results are created directly as
// instances of that Python class (wrap), without running any Python code, so
// an operator call costs one C++ call and one object allocation.
//
// Errors: a failed C API call raises mxc.base.MXNetError (registered at
// import) with the runtime's message. Every call that may block (waits, host
// copies, file I/O) releases the GIL: engine threads may need it to run
// Python-owned deleters (DLPack, NumPy-backed arrays).
#pragma once

#include "mxrt/c_api.h"

#include <nanobind/nanobind.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nb = nanobind;

namespace mxcpy {

/// The C++ part of every NDArray.
struct NDArrayBase {
  mxrtNDArrayHandle handle = nullptr;
  bool writable = true;

  NDArrayBase() = default;
  explicit NDArrayBase(mxrtNDArrayHandle h, bool w = true) : handle(h), writable(w) {}
  NDArrayBase(const NDArrayBase &) = delete;
  NDArrayBase &operator=(const NDArrayBase &) = delete;
  ~NDArrayBase() { mxrtNDArrayFree(handle); }
};

/// Raises MXNetError with the runtime's last error message.
[[noreturn]] void raiseLastError();
/// Raises MXNetError with this message.
[[noreturn]] void raiseError(const std::string &message);

/// Checks a C API status (inline: on the hot path of every op).
inline void check(int rc) {
  if (rc != 0) [[unlikely]]
    raiseLastError();
}

/// Runs a C API call that may block (see the top) with the GIL released,
/// then checks its status with the GIL held again.
template <class F> void releasingGIL(F &&f) {
  int rc;
  {
    nb::gil_scoped_release release;
    rc = f();
  }
  check(rc);
}

/// The Python class results are created as (mxc.ndarray.NDArray), and the
/// bound base type for isinstance checks.
nb::handle ndarrayClass();
nb::handle ndarrayBaseType();

/// A new instance of the NDArray class owning `h` (freed if this fails).
nb::object wrap(mxrtNDArrayHandle h, bool writable = true);

/// The NDArrayBase behind a Python object, or nullptr if it is not an NDArray.
inline NDArrayBase *asArray(nb::handle o) {
  if (!PyObject_TypeCheck(o.ptr(), (PyTypeObject *)ndarrayBaseType().ptr()))
    return nullptr;
  return nb::inst_ptr<NDArrayBase>(o);
}

/// The handle of an NDArray argument; TypeError naming `what` otherwise.
mxrtNDArrayHandle handleOf(nb::handle o, const char *what);

/// The handles of a sequence of NDArrays (null for None where `allowNone`).
std::vector<mxrtNDArrayHandle> handleList(nb::handle arrays, const char *what,
                                          bool allowNone = false);

/// A list of new NDArrays owning handles[0..num): every handle is owned
/// before any is wrapped, so none leaks if one wrap fails.
nb::list wrapList(uint32_t num, mxrtNDArrayHandle *handles);

/// Shape of an array as a Python tuple (empty for a none array).
nb::tuple shapeTuple(mxrtNDArrayHandle h);

/// Registration of each file's functions (module.cc calls them).
void bindNDArray(nb::module_ &m);
void bindOps(nb::module_ &m);
void bindIO(nb::module_ &m);
void bindDLPack(nb::module_ &m);
void bindKVStore(nb::module_ &m); // kvstore_binding.cc
void bindModule(nb::module_ &m);  // module_binding.cc

} // namespace mxcpy
