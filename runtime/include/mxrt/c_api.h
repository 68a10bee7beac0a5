/* c_api.h - the C interface of libmxrt, for the Python extension and for
 * deployers who load the runtime from C.
 *
 * Conventions (all functions): the return value is 0 on success and -1 on
 * error; mxrtGetLastError() then gives the message (kept per thread, until
 * the next failing call on that thread). Output parameters are zeroed on
 * entry, so they are null/0 after an error. No function lets an exception or
 * an abort escape. Handles are opaque; every mxrtNDArrayHandle a function
 * hands out must be released with mxrtNDArrayFree. Views (slice, at,
 * reshape) are new handles that share memory with their source.
 *
 * Codes are MXNet's: dtype 0 float32, 1 float64, 2 float16, 3 uint8,
 * 4 int32, 5 int8, 6 int64, 7 bool, 8 int16, 9 uint16, 10 uint32,
 * 11 uint64, 12 bfloat16; dev_type 1 cpu, 2 gpu, 3 cpu_pinned, 5 cpu_shared.
 */
#ifndef MXRT_C_API_H_
#define MXRT_C_API_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define MXRT_API __declspec(dllexport)
#else
#define MXRT_API __attribute__((visibility("default")))
#endif

/** An NDArray (or a view of one). */
typedef struct mxrtNDArray *mxrtNDArrayHandle;
/** An engine variable: the unit of dependency tracking. */
typedef struct mxrtVar *mxrtVarHandle;

/** Record layouts for saving (see mxrt/ndarray_io.h ShapeSemantics). */
enum { mxrtShapeAuto = 0, mxrtShapeLegacy = 1, mxrtShapeNumpy = 2 };

/* ---- errors and the library ------------------------------------------ */

/** The message of the last failed call on this thread ("" if none). */
MXRT_API const char *mxrtGetLastError(void);
/** Sets this thread's last error; lets an engine callback explain a failure. */
MXRT_API int mxrtSetLastError(const char *message);
/** major * 10000 + minor * 100 + patch. */
MXRT_API int mxrtGetVersion(int *out);
/** Number of usable GPUs (0 without CUDA, driver or device). */
MXRT_API int mxrtNumGPUs(int *out);

/* ---- NDArray ---------------------------------------------------------- */

/** A new array of uninitialised memory; shape has ndim entries (ndim 0: a scalar). */
MXRT_API int mxrtNDArrayCreate(const int64_t *shape, int ndim, int dtype, int dev_type,
                               int dev_id, mxrtNDArrayHandle *out);
/** MXNet's "none" array: no shape, no memory. */
MXRT_API int mxrtNDArrayCreateNone(mxrtNDArrayHandle *out);
/** Wraps caller-owned memory without copying. deleter(deleter_arg), if not
 * null, runs once after the last handle is freed and every pending op on the
 * array has run (also when this call fails). */
MXRT_API int mxrtNDArrayCreateFromExternal(void *data, const int64_t *shape, int ndim, int dtype,
                                           int dev_type, int dev_id, void (*deleter)(void *),
                                           void *deleter_arg, mxrtNDArrayHandle *out);
/** Releases a handle (null is allowed). Memory goes when the last view goes. */
MXRT_API int mxrtNDArrayFree(mxrtNDArrayHandle handle);

/** ndim (-1 for a none array) and a pointer to the dims, valid while the handle lives. */
MXRT_API int mxrtNDArrayGetShape(mxrtNDArrayHandle handle, int *out_ndim,
                                 const int64_t **out_dims);
MXRT_API int mxrtNDArrayGetDType(mxrtNDArrayHandle handle, int *out_dtype);
MXRT_API int mxrtNDArrayGetContext(mxrtNDArrayHandle handle, int *out_dev_type, int *out_dev_id);
/** The data pointer (host or device memory); read it only after a wait. */
MXRT_API int mxrtNDArrayGetData(mxrtNDArrayHandle handle, void **out_data);
/** The array's engine variable, valid while the array (any view) lives. */
MXRT_API int mxrtNDArrayGetVar(mxrtNDArrayHandle handle, mxrtVarHandle *out);

/** Waits for pending writes, then copies nbytes (exactly the array's size)
 * between the array and host memory. */
MXRT_API int mxrtNDArraySyncCopyFromCPU(mxrtNDArrayHandle handle, const void *data,
                                        size_t nbytes);
MXRT_API int mxrtNDArraySyncCopyToCPU(mxrtNDArrayHandle handle, void *data, size_t nbytes);
/** Pushes a copy of src into dst (same shape; any devices; dtypes are cast). */
MXRT_API int mxrtNDArrayCopyTo(mxrtNDArrayHandle src, mxrtNDArrayHandle dst);
/** Waits for pending writes (read) or for every pending access (write);
 * reports the error of a failed op that wrote the array. */
MXRT_API int mxrtNDArrayWaitToRead(mxrtNDArrayHandle handle);
MXRT_API int mxrtNDArrayWaitToWrite(mxrtNDArrayHandle handle);
/** Waits for every pushed op; reports the first error since the last call. */
MXRT_API int mxrtNDArrayWaitAll(void);

/** Rows [begin, end) along the first axis. */
MXRT_API int mxrtNDArraySlice(mxrtNDArrayHandle handle, int64_t begin, int64_t end,
                              mxrtNDArrayHandle *out);
/** Row index along the first axis, one rank less. */
MXRT_API int mxrtNDArrayAt(mxrtNDArrayHandle handle, int64_t index, mxrtNDArrayHandle *out);
/** MXNet's Reshape: spec may hold 0, -1, -2, -3, -4; reverse != 0 matches from the right. */
MXRT_API int mxrtNDArrayReshape(mxrtNDArrayHandle handle, const int64_t *spec, int ndim,
                                int reverse, mxrtNDArrayHandle *out);

/* ---- NDArray files (mx.nd.save / mx.nd.load) --------------------------- */

/** Saves num arrays; names is null (a list) or num NUL-terminated names (a
 * dict). semantics: mxrtShapeAuto/Legacy/Numpy. The file is replaced atomically. */
MXRT_API int mxrtNDArraySave(const char *fname, uint32_t num, const mxrtNDArrayHandle *arrays,
                             const char *const *names, int semantics);
/** Loads a file. *out_arrays (num handles, each to be freed by the caller)
 * and *out_names (num_names strings, 0 for a list) stay valid until the next
 * load call on this thread. */
MXRT_API int mxrtNDArrayLoad(const char *fname, uint32_t *out_num, mxrtNDArrayHandle **out_arrays,
                             uint32_t *out_num_names, const char ***out_names);
/** mxrtNDArrayLoad for a file's bytes held in memory. */
MXRT_API int mxrtNDArrayLoadFromBuffer(const void *buf, size_t size, uint32_t *out_num,
                                       mxrtNDArrayHandle **out_arrays, uint32_t *out_num_names,
                                       const char ***out_names);
/** One record without the file header (NDArray pickling). *out_buf stays
 * valid until the next SaveRawBytes call on this thread. */
MXRT_API int mxrtNDArraySaveRawBytes(mxrtNDArrayHandle handle, int semantics, size_t *out_size,
                                     const char **out_buf);
MXRT_API int mxrtNDArrayLoadFromRawBytes(const void *buf, size_t size, mxrtNDArrayHandle *out);

/* ---- engine ----------------------------------------------------------- */

/** An op body: gets the user pointer and, on a GPU, its cudaStream_t.
 * Returns 0 on success; non-zero fails the op (call mxrtSetLastError first to
 * say why). The failure reaches the next wait on a variable the op writes. */
typedef int (*mxrtEngineFn)(void *user_data, void *stream);

/** A variable of one's own, for ordering callbacks on things that are not arrays. */
MXRT_API int mxrtEngineNewVar(mxrtVarHandle *out);
/** Deletes a variable from mxrtEngineNewVar once the ops pushed on it have run. */
MXRT_API int mxrtEngineDeleteVar(mxrtVarHandle var);
/** Pushes fn to run on (dev_type, dev_id) after earlier ops on the variables
 * it reads and writes (a variable may not be in both lists). deleter, if not
 * null, runs once with user_data after fn ran or was skipped (also when this
 * call fails). name (may be null) names the op in errors. */
MXRT_API int mxrtEnginePush(mxrtEngineFn fn, void *user_data, void (*deleter)(void *),
                            int dev_type, int dev_id, const mxrtVarHandle *reads,
                            uint32_t num_reads, const mxrtVarHandle *writes, uint32_t num_writes,
                            const char *name);
/** Waits until the ops pushed so far that write var have run. */
MXRT_API int mxrtEngineWaitForVar(mxrtVarHandle var);

/* ---- compiled modules (mxrt/module.h) ---------------------------------- */

/** A compiled module (.so from `mxc compile`) and a module bound to arrays. */
typedef struct mxrtModule *mxrtModuleHandle;
typedef struct mxrtExecutor *mxrtExecutorHandle;

/** Value kinds for mxrtModuleListNames. */
enum { mxrtModuleArguments = 0, mxrtModuleAuxStates = 1, mxrtModuleOutputs = 2 };

/** Loads and validates a module; errors name the file and the problem. */
MXRT_API int mxrtModuleLoad(const char *path, mxrtModuleHandle *out);
/** Releases the handle (executors keep the module loaded while they live). */
MXRT_API int mxrtModuleFree(mxrtModuleHandle module);
/** The names of the module's arguments, auxiliary states or outputs (kind:
 * mxrtModuleArguments/AuxStates/Outputs), valid while the module lives. */
MXRT_API int mxrtModuleListNames(mxrtModuleHandle module, int kind, uint32_t *out_num,
                                 const char *const **out_names);
/** Shape and dtype of the i-th value of a kind, valid while the module lives. */
MXRT_API int mxrtModuleGetInfo(mxrtModuleHandle module, int kind, uint32_t index, int *out_ndim,
                               const int64_t **out_dims, int *out_dtype);
/** Binds arrays: num_args arguments and num_aux auxiliary states in
 * mxrtModuleListNames order (checked against the compiled shapes and
 * dtypes), arg_grads null or num_args entries (null where no gradient).
 * Outputs are allocated on (dev_type, dev_id). */
MXRT_API int mxrtModuleBind(mxrtModuleHandle module, int dev_type, int dev_id, uint32_t num_args,
                            const mxrtNDArrayHandle *args, const mxrtNDArrayHandle *arg_grads,
                            uint32_t num_aux, const mxrtNDArrayHandle *aux,
                            mxrtExecutorHandle *out);
/** Pushes the forward pass (is_train != 0: the training form); returns at
 * once, wait on the outputs. */
MXRT_API int mxrtExecutorForward(mxrtExecutorHandle exec, int is_train);
/** Pushes the backward pass; head_grads: one per head gradient, or none. */
MXRT_API int mxrtExecutorBackward(mxrtExecutorHandle exec, uint32_t num_head_grads,
                                  const mxrtNDArrayHandle *head_grads);
/** New handles to the outputs (free each with mxrtNDArrayFree); the array
 * of handles stays valid until the next call on this thread. */
MXRT_API int mxrtExecutorOutputs(mxrtExecutorHandle exec, uint32_t *out_num,
                                 mxrtNDArrayHandle **out_outputs);
MXRT_API int mxrtExecutorFree(mxrtExecutorHandle exec);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MXRT_C_API_H_ */
