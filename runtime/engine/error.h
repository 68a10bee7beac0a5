// error.h - how errors raised by async ops are kept, passed on and reported.
//
// A failing op makes one ErrorRecord; the record (not a copy) goes to every
// variable the op writes, and every op skipped because of it passes the
// same record on. So "reporting" an error -- rethrowing it from a wait --
// clears it on every variable at once, as in MXNet 1.6+.
//
// Reports are ordered against pushes by an epoch counter: each report takes
// the next epoch, each op remembers the epoch at which it was pushed, and a
// record counts as live for an op when it was reported at or after that
// op's push. An op pushed before the report is therefore skipped even if it
// runs after the report; an op pushed after it runs. This keeps the outcome
// independent of worker timing.
#pragma once

#include "mxrt/context.h"

#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace mxrt::engine {

struct ErrorRecord {
  static constexpr uint64_t kUnreported = UINT64_MAX;
  explicit ErrorRecord(std::exception_ptr e) : error(std::move(e)) {}
  const std::exception_ptr error;
  /// The epoch of the report that cleared this error, or kUnreported.
  std::atomic<uint64_t> reportedAt{kUnreported};
};
using ErrorRef = std::shared_ptr<ErrorRecord>;

/// Wraps an op's exception as mxrt::Error("op 'NAME' failed on CTX: WHAT"),
/// with the original nested (std::rethrow_if_nested gets it back).
std::exception_ptr wrapOpError(std::string_view name, const Context &ctx, std::exception_ptr e);

/// One engine's errors: the epoch counter and every error not yet reported.
class ErrorBook {
public:
  /// The epoch an op pushed now is tagged with.
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  /// True when `r` is an error the op pushed at `opEpoch` must not run past.
  static bool live(const ErrorRecord *r, uint64_t opEpoch) {
    return r && r->reportedAt.load(std::memory_order_acquire) >= opEpoch;
  }

  /// A new record for a failed op, remembered for waitForAll.
  ErrorRef add(std::exception_ptr wrapped);

  /// Rethrows r's error unless it was reported already; reporting clears it.
  void rethrowUnreported(const ErrorRef &r);

  /// Reports every error not yet reported and rethrows the first of them.
  void rethrowFirstUnreported();

private:
  bool report(ErrorRecord &r);

  std::atomic<uint64_t> epoch_{0};
  std::mutex mu_;
  std::vector<ErrorRef> unreported_; ///< guarded by mu_; may hold reported ones
};

} // namespace mxrt::engine
