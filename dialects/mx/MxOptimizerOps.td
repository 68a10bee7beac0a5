//===- MxOptimizerOps.td - optimizer update steps -----------*- tablegen -*-===//
//
// One update step of an optimizer for one weight, as mx.optimizer calls them
// (with out=weight). The output is the new weight; optimizer states (mom,
// mean, var, weight32, ...) are inputs the op updates in place
// (mxMutateInputs), which makes them auxiliary states in a graph. Gradients
// are first multiplied by rescale_grad and clipped to
// [-clip_gradient, clip_gradient] when clip_gradient >= 0.
//
//===----------------------------------------------------------------------===//

#ifndef MX_OPTIMIZER_OPS_TD
#define MX_OPTIMIZER_OPS_TD

include "MxBase.td"

class Mx_UpdateOp<string name, string summ, string rule> : Mx_Op<name> {
  let summary = summ;
  let description = "Update rule: " # rule # "\n\nEvery state has the weight's shape; "
    # "the output (the new weight) too.";
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_SgdUpdateOp : Mx_UpdateOp<"sgd_update", "Stochastic gradient descent step",
    "weight = weight - lr * (grad + wd * weight).">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, MxFloatReq:$lr, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient,
                   MxBool<"True">:$lazy_update);
}

def Mx_SgdMomUpdateOp : Mx_UpdateOp<"sgd_mom_update", "SGD step with momentum",
    "mom = momentum * mom - lr * (grad + wd * weight); weight = weight + mom.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mom, MxFloatReq:$lr,
                   MxFloat<"0">:$momentum, MxFloat<"0">:$wd, MxFloat<"1">:$rescale_grad,
                   MxFloat<"-1">:$clip_gradient, MxBool<"True">:$lazy_update);
  let mxMutateInputs = [2];
}

def Mx_MpSgdUpdateOp : Mx_UpdateOp<"mp_sgd_update",
    "Mixed-precision SGD step (float16 weight, float32 master copy)",
    "weight32 = weight32 - lr * (grad + wd * weight32); weight = weight32 in weight's dtype.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$weight32, MxFloatReq:$lr,
                   MxFloat<"0">:$wd, MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient,
                   MxBool<"True">:$lazy_update);
  let mxMutateInputs = [2];
}

def Mx_MpSgdMomUpdateOp : Mx_UpdateOp<"mp_sgd_mom_update",
    "Mixed-precision SGD step with momentum",
    "as sgd_mom_update on the float32 master weight32, then weight = weight32.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mom, AnyTensor:$weight32,
                   MxFloatReq:$lr, MxFloat<"0">:$momentum, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient,
                   MxBool<"True">:$lazy_update);
  let mxMutateInputs = [2, 3];
}

def Mx_NagMomUpdateOp : Mx_UpdateOp<"nag_mom_update", "Nesterov accelerated gradient step",
    "mom = momentum * mom + grad + wd * weight; weight = weight - lr * (grad + momentum * mom).">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mom, MxFloatReq:$lr,
                   MxFloat<"0">:$momentum, MxFloat<"0">:$wd, MxFloat<"1">:$rescale_grad,
                   MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2];
}

def Mx_MpNagMomUpdateOp : Mx_UpdateOp<"mp_nag_mom_update",
    "Mixed-precision Nesterov accelerated gradient step",
    "as nag_mom_update on the float32 master weight32, then weight = weight32.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mom, AnyTensor:$weight32,
                   MxFloatReq:$lr, MxFloat<"0">:$momentum, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2, 3];
}

def Mx_AdamUpdateOp : Mx_UpdateOp<"adam_update", "Adam step",
    "mean = beta1 * mean + (1 - beta1) * g; var = beta2 * var + (1 - beta2) * g^2; "
    # "weight = weight - lr * mean / (sqrt(var) + epsilon), with g = grad + wd * weight.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mean, AnyTensor:$var,
                   MxFloatReq:$lr, MxFloat<"0.9">:$beta1, MxFloat<"0.999">:$beta2,
                   MxFloat<"1e-08">:$epsilon, MxFloat<"0">:$wd, MxFloat<"1">:$rescale_grad,
                   MxFloat<"-1">:$clip_gradient, MxBool<"True">:$lazy_update);
  let mxMutateInputs = [2, 3];
}

def Mx_AdamwUpdateOp : Mx_UpdateOp<"_adamw_update", "AdamW step (decoupled weight decay)",
    "as adam_update without wd in g, then weight = weight - eta * (lr * mean / "
    # "(sqrt(var) + epsilon) + wd * weight); rescale_grad is a 1-element input, and a "
    # "non-finite value skips the step.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mean, AnyTensor:$var,
                   AnyTensor:$rescale_grad, MxFloatReq:$lr, MxFloat<"0.9">:$beta1,
                   MxFloat<"0.999">:$beta2, MxFloat<"1e-08">:$epsilon, MxFloat<"0">:$wd,
                   MxFloatReq:$eta, MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2, 3];
}

def Mx_MpAdamwUpdateOp : Mx_UpdateOp<"_mp_adamw_update", "Mixed-precision AdamW step",
    "as _adamw_update on the float32 master weight32, then weight = weight32.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mean, AnyTensor:$var,
                   AnyTensor:$weight32, AnyTensor:$rescale_grad, MxFloatReq:$lr,
                   MxFloat<"0.9">:$beta1, MxFloat<"0.999">:$beta2, MxFloat<"1e-08">:$epsilon,
                   MxFloat<"0">:$wd, MxFloatReq:$eta, MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2, 3, 4];
}

def Mx_RmspropUpdateOp : Mx_UpdateOp<"rmsprop_update", "RMSProp step (Tieleman and Hinton)",
    "n = (1 - gamma1) * g^2 + gamma1 * n; weight = weight - lr * g / sqrt(n + epsilon), "
    # "weights clipped to clip_weights when >= 0.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$n, MxFloatReq:$lr,
                   MxFloat<"0.95">:$gamma1, MxFloat<"1e-08">:$epsilon, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient,
                   MxFloat<"-1">:$clip_weights);
  let mxMutateInputs = [2];
}

def Mx_RmspropalexUpdateOp : Mx_UpdateOp<"rmspropalex_update", "RMSProp step (Graves)",
    "n = (1 - gamma1) * g^2 + gamma1 * n; g_ = (1 - gamma1) * g + gamma1 * g_; "
    # "delta = gamma2 * delta - lr * g / sqrt(n - g_^2 + epsilon); weight += delta.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$n, AnyTensor:$g,
                   AnyTensor:$delta, MxFloatReq:$lr, MxFloat<"0.95">:$gamma1,
                   MxFloat<"0.9">:$gamma2, MxFloat<"1e-08">:$epsilon, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient,
                   MxFloat<"-1">:$clip_weights);
  let mxMutateInputs = [2, 3, 4];
}

def Mx_FtrlUpdateOp : Mx_UpdateOp<"ftrl_update", "FTRL-proximal step",
    "z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr; n += g^2; weight = (sign(z) * "
    # "lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where |z| > lamda1, else 0.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$z, AnyTensor:$n,
                   MxFloatReq:$lr, MxFloat<"0.01">:$lamda1, MxFloat<"1">:$beta,
                   MxFloat<"0">:$wd, MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2, 3];
}

def Mx_FtmlUpdateOp : Mx_UpdateOp<"ftml_update", "FTML step (Zheng and Kwok)",
    "v = beta2 * v + (1 - beta2) * g^2; d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - "
    # "beta2^t)) + epsilon); z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight; "
    # "d = d_t; weight = -z / d.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$d, AnyTensor:$v,
                   AnyTensor:$z, MxFloatReq:$lr, MxFloat<"0.6">:$beta1, MxFloat<"0.999">:$beta2,
                   MxFloat<"1e-08">:$epsilon, MxIntReq:$t, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_grad);
  let mxMutateInputs = [2, 3, 4];
}

def Mx_SignsgdUpdateOp : Mx_UpdateOp<"signsgd_update", "signSGD step",
    "weight = (1 - lr * wd) * weight - lr * sign(grad).">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, MxFloatReq:$lr, MxFloat<"0">:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient);
}

def Mx_SignumUpdateOp : Mx_UpdateOp<"signum_update", "Signum step (signSGD with momentum)",
    "mom = momentum * mom - (1 - momentum) * (grad + wd * weight); "
    # "weight = (1 - lr * wd_lh) * weight + lr * sign(mom).">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mom, MxFloatReq:$lr,
                   MxFloat<"0">:$momentum, MxFloat<"0">:$wd, MxFloat<"1">:$rescale_grad,
                   MxFloat<"-1">:$clip_gradient, MxFloat<"0">:$wd_lh);
  let mxMutateInputs = [2];
}

def Mx_LambUpdatePhase1Op : Mx_UpdateOp<"lamb_update_phase1",
    "LAMB step, phase 1: the Adam direction plus weight decay",
    "mean and var as in Adam (bias-corrected when bias_correction); the output is "
    # "g = mean / (sqrt(var) + epsilon) + wd * weight, which phase 2 scales.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mean, AnyTensor:$var,
                   MxFloat<"0.9">:$beta1, MxFloat<"0.999">:$beta2, MxFloat<"1e-06">:$epsilon,
                   MxIntReq:$t, MxBool<"True">:$bias_correction, MxFloatReq:$wd,
                   MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2, 3];
}

def Mx_LambUpdatePhase2Op : Mx_UpdateOp<"lamb_update_phase2",
    "LAMB step, phase 2: the layer-wise trust ratio",
    "r1 = ||weight|| (clipped to [lower_bound, upper_bound] when set), r2 = ||g|| "
    # "(both 1-element inputs); weight = weight - lr * r1 / r2 * g.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$g, AnyTensor:$r1, AnyTensor:$r2,
                   MxFloatReq:$lr, MxFloat<"-1">:$lower_bound, MxFloat<"-1">:$upper_bound);
}

def Mx_MpLambUpdatePhase1Op : Mx_UpdateOp<"mp_lamb_update_phase1",
    "Mixed-precision LAMB step, phase 1",
    "as lamb_update_phase1 on the float32 master weight32.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$grad, AnyTensor:$mean, AnyTensor:$var,
                   AnyTensor:$weight32, MxFloat<"0.9">:$beta1, MxFloat<"0.999">:$beta2,
                   MxFloat<"1e-06">:$epsilon, MxIntReq:$t, MxBool<"True">:$bias_correction,
                   MxFloatReq:$wd, MxFloat<"1">:$rescale_grad, MxFloat<"-1">:$clip_gradient);
  let mxMutateInputs = [2, 3];
}

def Mx_MpLambUpdatePhase2Op : Mx_UpdateOp<"mp_lamb_update_phase2",
    "Mixed-precision LAMB step, phase 2",
    "as lamb_update_phase2 on the float32 master weight32, then weight = weight32.">  {
  let arguments = (ins AnyTensor:$weight, AnyTensor:$g, AnyTensor:$r1, AnyTensor:$r2,
                   AnyTensor:$weight32, MxFloatReq:$lr, MxFloat<"-1">:$lower_bound,
                   MxFloat<"-1">:$upper_bound);
  let mxMutateInputs = [4];
}

def Mx_AllFiniteOp : Mx_Op<"all_finite"> {
  let summary = "1 if every element is finite, else 0 (a (1,) float32 array)";
  let description = [{
    Used by mixed-precision training to skip steps with overflowed
    gradients. With init_output false the result is and-ed into the output's
    previous value.

    Example: all_finite([1, inf]) = [0].
  }];
  let arguments = (ins AnyTensor:$data, MxBool<"True">:$init_output);
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

#endif // MX_OPTIMIZER_OPS_TD
