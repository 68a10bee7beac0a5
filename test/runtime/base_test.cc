// base_test.cc - dtypes, shapes, contexts and the op table.
#include "mxrt/context.h"
#include "mxrt/dtype.h"
#include "mxrt/op_table.h"
#include "mxrt/shape.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace mxrt {
namespace {

TEST(DType, CodesAndSizesFollowMXNet) {
  EXPECT_EQ(int(DType::Float32), 0);
  EXPECT_EQ(int(DType::BFloat16), 12);
  EXPECT_EQ(dtypeSize(DType::Float64), 8u);
  EXPECT_EQ(dtypeSize(DType::Bool), 1u);
  EXPECT_EQ(dtypeSize(DType::Unknown), 0u);
  EXPECT_EQ(dtypeName(DType::Int64), "int64");
  EXPECT_EQ(parseDType("float16"), DType::Float16);
  EXPECT_EQ(parseDType("double"), DType::Float64);
  EXPECT_FALSE(parseDType("complex64").has_value());
  EXPECT_FALSE(isValidDTypeCode(13));
}

TEST(DType, HalfRoundTripsAndRounds) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f})
    EXPECT_EQ(float(half_t(f)), f) << f;
  EXPECT_TRUE(std::isinf(float(half_t(70000.0f))));
  EXPECT_TRUE(std::isnan(float(half_t(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_EQ(float(half_t(1.0f + 1.0f / 4096)), 1.0f); // ties to even
}

TEST(DType, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(float(bf16_t(1.0f)), 1.0f);
  EXPECT_EQ(float(bf16_t(3.0f)), 3.0f);
  EXPECT_NEAR(float(bf16_t(3.14159f)), 3.140625f, 1e-6);
}

TEST(Shape, UnknownAndKnown) {
  TShape unknown;
  EXPECT_EQ(unknown.ndim(), -1);
  EXPECT_FALSE(unknown.known());
  TShape partial(2, -1);
  EXPECT_TRUE(partial.ndimKnown());
  EXPECT_FALSE(partial.known());
  TShape s{2, 3, 4};
  EXPECT_TRUE(s.known());
  EXPECT_EQ(s.numel(), 24);
  EXPECT_EQ(s.str(), "(2,3,4)");
  EXPECT_EQ(TShape{5}.str(), "(5,)");
  EXPECT_EQ(TShape{}.numel(), 1);
}

TEST(Shape, HighRankSpillsToHeapAndCopies) {
  TShape big(9, 2);
  TShape copy = big;
  EXPECT_EQ(copy, big);
  EXPECT_EQ(copy.numel(), 512);
  copy[8] = 3;
  EXPECT_NE(copy, big);
}

TEST(Context, NamesAndGPUCount) {
  EXPECT_EQ(Context::cpu().str(), "cpu(0)");
  EXPECT_EQ(Context::gpu(2).str(), "gpu(2)");
  EXPECT_EQ(Context::cpuPinned(0).str(), "cpu_pinned(0)");
  EXPECT_GE(numGPUs(), 0); // never throws, 0 without a GPU or driver
  if (numGPUs() == 0)
    EXPECT_THROW(checkContext(Context::gpu(0)), std::exception);
}

TEST(OpTable, LookupByNameAndAlias) {
  const OpSpec *fc = findOp("FullyConnected");
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->name, "FullyConnected");
  ASSERT_NE(fc->findAttr("num_hidden"), nullptr);
  EXPECT_TRUE(fc->findAttr("num_hidden")->required);
  EXPECT_EQ(fc->findAttr("no_bias")->dflt, "False");
  const OpSpec *concat = findOp("concat");
  ASSERT_NE(concat, nullptr);
  EXPECT_EQ(concat->name, "Concat");
  EXPECT_EQ(findOp("NoSuchOp"), nullptr);
}

} // namespace
} // namespace mxrt
