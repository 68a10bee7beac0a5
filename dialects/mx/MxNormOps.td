//===- MxNormOps.td - normalization layers ------------------*- tablegen -*-===//
//
// BatchNorm, LayerNorm, InstanceNorm, GroupNorm and L2Normalization. Their
// statistics outputs exist in every graph but are visible only on request
// (output_mean_var); BatchNorm's moving statistics are auxiliary states that
// the op updates while training.
//
//===----------------------------------------------------------------------===//

#ifndef MX_NORM_OPS_TD
#define MX_NORM_OPS_TD

include "MxBase.td"

def Mx_BatchNormOp : Mx_Op<"BatchNorm"> {
  let summary = "Normalizes over a batch: (x - mean) / sqrt(var + eps) * gamma + beta";
  let description = [{
    Statistics are per channel along `axis`. While training (unless
    `use_global_stats`) they come from the batch and update the auxiliary
    states: moving = moving * momentum + batch * (1 - momentum); in
    inference the moving statistics are used. With `fix_gamma`, gamma is
    taken as 1. gamma, beta, moving_mean and moving_var are (C,). Outputs
    mean and var (the batch statistics) are visible only with
    `output_mean_var`.

    Example: BatchNorm(data (4, 3, 8, 8)) -> gamma, beta, moving_mean,
    moving_var (3,), output (4, 3, 8, 8).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$gamma, AnyTensor:$beta,
                   AnyTensor:$moving_mean, AnyTensor:$moving_var, MxFloat<"0.001">:$eps,
                   MxFloat<"0.9">:$momentum, MxBool<"True">:$fix_gamma,
                   MxBool<"False">:$use_global_stats, MxBool<"False">:$output_mean_var,
                   MxInt<"1">:$axis, MxBool<"False">:$cudnn_off,
                   MxOptFloat<>:$min_calib_range, MxOptFloat<>:$max_calib_range);
  let results = (outs AnyTensor:$output, AnyTensor:$mean, AnyTensor:$var);
  let mxInputInit = ["moving_mean:zero", "moving_var:one"];
  let mxMutateInputs = [3, 4];
  let mxOutputNames = ["output", "mean", "var"];
  let mxVisibleOutputs = "output_mean_var?3:1";
}

def Mx_LayerNormOp : Mx_Op<"LayerNorm", [Pure]> {
  let summary = "Normalizes each sample over one axis, then scales and shifts";
  let description = [{
    out = (x - mean) / sqrt(var + eps) * gamma + beta with mean and var over
    `axis` (default the last); gamma and beta have that axis' length. The
    mean and std outputs keep the other dims (axis reduced to 1) and are
    visible with `output_mean_var`.

    Example: LayerNorm(data (2, 5, 16)) -> gamma, beta (16,),
    output (2, 5, 16), mean and std (2, 5, 1).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$gamma, AnyTensor:$beta,
                   MxInt<"-1">:$axis, MxFloat<"1e-05">:$eps, MxBool<"False">:$output_mean_var);
  let results = (outs AnyTensor:$output, AnyTensor:$mean, AnyTensor:$std);
  let mxOutputNames = ["output", "mean", "std"];
  let mxVisibleOutputs = "output_mean_var?3:1";
}

def Mx_InstanceNormOp : Mx_Op<"InstanceNorm", [Pure]> {
  let summary = "Normalizes each channel of each sample over its spatial dims";
  let description = [{
    out = (x - mean) / sqrt(var + eps) * gamma + beta with statistics per
    (sample, channel); gamma and beta are (C,) for data (N, C, ...). The
    statistics outputs (N, C) are hidden.

    Example: InstanceNorm(data (2, 3, 8, 8)) -> gamma, beta (3,),
    output (2, 3, 8, 8).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$gamma, AnyTensor:$beta,
                   MxFloat<"0.001">:$eps);
  let results = (outs AnyTensor:$output, AnyTensor:$mean, AnyTensor:$var);
  let mxOutputNames = ["output", "mean", "var"];
  let mxVisibleOutputs = "1";
}

def Mx_GroupNormOp : Mx_Op<"GroupNorm", [Pure]> {
  let summary = "Normalizes groups of channels of each sample";
  let description = [{
    The C channels of data (N, C, ...) form `num_groups` groups normalized
    separately; gamma and beta are (C,). The mean and std outputs are
    (N, num_groups) and visible with `output_mean_var`.

    Example: GroupNorm(data (2, 6, 4, 4), num_groups=3) -> gamma, beta (6,),
    output (2, 6, 4, 4).
  }];
  let arguments = (ins AnyTensor:$data, AnyTensor:$gamma, AnyTensor:$beta,
                   MxInt<"1">:$num_groups, MxFloat<"1e-05">:$eps,
                   MxBool<"False">:$output_mean_var);
  let results = (outs AnyTensor:$output, AnyTensor:$mean, AnyTensor:$std);
  let mxOutputNames = ["output", "mean", "std"];
  let mxVisibleOutputs = "output_mean_var?3:1";
}

def Mx_L2NormalizationOp : Mx_Op<"L2Normalization", [Pure]> {
  let summary = "Divides by the L2 norm per instance, channel or spatial position";
  let description = [{
    out = x / sqrt(sum(x^2) + eps), the sum taken over all but the first
    axis ('instance'), over axis 1 ('channel') or over the axes after 1
    ('spatial'). The norm output is hidden.

    Example: L2Normalization([[3, 4]]) = [[0.6, 0.8]].
  }];
  let arguments = (ins AnyTensor:$data, MxFloat<"1e-10">:$eps,
                   MxEnum<["channel", "instance", "spatial"], "instance">:$mode);
  let results = (outs AnyTensor:$output, AnyTensor:$norm);
  let mxOutputNames = ["output", "norm"];
  let mxVisibleOutputs = "1";
}

#endif // MX_NORM_OPS_TD
