// base.h - errors, message formatting and environment knobs for libmxrt.
//
// Runtime functions throw mxrt::Error; the C API turns it into a status and
// keeps the message for mxrtGetLastError(). Every message names the thing at
// fault (op, argument, expected vs got, file and byte offset).
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace mxrt {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Concatenates the streamed forms of its arguments.
template <class... Args> std::string str(Args &&...args) {
  std::ostringstream os;
  (os << ... << std::forward<Args>(args));
  return os.str();
}

template <class... Args> [[noreturn]] void fail(Args &&...args) {
  throw Error(str(std::forward<Args>(args)...));
}

/// An MXC_* environment knob as an integer, or dflt when unset or empty.
/// A value that is not an integer is an Error naming the variable.
long envInt(const char *name, long dflt);
/// An MXC_* environment knob as a string, or dflt when unset.
std::string envStr(const char *name, const char *dflt);

} // namespace mxrt

#define MXRT_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      ::mxrt::fail(__VA_ARGS__);                                                                   \
  } while (0)
