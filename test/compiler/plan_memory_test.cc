// plan_memory_test.cc - the memory planner's invariants.
//
// On random graphs and on the ResNet-18 training graph, for both
// placements: no two values live at the same time share a byte (except an
// in-place pair at the op that hands the buffer over), every value lies
// inside its slot, sizes and offsets are aligned; a plan without reuse
// gives every value its own bytes; and running a random graph under its
// plan gives exactly the unplanned results (reference interpreter).
#include "GradientCheck.h"
#include "GraphInterpreter.h"

#include "compiler/SymbolJson.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"
#include "passes/PlanMemory.h"

#include "mlir/IR/Builders.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <set>

using namespace mlir;

namespace {

/// Every invariant of a plan; failures name the values by their ops.
void checkInvariants(const mx::MemoryPlan &plan) {
  llvm::DenseSet<std::pair<Value, Value>> inplace(plan.inplace.begin(), plan.inplace.end());
  for (int64_t bytes : plan.slotBytes)
    EXPECT_EQ(bytes % plan.alignment, 0) << "slot size " << bytes << " not aligned";
  int64_t total = 0;
  for (int64_t bytes : plan.slotBytes)
    total += bytes;
  EXPECT_EQ(total, plan.plannedBytes);
  for (Value v : plan.values) {
    const mx::MemoryPlan::Buffer &b = plan.buffers[plan.bufferOf.lookup(v)];
    EXPECT_EQ(b.offset % plan.alignment, 0);
    EXPECT_GE(b.bytes, plan.bytes.lookup(v));
    ASSERT_LT(b.slot, plan.slotBytes.size());
    EXPECT_LE(b.offset + plan.bytes.lookup(v), plan.slotBytes[b.slot])
        << v.getDefiningOp()->getName().getStringRef().str() << " lies outside its slot";
    EXPECT_EQ(plan.bytes.lookup(v), mx::tensorBytes(v.getType()));
  }
  for (size_t i = 0; i < plan.values.size(); ++i)
    for (size_t j = i + 1; j < plan.values.size(); ++j) {
      Value u = plan.values[i], v = plan.values[j];
      auto [ud, ul] = plan.liveRange.lookup(u);
      auto [vd, vl] = plan.liveRange.lookup(v);
      if (ul < vd || vl < ud)
        continue; // never live together
      if (ul == vd && inplace.count({u, v}))
        continue; // handed over in place
      int64_t ua = plan.addressOf(u), va = plan.addressOf(v);
      bool disjoint = ua + plan.bytes.lookup(u) <= va || va + plan.bytes.lookup(v) <= ua;
      EXPECT_TRUE(disjoint) << "values of " << u.getDefiningOp()->getName().getStringRef().str()
                            << " (steps " << ud << ".." << ul << ") and "
                            << v.getDefiningOp()->getName().getStringRef().str() << " (steps " << vd
                            << ".." << vl << ") share bytes";
    }
}

/// The default policy with the given placement.
FailureOr<mx::MemoryPlan> planWith(func::FuncOp func, mx::Placement placement) {
  mx::PlanPolicy policy = mx::defaultPlanPolicy();
  policy.placement = placement;
  return mx::planMemory(func, policy);
}

/// A random graph of element-wise, binary and layout ops over 8x8 and
/// 16x16 float32 values; some values are returned, some die at once.
OwningOpRef<ModuleOp> randomGraph(MLIRContext &ctx, unsigned seed, int numOps) {
  std::mt19937 rng(seed);
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  Type small = RankedTensorType::get({8, 8}, b.getF32Type());
  Type large = RankedTensorType::get({16, 16}, b.getF32Type());
  auto func = b.create<func::FuncOp>(loc, "main", b.getFunctionType({small, large}, {}));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToEnd(entry);
  SmallVector<Value> values(entry->getArguments());
  auto pick = [&](Type t) -> Value {
    SmallVector<Value> of;
    for (Value v : values)
      if (v.getType() == t)
        of.push_back(v);
    return of[std::uniform_int_distribution<size_t>(0, of.size() - 1)(rng)];
  };
  auto create = [&](StringRef name, ValueRange operands, Type type,
                    ArrayRef<NamedAttribute> attrs = {}) {
    OperationState state(loc, name);
    state.addOperands(operands);
    state.addTypes(type);
    state.addAttributes(attrs);
    values.push_back(b.create(state)->getResult(0));
  };
  for (int i = 0; i < numOps; ++i) {
    Type t = std::uniform_int_distribution<int>(0, 1)(rng) ? small : large;
    switch (std::uniform_int_distribution<int>(0, 5)(rng)) {
    case 0:
      create("mx.sigmoid", pick(t), t);
      break;
    case 1:
      create("mx.negative", pick(t), t);
      break;
    case 2:
      create("mx.elemwise_add", {pick(t), pick(t)}, t);
      break;
    case 3:
      create("mx.elemwise_mul", {pick(t), pick(t)}, t);
      break;
    case 4:
      create("mx.transpose", pick(t), t);
      break;
    case 5:
      if (t == large)
        create("mx.tile", pick(small), large,
               {b.getNamedAttr("reps", b.getDenseI64ArrayAttr({2, 2}))});
      else
        create("mx.slice", pick(large), small,
               {b.getNamedAttr("begin", b.getDenseI64ArrayAttr({4, 0})),
                b.getNamedAttr("end", b.getDenseI64ArrayAttr({12, 8}))});
      break;
    }
  }
  SmallVector<Value> results;
  for (Value v : llvm::ArrayRef(values).drop_front(2))
    if (std::uniform_int_distribution<int>(0, 9)(rng) == 0)
      results.push_back(v);
  results.push_back(values.back());
  b.create<func::ReturnOp>(loc, results);
  func.setType(b.getFunctionType(entry->getArgumentTypes(), ValueRange(results).getTypes()));
  return module;
}

TEST(PlanMemory, RandomGraphsKeepLiveValuesApart) {
  auto ctx = mxc::testing::makeContext();
  for (unsigned seed = 0; seed < 20; ++seed) {
    OwningOpRef<ModuleOp> m = randomGraph(*ctx, seed, 40);
    auto func = m->lookupSymbol<func::FuncOp>("main");
    for (mx::Placement placement : {mx::Placement::Arena, mx::Placement::Pool}) {
      FailureOr<mx::MemoryPlan> plan = planWith(func, placement);
      ASSERT_TRUE(succeeded(plan));
      SCOPED_TRACE("seed " + std::to_string(seed));
      checkInvariants(*plan);
      EXPECT_LE(plan->plannedBytes, plan->unplannedBytes);
      if (placement == mx::Placement::Arena && plan->numInplace == 0)
        EXPECT_GE(plan->plannedBytes, plan->peakBytes); // the bound without in-place
    }
  }
}

TEST(PlanMemory, WithoutReuseEveryValueHasItsOwnBytes) {
  auto ctx = mxc::testing::makeContext();
  OwningOpRef<ModuleOp> m = randomGraph(*ctx, 7, 30);
  auto func = m->lookupSymbol<func::FuncOp>("main");
  FailureOr<mx::MemoryPlan> plan = mx::planMemory(func, mx::unplannedPolicy(128));
  ASSERT_TRUE(succeeded(plan));
  EXPECT_EQ(plan->plannedBytes, plan->unplannedBytes);
  EXPECT_EQ(plan->numInplace, 0u);
  std::set<int64_t> addresses;
  for (Value v : plan->values)
    EXPECT_TRUE(addresses.insert(plan->addressOf(v)).second);
  checkInvariants(*plan);
  EXPECT_EQ(plan->alignment, 128);
}

TEST(PlanMemory, PlannedEvaluationEqualsUnplanned) {
  auto ctx = mxc::testing::makeContext();
  std::mt19937 rng(3);
  for (unsigned seed = 100; seed < 110; ++seed) {
    OwningOpRef<ModuleOp> m = randomGraph(*ctx, seed, 30);
    auto func = m->lookupSymbol<func::FuncOp>("main");
    std::vector<mxrt::NDArray> args;
    for (BlockArgument a : func.getArguments()) {
      auto shape = cast<RankedTensorType>(a.getType()).getShape();
      args.push_back(mxc::testing::fromDoubles(
          a.getType(),
          mxc::testing::drawValues(mxc::testing::U({shape.begin(), shape.end()}), rng)));
    }
    std::vector<mxrt::NDArray> expected = mxc::testing::evaluate(func, args);
    for (mx::Placement placement : {mx::Placement::Arena, mx::Placement::Pool}) {
      FailureOr<mx::MemoryPlan> plan = planWith(func, placement);
      ASSERT_TRUE(succeeded(plan));
      std::vector<mxrt::NDArray> got = mxc::testing::evaluate(func, args, &*plan);
      for (size_t r = 0; r < got.size(); ++r)
        EXPECT_EQ(mxc::testing::toDoubles(got[r]), mxc::testing::toDoubles(expected[r]))
            << "seed " << seed << ", result " << r;
    }
  }
}

std::string testData() {
  const char *dir = std::getenv("MXC_TEST_DATA");
  return dir ? dir : MXC_SOURCE_TEST_DATA;
}

/// ResNet-18 (symbol JSON from the test data) at batch 32, differentiated
/// for every parameter: the training graph the planner's goals are set on.
TEST(PlanMemory, ResNet18TrainingStep) {
  auto ctx = mxc::testing::makeContext();
  auto file = llvm::MemoryBuffer::getFile(testData() + "/models/resnet18_v1-symbol.json");
  ASSERT_TRUE(bool(file)) << "no resnet18_v1-symbol.json under " << testData();
  OwningOpRef<ModuleOp> m = mxc::importSymbolJson((*file)->getBuffer(), ctx.get());
  ASSERT_TRUE(m);
  ASSERT_TRUE(mxc::testing::runPasses(
      *m, "func.func(mx-infer-shape{shapes=data:32,3,224,224},mx-infer-type,"
          "mx-gradient{grad-req=data:null})"));
  auto func = m->lookupSymbol<func::FuncOp>("main");
  for (mx::Placement placement : {mx::Placement::Arena, mx::Placement::Pool}) {
    FailureOr<mx::MemoryPlan> plan = planWith(func, placement);
    ASSERT_TRUE(succeeded(plan));
    checkInvariants(*plan);
    double ratio = double(plan->plannedBytes) / double(plan->unplannedBytes);
    std::printf("resnet18 training, batch 32, %s: planned %.1f MB, unplanned %.1f MB (%.3fx), "
                "peak live %.1f MB\n",
                placement == mx::Placement::Arena ? "arena" : "pool",
                double(plan->plannedBytes) / (1 << 20), double(plan->unplannedBytes) / (1 << 20),
                ratio, double(plan->peakBytes) / (1 << 20));
    EXPECT_LE(ratio, 0.6);
  }
}

} // namespace
