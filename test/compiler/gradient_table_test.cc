// gradient_table_test.cc - the gradient table against the op table.
//
// Every op of the dialect has exactly one row (GradientRules.h): a rule,
// Zero (the op table says mxNoGradient) or Undefined (MXNet registers no
// gradient; the row says why). Rows name real ops, once each; no op the op
// table marks gradient-free has a rule. The counts are printed: they are
// the gradient coverage.
#include "passes/GradientRules.h"

#include "mxrt/op_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using mlir::mx::GradKind;

TEST(GradientTable, RowsNameOpsOnceAndInOrder) {
  std::set<std::string_view> seen;
  std::string_view previous;
  for (const mlir::mx::GradRule &rule : mlir::mx::gradRules()) {
    const mxrt::OpSpec *spec = mxrt::findOp(rule.op);
    ASSERT_NE(spec, nullptr) << "row for '" << rule.op << "', which is not in the op table";
    EXPECT_EQ(spec->name, rule.op) << "rows name ops by their MXNet name, not an alias";
    EXPECT_TRUE(seen.insert(rule.op).second) << "two rows for " << rule.op;
    EXPECT_LT(previous, rule.op);
    previous = rule.op;
    if (rule.kind == GradKind::Rule) {
      EXPECT_NE(rule.fn, nullptr) << rule.op;
      EXPECT_FALSE(spec->noGradient) << rule.op << " is mxNoGradient but has a rule";
    } else {
      EXPECT_EQ(rule.fn, nullptr) << rule.op;
    }
    if (rule.kind == GradKind::Undefined)
      EXPECT_FALSE(rule.note.empty()) << rule.op << ": say why it has no gradient";
  }
}

TEST(GradientTable, EveryOpHasARow) {
  int rules = 0, zero = 0, undefined = 0;
  std::string missing, undefinedList;
  for (const mxrt::OpSpec &op : mxrt::opTable()) {
    if (op.internal)
      continue; // backward ops are not differentiated again
    const mlir::mx::GradRule *rule = mlir::mx::findGradRule(op.name);
    if (!rule) {
      missing += " " + std::string(op.name);
      continue;
    }
    switch (rule->kind) {
    case GradKind::Rule:
      ++rules;
      break;
    case GradKind::Zero:
      ++zero;
      break;
    case GradKind::Undefined:
      ++undefined;
      undefinedList += " " + std::string(op.name);
      break;
    }
  }
  EXPECT_TRUE(missing.empty()) << "ops without a row in the gradient table:" << missing;
  std::printf("gradient table: %d ops with a gradient rule, %d with zero gradient, %d without "
              "(error when a gradient must cross them):%s\n",
              rules, zero, undefined, undefinedList.c_str());
}

} // namespace
