// atomic_file.h - write a file so that readers see the old or the new
// contents, never a mix: a temporary file in the same directory, flushed,
// fsync'ed, then renamed over the target.
#pragma once

#include "io/format.h"

#include <cstdio>
#include <string>

namespace mxrt::io {

class AtomicFile final : public ByteSink {
public:
  /// Creates the temporary file; throws Error naming path when it cannot.
  explicit AtomicFile(std::string path);
  /// Without commit(), removes the temporary file: the target is untouched.
  ~AtomicFile() override;
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;

  void write(const void *src, size_t n) override;
  /// Flushes, syncs and renames over the target.
  void commit();

private:
  [[noreturn]] void failErrno(const char *what, int err) const;

  std::string path_, tmp_;
  std::FILE *f_ = nullptr;
  bool committed_ = false;
};

} // namespace mxrt::io
