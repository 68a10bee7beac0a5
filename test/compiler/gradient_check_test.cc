// gradient_check_test.cc - every differentiable op's gradient against finite differences.
//
// One case per op (several where attributes change the gradient's form):
// the op on small random inputs, its gradient graph from mx-gradient run by
// the reference interpreter over the runtime's kernels, compared with
// central differences in float64; and the same gradient graph run under its
// memory plan must give the same numbers (GradientCheck.h). A case whose
// forward or backward ops have no CPU kernel yet is skipped, naming them;
// such cases start checking as kernels land. Loss layers are in
// gradient_loss_test.cc.
#include "GradientCheck.h"

#include <gtest/gtest.h>

namespace {

using mxc::testing::AttrList;
using mxc::testing::Dom;
using mxc::testing::Idx;
using mxc::testing::Input;
using mxc::testing::U;

struct Case {
  std::string name; ///< test name (unique)
  std::string op;
  std::vector<Input> inputs;
  AttrList attrs = {};
  double rtol = 1e-5;
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

const std::vector<int64_t> kS{2, 3};
constexpr double kPi2 = 1.5;

std::vector<Case> unaryCases() {
  return {
      {"abs", "abs", {U(kS)}},
      {"arccos", "arccos", {U(kS, -0.9, 0.9)}},
      {"arccosh", "arccosh", {U(kS, 1.5, 3)}},
      {"arcsin", "arcsin", {U(kS, -0.9, 0.9)}},
      {"arcsinh", "arcsinh", {U(kS)}},
      {"arctan", "arctan", {U(kS)}},
      {"arctanh", "arctanh", {U(kS, -0.9, 0.9)}},
      {"cbrt", "cbrt", {U(kS, 0.5, 2)}},
      {"cos", "cos", {U(kS)}},
      {"cosh", "cosh", {U(kS)}},
      {"degrees", "degrees", {U(kS)}},
      {"erf", "erf", {U(kS)}},
      {"erfinv", "erfinv", {U(kS, -0.9, 0.9)}},
      {"exp", "exp", {U(kS)}},
      {"expm1", "expm1", {U(kS)}},
      {"gamma", "gamma", {U(kS, 0.3, 4)}},
      {"gamma_negative", "gamma", {U(kS, -0.9, -0.1)}},
      {"gammaln", "gammaln", {U(kS, 0.2, 9)}},
      {"hard_sigmoid", "hard_sigmoid", {U(kS, -4, 4)}},
      {"log", "log", {U(kS, 0.5, 2)}},
      {"log10", "log10", {U(kS, 0.5, 2)}},
      {"log1p", "log1p", {U(kS, 0, 1)}},
      {"log2", "log2", {U(kS, 0.5, 2)}},
      {"negative", "negative", {U(kS)}},
      {"radians", "radians", {U(kS)}},
      {"rcbrt", "rcbrt", {U(kS, 0.5, 2)}},
      {"reciprocal", "reciprocal", {U(kS, 0.5, 2)}},
      {"relu", "relu", {U(kS)}},
      {"rsqrt", "rsqrt", {U(kS, 0.5, 2)}},
      {"sigmoid", "sigmoid", {U(kS)}},
      {"sin", "sin", {U(kS)}},
      {"sinh", "sinh", {U(kS)}},
      {"smooth_l1", "smooth_l1", {U(kS, -2, 2)}, {{"scalar", "1.5"}}},
      {"softsign", "softsign", {U(kS)}},
      {"sqrt", "sqrt", {U(kS, 0.5, 2)}},
      {"square", "square", {U(kS)}},
      {"tan", "tan", {U(kS, -kPi2 / 2, kPi2 / 2)}},
      {"tanh", "tanh", {U(kS)}},
      {"copy", "_copy", {U(kS)}},
      {"Cast", "Cast", {U(kS)}, {{"dtype", "float64"}}},
      {"amp_cast", "amp_cast", {U(kS)}, {{"dtype", "float64"}}},
      {"clip", "clip", {U(kS)}, {{"a_min", "-0.5"}, {"a_max", "0.5"}}},
      {"Activation_relu", "Activation", {U(kS)}, {{"act_type", "relu"}}},
      {"Activation_sigmoid", "Activation", {U(kS)}, {{"act_type", "sigmoid"}}},
      {"Activation_tanh", "Activation", {U(kS)}, {{"act_type", "tanh"}}},
      {"Activation_softrelu", "Activation", {U(kS)}, {{"act_type", "softrelu"}}},
      {"Activation_softsign", "Activation", {U(kS)}, {{"act_type", "softsign"}}},
      {"LeakyReLU_leaky", "LeakyReLU", {U(kS)}, {{"act_type", "leaky"}, {"slope", "0.1"}}},
      {"LeakyReLU_elu", "LeakyReLU", {U(kS)}, {{"act_type", "elu"}, {"slope", "0.3"}}},
      {"LeakyReLU_selu", "LeakyReLU", {U(kS)}, {{"act_type", "selu"}}},
      {"LeakyReLU_gelu", "LeakyReLU", {U(kS)}, {{"act_type", "gelu"}}},
      {"LeakyReLU_prelu", "LeakyReLU", {U({2, 3, 2}), U({3}, 0.1, 0.5)}, {{"act_type", "prelu"}}},
      {"LeakyReLU_rrelu", "LeakyReLU", {U(kS)}, {{"act_type", "rrelu"}}},
      {"plus_scalar", "_plus_scalar", {U(kS)}, {{"scalar", "0.5"}}},
      {"minus_scalar", "_minus_scalar", {U(kS)}, {{"scalar", "0.5"}}},
      {"rminus_scalar", "_rminus_scalar", {U(kS)}, {{"scalar", "0.5"}}},
      {"mul_scalar", "_mul_scalar", {U(kS)}, {{"scalar", "-1.5"}}},
      {"div_scalar", "_div_scalar", {U(kS)}, {{"scalar", "4"}}},
      {"rdiv_scalar", "_rdiv_scalar", {U(kS, 0.5, 2)}, {{"scalar", "3"}}},
      {"power_scalar", "_power_scalar", {U(kS, 0.5, 2)}, {{"scalar", "2.5"}}},
      {"rpower_scalar", "_rpower_scalar", {U(kS)}, {{"scalar", "1.7"}}},
      {"maximum_scalar", "_maximum_scalar", {U(kS)}, {{"scalar", "0.1"}}},
      {"minimum_scalar", "_minimum_scalar", {U(kS)}, {{"scalar", "0.1"}}},
      {"hypot_scalar", "_hypot_scalar", {U(kS)}, {{"scalar", "0.7"}}},
      {"mod_scalar", "_mod_scalar", {U(kS, 0.2, 1.8)}, {{"scalar", "2"}}},
      {"rmod_scalar", "_rmod_scalar", {U(kS, 2.6, 3.2)}, {{"scalar", "7"}}},
  };
}

std::vector<Case> binaryCases() {
  std::vector<Case> cases = {
      {"elemwise_add", "elemwise_add", {U(kS), U(kS)}},
      {"elemwise_sub", "elemwise_sub", {U(kS), U(kS)}},
      {"elemwise_mul", "elemwise_mul", {U(kS), U(kS)}},
      {"elemwise_div", "elemwise_div", {U(kS), U(kS, 0.5, 2)}},
      {"grad_add", "_grad_add", {U(kS), U(kS)}},
      {"power", "_power", {U(kS, 0.5, 2), U(kS)}},
      {"maximum", "_maximum", {U(kS), U(kS)}},
      {"minimum", "_minimum", {U(kS), U(kS)}},
      {"hypot", "_hypot", {U(kS), U(kS)}},
      {"mod", "_mod", {U(kS, 0.2, 0.8), U(kS, 1, 2)}},
      {"add_n", "add_n", {U(kS), U(kS), U(kS)}, {{"num_args", "3"}}},
      {"where", "where", {Idx(kS, 2), U(kS), U(kS)}},
  };
  for (const char *op :
       {"add", "sub", "mul", "div", "power", "maximum", "minimum", "hypot", "mod"}) {
    std::string name = std::string("broadcast_") + op;
    bool positive =
        std::string(op) == "div" || std::string(op) == "power" || std::string(op) == "mod";
    cases.push_back({name,
                     name,
                     {U({2, 1, 4}, positive ? 0.5 : -1, positive ? 0.9 : 1),
                      U({3, 1}, positive ? 1.1 : -1, positive ? 2 : 1)}});
  }
  return cases;
}

std::vector<Case> shapeCases() {
  return {
      {"Reshape", "Reshape", {U({2, 3, 2})}, {{"shape", "(3, -1)"}}},
      {"Flatten", "Flatten", {U({2, 3, 2})}},
      {"expand_dims", "expand_dims", {U(kS)}, {{"axis", "1"}}},
      {"squeeze", "squeeze", {U({2, 1, 3})}},
      {"reshape_like", "reshape_like", {U(kS), U({3, 2})}},
      {"transpose", "transpose", {U({2, 3, 4})}, {{"axes", "(1, 2, 0)"}}},
      {"transpose_reverse", "transpose", {U({2, 3, 4})}},
      {"SwapAxis", "SwapAxis", {U({2, 3, 4})}, {{"dim1", "0"}, {"dim2", "2"}}},
      {"broadcast_to", "broadcast_to", {U({2, 1})}, {{"shape", "(2, 3)"}}},
      {"broadcast_axis", "broadcast_axis", {U({2, 1, 3})}, {{"axis", "(1,)"}, {"size", "(4,)"}}},
      {"broadcast_like", "broadcast_like", {U({1, 3}), U({2, 3})}},
      {"slice", "slice", {U({4, 5})}, {{"begin", "(1, 0)"}, {"end", "(3, 5)"}}},
      {"slice_step",
       "slice",
       {U({4, 5})},
       {{"begin", "(0, 1)"}, {"end", "(4, 5)"}, {"step", "(2, 2)"}}},
      {"slice_axis", "slice_axis", {U({4, 5})}, {{"axis", "1"}, {"begin", "1"}, {"end", "4"}}},
      {"slice_like", "slice_like", {U({4, 5}), U({2, 3})}},
      {"Crop",
       "Crop",
       {U({1, 2, 4, 4})},
       {{"num_args", "1"}, {"h_w", "(2, 3)"}, {"offset", "(1, 1)"}}},
      {"Crop_center",
       "Crop",
       {U({1, 2, 5, 5})},
       {{"num_args", "1"}, {"h_w", "(2, 3)"}, {"center_crop", "True"}}},
      {"slice_assign",
       "_slice_assign",
       {U({3, 4}), U({1, 2})},
       {{"begin", "(1, 1)"}, {"end", "(2, 3)"}}},
      {"slice_assign_scalar",
       "_slice_assign_scalar",
       {U({3, 4})},
       {{"begin", "(1, 1)"}, {"end", "(2, 3)"}, {"scalar", "2"}}},
      {"Concat", "Concat", {U(kS), U({2, 2})}, {{"num_args", "2"}, {"dim", "1"}}},
      {"stack", "stack", {U(kS), U(kS)}, {{"num_args", "2"}, {"axis", "1"}}},
      {"SliceChannel", "SliceChannel", {U({2, 6})}, {{"num_outputs", "3"}}},
      {"SliceChannel_squeeze",
       "SliceChannel",
       {U({3, 4})},
       {{"num_outputs", "3"}, {"axis", "0"}, {"squeeze_axis", "True"}}},
      {"split_v2", "_split_v2", {U({2, 6})}, {{"indices", "(0, 2, 5)"}, {"axis", "1"}}},
      {"tile", "tile", {U(kS)}, {{"reps", "(2, 1, 3)"}}},
      {"repeat_axis", "repeat", {U(kS)}, {{"repeats", "2"}, {"axis", "1"}}},
      {"repeat_flat", "repeat", {U(kS)}, {{"repeats", "3"}}},
      {"Pad",
       "Pad",
       {U({1, 1, 3, 3})},
       {{"mode", "constant"}, {"pad_width", "(0, 0, 0, 0, 1, 2, 2, 1)"}}},
      {"reverse", "reverse", {U({3, 4})}, {{"axis", "(1,)"}}},
      {"depth_to_space", "depth_to_space", {U({1, 8, 2, 3})}, {{"block_size", "2"}}},
      {"space_to_depth", "space_to_depth", {U({1, 2, 4, 6})}, {{"block_size", "2"}}},
      {"diag_matrix", "diag", {U({3, 4})}, {{"k", "1"}}},
      {"diag_matrix_below", "diag", {U({4, 3})}, {{"k", "-1"}}},
      {"diag_vector", "diag", {U({3})}, {{"k", "-1"}}},
      {"SequenceMask",
       "SequenceMask",
       {U({4, 3, 2}), Idx({3}, 5)},
       {{"use_sequence_length", "True"}}},
      {"SequenceReverse",
       "SequenceReverse",
       {U({4, 3, 2}), Idx({3}, 5)},
       {{"use_sequence_length", "True"}}},
      {"SequenceLast",
       "SequenceLast",
       {U({4, 3, 2}), Idx({3}, 5)},
       {{"use_sequence_length", "True"}}},
      {"SequenceLast_axis1", "SequenceLast", {U({3, 4, 2})}, {{"axis", "1"}}},
  };
}

std::vector<Case> reduceCases() {
  return {
      {"sum_axis", "sum", {U({2, 3, 4})}, {{"axis", "(1,)"}}},
      {"sum_all", "sum", {U({2, 3})}},
      {"sum_exclude", "sum", {U({2, 3, 4})}, {{"axis", "(1,)"}, {"exclude", "True"}}},
      {"mean", "mean", {U({2, 3, 4})}, {{"axis", "(0, 2)"}, {"keepdims", "True"}}},
      {"prod", "prod", {U({2, 3}, 0.5, 1.5)}, {{"axis", "(1,)"}}},
      {"nansum", "nansum", {U({2, 3})}, {{"axis", "(0,)"}}},
      {"nanprod", "nanprod", {U({2, 3}, 0.5, 1.5)}, {{"axis", "(0,)"}}},
      {"max", "max", {U({2, 3, 4})}, {{"axis", "(1,)"}}},
      {"min", "min", {U({2, 3, 4})}, {{"axis", "(2,)"}}},
      {"norm_l2", "norm", {U({2, 3})}, {{"axis", "(1,)"}}},
      {"norm_l1", "norm", {U({2, 3})}, {{"ord", "1"}, {"axis", "(0,)"}}},
      {"moments", "moments", {U({2, 3, 4})}, {{"axes", "(1,)"}}},
  };
}

std::vector<Case> nnCases() {
  return {
      {"FullyConnected",
       "FullyConnected",
       {U({2, 3, 2}), U({4, 6}), U({4})},
       {{"num_hidden", "4"}}},
      {"FullyConnected_noflatten",
       "FullyConnected",
       {U({2, 3, 2}), U({4, 2})},
       {{"num_hidden", "4"}, {"flatten", "False"}, {"no_bias", "True"}}},
      {"Convolution",
       "Convolution",
       {U({2, 3, 5, 5}), U({4, 3, 3, 3}), U({4})},
       {{"kernel", "(3, 3)"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"}, {"num_filter", "4"}}},
      {"Convolution_group_dilate",
       "Convolution",
       {U({2, 4, 6, 6}), U({6, 2, 2, 2})},
       {{"kernel", "(2, 2)"},
        {"dilate", "(2, 2)"},
        {"num_filter", "6"},
        {"num_group", "2"},
        {"no_bias", "True"}}},
      {"Convolution_1d",
       "Convolution",
       {U({2, 2, 7}), U({3, 2, 3}), U({3})},
       {{"kernel", "(3,)"}, {"stride", "(2,)"}, {"num_filter", "3"}}},
      {"Deconvolution",
       "Deconvolution",
       {U({2, 3, 3, 3}), U({3, 2, 3, 3})},
       {{"kernel", "(3, 3)"},
        {"stride", "(2, 2)"},
        {"pad", "(1, 1)"},
        {"adj", "(1, 1)"},
        {"num_filter", "2"}}},
      {"Deconvolution_target_bias",
       "Deconvolution",
       {U({1, 2, 3, 3}), U({2, 4, 4, 4}), U({4})},
       {{"kernel", "(4, 4)"},
        {"stride", "(2, 2)"},
        {"target_shape", "(6, 6)"},
        {"num_filter", "4"},
        {"no_bias", "False"}}},
      {"Pooling_max",
       "Pooling",
       {U({2, 2, 5, 5})},
       {{"kernel", "(3, 3)"}, {"stride", "(2, 2)"}, {"pad", "(1, 1)"}, {"pool_type", "max"}}},
      {"Pooling_avg",
       "Pooling",
       {U({2, 2, 4, 4})},
       {{"kernel", "(2, 2)"}, {"stride", "(2, 2)"}, {"pool_type", "avg"}}},
      {"Pooling_avg_pad_excluded",
       "Pooling",
       {U({1, 2, 5, 5})},
       {{"kernel", "(3, 3)"},
        {"stride", "(2, 2)"},
        {"pad", "(1, 1)"},
        {"pool_type", "avg"},
        {"count_include_pad", "False"}}},
      {"Pooling_sum_full",
       "Pooling",
       {U({1, 2, 5, 5})},
       {{"kernel", "(2, 2)"},
        {"stride", "(2, 2)"},
        {"pool_type", "sum"},
        {"pooling_convention", "full"}}},
      {"Pooling_global_avg",
       "Pooling",
       {U({2, 3, 3, 3})},
       {{"global_pool", "True"}, {"pool_type", "avg"}}},
      {"Pooling_lp",
       "Pooling",
       {U({1, 2, 4, 4}, 0.5, 1.5)},
       {{"kernel", "(2, 2)"}, {"stride", "(2, 2)"}, {"pool_type", "lp"}, {"p_value", "2"}}},
      {"UpSampling_nearest",
       "UpSampling",
       {U({1, 2, 2, 3})},
       {{"scale", "2"}, {"sample_type", "nearest"}, {"num_args", "1"}}},
      {"UpSampling_bilinear",
       "UpSampling",
       {U({1, 2, 3, 3}), U({2, 1, 4, 4})},
       {{"scale", "2"}, {"sample_type", "bilinear"}, {"num_args", "2"}, {"num_filter", "2"}}},
      {"BatchNorm_train",
       "BatchNorm",
       {U({4, 3, 2, 2}), U({3}, 0.5, 1.5), U({3}), U({3}), U({3}, 0.5, 1.5)},
       {{"fix_gamma", "False"}}},
      {"BatchNorm_fix_gamma",
       "BatchNorm",
       {U({4, 3, 2}), U({3}), U({3}), U({3}), U({3}, 0.5, 1.5)}},
      {"BatchNorm_global_stats",
       "BatchNorm",
       {U({4, 3, 2, 2}), U({3}, 0.5, 1.5), U({3}), U({3}), U({3}, 0.5, 1.5)},
       {{"fix_gamma", "False"}, {"use_global_stats", "True"}}},
      {"BatchNorm_axis_last",
       "BatchNorm",
       {U({4, 2, 3}), U({3}, 0.5, 1.5), U({3}), U({3}), U({3}, 0.5, 1.5)},
       {{"fix_gamma", "False"}, {"axis", "-1"}}},
      {"LayerNorm", "LayerNorm", {U({2, 3, 4}), U({4}, 0.5, 1.5), U({4})}},
      {"LayerNorm_axis1", "LayerNorm", {U({2, 3, 4}), U({3}, 0.5, 1.5), U({3})}, {{"axis", "1"}}},
      {"GroupNorm", "GroupNorm", {U({2, 4, 3}), U({2}, 0.5, 1.5), U({2})}, {{"num_groups", "2"}}},
      {"InstanceNorm", "InstanceNorm", {U({2, 3, 4}), U({3}, 0.5, 1.5), U({3})}},
      {"L2Normalization_instance", "L2Normalization", {U({2, 3, 2})}},
      {"L2Normalization_channel", "L2Normalization", {U({2, 3, 2})}, {{"mode", "channel"}}},
      {"L2Normalization_spatial", "L2Normalization", {U({2, 3, 2, 2})}, {{"mode", "spatial"}}},
      {"LRN", "LRN", {U({1, 5, 2, 2})}, {{"nsize", "3"}, {"alpha", "0.1"}}},
      {"Dropout", "Dropout", {U({4, 5})}, {{"p", "0.5"}}},
      {"softmax", "softmax", {U({2, 4})}},
      {"softmax_axis_temperature",
       "softmax",
       {U({3, 4, 2})},
       {{"axis", "1"}, {"temperature", "2"}}},
      {"log_softmax", "log_softmax", {U({2, 4})}},
      {"softmin", "softmin", {U({2, 4})}, {{"axis", "0"}}},
      {"SoftmaxActivation_instance", "SoftmaxActivation", {U({2, 3, 2})}},
      {"SoftmaxActivation_channel", "SoftmaxActivation", {U({2, 3, 2})}, {{"mode", "channel"}}},
      {"softmax_cross_entropy", "softmax_cross_entropy", {U({3, 4}), Idx({3}, 4)}},
  };
}

std::vector<Case> indexCases() {
  return {
      {"Embedding",
       "Embedding",
       {Idx({2, 3}, 5), U({5, 4})},
       {{"input_dim", "5"}, {"output_dim", "4"}}},
      {"take", "take", {U({5, 3}), Idx({2, 2}, 5)}},
      {"take_axis1_wrap", "take", {U({2, 4, 3}), Idx({5}, 9)}, {{"axis", "1"}, {"mode", "wrap"}}},
      {"batch_take", "batch_take", {U({3, 4}), Idx({3}, 4, "int32")}},
      {"pick", "pick", {U({3, 4}), Idx({3}, 4)}, {{"axis", "1"}}},
      {"pick_axis0_keepdims",
       "pick",
       {U({3, 4}), Idx({1, 4}, 3)},
       {{"axis", "0"}, {"keepdims", "True"}}},
      {"gather_nd", "gather_nd", {U({3, 4, 2}), Idx({2, 5}, 3, "int32")}},
      // One row: with repeated indices the last row wins and gather_nd is
      // not its gradient (as in MXNet).
      {"scatter_nd", "scatter_nd", {U({1, 3}), Idx({1, 1}, 4, "int32")}, {{"shape", "(4, 3)"}}},
      {"topk_value", "topk", {U({3, 5})}, {{"k", "2"}, {"ret_typ", "value"}}},
      {"topk_both_axis0", "topk", {U({4, 3})}, {{"k", "3"}, {"ret_typ", "both"}, {"axis", "0"}}},
      {"sort", "sort", {U({3, 4})}},
      {"sort_descending_axis0", "sort", {U({3, 4})}, {{"axis", "0"}, {"is_ascend", "False"}}},
  };
}

std::vector<Case> linalgCases() {
  std::vector<Case> cases = {
      {"dot_nd", "dot", {U({2, 3, 4}), U({4, 5})}},
      {"batch_dot", "batch_dot", {U({2, 3, 4}), U({2, 4, 2})}},
      {"batch_dot_ta_tb",
       "batch_dot",
       {U({2, 4, 3}), U({2, 2, 4})},
       {{"transpose_a", "True"}, {"transpose_b", "True"}}},
      {"linalg_gemm",
       "_linalg_gemm",
       {U({2, 3}), U({3, 4}), U({2, 4})},
       {{"alpha", "1.5"}, {"beta", "0.5"}}},
      {"linalg_gemm2_batched",
       "_linalg_gemm2",
       {U({2, 3, 2}), U({2, 4, 3})},
       {{"transpose_a", "True"}, {"transpose_b", "True"}, {"alpha", "2"}}},
      {"linalg_syrk", "_linalg_syrk", {U({3, 4})}, {{"alpha", "0.5"}}},
      {"linalg_syrk_transpose", "_linalg_syrk", {U({3, 4})}, {{"transpose", "True"}}},
      {"linalg_trmm", "_linalg_trmm", {Dom({3, 3}), U({3, 2})}, {{"alpha", "2"}}},
      {"linalg_trmm_right_transpose",
       "_linalg_trmm",
       {Dom({3, 3}), U({2, 3})},
       {{"rightside", "True"}, {"transpose", "True"}, {"lower", "False"}}},
      {"linalg_trsm", "_linalg_trsm", {Dom({3, 3}), U({3, 2})}, {{"alpha", "1.5"}}},
      {"linalg_trsm_right_transpose",
       "_linalg_trsm",
       {Dom({3, 3}), U({2, 3})},
       {{"rightside", "True"}, {"transpose", "True"}}},
      {"linalg_inverse", "_linalg_inverse", {Dom({2, 3, 3})}},
      {"linalg_det", "_linalg_det", {Dom({3, 3})}},
      {"linalg_slogdet", "_linalg_slogdet", {Dom({2, 3, 3})}},
      {"linalg_sumlogdiag", "_linalg_sumlogdiag", {Dom({3, 3})}},
      {"linalg_extractdiag", "_linalg_extractdiag", {U({3, 3})}, {{"offset", "1"}}},
      {"linalg_makediag", "_linalg_makediag", {U({2, 3})}},
      {"linalg_extracttrian", "_linalg_extracttrian", {U({3, 3})}, {{"lower", "False"}}},
      {"linalg_maketrian", "_linalg_maketrian", {U({6})}},
  };
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      cases.push_back(
          {std::string("dot") + (ta ? "_ta" : "") + (tb ? "_tb" : ""),
           "dot",
           {U(ta ? std::vector<int64_t>{4, 3} : std::vector<int64_t>{3, 4}),
            U(tb ? std::vector<int64_t>{2, 4} : std::vector<int64_t>{4, 2})},
           {{"transpose_a", ta ? "True" : "False"}, {"transpose_b", tb ? "True" : "False"}}});
  return cases;
}

class GradientCheck : public testing::TestWithParam<Case> {};

TEST_P(GradientCheck, MatchesFiniteDifferences) {
  const Case &c = GetParam();
  mxc::testing::GradientReport report =
      mxc::testing::checkGradient(c.op, c.inputs, c.attrs, c.rtol);
  if (!report.skipped.empty())
    GTEST_SKIP() << c.op << ": " << report.skipped;
  for (const std::string &f : report.failures)
    ADD_FAILURE() << c.op << ": " << f;
  EXPECT_GT(report.checkedElements, 0) << c.op << ": no gradient was checked";
}

std::string caseName(const testing::TestParamInfo<Case> &info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Unary, GradientCheck, testing::ValuesIn(unaryCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Binary, GradientCheck, testing::ValuesIn(binaryCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Shape, GradientCheck, testing::ValuesIn(shapeCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Reduce, GradientCheck, testing::ValuesIn(reduceCases()), caseName);
INSTANTIATE_TEST_SUITE_P(NN, GradientCheck, testing::ValuesIn(nnCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Index, GradientCheck, testing::ValuesIn(indexCases()), caseName);
INSTANTIATE_TEST_SUITE_P(Linalg, GradientCheck, testing::ValuesIn(linalgCases()), caseName);

} // namespace
