// infer_nn_test.cc - shape and type inference of layers, norms and losses.
//
// Each expectation was obtained from MXNet 1.9.1 by building the op over
// variables and calling infer_shape_partial / infer_type_partial with the
// same partly known shapes (see infer_test_util.h); a given output stands for
// a consumer of known shape (MXNet: elemwise_add(out, Variable(shape=...))).
// The randomized comparison is infer_cases_test.cc; these pin the cases a
// reader checks first.
#include "infer_test_util.h"

#include <gtest/gtest.h>

namespace mxrt {
namespace {

using namespace testing;
using Shapes = std::vector<TShape>;
using Types = std::vector<DType>;

TEST(InferNN, FullyConnectedFillsWeightBiasAndBatch) {
  auto r = inferShapes("FullyConnected", {{"num_hidden", "5"}}, {{2, 3, 4}, kUnknown, kUnknown});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.in, (Shapes{{2, 3, 4}, {5, 12}, {5}}));
  EXPECT_EQ(r.out, (Shapes{{2, 5}}));

  r = inferShapes("FullyConnected", {{"num_hidden", "5"}, {"flatten", "False"}},
                  {{2, 3, 4}, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 3, 4}, {5, 4}, {5}}));
  EXPECT_EQ(r.out, (Shapes{{2, 3, 5}}));

  // Backward: the batch size comes from the output.
  r = inferShapes("FullyConnected", {{"num_hidden", "5"}}, {{-1, 12}, kUnknown, kUnknown},
                  {{7, 5}});
  EXPECT_EQ(r.in, (Shapes{{7, 12}, {5, 12}, {5}}));
  EXPECT_TRUE(r.complete);
}

TEST(InferNN, FullyConnectedConflictUsesMXNetsWordsAndLocatesTheInput) {
  // MXNet: "Shape inconsistent, Provided = [1,100], inferred shape=(1000,100)".
  Attrs attrs = parseAttrs("FullyConnected", {{"num_hidden", "1000"}});
  Shapes in{{1, 100}, {1, 100}, kUnknown}, out(1);
  try {
    runShapeFn(attrs, in, out);
    FAIL() << "no conflict reported";
  } catch (const ShapeError &e) {
    EXPECT_STREQ(e.what(), "Shape inconsistent, Provided = [1,100], inferred shape=(1000,100)");
    EXPECT_EQ(e.index, 1); // the weight
    EXPECT_FALSE(e.output);
  }
}

TEST(InferNN, ConvolutionRanksGroupsDilationAndLayouts) {
  auto r = inferShapes("Convolution", {{"kernel", "(3,3)"}, {"num_filter", "16"}, {"pad", "(1,1)"}},
                       {{1, 3, 32, 32}, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{1, 3, 32, 32}, {16, 3, 3, 3}, {16}}));
  EXPECT_EQ(r.out, (Shapes{{1, 16, 32, 32}}));

  r = inferShapes("Convolution",
                  {{"kernel", "(3,3)"},
                   {"num_filter", "8"},
                   {"stride", "(2,2)"},
                   {"dilate", "(2,2)"},
                   {"num_group", "2"},
                   {"no_bias", "True"}},
                  {{2, 4, 17, 17}, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 4, 17, 17}, {8, 2, 3, 3}}));
  EXPECT_EQ(r.out, (Shapes{{2, 8, 7, 7}}));

  r = inferShapes(
      "Convolution",
      {{"kernel", "(3,3)"}, {"num_filter", "8"}, {"layout", "NHWC"}, {"no_bias", "True"}},
      {{2, 10, 10, 4}, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 10, 10, 4}, {8, 3, 3, 4}}));
  EXPECT_EQ(r.out, (Shapes{{2, 8, 8, 8}}));

  r = inferShapes("Convolution", {{"kernel", "(3,)"}, {"num_filter", "6"}},
                  {{2, 5, 11}, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 5, 11}, {6, 5, 3}, {6}}));
  EXPECT_EQ(r.out, (Shapes{{2, 6, 9}}));
}

TEST(InferNN, ConvolutionInfersDataBackwardWhereTheStrideIsOne) {
  auto r = inferShapes("Convolution", {{"kernel", "(3,3)"}, {"num_filter", "16"}},
                       {{-1, 3, -1, -1}, kUnknown, kUnknown}, {{4, 16, 30, 30}});
  EXPECT_EQ(r.in, (Shapes{{4, 3, 32, 32}, {16, 3, 3, 3}, {16}}));
  EXPECT_TRUE(r.complete);

  // 3 channels in 2 groups: "input num_filter must divide group size".
  r = inferShapes("Convolution", {{"kernel", "(3,3)"}, {"num_filter", "4"}, {"num_group", "2"}},
                  {{1, 3, 8, 8}, kUnknown, kUnknown});
  EXPECT_NE(r.error.find("input num_filter must divide group size"), std::string::npos) << r.error;
}

TEST(InferNN, DeconvolutionPadAdjAndTargetShape) {
  auto r =
      inferShapes("Deconvolution",
                  {{"kernel", "(4,4)"}, {"num_filter", "3"}, {"stride", "(2,2)"}, {"pad", "(1,1)"}},
                  {{1, 16, 8, 8}, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{1, 16, 8, 8}, {16, 3, 4, 4}}));
  EXPECT_EQ(r.out, (Shapes{{1, 3, 16, 16}}));
  r = inferShapes("Deconvolution",
                  {{"kernel", "(3,3)"}, {"num_filter", "3"}, {"stride", "(2,2)"}, {"adj", "(1,1)"}},
                  {{1, 16, 8, 8}, kUnknown});
  EXPECT_EQ(r.out, (Shapes{{1, 3, 18, 18}}));
  r = inferShapes(
      "Deconvolution",
      {{"kernel", "(4,4)"}, {"num_filter", "3"}, {"stride", "(2,2)"}, {"target_shape", "(17,17)"}},
      {{1, 16, 8, 8}, kUnknown});
  EXPECT_EQ(r.out, (Shapes{{1, 3, 17, 17}}));
}

TEST(InferNN, PoolingConventions) {
  auto r = inferShapes("Pooling", {{"kernel", "(2,2)"}, {"stride", "(2,2)"}}, {{1, 3, 7, 7}});
  EXPECT_EQ(r.out, (Shapes{{1, 3, 3, 3}}));
  r = inferShapes("Pooling",
                  {{"kernel", "(2,2)"}, {"stride", "(2,2)"}, {"pooling_convention", "full"}},
                  {{1, 3, 7, 7}});
  EXPECT_EQ(r.out, (Shapes{{1, 3, 4, 4}}));
  r = inferShapes("Pooling", {{"kernel", "(3,3)"}, {"global_pool", "True"}, {"pool_type", "avg"}},
                  {{2, 8, 5, 6}});
  EXPECT_EQ(r.out, (Shapes{{2, 8, 1, 1}}));
  // MXNet: "kernel size (5) exceeds input (4 padded to 4)".
  r = inferShapes("Pooling", {{"kernel", "(5,5)"}}, {{1, 3, 4, 4}});
  EXPECT_NE(r.error.find("kernel size (5) exceeds input (4 padded to 4)"), std::string::npos)
      << r.error;
  // MXNet 1.9.1 fails on every 'same' pooling (it reads pad[1] of a 1-D
  // window); mxc gives ceil(7 / 2), which MXNet 1.x documents.
  r = inferShapes("Pooling",
                  {{"kernel", "(3,)"}, {"stride", "(2,)"}, {"pooling_convention", "same"}},
                  {{2, 8, 7}});
  EXPECT_EQ(r.out, (Shapes{{2, 8, 4}}));
}

TEST(InferNN, EmbeddingRnnAndUpSampling) {
  auto r = inferShapes("Embedding", {{"input_dim", "10"}, {"output_dim", "4"}}, {{2, 5}, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 5}, {10, 4}}));
  EXPECT_EQ(r.out, (Shapes{{2, 5, 4}}));

  r = inferShapes("RNN", {{"mode", "lstm"}, {"state_size", "16"}, {"num_layers", "1"}},
                  {{5, 2, 8}, kUnknown, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{5, 2, 8}, {1664}, {1, 2, 16}, {1, 2, 16}}));
  EXPECT_EQ(r.out, (Shapes{{5, 2, 16}}));
  r = inferShapes("RNN",
                  {{"mode", "gru"},
                   {"state_size", "4"},
                   {"num_layers", "2"},
                   {"bidirectional", "True"},
                   {"state_outputs", "True"}},
                  {{5, 2, 3}, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{5, 2, 3}, {552}, {4, 2, 4}}));
  EXPECT_EQ(r.out, (Shapes{{5, 2, 8}, {4, 2, 4}}));

  r = inferShapes("UpSampling", {{"scale", "2"}, {"sample_type", "nearest"}, {"num_args", "2"}},
                  {{1, 3, 4, 4}, {1, 2, 8, 8}});
  EXPECT_EQ(r.out, (Shapes{{1, 5, 8, 8}}));
}

TEST(InferNN, NormalizationParameters) {
  auto r = inferShapes("BatchNorm", {}, {{4, 3, 8, 8}, kUnknown, kUnknown, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{4, 3, 8, 8}, {3}, {3}, {3}, {3}}));
  EXPECT_EQ(r.out[0], (TShape{4, 3, 8, 8}));
  EXPECT_EQ(r.out[1], (TShape{3})); // the hidden batch mean

  r = inferShapes("LayerNorm", {}, {{2, 5, 16}, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 5, 16}, {16}, {16}}));
  r = inferShapes("GroupNorm", {{"num_groups", "3"}}, {{2, 6, 4, 4}, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{2, 6, 4, 4}, {3}, {3}})); // gamma per group, as MXNet 1.9.1

  // float16 data keeps its statistics in float32.
  auto t =
      inferTypes("BatchNorm", {},
                 {DType::Float16, DType::Unknown, DType::Unknown, DType::Unknown, DType::Unknown});
  EXPECT_EQ(t.in, (Types{DType::Float16, DType::Float32, DType::Float32, DType::Float32,
                         DType::Float32}));
  EXPECT_EQ(t.out[0], DType::Float16);
}

TEST(InferNN, LossLabels) {
  auto r = inferShapes("SoftmaxOutput", {}, {{32, 10}, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{32, 10}, {32}}));
  EXPECT_EQ(r.out, (Shapes{{32, 10}}));
  r = inferShapes("SoftmaxOutput", {{"multi_output", "True"}}, {{4, 10, 3, 3}, kUnknown});
  EXPECT_EQ(r.in[1], (TShape{4, 9}));
  r = inferShapes("LinearRegressionOutput", {}, {{8, 1}, kUnknown});
  EXPECT_EQ(r.in[1], (TShape{8}));
  r = inferShapes("softmax", {{"use_length", "True"}, {"axis", "1"}}, {{2, 5, 3}, kUnknown});
  EXPECT_EQ(r.in[1], (TShape{2, 3}));
}

TEST(InferNN, DTypeRules) {
  auto t = inferTypes("Embedding", {{"input_dim", "4"}, {"output_dim", "2"}, {"dtype", "float16"}},
                      {DType::Int32, DType::Unknown});
  EXPECT_EQ(t.in, (Types{DType::Int32, DType::Float16}));
  EXPECT_EQ(t.out, (Types{DType::Float16}));
  t = inferTypes("softmax", {{"dtype", "float64"}}, {DType::Float16});
  EXPECT_EQ(t.out, (Types{DType::Float64}));
  t = inferTypes("mp_sgd_update", {{"lr", "0.1"}},
                 {DType::Float16, DType::Unknown, DType::Unknown});
  EXPECT_EQ(t.in, (Types{DType::Float16, DType::Float16, DType::Float32}));
  EXPECT_EQ(t.out, (Types{DType::Float16}));
}

} // namespace
} // namespace mxrt
