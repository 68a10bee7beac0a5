//===- MxReduceOps.td - reductions --------------------------*- tablegen -*-===//
//
// Reductions over axes: `axis` None reduces every axis; `keepdims` keeps
// reduced axes with extent 1; `exclude` reduces every axis *not* listed.
// Negative axes count from the end.
//
//===----------------------------------------------------------------------===//

#ifndef MX_REDUCE_OPS_TD
#define MX_REDUCE_OPS_TD

include "MxBase.td"

class Mx_ReduceOp<string name, list<string> aliases, string summ, string example>
    : Mx_Op<name, [Pure]> {
  let summary = summ;
  let description = "Reduces `axis` (None: every axis; `exclude`: every other axis), "
    # "keeping reduced axes with extent 1 when `keepdims`.\n\nExample: " # example;
  let arguments = (ins AnyTensor:$data, MxOptShape:$axis, MxBool<"False">:$keepdims,
                   MxBool<"False">:$exclude);
  let results = (outs AnyTensor:$output);
  let mxAliases = aliases;
}

def Mx_SumOp : Mx_ReduceOp<"sum", ["sum_axis"], "Sums over axes",
    "sum([[1, 2], [3, 4]], axis=1) = [3, 7]">;
def Mx_MeanOp : Mx_ReduceOp<"mean", [], "Averages over axes",
    "mean([[1, 2], [3, 4]], axis=0) = [2, 3]">;
def Mx_ProdOp : Mx_ReduceOp<"prod", [], "Multiplies over axes",
    "prod([[1, 2], [3, 4]], axis=1) = [2, 12]">;
def Mx_NansumOp : Mx_ReduceOp<"nansum", [], "Sums over axes, counting NaN as 0",
    "nansum([[1, nan], [3, 4]], axis=1) = [1, 7]">;
def Mx_NanprodOp : Mx_ReduceOp<"nanprod", [], "Multiplies over axes, counting NaN as 1",
    "nanprod([[2, nan], [3, 4]], axis=1) = [2, 12]">;
def Mx_MaxOp : Mx_ReduceOp<"max", ["max_axis"], "Largest element over axes",
    "max([[1, 5], [3, 4]], axis=1) = [5, 4]">;
def Mx_MinOp : Mx_ReduceOp<"min", ["min_axis"], "Smallest element over axes",
    "min([[1, 5], [3, 4]], axis=1) = [1, 3]">;

def Mx_NormOp : Mx_Op<"norm", [Pure]> {
  let summary = "L1 or L2 norm over axes";
  let description = [{
    `ord` is 1 or 2; `axis` None reduces every axis (then the output is
    (1,) unless keepdims). `out_dtype` sets the output dtype.

    Example: norm([[3, 4]], axis=1) = [5].
  }];
  let arguments = (ins AnyTensor:$data, MxInt<"2">:$ord, MxOptShape:$axis,
                   MxOptDType<["float16", "float32", "float64", "int32", "int64", "int8"]>:$out_dtype,
                   MxBool<"False">:$keepdims);
  let results = (outs AnyTensor:$output);
}

class Mx_ArgReduceOp<string name, string summ, string example> : Mx_Op<name, [Pure]> {
  let summary = summ;
  let description = "Returns indices (in the input's dtype) along `axis`; None "
    # "flattens the input first.\n\nExample: " # example;
  let arguments = (ins AnyTensor:$data, MxOptInt<>:$axis, MxBool<"False">:$keepdims);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_ArgmaxOp : Mx_ArgReduceOp<"argmax", "Index of the largest element along an axis",
    "argmax([[1, 5], [7, 4]], axis=1) = [1, 0]">;
def Mx_ArgminOp : Mx_ArgReduceOp<"argmin", "Index of the smallest element along an axis",
    "argmin([[1, 5], [7, 4]], axis=1) = [0, 1]">;

def Mx_ArgmaxChannelOp : Mx_Op<"argmax_channel", [Pure]> {
  let summary = "Index of the largest element along axis 1 (the channels)";
  let description = [{
    Equivalent to argmax(axis=1); a 1-D input gives (1,).

    Example: argmax_channel([[1, 5], [7, 4]]) = [1, 0].
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_MomentsOp : Mx_Op<"moments", [Pure]> {
  let summary = "Mean and variance over axes";
  let description = [{
    Returns (mean, var) over `axes`, which must be given (list every axis for
    global moments).

    Example: moments([[1, 3], [5, 7]], axes=(1,)) = ([2, 6], [1, 1]).
  }];
  let arguments = (ins AnyTensor:$data, MxOptShape:$axes, MxBool<"False">:$keepdims);
  let results = (outs AnyTensor:$mean, AnyTensor:$var);
}

#endif // MX_REDUCE_OPS_TD
