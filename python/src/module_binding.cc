// module_binding.cc - compiled modules in mxc._mxc: module_load(path) gives
// a Module (the runtime's loader over a .so from the compiler), Module.bind
// gives an Executor whose forward/backward push the module's kernels to the
// engine (mxrt/c_api.h: mxrtModule*, mxrtExecutor*). mx.sym's bind
// (python/mxc/symbol/bind.py) is the user-facing layer.
#include "common.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace mxcpy {
namespace {

/// A loaded module; executors keep it loaded while they live.
struct Module {
  mxrtModuleHandle handle = nullptr;
  explicit Module(mxrtModuleHandle h) : handle(h) {}
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;
  ~Module() { mxrtModuleFree(handle); }

  std::vector<std::string> names(int kind) const {
    uint32_t n = 0;
    const char *const *names = nullptr;
    check(mxrtModuleListNames(handle, kind, &n, &names));
    return {names, names + n};
  }
};

struct Executor {
  mxrtExecutorHandle handle = nullptr;
  explicit Executor(mxrtExecutorHandle h) : handle(h) {}
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;
  ~Executor() { mxrtExecutorFree(handle); }
};

} // namespace

void bindModule(nb::module_ &m) {
  using namespace nb::literals;
  nb::class_<Module>(m, "Module", "A compiled module (.so) loaded by the runtime.")
      .def_prop_ro("arguments", [](const Module &mod) { return mod.names(mxrtModuleArguments); })
      .def_prop_ro("aux_states", [](const Module &mod) { return mod.names(mxrtModuleAuxStates); })
      .def_prop_ro("outputs", [](const Module &mod) { return mod.names(mxrtModuleOutputs); })
      .def_prop_ro("head_grads", [](const Module &mod) { return mod.names(mxrtModuleHeadGrads); })
      .def(
          "bind",
          [](Module &mod, int devType, int devId, nb::list args, nb::list grads, nb::list aux) {
            auto a = handleList(args, "args");
            auto g = handleList(grads, "args_grad", true);
            auto x = handleList(aux, "aux_states");
            if (!g.empty() && g.size() != a.size())
              raiseError("Module.bind: " + std::to_string(g.size()) + " gradients for " +
                         std::to_string(a.size()) + " arguments");
            mxrtExecutorHandle out = nullptr;
            // Binding waits on the arrays (zero-filling gradients); engine
            // workers may need the GIL to free NumPy-backed arrays meanwhile.
            releasingGIL([&] {
              return mxrtModuleBind(mod.handle, devType, devId, uint32_t(a.size()), a.data(),
                                    g.empty() ? nullptr : g.data(), uint32_t(x.size()), x.data(),
                                    &out);
            });
            return new Executor(out);
          },
          "dev_type"_a, "dev_id"_a, "args"_a, "grads"_a, "aux"_a,
          "Binds arrays (in the module's argument and aux-state order); grads: "
          "None where no gradient is wanted.");

  nb::class_<Executor>(m, "Executor", "A module bound to arrays.")
      .def(
          "forward",
          [](Executor &e, bool isTrain) { check(mxrtExecutorForward(e.handle, isTrain ? 1 : 0)); },
          "is_train"_a)
      .def(
          "backward",
          [](Executor &e, nb::list heads) {
            auto h = handleList(heads, "out_grads");
            check(mxrtExecutorBackward(e.handle, uint32_t(h.size()), h.data()));
          },
          "heads"_a)
      .def("outputs", [](Executor &e) {
        uint32_t n = 0;
        mxrtNDArrayHandle *outs = nullptr;
        check(mxrtExecutorOutputs(e.handle, &n, &outs));
        return wrapList(n, outs);
      });

  m.def(
      "module_load",
      [](const std::string &path) {
        mxrtModuleHandle h = nullptr;
        releasingGIL([&] { return mxrtModuleLoad(path.c_str(), &h); });
        return new Module(h);
      },
      "path"_a, "Loads a compiled module; errors name the file and the problem.");
}

} // namespace mxcpy
