//===- GradientRules.cpp - the gradient table, assembled ------------------===//
//
// Joins the families' rows into one table sorted by op name. Ops the op
// table marks mxNoGradient (BlockGrad, comparisons, rounding, argmax,
// samplers, constants) need no row of their own: they get the Zero row
// here, so the op table stays the one place that says so. The only rows
// for such ops are Undefined ones, where MXNet registers no gradient at
// all and a gradient through the op is an error (optimizer updates).
//
//===----------------------------------------------------------------------===//
#include "passes/GradientRules.h"

#include "mxrt/op_table.h"

#include <algorithm>
#include <vector>

using namespace mlir;
using namespace mlir::mx;

namespace {

constexpr std::string_view kNoUpdateGradient =
    "an optimizer update has no gradient (MXNet registers none)";

const GradRule kNoGradRules[] = {
    {"_adamw_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"_mp_adamw_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"adam_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"ftml_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"ftrl_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"lamb_update_phase1", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"lamb_update_phase2", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"mp_lamb_update_phase1", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"mp_lamb_update_phase2", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"mp_nag_mom_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"mp_sgd_mom_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"mp_sgd_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"nag_mom_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"rmsprop_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"rmspropalex_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"sgd_mom_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"sgd_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"signsgd_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
    {"signum_update", GradKind::Undefined, nullptr, kNoUpdateGradient},
};

const GradRule kZeroRule{"", GradKind::Zero};

const std::vector<GradRule> &table() {
  static const std::vector<GradRule> rules = [] {
    std::vector<GradRule> all;
    for (auto family : {elemwiseGradRules(), shapeGradRules(), reduceGradRules(), nnGradRules(),
                        lossGradRules(), indexGradRules(), linalgGradRules(), noGradRules()})
      all.insert(all.end(), family.begin(), family.end());
    std::sort(all.begin(), all.end(),
              [](const GradRule &a, const GradRule &b) { return a.op < b.op; });
    return all;
  }();
  return rules;
}

} // namespace

std::span<const GradRule> mlir::mx::noGradRules() { return kNoGradRules; }

std::span<const GradRule> mlir::mx::gradRules() { return table(); }

const GradRule *mlir::mx::findGradRule(std::string_view op) {
  const std::vector<GradRule> &rules = table();
  auto it = std::lower_bound(rules.begin(), rules.end(), op,
                             [](const GradRule &r, std::string_view name) { return r.op < name; });
  if (it != rules.end() && it->op == op)
    return &*it;
  const mxrt::OpSpec *spec = mxrt::findOp(op);
  if (spec && spec->noGradient)
    return &kZeroRule;
  return nullptr;
}
