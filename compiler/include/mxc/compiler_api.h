/* compiler_api.h - the C interface of the mxc compiler, for the Python
 * extension (bind / simple_bind) and for embedders who compile at run time.
 *
 * Conventions as libmxrt's C API (mxrt/c_api.h): 0 on success, -1 on
 * error with the message in mxcGetLastError() (per thread); outputs are
 * zeroed on entry; no exception or abort escapes.
 */
#ifndef MXC_COMPILER_API_H_
#define MXC_COMPILER_API_H_

#ifdef __cplusplus
extern "C" {
#endif

#define MXC_API __attribute__((visibility("default")))

/** The message of the last failed call on this thread ("" if none). */
MXC_API const char *mxcGetLastError(void);

/** Compiles a graph (symbol JSON text) through the module cache and gives
 * the path of the module (.so), valid until the next call on this thread.
 *   shapes:  "data:1,3,224,224;softmax_label:1" (every input's shape)
 *   dtypes:  "data:float32" (may be null or empty: float32)
 *   target:  "cpu", "cpu:x86-64-v3", ... (null: "cpu")
 *   options: space-separated flags as `mxc compile` takes them: "-O2",
 *            "--train", "--grad-req=data:null,w:add" (grad_req per
 *            argument, default write), "--no-plan-memory",
 *            "--gemm=generated" (may be null)
 *   out_cache_hit (may be null): 1 when nothing had to be compiled. */
MXC_API int mxcCompile(const char *symbol_json, const char *shapes, const char *dtypes,
                       const char *target, const char *options, const char **out_path,
                       int *out_cache_hit);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MXC_COMPILER_API_H_ */
