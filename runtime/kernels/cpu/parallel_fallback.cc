// parallel_fallback.cc - TEMPORARY: a weak serial mxrt::parallelFor so the
// kernels link and test before the engine (branch h-engine) lands; the
// engine's definition replaces it. Delete this file when merging h-engine.
#include "mxrt/engine.h"

namespace mxrt {
__attribute__((weak)) void parallelFor(int64_t n, int64_t grain,
                                       const std::function<void(int64_t, int64_t)> &fn) {
  if (n > 0)
    fn(0, n);
}
} // namespace mxrt
