//===- MxNNOps.td - neural-network layers -------------------*- tablegen -*-===//
//
// The layers of MXNet's symbol API that carry weights or a spatial window:
// FullyConnected, Convolution, Deconvolution, Pooling, Embedding, RNN, and
// the element-wise activations with layer semantics (Activation, LeakyReLU,
// Dropout, LRN). Layouts are MXNet's: NCW/NCHW/NCDHW unless `layout` says
// otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef MX_NN_OPS_TD
#define MX_NN_OPS_TD

include "MxBase.td"

defvar MxConvLayouts = ["NCW", "NCHW", "NCDHW", "NHWC", "NDHWC"];
defvar MxCudnnTune = ["fastest", "limited_workspace", "off"];

def Mx_FullyConnectedOp : Mx_Op<"FullyConnected", [Pure]> {
  let summary = "Applies a linear transformation: Y = X W^T + b";
  let description = [{
    `data` (N, ...) is flattened to (N, K) with K the product of the other
    dims unless `flatten` is false, in which case the transformation applies
    to the last axis. `weight` is (num_hidden, K), `bias` (num_hidden,).

    Example: data (2, 3, 4), num_hidden=5 -> weight (5, 12), output (2, 5);
    with flatten=False -> weight (5, 4), output (2, 3, 5).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$weight, Optional<AnyTensor>:$bias,
                   MxIntReq:$num_hidden, MxBool<"False">:$no_bias, MxBool<"True">:$flatten);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["bias=!no_bias"];
  let mxOutputNames = ["output"];
}

def Mx_ConvolutionOp : Mx_Op<"Convolution", [Pure]> {
  let summary = "Computes a 1-D, 2-D or 3-D convolution";
  let description = [{
    The rank of `kernel` picks the spatial rank. With data (N, C, H, W),
    weight is (num_filter, C / num_group, kh, kw), bias (num_filter,), and
    each output spatial extent is
    floor((H + 2 * pad - dilate * (kh - 1) - 1) / stride) + 1.
    `stride` and `dilate` default to 1, `pad` to 0 in every dimension.

    Example: data (1, 3, 32, 32), kernel=(3, 3), num_filter=16, pad=(1, 1)
    -> weight (16, 3, 3, 3), output (1, 16, 32, 32).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$weight, Optional<AnyTensor>:$bias,
                   MxShapeReq:$kernel, MxShape<"()">:$stride, MxShape<"()">:$dilate,
                   MxShape<"()">:$pad, MxIntReq:$num_filter, MxInt<"1">:$num_group,
                   MxInt<"1024">:$workspace, MxBool<"False">:$no_bias,
                   MxOptEnum<MxCudnnTune>:$cudnn_tune, MxBool<"False">:$cudnn_off,
                   MxOptEnum<MxConvLayouts>:$layout);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["bias=!no_bias"];
  let mxOutputNames = ["output"];
}

def Mx_DeconvolutionOp : Mx_Op<"Deconvolution", [Pure]> {
  let summary = "Computes a transposed convolution (the gradient of Convolution)";
  let description = [{
    With data (N, C, H, W), weight is (C, num_filter / num_group, kh, kw) and
    each output spatial extent is
    stride * (H - 1) + dilate * (kh - 1) + 1 - 2 * pad + adj, unless
    `target_shape` gives it, in which case pad and adj are derived from it.
    Unlike Convolution, `no_bias` defaults to true.

    Example: data (1, 16, 8, 8), kernel=(4, 4), stride=(2, 2), pad=(1, 1),
    num_filter=3 -> weight (16, 3, 4, 4), output (1, 3, 16, 16).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$weight, Optional<AnyTensor>:$bias,
                   MxShapeReq:$kernel, MxShape<"()">:$stride, MxShape<"()">:$dilate,
                   MxShape<"()">:$pad, MxShape<"()">:$adj, MxShape<"()">:$target_shape,
                   MxIntReq:$num_filter, MxInt<"1">:$num_group, MxInt<"512">:$workspace,
                   MxBool<"True">:$no_bias, MxOptEnum<MxCudnnTune>:$cudnn_tune,
                   MxBool<"False">:$cudnn_off, MxOptEnum<MxConvLayouts>:$layout);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["bias=!no_bias"];
  let mxOutputNames = ["output"];
}

def Mx_PoolingOp : Mx_Op<"Pooling", [Pure]> {
  let summary = "Pools windows of 1-D, 2-D or 3-D data (max, avg, sum, lp)";
  let description = [{
    Each output spatial extent is, for `pooling_convention` 'valid',
    floor((H + 2 * pad - kernel) / stride) + 1; for 'full',
    ceil((H + 2 * pad - kernel) / stride) + 1; for 'same', ceil(H / stride).
    `global_pool` pools each whole feature map to 1 and ignores kernel,
    stride and pad. 'lp' pooling uses `p_value`; `count_include_pad`
    (default true) decides whether 'avg' divides by the padded window.

    Example: data (1, 3, 7, 7), kernel=(2, 2), stride=(2, 2) -> (1, 3, 3, 3);
    with pooling_convention='full' -> (1, 3, 4, 4).
  }];
  let arguments = (ins AnyTensor:$data, MxShape<"()">:$kernel,
                   MxEnum<["avg", "lp", "max", "sum"], "max">:$pool_type,
                   MxBool<"False">:$global_pool, MxBool<"False">:$cudnn_off,
                   MxEnum<["full", "same", "valid"], "valid">:$pooling_convention,
                   MxShape<"()">:$stride, MxShape<"()">:$pad, MxOptInt<>:$p_value,
                   MxOptBool<>:$count_include_pad,
                   MxOptEnum<["NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC"]>:$layout);
  let results = (outs AnyTensor:$output);
  let mxOutputNames = ["output"];
  // MXNet 1.9.1's MKL-DNN build adds a hidden workspace output to max pooling
  // over 1-3 spatial dims in channel-first layouts; its files count it.
  let mxJsonOutputs =
      "pool_type==max?kernel?layout==NWC?1:layout==NHWC?1:layout==NDHWC?1:2:1:1";
}

def Mx_ActivationOp : Mx_Op<"Activation", [Pure]> {
  let summary = "Applies an activation function element-wise";
  let description = [{
    relu max(x, 0), sigmoid 1 / (1 + exp(-x)), tanh, softrelu
    log(1 + exp(x)), softsign x / (1 + |x|).

    Example: Activation([-1, 2], act_type='relu') = [0, 2].
  }];
  let arguments = (ins AnyTensor:$data,
                   MxEnumReq<["relu", "sigmoid", "softrelu", "softsign", "tanh"]>:$act_type);
  let results = (outs AnyTensor:$output);
  let mxOutputNames = ["output"];
  let mxInplace = [0, 0];
}

def Mx_LeakyReLUOp : Mx_Op<"LeakyReLU", [Pure]> {
  let summary = "Applies a leaky rectifier: leaky, prelu, elu, selu, gelu or rrelu";
  let description = [{
    leaky: x > 0 ? x : slope * x; prelu: the same with a learned `gamma`
    per channel (axis 1), input only for prelu; elu: x > 0 ? x :
    slope * (exp(x) - 1); selu: the scaled elu of Klambauer et al.; gelu:
    x * Phi(x); rrelu: a random slope in [lower_bound, upper_bound] while
    training (then also returning the slopes as `mask`), their mean in
    inference.

    Example: LeakyReLU([-2, 3], act_type='leaky', slope=0.25) = [-0.5, 3].
  }];
  let arguments = (ins AnyTensor:$data, Optional<AnyTensor>:$gamma,
                   MxEnum<["elu", "gelu", "leaky", "prelu", "rrelu", "selu"], "leaky">:$act_type,
                   MxFloat<"0.25">:$slope, MxFloat<"0.125">:$lower_bound,
                   MxFloat<"0.334">:$upper_bound);
  let results = (outs AnyTensor:$output, Optional<AnyTensor>:$mask);
  let mxInputConds = ["gamma=act_type==prelu"];
  let mxNumOutputs = "act_type==rrelu?2:1";
  let mxOutputNames = ["output", "mask"];
}

def Mx_DropoutOp : Mx_Op<"Dropout"> {
  let summary = "Zeroes elements at random with probability p while training";
  let description = [{
    Kept elements are scaled by 1 / (1 - p); in inference (or with p = 0) it
    is the identity unless `mode` is 'always'. `axes` shares one mask along
    the given axes (variational dropout). The second output, the mask, is
    hidden.

    Example: Dropout(ones((2, 2)), p=0.5) while training gives elements in
    {0, 2}.
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"0.5">:$p,
                   MxEnum<["always", "training"], "training">:$mode, MxShape<"()">:$axes,
                   MxOptBool<"False">:$cudnn_off);
  let results = (outs AnyTensor:$output, AnyTensor:$mask);
  let mxOutputNames = ["output", "mask"];
  let mxVisibleOutputs = "1";
}

def Mx_EmbeddingOp : Mx_Op<"Embedding", [Pure]> {
  let summary = "Maps integer indices to rows of a weight matrix";
  let description = [{
    `weight` is (input_dim, output_dim); the output has shape
    data.shape + (output_dim,) and the dtype `dtype`. Indices are clipped to
    [0, input_dim - 1].

    Example: data [[0, 2]], weight (3, 4) -> output (1, 2, 4) holding rows
    0 and 2.
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$weight, MxIntReq:$input_dim,
                   MxIntReq:$output_dim,
                   MxDType<"float32", ["bfloat16", "float16", "float32", "float64", "int32",
                                       "int64", "int8", "uint8"]>:$dtype,
                   MxBool<"False">:$sparse_grad);
  let results = (outs AnyTensor:$output);
}

def Mx_LRNOp : Mx_Op<"LRN", [Pure]> {
  let summary = "Local response normalization across channels";
  let description = [{
    out = x / (knorm + alpha / nsize * sum of x^2 over the `nsize`
    neighbouring channels)^beta. The second output (the normalizer) is
    hidden.

    Example: LRN(data (1, 8, 4, 4), nsize=5) has shape (1, 8, 4, 4).
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"0.0001">:$alpha, MxFloat<"0.75">:$beta,
                   MxFloat<"2">:$knorm, MxIntReq:$nsize);
  let results = (outs AnyTensor:$output, AnyTensor:$tmp_norm);
  let mxOutputNames = ["output", "tmp_norm"];
  let mxVisibleOutputs = "1";
}

def Mx_UpSamplingOp : Mx_Op<"UpSampling", [Pure, AttrSizedOperandSegments]> {
  let summary = "Upsamples feature maps by an integer scale (nearest or bilinear)";
  let description = [{
    'nearest' takes `num_args` inputs (arg0, arg1, ...), scales each to the
    first one's size times `scale` and concatenates them on the channel axis
    (or sums them, `multi_input_mode`='sum'). 'bilinear' takes `data` and a
    `weight` of shape (C, 1, 2 * scale - scale % 2, same) and is a
    depthwise Deconvolution.

    Example: UpSampling(x (1, 3, 4, 4), scale=2, sample_type='nearest',
    num_args=1) -> (1, 3, 8, 8).
  }];
  let arguments = (ins Variadic<AnyTensor>:$args, Optional<AnyTensor>:$data,
                   Optional<AnyTensor>:$weight, MxIntReq:$scale, MxInt<"0">:$num_filter,
                   MxEnumReq<["bilinear", "nearest"]>:$sample_type,
                   MxEnum<["concat", "sum"], "concat">:$multi_input_mode, MxIntReq:$num_args,
                   MxInt<"512">:$workspace);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["args=sample_type==nearest", "data=sample_type==bilinear",
                      "weight=sample_type==bilinear"];
  let mxNumArgsAttr = "num_args";
  let mxOutputNames = ["output"];
  // MXNet's FSetInputVarAttrOnCompose: a composed weight starts bilinear.
  let mxInputInit = ["weight:bilinear"];
}

def Mx_RNNOp : Mx_Op<"RNN", [AttrSizedOperandSegments, AttrSizedResultSegments]> {
  let summary = "Runs a multi-layer recurrent network (rnn_relu, rnn_tanh, lstm, gru)";
  let description = [{
    data is (T, N, input_size); `parameters` packs every layer's weights and
    biases in one vector; `state` (and `state_cell` for lstm) are
    (num_layers * directions, N, state_size). The output is
    (T, N, directions * state_size) (projection_size replaces state_size in
    the output and state of an lstm with projection). With `state_outputs`
    the final states are outputs too.

    Example: RNN(data (5, 2, 8), mode='lstm', state_size=16, num_layers=1)
    -> parameters (1664,), output (5, 2, 16).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$parameters, AnyTensor:$state,
                   Optional<AnyTensor>:$state_cell, Optional<AnyTensor>:$sequence_length,
                   MxIntReq:$state_size, MxIntReq:$num_layers, MxBool<"False">:$bidirectional,
                   MxEnumReq<["gru", "lstm", "rnn_relu", "rnn_tanh"]>:$mode, MxFloat<"0">:$p,
                   MxBool<"False">:$state_outputs, MxOptInt<>:$projection_size,
                   MxOptFloat<>:$lstm_state_clip_min, MxOptFloat<>:$lstm_state_clip_max,
                   MxBool<"False">:$lstm_state_clip_nan, MxBool<"False">:$use_sequence_length);
  let results = (outs AnyTensor:$output, Optional<AnyTensor>:$state_output,
                 Optional<AnyTensor>:$statecell_output);
  let mxInputConds = ["state_cell=mode==lstm", "sequence_length=use_sequence_length"];
  let mxNumOutputs = "state_outputs?mode==lstm?3:2:1";
  let mxOutputNames = ["output", "state_output", "statecell_output"];
}

def Mx_ROIPoolingOp : Mx_Op<"ROIPooling", [Pure]> {
  let summary = "Max-pools regions of interest to a fixed size";
  let description = [{
    `rois` is (R, 5): batch index and corner coordinates (x1, y1, x2, y2) in
    the input image, scaled to the feature map by `spatial_scale`. The
    output is (R, C, ph, pw) for pooled_size (ph, pw); the hidden second
    output holds the argmax positions.

    Example: data (1, 256, 14, 14), rois (8, 5), pooled_size=(7, 7)
    -> (8, 256, 7, 7).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$rois, MxShapeReq:$pooled_size,
                   MxFloatReq:$spatial_scale);
  let results = (outs AnyTensor:$output, AnyTensor:$maxidx);
  let mxOutputNames = ["output", "maxidx"];
  let mxVisibleOutputs = "1";
}

#endif // MX_NN_OPS_TD
