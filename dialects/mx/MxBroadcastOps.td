//===- MxBroadcastOps.td - broadcasting ops -----------------*- tablegen -*-===//
//
// Binary ops with NumPy-style broadcasting (shapes aligned on the right,
// extents equal or 1), and the ops that broadcast one array to a shape.
//
//===----------------------------------------------------------------------===//

#ifndef MX_BROADCAST_OPS_TD
#define MX_BROADCAST_OPS_TD

include "MxBase.td"

// lhs, rhs -> output of the broadcast shape.
class Mx_BroadcastBinaryOp<string name, list<string> aliases, string summ, string example,
                           list<Trait> traits = []>
    : Mx_Op<name, [Pure] # traits> {
  let summary = summ # ", broadcasting";
  let description = "The shapes are aligned on the right; each pair of extents must be "
    # "equal or one of them 1, and the output takes the larger. Both inputs share one "
    # "dtype.\n\nExample: " # example;
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs);
  let results = (outs AnyTensor:$output);
  let mxAliases = aliases;
  // As MXNet's FInplaceOption; a planner uses a pair only where the input
  // has the output's shape.
  let mxInplace = [0, 0, 1, 0];
}

class Mx_BroadcastCompareOp<string name, string summ, string example, list<Trait> traits = []>
    : Mx_BroadcastBinaryOp<name, [], summ, example, traits> {
  let mxNoGradient = 1;
}

def Mx_BroadcastAddOp : Mx_BroadcastBinaryOp<"broadcast_add", ["broadcast_plus"], "lhs + rhs",
    "broadcast_add([[1], [2]], [10, 20]) = [[11, 21], [12, 22]]", [Commutative]>;
def Mx_BroadcastSubOp : Mx_BroadcastBinaryOp<"broadcast_sub", ["broadcast_minus"], "lhs - rhs",
    "broadcast_sub([[1], [2]], [1, 2]) = [[0, -1], [1, 0]]">;
def Mx_BroadcastMulOp : Mx_BroadcastBinaryOp<"broadcast_mul", [], "lhs * rhs",
    "broadcast_mul([[1], [2]], [1, 3]) = [[1, 3], [2, 6]]", [Commutative]>;
def Mx_BroadcastDivOp : Mx_BroadcastBinaryOp<"broadcast_div", [], "lhs / rhs",
    "broadcast_div([[6], [8]], [2, 4]) = [[3, 1.5], [4, 2]]">;
def Mx_BroadcastModOp : Mx_BroadcastBinaryOp<"broadcast_mod", [], "lhs modulo rhs",
    "broadcast_mod([[7], [8]], [3]) = [[1], [2]]">;
def Mx_BroadcastPowerOp : Mx_BroadcastBinaryOp<"broadcast_power", [], "lhs ** rhs",
    "broadcast_power([[2], [3]], [1, 2]) = [[2, 4], [3, 9]]">;
def Mx_BroadcastMaximumOp : Mx_BroadcastBinaryOp<"broadcast_maximum", [], "max(lhs, rhs)",
    "broadcast_maximum([[1], [5]], [3]) = [[3], [5]]", [Commutative]>;
def Mx_BroadcastMinimumOp : Mx_BroadcastBinaryOp<"broadcast_minimum", [], "min(lhs, rhs)",
    "broadcast_minimum([[1], [5]], [3]) = [[1], [3]]", [Commutative]>;
def Mx_BroadcastHypotOp : Mx_BroadcastBinaryOp<"broadcast_hypot", [], "sqrt(lhs^2 + rhs^2)",
    "broadcast_hypot([[3], [6]], [4]) = [[5], [7.2111]]", [Commutative]>;
def Mx_BroadcastEqualOp : Mx_BroadcastCompareOp<"broadcast_equal", "1 where lhs == rhs",
    "broadcast_equal([[1], [2]], [1, 2]) = [[1, 0], [0, 1]]", [Commutative]>;
def Mx_BroadcastNotEqualOp : Mx_BroadcastCompareOp<"broadcast_not_equal",
    "1 where lhs != rhs", "broadcast_not_equal([[1], [2]], [1, 2]) = [[0, 1], [1, 0]]",
    [Commutative]>;
def Mx_BroadcastGreaterOp : Mx_BroadcastCompareOp<"broadcast_greater", "1 where lhs > rhs",
    "broadcast_greater([[1], [3]], [2]) = [[0], [1]]">;
def Mx_BroadcastGreaterEqualOp : Mx_BroadcastCompareOp<"broadcast_greater_equal",
    "1 where lhs >= rhs", "broadcast_greater_equal([[1], [2]], [2]) = [[0], [1]]">;
def Mx_BroadcastLesserOp : Mx_BroadcastCompareOp<"broadcast_lesser", "1 where lhs < rhs",
    "broadcast_lesser([[1], [3]], [2]) = [[1], [0]]">;
def Mx_BroadcastLesserEqualOp : Mx_BroadcastCompareOp<"broadcast_lesser_equal",
    "1 where lhs <= rhs", "broadcast_lesser_equal([[2], [3]], [2]) = [[1], [0]]">;
def Mx_BroadcastLogicalAndOp : Mx_BroadcastCompareOp<"broadcast_logical_and",
    "1 where both are non-zero", "broadcast_logical_and([[0], [2]], [1]) = [[0], [1]]",
    [Commutative]>;
def Mx_BroadcastLogicalOrOp : Mx_BroadcastCompareOp<"broadcast_logical_or",
    "1 where either is non-zero", "broadcast_logical_or([[0], [2]], [0]) = [[0], [1]]",
    [Commutative]>;
def Mx_BroadcastLogicalXorOp : Mx_BroadcastCompareOp<"broadcast_logical_xor",
    "1 where exactly one is non-zero", "broadcast_logical_xor([[0], [2]], [1]) = [[1], [0]]",
    [Commutative]>;

def Mx_BroadcastToOp : Mx_Op<"broadcast_to", [Pure]> {
  let summary = "Broadcasts an array to a shape";
  let description = [{
    Axes of extent 1 are repeated; a 0 in `shape` keeps the input's extent.

    Example: broadcast_to([[1, 2]], shape=(2, 0)) = [[1, 2], [1, 2]].
  }];
  let arguments = (ins AnyTensor:$data, MxShape<"()">:$shape);
  let results = (outs AnyTensor:$output);
}

def Mx_BroadcastLikeOp : Mx_Op<"broadcast_like", [Pure]> {
  let summary = "Broadcasts lhs to the shape of rhs";
  let description = [{
    Without axes lhs takes rhs's shape; with `lhs_axes` and `rhs_axes`
    (same length) only those axes of lhs take the extents of rhs's axes.

    Example: broadcast_like([[1, 2]], zeros((3, 2))) = [[1, 2], [1, 2], [1, 2]].
  }];
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs, MxOptShape:$lhs_axes,
                   MxOptShape:$rhs_axes);
  let results = (outs AnyTensor:$output);
}

def Mx_BroadcastAxisOp : Mx_Op<"broadcast_axis", [Pure]> {
  let summary = "Broadcasts axes of extent 1 to given sizes";
  let description = [{
    Example: broadcast_axis([[1], [2]], axis=1, size=3) = [[1, 1, 1], [2, 2, 2]].
  }];
  let arguments = (ins AnyTensor:$data, MxShape<"()">:$axis, MxShape<"()">:$size);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["broadcast_axes"];
}

#endif // MX_BROADCAST_OPS_TD
