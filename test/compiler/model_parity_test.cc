// model_parity_test.cc - shape and type inference agree with MXNet 1.9.1.
//
// For each reference model (test/data/models/generate.py wrote the symbol
// with MXNet and recorded what its infer_shape/infer_type report): import the
// JSON, run mx-infer-shape and mx-infer-type with the same inputs, and compare
// every argument, output and auxiliary state, by name, with MXNet's answer.
#include "compiler/Registration.h"
#include "compiler/SymbolJson.h"
#include "mx/MxBridge.h"
#include "mx/MxGraph.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>

namespace {

std::string dataDir() {
  const char *dir = std::getenv("MXC_TEST_DATA");
  return dir ? dir : MXC_SOURCE_TEST_DATA;
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    ADD_FAILURE() << "cannot read " << path << ": " << buffer.getError().message();
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

/// "2x3xf32" style text for a tensor type, and the same for MXNet's answer.
std::string describe(mlir::Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}
std::string describe(const llvm::json::Object &entry) {
  mlir::MLIRContext ctx;
  std::string s = "tensor<";
  for (const llvm::json::Value &d : *entry.getArray("shape"))
    s += std::to_string(*d.getAsInteger()) + "x";
  std::optional<mxrt::DType> dtype = mxrt::parseDType(entry.getString("dtype")->str());
  return s + describe(mlir::mx::getElementType(&ctx, dtype.value_or(mxrt::DType::Unknown))) + ">";
}

class ModelParity : public testing::TestWithParam<std::string> {};

TEST_P(ModelParity, InferShapeAndTypeMatchMXNet) {
  std::string dir = dataDir() + "/models/";
  std::string symbol = readFile(dir + GetParam() + "-symbol.json");
  llvm::Expected<llvm::json::Value> ref =
      llvm::json::parse(readFile(dir + GetParam() + "-infer.json"));
  ASSERT_TRUE(bool(ref)) << llvm::toString(ref.takeError());
  const llvm::json::Object &reference = *ref->getAsObject();

  mlir::DialectRegistry registry;
  mxc::registerMxcDialects(registry);
  mlir::MLIRContext ctx(registry);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return mlir::success();
  });

  mxc::ImportOptions options;
  options.fileName = GetParam() + "-symbol.json";
  mlir::OwningOpRef<mlir::ModuleOp> module = mxc::importSymbolJson(symbol, &ctx, options);
  ASSERT_TRUE(module) << diagnostics;

  // The same inputs MXNet was given; no default dtype, as infer_type.
  std::string shapes, dtypes;
  for (const auto &[name, dims] : *reference.getObject("shapes")) {
    shapes += (shapes.empty() ? "" : ";") + name.str() + ":";
    for (const llvm::json::Value &d : *dims.getAsArray())
      shapes += std::to_string(*d.getAsInteger()) + ",";
  }
  for (const auto &[name, dtype] : *reference.getObject("dtypes"))
    dtypes += (dtypes.empty() ? "" : ";") + name.str() + ":" + dtype.getAsString()->str();
  mlir::PassManager pm(&ctx);
  pm.addNestedPass<mlir::func::FuncOp>(mlir::mx::createMxInferShape({shapes}));
  mlir::mx::MxInferTypeOptions typeOptions;
  typeOptions.dtypes = dtypes;
  typeOptions.defaultDType = "";
  pm.addNestedPass<mlir::func::FuncOp>(mlir::mx::createMxInferType(typeOptions));
  ASSERT_TRUE(mlir::succeeded(pm.run(*module))) << diagnostics;

  auto func = *module->getOps<mlir::func::FuncOp>().begin();
  std::map<std::string, mlir::Type> args;
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    args[mlir::mx::getArgName(func, i)] = func.getArgument(i).getType();
  size_t expectedArgs = 0;
  for (const char *kind : {"arguments", "aux_states"}) {
    for (const llvm::json::Value &v : *reference.getArray(kind)) {
      const llvm::json::Object &entry = *v.getAsObject();
      std::string name = entry.getString("name")->str();
      ++expectedArgs;
      auto it = args.find(name);
      if (it == args.end()) {
        ADD_FAILURE() << kind << " '" << name << "' is not a graph argument";
        continue;
      }
      EXPECT_EQ(describe(it->second), describe(entry)) << kind << " '" << name << "'";
    }
  }
  EXPECT_EQ(func.getNumArguments(), expectedArgs);
  // Argument order: list_arguments() then list_auxiliary_states().
  unsigned i = 0;
  for (const char *kind : {"arguments", "aux_states"})
    for (const llvm::json::Value &v : *reference.getArray(kind))
      if (i < func.getNumArguments())
        EXPECT_EQ(mlir::mx::getArgName(func, i++), v.getAsObject()->getString("name")->str());
  const llvm::json::Array &outputs = *reference.getArray("outputs");
  ASSERT_EQ(func.getNumResults(), outputs.size());
  for (size_t k = 0; k < outputs.size(); ++k)
    EXPECT_EQ(describe(func.getResultTypes()[k]), describe(*outputs[k].getAsObject()))
        << "output " << outputs[k].getAsObject()->getString("name")->str();
}

INSTANTIATE_TEST_SUITE_P(Models, ModelParity,
                         testing::Values("mlp", "lenet", "resnet18_v1", "resnet50_v1",
                                         "resnet18_v2", "resnet50_v2", "vgg16", "inception_bn",
                                         "lstm"),
                         [](const testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

} // namespace
