/* infer_api.h - shape and type inference on symbol JSON through the
 * compiler's passes, for the Python frontend (Symbol.infer_shape,
 * infer_shape_partial, infer_type) and other embedders.
 *
 * The graph is imported as the compiler imports any symbol JSON and the
 * passes mx-infer-shape / mx-infer-type run over it, so Python and
 * `mxc compile` agree on every shape. Both functions return 0 and set
 * *out_result to a JSON object, or return -1 and set *out_result to the
 * error message (MXNet's words, naming the node and the conflicting shapes
 * or dtypes). *out_result stays valid until the next call on this thread.
 * No exception or abort escapes.
 */
#ifndef MXC_INFER_API_H_
#define MXC_INFER_API_H_

#ifdef __cplusplus
extern "C" {
#endif

#define MXC_INFER_API __attribute__((visibility("default")))

/** Shapes of the arguments, auxiliary states and outputs.
 *   shapes: "data:100,100;label:100" for the arguments whose shapes are
 *           given (a dim 0 or -1 is unknown, as MXNet 1.x); may be null.
 *   result: {"arguments": [...], "aux": [...], "outputs": [...]} where a
 *           shape is a list of dims (-1 unknown) or null (rank unknown),
 *           in list_arguments / list_auxiliary_states / list_outputs
 *           order; "argument_names" and "aux_names" name them. */
MXC_INFER_API int mxcInferShape(const char *symbol_json, const char *shapes,
                                const char **out_result);

/** Element types, likewise: dtypes "data:float16;label:int32" (may be
 * null); the result lists dtype names ("float32") or null where unknown.
 * Nothing gets a default type (MXNet's infer_type). */
MXC_INFER_API int mxcInferType(const char *symbol_json, const char *dtypes,
                               const char **out_result);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MXC_INFER_API_H_ */
