// env.cc - MXC_* environment knobs.
#include "mxrt/base.h"

#include <cerrno>
#include <cstdlib>

namespace mxrt {

long envInt(const char *name, long dflt) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return dflt;
  char *end = nullptr;
  errno = 0;
  long x = std::strtol(v, &end, 10);
  MXRT_CHECK(errno == 0 && end && *end == '\0', "environment variable ", name, "='", v,
             "' is not an integer");
  return x;
}

std::string envStr(const char *name, const char *dflt) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string(dflt);
}

} // namespace mxrt
