// common.h - helpers shared by the shape and type functions in runtime/ops/infer.
//
// Shape functions follow MXNet's FInferShape contract: unknown is -1 (a dim)
// or ndim -1 (a shape); known facts are merged into the slots they constrain
// and a contradiction is a ShapeError worded as MXNet words it. The helpers
// here are the building blocks: merging one slot, unifying element-wise
// operands, normalizing axes, and registering an op's functions.
#pragma once

#include "mxrt/op_registry.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mxrt::infer {

using Shapes = std::vector<TShape>;
using Types = std::vector<DType>;

/// A dim is known when it is not -1 (0 is a real, empty extent).
inline bool known(int64_t dim) { return dim >= 0; }

/// A shape from a tuple attribute or a list of dims.
inline TShape shapeOf(const std::vector<int64_t> &dims) {
  return TShape(std::span<const int64_t>(dims));
}

/// "[2,-1]": how MXNet prints a TShape, the "Provided" side of a conflict.
std::string bracket(const TShape &s);

/// Merges value into slot dim by dim, as MXNet's shape_assign: an unknown
/// slot (or dim) takes value's, known ones must agree. False on conflict.
bool merge(TShape &slot, const TShape &value);

/// merge, or a ShapeError "Shape inconsistent, Provided = [..], inferred
/// shape=(..)" locating input (output) i.
void assignIn(Shapes &in, int i, const TShape &value);
void assignOut(Shapes &out, int i, const TShape &value);

/// Every shape of the list fully known.
bool allKnown(const Shapes &s);
inline bool allKnown(const Shapes &in, const Shapes &out) { return allKnown(in) && allKnown(out); }

/// Unifies every input and output into one shape (MXNet's ElemwiseShape),
/// partial shapes included; conflict: "Incompatible attr at 1-th input:
/// expected [2,3], got [3,2]". Returns whether that shape is known.
bool unifyAll(Shapes &in, Shapes &out);

/// The same for dtypes.
bool merge(DType &slot, DType value);
void assignIn(Types &in, int i, DType value);
void assignOut(Types &out, int i, DType value);
bool allKnown(const Types &t);
bool unifyAll(Types &in, Types &out);

/// Gives inputs [first, end) dtype t, or a ShapeError naming the first one
/// of another dtype ("This layer requires uniform type...", as MXNet's
/// older layers word it).
void requireUniform(const Attrs &attrs, Types &in, DType t, size_t first = 0);

/// The older layers' rule: the data's dtype (input 0) decides every input
/// and output; nothing is decided before it is known.
bool dataDecidesType(const Attrs &attrs, Types &in, Types &out);

/// MXNet's older layers without a dtype rule: float32 only, everywhere.
bool float32Only(const Attrs &attrs, Types &in, Types &out);

/// broadcast_like and reshape_like: lhs (input 0) and the output share a
/// dtype, which MXNet decides only once rhs's dtype is known too.
bool likeType(const Attrs &attrs, Types &in, Types &out);

/// axis normalized into [0, ndim); Error "axis 3 exceeds the input dimension
/// of 2" otherwise (MXNet's CheckAxis).
int checkAxis(int64_t axis, int ndim);

/// Product of dims [begin, end), or -1 when one of them is unknown.
int64_t prodKnown(const TShape &s, int begin, int end);

/// Registers an op's shape function and type function (nullptr: one dtype
/// for every input and output, conflicts worded as MXNet's ElemwiseType).
/// A static object of this type in each family file does the registration.
struct Register {
  Register(std::string_view op, ShapeFn shape, TypeFn type = nullptr);
};

} // namespace mxrt::infer
