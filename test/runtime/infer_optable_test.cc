// infer_optable_test.cc - the op table's structure as the inference code uses it.
//
// Every operator has a shape function that survives all-unknown inputs; the
// table's count expressions, conditional inputs and output-name patterns
// evaluate as MXNet 1.9.1 names and counts them (tools/check_optable.py
// verifies the table itself against MXNet; this checks the C++ reading of
// it); the attribute kinds added for MXNet's optional values parse and print
// in MXNet's forms.
#include "infer_test_util.h"

#include "mxrt/base.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mxrt {
namespace {

using namespace testing;

TEST(InferOpTable, EveryOperatorHasAShapeFunction) {
  std::vector<std::string> missing;
  for (const OpSpec &op : opTable())
    if (!opImpl(op).inferShape)
      missing.emplace_back(op.name);
  EXPECT_EQ(missing, std::vector<std::string>{});
}

/// Valid attributes for op: the first case of cases.json that names it.
KV sampleAttrs(std::string_view op) {
  static std::string text = [] {
    const char *dir = std::getenv("MXC_TEST_DATA");
    MXRT_CHECK(dir, "MXC_TEST_DATA is not set (it points at test/data)");
    std::ifstream f(str(dir, "/infer/cases.json"));
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }();
  // Cases are one per line: {"attrs": {...}, ..., "op": "name", ...}.
  std::string key = str("\"op\": \"", op, "\"");
  size_t at = text.find(key);
  MXRT_CHECK(at != std::string::npos, "no case for ", op);
  size_t line = text.rfind('\n', at) + 1;
  size_t a = text.find("\"attrs\": {", line) + 10, e = text.find('}', a);
  KV kv;
  std::string body = text.substr(a, e - a);
  for (size_t p = 0; (p = body.find('"', p)) != std::string::npos;) {
    size_t q = body.find('"', p + 1), v = body.find('"', q + 1), w = body.find('"', v + 1);
    kv.emplace_back(body.substr(p + 1, q - p - 1), body.substr(v + 1, w - v - 1));
    p = w + 1;
  }
  return kv;
}

TEST(InferOpTable, AllUnknownInputsAreUndecidedOrAnErrorNeverACrash) {
  for (const OpSpec &op : opTable()) {
    if (op.internal)
      continue; // backward ops have no MXNet case; mx-gradient's tests cover them
    Attrs attrs = parseAttrs(op.name, sampleAttrs(op.name));
    size_t nIn = listInputNames(attrs).size(), nOut = size_t(numOutputs(attrs));
    std::vector<TShape> in(nIn), out(nOut);
    std::vector<DType> tin(nIn, DType::Unknown), tout(nOut, DType::Unknown);
    try {
      bool done = runShapeFn(attrs, in, out);
      // Only sources (no inputs) may decide anything from nothing.
      EXPECT_TRUE(!done || nIn == 0) << op.name;
    } catch (const Error &) {
      // MXNet's eager checks on unknown ranks; acceptable.
    }
    try {
      runTypeFn(attrs, tin, tout);
    } catch (const Error &) {
    }
  }
}

TEST(InferOpTable, OutputCountsFollowAttributes) {
  auto count = [](std::string_view op, const KV &kv) {
    Attrs a = parseAttrs(op, kv);
    return std::pair(numOutputs(a), numVisibleOutputs(a));
  };
  // Counts as MXNet 1.9.1 lists them (list_outputs of the built symbol).
  EXPECT_EQ(count("LeakyReLU", {}), std::pair(1, 1));
  EXPECT_EQ(count("LeakyReLU", {{"act_type", "rrelu"}}), std::pair(2, 2));
  EXPECT_EQ(count("topk", {}), std::pair(1, 1));
  EXPECT_EQ(count("topk", {{"ret_typ", "value"}}), std::pair(2, 1));
  EXPECT_EQ(count("topk", {{"ret_typ", "both"}}), std::pair(2, 2));
  EXPECT_EQ(count("RNN", {{"mode", "lstm"}, {"state_size", "2"}, {"num_layers", "1"}}),
            std::pair(1, 1));
  EXPECT_EQ(
      count(
          "RNN",
          {{"mode", "lstm"}, {"state_size", "2"}, {"num_layers", "1"}, {"state_outputs", "True"}}),
      std::pair(3, 3));
  EXPECT_EQ(
      count("RNN",
            {{"mode", "gru"}, {"state_size", "2"}, {"num_layers", "1"}, {"state_outputs", "True"}}),
      std::pair(2, 2));
  EXPECT_EQ(count("_split_v2", {{"indices", "()"}, {"sections", "4"}}), std::pair(4, 4));
  EXPECT_EQ(count("_split_v2", {{"indices", "(0, 2, 3)"}}), std::pair(3, 3));
  EXPECT_EQ(count("BatchNorm", {}), std::pair(3, 1));
  EXPECT_EQ(count("BatchNorm", {{"output_mean_var", "True"}}), std::pair(3, 3));
}

TEST(InferOpTable, InputAndOutputNamesFollowAttributes) {
  auto inputs = [](std::string_view op, const KV &kv) {
    return listInputNames(parseAttrs(op, kv));
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(inputs("UpSampling", {{"scale", "2"}, {"sample_type", "bilinear"}, {"num_args", "1"}}),
            (Names{"data", "weight"}));
  EXPECT_EQ(inputs("UpSampling", {{"scale", "2"}, {"sample_type", "nearest"}, {"num_args", "2"}}),
            (Names{"arg0", "arg1"}));
  EXPECT_EQ(inputs("RNN", {{"mode", "lstm"},
                           {"state_size", "2"},
                           {"num_layers", "1"},
                           {"use_sequence_length", "True"}}),
            (Names{"data", "parameters", "state", "state_cell", "sequence_length"}));
  EXPECT_EQ(inputs("softmax", {{"use_length", "True"}}), (Names{"data", "length"}));
  EXPECT_EQ(inputs("LeakyReLU", {{"act_type", "prelu"}}), (Names{"data", "gamma"}));
  EXPECT_EQ(inputs("Crop", {{"num_args", "2"}}), (Names{"data", "crop_like"}));

  auto outputs = [](std::string_view op, const KV &kv) {
    return listOutputNames(parseAttrs(op, kv));
  };
  // SliceChannel names even a single output output0; _split_v2 does not.
  EXPECT_EQ(outputs("SliceChannel", {{"num_outputs", "1"}}), (Names{"output0"}));
  EXPECT_EQ(outputs("SliceChannel", {{"num_outputs", "2"}}), (Names{"output0", "output1"}));
  EXPECT_EQ(outputs("_split_v2", {{"indices", "(0,)"}}), (Names{"output"}));
  EXPECT_EQ(
      outputs(
          "RNN",
          {{"mode", "lstm"}, {"state_size", "2"}, {"num_layers", "1"}, {"state_outputs", "True"}}),
      (Names{"output", "state_output", "statecell_output"}));
  EXPECT_EQ(outputs("make_loss", {}), (Names{"loss"}));
}

TEST(InferOpTable, OptionalValuesAndNoneEntries) {
  // slice's begin=(None, 2): None entries are kNoneIndex and print back.
  Attrs s = parseAttrs("slice", {{"begin", "(None, 2)"}, {"end", "(3, None)"}});
  EXPECT_EQ(s.getShape("begin"), (std::vector<int64_t>{kNoneIndex, 2}));
  EXPECT_EQ(s.explicitStrings().at("begin"), "(None, 2)");
  EXPECT_EQ(s.getShape("step"), std::vector<int64_t>{});
  // "boolean or None" with a False default (softmax's use_length).
  Attrs sm = parseAttrs("softmax", {});
  EXPECT_FALSE(sm.getBool("use_length"));
  EXPECT_TRUE(parseAttrs("Pooling", {{"count_include_pad", "None"}}).isNone("count_include_pad"));
  EXPECT_TRUE(parseAttrs("Pooling", {{"count_include_pad", "1"}}).getBool("count_include_pad"));
  // An optional int with a value default: topk's axis is -1, or None.
  EXPECT_EQ(parseAttrs("topk", {}).getOptInt("axis"), std::optional<int64_t>(-1));
  EXPECT_EQ(parseAttrs("topk", {{"axis", "None"}}).getOptInt("axis"), std::nullopt);
  // Required, yet None is a value: slice_axis's end.
  EXPECT_TRUE(
      parseAttrs("slice_axis", {{"axis", "0"}, {"begin", "0"}, {"end", "None"}}).isNone("end"));
  EXPECT_THROW(parseAttrs("slice_axis", {{"axis", "0"}, {"begin", "0"}}), Error);
  // dtype subsets: _random_uniform takes float types only.
  EXPECT_THROW(parseAttrs("_random_uniform", {{"dtype", "int32"}}), Error);
}

} // namespace
} // namespace mxrt
