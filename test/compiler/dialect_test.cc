// dialect_test.cc - every op of the mx dialect against the op table.
//
// The ODS defines each operator once; the op table is generated from it.
// These tests hold the two ends together for every operator, so a new op
// is covered without a new test: the op `mx.<name>` exists for each table
// entry, its ODS attributes are the table's, an instance built from the
// table (inputs from listInputNames, required attributes given) passes the
// verifier, and it prints and parses back to the same text.
#include "compiler/Registration.h"
#include "mx/MxBridge.h"
#include "mx/MxDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

class Dialect : public testing::Test {
protected:
  Dialect() {
    mlir::DialectRegistry registry;
    mxc::registerMxcDialects(registry);
    ctx = std::make_unique<mlir::MLIRContext>(registry);
    ctx->loadAllAvailableDialects();
  }
  std::unique_ptr<mlir::MLIRContext> ctx;
};

/// A value for a required attribute, in MXNet's string form, that the
/// attribute's kind accepts.
std::string sampleValue(const mxrt::AttrSpec &spec) {
  using mxrt::AttrKind;
  switch (spec.kind) {
  case AttrKind::Int:
  case AttrKind::OptInt:
    return "2";
  case AttrKind::Float:
  case AttrKind::OptFloat:
    return "0.5";
  case AttrKind::Bool:
  case AttrKind::OptBool:
    return "True";
  case AttrKind::Enum:
  case AttrKind::OptEnum:
  case AttrKind::DType:
  case AttrKind::OptDType:
    return std::string(spec.choices.front());
  case AttrKind::Str:
    return "x";
  case AttrKind::Shape:
  case AttrKind::OptShape:
  case AttrKind::IntOrNoneTuple:
    return "(2, 2)";
  }
  return "";
}

TEST_F(Dialect, EveryTableEntryIsAnOpWithTheSameAttributes) {
  for (const mxrt::OpSpec &spec : mxrt::opTable()) {
    std::optional<mlir::RegisteredOperationName> op = mlir::mx::lookupMxOp(ctx.get(), spec);
    ASSERT_TRUE(op) << spec.name;
    std::set<std::string> ods, table;
    for (mlir::StringAttr name : op->getAttributeNames())
      if (name.getValue() != "operandSegmentSizes" && name.getValue() != "resultSegmentSizes")
        ods.insert(name.str());
    for (const mxrt::AttrSpec &a : spec.attrs)
      table.insert(std::string(a.name));
    EXPECT_EQ(ods, table) << spec.name;
    EXPECT_EQ(mlir::mx::lookupOpSpec(*op), &spec) << spec.name;
  }
}

TEST_F(Dialect, EveryOpBuiltFromTheTableVerifiesAndRoundTrips) {
  mlir::OpBuilder b(ctx.get());
  mlir::Location loc = b.getUnknownLoc();
  mlir::Type tensor = mlir::UnrankedTensorType::get(b.getF32Type());
  size_t checked = 0;
  for (const mxrt::OpSpec &spec : mxrt::opTable()) {
    SCOPED_TRACE(std::string(spec.name));
    std::vector<std::pair<std::string, std::string>> given;
    for (const mxrt::AttrSpec &a : spec.attrs)
      if (a.required)
        given.emplace_back(a.name, a.name == spec.numArgsAttr ? "2" : sampleValue(a));
    std::vector<mxrt::Attrs::KeyValue> kv(given.begin(), given.end());
    mxrt::Attrs attrs = mxrt::Attrs::parse(spec, kv);

    auto module = mlir::ModuleOp::create(loc);
    b.setInsertionPointToEnd(module.getBody());
    size_t numInputs = mxrt::listInputNames(attrs).size();
    auto func = b.create<mlir::func::FuncOp>(
        loc, "f", b.getFunctionType(llvm::SmallVector<mlir::Type>(numInputs, tensor), {}));
    mlir::Block *body = func.addEntryBlock();
    b.setInsertionPointToEnd(body);
    mlir::OperationState state(mlir::NameLoc::get(b.getStringAttr("node")),
                               *mlir::mx::lookupMxOp(ctx.get(), spec));
    state.addOperands(body->getArguments());
    state.types.assign(size_t(mxrt::numOutputs(attrs)), tensor);
    for (const mxrt::AttrSpec &a : spec.attrs)
      if (attrs.isSet(a.name))
        if (mlir::Attribute v = mlir::mx::toAttribute(b, a, attrs.get(a.name)))
          state.addAttribute(llvm::StringRef(a.name.data(), a.name.size()), v);
    mlir::mx::addSegmentSizes(state, attrs);
    b.create(state);
    b.create<mlir::func::ReturnOp>(loc);

    std::string errors;
    mlir::ScopedDiagnosticHandler handler(ctx.get(), [&](mlir::Diagnostic &d) {
      errors += d.str() + "\n";
      return mlir::success();
    });
    EXPECT_TRUE(mlir::succeeded(mlir::verify(module))) << errors;
    std::string printed, reprinted;
    llvm::raw_string_ostream(printed) << module;
    mlir::OwningOpRef<mlir::ModuleOp> parsed =
        mlir::parseSourceString<mlir::ModuleOp>(printed, ctx.get());
    ASSERT_TRUE(parsed) << errors << printed;
    llvm::raw_string_ostream(reprinted) << *parsed;
    EXPECT_EQ(printed, reprinted);
    module->erase();
    ++checked;
  }
  EXPECT_EQ(checked, mxrt::opTable().size());
}

} // namespace
