//===- MxInitOps.td - arrays created from attributes --------*- tablegen -*-===//
//
// Source ops: no inputs, the output's shape and dtype come from attributes.
// `ctx` names the device in MXNet's string form ("cpu(0)"); empty means the
// current default.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INIT_OPS_TD
#define MX_INIT_OPS_TD

include "MxBase.td"

defvar MxInitDTypes = ["bfloat16", "bool", "float16", "float32", "float64", "int32", "int64",
                       "int8", "uint8"];
defvar MxRangeDTypes = ["bfloat16", "float16", "float32", "float64", "int32", "int64", "int8",
                        "uint8"];

def Mx_ZerosOp : Mx_Op<"_zeros", [Pure]> {
  let summary = "An array of zeros";
  let description = [{
    Example: _zeros(shape=(2, 3)) -> (2, 3) float32 zeros.
  }];
  let arguments = (ins MxShape<"()">:$shape, MxStr<"">:$ctx,
                   MxDType<"float32", MxInitDTypes>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_ZerosWithoutDTypeOp : Mx_Op<"_zeros_without_dtype", [Pure]> {
  let summary = "An array of zeros whose dtype is inferred from its consumers";
  let description = [{
    `dtype` is a type code, -1 (the default) leaving it to inference.

    Example: _zeros_without_dtype(shape=(2,)) + x (float16) is float16.
  }];
  let arguments = (ins MxOptShape:$shape, MxStr<"">:$ctx, MxInt<"-1">:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_OnesOp : Mx_Op<"_ones", [Pure]> {
  let summary = "An array of ones";
  let description = [{
    Example: _ones(shape=(2,), dtype='int32') = [1, 1].
  }];
  let arguments = (ins MxShape<"()">:$shape, MxStr<"">:$ctx,
                   MxDType<"float32", MxInitDTypes>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_FullOp : Mx_Op<"_full", [Pure]> {
  let summary = "An array filled with a value";
  let description = [{
    Example: _full(shape=(2,), value=7) = [7, 7].
  }];
  let arguments = (ins MxOptShape:$shape, MxStr<"">:$ctx,
                   MxDType<"float32", MxInitDTypes>:$dtype, MxFloatReq:$value);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_ArangeOp : Mx_Op<"_arange", [Pure]> {
  let summary = "Evenly spaced values in [start, stop) with a step, each repeated";
  let description = [{
    Without `stop` the range is [0, start). The length is
    ceil((stop - start) / step) * repeat. `infer_range` takes the length
    from the consumer instead (stop is then ignored).

    Example: _arange(start=0, stop=5, step=2, repeat=2) = [0, 0, 2, 2, 4, 4].
  }];
  let arguments = (ins MxFloatReq:$start, MxOptFloat<>:$stop, MxFloat<"1">:$step,
                   MxInt<"1">:$repeat, MxBool<"False">:$infer_range, MxStr<"">:$ctx,
                   MxDType<"float32", MxRangeDTypes>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_LinspaceOp : Mx_Op<"_linspace", [Pure]> {
  let summary = "`num` evenly spaced values from start to stop";
  let description = [{
    `stop` is included unless `endpoint` is false.

    Example: _linspace(start=0, stop=1, num=5) = [0, 0.25, 0.5, 0.75, 1].
  }];
  let arguments = (ins MxFloatReq:$start, MxFloatReq:$stop, MxIntReq:$num,
                   MxBool<"True">:$endpoint, MxStr<"">:$ctx,
                   MxDType<"float32", MxRangeDTypes>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_EyeOp : Mx_Op<"_eye", [Pure]> {
  let summary = "An N x M matrix with ones on diagonal k";
  let description = [{
    M = 0 (the default) means M = N; k > 0 is above the main diagonal.

    Example: _eye(N=2, M=3, k=1) = [[0, 1, 0], [0, 0, 1]].
  }];
  let arguments = (ins MxIntReq:$N, MxInt<"0">:$M, MxInt<"0">:$k, MxStr<"">:$ctx,
                   MxDType<"float32", ["float16", "float32", "float64", "int32", "int64",
                                       "int8", "uint8"]>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

#endif // MX_INIT_OPS_TD
