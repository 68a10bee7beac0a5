//===- MxUnaryOps.td - element-wise unary ops ---------------*- tablegen -*-===//
//
// Ops that map every element on its own: math functions, rounding, the
// activations exposed as functions, copies and casts. The output has the
// input's shape; its dtype is the input's except where an op says.
//
//===----------------------------------------------------------------------===//

#ifndef MX_UNARY_OPS_TD
#define MX_UNARY_OPS_TD

include "MxBase.td"

// data -> f(data), same shape and dtype.
class Mx_UnaryOp<string name, string summ, string example, list<Trait> traits = []>
    : Mx_Op<name, [Pure] # traits> {
  let summary = summ;
  let description = "Applies the function to every element; the output has the input's "
    # "shape and dtype.\n\nExample: " # example;
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxInplace = [0, 0];
}

// Piecewise-constant functions: their gradient is zero.
class Mx_UnaryNoGradOp<string name, string summ, string example>
    : Mx_UnaryOp<name, summ, example> {
  let mxNoGradient = 1;
}

def Mx_AbsOp : Mx_UnaryOp<"abs", "Absolute value", "abs([-2, 3]) = [2, 3]">;
def Mx_SignOp : Mx_UnaryNoGradOp<"sign", "Sign: -1, 0 or 1", "sign([-2, 0, 3]) = [-1, 0, 1]">;
def Mx_RoundOp : Mx_UnaryNoGradOp<"round", "Rounds half away from zero",
    "round([-2.5, 1.5, 0.4]) = [-3, 2, 0]">;
def Mx_RintOp : Mx_UnaryNoGradOp<"rint", "Rounds to the nearest integer, halves down",
    "rint([-2.5, 1.5, 2.5]) = [-3, 1, 2]">;
def Mx_CeilOp : Mx_UnaryNoGradOp<"ceil", "Smallest integer not below x",
    "ceil([-1.5, 1.2]) = [-1, 2]">;
def Mx_FloorOp : Mx_UnaryNoGradOp<"floor", "Largest integer not above x",
    "floor([-1.5, 1.2]) = [-2, 1]">;
def Mx_TruncOp : Mx_UnaryNoGradOp<"trunc", "Rounds towards zero",
    "trunc([-1.7, 1.7]) = [-1, 1]">;
def Mx_FixOp : Mx_UnaryNoGradOp<"fix", "Rounds towards zero (as trunc)",
    "fix([-2.1, 2.9]) = [-2, 2]">;
def Mx_SquareOp : Mx_UnaryOp<"square", "x * x", "square([2, -3]) = [4, 9]">;
def Mx_SqrtOp : Mx_UnaryOp<"sqrt", "Square root", "sqrt([4, 9]) = [2, 3]">;
def Mx_RsqrtOp : Mx_UnaryOp<"rsqrt", "Reciprocal square root 1 / sqrt(x)",
    "rsqrt([4, 16]) = [0.5, 0.25]">;
def Mx_CbrtOp : Mx_UnaryOp<"cbrt", "Cube root", "cbrt([8, -27]) = [2, -3]">;
def Mx_RcbrtOp : Mx_UnaryOp<"rcbrt", "Reciprocal cube root 1 / cbrt(x)",
    "rcbrt([8, 1]) = [0.5, 1]">;
def Mx_ExpOp : Mx_UnaryOp<"exp", "Natural exponential", "exp([0, 1]) = [1, 2.7183]">;
def Mx_Expm1Op : Mx_UnaryOp<"expm1", "exp(x) - 1, accurate near 0",
    "expm1([0, 1e-10]) = [0, 1e-10]">;
def Mx_LogOp : Mx_UnaryOp<"log", "Natural logarithm", "log([1, 2.7183]) = [0, 1]">;
def Mx_Log10Op : Mx_UnaryOp<"log10", "Base-10 logarithm", "log10([1, 100]) = [0, 2]">;
def Mx_Log2Op : Mx_UnaryOp<"log2", "Base-2 logarithm", "log2([1, 8]) = [0, 3]">;
def Mx_Log1pOp : Mx_UnaryOp<"log1p", "log(1 + x), accurate near 0",
    "log1p([0, 1e-10]) = [0, 1e-10]">;
def Mx_SinOp : Mx_UnaryOp<"sin", "Sine (radians)", "sin([0, 1.5708]) = [0, 1]">;
def Mx_CosOp : Mx_UnaryOp<"cos", "Cosine (radians)", "cos([0, 3.1416]) = [1, -1]">;
def Mx_TanOp : Mx_UnaryOp<"tan", "Tangent (radians)", "tan([0, 0.7854]) = [0, 1]">;
def Mx_ArcsinOp : Mx_UnaryOp<"arcsin", "Inverse sine, in [-pi/2, pi/2]",
    "arcsin([0, 1]) = [0, 1.5708]">;
def Mx_ArccosOp : Mx_UnaryOp<"arccos", "Inverse cosine, in [0, pi]",
    "arccos([1, -1]) = [0, 3.1416]">;
def Mx_ArctanOp : Mx_UnaryOp<"arctan", "Inverse tangent, in (-pi/2, pi/2)",
    "arctan([0, 1]) = [0, 0.7854]">;
def Mx_SinhOp : Mx_UnaryOp<"sinh", "Hyperbolic sine", "sinh([0, 1]) = [0, 1.1752]">;
def Mx_CoshOp : Mx_UnaryOp<"cosh", "Hyperbolic cosine", "cosh([0, 1]) = [1, 1.5431]">;
def Mx_TanhOp : Mx_UnaryOp<"tanh", "Hyperbolic tangent", "tanh([0, 1]) = [0, 0.7616]">;
def Mx_ArcsinhOp : Mx_UnaryOp<"arcsinh", "Inverse hyperbolic sine",
    "arcsinh([0, 1.1752]) = [0, 1]">;
def Mx_ArccoshOp : Mx_UnaryOp<"arccosh", "Inverse hyperbolic cosine",
    "arccosh([1, 1.5431]) = [0, 1]">;
def Mx_ArctanhOp : Mx_UnaryOp<"arctanh", "Inverse hyperbolic tangent",
    "arctanh([0, 0.7616]) = [0, 1]">;
def Mx_DegreesOp : Mx_UnaryOp<"degrees", "Radians to degrees",
    "degrees([3.1416]) = [180]">;
def Mx_RadiansOp : Mx_UnaryOp<"radians", "Degrees to radians",
    "radians([180]) = [3.1416]">;
def Mx_SigmoidOp : Mx_UnaryOp<"sigmoid", "Logistic sigmoid 1 / (1 + exp(-x))",
    "sigmoid([0]) = [0.5]">;
def Mx_ReluOp : Mx_UnaryOp<"relu", "Rectified linear unit max(x, 0)",
    "relu([-1, 2]) = [0, 2]">;
def Mx_SoftsignOp : Mx_UnaryOp<"softsign", "x / (1 + |x|)", "softsign([1, -3]) = [0.5, -0.75]">;
def Mx_ErfOp : Mx_UnaryOp<"erf", "Gauss error function", "erf([0, 1]) = [0, 0.8427]">;
def Mx_ErfinvOp : Mx_UnaryOp<"erfinv", "Inverse of the error function",
    "erfinv([0, 0.8427]) = [0, 1]">;
def Mx_GammaOp : Mx_UnaryOp<"gamma", "Gamma function", "gamma([1, 5]) = [1, 24]">;
def Mx_GammalnOp : Mx_UnaryOp<"gammaln", "Log of the absolute gamma function",
    "gammaln([1, 5]) = [0, 3.1781]">;
def Mx_ReciprocalOp : Mx_UnaryOp<"reciprocal", "1 / x", "reciprocal([2, -4]) = [0.5, -0.25]">;
def Mx_NegativeOp : Mx_UnaryOp<"negative", "-x", "negative([1, -2]) = [-1, 2]">;
def Mx_LogicalNotOp : Mx_UnaryNoGradOp<"logical_not", "1 where x is 0, else 0 (input dtype)",
    "logical_not([0, 2]) = [1, 0]">;
def Mx_CopyOp : Mx_UnaryOp<"_copy", "Copies the input", "_copy([1, 2]) = [1, 2]"> {
  let mxAliases = ["identity"];
}
def Mx_ZerosLikeOp : Mx_UnaryNoGradOp<"zeros_like", "Zeros of the input's shape and dtype",
    "zeros_like([1, 2]) = [0, 0]">;
def Mx_OnesLikeOp : Mx_UnaryNoGradOp<"ones_like", "Ones of the input's shape and dtype",
    "ones_like([5, 7]) = [1, 1]">;

def Mx_HardSigmoidOp : Mx_Op<"hard_sigmoid", [Pure]> {
  let summary = "Piecewise-linear sigmoid: clip(alpha * x + beta, 0, 1)";
  let description = [{
    Example: hard_sigmoid([-5, 0, 5]) = [0, 0.5, 1].
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"0.2">:$alpha, MxFloat<"0.5">:$beta);
  let results = (outs AnyTensor:$output);
  let mxInplace = [0, 0];
}

def Mx_SmoothL1Op : Mx_Op<"smooth_l1", [Pure]> {
  let summary = "Smooth L1 (Huber-like) function with knee 1 / scalar^2";
  let description = [{
    f(x) = 0.5 * (scalar * x)^2 where |x| < 1 / scalar^2, else
    |x| - 0.5 / scalar^2.

    Example: smooth_l1([-2, 0.5], scalar=1) = [1.5, 0.125].
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$scalar, MxBool<"True">:$is_int);
  let results = (outs AnyTensor:$output);
  let mxInplace = [0, 0];
}

def Mx_ClipOp : Mx_Op<"clip", [Pure]> {
  let summary = "Limits every element to [a_min, a_max]";
  let description = [{
    Example: clip([-2, 0.5, 3], a_min=0, a_max=1) = [0, 0.5, 1].
  }];
  let arguments = (ins AnyTensor:$data, MxFloatReq:$a_min, MxFloatReq:$a_max);
  let results = (outs AnyTensor:$output);
  let mxInplace = [0, 0];
}

def Mx_CastOp : Mx_Op<"Cast", [Pure]> {
  let summary = "Converts every element to another dtype";
  let description = [{
    Floats convert to integers by truncation, as C does.

    Example: cast([1.7, -2.2], dtype='int32') = [1, -2].
  }];
  let arguments = (ins AnyTensor:$data,
                   MxDTypeReq<["bfloat16", "bool", "float16", "float32", "float64", "int32",
                               "int64", "int8", "uint8"]>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["cast"];
}

def Mx_AmpCastOp : Mx_Op<"amp_cast", [Pure]> {
  let summary = "Cast inserted by automatic mixed precision; floats only change";
  let description = [{
    Converts floating-point data to `dtype`; integer data passes through
    unchanged.

    Example: amp_cast(x float32, dtype='float16') is x in float16.
  }];
  let arguments = (ins AnyTensor:$data,
                   MxDTypeReq<["bfloat16", "float16", "float32", "float64", "int32", "int64",
                               "int8", "uint8"]>:$dtype);
  let results = (outs AnyTensor:$output);
}

def Mx_AmpMulticastOp : Mx_Op<"amp_multicast", [Pure]> {
  let summary = "Casts several arrays to their widest (or narrowest) float dtype";
  let description = [{
    Takes `num_outputs` arrays and returns them all in the widest float
    dtype among them (the narrowest with `cast_narrow`).

    Example: amp_multicast(a float16, b float32, num_outputs=2) returns both
    in float32.
  }];
  let arguments = (ins Variadic<AnyTensor>:$data, MxIntReq:$num_outputs,
                   MxBool<"False">:$cast_narrow);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let mxNumArgsAttr = "num_outputs";
  let mxNumOutputsAttr = "num_outputs";
}

def Mx_ShapeArrayOp : Mx_Op<"shape_array", [Pure]> {
  let summary = "Returns the input's shape as a 1-D int64 array";
  let description = [{
    Example: shape_array(zeros((2, 3))) = [2, 3].
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_SizeArrayOp : Mx_Op<"size_array", [Pure]> {
  let summary = "Returns the input's element count as a 1-element int64 array";
  let description = [{
    Example: size_array(zeros((2, 3))) = [6].
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

#endif // MX_UNARY_OPS_TD
