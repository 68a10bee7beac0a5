// index.cc - shape and type inference of slicing, gathering and ordering ops.
//
// Slices follow Python's rules (None, negative indices, negative steps) as
// MXNet's GetIndexRange computes them; gathers take the index array's shape
// into the output; the ordering ops keep or flatten the data's shape. Index
// arrays keep their own dtype: outputs take the data's, or an attribute's.
#include "ops/infer/common.h"

#include <algorithm>

namespace mxrt::infer {
namespace {

/// The extent of data[begin:end:step] along one axis of extent len, as
/// MXNet computes it (GetIndexRange + SetSliceOpOutputDimSize).
int64_t slicedExtent(int64_t len, int64_t begin, int64_t end, int64_t step) {
  if (!known(len))
    return -1;
  int64_t b = 0, e = 0;
  if (len > 0) {
    b = begin != kNoneIndex ? begin : (step < 0 ? len - 1 : 0);
    e = end != kNoneIndex ? end : (step < 0 ? -1 : len);
    if (b < 0)
      b += len;
    if (e < 0 && end != kNoneIndex)
      e += len;
    b = b < 0 && step > 0 ? 0 : b;
    b = b > len - 1 && step < 0 ? len - 1 : b;
    b = b < 0 || b > len - 1 ? -1 : b; // an empty slice
    e = std::min(std::max<int64_t>(e, -1), len);
  }
  if (e == b || b < 0)
    return 0;
  if (step > 0)
    return e > b ? (e - b - 1) / step + 1 : 0;
  return e < b ? (b - e - 1) / -step + 1 : 0;
}

/// data sliced by the begin/end/step attributes.
TShape sliceOf(const Attrs &attrs, const TShape &data) {
  const std::vector<int64_t> &begin = attrs.getShape("begin"), &end = attrs.getShape("end"),
                             &step = attrs.getShape("step");
  if (data.ndim() == 0)
    throw ShapeError("slice: the input must have at least one dim");
  if (int(begin.size()) > data.ndim() || int(end.size()) > data.ndim())
    throw ShapeError("Slicing axis exceeds data dimensions");
  if (begin.size() != end.size())
    throw ShapeError("begin and end must have the same length");
  if (!step.empty() && step.size() != begin.size())
    throw ShapeError("step and begin must have the same length");
  TShape result = data;
  for (size_t i = 0; i < begin.size(); ++i) {
    int64_t s = step.empty() || step[i] == kNoneIndex ? 1 : step[i];
    if (s == 0)
      throw ShapeError(str("slice op step[", i, "] cannot be 0"));
    result[int(i)] = slicedExtent(data[int(i)], begin[i], end[i], s);
  }
  return result;
}

bool sliceShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  assignOut(out, 0, sliceOf(attrs, in[0]));
  return allKnown(in, out);
}

bool sliceAssignShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  assignIn(in, 1, sliceOf(attrs, in[0]));
  assignOut(out, 0, in[0]);
  return allKnown(in, out);
}

bool sliceAssignScalarShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  sliceOf(attrs, in[0]); // checks the ranges
  assignOut(out, 0, in[0]);
  return allKnown(in, out);
}

bool sliceAxisShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  int64_t axis = attrs.getInt("axis");
  int64_t a = axis < 0 ? axis + data.ndim() : axis;
  if (a < 0 || a >= data.ndim())
    throw ShapeError(str("Transformed axis must be smaller than the source ndim and larger than "
                         "zero! Recieved axis=",
                         axis, ", src_ndim=", data.ndim(), ", transformed axis=", a));
  int64_t size = data[int(a)];
  int64_t begin = attrs.getInt("begin"), end = -1;
  std::optional<int64_t> givenEnd = attrs.getOptInt("end");
  if (begin < 0)
    begin += size;
  if (size > 0) {
    end = givenEnd ? (*givenEnd < 0 ? *givenEnd + size : *givenEnd) : size;
    if (end > size)
      throw ShapeError(str("Invalid end for end=", end, " as axis_size is ", size));
    if (begin >= end)
      throw ShapeError(str("Invalid begin for begin=", attrs.getInt("begin"),
                           " as end=", givenEnd ? std::to_string(*givenEnd) : "None"));
  } else {
    begin = end = 0;
  }
  if (end < 0 || begin < 0)
    throw ShapeError(str("Invalid begin, end, get begin=", attrs.getInt("begin"),
                         ", end=", givenEnd ? std::to_string(*givenEnd) : "None"));
  if (!known(size)) {
    // The sliced extent is unknown; the others pass through.
    assignOut(out, 0, data);
    return false;
  }
  TShape result = data;
  result[int(a)] = end - begin;
  assignOut(out, 0, result);
  return allKnown(in, out);
}

bool sliceLikeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &like = in[1];
  if (!data.ndimKnown() || !like.ndimKnown())
    return false;
  const std::vector<int64_t> &axes = attrs.getShape("axes");
  auto exceeds = [&](int a) {
    // MXNet compares the extents as given, unknown ones included.
    if (data[a] < like[a])
      throw ShapeError(str("Slice axis ", a, " with size ", like[a],
                           "exceeds limit of input with size ", data[a]));
  };
  TShape result = data;
  if (axes.empty()) {
    if (data.ndim() != like.ndim())
      throw ShapeError(str("By default slice_axis performs slice on all axes, but ndim mismatch "
                           "for inputs: ",
                           data.ndim(), " vs. ", like.ndim()));
    for (int i = 0; i < data.ndim(); ++i)
      exceeds(i);
    result = like;
  } else {
    for (int64_t axis : axes) {
      int64_t a = axis < 0 ? axis + data.ndim() : axis;
      if (a < 0)
        throw ShapeError(str("Slice axis: ", axis, " too small"));
      if (a >= data.ndim())
        throw ShapeError(str("Slice axis: ", a, " exceeds first input: ", data.ndim()));
      if (a >= like.ndim())
        throw ShapeError(str("Slice axis: ", a, " exceeds second input: ", like.ndim()));
      result[int(a)] = like[int(a)];
      exceeds(int(a));
    }
  }
  assignOut(out, 0, result);
  return allKnown(in, out);
}

bool takeShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &a = in[0], &idx = in[1];
  if (!idx.known())
    return false;
  if (attrs.getStr("mode") == "raise")
    throw ShapeError("Raise is not supported for the time being...");
  int64_t axis = attrs.getInt("axis");
  if (axis < -a.ndim() || axis >= a.ndim())
    throw ShapeError("Axis should be in the range of [-r, r-1] where r is the rank of input "
                     "tensor");
  int ax = int(axis < 0 ? axis + a.ndim() : axis);
  std::vector<int64_t> dims(a.begin(), a.begin() + ax);
  dims.insert(dims.end(), idx.begin(), idx.end());
  dims.insert(dims.end(), a.begin() + ax + 1, a.end());
  assignOut(out, 0, shapeOf(dims));
  return allKnown(in, out);
}

// take, pick, gather_nd, batch_take: the output has the data's dtype, the
// indices keep theirs.
bool dataTypeToOutput(const Attrs &, Types &in, Types &out) {
  assignOut(out, 0, in[0]);
  assignIn(in, 0, out[0]);
  return in[0] != DType::Unknown && in[1] != DType::Unknown;
}

// batch_take: int32 indices.
bool batchTakeType(const Attrs &attrs, Types &in, Types &out) {
  assignIn(in, 1, DType::Int32);
  return dataTypeToOutput(attrs, in, out);
}

bool batchTakeShape(const Attrs &, Shapes &in, Shapes &out) {
  if (in[1].ndimKnown())
    assignOut(out, 0, in[1]);
  else if (out[0].ndimKnown())
    assignIn(in, 1, out[0]);
  const TShape &a = in[0];
  if (!a.ndimKnown())
    return false;
  if (a.ndim() < 2)
    throw ShapeError("Data array must have at least 2 dimensional", 0, false);
  if (!out[0].ndimKnown())
    return false;
  // MXNet sizes both at once and fails on an unknown extent.
  if (!a.known() || !out[0].known())
    throw ShapeError("Shape dim size cannot be a negative value -1", a.known() ? 1 : 0, false);
  if (a.numel() / a[a.ndim() - 1] != out[0].numel())
    throw ShapeError("Index array's size must be the same as data array's size excluding the "
                     "first dimension");
  return allKnown(in, out);
}

bool pickShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (!data.ndimKnown())
    return false;
  std::optional<int64_t> axis = attrs.getOptInt("axis");
  if (!axis)
    throw ShapeError("axis=None is not supported by pick yet. Must specify an axis.");
  auto reduced = [&](bool keepdims) {
    if (data.ndim() == 1)
      return keepdims ? TShape(1, 1) : TShape{1};
    int a = checkAxis(*axis, data.ndim());
    std::vector<int64_t> dims(data.begin(), data.end());
    if (keepdims)
      dims[size_t(a)] = 1;
    else
      dims.erase(dims.begin() + a);
    return shapeOf(dims);
  };
  assignOut(out, 0, reduced(attrs.getBool("keepdims")));
  if (in[1].ndim() == 0)
    return false;
  // The index keeps the axis (as 1) exactly when it has the data's rank.
  assignIn(in, 1, reduced(in[1].ndim() == data.ndim()));
  return allKnown(in, out);
}

bool oneHotShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &idx = in[0];
  if (!idx.known())
    return false;
  int64_t depth = attrs.getInt("depth");
  if (depth < 0)
    throw ShapeError(str("depth must be non-negative, got ", depth));
  std::vector<int64_t> dims(idx.begin(), idx.end());
  dims.push_back(depth);
  assignOut(out, 0, shapeOf(dims));
  return true;
}

// one_hot: the output takes `dtype`; the indices keep theirs.
bool oneHotType(const Attrs &attrs, Types &in, Types &out) {
  assignOut(out, 0, *parseDType(attrs.getStr("dtype")));
  return in[0] != DType::Unknown;
}

bool gatherNdShape(const Attrs &, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &idx = in[1];
  if (!data.known() || !idx.known())
    return false;
  if (idx.ndim() <= 1)
    throw ShapeError("gather_nd requires index tensor to have at least 2 dimensions", 1, false);
  if (idx[0] > data.ndim())
    throw ShapeError("Number of indices exceeds data dimension", 1, false);
  if (idx[0] > 10)
    throw ShapeError("gather_nd supports indexing along at most 10 dimensions.", 1, false);
  std::vector<int64_t> dims(idx.begin() + 1, idx.end());
  dims.insert(dims.end(), data.begin() + idx[0], data.end());
  assignOut(out, 0, shapeOf(dims));
  return true;
}

bool scatterNdShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0], &idx = in[1];
  TShape target = shapeOf(attrs.getShape("shape"));
  assignOut(out, 0, target);
  if (!data.known() || !idx.known())
    return false;
  if (idx.ndim() <= 1)
    throw ShapeError("scatter_nd requires index tensor to have at least 2 dimensions", 1, false);
  if (idx[0] > 10)
    throw ShapeError("scatter_nd supports indexing along at most 10 dimensions.", 1, false);
  int64_t m = idx[0];
  bool valid = data.ndim() == idx.ndim() - 1 + target.ndim() - m;
  for (int i = 0; valid && i < idx.ndim() - 1; ++i)
    valid = data[i] == idx[i + 1];
  for (int i = 0; valid && i < target.ndim() - m; ++i)
    valid = data[idx.ndim() - 1 + i] == target[int(m) + i];
  if (!valid)
    throw ShapeError(str("Invalid data, indices, and shape combination for scatter_nd: ",
                         bracket(data), ", ", bracket(idx), ", ", bracket(target)));
  assignOut(out, 0, target);
  return true;
}

// scatter_nd: the output takes the data's dtype.
bool scatterNdType(const Attrs &, Types &in, Types &out) {
  assignOut(out, 0, in[0]);
  assignIn(in, 0, out[0]);
  return in[0] != DType::Unknown && in[1] != DType::Unknown;
}

bool whereShape(const Attrs &, Shapes &in, Shapes &out) {
  // A mismatch between x, y and the output leaves the node undecided, as
  // in MXNet, rather than raising.
  TShape t = in[1];
  if (!merge(t, in[2]) || !merge(t, out[0]))
    return false;
  assignIn(in, 1, t);
  assignIn(in, 2, t);
  assignOut(out, 0, t);
  if (in[0].ndim() == t.ndim()) {
    TShape c = in[0];
    if (!merge(c, t))
      return false;
    assignIn(in, 0, c);
    return allKnown(in, out);
  }
  if (in[0].ndim() == 1) {
    if (in[0].known() && t.ndimKnown() && in[0][0] != t[0])
      throw ShapeError(
          str("where: a 1-D condition has ", in[0][0], " elements, x's first dim is ", t[0]), 0,
          false);
    return allKnown(in, out);
  }
  return false;
}

// where: x, y and the output share a dtype (a mismatch leaves the node
// undecided, as in MXNet); the condition keeps its own.
bool whereType(const Attrs &, Types &in, Types &out) {
  DType t = in[1];
  if (!merge(t, in[2]) || !merge(t, out[0]))
    return false;
  in[1] = in[2] = out[0] = t;
  return t != DType::Unknown;
}

// The sequence ops: the data's dtype fills unknown inputs (the lengths may
// have any dtype) and the output.
bool sequenceType(const Attrs &, Types &in, Types &out) {
  if (in[0] == DType::Unknown)
    return false;
  for (DType &t : in)
    merge(t, in[0]);
  assignOut(out, 0, in[0]);
  return true;
}

/// The batch extent of sequence data: axis 0 is time, 1 batch, or swapped.
int64_t sequenceBatch(const Attrs &attrs, const TShape &data) {
  if (data.ndim() < 2)
    throw ShapeError("The data array must be of rank 2 or greater.", 0, false);
  int64_t axis = attrs.getInt("axis");
  if (axis != 0 && axis != 1)
    throw ShapeError("Current implementation expects axis to be 0 or 1.");
  return axis ? data[0] : data[1];
}

bool sequenceMaskShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  int64_t batch = sequenceBatch(attrs, data);
  if (attrs.getBool("use_sequence_length"))
    assignIn(in, 1, TShape{batch});
  assignOut(out, 0, data);
  return allKnown(in, out);
}

bool sequenceLastShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  int64_t batch = sequenceBatch(attrs, data);
  if (attrs.getBool("use_sequence_length"))
    assignIn(in, 1, TShape{batch});
  std::vector<int64_t> dims{batch};
  dims.insert(dims.end(), data.begin() + 2, data.end());
  assignOut(out, 0, shapeOf(dims));
  return allKnown(in, out);
}

bool sequenceReverseShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  const TShape &data = in[0];
  if (attrs.getInt("axis") != 0)
    throw ShapeError("SequenceReverse has only been implemented for axis = 0");
  if (!data.ndimKnown())
    return false;
  if (data.ndim() < 2)
    throw ShapeError("The data array must be of rank 2 or greater.", 0, false);
  if (attrs.getBool("use_sequence_length"))
    assignIn(in, 1, TShape{data[1]});
  assignOut(out, 0, data);
  return allKnown(in, out);
}

const std::vector<int64_t> &raveledShape(const Attrs &attrs) {
  if (attrs.isNone("shape") || attrs.getShape("shape").empty())
    throw ShapeError(str("Empty shape parameter for ",
                         attrs.op().name == "_ravel_multi_index" ? "ravel" : "unravel",
                         " operator."));
  return attrs.getShape("shape");
}

bool ravelShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  int64_t k = int64_t(raveledShape(attrs).size());
  if (in[0].ndim() > 0) {
    if (in[0].ndim() != 2)
      throw ShapeError("Input to ravel operator must be two-dimensional.", 0, false);
    if (in[0][0] != k)
      throw ShapeError("First dimension of input of ravel operator does not match shape "
                       "parameter dimension.",
                       0, false);
    assignOut(out, 0, TShape{in[0][1]});
    return allKnown(in, out);
  }
  if (out[0].ndim() > 0) {
    if (out[0].ndim() != 1)
      throw ShapeError("Output of ravel operator must be one-dimensional.", 0, true);
    assignIn(in, 0, TShape{k, out[0][0]});
    return allKnown(in, out);
  }
  return false;
}

bool unravelShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  int64_t k = int64_t(raveledShape(attrs).size());
  if (in[0].ndim() > 0) {
    // MXNet's output is (len(shape), first input extent), whatever the rank.
    assignOut(out, 0, TShape{k, in[0][0]});
    return allKnown(in, out);
  }
  if (out[0].ndim() > 0) {
    if (out[0].ndim() != 2)
      throw ShapeError("Output of unravel operator must be two-dimensional.", 0, true);
    if (out[0][0] != k)
      throw ShapeError("First dimension of output of ravel operator does not match shape "
                       "parameter dimension.",
                       0, true);
    assignIn(in, 0, TShape{out[0][1]});
    return allKnown(in, out);
  }
  return false;
}

/// The result of topk/sort/argsort on data (MXNet's ParseTopKParam): k
/// along the axis (or the flattened data when the axis is None), or data's
/// own shape for 'mask'.
TShape orderedShape(const TShape &data, std::optional<int64_t> axis, int64_t k, bool mask) {
  if (!data.known())
    throw ShapeError("Shape dim size cannot be a negative value -1", 0, false);
  int64_t n = data.numel();
  int a = 0;
  if (axis) {
    int64_t r = *axis < 0 ? *axis + data.ndim() : *axis;
    if (r < 0 || r >= data.ndim())
      throw ShapeError(
          str("Invalid axis! axis should be between 0 and ", data.ndim(), ", found axis=", r));
    a = int(r);
    n = data[a];
  }
  if (k <= 0)
    k = n;
  if (k < 1 || k > n)
    throw ShapeError(str("k must be smaller than ", n, ", get k = ", k));
  if (mask)
    return data;
  if (!axis)
    return TShape{k};
  TShape result = data;
  result[a] = k;
  return result;
}

bool topkShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  TShape result = orderedShape(in[0], attrs.getOptInt("axis"), attrs.getInt("k"),
                               attrs.getStr("ret_typ") == "mask");
  for (size_t i = 0; i < out.size(); ++i)
    assignOut(out, int(i), result);
  return true;
}

// topk: 'indices' come in `dtype`; values (and masks) in the data's dtype;
// the hidden indices of 'value' are int32.
bool topkType(const Attrs &attrs, Types &in, Types &out) {
  const std::string &ret = attrs.getStr("ret_typ");
  DType dtype = *parseDType(attrs.getStr("dtype"));
  if (out.size() > 1)
    merge(out[1], ret == "value" ? DType::Int32 : dtype);
  if (ret == "indices") {
    merge(out[0], dtype);
    return true;
  }
  assignOut(out, 0, in[0]);
  assignIn(in, 0, out[0]);
  return out[0] != DType::Unknown;
}

bool sortShape(const Attrs &attrs, Shapes &in, Shapes &out) {
  if (!in[0].ndimKnown())
    return false;
  TShape result = orderedShape(in[0], attrs.getOptInt("axis"), 0, false);
  for (size_t i = 0; i < out.size(); ++i)
    assignOut(out, int(i), result);
  return true;
}

// sort: values in the data's dtype, the hidden indices int32.
bool sortType(const Attrs &, Types &in, Types &out) {
  Types values{out[0]};
  Types data{in[0]};
  bool done = unifyAll(data, values);
  in[0] = data[0];
  out[0] = values[0];
  merge(out[1], DType::Int32);
  return done;
}

// argsort: the indices come in `dtype`.
bool argsortType(const Attrs &attrs, Types &, Types &out) {
  merge(out[0], *parseDType(attrs.getStr("dtype")));
  return true;
}

const struct Registrations {
  Registrations() {
    Register("slice", sliceShape);
    Register("_slice_assign", sliceAssignShape);
    Register("_slice_assign_scalar", sliceAssignScalarShape);
    Register("slice_axis", sliceAxisShape);
    Register("slice_like", sliceLikeShape, likeType);
    Register("take", takeShape, dataTypeToOutput);
    Register("batch_take", batchTakeShape, batchTakeType);
    Register("pick", pickShape, dataTypeToOutput);
    Register("one_hot", oneHotShape, oneHotType);
    Register("gather_nd", gatherNdShape, dataTypeToOutput);
    Register("scatter_nd", scatterNdShape, scatterNdType);
    Register("where", whereShape, whereType);
    Register("SequenceMask", sequenceMaskShape, sequenceType);
    Register("SequenceLast", sequenceLastShape, sequenceType);
    Register("SequenceReverse", sequenceReverseShape, sequenceType);
    Register("_ravel_multi_index", ravelShape);
    Register("_unravel_index", unravelShape);
    Register("topk", topkShape, topkType);
    Register("sort", sortShape, sortType);
    Register("argsort", sortShape, argsortType);
  }
} kRegistrations;

} // namespace
} // namespace mxrt::infer
