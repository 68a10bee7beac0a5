//===- MxIndexOps.td - slicing, gathering and ordering ------*- tablegen -*-===//
//
// Ops that select elements by position: slices (and slice assignment),
// gathers by index arrays (take, pick, gather_nd, Embedding's cousin
// one_hot), masks over sequences, and sorting (topk, sort, argsort).
// Index arrays hold integers in a float or integer dtype, as in MXNet.
//
//===----------------------------------------------------------------------===//

#ifndef MX_INDEX_OPS_TD
#define MX_INDEX_OPS_TD

include "MxBase.td"

def Mx_SliceOp : Mx_Op<"slice", [Pure]> {
  let summary = "Takes a strided slice: data[begin:end:step] per axis";
  let description = [{
    `begin`, `end` and `step` cover the leading axes; None (or a missing
    entry) means the whole axis, negative values count from the end, and a
    negative step walks backwards (then None begin/end mean the last/first
    element).

    Example: slice(data (4, 5), begin=(1, None), end=(3, None)) -> (2, 5);
    slice(data (4, 5), begin=(None, 4), end=(None, None), step=(1, -2))
    -> (4, 3).
  }];
  let arguments = (ins AnyTensor:$data, MxIntOrNoneTupleReq:$begin, MxIntOrNoneTupleReq:$end,
                   MxIntOrNoneTuple<"()">:$step);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["crop"];
}

def Mx_SliceAxisOp : Mx_Op<"slice_axis", [Pure]> {
  let summary = "Slices one axis: data[..., begin:end, ...]";
  let description = [{
    `end` None means the end of the axis; negative values count from the end.

    Example: slice_axis(data (4, 5), axis=1, begin=1, end=-1) -> (4, 3).
  }];
  let arguments = (ins AnyTensor:$data, MxIntReq:$axis, MxIntReq:$begin, MxOptIntReq:$end);
  let results = (outs AnyTensor:$output);
}

def Mx_SliceLikeOp : Mx_Op<"slice_like", [Pure]> {
  let summary = "Slices data to the extents of shape_like, from the start";
  let description = [{
    Only the listed `axes` are sliced (empty: every axis).

    Example: slice_like(data (4, 5), shape_like (2, 3)) -> (2, 3);
    with axes=(1,) -> (4, 3).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$shape_like, MxShape<"()">:$axes);
  let results = (outs AnyTensor:$output);
}

def Mx_SliceAssignOp : Mx_Op<"_slice_assign", [Pure]> {
  let summary = "Copies lhs with the slice [begin:end:step] replaced by rhs";
  let description = [{
    rhs has the slice's shape; the output has lhs's.

    Example: _slice_assign(zeros((2, 3)), ones((2, 1)), begin=(None, 1),
    end=(None, 2)) = [[0, 1, 0], [0, 1, 0]].
  }];
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs, MxIntOrNoneTupleReq:$begin,
                   MxIntOrNoneTupleReq:$end, MxIntOrNoneTuple<"()">:$step);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["_crop_assign"];
  let mxInplace = [0, 0];
}

def Mx_SliceAssignScalarOp : Mx_Op<"_slice_assign_scalar", [Pure]> {
  let summary = "Copies data with the slice [begin:end:step] set to a scalar";
  let description = [{
    Example: _slice_assign_scalar(zeros((2, 3)), scalar=5, begin=(1,),
    end=(2,)) = [[0, 0, 0], [5, 5, 5]].
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"0">:$scalar, MxIntOrNoneTupleReq:$begin,
                   MxIntOrNoneTupleReq:$end, MxIntOrNoneTuple<"()">:$step);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["_crop_assign_scalar"];
  let mxInplace = [0, 0];
}

def Mx_TakeOp : Mx_Op<"take", [Pure]> {
  let summary = "Gathers slices of `a` along an axis at the given indices";
  let description = [{
    The output shape is a.shape[:axis] + indices.shape + a.shape[axis+1:].
    Out-of-range indices are clipped ('clip'), wrapped ('wrap') or an error
    ('raise').

    Example: take(a (5, 3), indices (2, 2)) -> (2, 2, 3);
    take(a (5, 3), indices (4,), axis=1) -> (5, 4).
  }];
  let arguments = (ins AnyTensor:$a, AnyTensor:$indices, MxInt<"0">:$axis,
                   MxEnum<["clip", "raise", "wrap"], "clip">:$mode);
  let results = (outs AnyTensor:$output);
}

def Mx_BatchTakeOp : Mx_Op<"batch_take", [Pure]> {
  let summary = "Takes one element per row: out[i] = a[i, indices[i]]";
  let description = [{
    Example: batch_take([[1, 2], [3, 4]], [1, 0]) = [2, 3].
  }];
  let arguments = (ins AnyTensor:$a, AnyTensor:$indices);
  let results = (outs AnyTensor:$output);
}

def Mx_PickOp : Mx_Op<"pick", [Pure]> {
  let summary = "Picks one element along an axis at the index given per position";
  let description = [{
    `index` has the data's shape without `axis` (or with it as 1); the
    output has that shape too (keeping the axis with `keepdims`). None
    flattens the data.

    Example: pick([[1, 2], [3, 4]], [1, 0], axis=1) = [2, 3].
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$index, MxOptInt<"-1">:$axis,
                   MxBool<"False">:$keepdims, MxEnum<["clip", "wrap"], "clip">:$mode);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["choose_element_0index"];
}

def Mx_OneHotOp : Mx_Op<"one_hot", [Pure]> {
  let summary = "One-hot encodes indices: output shape indices.shape + (depth,)";
  let description = [{
    Positions equal to the index hold `on_value`, the others `off_value`,
    in dtype `dtype`.

    Example: one_hot([1, 0], depth=3) = [[0, 1, 0], [1, 0, 0]].
  }];
  let arguments = (ins AnyTensor:$indices, MxIntReq:$depth, MxFloat<"1">:$on_value,
                   MxFloat<"0">:$off_value,
                   MxDType<"float32", ["bfloat16", "float16", "float32", "float64", "int32",
                                       "int64", "int8", "uint8"]>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_GatherNdOp : Mx_Op<"gather_nd", [Pure]> {
  let summary = "Gathers elements or slices at N-dimensional indices";
  let description = [{
    indices (M, Y0, ...) addresses the first M axes of data; the output is
    indices.shape[1:] + data.shape[M:].

    Example: gather_nd([[1, 2], [3, 4]], [[1, 0], [0, 1]]) = [3, 2].
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices);
  let results = (outs AnyTensor:$output);
}

def Mx_ScatterNdOp : Mx_Op<"scatter_nd", [Pure]> {
  let summary = "Scatters data into a zero array of `shape` at N-dimensional indices";
  let description = [{
    The inverse of gather_nd: data has indices.shape[1:] + shape[M:].

    Example: scatter_nd([2, 3], [[1, 0], [0, 1]], shape=(2, 2)) = [[0, 3], [2, 0]].
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$indices, MxShapeReq:$shape);
  let results = (outs AnyTensor:$output);
}

def Mx_WhereOp : Mx_Op<"where", [Pure]> {
  let summary = "Chooses x where condition is non-zero, else y";
  let description = [{
    x and y share a shape; condition has that shape or is 1-D with the first
    dim's extent (choosing whole rows).

    Example: where([1, 0], [1, 2], [3, 4]) = [1, 4].
  }];
  let arguments = (ins AnyTensor:$condition, AnyTensor:$x, AnyTensor:$y);
  let results = (outs AnyTensor:$output);
}

// Sequence ops: data is laid out with time on `axis` (0 or 1) and batch on
// the other of the first two axes; sequence_length (batch,) is an input
// only with use_sequence_length.
class Mx_SequenceOp<string name, string summ, string example> : Mx_Op<name, [Pure]> {
  let summary = summ;
  let description = "Time runs along `axis` (0 or 1) and the batch along the other of "
    # "the first two axes; without `use_sequence_length` every sequence has the full "
    # "length.\n\nExample: " # example;
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["sequence_length=use_sequence_length"];
}

def Mx_SequenceMaskOp : Mx_SequenceOp<"SequenceMask",
    "Sets the steps past each sequence's length to a value",
    "SequenceMask(data (4, 2, 3), sequence_length [1, 3], use_sequence_length=True) "
    # "-> (4, 2, 3) with steps 1.. of sequence 0 and 3.. of sequence 1 set to 0."> {
  let arguments = (ins AnyTensor:$data, Optional<AnyTensor>:$sequence_length,
                   MxBool<"False">:$use_sequence_length, MxFloat<"0">:$value,
                   MxInt<"0">:$axis);
}

def Mx_SequenceLastOp : Mx_SequenceOp<"SequenceLast", "Takes each sequence's last step",
    "SequenceLast(data (4, 2, 3)) -> (2, 3).">  {
  let arguments = (ins AnyTensor:$data, Optional<AnyTensor>:$sequence_length,
                   MxBool<"False">:$use_sequence_length, MxInt<"0">:$axis);
}

def Mx_SequenceReverseOp : Mx_SequenceOp<"SequenceReverse",
    "Reverses each sequence's steps up to its length",
    "SequenceReverse(data (4, 2, 3)) -> (4, 2, 3).">  {
  let arguments = (ins AnyTensor:$data, Optional<AnyTensor>:$sequence_length,
                   MxBool<"False">:$use_sequence_length, MxInt<"0">:$axis);
}

def Mx_RavelMultiIndexOp : Mx_Op<"_ravel_multi_index", [Pure]> {
  let summary = "Converts index tuples (one per column) to flat indices into `shape`";
  let description = [{
    data is (len(shape), N); the output is (N,).

    Example: _ravel_multi_index([[1, 0], [2, 1]], shape=(2, 3)) = [5, 1].
  }];
  let arguments = (ins AnyTensor:$data, MxOptShape:$shape);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["ravel_multi_index"];
  let mxNoGradient = 1;
}

def Mx_UnravelIndexOp : Mx_Op<"_unravel_index", [Pure]> {
  let summary = "Converts flat indices into index tuples of `shape`";
  let description = [{
    data is (N,) (or any shape S); the output is (len(shape),) + S.

    Example: _unravel_index([5, 1], shape=(2, 3)) = [[1, 0], [2, 1]].
  }];
  let arguments = (ins AnyTensor:$data, MxOptShape:$shape);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["unravel_index"];
  let mxNoGradient = 1;
}

defvar MxIndexDTypes = ["float16", "float32", "float64", "int32", "int64", "uint8"];

def Mx_TopkOp : Mx_Op<"topk", [Pure]> {
  let summary = "The k largest (or smallest) elements along an axis";
  let description = [{
    `ret_typ` 'indices' returns their indices (in `dtype`), 'value' their
    values, 'both' values then indices, 'mask' a 0/1 array of the data's
    shape marking them. The result has extent k along `axis`; None
    flattens the data first.

    Example: topk([[3, 1, 2]], k=2) = [[0, 2]];
    topk([[3, 1, 2]], k=2, ret_typ='value') = [[3, 2]].
  }];
  let arguments = (ins AnyTensor:$data, MxOptInt<"-1">:$axis, MxInt<"1">:$k,
                   MxEnum<["both", "indices", "mask", "value"], "indices">:$ret_typ,
                   MxBool<"False">:$is_ascend, MxDType<"float32", MxIndexDTypes>:$dtype);
  let results = (outs AnyTensor:$output0, Optional<AnyTensor>:$output1);
  let mxNumOutputs = "ret_typ==indices?1:ret_typ==mask?1:2";
  let mxVisibleOutputs = "ret_typ==both?2:1";
}

def Mx_SortOp : Mx_Op<"sort", [Pure]> {
  let summary = "Sorts along an axis";
  let description = [{
    Ascending unless `is_ascend` is false; None sorts the flattened data.
    The indices output is hidden.

    Example: sort([[3, 1, 2]]) = [[1, 2, 3]].
  }];
  let arguments = (ins AnyTensor:$data, MxOptInt<"-1">:$axis, MxBool<"True">:$is_ascend);
  let results = (outs AnyTensor:$output, AnyTensor:$indices);
  let mxVisibleOutputs = "1";
}

def Mx_ArgsortOp : Mx_Op<"argsort", [Pure]> {
  let summary = "Indices that sort the data along an axis";
  let description = [{
    Indices are returned in `dtype`; None sorts the flattened data.

    Example: argsort([[3, 1, 2]]) = [[1, 2, 0]].
  }];
  let arguments = (ins AnyTensor:$data, MxOptInt<"-1">:$axis, MxBool<"True">:$is_ascend,
                   MxDType<"float32", MxIndexDTypes>:$dtype);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

#endif // MX_INDEX_OPS_TD
