// random.cu - CUDA Philox sampling: one thread per block of the stream, so
// element i gets the CPU kernel's draw for element i (kernels/philox.h).
#include "kernels/cuda/device_util.cuh"

namespace mxrt::kernels::cuda {
namespace {

template <class T>
__global__ void randomKernel(RandomKind kind, PhiloxState st, double a, double b, T *out,
                             int64_t n, int64_t blocks) {
  MXRT_CUDA_LOOP(j, blocks) {
    const uint64_t block = st.block + uint64_t(j);
    const int64_t base = j * perBlock(sizeof(T) == 8);
    if constexpr (std::is_same_v<T, double>) {
      double v[2];
      philoxDouble(kind, st.seed, block, a, b, v);
      for (int l = 0; l < 2 && base + l < n; ++l)
        out[base + l] = v[l];
    } else if constexpr (kIsFloat<T>) {
      float v[4];
      philoxFloat(kind, st.seed, block, a, b, v);
      for (int l = 0; l < 4 && base + l < n; ++l)
        out[base + l] = dstore<T>(v[l]);
    } else {
      int64_t v[4];
      philoxInt(st.seed, block, int64_t(a), uint64_t(int64_t(b) - int64_t(a)), sizeof(T) == 8, v);
      for (int l = 0; l < perBlock(sizeof(T) == 8) && base + l < n; ++l)
        out[base + l] = T(v[l]);
    }
  }
}

template <class T>
void launchT(RandomKind kind, PhiloxState st, double a, double b, void *out, int64_t n, Stream s) {
  if constexpr (std::is_same_v<T, bool>) {
    ::mxrt::fail("GPU random sampling does not produce bool");
  } else {
    const int64_t blocks = (n + perBlock(sizeof(T) == 8) - 1) / perBlock(sizeof(T) == 8);
    randomKernel<T><<<blocksFor(blocks), kThreads, 0, stream(s)>>>(kind, st, a, b,
                                                                   static_cast<T *>(out), n, blocks);
    checkLaunch("random");
  }
}

} // namespace

void launchRandom(RandomKind kind, int dtype, PhiloxState st, double a, double b, void *out,
                  int64_t n, Stream s) {
  if (n == 0)
    return;
  MXRT_CUDA_DTYPE_SWITCH(dtype, T, launchT<T>(kind, st, a, b, out, n, s));
}

} // namespace mxrt::kernels::cuda
