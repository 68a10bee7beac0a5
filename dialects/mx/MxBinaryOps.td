//===- MxBinaryOps.td - element-wise binary and scalar ops --*- tablegen -*-===//
//
// Arithmetic and comparisons between two arrays of one shape (elemwise_*,
// _power, _equal, ...), between an array and a scalar attribute
// (_plus_scalar, _rminus_scalar, ...), and the n-ary sum add_n. Python's
// operators on Symbols and NDArrays map here: `a + b` is _Plus (an alias of
// elemwise_add), `a + 2` is _PlusScalar. Comparisons return 1 or 0 in the
// input's dtype, as MXNet 1.x does.
//
//===----------------------------------------------------------------------===//

#ifndef MX_BINARY_OPS_TD
#define MX_BINARY_OPS_TD

include "MxBase.td"

// lhs, rhs of one shape -> output of that shape.
class Mx_BinaryOp<string name, list<string> aliases, string summ, string example,
                  list<Trait> traits = []>
    : Mx_Op<name, [Pure] # traits> {
  let summary = summ;
  let description = "Both inputs and the output share one shape and dtype (no "
    # "broadcasting: see the broadcast_* ops).\n\nExample: " # example;
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs);
  let results = (outs AnyTensor:$output);
  let mxAliases = aliases;
  let mxInplace = [0, 0, 1, 0];
}

class Mx_CompareOp<string name, list<string> aliases, string summ, string example,
                   list<Trait> traits = []>
    : Mx_BinaryOp<name, aliases, summ, example, traits> {
  let mxNoGradient = 1;
}

def Mx_ElemwiseAddOp : Mx_BinaryOp<"elemwise_add", ["_Plus", "_add", "_plus"], "lhs + rhs",
    "elemwise_add([1, 2], [3, 4]) = [4, 6]", [Commutative]>;
def Mx_ElemwiseSubOp : Mx_BinaryOp<"elemwise_sub", ["_Minus", "_minus", "_sub"], "lhs - rhs",
    "elemwise_sub([1, 2], [3, 4]) = [-2, -2]">;
def Mx_ElemwiseMulOp : Mx_BinaryOp<"elemwise_mul", ["_Mul", "_mul"], "lhs * rhs",
    "elemwise_mul([1, 2], [3, 4]) = [3, 8]", [Commutative]>;
def Mx_ElemwiseDivOp : Mx_BinaryOp<"elemwise_div", ["_Div", "_div"], "lhs / rhs",
    "elemwise_div([3, 8], [3, 4]) = [1, 2]">;
def Mx_PowerOp : Mx_BinaryOp<"_power", ["_Power"], "lhs raised to the power rhs",
    "_power([2, 3], [3, 2]) = [8, 9]">;
def Mx_MaximumOp : Mx_BinaryOp<"_maximum", ["_Maximum"], "The larger of lhs and rhs",
    "_maximum([1, 5], [3, 2]) = [3, 5]", [Commutative]>;
def Mx_MinimumOp : Mx_BinaryOp<"_minimum", ["_Minimum"], "The smaller of lhs and rhs",
    "_minimum([1, 5], [3, 2]) = [1, 2]", [Commutative]>;
def Mx_ModOp : Mx_BinaryOp<"_mod", ["_Mod"], "lhs modulo rhs, with the sign of rhs",
    "_mod([7, -7], [3, 3]) = [1, 2]">;
def Mx_HypotOp : Mx_BinaryOp<"_hypot", ["_Hypot"], "sqrt(lhs^2 + rhs^2)",
    "_hypot([3], [4]) = [5]", [Commutative]>;
def Mx_EqualOp : Mx_CompareOp<"_equal", ["_Equal"], "1 where lhs == rhs, else 0",
    "_equal([1, 2], [1, 3]) = [1, 0]", [Commutative]>;
def Mx_NotEqualOp : Mx_CompareOp<"_not_equal", ["_Not_Equal"], "1 where lhs != rhs, else 0",
    "_not_equal([1, 2], [1, 3]) = [0, 1]", [Commutative]>;
def Mx_GreaterOp : Mx_CompareOp<"_greater", ["_Greater"], "1 where lhs > rhs, else 0",
    "_greater([1, 4], [2, 3]) = [0, 1]">;
def Mx_GreaterEqualOp : Mx_CompareOp<"_greater_equal", ["_Greater_Equal"],
    "1 where lhs >= rhs, else 0", "_greater_equal([1, 3], [2, 3]) = [0, 1]">;
def Mx_LesserOp : Mx_CompareOp<"_lesser", ["_Lesser"], "1 where lhs < rhs, else 0",
    "_lesser([1, 4], [2, 3]) = [1, 0]">;
def Mx_LesserEqualOp : Mx_CompareOp<"_lesser_equal", ["_Lesser_Equal"],
    "1 where lhs <= rhs, else 0", "_lesser_equal([1, 4], [1, 3]) = [1, 0]">;
def Mx_LogicalAndOp : Mx_CompareOp<"_logical_and", ["_Logical_And"],
    "1 where both are non-zero, else 0", "_logical_and([0, 2], [1, 3]) = [0, 1]", [Commutative]>;
def Mx_LogicalOrOp : Mx_CompareOp<"_logical_or", ["_Logical_Or"],
    "1 where either is non-zero, else 0", "_logical_or([0, 0], [1, 0]) = [1, 0]", [Commutative]>;
def Mx_LogicalXorOp : Mx_CompareOp<"_logical_xor", ["_Logical_Xor"],
    "1 where exactly one is non-zero, else 0", "_logical_xor([0, 2], [1, 3]) = [1, 0]",
    [Commutative]>;
def Mx_GradAddOp : Mx_BinaryOp<"_grad_add", [], "Adds gradients (lhs + rhs)",
    "_grad_add([1, 2], [3, 4]) = [4, 6]", [Commutative]>;

def Mx_AddNOp : Mx_Op<"add_n", [Pure, Commutative]> {
  let summary = "Adds any number of arrays of one shape";
  let description = [{
    Example: add_n([1, 2], [3, 4], [5, 6]) = [9, 12].
  }];
  let arguments = (ins Variadic<AnyTensor>:$args, MxIntReq:$num_args);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["ElementWiseSum"];
  let mxNumArgsAttr = "num_args";
  let mxInplace = [0, 0];
}

// data (op) scalar -> output of data's shape and dtype. `is_int` records
// whether Python gave an int, so integer dtypes keep integer semantics.
class Mx_ScalarOp<string name, list<string> aliases, string summ, string example>
    : Mx_Op<name, [Pure]> {
  let summary = summ;
  let description = "`scalar` is applied to every element; the output has the input's "
    # "shape and dtype.\n\nExample: " # example;
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$scalar, MxBool<"True">:$is_int);
  let results = (outs AnyTensor:$output);
  let mxAliases = aliases;
  let mxInplace = [0, 0];
}

class Mx_CompareScalarOp<string name, list<string> aliases, string summ, string example>
    : Mx_ScalarOp<name, aliases, summ, example> {
  let mxNoGradient = 1;
}

def Mx_PlusScalarOp : Mx_ScalarOp<"_plus_scalar", ["_PlusScalar"], "data + scalar",
    "_plus_scalar([1, 2], scalar=3) = [4, 5]">;
def Mx_MinusScalarOp : Mx_ScalarOp<"_minus_scalar", ["_MinusScalar"], "data - scalar",
    "_minus_scalar([1, 2], scalar=3) = [-2, -1]">;
def Mx_RMinusScalarOp : Mx_ScalarOp<"_rminus_scalar", ["_RMinusScalar"], "scalar - data",
    "_rminus_scalar([1, 2], scalar=3) = [2, 1]">;
def Mx_MulScalarOp : Mx_ScalarOp<"_mul_scalar", ["_MulScalar"], "data * scalar",
    "_mul_scalar([1, 2], scalar=3) = [3, 6]">;
def Mx_DivScalarOp : Mx_ScalarOp<"_div_scalar", ["_DivScalar"], "data / scalar",
    "_div_scalar([3, 6], scalar=3) = [1, 2]">;
def Mx_RDivScalarOp : Mx_ScalarOp<"_rdiv_scalar", ["_RDivScalar"], "scalar / data",
    "_rdiv_scalar([1, 2], scalar=4) = [4, 2]">;
def Mx_PowerScalarOp : Mx_ScalarOp<"_power_scalar", ["_PowerScalar"], "data ** scalar",
    "_power_scalar([2, 3], scalar=2) = [4, 9]">;
def Mx_RPowerScalarOp : Mx_ScalarOp<"_rpower_scalar", ["_RPowerScalar"], "scalar ** data",
    "_rpower_scalar([2, 3], scalar=2) = [4, 8]">;
def Mx_ModScalarOp : Mx_ScalarOp<"_mod_scalar", ["_ModScalar"], "data modulo scalar",
    "_mod_scalar([7, -7], scalar=3) = [1, 2]">;
def Mx_RModScalarOp : Mx_ScalarOp<"_rmod_scalar", ["_RModScalar"], "scalar modulo data",
    "_rmod_scalar([3, 4], scalar=7) = [1, 3]">;
def Mx_MaximumScalarOp : Mx_ScalarOp<"_maximum_scalar", ["_MaximumScalar"],
    "The larger of data and scalar", "_maximum_scalar([1, 5], scalar=3) = [3, 5]">;
def Mx_MinimumScalarOp : Mx_ScalarOp<"_minimum_scalar", ["_MinimumScalar"],
    "The smaller of data and scalar", "_minimum_scalar([1, 5], scalar=3) = [1, 3]">;
def Mx_HypotScalarOp : Mx_ScalarOp<"_hypot_scalar", ["_HypotScalar"],
    "sqrt(data^2 + scalar^2)", "_hypot_scalar([3], scalar=4) = [5]">;
def Mx_EqualScalarOp : Mx_CompareScalarOp<"_equal_scalar", ["_EqualScalar"],
    "1 where data == scalar, else 0", "_equal_scalar([1, 2], scalar=2) = [0, 1]">;
def Mx_NotEqualScalarOp : Mx_CompareScalarOp<"_not_equal_scalar", ["_NotEqualScalar"],
    "1 where data != scalar, else 0", "_not_equal_scalar([1, 2], scalar=2) = [1, 0]">;
def Mx_GreaterScalarOp : Mx_CompareScalarOp<"_greater_scalar", ["_GreaterScalar"],
    "1 where data > scalar, else 0", "_greater_scalar([1, 3], scalar=2) = [0, 1]">;
def Mx_GreaterEqualScalarOp : Mx_CompareScalarOp<"_greater_equal_scalar",
    ["_GreaterEqualScalar"], "1 where data >= scalar, else 0",
    "_greater_equal_scalar([1, 2], scalar=2) = [0, 1]">;
def Mx_LesserScalarOp : Mx_CompareScalarOp<"_lesser_scalar", ["_LesserScalar"],
    "1 where data < scalar, else 0", "_lesser_scalar([1, 3], scalar=2) = [1, 0]">;
def Mx_LesserEqualScalarOp : Mx_CompareScalarOp<"_lesser_equal_scalar",
    ["_LesserEqualScalar"], "1 where data <= scalar, else 0",
    "_lesser_equal_scalar([2, 3], scalar=2) = [1, 0]">;
def Mx_LogicalAndScalarOp : Mx_CompareScalarOp<"_logical_and_scalar", ["_LogicalAndScalar"],
    "1 where data and scalar are non-zero, else 0",
    "_logical_and_scalar([0, 2], scalar=1) = [0, 1]">;
def Mx_LogicalOrScalarOp : Mx_CompareScalarOp<"_logical_or_scalar", ["_LogicalOrScalar"],
    "1 where data or scalar is non-zero, else 0",
    "_logical_or_scalar([0, 2], scalar=0) = [0, 1]">;
def Mx_LogicalXorScalarOp : Mx_CompareScalarOp<"_logical_xor_scalar", ["_LogicalXorScalar"],
    "1 where exactly one of data and scalar is non-zero, else 0",
    "_logical_xor_scalar([0, 2], scalar=1) = [1, 0]">;

#endif // MX_BINARY_OPS_TD
