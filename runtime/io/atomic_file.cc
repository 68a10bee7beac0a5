// atomic_file.cc - temporary file, fsync, rename.
#include "io/atomic_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace mxrt::io {
namespace {

std::string parentDir(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  MXRT_CHECK(!path_.empty(), "cannot save to an empty file name");
  struct stat st {};
  if (::stat(path_.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    fail("cannot save to '", path_, "': it is a directory");
  // O_EXCL with a random name instead of mkstemp: mkstemp's mode is 0600,
  // open's 0666 lets the umask decide, as for any newly written file.
  static std::atomic<uint64_t> counter{0};
  std::random_device rd;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp_ = mxrt::str(path_, ".tmp.", getpid(), ".", counter++, ".", rd());
    fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt > 100))
      fail("cannot save '", path_, "': cannot create a temporary file in '", parentDir(path_),
           "': ", std::strerror(errno));
  }
  f_ = ::fdopen(fd, "wb");
  if (!f_) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp_.c_str());
    failErrno("fdopen", err);
  }
}

AtomicFile::~AtomicFile() {
  if (committed_)
    return;
  if (f_)
    std::fclose(f_);
  ::unlink(tmp_.c_str());
}

void AtomicFile::failErrno(const char *what, int err) const {
  fail("cannot save '", path_, "': ", what, " failed: ", std::strerror(err));
}

void AtomicFile::write(const void *src, size_t n) {
  if (n && std::fwrite(src, 1, n, f_) != n)
    failErrno("write", errno);
}

void AtomicFile::commit() {
  if (std::fflush(f_) != 0)
    failErrno("write", errno);
  if (::fsync(::fileno(f_)) != 0)
    failErrno("fsync", errno);
  std::FILE *f = f_;
  f_ = nullptr;
  if (std::fclose(f) != 0)
    failErrno("close", errno);
  if (::rename(tmp_.c_str(), path_.c_str()) != 0)
    failErrno("rename", errno);
  committed_ = true;
  // Make the rename itself durable; failing here loses nothing already seen.
  int dfd = ::open(parentDir(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

} // namespace mxrt::io
