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

/* ---- operators (the op table) and imperative invocation --------------- */

/** An operator of the op table (mxrt/op_table.h); valid for the process. */
typedef const struct mxrtOp *mxrtOpHandle;
/** An operator with parsed attributes, reusable for many invocations. */
typedef struct mxrtOpAttrs *mxrtOpAttrsHandle;

/** Attribute kinds (mxrt::AttrKind, in that order). */
enum {
  mxrtAttrInt = 0, mxrtAttrOptInt, mxrtAttrFloat, mxrtAttrOptFloat, mxrtAttrBool, mxrtAttrEnum,
  mxrtAttrOptEnum, mxrtAttrStr, mxrtAttrShape, mxrtAttrOptShape, mxrtAttrDType, mxrtAttrOptDType,
  mxrtAttrOptBool, mxrtAttrIntOrNoneTuple
};
/** When an input exists (mxrt::CondOp): always, attribute truthy/falsy,
 * attribute == or != cond_value. */
enum { mxrtCondAlways = 0, mxrtCondTruthy, mxrtCondFalsy, mxrtCondEq, mxrtCondNe };

typedef struct {
  const char *name;
  int optional;  /**< may be left out */
  int variadic;  /**< stands for num_args inputs (the op's num_args_attr) */
  const char *cond_attr; /**< "" when cond is mxrtCondAlways */
  int cond;
  const char *cond_value;
} mxrtOpInputInfo;

typedef struct {
  const char *name;
  int kind;              /**< mxrtAttr* */
  const char *dflt;      /**< MXNet's string form ("" when required) */
  int required;
  uint32_t num_choices;  /**< Enum and DType kinds */
  const char *const *choices;
} mxrtOpAttrInfo;

/** Everything the op table says about one operator. Strings are NUL-terminated
 * and live as long as the process. */
typedef struct {
  const char *name; /**< MXNet's registered name */
  const char *summary;
  const char *description;
  uint32_t num_aliases;
  const char *const *aliases;
  uint32_t num_inputs;
  const mxrtOpInputInfo *inputs;
  uint32_t num_attrs;
  const mxrtOpAttrInfo *attrs;
  int num_outputs;               /**< when num_outputs_expr is "" */
  const char *num_outputs_expr;  /**< count expression over attributes, or "" */
  const char *visible_outputs;   /**< count expression, or "" (all) */
  uint32_t num_output_names;
  const char *const *output_names;
  const char *num_args_attr;     /**< the count attribute of variadic inputs, or "" */
  uint32_t num_mutate_inputs;    /**< auxiliary-state inputs, updated in place */
  const int *mutate_inputs;
  int is_loss;
  int no_gradient;
  const char *name_hint;         /**< automatic node names: hint + counter */
  int internal;                  /**< created by compiler passes only: not an MXNet operator */
  uint32_t num_input_inits;      /**< "input:initializer" pairs: the `__init__` MXNet sets on */
  const char *const *input_inits; /**< variables composed into those inputs ("moving_mean:zero") */
  int has_cpu_kernel;             /**< the runtime registered a CPU kernel (imperative calls, and
                                       compiled modules for ops without a lowering) */
} mxrtOpInfo;

/** Number of operators in the table; mxrtOpGet(i) for i < that count. */
MXRT_API int mxrtOpCount(uint32_t *out);
MXRT_API int mxrtOpGet(uint32_t index, mxrtOpHandle *out);
/** The operator with this name or alias; an error naming it if none. */
MXRT_API int mxrtOpFind(const char *name, mxrtOpHandle *out);
/** The operator's table entry; *out lives as long as the process. */
MXRT_API int mxrtOpGetInfo(mxrtOpHandle op, const mxrtOpInfo **out);

/** Parses attributes given in MXNet's string forms ("True", "(3, 3)",
 * "None", "0.9") against the op's table entry: unknown names, bad values and
 * missing required ones are errors naming the op and the attribute. Keys
 * "__name__"-style (hidden) pass through. */
MXRT_API int mxrtOpAttrsCreate(mxrtOpHandle op, uint32_t num_attrs, const char *const *keys,
                               const char *const *vals, mxrtOpAttrsHandle *out);
MXRT_API int mxrtOpAttrsFree(mxrtOpAttrsHandle attrs);
/** Number of outputs (*out_num) and of those a user sees (*out_visible). */
MXRT_API int mxrtOpAttrsNumOutputs(mxrtOpAttrsHandle attrs, int *out_num, int *out_visible);

/** What a graph node with these attributes looks like (symbol composition):
 * its input names (no `bias` when no_bias; variadic inputs expanded to
 * arg0..argN-1), the outputs symbol JSON's node_row_ptr counts (hidden ones
 * included) and the output names ("output", "output0", "mean"). The string
 * arrays stay valid until the next call on this thread. */
MXRT_API int mxrtOpAttrsGraphInfo(mxrtOpAttrsHandle attrs, uint32_t *out_num_inputs,
                                  const char *const **out_input_names, int *out_json_outputs,
                                  uint32_t *out_num_output_names,
                                  const char *const **out_output_names);

/** Runs an operator on NDArrays, asynchronously: the call returns once the
 * op is pushed to the engine; errors inside it surface at the next wait on
 * its outputs. Shapes and dtypes are inferred (errors name the op, the
 * input and the expected vs given shape or dtype). Variadic ops get their
 * num_args from num_inputs when it is not given; init ops with no input use
 * their "ctx" attribute (default cpu(0)).
 * Outputs: if *outputs is null, new arrays are created and *outputs points
 * to *num_outputs (visible) handles owned by the caller, the array itself
 * valid until the next invocation on this thread; otherwise *outputs holds
 * *num_outputs arrays to write (all outputs, or the visible ones). */
MXRT_API int mxrtImperativeInvoke(mxrtOpHandle op, uint32_t num_inputs,
                                  const mxrtNDArrayHandle *inputs, uint32_t num_attrs,
                                  const char *const *keys, const char *const *vals,
                                  int *num_outputs, mxrtNDArrayHandle **outputs);
/** mxrtImperativeInvoke with attributes parsed once (the fast path of
 * Python's operators). */
MXRT_API int mxrtImperativeInvokeAttrs(mxrtOpAttrsHandle attrs, uint32_t num_inputs,
                                       const mxrtNDArrayHandle *inputs, int *num_outputs,
                                       mxrtNDArrayHandle **outputs);

/** mx.random.seed: reseeds every device's generator (dev_type -1) or one
 * device's. Seeding is ordered with the random ops pushed before and after
 * it: the same seed followed by the same calls draws the same numbers. */
MXRT_API int mxrtRandomSeed(uint64_t seed, int dev_type, int dev_id);

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

/* ---- KVStore (mxrt/kvstore.h) ------------------------------------------ */

/** A key-value store. */
typedef struct mxrtKVStore *mxrtKVStoreHandle;

/** An updater: merges recv (the sum of one push's values for the key) into
 * stored. key is the int key; str_key is its name for a store with string
 * keys, else null. recv and stored are new handles the callee frees. It runs
 * on an engine worker thread, in push order; it may push ops on the arrays
 * but not wait on them. Returns 0, or -1 after mxrtSetLastError. */
typedef int (*mxrtKVUpdaterFn)(int key, const char *str_key, mxrtNDArrayHandle recv,
                               mxrtNDArrayHandle stored, void *user_data);

/** MXNet's kv.create(type): "local", "device", "dist_sync", "dist_async", ... */
MXRT_API int mxrtKVStoreCreate(const char *type, mxrtKVStoreHandle *out);
/** Frees the handle (null is allowed); pending pushes and pulls still complete. */
MXRT_API int mxrtKVStoreFree(mxrtKVStoreHandle handle);
/** The lower-cased type; valid while the store lives. */
MXRT_API int mxrtKVStoreGetType(mxrtKVStoreHandle handle, const char **out);
MXRT_API int mxrtKVStoreGetRank(mxrtKVStoreHandle handle, int *out);
MXRT_API int mxrtKVStoreGetNumWorkers(mxrtKVStoreHandle handle, int *out);

/* Keys: num entries of either keys (int) or str_keys (names), the other
 * null; entry i goes with arrays[i] and a key may repeat (values for one
 * key are summed, outs for one key all receive it). A store uses one kind
 * of key for its life ("Mixed key types are not allowed"). */

/** Stores a copy of each value ("duplicate init of key K" if inited before). */
MXRT_API int mxrtKVStoreInit(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                             const char *const *str_keys, const mxrtNDArrayHandle *values);
/** Sums each key's values, then runs the updater (or assigns); returns at once. */
MXRT_API int mxrtKVStorePush(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                             const char *const *str_keys, const mxrtNDArrayHandle *values,
                             int priority);
/** Copies each key's value into its out arrays; returns at once. */
MXRT_API int mxrtKVStorePull(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                             const char *const *str_keys, const mxrtNDArrayHandle *outs,
                             int priority, int ignore_sparse);
/** Push of (keys, values), then pull of (out_keys, outs); both of one key kind. */
MXRT_API int mxrtKVStorePushPull(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                                 const char *const *str_keys, const mxrtNDArrayHandle *values,
                                 uint32_t num_out, const int *out_keys,
                                 const char *const *out_str_keys, const mxrtNDArrayHandle *outs,
                                 int priority);
/** Init of (keys, values), then pull of (out_keys, outs). */
MXRT_API int mxrtKVStoreBroadcast(mxrtKVStoreHandle handle, uint32_t num, const int *keys,
                                  const char *const *str_keys, const mxrtNDArrayHandle *values,
                                  uint32_t num_out, const int *out_keys,
                                  const char *const *out_str_keys,
                                  const mxrtNDArrayHandle *outs, int priority);
/** Sets the updater (fn null: assignment). deleter(user_data), if not null,
 * runs once the store and every pending update no longer need it (on any
 * thread; also when this call fails). */
MXRT_API int mxrtKVStoreSetUpdater(mxrtKVStoreHandle handle, mxrtKVUpdaterFn fn, void *user_data,
                                   void (*deleter)(void *));
/** Waits until every update pushed so far has run; reports an update's error. */
MXRT_API int mxrtKVStoreWaitUpdates(mxrtKVStoreHandle handle);
/** Waits for every worker (no-op for local stores). */
MXRT_API int mxrtKVStoreBarrier(mxrtKVStoreHandle handle);

/* Distributed jobs (libmxrt_mpi, loaded on first use): every process of
 * the job is a worker or a server (docs/distributed.md). */

/** This process's role: 0 worker, 1 server. Starts MPI, which waits for
 * every process of the job; error when libmxrt_mpi is missing. */
MXRT_API int mxrtKVStoreGetRole(int *out);
/** A server command: head (0: a pickled optimizer) and body, as MXNet's
 * controller receives them. Returns 0, or -1 after mxrtSetLastError (the
 * sending worker gets the error). */
typedef int (*mxrtKVControllerFn)(int head, const char *body, size_t body_len, void *user_data);
/** MXNet's _send_command_to_servers: rank 0 sends, and returns once every
 * server ran the command; other workers return at once. */
MXRT_API int mxrtKVStoreSendCommandToServers(mxrtKVStoreHandle handle, int head,
                                             const char *body, size_t body_len);
/** In a server process: serves until every worker has closed, running
 * commands through controller on this thread (so do the updates). */
MXRT_API int mxrtKVStoreRunServer(mxrtKVStoreHandle handle, mxrtKVControllerFn controller,
                                  void *user_data);

/* ---- compiled modules (mxrt/module.h) ---------------------------------- */

/** A compiled module (.so from `mxc compile`) and a module bound to arrays. */
typedef struct mxrtModule *mxrtModuleHandle;
typedef struct mxrtExecutor *mxrtExecutorHandle;

/** Value kinds for mxrtModuleListNames. HeadGrads: the head gradients
 * mxrtExecutorBackward takes, in order ("<output>_head_grad", one per
 * output that is not a loss layer). */
enum {
  mxrtModuleArguments = 0,
  mxrtModuleAuxStates = 1,
  mxrtModuleOutputs = 2,
  mxrtModuleHeadGrads = 3
};

/** Loads and validates a module; errors name the file and the problem. */
MXRT_API int mxrtModuleLoad(const char *path, mxrtModuleHandle *out);
/** Releases the handle (executors keep the module loaded while they live). */
MXRT_API int mxrtModuleFree(mxrtModuleHandle module);
/** The names of the module's arguments, auxiliary states, outputs or head
 * gradients (kind: mxrtModuleArguments/AuxStates/Outputs/HeadGrads), valid
 * while the module lives. */
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
