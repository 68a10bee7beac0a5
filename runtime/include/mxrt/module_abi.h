/* module_abi.h - the C ABI between a compiled module (.so) and libmxrt.
 *
 * `mxc compile` writes a shared library holding one function per kernel and
 * a manifest describing them, as plain constant C data behind one exported
 * function, mxc_module_manifest(). The runtime's Module loader
 * (mxrt/module.h) reads it without any JSON or MLIR: values (arguments,
 * auxiliary states, outputs, gradients and arena-resident intermediates)
 * with their shapes and dtypes, the arena's buffers, and per entry point
 * (forward inference, forward training, backward) the kernels in a valid
 * execution order with the values each reads and writes.
 *
 * A kernel is `void fn(void *const *args)`: args[i] is the data pointer of
 * value kernel.args[i], dense and row-major with the value's static shape;
 * the first num_reads are read, the rest written (a value may appear twice,
 * e.g. an auxiliary state read and updated in place). Kernels never fail.
 *
 * The ABI version changes whenever a layout below changes; the loader
 * refuses a module built for another version. This header is C so a
 * deployer can read a manifest from C as well.
 */
#ifndef MXRT_MODULE_ABI_H_
#define MXRT_MODULE_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped on every incompatible change of the structures below or of the
 * library routines a module needs (2: mxrt_kernel_fallback, the
 * convolution routines and the scratch allocation functions). */
#define MXC_MODULE_ABI_VERSION 2
/** The symbol every compiled module exports. */
#define MXC_MODULE_MANIFEST_SYMBOL "mxc_module_manifest"

/** What a value is to the caller. */
enum mxc_value_kind {
  MXC_VALUE_ARG = 0,    /**< a graph argument (data, label or parameter), bound by the caller */
  MXC_VALUE_AUX = 1,    /**< an auxiliary state (BatchNorm's moving stats), bound by the caller */
  MXC_VALUE_OUTPUT = 2, /**< a graph output (head), allocated at bind unless given */
  MXC_VALUE_TEMP = 3,   /**< an intermediate living in the arena (buffer, offset) */
  MXC_VALUE_GRAD = 4,   /**< the gradient of argument grad_of, bound by the caller */
  MXC_VALUE_RNG = 5,    /**< 16 bytes of random state (seed, counter) owned by the executor */
  MXC_VALUE_HEAD_GRAD = 6, /**< the gradient flowing into output grad_of, given to backward() */
};

/** Entry points, indices into mxc_manifest.entries (an entry may be empty). */
enum mxc_entry_kind {
  MXC_ENTRY_FORWARD_INFER = 0, /**< forward(is_train=False) */
  MXC_ENTRY_FORWARD_TRAIN = 1, /**< forward(is_train=True): batch statistics, dropout masks */
  MXC_ENTRY_BACKWARD = 2,      /**< backward(): gradients, as the gradient pass appended them */
  MXC_NUM_ENTRIES = 3,
};

/** Kernel flags. */
enum mxc_kernel_flags {
  /** The kernel calls a library routine of libmxrt that splits its work
   * over the engine's CPU workers (parallelFor); others run on one thread. */
  MXC_KERNEL_LIBRARY = 1,
  /** The op has no lowering: the kernel calls mxrt_kernel_fallback, which
   * runs the runtime's registered CPU kernel for it (also LIBRARY). */
  MXC_KERNEL_FALLBACK = 2,
};

typedef struct mxc_value {
  const char *name;     /**< argument/output name, or "<node>_<output>" for temps */
  int32_t kind;         /**< mxc_value_kind */
  int32_t dtype;        /**< MXNet dtype code (0 float32, 1 float64, ...) */
  int32_t ndim;         /**< rank; shape has ndim entries */
  int32_t buffer;       /**< MXC_VALUE_TEMP: index into mxc_manifest.buffers; else -1 */
  const int64_t *shape; /**< static extents */
  int64_t offset;       /**< MXC_VALUE_TEMP: byte offset in the buffer; else 0 */
  int32_t grad_of;      /**< GRAD: its argument's value index; HEAD_GRAD: its output's; else -1 */
  int32_t reserved;
} mxc_value;

/** One planned chunk of the arena. The executor gives each byte range a
 * value occupies its own engine variable (shared with overlapping ranges),
 * so kernels on disjoint bytes may run in parallel and reuse of bytes is
 * ordered by the engine. */
typedef struct mxc_buffer {
  int64_t bytes;
  int64_t alignment;
} mxc_buffer;

typedef void (*mxc_kernel_fn)(void *const *args);

typedef struct mxc_kernel {
  const char *name; /**< the graph node ("fc1"), or a pass's name for it */
  const char *op;   /**< the MXNet operator ("FullyConnected") */
  mxc_kernel_fn fn;
  const int32_t *args; /**< value indices; the pointers fn receives, in order */
  const int32_t *deps; /**< kernels of the same entry this one must follow */
  int32_t num_args;
  int32_t num_reads; /**< args[0, num_reads) are read, the rest written */
  int32_t num_deps;
  int32_t flags; /**< mxc_kernel_flags */
} mxc_kernel;

typedef struct mxc_entry {
  const char *name;          /**< "forward_infer", "forward_train", "backward" */
  const mxc_kernel *kernels; /**< in a valid execution order */
  int32_t num_kernels;
  int32_t reserved;
} mxc_entry;

typedef struct mxc_manifest {
  uint32_t abi_version; /**< MXC_MODULE_ABI_VERSION of the compiler */
  uint32_t num_values;
  const char *compiler_version;
  const char *target;     /**< "cpu:znver4", "cpu:x86-64-v3", ... */
  const char *graph_hash; /**< the cache key the module was built for */
  const mxc_value *values;
  const mxc_buffer *buffers;
  const mxc_entry *entries; /**< MXC_NUM_ENTRIES of them */
  uint32_t num_buffers;
  uint32_t num_entries;
  /** FNV-1a 64 over the manifest's contents (names, shapes, args, ...):
   * catches a module whose data does not match what the compiler wrote. */
  uint64_t checksum;
} mxc_manifest;

typedef const mxc_manifest *(*mxc_module_manifest_fn)(void);

/* ---- library routines compiled kernels call (exported by libmxrt) ------ */

/** C += op(A) op(B) for `batch` products (row-major, leading dimensions
 * lda/ldb/ldc, batch strides in elements); dtype 0 float32, 1 float64;
 * transA/transB non-zero: A is stored (K, M) / B is stored (N, K). Runs
 * OpenBLAS split over the engine's CPU workers (parallelFor). */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void mxrt_kernel_gemm(int32_t dtype, int32_t transA, int32_t transB, int64_t batch, int64_t M,
                      int64_t N, int64_t K, const void *A, int64_t lda, int64_t strideA,
                      const void *B, int64_t ldb, int64_t strideB, void *C, int64_t ldc,
                      int64_t strideC);

/** The memory a kernel allocates for its own temporaries (MLIR's generic
 * allocation functions, which memref.alloc/dealloc lower to): blocks of
 * 1 MiB or more are cached for reuse instead of being mapped and unmapped
 * on every call (runtime/module/scratch.cc). Thread-safe. */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void *_mlir_memref_to_llvm_alloc(size_t bytes);
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t bytes);
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void _mlir_memref_to_llvm_free(void *ptr);

/** Runs the runtime's registered CPU kernel (OpImpl::cpu) of an op that
 * the compiler cannot lower, synchronously on the calling thread. The
 * descriptor is constant text the compiler embeds, one item per line:
 *
 *   mxc-fallback 1
 *   op <MXNet op name>
 *   node <node name>
 *   train 0|1            OpContext::isTrain
 *   attr <key>=<value>   per explicit attribute, MXNet's string form
 *   in <dtype> <d0,d1,...>   per input, in order (empty dims: a scalar)
 *   out <dtype> <dims>       per output, hidden ones included
 *   mutate <input index>     per input the op updates in place
 *   rng                  the op draws random numbers
 *
 * args: the inputs, the outputs, per `mutate` line the array receiving
 * that input's new value, then (with `rng`) the executor's int64[2]
 * random state (seed, counter), whose counter advances by the draws.
 * It parses a descriptor once (cached by its text). It never throws: an
 * error (a bad descriptor, the kernel's mxrt::Error) is kept for the
 * caller, which the Executor rethrows so that it surfaces at the next wait
 * on the kernel's outputs. */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void mxrt_kernel_fallback(const char *descriptor, void *const *args);

/** y += conv(x, w), channel-first 2-D (1-D: H = KH = OH = 1): x (N, C, H, W),
 * w (F, C/G, KH, KW), y (N, F, OH, OW), all dense; stride (sh, sw), zero
 * padding (ph, pw), dilation (dh, dw), G groups. im2col + GEMM per image,
 * parallel over the images (parallelFor). dtype 0 float32, 1 float64. */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void mxrt_kernel_conv2d(int32_t dtype, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
                        int64_t G, int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh,
                        int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,
                        const void *x, const void *w, void *y);

/** y += the transposed convolution of x (MXNet's Deconvolution, the data
 * gradient of a convolution): x (N, C, H, W), w (C, F/G, KH, KW), y (N, F,
 * OH, OW) with y[oy] gathering x[iy] for oy = iy * sh - ph + ky * dh (and
 * likewise along W). GEMM + col2im per image, parallel over the images. */
#if defined(__GNUC__)
__attribute__((visibility("default")))
#endif
void mxrt_kernel_deconv2d(int32_t dtype, int64_t N, int64_t C, int64_t H, int64_t W, int64_t F,
                          int64_t G, int64_t KH, int64_t KW, int64_t OH, int64_t OW, int64_t sh,
                          int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,
                          const void *x, const void *w, void *y);

/* ---- the checksum, defined once for the compiler and the loader -------- */

static inline uint64_t mxc_fnv1a(uint64_t h, const void *data, uint64_t n) {
  const unsigned char *p = (const unsigned char *)data;
  for (uint64_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

static inline uint64_t mxc_fnv1a_str(uint64_t h, const char *s) {
  uint64_t n = 0;
  if (s)
    while (s[n])
      ++n;
  h = mxc_fnv1a(h, &n, sizeof n);
  return mxc_fnv1a(h, s, n);
}

static inline uint64_t mxc_fnv1a_i64(uint64_t h, int64_t v) { return mxc_fnv1a(h, &v, sizeof v); }

/** The checksum over everything but function pointers and the checksum
 * field itself (those are the linker's business). */
static inline uint64_t mxc_manifest_checksum(const mxc_manifest *m) {
  uint64_t h = 14695981039346656037ull;
  h = mxc_fnv1a_i64(h, m->abi_version);
  h = mxc_fnv1a_str(h, m->compiler_version);
  h = mxc_fnv1a_str(h, m->target);
  h = mxc_fnv1a_str(h, m->graph_hash);
  h = mxc_fnv1a_i64(h, m->num_values);
  for (uint32_t i = 0; i < m->num_values; ++i) {
    const mxc_value *v = &m->values[i];
    h = mxc_fnv1a_str(h, v->name);
    h = mxc_fnv1a_i64(h, v->kind);
    h = mxc_fnv1a_i64(h, v->dtype);
    h = mxc_fnv1a_i64(h, v->ndim);
    for (int32_t d = 0; d < v->ndim; ++d)
      h = mxc_fnv1a_i64(h, v->shape[d]);
    h = mxc_fnv1a_i64(h, v->buffer);
    h = mxc_fnv1a_i64(h, v->offset);
    h = mxc_fnv1a_i64(h, v->grad_of);
  }
  h = mxc_fnv1a_i64(h, m->num_buffers);
  for (uint32_t i = 0; i < m->num_buffers; ++i) {
    h = mxc_fnv1a_i64(h, m->buffers[i].bytes);
    h = mxc_fnv1a_i64(h, m->buffers[i].alignment);
  }
  h = mxc_fnv1a_i64(h, m->num_entries);
  for (uint32_t e = 0; e < m->num_entries; ++e) {
    const mxc_entry *entry = &m->entries[e];
    h = mxc_fnv1a_str(h, entry->name);
    h = mxc_fnv1a_i64(h, entry->num_kernels);
    for (int32_t k = 0; k < entry->num_kernels; ++k) {
      const mxc_kernel *kernel = &entry->kernels[k];
      h = mxc_fnv1a_str(h, kernel->name);
      h = mxc_fnv1a_str(h, kernel->op);
      h = mxc_fnv1a_i64(h, kernel->num_args);
      for (int32_t a = 0; a < kernel->num_args; ++a)
        h = mxc_fnv1a_i64(h, kernel->args[a]);
      h = mxc_fnv1a_i64(h, kernel->num_reads);
      h = mxc_fnv1a_i64(h, kernel->num_deps);
      for (int32_t d = 0; d < kernel->num_deps; ++d)
        h = mxc_fnv1a_i64(h, kernel->deps[d]);
      h = mxc_fnv1a_i64(h, kernel->flags);
    }
  }
  return h;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MXRT_MODULE_ABI_H_ */
