// infer_tensor_test.cc - shape and type inference of tensor operators.
//
// Element-wise, broadcast, reduction, reshaping, slicing, gathering, ordering
// and matrix ops. Expectations come from MXNet 1.9.1's infer_shape_partial /
// infer_type_partial on the same op, attributes and shapes (see
// infer_test_util.h), unless a comment says otherwise.
#include "infer_test_util.h"

#include <gtest/gtest.h>

namespace mxrt {
namespace {

using namespace testing;
using Shapes = std::vector<TShape>;
using Types = std::vector<DType>;

TEST(InferTensor, ElementwiseUnifiesPartialShapesAndNamesTheConflict) {
  auto r = inferShapes("elemwise_add", {}, {{2, -1}, {-1, 3}});
  EXPECT_EQ(r.in, (Shapes{{2, 3}, {2, 3}}));
  EXPECT_EQ(r.out, (Shapes{{2, 3}}));
  // MXNet: "Incompatible attr in node _plus0 at 1-th input: expected [2,3], got [3,2]".
  Attrs attrs = parseAttrs("elemwise_add", {});
  Shapes in{{2, 3}, {3, 2}}, out(1);
  try {
    runShapeFn(attrs, in, out);
    FAIL() << "no conflict reported";
  } catch (const ShapeError &e) {
    EXPECT_STREQ(e.what(), "Incompatible attr at 1-th input: expected [2,3], got [3,2]");
    EXPECT_EQ(e.index, 1);
  }
  auto t = inferTypes("elemwise_add", {}, {DType::Float16, DType::Float32});
  EXPECT_NE(t.error.find("expected float16, got float32"), std::string::npos) << t.error;
}

TEST(InferTensor, BroadcastIsForwardOnly) {
  auto r = inferShapes("broadcast_add", {}, {{2, 1, 3}, {4, 3}});
  EXPECT_EQ(r.out, (Shapes{{2, 4, 3}}));
  r = inferShapes("broadcast_mul", {}, {{2, 3}, {4, 3}});
  EXPECT_NE(r.error.find("operands could not be broadcast together with shapes [2,3] [4,3]"),
            std::string::npos)
      << r.error;
  // Nothing flows back: a 1 could have been any extent.
  r = inferShapes("broadcast_add", {}, {kUnknown, {4, 3}}, {{2, 4, 3}});
  EXPECT_FALSE(r.in[0].ndimKnown());
}

TEST(InferTensor, Reductions) {
  EXPECT_EQ(inferShapes("sum", {{"axis", "(1,)"}, {"keepdims", "True"}}, {{2, 3, 4}}).out,
            (Shapes{{2, 1, 4}}));
  EXPECT_EQ(inferShapes("sum", {{"axis", "(1,)"}, {"exclude", "True"}}, {{2, 3, 4}}).out,
            (Shapes{{3}}));
  EXPECT_EQ(inferShapes("sum", {}, {{2, 3, 4}}).out, (Shapes{{1}}));
  EXPECT_EQ(inferShapes("argmax", {{"axis", "1"}}, {{2, 3, 4}}).out, (Shapes{{2, 4}}));
  // MXNet 1.x returns argmax indices in the input's dtype.
  EXPECT_EQ(inferTypes("argmax", {{"axis", "0"}}, {DType::Float16}).out, (Types{DType::Float16}));
  EXPECT_EQ(inferTypes("norm", {{"out_dtype", "float64"}}, {DType::Float32}).out,
            (Types{DType::Float64}));
}

TEST(InferTensor, ReshapeSpecialValues) {
  auto out = [](const KV &kv) { return inferShapes("Reshape", kv, {{2, 3, 4}}).out; };
  EXPECT_EQ(out({{"shape", "(-1, 0)"}}), (Shapes{{8, 3}}));
  EXPECT_EQ(out({{"shape", "(-3, -2)"}}), (Shapes{{6, 4}}));
  EXPECT_EQ(out({{"shape", "(-4, 1, 2, -2)"}}), (Shapes{{1, 2, 3, 4}}));
  EXPECT_EQ(out({{"shape", "(0, -1)"}, {"reverse", "True"}}), (Shapes{{3, 8}}));
  // Backward: the one unknown input extent from a known output.
  auto r = inferShapes("Reshape", {{"shape", "(6, 4)"}}, {{2, -1, 4}}, {{6, 4}});
  EXPECT_EQ(r.in, (Shapes{{2, 3, 4}}));
}

TEST(InferTensor, JoiningAndSplitting) {
  EXPECT_EQ(inferShapes("Concat", {{"num_args", "2"}, {"dim", "1"}}, {{2, 3}, {2, 5}}).out,
            (Shapes{{2, 8}}));
  // Beyond MXNet 1.9.1 (which leaves the input at (2, -1)): the missing
  // extent is the output's minus the others'.
  auto r = inferShapes("Concat", {{"num_args", "2"}, {"dim", "1"}}, {{2, -1}, {2, 5}}, {{2, 8}});
  EXPECT_EQ(r.in, (Shapes{{2, 3}, {2, 5}}));
  r = inferShapes("SliceChannel", {{"num_outputs", "3"}, {"axis", "0"}, {"squeeze_axis", "True"}},
                  {{3, 4}});
  EXPECT_EQ(r.out, (Shapes{{4}, {4}, {4}}));
  EXPECT_EQ(inferShapes("transpose", {}, {{2, 3, 4}}).out, (Shapes{{4, 3, 2}}));
  EXPECT_EQ(inferShapes("expand_dims", {{"axis", "-1"}}, {{2, 3}}).out, (Shapes{{2, 3, 1}}));
}

TEST(InferTensor, SlicesWithNoneAndNegativeSteps) {
  EXPECT_EQ(inferShapes("slice", {{"begin", "(1, None)"}, {"end", "(3, None)"}}, {{4, 5}}).out,
            (Shapes{{2, 5}}));
  EXPECT_EQ(inferShapes("slice",
                        {{"begin", "(None, 4)"}, {"end", "(None, None)"}, {"step", "(1, -2)"}},
                        {{4, 5}})
                .out,
            (Shapes{{4, 3}}));
  EXPECT_EQ(inferShapes("slice_axis", {{"axis", "1"}, {"begin", "1"}, {"end", "-1"}}, {{4, 5}}).out,
            (Shapes{{4, 3}}));
}

TEST(InferTensor, GathersAndOrdering) {
  EXPECT_EQ(inferShapes("take", {{"axis", "1"}}, {{5, 3}, {4}}).out, (Shapes{{5, 4}}));
  EXPECT_EQ(inferShapes("take", {}, {{5, 3}, {2, 2}}).out, (Shapes{{2, 2, 3}}));
  auto r = inferShapes("pick", {{"axis", "1"}, {"keepdims", "True"}}, {{3, 4}, kUnknown});
  EXPECT_EQ(r.in[1], (TShape{3}));
  EXPECT_EQ(r.out, (Shapes{{3, 1}}));
  EXPECT_EQ(inferShapes("one_hot", {{"depth", "3"}}, {{2, 5}}).out, (Shapes{{2, 5, 3}}));
  EXPECT_EQ(inferShapes("topk", {{"k", "2"}, {"ret_typ", "both"}}, {{3, 5}}).out,
            (Shapes{{3, 2}, {3, 2}}));
  // ret_typ='value' has a hidden indices output; MXNet shows one of (2,).
  r = inferShapes("topk", {{"k", "2"}, {"axis", "None"}, {"ret_typ", "value"}}, {{3, 5}});
  EXPECT_EQ(r.out[0], (TShape{2}));
  EXPECT_EQ(inferTypes("topk", {{"k", "1"}}, {DType::Float16}).out, (Types{DType::Float32}));
  EXPECT_EQ(inferTypes("one_hot", {{"depth", "3"}, {"dtype", "int32"}}, {DType::Float32}).out,
            (Types{DType::Int32}));
}

TEST(InferTensor, MatrixProducts) {
  EXPECT_EQ(inferShapes("dot", {{"transpose_a", "True"}}, {{3, 2}, {3, 4}}).out, (Shapes{{2, 4}}));
  EXPECT_EQ(inferShapes("batch_dot", {}, {{8, 2, 3}, {8, 3, 4}}).out, (Shapes{{8, 2, 4}}));
  auto r = inferShapes("_linalg_gemm2", {{"axis", "-3"}}, {{3, 2, 5}, {3, 4, 5}});
  EXPECT_NE(r.error.find("Shapes of inputs 0, 1 must be the same, except on row/col axis"),
            std::string::npos)
      << r.error;
}

TEST(InferTensor, SourcesTakeShapeAndDTypeFromAttributes) {
  EXPECT_EQ(
      inferShapes("_arange", {{"start", "0"}, {"stop", "5"}, {"step", "2"}, {"repeat", "2"}}, {})
          .out,
      (Shapes{{6}}));
  EXPECT_EQ(inferShapes("_eye", {{"N", "2"}, {"M", "3"}, {"k", "1"}}, {}).out, (Shapes{{2, 3}}));
  EXPECT_EQ(inferShapes("_sample_normal", {{"shape", "(3,)"}}, {{2}, {2}}).out, (Shapes{{2, 3}}));
  EXPECT_EQ(inferTypes("_random_uniform", {{"shape", "(2,)"}}, {}).out, (Types{DType::Float32}));
  EXPECT_EQ(inferTypes("_random_randint", {{"low", "0"}, {"high", "3"}, {"shape", "(2,)"}}, {}).out,
            (Types{DType::Int32}));
  EXPECT_EQ(inferTypes("shape_array", {}, {DType::Float16}).out, (Types{DType::Int64}));
  EXPECT_EQ(inferTypes("Cast", {{"dtype", "int32"}}, {DType::Float32}).out, (Types{DType::Int32}));
  EXPECT_EQ(
      inferTypes("amp_multicast", {{"num_outputs", "2"}}, {DType::Float16, DType::Float32}).out,
      (Types{DType::Float32, DType::Float32}));
}

TEST(InferTensor, OptimizerStatesFollowTheWeight) {
  auto r = inferShapes("adam_update", {{"lr", "0.1"}}, {{3, 4}, kUnknown, kUnknown, kUnknown});
  EXPECT_EQ(r.in, (Shapes{{3, 4}, {3, 4}, {3, 4}, {3, 4}}));
  EXPECT_EQ(r.out, (Shapes{{3, 4}}));
}

} // namespace
} // namespace mxrt
