//===- InferApi.cpp - shape and type inference for embedders (infer_api.h) ===//
//
// Symbol JSON in, the inferred shapes or dtypes of every argument, auxiliary
// state and output out, as JSON text: import, then mx-infer-shape or
// mx-infer-type (no default dtype, as MXNet's infer_type), then read the
// function's argument and result types. Diagnostics are collected and
// become the error message, so a conflict reads as MXNet's ("Error in
// operator fc1: Shape inconsistent, Provided = [5,100], inferred
// shape=(10,100) (input 'weight')").
//
// Each thread keeps one MLIRContext (creating one and loading the dialects
// costs more than inferring a small graph).
//
//===----------------------------------------------------------------------===//
#include "mxc/infer_api.h"

#include "compiler/Registration.h"
#include "compiler/SymbolJson.h"
#include "mx/MxBridge.h"
#include "mx/MxGraph.h"
#include "passes/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/JSON.h"

#include <exception>
#include <memory>
#include <string>

using namespace mlir;

namespace {

thread_local std::string result;

MLIRContext &threadContext() {
  thread_local std::unique_ptr<MLIRContext> ctx;
  if (!ctx) {
    DialectRegistry registry;
    mxc::registerMxcDialects(registry);
    ctx = std::make_unique<MLIRContext>(registry, MLIRContext::Threading::DISABLED);
    ctx->loadAllAvailableDialects();
  }
  return *ctx;
}

llvm::json::Value shapeJson(Type type) {
  mxrt::TShape shape = mlir::mx::getTShape(type);
  if (!shape.ndimKnown())
    return nullptr;
  llvm::json::Array dims;
  for (int i = 0; i < shape.ndim(); ++i)
    dims.push_back(shape[i]);
  return dims;
}

llvm::json::Value dtypeJson(Type type) {
  auto tensor = dyn_cast<TensorType>(type);
  if (!tensor)
    return nullptr;
  mxrt::DType dtype = mlir::mx::getDType(tensor.getElementType());
  if (dtype == mxrt::DType::Unknown)
    return nullptr;
  return std::string(mxrt::dtypeName(dtype));
}

/// Imports `json`, runs the pass `addPass` adds, and writes the types of the
/// graph's values through `describe` into `result`; -1 with the collected
/// diagnostics as the message on failure.
template <class AddPass, class Describe>
int infer(const char *json, const char *what, AddPass addPass, Describe describe,
          const char **outResult) {
  *outResult = nullptr;
  try {
    MLIRContext &ctx = threadContext();
    std::string errors;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error) {
        if (!errors.empty())
          errors += "\n";
        errors += diag.str();
      }
      return success();
    });
    auto fail = [&](const std::string &fallback) {
      result = errors.empty() ? fallback : errors;
      *outResult = result.c_str();
      return -1;
    };
    if (!json)
      return fail(std::string(what) + ": symbol_json is null");
    mxc::ImportOptions options;
    OwningOpRef<ModuleOp> module = mxc::importSymbolJson(json, &ctx, options);
    if (!module)
      return fail(std::string(what) + ": the graph could not be imported");
    PassManager pm(&ctx);
    addPass(pm);
    if (failed(pm.run(*module)))
      return fail(std::string(what) + " failed");
    auto func = *module->getOps<func::FuncOp>().begin();
    llvm::json::Array args, aux, outputs, argNames, auxNames;
    auto iface = cast<FunctionOpInterface>(func.getOperation());
    for (BlockArgument arg : func.getArguments()) {
      bool isAux = mlir::mx::isAuxState(arg);
      (isAux ? aux : args).push_back(describe(arg.getType()));
      (isAux ? auxNames : argNames).push_back(mlir::mx::getArgName(iface, arg.getArgNumber()));
    }
    for (Type t : func.getResultTypes())
      outputs.push_back(describe(t));
    llvm::json::Object obj{{"arguments", std::move(args)},
                           {"aux", std::move(aux)},
                           {"outputs", std::move(outputs)},
                           {"argument_names", std::move(argNames)},
                           {"aux_names", std::move(auxNames)}};
    result.clear();
    llvm::raw_string_ostream os(result);
    os << llvm::json::Value(std::move(obj));
    os.flush();
    *outResult = result.c_str();
    return 0;
  } catch (const std::exception &e) {
    result = std::string(what) + ": " + e.what();
    *outResult = result.c_str();
    return -1;
  }
}

} // namespace

int mxcInferShape(const char *symbolJson, const char *shapes, const char **outResult) {
  if (!outResult)
    return -1;
  return infer(
      symbolJson, "mxcInferShape",
      [&](PassManager &pm) {
        mlir::mx::MxInferShapeOptions o;
        o.shapes = shapes ? shapes : "";
        pm.addNestedPass<func::FuncOp>(mlir::mx::createMxInferShape(o));
      },
      shapeJson, outResult);
}

int mxcInferType(const char *symbolJson, const char *dtypes, const char **outResult) {
  if (!outResult)
    return -1;
  return infer(
      symbolJson, "mxcInferType",
      [&](PassManager &pm) {
        mlir::mx::MxInferTypeOptions o;
        o.dtypes = dtypes ? dtypes : "";
        o.defaultDType = "";
        pm.addNestedPass<func::FuncOp>(mlir::mx::createMxInferType(o));
      },
      dtypeJson, outResult);
}
