// capi_op_test.cc - the C API's operator functions: the op table as C
// structs, attribute parsing, imperative invocation (new and given outputs,
// num_args, hidden outputs) and random seeding; failures return -1 with a
// message naming the culprit and zeroed outputs.
#include "mxrt/c_api.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

#define OK(call) ASSERT_EQ((call), 0) << mxrtGetLastError()

std::string lastError() { return mxrtGetLastError(); }

mxrtOpHandle op(const char *name) {
  mxrtOpHandle h = nullptr;
  EXPECT_EQ(mxrtOpFind(name, &h), 0) << mxrtGetLastError();
  return h;
}

mxrtNDArrayHandle array(std::vector<float> values, std::vector<int64_t> shape) {
  mxrtNDArrayHandle h = nullptr;
  EXPECT_EQ(mxrtNDArrayCreate(shape.data(), int(shape.size()), 0, 1, 0, &h), 0);
  EXPECT_EQ(mxrtNDArraySyncCopyFromCPU(h, values.data(), values.size() * sizeof(float)), 0);
  return h;
}

std::vector<float> values(mxrtNDArrayHandle h, size_t n) {
  std::vector<float> v(n);
  EXPECT_EQ(mxrtNDArraySyncCopyToCPU(h, v.data(), n * sizeof(float)), 0) << mxrtGetLastError();
  return v;
}

TEST(CApiOps, TableAsCStructs) {
  uint32_t n = 0;
  OK(mxrtOpCount(&n));
  ASSERT_GT(n, 100u);
  for (uint32_t i = 0; i < n; ++i) {
    mxrtOpHandle h = nullptr;
    const mxrtOpInfo *info = nullptr;
    OK(mxrtOpGet(i, &h));
    OK(mxrtOpGetInfo(h, &info));
    ASSERT_NE(info->name, nullptr);
    EXPECT_GT(std::strlen(info->name), 0u);
    for (uint32_t k = 0; k < info->num_attrs; ++k)
      EXPECT_NE(info->attrs[k].dflt, nullptr);
  }
  const mxrtOpInfo *fc = nullptr;
  OK(mxrtOpGetInfo(op("FullyConnected"), &fc));
  EXPECT_STREQ(fc->name, "FullyConnected");
  ASSERT_EQ(fc->num_inputs, 3u);
  EXPECT_STREQ(fc->inputs[2].name, "bias");
  EXPECT_EQ(fc->inputs[2].cond, mxrtCondFalsy);
  EXPECT_STREQ(fc->inputs[2].cond_attr, "no_bias");
  bool sawNumHidden = false;
  for (uint32_t k = 0; k < fc->num_attrs; ++k)
    if (std::strcmp(fc->attrs[k].name, "num_hidden") == 0) {
      sawNumHidden = true;
      EXPECT_EQ(fc->attrs[k].kind, mxrtAttrInt);
      EXPECT_TRUE(fc->attrs[k].required);
    }
  EXPECT_TRUE(sawNumHidden);
  const mxrtOpInfo *concat = nullptr;
  OK(mxrtOpGetInfo(op("concat"), &concat)); // an alias finds the op
  EXPECT_STREQ(concat->name, "Concat");
  EXPECT_STREQ(concat->num_args_attr, "num_args");
}

TEST(CApiOps, LookupErrors) {
  mxrtOpHandle h = reinterpret_cast<mxrtOpHandle>(0x1);
  EXPECT_EQ(mxrtOpFind("no_such_op", &h), -1);
  EXPECT_EQ(h, nullptr);
  EXPECT_NE(lastError().find("no_such_op"), std::string::npos);
  uint32_t n = 0;
  OK(mxrtOpCount(&n));
  EXPECT_EQ(mxrtOpGet(n, &h), -1);
  EXPECT_NE(lastError().find("out of range"), std::string::npos);
  const mxrtOpInfo *info = nullptr;
  EXPECT_EQ(mxrtOpGetInfo(nullptr, &info), -1);
}

TEST(CApiOps, AttributeErrorsNameOpAndAttribute) {
  mxrtOpAttrsHandle a = nullptr;
  const char *k[] = {"act_type"}, *bad[] = {"bogus"};
  EXPECT_EQ(mxrtOpAttrsCreate(op("Activation"), 1, k, bad, &a), -1);
  EXPECT_EQ(a, nullptr);
  EXPECT_NE(lastError().find("act_type"), std::string::npos);
  EXPECT_NE(lastError().find("Activation"), std::string::npos);
  const char *unknown[] = {"nope"}, *v[] = {"1"};
  EXPECT_EQ(mxrtOpAttrsCreate(op("sum"), 1, unknown, v, &a), -1);
  EXPECT_NE(lastError().find("nope"), std::string::npos);
  const char *good[] = {"relu"};
  OK(mxrtOpAttrsCreate(op("Activation"), 1, k, good, &a));
  int total = 0, visible = 0;
  OK(mxrtOpAttrsNumOutputs(a, &total, &visible));
  EXPECT_EQ(total, 1);
  EXPECT_EQ(visible, 1);
  OK(mxrtOpAttrsFree(a));
}

TEST(CApiOps, InvokeNewAndGivenOutputs) {
  mxrtNDArrayHandle in[2] = {array({1, 2, 3, 4}, {2, 2}), array({10, 20}, {1, 2})};
  int nout = 0;
  mxrtNDArrayHandle *out = nullptr;
  OK(mxrtImperativeInvoke(op("broadcast_add"), 2, in, 0, nullptr, nullptr, &nout, &out));
  ASSERT_EQ(nout, 1);
  mxrtNDArrayHandle sum = out[0];
  EXPECT_EQ(values(sum, 4), (std::vector<float>{11, 22, 13, 24}));
  // Given outputs (out=): written in place, nothing new handed out.
  mxrtNDArrayHandle given = array({0, 0, 0, 0}, {2, 2});
  mxrtNDArrayHandle outs[1] = {given};
  mxrtNDArrayHandle *outPtr = outs;
  nout = 1;
  const char *k[] = {"scalar"}, *v[] = {"2.5"};
  OK(mxrtImperativeInvoke(op("_mul_scalar"), 1, &sum, 1, k, v, &nout, &outPtr));
  EXPECT_EQ(values(given, 4), (std::vector<float>{27.5f, 55, 32.5f, 60}));
  for (mxrtNDArrayHandle h : {in[0], in[1], sum, given})
    OK(mxrtNDArrayFree(h));
}

TEST(CApiOps, VariadicOpsGetNumArgsFromTheInputCount) {
  mxrtNDArrayHandle in[3] = {array({1}, {1, 1}), array({2}, {1, 1}), array({3}, {1, 1})};
  int nout = 0;
  mxrtNDArrayHandle *out = nullptr;
  const char *k[] = {"dim"}, *v[] = {"0"};
  OK(mxrtImperativeInvoke(op("concat"), 3, in, 1, k, v, &nout, &out));
  ASSERT_EQ(nout, 1);
  mxrtNDArrayHandle cat = out[0];
  EXPECT_EQ(values(cat, 3), (std::vector<float>{1, 2, 3}));
  for (mxrtNDArrayHandle h : {in[0], in[1], in[2], cat})
    OK(mxrtNDArrayFree(h));
}

TEST(CApiOps, ParsedAttributesAndVisibleOutputs) {
  const char *k[] = {"k", "ret_typ"}, *v[] = {"1", "both"};
  mxrtOpAttrsHandle a = nullptr;
  OK(mxrtOpAttrsCreate(op("topk"), 2, k, v, &a));
  mxrtNDArrayHandle in = array({3, 1, 2, 0, 5, 4}, {2, 3});
  int nout = 0;
  mxrtNDArrayHandle *out = nullptr;
  OK(mxrtImperativeInvokeAttrs(a, 1, &in, &nout, &out));
  ASSERT_EQ(nout, 2); // values and indices
  mxrtNDArrayHandle vals = out[0], idx = out[1];
  EXPECT_EQ(values(vals, 2), (std::vector<float>{3, 5}));
  EXPECT_EQ(values(idx, 2), (std::vector<float>{0, 1}));
  for (mxrtNDArrayHandle h : {in, vals, idx})
    OK(mxrtNDArrayFree(h));
  OK(mxrtOpAttrsFree(a));
}

TEST(CApiOps, InvocationErrors) {
  mxrtNDArrayHandle in[2] = {array({1, 2}, {2}), array({1, 2, 3}, {3})};
  int nout = 0;
  mxrtNDArrayHandle *out = nullptr;
  EXPECT_EQ(mxrtImperativeInvoke(op("broadcast_add"), 2, in, 0, nullptr, nullptr, &nout, &out), -1);
  EXPECT_NE(lastError().find("broadcast_add"), std::string::npos);
  EXPECT_EQ(mxrtImperativeInvoke(op("broadcast_add"), 1, in, 0, nullptr, nullptr, &nout, &out), -1);
  EXPECT_NE(lastError().find("input"), std::string::npos);
  mxrtNDArrayHandle withNull[2] = {in[0], nullptr};
  EXPECT_EQ(
      mxrtImperativeInvoke(op("broadcast_add"), 2, withNull, 0, nullptr, nullptr, &nout, &out), -1);
  EXPECT_NE(lastError().find("null"), std::string::npos);
  EXPECT_EQ(mxrtImperativeInvokeAttrs(nullptr, 0, nullptr, &nout, &out), -1);
  OK(mxrtNDArrayFree(in[0]));
  OK(mxrtNDArrayFree(in[1]));
}

TEST(CApiOps, SameSeedSameNumbers) {
  const char *k[] = {"shape"}, *v[] = {"(8,)"};
  std::vector<float> draws[2];
  for (auto &d : draws) {
    OK(mxrtRandomSeed(123, -1, 0));
    int nout = 0;
    mxrtNDArrayHandle *out = nullptr;
    OK(mxrtImperativeInvoke(op("_random_uniform"), 0, nullptr, 1, k, v, &nout, &out));
    mxrtNDArrayHandle h = out[0];
    d = values(h, 8);
    OK(mxrtNDArrayFree(h));
  }
  EXPECT_EQ(draws[0], draws[1]);
  EXPECT_EQ(mxrtRandomSeed(1, 7, 0), -1);
  EXPECT_NE(lastError().find("dev_type"), std::string::npos);
}

} // namespace
