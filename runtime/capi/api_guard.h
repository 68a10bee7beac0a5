// api_guard.h - how every C API function turns exceptions into a status.
//
// MXRT_API_BEGIN() ... MXRT_API_END() wraps a body: any exception becomes
// return -1 with its message kept for mxrtGetLastError(). Other parts of the
// runtime that add C functions (e.g. the kernels' mxrtRandomSeed) use the
// same pair.
#pragma once

#include <string>

namespace mxrt::capi {

/// This thread's last error message.
std::string &lastError();
/// Records the message of the exception being handled; returns -1.
int handleException() noexcept;

} // namespace mxrt::capi

#define MXRT_API_BEGIN() try {
#define MXRT_API_END()                                                                             \
  }                                                                                                \
  catch (...) {                                                                                    \
    return ::mxrt::capi::handleException();                                                        \
  }                                                                                                \
  return 0;
