// attrs_test.cc - parsing attributes from MXNet's string forms, input and
// output naming from the op table.
#include "mxrt/attrs.h"
#include "mxrt/base.h"
#include "mxrt/op_registry.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mxrt {
namespace {

const OpSpec &op(std::string_view name) {
  const OpSpec *spec = findOp(name);
  EXPECT_NE(spec, nullptr) << name;
  return *spec;
}

std::string errorOf(auto fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

TEST(Attrs, ParsesMXNetStringsAndFillsDefaults) {
  Attrs::KeyValue kv[] = {{"num_hidden", "128"}, {"no_bias", "True"}};
  Attrs a = Attrs::parse(op("FullyConnected"), kv);
  EXPECT_EQ(a.getInt("num_hidden"), 128);
  EXPECT_TRUE(a.getBool("no_bias"));
  EXPECT_TRUE(a.getBool("flatten")); // default "True"
  EXPECT_TRUE(a.isSet("no_bias"));
  EXPECT_FALSE(a.isSet("flatten"));
}

TEST(Attrs, ValueForms) {
  AttrSpec tuple{"kernel", AttrKind::Shape, "()", false, {}};
  EXPECT_EQ(std::get<std::vector<int64_t>>(parseAttrValue(tuple, "(3, 3)")),
            (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(parseAttrValue(tuple, "[1,2,3]")),
            (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(parseAttrValue(tuple, "(3,)")), (std::vector<int64_t>{3}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(parseAttrValue(tuple, "(3L, 2L)")),
            (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(std::get<std::vector<int64_t>>(parseAttrValue(tuple, "5")), (std::vector<int64_t>{5}));
  EXPECT_TRUE(std::get<std::vector<int64_t>>(parseAttrValue(tuple, "()")).empty());
  EXPECT_THROW(parseAttrValue(tuple, "(3, x)"), Error);

  AttrSpec optInt{"axis", AttrKind::OptInt, "None", false, {}};
  EXPECT_TRUE(std::holds_alternative<std::monostate>(parseAttrValue(optInt, "None")));
  EXPECT_EQ(std::get<int64_t>(parseAttrValue(optInt, "-1")), -1);

  AttrSpec f{"eps", AttrKind::Float, "0.001", false, {}};
  EXPECT_DOUBLE_EQ(std::get<double>(parseAttrValue(f, "1e-05")), 1e-5);
  EXPECT_TRUE(std::isinf(std::get<double>(parseAttrValue(f, "-inf"))));
  EXPECT_THROW(parseAttrValue(f, "0.1.2"), Error);

  AttrSpec b{"flag", AttrKind::Bool, "False", false, {}};
  EXPECT_EQ(std::get<bool>(parseAttrValue(b, "1")), true);
  EXPECT_EQ(std::get<bool>(parseAttrValue(b, "false")), false);
  EXPECT_THROW(parseAttrValue(b, "yes"), Error);
}

TEST(Attrs, FormatsAsPythonStr) {
  EXPECT_EQ(Attrs::format(AttrKind::Bool, true), "True");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 0.9), "0.9");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 100.0), "100.0");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 1e-5), "1e-05");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 1e5), "100000.0");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 1e16), "1e+16");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 123456789012345.6), "123456789012345.6");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 0.0001), "0.0001");
  EXPECT_EQ(Attrs::format(AttrKind::Float, -2.5e-7), "-2.5e-07");
  EXPECT_EQ(Attrs::format(AttrKind::Float, 0.0), "0.0");
  EXPECT_EQ(Attrs::format(AttrKind::Shape, std::vector<int64_t>{3, 3}), "(3, 3)");
  EXPECT_EQ(Attrs::format(AttrKind::Shape, std::vector<int64_t>{3}), "(3,)");
  EXPECT_EQ(Attrs::format(AttrKind::OptInt, std::monostate{}), "None");
}

TEST(Attrs, ErrorsNameTheOpNodeAndAttribute) {
  Attrs::KeyValue unknown[] = {{"num_hidden", "1"}, {"foo", "1"}};
  std::string e = errorOf([&] { Attrs::parse(op("FullyConnected"), unknown, "fc1"); });
  EXPECT_NE(e.find("'foo'"), std::string::npos) << e;
  EXPECT_NE(e.find("FullyConnected"), std::string::npos) << e;
  EXPECT_NE(e.find("fc1"), std::string::npos) << e;
  EXPECT_NE(e.find("num_hidden"), std::string::npos) << e; // lists possible arguments

  e = errorOf([&] { Attrs::parse(op("FullyConnected"), {}, "fc1"); });
  EXPECT_NE(e.find("Required parameter 'num_hidden'"), std::string::npos) << e;

  Attrs::KeyValue badEnum[] = {{"act_type", "swish"}};
  e = errorOf([&] { Attrs::parse(op("Activation"), badEnum); });
  EXPECT_NE(e.find("'swish'"), std::string::npos) << e;
  EXPECT_NE(e.find("'relu'"), std::string::npos) << e;
  EXPECT_NE(e.find("act_type"), std::string::npos) << e;
}

TEST(Attrs, HiddenKeysPassThrough) {
  Attrs::KeyValue kv[] = {{"act_type", "relu"}, {"__ctx_group__", "dev1"}};
  Attrs a = Attrs::parse(op("Activation"), kv);
  EXPECT_EQ(a.hidden().at("__ctx_group__"), "dev1");
  auto strings = a.explicitStrings();
  EXPECT_EQ(strings.at("act_type"), "relu");
  EXPECT_EQ(strings.at("__ctx_group__"), "dev1");
}

TEST(Attrs, InputAndOutputNames) {
  Attrs::KeyValue withBias[] = {{"num_hidden", "10"}};
  EXPECT_EQ(listInputNames(Attrs::parse(op("FullyConnected"), withBias)),
            (std::vector<std::string>{"data", "weight", "bias"}));
  Attrs::KeyValue noBias[] = {{"num_hidden", "10"}, {"no_bias", "True"}};
  EXPECT_EQ(listInputNames(Attrs::parse(op("FullyConnected"), noBias)),
            (std::vector<std::string>{"data", "weight"}));
  Attrs::KeyValue three[] = {{"num_args", "3"}};
  Attrs concat = Attrs::parse(op("Concat"), three);
  EXPECT_EQ(listInputNames(concat), (std::vector<std::string>{"arg0", "arg1", "arg2"}));
  EXPECT_EQ(listOutputNames(concat), (std::vector<std::string>{"output"}));
  EXPECT_EQ(numOutputs(concat), 1);
}

TEST(OpRegistry, EveryRegistrationNamesAnOpOfTheTable) {
  for (const OpSpec &spec : opTable())
    (void)opImpl(spec); // never out of range
  EXPECT_EQ(orphanRegistrations(), std::vector<std::string>{});
}

} // namespace
} // namespace mxrt
