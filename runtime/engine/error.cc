// error.cc - wrapping op errors with the op's name, and reporting them once.
#include "engine/error.h"

#include "engine/spin_lock.h"
#include "mxrt/base.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace mxrt::engine {

void invariantFailed(const char *what, const char *file, int line) {
  std::fprintf(stderr, "mxrt engine invariant violated: %s (%s:%d)\n", what, file, line);
  std::abort();
}

std::exception_ptr wrapOpError(std::string_view name, const Context &ctx, std::exception_ptr e) {
  std::string opName = name.empty() ? std::string("<unnamed>") : std::string(name);
  try {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception &x) {
      std::throw_with_nested(Error(str("op '", opName, "' failed on ", ctx.str(), ": ", x.what())));
    } catch (...) {
      std::throw_with_nested(
          Error(str("op '", opName, "' failed on ", ctx.str(), ": unknown exception")));
    }
  } catch (...) {
    return std::current_exception();
  }
}

ErrorRef ErrorBook::add(std::exception_ptr wrapped) {
  auto r = std::make_shared<ErrorRecord>(std::move(wrapped));
  std::lock_guard<std::mutex> lock(mu_);
  // Forget errors reported through waitForVar meanwhile, so a program that
  // never calls waitForAll does not keep every error it ever saw.
  std::erase_if(unreported_, [](const ErrorRef &x) {
    return x->reportedAt.load(std::memory_order_acquire) != ErrorRecord::kUnreported;
  });
  unreported_.push_back(r);
  return r;
}

bool ErrorBook::report(ErrorRecord &r) {
  if (r.reportedAt.load(std::memory_order_acquire) != ErrorRecord::kUnreported)
    return false;
  uint64_t at = epoch_.fetch_add(1, std::memory_order_acq_rel);
  uint64_t expected = ErrorRecord::kUnreported;
  return r.reportedAt.compare_exchange_strong(expected, at, std::memory_order_acq_rel);
}

void ErrorBook::rethrowUnreported(const ErrorRef &r) {
  if (r && report(*r))
    std::rethrow_exception(r->error);
}

void ErrorBook::rethrowFirstUnreported() {
  std::vector<ErrorRef> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(unreported_);
  }
  std::exception_ptr first;
  for (const ErrorRef &r : all)
    if (report(*r) && !first)
      first = r->error;
  if (first)
    std::rethrow_exception(first);
}

} // namespace mxrt::engine
