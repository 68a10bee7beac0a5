// api_guard.cc - the C API's error state, version and device count.
#include "capi/api_guard.h"

#include "mxrt/base.h"
#include "mxrt/c_api.h"
#include "mxrt/context.h"

#include <exception>
#include <new>

#ifndef MXC_VERSION_MAJOR
#error "MXC_VERSION_MAJOR/MINOR/PATCH come from the project version (runtime/CMakeLists.txt)"
#endif

namespace mxrt::capi {

std::string &lastError() {
  thread_local std::string message;
  return message;
}

int handleException() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc &) {
    lastError() = "out of host memory (std::bad_alloc)";
  } catch (const std::exception &e) {
    lastError() = e.what();
  } catch (...) {
    lastError() = "unknown exception";
  }
  return -1;
}

} // namespace mxrt::capi

extern "C" {

const char *mxrtGetLastError(void) { return mxrt::capi::lastError().c_str(); }

int mxrtSetLastError(const char *message) {
  MXRT_API_BEGIN();
  mxrt::capi::lastError() = message ? message : "";
  MXRT_API_END();
}

int mxrtGetVersion(int *out) {
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtGetVersion: out is null");
  *out = MXC_VERSION_MAJOR * 10000 + MXC_VERSION_MINOR * 100 + MXC_VERSION_PATCH;
  MXRT_API_END();
}

int mxrtNumGPUs(int *out) {
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtNumGPUs: out is null");
  *out = mxrt::numGPUs();
  MXRT_API_END();
}

} // extern "C"
