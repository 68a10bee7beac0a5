// ndarray_binding.cc - NDArrayBase: creation, metadata, views, host copies
// and waits, bound over the C API.
//
// Host copies take any object with the buffer protocol (a NumPy array made by
// the Python layer with the right dtype and shape) and release the GIL while
// they wait for pending ops and copy.
#include "common.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace mxcpy {
namespace {

nb::handle gBaseType; // the bound NDArrayBase type

/// A contiguous buffer of an object, released on scope exit.
class Buffer {
public:
  Buffer(nb::handle obj, bool writable) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj.ptr(), &view_, flags) != 0)
      throw nb::python_error();
  }
  ~Buffer() { PyBuffer_Release(&view_); }
  void *data() const { return view_.buf; }
  size_t size() const { return size_t(view_.len); }

private:
  Py_buffer view_{};
};

std::vector<int64_t> shapeVector(nb::handle shape) {
  std::vector<int64_t> dims;
  for (nb::handle d : shape)
    dims.push_back(nb::cast<int64_t>(d));
  return dims;
}

} // namespace

nb::handle ndarrayBaseType() { return gBaseType; }

nb::object wrap(mxrtNDArrayHandle h, bool writable) {
  nb::handle cls = ndarrayClass();
  if (!cls) {
    mxrtNDArrayFree(h);
    raiseError("mxc._mxc: the NDArray class is not registered (import mxc first)");
  }
  nb::object o;
  try {
    o = nb::inst_alloc(cls);
  } catch (...) {
    mxrtNDArrayFree(h);
    throw;
  }
  new (nb::inst_ptr<NDArrayBase>(o)) NDArrayBase(h, writable);
  nb::inst_mark_ready(o);
  return o;
}

std::vector<mxrtNDArrayHandle> handleList(nb::handle arrays, const char *what, bool allowNone) {
  std::vector<mxrtNDArrayHandle> out;
  for (nb::handle a : arrays)
    out.push_back(a.is_none() && allowNone ? nullptr : handleOf(a, what));
  return out;
}

nb::list wrapList(uint32_t num, mxrtNDArrayHandle *handles) {
  std::vector<mxrtNDArrayHandle> owned(handles, handles + num);
  nb::list list;
  for (size_t i = 0; i < owned.size(); ++i) {
    try {
      list.append(wrap(owned[i]));
    } catch (...) {
      for (size_t j = i + 1; j < owned.size(); ++j)
        mxrtNDArrayFree(owned[j]);
      throw;
    }
  }
  return list;
}

mxrtNDArrayHandle handleOf(nb::handle o, const char *what) {
  NDArrayBase *a = asArray(o);
  if (!a) {
    std::string msg =
        std::string(what) + " must be an NDArray, got " + nb::type_name(o.type()).c_str();
    throw nb::type_error(msg.c_str());
  }
  return a->handle;
}

nb::tuple shapeTuple(mxrtNDArrayHandle h) {
  int ndim = 0;
  const int64_t *dims = nullptr;
  check(mxrtNDArrayGetShape(h, &ndim, &dims));
  if (ndim <= 0)
    return nb::tuple();
  PyObject *t = PyTuple_New(ndim);
  if (!t)
    throw nb::python_error();
  for (int i = 0; i < ndim; ++i)
    PyTuple_SET_ITEM(t, i, PyLong_FromLongLong(dims[i]));
  return nb::steal<nb::tuple>(t);
}

void bindNDArray(nb::module_ &m) {
  using namespace nb::literals;
  auto cls = nb::class_<NDArrayBase>(m, "NDArrayBase",
                                     "The native part of an NDArray: one runtime handle.");
  gBaseType = cls;
  cls.def(
         "__init__",
         [](NDArrayBase *self, nb::handle other, bool writable) {
           mxrtNDArrayHandle h = nullptr;
           if (other.is_none()) {
             check(mxrtNDArrayCreateNone(&h));
           } else {
             // A second handle on the same memory (MXNet's NDArray(handle)).
             mxrtNDArrayHandle src = handleOf(other, "handle");
             int ndim = 0;
             const int64_t *dims = nullptr;
             check(mxrtNDArrayGetShape(src, &ndim, &dims));
             if (ndim < 0)
               check(mxrtNDArrayCreateNone(&h));
             else
               check(mxrtNDArrayReshape(src, dims, ndim, 0, &h));
           }
           new (self) NDArrayBase(h, writable);
         },
         "handle"_a.none() = nb::none(), "writable"_a = true)
      .def_rw("writable", &NDArrayBase::writable)
      .def(
          "_swap_handle",
          [](NDArrayBase &a, nb::handle other) {
            NDArrayBase *b = asArray(other);
            if (!b)
              throw nb::type_error("_swap_handle: other must be an NDArray");
            std::swap(a.handle, b->handle);
            std::swap(a.writable, b->writable);
          },
          "other"_a, "Exchanges the arrays behind two objects (unpickling).")
      .def_prop_ro("_handle_id",
                   [](const NDArrayBase &a) { return reinterpret_cast<uintptr_t>(a.handle); })
      .def_prop_ro(
          "shape", [](const NDArrayBase &a) { return shapeTuple(a.handle); },
          "Tuple of array dimensions.")
      .def_prop_ro("_is_none",
                   [](const NDArrayBase &a) {
                     int ndim = 0;
                     const int64_t *dims = nullptr;
                     check(mxrtNDArrayGetShape(a.handle, &ndim, &dims));
                     return ndim < 0;
                   })
      .def_prop_ro("_dtype_code",
                   [](const NDArrayBase &a) {
                     int code = 0;
                     check(mxrtNDArrayGetDType(a.handle, &code));
                     return code;
                   })
      .def_prop_ro("_device",
                   [](const NDArrayBase &a) {
                     int type = 0, id = 0;
                     check(mxrtNDArrayGetContext(a.handle, &type, &id));
                     return nb::make_tuple(type, id);
                   })
      .def("_data_ptr",
           [](const NDArrayBase &a) {
             void *p = nullptr;
             check(mxrtNDArrayGetData(a.handle, &p));
             return reinterpret_cast<uintptr_t>(p);
           })
      .def(
          "wait_to_read",
          [](const NDArrayBase &a) {
            releasingGIL([&] { return mxrtNDArrayWaitToRead(a.handle); });
          },
          "Waits until all previous write operations on the array are finished.")
      .def("_wait_to_write",
           [](const NDArrayBase &a) {
             releasingGIL([&] { return mxrtNDArrayWaitToWrite(a.handle); });
           })
      .def(
          "_copy_to_host",
          [](const NDArrayBase &a, nb::handle dst) {
            Buffer buf(dst, true);
            releasingGIL(
                [&] { return mxrtNDArraySyncCopyToCPU(a.handle, buf.data(), buf.size()); });
          },
          "dst"_a)
      .def(
          "_copy_from_host",
          [](const NDArrayBase &a, nb::handle src) {
            Buffer buf(src, false);
            releasingGIL(
                [&] { return mxrtNDArraySyncCopyFromCPU(a.handle, buf.data(), buf.size()); });
          },
          "src"_a)
      .def(
          "_copy_into",
          [](const NDArrayBase &a, nb::handle dst) {
            check(mxrtNDArrayCopyTo(a.handle, handleOf(dst, "other")));
          },
          "dst"_a)
      .def("_slice_rows",
           [](const NDArrayBase &a, int64_t begin, int64_t end) {
             mxrtNDArrayHandle h = nullptr;
             check(mxrtNDArraySlice(a.handle, begin, end, &h));
             return wrap(h, a.writable);
           })
      .def("_at",
           [](const NDArrayBase &a, int64_t i) {
             mxrtNDArrayHandle h = nullptr;
             check(mxrtNDArrayAt(a.handle, i, &h));
             return wrap(h, a.writable);
           })
      .def(
          "_reshape_view",
          [](const NDArrayBase &a, nb::handle spec, bool reverse) {
            std::vector<int64_t> dims = shapeVector(spec);
            mxrtNDArrayHandle h = nullptr;
            check(mxrtNDArrayReshape(a.handle, dims.data(), int(dims.size()), reverse, &h));
            return wrap(h, a.writable);
          },
          "shape"_a, "reverse"_a = false);

  m.def(
      "empty",
      [](nb::handle shape, int dtype, int devType, int devId) {
        std::vector<int64_t> dims = shapeVector(shape);
        mxrtNDArrayHandle h = nullptr;
        check(mxrtNDArrayCreate(dims.data(), int(dims.size()), dtype, devType, devId, &h));
        return wrap(h);
      },
      "shape"_a, "dtype"_a, "dev_type"_a, "dev_id"_a);
  m.def("none", [] {
    mxrtNDArrayHandle h = nullptr;
    check(mxrtNDArrayCreateNone(&h));
    return wrap(h);
  });
}

} // namespace mxcpy
