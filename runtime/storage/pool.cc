// pool.cc - the size-class pool and the host allocator behind CPU memory.
#include "storage/pool.h"

#include "mxrt/base.h"

#include <bit>
#include <cstdlib>
#include <sys/sysinfo.h>

namespace mxrt::storage {
namespace {

constexpr size_t kAlign = 64;

/// "1.5 GiB": sizes in error messages are read by people.
std::string humanBytes(size_t n) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(n);
  int u = 0;
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  std::ostringstream os;
  os.precision(u ? 3 : 0);
  os << std::fixed << v << ' ' << units[u];
  return os.str();
}

class HostAllocator final : public DeviceAllocator {
public:
  HostAllocator() {
    // RAM + swap: the kernel refuses a single mapping beyond it in its
    // default overcommit mode; asking anyway would only trip sanitizer
    // allocators, which abort on absurd sizes instead of returning null.
    struct sysinfo info {};
    if (sysinfo(&info) == 0)
      limit_ = (size_t(info.totalram) + size_t(info.totalswap)) * info.mem_unit;
  }
  void *allocate(size_t bytes) override {
    if (limit_ && bytes > limit_)
      return nullptr;
    void *p = nullptr;
    return posix_memalign(&p, kAlign, bytes) == 0 ? p : nullptr;
  }
  void deallocate(void *ptr, size_t) override { std::free(ptr); }

private:
  size_t limit_ = 0;
};

} // namespace

std::unique_ptr<DeviceAllocator> makeHostAllocator() { return std::make_unique<HostAllocator>(); }

size_t Pool::roundSize(size_t size) {
  if (size <= 4096)
    return (size + kAlign - 1) / kAlign * kAlign;
  // Four classes per power of two: the step is a quarter of the largest
  // power of two not above size.
  size_t step = (size_t(1) << (std::bit_width(size) - 1)) / 4;
  return (size + step - 1) / step * step;
}

Pool::Pool(Context ctx, std::unique_ptr<DeviceAllocator> device, size_t maxPooledBytes)
    : ctx_(ctx), device_(std::move(device)), maxPooled_(maxPooledBytes) {}

Pool::~Pool() {
  std::lock_guard lock(mu_);
  releaseLocked();
}

void *Pool::alloc(size_t size) {
  MXRT_CHECK(size <= (size_t(1) << 62), "out of memory: cannot allocate ", humanBytes(size), " (",
             size, " bytes) on ", ctx_.str(), ": larger than any device");
  size_t rounded = roundSize(size);
  std::lock_guard lock(mu_);
  ++stats_.allocations;
  void *p = nullptr;
  if (auto it = free_.find(rounded); it != free_.end() && !it->second.empty()) {
    p = it->second.back();
    it->second.pop_back();
    stats_.bytesPooled -= rounded;
    ++stats_.poolHits;
  } else {
    p = device_->allocate(rounded);
    if (!p && stats_.bytesPooled) { // the pool may hold what the device lacks
      releaseLocked();
      p = device_->allocate(rounded);
    }
    MXRT_CHECK(p, "out of memory: cannot allocate ", humanBytes(size), " (", size, " bytes) on ",
               ctx_.str(), " (", humanBytes(stats_.bytesInUse), " already in use)");
  }
  live_.emplace(p, rounded);
  stats_.bytesInUse += rounded;
  stats_.peakBytesInUse = std::max(stats_.peakBytesInUse, stats_.bytesInUse);
  return p;
}

void Pool::free(void *ptr, size_t size) {
  std::lock_guard lock(mu_);
  auto it = live_.find(ptr);
  MXRT_CHECK(it != live_.end(), "Storage::free: block ", ptr, " of ", size,
             " bytes was not allocated on ", ctx_.str(), " or was freed already");
  size_t rounded = it->second;
  MXRT_CHECK(rounded == roundSize(size), "Storage::free: block ", ptr, " on ", ctx_.str(),
             " freed with size ", size, " but allocated with a size of class ", rounded);
  live_.erase(it);
  stats_.bytesInUse -= rounded;
  if (stats_.bytesPooled + rounded > maxPooled_) {
    device_->deallocate(ptr, rounded);
    return;
  }
  free_[rounded].push_back(ptr);
  stats_.bytesPooled += rounded;
}

void Pool::releaseAll() {
  std::lock_guard lock(mu_);
  releaseLocked();
}

void Pool::releaseLocked() {
  for (auto &[rounded, blocks] : free_)
    for (void *p : blocks)
      device_->deallocate(p, rounded);
  free_.clear();
  stats_.bytesPooled = 0;
}

StorageStats Pool::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

} // namespace mxrt::storage
