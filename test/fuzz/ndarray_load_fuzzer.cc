// ndarray_load_fuzzer.cc - libFuzzer target for the NDArray file loader.
//
// Feeds arbitrary bytes to loadNDArraysFromBuffer and loadRawBytes. The
// contract under test: any input either loads or throws mxrt::Error -- no
// crash, no hang, no other exception, no allocation beyond what the input
// can back (run with -malloc_limit_mb to enforce it). Whatever loads must
// survive a save and reload unchanged (shapes, dtypes, names, bytes).
#include "mxrt/base.h"
#include "mxrt/ndarray_io.h"

#include <cstdlib>
#include <cstring>

using namespace mxrt;

namespace {

std::vector<uint8_t> bytesOf(const NDArray &a) {
  std::vector<uint8_t> b(a.nbytes());
  a.syncCopyToCPU(b.data(), b.size());
  return b;
}

void checkRoundTrip(const NDArrayList &l) {
  for (const NDArray &a : l.arrays)
    if (a.isNone())
      return; // MXNet files cannot hold none arrays; saving refuses them
  std::string saved = saveNDArraysToBuffer(l.arrays, l.names);
  NDArrayList back = loadNDArraysFromBuffer(
      std::span(reinterpret_cast<const uint8_t *>(saved.data()), saved.size()));
  if (back.arrays.size() != l.arrays.size() || back.names != l.names)
    __builtin_trap();
  for (size_t i = 0; i < l.arrays.size(); ++i)
    if (!(back.arrays[i].shape() == l.arrays[i].shape()) ||
        back.arrays[i].dtype() != l.arrays[i].dtype() ||
        bytesOf(back.arrays[i]) != bytesOf(l.arrays[i]))
      __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // Run every op at push: deterministic, and no worker threads to race.
  setenv("MXC_ENGINE_TYPE", "naive", /*overwrite=*/0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::span<const uint8_t> in(data, size);
  try {
    checkRoundTrip(loadNDArraysFromBuffer(in));
  } catch (const Error &) {
  }
  try {
    NDArray a = loadRawBytes(in);
    if (!a.isNone() && bytesOf(loadRawBytes([&] {
                         std::string s = saveRawBytes(a);
                         return std::vector<uint8_t>(s.begin(), s.end());
                       }())) != bytesOf(a))
      __builtin_trap();
  } catch (const Error &) {
  }
  return 0;
}
