// module.cc - the extension module mxc._compiler: the compiler's C API
// (libmxc_compiler: infer_api.h, compiler_api.h) for mx.sym.
//
// A separate extension from mxc._mxc so that `import mxc` never loads MLIR:
// mx.sym imports this one the first time it infers shapes or types. Results
// come back as the C API's JSON text; failures raise mxc.MXNetError with the
// compiler's message. Inference releases the GIL.
#include "mxc/compiler_api.h"
#include "mxc/infer_api.h"

#include <nanobind/nanobind.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>

#include <string>

namespace nb = nanobind;
using namespace nb::literals;

namespace {

[[noreturn]] void raise(const char *message) {
  nb::object cls = nb::module_::import_("mxc.base").attr("MXNetError");
  PyErr_SetString(cls.ptr(), message ? message : "unknown compiler error");
  throw nb::python_error();
}

using InferFn = int (*)(const char *, const char *, const char **);

std::string run(InferFn fn, const std::string &json, const std::string &given) {
  const char *out = nullptr;
  int rc;
  {
    nb::gil_scoped_release release;
    rc = fn(json.c_str(), given.c_str(), &out);
  }
  if (rc != 0)
    raise(out);
  return out;
}

} // namespace

NB_MODULE(_compiler, m) {
  m.doc() = "mxc's compiler for the Python frontend: inference (and compilation) of symbol JSON";
  m.def(
      "infer_shape",
      [](const std::string &json, const std::string &shapes) {
        return run(mxcInferShape, json, shapes);
      },
      "symbol_json"_a, "shapes"_a,
      "Shapes of arguments, aux states and outputs as JSON (mxcInferShape).");
  m.def(
      "infer_type",
      [](const std::string &json, const std::string &dtypes) {
        return run(mxcInferType, json, dtypes);
      },
      "symbol_json"_a, "dtypes"_a,
      "Dtypes of arguments, aux states and outputs as JSON (mxcInferType).");
  m.def(
      "compile",
      [](const std::string &json, const std::string &shapes, const std::string &dtypes,
         const std::string &target, const std::string &options) {
        const char *path = nullptr;
        int hit = 0, rc;
        {
          nb::gil_scoped_release release;
          rc = mxcCompile(json.c_str(), shapes.c_str(), dtypes.c_str(), target.c_str(),
                          options.c_str(), &path, &hit);
        }
        if (rc != 0)
          raise(mxcGetLastError());
        return std::make_pair(std::string(path), hit != 0);
      },
      "symbol_json"_a, "shapes"_a, "dtypes"_a, "target"_a, "options"_a,
      "Compiles through the module cache (mxcCompile): (path of the .so, cache hit).");
}
