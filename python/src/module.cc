// module.cc - the extension module mxc._mxc: errors, the NDArray class
// hook-up, and library-wide functions (version, GPUs, waitall).
//
// Python registers two things at import (mxc/base.py, mxc/ndarray/ndarray.py):
// the exception class MXNetError and the NDArray class. Both are kept as
// strong references for the life of the process.
#include "common.h"

#include <nanobind/stl/string.h>

namespace mxcpy {
namespace {

nb::handle gErrorClass;   // mxc.base.MXNetError
nb::handle gNDArrayClass; // mxc.ndarray.NDArray

} // namespace

void raiseError(const std::string &message) {
  PyErr_SetString(gErrorClass ? gErrorClass.ptr() : PyExc_RuntimeError, message.c_str());
  throw nb::python_error();
}

void raiseLastError() { raiseError(mxrtGetLastError()); }

nb::handle ndarrayClass() { return gNDArrayClass; }

} // namespace mxcpy

using namespace mxcpy;
using namespace nb::literals;

NB_MODULE(_mxc, m) {
  m.doc() = "mxc's native layer: libmxrt's C API for the Python frontend";

  m.def(
      "_set_error_class",
      [](nb::handle cls) {
        if (!PyType_Check(cls.ptr()) ||
            !PyType_IsSubtype((PyTypeObject *)cls.ptr(), (PyTypeObject *)PyExc_Exception))
          throw nb::type_error("_set_error_class: not an exception class");
        cls.inc_ref();
        gErrorClass = cls;
      },
      "cls"_a);
  m.def(
      "_set_ndarray_class",
      [](nb::handle cls) {
        if (!PyType_Check(cls.ptr()) ||
            !PyType_IsSubtype((PyTypeObject *)cls.ptr(), (PyTypeObject *)ndarrayBaseType().ptr()))
          throw nb::type_error("_set_ndarray_class: not a subclass of NDArrayBase");
        cls.inc_ref();
        gNDArrayClass = cls;
      },
      "cls"_a);

  m.def("version", [] {
    int v = 0;
    check(mxrtGetVersion(&v));
    return v;
  });
  m.def("num_gpus", [] {
    int n = 0;
    check(mxrtNumGPUs(&n));
    return n;
  });
  m.def("waitall", [] {
    releasingGIL([] { return mxrtNDArrayWaitAll(); });
  });

  m.def(
      "random_seed",
      [](uint64_t seed, int devType, int devId) { check(mxrtRandomSeed(seed, devType, devId)); },
      "seed"_a, "dev_type"_a, "dev_id"_a,
      "Reseeds every device's generator (dev_type -1) or one device's.");

  bindNDArray(m);
  bindOps(m);
  bindIO(m);
  bindDLPack(m);
  bindKVStore(m);
  bindModule(m);
}
