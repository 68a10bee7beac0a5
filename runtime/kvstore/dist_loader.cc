// dist_loader.cc - finds and opens libmxrt_mpi next to libmxrt.
#include "kvstore/dist_loader.h"

#include "mxrt/base.h"

#include <dlfcn.h>
#include <mutex>
#include <string>

namespace mxrt::kvstore {
namespace {

/// The directory libmxrt was loaded from ("" if unknown).
std::string ownDirectory() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void *>(&distLibrary), &info) || !info.dli_fname)
    return "";
  std::string path = info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

DistLibrary load() {
  const char *name = "libmxrt_mpi.so";
  std::string dir = ownDirectory();
  std::string besides = dir + name;
  // RTLD_GLOBAL: Open MPI's plugins resolve libmpi's symbols globally.
  void *h = dlopen(besides.c_str(), RTLD_NOW | RTLD_GLOBAL);
  std::string firstError = h ? "" : dlerror();
  if (!h)
    h = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
  if (!h)
    fail("the distributed KVStore needs ", name, ", which could not be loaded from ", besides, " (",
         firstError, ") nor the library path (", dlerror(),
         "): build mxc with MPI (apt-get install libopenmpi-dev openmpi-bin; "
         "cmake -DMXC_ENABLE_MPI=ON)");
  DistLibrary lib;
  lib.create = reinterpret_cast<KVStore *(*)(const char *)>(dlsym(h, "mxrtDistCreateKVStore"));
  lib.role = reinterpret_cast<int (*)()>(dlsym(h, "mxrtDistRole"));
  MXRT_CHECK(lib.create && lib.role, besides,
             " lacks mxrtDistCreateKVStore/mxrtDistRole: "
             "it is not this build's");
  return lib;
}

} // namespace

const DistLibrary &distLibrary() {
  static std::once_flag once;
  static DistLibrary lib;
  static std::string error;
  std::call_once(once, [] {
    try {
      lib = load();
    } catch (const Error &e) {
      error = e.what();
    }
  });
  MXRT_CHECK(error.empty(), error);
  return lib;
}

} // namespace mxrt::kvstore
