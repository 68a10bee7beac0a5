// io_binding.cc - NDArray files and raw records (mx.nd.save/load,
// load_frombuffer, pickling) over the C API.
//
// The C API keeps load results in thread-local storage until the next load;
// they are wrapped into NDArray objects right away. File I/O releases the GIL.
#include "common.h"

#include <nanobind/stl/string.h>

#include <string>
#include <vector>

namespace mxcpy {
namespace {

using namespace nb::literals;

/// (list of NDArray, list of names) from a C API load result.
nb::tuple publish(uint32_t num, mxrtNDArrayHandle *arrays, uint32_t numNames, const char **names) {
  nb::list out = wrapList(num, arrays), outNames;
  for (uint32_t k = 0; k < numNames; ++k)
    outNames.append(nb::str(names[k]));
  return nb::make_tuple(out, outNames);
}

} // namespace

void bindIO(nb::module_ &m) {
  m.def(
      "save",
      [](const std::string &fname, nb::list arrays, nb::object names, int semantics) {
        std::vector<mxrtNDArrayHandle> handles = handleList(arrays, "every value saved");
        std::vector<std::string> nameStore;
        std::vector<const char *> namePtrs;
        if (!names.is_none()) {
          for (nb::handle n : names)
            nameStore.push_back(nb::cast<std::string>(n));
          for (const std::string &n : nameStore)
            namePtrs.push_back(n.c_str());
        }
        releasingGIL([&] {
          return mxrtNDArraySave(fname.c_str(), uint32_t(handles.size()), handles.data(),
                                 names.is_none() ? nullptr : namePtrs.data(), semantics);
        });
      },
      "fname"_a, "arrays"_a, "names"_a.none(), "semantics"_a = 0);

  m.def(
      "load",
      [](const std::string &fname) {
        uint32_t num = 0, numNames = 0;
        mxrtNDArrayHandle *arrays = nullptr;
        const char **names = nullptr;
        releasingGIL(
            [&] { return mxrtNDArrayLoad(fname.c_str(), &num, &arrays, &numNames, &names); });
        return publish(num, arrays, numNames, names);
      },
      "fname"_a);

  m.def(
      "load_frombuffer",
      [](nb::bytes buf) {
        uint32_t num = 0, numNames = 0;
        mxrtNDArrayHandle *arrays = nullptr;
        const char **names = nullptr;
        check(mxrtNDArrayLoadFromBuffer(buf.c_str(), buf.size(), &num, &arrays, &numNames, &names));
        return publish(num, arrays, numNames, names);
      },
      "buf"_a);

  m.def(
      "save_raw_bytes",
      [](nb::handle array, int semantics) {
        mxrtNDArrayHandle h = handleOf(array, "array");
        size_t size = 0;
        const char *buf = nullptr;
        // Waits for pending writes.
        releasingGIL([&] { return mxrtNDArraySaveRawBytes(h, semantics, &size, &buf); });
        return nb::bytes(buf, size);
      },
      "array"_a, "semantics"_a = 0);

  m.def(
      "load_from_raw_bytes",
      [](nb::bytes buf) {
        mxrtNDArrayHandle h = nullptr;
        check(mxrtNDArrayLoadFromRawBytes(buf.c_str(), buf.size(), &h));
        return wrap(h);
      },
      "buf"_a);
}

} // namespace mxcpy
