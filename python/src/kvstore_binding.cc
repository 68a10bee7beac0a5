// kvstore_binding.cc - mxc._mxc.KVStore: the C API's KVStore for
// mxc.kvstore (which flattens MXNet's key/value arguments into one list of
// keys, all int or all str, and one list of NDArrays).
//
// The GIL: every call releases it (init/push/pull may run an updater inline
// under the naive engine, and waits block). A Python updater runs on an
// engine worker thread: its C callback takes the GIL, wraps the two arrays
// as NDArrays, calls it, and turns a Python exception into the update's
// error (raised by the next wait on a pulled array). The callable is
// released with the GIL held, on whatever thread drops the last update.
#include "common.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>
#include <vector>

namespace mxcpy {
namespace {

bool interpreterGone() {
#if PY_VERSION_HEX >= 0x030D0000
  return !Py_IsInitialized() || Py_IsFinalizing();
#else
  return !Py_IsInitialized() || _Py_IsFinalizing();
#endif
}

/// The C updater: calls the Python callable in user data.
int callPythonUpdater(int key, const char *strKey, mxrtNDArrayHandle recv, mxrtNDArrayHandle stored,
                      void *user) {
  if (interpreterGone() && !PyGILState_Check()) {
    mxrtNDArrayFree(recv);
    mxrtNDArrayFree(stored);
    mxrtSetLastError("KVStore updater: the Python interpreter is shutting down");
    return -1;
  }
  nb::gil_scoped_acquire gil;
  try {
    nb::object r = wrap(recv), s = wrap(stored);
    nb::object k = strKey ? nb::object(nb::str(strKey)) : nb::object(nb::int_(key));
    nb::handle(static_cast<PyObject *>(user))(k, r, s);
    return 0;
  } catch (nb::python_error &e) {
    mxrtSetLastError(e.what());
  } catch (const std::exception &e) {
    mxrtSetLastError(e.what());
  }
  return -1;
}

/// The C controller of a server process: calls the Python callable in
/// user data with (head, body as bytes).
int callPythonController(int head, const char *body, size_t len, void *user) {
  nb::gil_scoped_acquire gil;
  try {
    nb::handle(static_cast<PyObject *>(user))(head, nb::bytes(body, len));
    return 0;
  } catch (nb::python_error &e) {
    mxrtSetLastError(e.what());
  } catch (const std::exception &e) {
    mxrtSetLastError(e.what());
  }
  return -1;
}

void releasePythonUpdater(void *user) {
  if (PyGILState_Check()) { // e.g. the store freed by Python itself, even at exit
    Py_DECREF(static_cast<PyObject *>(user));
    return;
  }
  if (interpreterGone())
    return; // another thread at exit: no interpreter to hand it back to
  nb::gil_scoped_acquire gil;
  Py_DECREF(static_cast<PyObject *>(user));
}

/// Keys as the C API takes them: ints, or names kept alive here.
struct Keys {
  std::vector<int> ints;
  std::vector<std::string> names;
  std::vector<const char *> ptrs;
  bool str = false;

  explicit Keys(const nb::list &keys) {
    for (nb::handle k : keys) {
      if (nb::isinstance<nb::str>(k)) {
        str = true;
        names.push_back(nb::cast<std::string>(k));
      } else {
        ints.push_back(nb::cast<int>(k));
      }
    }
    if (str && !ints.empty())
      throw nb::value_error("inconsistent types of keys detected.");
    for (const std::string &n : names)
      ptrs.push_back(n.c_str());
  }
  uint32_t size() const { return uint32_t(str ? names.size() : ints.size()); }
  const int *intKeys() const { return str ? nullptr : ints.data(); }
  const char *const *strKeys() const { return str ? ptrs.data() : nullptr; }
};

class KVStore {
public:
  explicit KVStore(const std::string &type) { check(mxrtKVStoreCreate(type.c_str(), &h_)); }
  ~KVStore() {
    // Freeing waits for the store's pending operations, and engine threads
    // may need the GIL to finish them (a Python updater; the deleter of an
    // array imported from NumPy dropped there): let them have it, or a
    // worker that frees its store with pushes in flight hangs. The
    // updater's release takes the GIL itself (releasePythonUpdater).
    if (PyGILState_Check()) {
      nb::gil_scoped_release release;
      mxrtKVStoreFree(h_);
    } else {
      mxrtKVStoreFree(h_);
    }
  }
  KVStore(const KVStore &) = delete;
  KVStore &operator=(const KVStore &) = delete;

  std::string type() const {
    const char *t = nullptr;
    check(mxrtKVStoreGetType(h_, &t));
    return t;
  }
  int rank() const {
    int r = 0;
    check(mxrtKVStoreGetRank(h_, &r));
    return r;
  }
  int numWorkers() const {
    int n = 0;
    check(mxrtKVStoreGetNumWorkers(h_, &n));
    return n;
  }

  void init(const nb::list &keys, const nb::list &values) {
    Keys k(keys);
    auto v = handleList(values, "value");
    releasingGIL([&] { return mxrtKVStoreInit(h_, k.size(), k.intKeys(), k.strKeys(), v.data()); });
  }
  void push(const nb::list &keys, const nb::list &values, int priority) {
    Keys k(keys);
    auto v = handleList(values, "value");
    releasingGIL([&] {
      return mxrtKVStorePush(h_, k.size(), k.intKeys(), k.strKeys(), v.data(), priority);
    });
  }
  void pull(const nb::list &keys, const nb::list &outs, int priority, bool ignoreSparse) {
    Keys k(keys);
    auto o = handleList(outs, "out");
    releasingGIL([&] {
      return mxrtKVStorePull(h_, k.size(), k.intKeys(), k.strKeys(), o.data(), priority,
                             ignoreSparse);
    });
  }
  void pushPull(const nb::list &keys, const nb::list &values, const nb::list &outKeys,
                const nb::list &outs, int priority) {
    Keys k(keys), ok(outKeys);
    auto v = handleList(values, "value");
    auto o = handleList(outs, "out");
    releasingGIL([&] {
      return mxrtKVStorePushPull(h_, k.size(), k.intKeys(), k.strKeys(), v.data(), ok.size(),
                                 ok.intKeys(), ok.strKeys(), o.data(), priority);
    });
  }
  void broadcast(const nb::list &keys, const nb::list &values, const nb::list &outKeys,
                 const nb::list &outs, int priority) {
    Keys k(keys), ok(outKeys);
    auto v = handleList(values, "value");
    auto o = handleList(outs, "out");
    releasingGIL([&] {
      return mxrtKVStoreBroadcast(h_, k.size(), k.intKeys(), k.strKeys(), v.data(), ok.size(),
                                  ok.intKeys(), ok.strKeys(), o.data(), priority);
    });
  }
  void setUpdater(nb::object fn) {
    if (fn.is_none()) {
      updater_ = nullptr;
      check(mxrtKVStoreSetUpdater(h_, nullptr, nullptr, nullptr));
      return;
    }
    if (!PyCallable_Check(fn.ptr()))
      throw nb::type_error("the updater must be callable as updater(key, recv, stored)");
    // The store owns a reference from here on (released by the deleter,
    // also when the call fails); the GC learns of it through traverse().
    PyObject *ref = fn.release().ptr();
    updater_ = nullptr;
    check(mxrtKVStoreSetUpdater(h_, callPythonUpdater, ref, releasePythonUpdater));
    updater_ = ref;
  }
  void waitUpdates() {
    releasingGIL([&] { return mxrtKVStoreWaitUpdates(h_); });
  }
  void barrier() {
    releasingGIL([&] { return mxrtKVStoreBarrier(h_); });
  }
  void sendCommandToServers(int head, const nb::bytes &body) {
    std::string b(body.c_str(), body.size());
    releasingGIL([&] { return mxrtKVStoreSendCommandToServers(h_, head, b.data(), b.size()); });
  }
  /// Serves (GIL released) until every worker closed; controller(head,
  /// body) runs the commands with the GIL taken.
  void runServer(nb::object controller) {
    releasingGIL([&] { return mxrtKVStoreRunServer(h_, callPythonController, controller.ptr()); });
  }

  /// The updater the native store holds, for the cycle collector: a
  /// Python updater usually refers back to the store (a closure, a
  /// module's globals), a cycle only the GC can break.
  static int traverse(PyObject *self, visitproc visit, void *arg) {
    if (!nb::inst_ready(self))
      return 0;
    Py_VISIT(nb::inst_ptr<KVStore>(self)->updater_);
    Py_VISIT(Py_TYPE(self));
    return 0;
  }
  /// Breaks the cycle: the store lets go of the updater (at once, or when
  /// the pending updates that still use it have run).
  static int clear(PyObject *self) {
    KVStore *kv = nb::inst_ptr<KVStore>(self);
    if (kv->updater_) {
      kv->updater_ = nullptr;
      mxrtKVStoreSetUpdater(kv->h_, nullptr, nullptr, nullptr);
    }
    return 0;
  }

private:
  mxrtKVStoreHandle h_ = nullptr;
  PyObject *updater_ = nullptr; ///< borrowed: the native store owns the reference
};

PyType_Slot kKVStoreSlots[] = {{Py_tp_traverse, (void *)KVStore::traverse},
                               {Py_tp_clear, (void *)KVStore::clear},
                               {0, nullptr}};

} // namespace

void bindKVStore(nb::module_ &m) {
  using namespace nb::literals;
  nb::class_<KVStore>(m, "KVStore", nb::type_slots(kKVStoreSlots),
                      "A native key-value store (mxc.kvstore.KVStore wraps it); keys are "
                      "flat lists of all-int or all-str keys paired with NDArrays.")
      .def(nb::init<const std::string &>(), "type"_a)
      .def_prop_ro("type", &KVStore::type)
      .def_prop_ro("rank", &KVStore::rank)
      .def_prop_ro("num_workers", &KVStore::numWorkers)
      .def("init", &KVStore::init, "keys"_a, "values"_a)
      .def("push", &KVStore::push, "keys"_a, "values"_a, "priority"_a = 0)
      .def("pull", &KVStore::pull, "keys"_a, "outs"_a, "priority"_a = 0, "ignore_sparse"_a = true)
      .def("pushpull", &KVStore::pushPull, "keys"_a, "values"_a, "out_keys"_a, "outs"_a,
           "priority"_a = 0)
      .def("broadcast", &KVStore::broadcast, "keys"_a, "values"_a, "out_keys"_a, "outs"_a,
           "priority"_a = 0)
      .def("set_updater", &KVStore::setUpdater, "updater"_a.none())
      .def("wait_updates", &KVStore::waitUpdates,
           "Blocks (GIL released) until every update pushed so far has run.")
      .def("barrier", &KVStore::barrier)
      .def("send_command_to_servers", &KVStore::sendCommandToServers, "head"_a, "body"_a)
      .def("run_server", &KVStore::runServer, "controller"_a);
  m.def(
      "kvstore_role",
      [] {
        int role = 0;
        releasingGIL([&] { return mxrtKVStoreGetRole(&role); });
        return role == 1 ? "server" : "worker";
      },
      "This process's role in a distributed job ('worker' or 'server'); starts MPI.");
  // A server process exits from inside `import mxc` (MXNet's behaviour):
  // the half-imported package's objects are dropped at exit, which is no
  // reference leak to report.
  m.def("_quiet_exit", [] { nb::set_leak_warnings(false); });
}

} // namespace mxcpy
