//===- MxShapeOps.td - ops that rearrange data ---------------*- tablegen -*-===//
//
// Reshaping, transposition, joining and splitting, tiling and padding: ops
// whose output elements are input elements moved (or repeated) elsewhere.
//
//===----------------------------------------------------------------------===//

#ifndef MX_SHAPE_OPS_TD
#define MX_SHAPE_OPS_TD

include "MxBase.td"

def Mx_ReshapeOp : Mx_Op<"Reshape", [Pure]> {
  let summary = "Gives the data a new shape with the same number of elements";
  let description = [{
    `shape` may hold special values: 0 copies the input dim, -1 infers one
    dim from the element count, -2 copies all remaining dims, -3 merges two
    consecutive input dims, -4 splits one input dim into the next two values
    (one of which may be -1). `reverse` matches the special values from the
    right. The legacy `target_shape` (0 infers a dim) with `keep_highest`
    (keep the first dim) is used when `shape` is empty.

    Example: data (2, 3, 4): shape=(-1, 0) -> (6, 4); shape=(-3, -2) -> (6, 4);
    shape=(-4, 1, 2, -2) -> (1, 2, 3, 4).
  }];
  let arguments = (ins AnyTensor:$data, MxShape<"()">:$shape, MxBool<"False">:$reverse,
                   MxShape<"()">:$target_shape, MxBool<"False">:$keep_highest);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["reshape"];
  let mxInplace = [0, 0];
}

def Mx_FlattenOp : Mx_Op<"Flatten", [Pure]> {
  let summary = "Flattens all but the first axis: (N, d1, ..., dk) -> (N, d1 * ... * dk)";
  let description = [{
    Example: Flatten(data (2, 3, 4)) -> (2, 12).
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["flatten"];
  let mxInplace = [0, 0];
}

def Mx_TransposeOp : Mx_Op<"transpose", [Pure]> {
  let summary = "Permutes the axes";
  let description = [{
    Output axis i is input axis axes[i]; empty `axes` reverses the axes.

    Example: transpose(data (2, 3, 4), axes=(1, 0, 2)) -> (3, 2, 4);
    transpose(data (2, 3, 4)) -> (4, 3, 2).
  }];
  let arguments = (ins AnyTensor:$data, MxShape<"()">:$axes);
  let results = (outs AnyTensor:$output);
}

def Mx_SwapAxisOp : Mx_Op<"SwapAxis", [Pure]> {
  let summary = "Exchanges two axes";
  let description = [{
    Example: SwapAxis(data (2, 3, 4), dim1=0, dim2=2) -> (4, 3, 2).
  }];
  let arguments = (ins AnyTensor:$data, MxInt<"0">:$dim1, MxInt<"0">:$dim2);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["swapaxes"];
}

def Mx_ExpandDimsOp : Mx_Op<"expand_dims", [Pure]> {
  let summary = "Inserts an axis of extent 1";
  let description = [{
    `axis` may be in [-ndim - 1, ndim].

    Example: expand_dims(data (2, 3), axis=1) -> (2, 1, 3);
    axis=-1 -> (2, 3, 1).
  }];
  let arguments = (ins AnyTensor:$data, MxIntReq:$axis);
  let results = (outs AnyTensor:$output);
  let mxInplace = [0, 0];
}

def Mx_SqueezeOp : Mx_Op<"squeeze", [Pure]> {
  let summary = "Removes axes of extent 1";
  let description = [{
    Removes the given axes (each must have extent 1), or every axis of
    extent 1 when `axis` is None. Squeezing every axis of a (1, 1) array
    leaves (1,).

    Example: squeeze(data (2, 1, 3, 1)) -> (2, 3); axis=1 -> (2, 3, 1).
  }];
  let arguments = (ins AnyTensor:$data, MxOptShape:$axis);
  let results = (outs AnyTensor:$output);
  let mxInplace = [0, 0];
}

def Mx_ConcatOp : Mx_Op<"Concat", [Pure]> {
  let summary = "Joins arrays along an existing axis";
  let description = [{
    Every input has the same shape except along `dim`, where the output's
    extent is the sum of theirs.

    Example: Concat(a (2, 3), b (2, 5), dim=1) -> (2, 8).
  }];
  let arguments = (ins Variadic<AnyTensor>:$data, MxIntReq:$num_args, MxInt<"1">:$dim);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["concat"];
  let mxNumArgsAttr = "num_args";
}

def Mx_StackOp : Mx_Op<"stack", [Pure]> {
  let summary = "Joins arrays of one shape along a new axis";
  let description = [{
    Example: stack(a (2, 3), b (2, 3), axis=1) -> (2, 2, 3).
  }];
  let arguments = (ins Variadic<AnyTensor>:$data, MxInt<"0">:$axis, MxIntReq:$num_args);
  let results = (outs AnyTensor:$output);
  let mxNumArgsAttr = "num_args";
}

def Mx_SliceChannelOp : Mx_Op<"SliceChannel", [Pure]> {
  let summary = "Splits an array into equal parts along an axis";
  let description = [{
    The extent along `axis` must divide by `num_outputs`; `squeeze_axis`
    drops that axis when the parts have extent 1.

    Example: SliceChannel(data (2, 6), num_outputs=3) -> three (2, 2);
    SliceChannel(data (3, 4), num_outputs=3, axis=0, squeeze_axis=True)
    -> three (4,).
  }];
  let arguments = (ins AnyTensor:$data, MxIntReq:$num_outputs, MxInt<"1">:$axis,
                   MxBool<"False">:$squeeze_axis);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let mxAliases = ["split"];
  let mxOutputNames = ["output{i}"];
  let mxNumOutputsAttr = "num_outputs";
}

def Mx_SplitV2Op : Mx_Op<"_split_v2", [Pure]> {
  let summary = "Splits an array along an axis at indices or into equal sections";
  let description = [{
    With `sections` > 0 the axis is cut into that many equal parts;
    otherwise `indices` holds the start of each part (the first is 0).
    `squeeze_axis` drops the axis when every part has extent 1.

    Example: _split_v2(data (2, 10), indices=(0, 3, 7)) -> (2, 3), (2, 4),
    (2, 3).
  }];
  let arguments = (ins AnyTensor:$data, MxShapeReq:$indices, MxInt<"1">:$axis,
                   MxBool<"False">:$squeeze_axis, MxInt<"0">:$sections);
  let results = (outs Variadic<AnyTensor>:$outputs);
  let mxNumOutputs = "sections?sections:len(indices)";
}

def Mx_TileOp : Mx_Op<"tile", [Pure]> {
  let summary = "Repeats the whole array along each axis";
  let description = [{
    `reps` and the shape are aligned on the right, the shorter one padded
    with 1s.

    Example: tile(data (2, 3), reps=(2, 2)) -> (4, 6); reps=(3,) -> (2, 9).
  }];
  let arguments = (ins AnyTensor:$data, MxShapeReq:$reps);
  let results = (outs AnyTensor:$output);
}

def Mx_RepeatOp : Mx_Op<"repeat", [Pure]> {
  let summary = "Repeats each element";
  let description = [{
    Along `axis`, or over the flattened array when it is None.

    Example: repeat([[1, 2]], repeats=2, axis=1) = [[1, 1, 2, 2]];
    repeat([[1, 2]], repeats=2) = [1, 1, 2, 2].
  }];
  let arguments = (ins AnyTensor:$data, MxIntReq:$repeats, MxOptInt<>:$axis);
  let results = (outs AnyTensor:$output);
}

def Mx_PadOp : Mx_Op<"Pad", [Pure]> {
  let summary = "Pads 4-D or 5-D data with a constant, edge values or reflection";
  let description = [{
    `pad_width` has 2 * ndim values (before, after) per axis; the first two
    axes are not padded (their widths are 0).

    Example: Pad(data (1, 3, 4, 4), mode='constant',
    pad_width=(0, 0, 0, 0, 1, 1, 2, 2)) -> (1, 3, 6, 8).
  }];
  let arguments = (ins AnyTensor:$data, MxEnumReq<["constant", "edge", "reflect"]>:$mode,
                   MxShapeReq:$pad_width, MxFloat<"0">:$constant_value);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["pad"];
}

def Mx_ReverseOp : Mx_Op<"reverse", [Pure]> {
  let summary = "Reverses the order of elements along axes";
  let description = [{
    Example: reverse([[1, 2], [3, 4]], axis=1) = [[2, 1], [4, 3]].
  }];
  let arguments = (ins AnyTensor:$data, MxShapeReq:$axis);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["flip"];
}

def Mx_DepthToSpaceOp : Mx_Op<"depth_to_space", [Pure]> {
  let summary = "Moves channel blocks into spatial blocks (N, C*b*b, H, W) -> (N, C, H*b, W*b)";
  let description = [{
    Example: depth_to_space(data (1, 8, 2, 3), block_size=2) -> (1, 2, 4, 6).
  }];
  let arguments = (ins AnyTensor:$data, MxIntReq:$block_size);
  let results = (outs AnyTensor:$output);
}

def Mx_SpaceToDepthOp : Mx_Op<"space_to_depth", [Pure]> {
  let summary = "Moves spatial blocks into channels (N, C, H*b, W*b) -> (N, C*b*b, H, W)";
  let description = [{
    Example: space_to_depth(data (1, 2, 4, 6), block_size=2) -> (1, 8, 2, 3).
  }];
  let arguments = (ins AnyTensor:$data, MxIntReq:$block_size);
  let results = (outs AnyTensor:$output);
}

def Mx_ReshapeLikeOp : Mx_Op<"reshape_like", [Pure]> {
  let summary = "Gives lhs the shape of rhs, or of a range of rhs's axes";
  let description = [{
    lhs's axes [lhs_begin, lhs_end) are replaced by rhs's axes
    [rhs_begin, rhs_end) (None: the whole range); the element counts must
    agree.

    Example: reshape_like(lhs (30, 7), rhs (15, 2, 4), lhs_begin=0, lhs_end=1,
    rhs_begin=0, rhs_end=2) -> (15, 2, 7).
  }];
  let arguments = (ins AnyTensor:$lhs, AnyTensor:$rhs, MxOptInt<>:$lhs_begin,
                   MxOptInt<>:$lhs_end, MxOptInt<>:$rhs_begin, MxOptInt<>:$rhs_end);
  let results = (outs AnyTensor:$output);
}

def Mx_CropOp : Mx_Op<"Crop", [Pure]> {
  let summary = "Crops the spatial dims of 4-D data (deprecated; use slice)";
  let description = [{
    The output is (N, C, h, w) with (h, w) = `h_w`, or the spatial size of
    `crop_like` when num_args is 2; the window starts at `offset` or is
    centred (`center_crop`).

    Example: Crop(data (1, 3, 10, 10), num_args=1, h_w=(4, 6)) -> (1, 3, 4, 6).
  }];
  let arguments = (ins AnyTensor:$data, Optional<AnyTensor>:$crop_like, MxIntReq:$num_args,
                   MxShape<"(0, 0)">:$offset, MxShape<"(0, 0)">:$h_w,
                   MxBool<"False">:$center_crop);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["crop_like=num_args==2"];
  let mxNumArgsAttr = "num_args";
}

def Mx_DiagOp : Mx_Op<"diag", [Pure]> {
  let summary = "Extracts a diagonal, or builds a diagonal matrix from a vector";
  let description = [{
    1-D input: a square matrix with the input on diagonal `k`. N-D input:
    the diagonal `k` of the axes (axis1, axis2), which move to the end.

    Example: diag([1, 2]) = [[1, 0], [0, 2]]; diag(data (2, 3)) -> (2,);
    diag(data (2, 3), k=1) -> (2,).
  }];
  let arguments = (ins AnyTensor:$data, MxInt<"0">:$k, MxInt<"0">:$axis1, MxInt<"1">:$axis2);
  let results = (outs AnyTensor:$output);
}

#endif // MX_SHAPE_OPS_TD
