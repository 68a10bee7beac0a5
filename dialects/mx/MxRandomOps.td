//===- MxRandomOps.td - random samplers ---------------------*- tablegen -*-===//
//
// Three forms, as in MXNet: _random_X draws an array of `shape` from one
// distribution given by attributes (a source op); _random_X_like draws an
// array of its input's shape; _sample_X draws `shape` samples for each
// element of its parameter arrays (output shape: param.shape + shape).
// None of them is Pure: each draw advances the device's generator.
//
//===----------------------------------------------------------------------===//

#ifndef MX_RANDOM_OPS_TD
#define MX_RANDOM_OPS_TD

include "MxBase.td"

defvar MxRandomDTypes = ["float16", "float32", "float64"];

class Mx_RandomOp<string name, list<string> aliases, string distribution, string example>
    : Mx_Op<name> {
  let summary = "Draws an array of `shape` from " # distribution;
  let description = "`dtype` None means float32 (or the dtype inference gives).\n\n"
    # "Example: " # example;
  let results = (outs AnyTensor:$output);
  let mxAliases = aliases;
  let mxNoGradient = 1;
}

def Mx_RandomUniformOp : Mx_RandomOp<"_random_uniform", ["random_uniform", "uniform"],
    "the uniform distribution on [low, high)", "_random_uniform(shape=(2, 3)) -> (2, 3).">  {
  let arguments = (ins MxFloat<"0">:$low, MxFloat<"1">:$high, MxOptShape:$shape, MxStr<"">:$ctx,
                   MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_RandomNormalOp : Mx_RandomOp<"_random_normal", ["normal", "random_normal"],
    "the normal distribution N(loc, scale^2)", "_random_normal(loc=0, scale=1, shape=(4,)) -> (4,).">  {
  let arguments = (ins MxFloat<"0">:$loc, MxFloat<"1">:$scale, MxOptShape:$shape,
                   MxStr<"">:$ctx, MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_RandomRandintOp : Mx_RandomOp<"_random_randint", ["random_randint"],
    "the uniform distribution over the integers in [low, high)",
    "_random_randint(low=0, high=10, shape=(3,)) -> (3,) int32.">  {
  let description = "`dtype` None means int32.\n\nExample: _random_randint(low=0, high=10, "
    # "shape=(3,)) -> (3,) int32.";
  let arguments = (ins MxIntReq:$low, MxIntReq:$high, MxOptShape:$shape, MxStr<"">:$ctx,
                   MxOptDType<["int32", "int64"]>:$dtype);
}

def Mx_RandomExponentialOp : Mx_RandomOp<"_random_exponential", ["random_exponential"],
    "the exponential distribution with rate lam", "_random_exponential(lam=2, shape=(3,)) -> (3,).">  {
  let arguments = (ins MxFloat<"1">:$lam, MxOptShape:$shape, MxStr<"">:$ctx,
                   MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_RandomGammaOp : Mx_RandomOp<"_random_gamma", ["random_gamma"],
    "the gamma distribution with shape alpha and scale beta",
    "_random_gamma(alpha=9, beta=0.5, shape=(2,)) -> (2,).">  {
  let arguments = (ins MxFloat<"1">:$alpha, MxFloat<"1">:$beta, MxOptShape:$shape,
                   MxStr<"">:$ctx, MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_RandomPoissonOp : Mx_RandomOp<"_random_poisson", ["random_poisson"],
    "the Poisson distribution with rate lam", "_random_poisson(lam=4, shape=(2,)) -> (2,).">  {
  let arguments = (ins MxFloat<"1">:$lam, MxOptShape:$shape, MxStr<"">:$ctx,
                   MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_RandomNegativeBinomialOp : Mx_RandomOp<"_random_negative_binomial",
    ["random_negative_binomial"],
    "the negative binomial distribution (k failures, success probability p)",
    "_random_negative_binomial(k=3, p=0.4, shape=(2,)) -> (2,).">  {
  let arguments = (ins MxInt<"1">:$k, MxFloat<"1">:$p, MxOptShape:$shape, MxStr<"">:$ctx,
                   MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_RandomGeneralizedNegativeBinomialOp : Mx_RandomOp<
    "_random_generalized_negative_binomial", ["random_generalized_negative_binomial"],
    "the generalized negative binomial distribution (mean mu, dispersion alpha)",
    "_random_generalized_negative_binomial(mu=2, alpha=0.3, shape=(2,)) -> (2,).">  {
  let arguments = (ins MxFloat<"1">:$mu, MxFloat<"1">:$alpha, MxOptShape:$shape,
                   MxStr<"">:$ctx, MxOptDType<MxRandomDTypes>:$dtype);
}

class Mx_RandomLikeOp<string name, string distribution> : Mx_Op<name> {
  let summary = "Draws an array of data's shape and dtype from " # distribution;
  let description = "Only data's shape and dtype are used.\n\nExample: " # name
    # "(zeros((2, 3))) -> (2, 3).";
  let results = (outs AnyTensor:$output);
  let mxNoGradient = 1;
}

def Mx_RandomUniformLikeOp : Mx_RandomLikeOp<"_random_uniform_like",
    "the uniform distribution on [low, high)"> {
  let arguments = (ins AnyTensor:$data, MxFloat<"0">:$low, MxFloat<"1">:$high);
}
def Mx_RandomNormalLikeOp : Mx_RandomLikeOp<"_random_normal_like",
    "the normal distribution N(loc, scale^2)"> {
  let arguments = (ins AnyTensor:$data, MxFloat<"0">:$loc, MxFloat<"1">:$scale);
}
def Mx_RandomExponentialLikeOp : Mx_RandomLikeOp<"_random_exponential_like",
    "the exponential distribution with rate lam"> {
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$lam);
}
def Mx_RandomGammaLikeOp : Mx_RandomLikeOp<"_random_gamma_like",
    "the gamma distribution with shape alpha and scale beta"> {
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$alpha, MxFloat<"1">:$beta);
}
def Mx_RandomPoissonLikeOp : Mx_RandomLikeOp<"_random_poisson_like",
    "the Poisson distribution with rate lam"> {
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$lam);
}
def Mx_RandomNegativeBinomialLikeOp : Mx_RandomLikeOp<"_random_negative_binomial_like",
    "the negative binomial distribution"> {
  let arguments = (ins AnyTensor:$data, MxInt<"1">:$k, MxFloat<"1">:$p);
}
def Mx_RandomGeneralizedNegativeBinomialLikeOp : Mx_RandomLikeOp<
    "_random_generalized_negative_binomial_like",
    "the generalized negative binomial distribution"> {
  let arguments = (ins AnyTensor:$data, MxFloat<"1">:$mu, MxFloat<"1">:$alpha);
}

class Mx_SampleOp<string name, string distribution, string params> : Mx_Op<name> {
  let summary = "Draws `shape` samples from " # distribution # " per parameter element";
  let description = "The parameter arrays (" # params # ") share one shape S; the "
    # "output is S + shape.\n\nExample: " # name # " with parameters of shape (2,) and "
    # "shape=(3,) -> (2, 3).";
  let results = (outs AnyTensor:$output);
  let mxAliases = [!subst("_sample_", "sample_", name)];
  let mxNoGradient = 1;
}

def Mx_SampleUniformOp : Mx_SampleOp<"_sample_uniform", "uniform distributions", "low, high"> {
  let arguments = (ins AnyTensor:$low, AnyTensor:$high, MxShape<"()">:$shape,
                   MxOptDType<MxRandomDTypes>:$dtype);
}
def Mx_SampleNormalOp : Mx_SampleOp<"_sample_normal", "normal distributions", "mu, sigma"> {
  let arguments = (ins AnyTensor:$mu, AnyTensor:$sigma, MxShape<"()">:$shape,
                   MxOptDType<MxRandomDTypes>:$dtype);
}
def Mx_SampleGammaOp : Mx_SampleOp<"_sample_gamma", "gamma distributions", "alpha, beta"> {
  let arguments = (ins AnyTensor:$alpha, AnyTensor:$beta, MxShape<"()">:$shape,
                   MxOptDType<MxRandomDTypes>:$dtype);
}
def Mx_SampleExponentialOp : Mx_SampleOp<"_sample_exponential",
    "exponential distributions", "lam"> {
  let arguments = (ins AnyTensor:$lam, MxShape<"()">:$shape, MxOptDType<MxRandomDTypes>:$dtype);
}
def Mx_SamplePoissonOp : Mx_SampleOp<"_sample_poisson", "Poisson distributions", "lam"> {
  let arguments = (ins AnyTensor:$lam, MxShape<"()">:$shape, MxOptDType<MxRandomDTypes>:$dtype);
}
def Mx_SampleNegativeBinomialOp : Mx_SampleOp<"_sample_negative_binomial",
    "negative binomial distributions", "k, p"> {
  let arguments = (ins AnyTensor:$k, AnyTensor:$p, MxShape<"()">:$shape,
                   MxOptDType<MxRandomDTypes>:$dtype);
}
def Mx_SampleGeneralizedNegativeBinomialOp : Mx_SampleOp<
    "_sample_generalized_negative_binomial", "generalized negative binomial distributions",
    "mu, alpha"> {
  let arguments = (ins AnyTensor:$mu, AnyTensor:$alpha, MxShape<"()">:$shape,
                   MxOptDType<MxRandomDTypes>:$dtype);
}

def Mx_SampleMultinomialOp : Mx_Op<"_sample_multinomial"> {
  let summary = "Draws class indices from categorical distributions";
  let description = [{
    data (..., K) holds probabilities over K classes; the output is
    data.shape[:-1] + shape indices in `dtype`. With `get_prob` a second
    output gives the log-probability of each draw.

    Example: _sample_multinomial([[0, 1]], shape=(3,)) = [[1, 1, 1]].
  }];
  let arguments = (ins AnyTensor:$data, MxShape<"()">:$shape, MxBool<"False">:$get_prob,
                   MxDType<"int32", ["float16", "float32", "float64", "int32", "uint8"]>:$dtype);
  let results = (outs AnyTensor:$output, Optional<AnyTensor>:$prob);
  let mxAliases = ["sample_multinomial"];
  let mxNumOutputs = "get_prob?2:1";
  let mxNoGradient = 1;
}

def Mx_ShuffleOp : Mx_Op<"_shuffle"> {
  let summary = "Randomly permutes the array along its first axis";
  let description = [{
    Example: _shuffle([[1, 2], [3, 4], [5, 6]]) may give [[5, 6], [1, 2], [3, 4]].
  }];
  let arguments = (ins AnyTensor:$data);
  let results = (outs AnyTensor:$output);
  let mxAliases = ["shuffle"];
  let mxNoGradient = 1;
}

#endif // MX_RANDOM_OPS_TD
