//===- MxLossOps.td - softmax and loss layers ---------------*- tablegen -*-===//
//
// The softmax family and the ops that end a training graph. Loss layers
// (mxIsLoss) take no head gradient: their backward pass computes the loss
// gradient from the label, as MXNet's executor expects.
//
//===----------------------------------------------------------------------===//

#ifndef MX_LOSS_OPS_TD
#define MX_LOSS_OPS_TD

include "MxBase.td"

defvar MxSoftmaxDTypes = ["float16", "float32", "float64"];

// softmax, log_softmax and softmin share their attributes.
class Mx_SoftmaxLikeOp<string name, string summ, string formula, string example>
    : Mx_Op<name, [Pure]> {
  let summary = summ;
  let description = "Computes " # formula # " along `axis` (default the last), "
    # "with x divided by `temperature` first when given. `dtype` sets the output "
    # "dtype (default: the input's).\n\nExample: " # example;
  let arguments = (ins AnyTensor:$data, MxInt<"-1">:$axis, MxOptFloat<>:$temperature,
                   MxOptDType<MxSoftmaxDTypes>:$dtype, MxOptBool<"False">:$use_length);
}

def Mx_SoftmaxOp : Mx_SoftmaxLikeOp<"softmax", "Applies the softmax function along an axis",
    "exp(x) / sum(exp(x))", "softmax([[1, 1]]) = [[0.5, 0.5]]. With `use_length`, "
    # "a `length` input of the data's shape without `axis` masks the elements past "
    # "each length (to 0)."> {
  let arguments = (ins AnyTensor:$data, Optional<AnyTensor>:$length, MxInt<"-1">:$axis,
                   MxOptFloat<>:$temperature, MxOptDType<MxSoftmaxDTypes>:$dtype,
                   MxOptBool<"False">:$use_length);
  let results = (outs AnyTensor:$output);
  let mxInputConds = ["length=use_length"];
}

def Mx_LogSoftmaxOp : Mx_SoftmaxLikeOp<"log_softmax", "Applies log(softmax) along an axis",
    "x - log(sum(exp(x)))", "log_softmax([[0, 0]]) = [[-0.6931, -0.6931]].">  {
  let results = (outs AnyTensor:$output);
}

def Mx_SoftminOp : Mx_SoftmaxLikeOp<"softmin", "Applies softmin (the softmax of -x) along an axis",
    "exp(-x) / sum(exp(-x))", "softmin([[0, 1e9]]) = [[1, 0]].">  {
  let results = (outs AnyTensor:$output);
}

def Mx_SoftmaxActivationOp : Mx_Op<"SoftmaxActivation", [Pure]> {
  let summary = "Softmax over each instance or over channels (deprecated form)";
  let description = [{
    'instance' applies softmax over all but the first axis of each sample;
    'channel' over axis 1 at each spatial position.

    Example: SoftmaxActivation([[1, 1, 1, 1]]) = [[0.25, 0.25, 0.25, 0.25]].
  }];
  let arguments = (ins AnyTensor:$data, MxEnum<["channel", "instance"], "instance">:$mode);
  let results = (outs AnyTensor:$output);
}

def Mx_SoftmaxOutputOp : Mx_Op<"SoftmaxOutput", [Pure]> {
  let summary = "Softmax in the forward pass, cross-entropy gradient in the backward pass";
  let description = [{
    The output is softmax(data) over the last axes (axis 1 with
    `multi_output`, the last axis with `preserve_shape`). `label` holds class
    indices of shape data.shape[:-1] (multi_output: (N, prod of the rest)),
    or probabilities of the data's shape. The gradient is
    (softmax - onehot(label)) * grad_scale, normalized by 'batch' or by the
    'valid' (non-ignored) label count; `use_ignore` zeroes rows labelled
    `ignore_label`, `smooth_alpha` smooths the one-hot target.

    Example: SoftmaxOutput(data (32, 10)) -> label (32,), output (32, 10).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$label, MxFloat<"1">:$grad_scale,
                   MxFloat<"-1">:$ignore_label, MxBool<"False">:$multi_output,
                   MxBool<"False">:$use_ignore, MxBool<"False">:$preserve_shape,
                   MxEnum<["batch", "null", "valid"], "null">:$normalization,
                   MxBool<"False">:$out_grad, MxFloat<"0">:$smooth_alpha);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["Softmax"];
  let mxOutputNames = ["output"];
  let mxIsLoss = 1;
}

def Mx_SoftmaxCrossEntropyOp : Mx_Op<"softmax_cross_entropy", [Pure]> {
  let summary = "Sums the cross-entropy of softmax(data) against class labels";
  let description = [{
    data is (N, K), label (N,) of class indices; the output is the scalar
    sum over the batch of -log(softmax(data)[i, label[i]]), shape (1,).

    Example: softmax_cross_entropy([[0, 0]], [1]) = [0.6931].
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$label);
  let results = (outs AnyTensor:$output);
}

// Regression outputs: identity-like forward, loss gradient backward.
class Mx_RegressionOutputOp<string name, string fwd, string grad>
    : Mx_Op<name, [Pure]> {
  let summary = "Regression loss layer: " # fwd # " forward, " # grad # " backward";
  let description = "The output is " # fwd # " of data; label has the data's shape (or "
    # "(N,) when data is (N, 1)). The gradient is " # grad # " times grad_scale / "
    # "(number of outputs per sample).\n\nExample: " # name
    # "(data (8, 1)) -> label (8,), output (8, 1).";
  let arguments = (ins AnyTensor:$data, AnyTensor:$label, MxFloat<"1">:$grad_scale);
  let results = (outs AnyTensor:$output);
  let mxOutputNames = ["output"];
  let mxIsLoss = 1;
  let mxInplace = [0, 0];
}

def Mx_LinearRegressionOutputOp
    : Mx_RegressionOutputOp<"LinearRegressionOutput", "the identity", "(out - label)">;
def Mx_LogisticRegressionOutputOp
    : Mx_RegressionOutputOp<"LogisticRegressionOutput", "sigmoid", "(out - label)">;
def Mx_MAERegressionOutputOp
    : Mx_RegressionOutputOp<"MAERegressionOutput", "the identity", "sign(out - label)">;

def Mx_SVMOutputOp : Mx_Op<"SVMOutput", [Pure]> {
  let summary = "Support-vector loss layer: identity forward, hinge-loss gradient backward";
  let description = [{
    data is (N, K) scores, label (N,) class indices. The gradient is that of
    the multi-class hinge loss with `margin` (squared unless `use_linear`),
    scaled by `regularization_coefficient`.

    Example: SVMOutput(data (8, 3)) -> label (8,), output (8, 3).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$label, MxFloat<"1">:$margin,
                   MxFloat<"1">:$regularization_coefficient, MxBool<"False">:$use_linear);
  let results = (outs AnyTensor:$output);
  let mxIsLoss = 1;
}

def Mx_MakeLossOp : Mx_Op<"MakeLoss", [Pure]> {
  let summary = "Marks data as a loss: identity forward, grad_scale gradient backward";
  let description = [{
    The gradient of the output is grad_scale, divided by the batch size
    ('batch') or by the count of elements above `valid_thresh` ('valid').

    Example: MakeLoss(square(x - y)) makes a squared-error loss head.
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$grad_scale, MxFloat<"0">:$valid_thresh,
                   MxEnum<["batch", "null", "valid"], "null">:$normalization);
  let results = (outs AnyTensor:$output);
  let mxOutputNames = ["output"];
  let mxIsLoss = 1;
  let mxInplace = [0, 0];
}

def Mx_MakeLossLowerOp : Mx_Op<"make_loss", [Pure]> {
  let summary = "Marks data as a loss: identity forward, gradient of ones backward";
  let description = [{
    The attribute-free form of MakeLoss.

    Example: make_loss(sum(square(x))) makes a loss head.
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxOutputNames = ["loss"];
  let mxIsLoss = 1;
  let mxInplace = [0, 0];
}

def Mx_BlockGradOp : Mx_Op<"BlockGrad", [Pure]> {
  let summary = "Identity forward; stops the gradient from flowing back";
  let description = [{
    Example: BlockGrad(x) * y differentiates only through y.
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["stop_gradient"];
  let mxNoGradient = 1;
  let mxInplace = [0, 0];
}

def Mx_CTCLossOp : Mx_Op<"CTCLoss", [Pure, AttrSizedOperandSegments]> {
  let summary = "Connectionist temporal classification loss";
  let description = [{
    data is (T, N, alphabet_size) activations, label (N, L) label
    sequences padded with the blank (0 for `blank_label`='first', -1 for
    'last'). `data_lengths` (N,) and `label_lengths` (N,) are inputs when
    use_data_lengths / use_label_lengths. The output is the loss per
    sequence (N,); the gradient output is hidden.

    Example: CTCLoss(data (20, 4, 11), label (4, 5)) -> (4,).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$label, Optional<AnyTensor>:$data_lengths,
                   Optional<AnyTensor>:$label_lengths, MxBool<"False">:$use_data_lengths,
                   MxBool<"False">:$use_label_lengths,
                   MxEnum<["first", "last"], "first">:$blank_label);
  let results = (outs AnyTensor:$output, AnyTensor:$grad);
  let mxAliases = ["ctc_loss"];
  let mxInputConds = ["data_lengths=use_data_lengths", "label_lengths=use_label_lengths"];
  let mxVisibleOutputs = "1";
}

#endif // MX_LOSS_OPS_TD
