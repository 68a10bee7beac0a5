//===- Pipeline.cpp - the phases of `mxc compile`, in order ---------------===//
//
// `kPhases` below is the pipeline: each phase names the passes it adds.
// The gradient pass (with --train, MXNet's grad_req per argument) and
// memory planning (pool placement) are part of the "graph" phase; the
// target adds the passes of "vector" and "llvm-dialect", and emits and
// links the result.
//
//===----------------------------------------------------------------------===//
#include "compiler/Pipeline.h"
#include "codegen/Manifest.h"
#include "codegen/ManifestAttr.h"
#include "codegen/Passes.h"
#include "codegen/Registration.h"
#include "compiler/Registration.h"
#include "compiler/SymbolJson.h"
#include "mx/MxDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/Timing.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include "mxc_compiler_stamp.h"
#include <algorithm>
#include <functional>

using namespace mlir;
using namespace mxc;

namespace {

/// What a phase adds to the pass manager.
struct PhaseContext {
  const CompileInputs &inputs;
  const CompileOptions &options;
  const codegen::Target &target;
  codegen::CodegenOptions codegen;
};

/// Joins ("a", "1,2") pairs into the passes' "a:1,2;b:3" form.
std::string joinNamed(const std::vector<std::pair<std::string, std::string>> &values) {
  std::string s;
  for (const auto &[name, value] : values)
    s += (s.empty() ? "" : ";") + name + ":" + value;
  return s;
}

void addBufferize(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(codegen::createMxcUnshareEmptyTensors());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizationOptions bo;
  // Kernels take memrefs already (to_tensor/materialize_in_destination).
  bo.bufferizeFunctionBoundaries = false;
  // Copies as linalg.copy: they become loops, so no memrefCopy runtime
  // function is needed (RECIPE.md pitfall 5).
  bo.memCpyFn = [](OpBuilder &b, Location loc, Value from, Value to) {
    b.create<linalg::CopyOp>(loc, from, to);
    return success();
  };
  pm.addPass(bufferization::createOneShotBufferizePass(bo));
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

struct Phase {
  const char *name;
  std::function<void(OpPassManager &, const PhaseContext &)> addPasses;
};

/// The pipeline. Import runs before it (it makes the module).
const Phase kPhases[] = {
    {"infer",
     [](OpPassManager &pm, const PhaseContext &c) {
       mlir::mx::MxInferShapeOptions shape;
       shape.shapes = joinNamed(c.inputs.shapes);
       shape.requireComplete = true;
       pm.addNestedPass<func::FuncOp>(mlir::mx::createMxInferShape(shape));
       mlir::mx::MxInferTypeOptions type;
       type.dtypes = joinNamed(c.inputs.dtypes);
       pm.addNestedPass<func::FuncOp>(mlir::mx::createMxInferType(type));
     }},
    {"graph",
     [](OpPassManager &pm, const PhaseContext &c) {
       if (c.options.train) {
         mlir::mx::MxGradientOptions gradient;
         gradient.gradReq = c.options.gradReq;
         pm.addNestedPass<func::FuncOp>(mlir::mx::createMxGradient(gradient));
       }
       codegen::MxEntryPointsOptions entries;
       entries.train = c.options.train;
       pm.addPass(codegen::createMxEntryPoints(entries));
       pm.addPass(createCanonicalizerPass());
       // Fusion before planning: values inside a group get no buffer.
       if (c.options.optLevel >= 2)
         pm.addNestedPass<func::FuncOp>(mlir::mx::createMxFuse());
       if (c.options.planMemory) {
         // Arena placement (packed by size and lifetime, near the peak of
         // live bytes); the executor gives each byte range its own engine
         // variable, so independent kernels still run in parallel.
         mlir::mx::MxPlanMemoryOptions plan;
         plan.placement = "arena";
         pm.addNestedPass<func::FuncOp>(mlir::mx::createMxPlanMemory(plan));
       }
     }},
    {"outline", [](OpPassManager &pm,
                   const PhaseContext &) { pm.addPass(codegen::createMxOutlineKernels()); }},
    {"linalg",
     [](OpPassManager &pm, const PhaseContext &c) {
       pm.addPass(codegen::createMxConvertToLinalg());
       pm.addPass(createCanonicalizerPass());
       if (c.options.optLevel >= 2)
         pm.addPass(createLinalgElementwiseOpFusionPass());
       pm.addPass(createCSEPass());
     }},
    {"bufferize", [](OpPassManager &pm, const PhaseContext &) { addBufferize(pm); }},
    {"vector",
     [](OpPassManager &pm, const PhaseContext &c) { c.target.addVectorPasses(pm, c.codegen); }},
    {"llvm-dialect", [](OpPassManager &pm,
                        const PhaseContext &c) { c.target.addLLVMDialectPasses(pm, c.codegen); }},
};

/// Collects diagnostics as text ("<node>: error: ...").
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(MLIRContext *ctx) : os(text), handler(sourceMgr, ctx, os) {}
  std::string take() { return std::move(text); }
  llvm::Error error(const Twine &fallback) {
    std::string t = take();
    while (!t.empty() && t.back() == '\n')
      t.pop_back();
    return llvm::createStringError(t.empty() ? fallback.str() : t);
  }

private:
  std::string text;
  llvm::raw_string_ostream os;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler;
};

llvm::Error writeText(const std::string &path, llvm::function_ref<void(llvm::raw_ostream &)> fn) {
  if (path == "-") {
    fn(llvm::outs());
    llvm::outs().flush();
    return llvm::Error::success();
  }
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    fn(os);
    return llvm::Error::success();
  });
}

} // namespace

std::string mxc::canonicalGradReq(StringRef gradReq) {
  // Entries sorted by name, 'write' (the default; MXNet's "inplace" too)
  // left out: equal requests give equal keys however they are spelled.
  std::string text = gradReq.str();
  std::replace(text.begin(), text.end(), ';', ',');
  SmallVector<StringRef> parts;
  StringRef(text).split(parts, ',');
  std::vector<std::string> kept;
  for (StringRef p : parts) {
    auto [name, req] = p.split(':');
    name = name.trim();
    req = req.trim();
    if (name.empty() && req.empty())
      continue;
    if (req == "write" || req == "inplace")
      continue;
    kept.push_back((name + ":" + req).str());
  }
  llvm::sort(kept);
  return llvm::join(kept, ",");
}

const std::vector<std::string> &mxc::phaseNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n{"import"};
    for (const Phase &p : kPhases)
      n.push_back(p.name);
    return n;
  }();
  return names;
}

std::string mxc::compilerVersion() { return "mxc " MXC_VERSION_STRING; }

std::string mxc::moduleKey(const CompileInputs &inputs, const CompileOptions &options,
                           const std::string &resolvedTarget) {
  llvm::SHA256 h;
  auto add = [&](StringRef s) {
    uint64_t n = s.size();
    h.update(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(&n), sizeof n));
    h.update(s);
  };
  add(compilerVersion());
  // A hash of the compiler's sources (compiler/CompilerStamp.cmake): a
  // changed compiler never reuses what another one cached.
  add(MXC_COMPILER_STAMP);
  add(inputs.json);
  auto sorted = [](std::vector<std::pair<std::string, std::string>> v) {
    llvm::sort(v);
    return v;
  };
  for (const auto &[k, v] : sorted(inputs.shapes)) {
    add("shape:" + k);
    add(v);
  }
  for (const auto &[k, v] : sorted(inputs.dtypes)) {
    add("dtype:" + k);
    add(v);
  }
  add(resolvedTarget);
  add("O" + std::to_string(options.optLevel));
  add(options.train ? "train" : "infer");
  if (options.train)
    add("grad_req:" + canonicalGradReq(options.gradReq));
  add(options.planMemory ? "plan" : "noplan");
  add(options.gemm == codegen::GemmPath::Library ? "gemm=library" : "gemm=generated");
  std::array<uint8_t, 32> digest = h.final();
  return llvm::toHex(digest, /*LowerCase=*/true).substr(0, 32);
}

llvm::Error mxc::compileGraph(const CompileInputs &inputs, const CompileOptions &options,
                              EmitKind emit, const std::string &outputPath,
                              const std::string &stopAfter) {
  if (!stopAfter.empty() && !llvm::is_contained(phaseNames(), stopAfter))
    return llvm::createStringError("unknown phase '" + stopAfter +
                                   "' (phases: " + llvm::join(phaseNames(), ", ") + ")");
  if (options.optLevel < 0 || options.optLevel > 3)
    return llvm::createStringError("-O" + std::to_string(options.optLevel) + ": expected 0..3");
  llvm::Expected<std::unique_ptr<codegen::Target>> target = codegen::createTarget(options.target);
  if (!target)
    return target.takeError();

  DialectRegistry registry;
  registerMxcDialects(registry);
  codegen::registerCodegenDialects(registry);
  MLIRContext ctx(registry);
  // Dialects load when a phase first uses them (loading all of them would
  // cost more than compiling an MLP).
  ctx.loadDialect<mlir::mx::MxDialect, func::FuncDialect>();
  if (options.printIRAfterAll)
    ctx.disableMultithreading();
  DiagnosticCollector diagnostics(&ctx);

  DefaultTimingManager timing;
  timing.setEnabled(options.timePasses);
  TimingScope root = timing.getRootScope();

  // import
  ImportOptions importOptions;
  importOptions.fileName = inputs.fileName;
  OwningOpRef<ModuleOp> module;
  {
    TimingScope t = root.nest("import");
    module = importSymbolJson(inputs.json, &ctx, importOptions);
  }
  if (!module)
    return diagnostics.error("cannot import the graph");
  auto writeMlir = [&]() {
    return writeText(outputPath, [&](llvm::raw_ostream &os) {
      OpPrintingFlags flags;
      flags.enableDebugInfo();
      module->print(os, flags);
    });
  };
  if (stopAfter == "import")
    return writeMlir();

  PhaseContext phase{inputs, options, **target, {}};
  phase.codegen.optLevel = options.optLevel;
  phase.codegen.gemm = options.gemm;
  for (const Phase &p : kPhases) {
    PassManager pm(&ctx);
    TimingScope phaseTiming = root.nest(p.name);
    if (options.printIRAfterAll)
      pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                          [](Pass *, Operation *) { return true; },
                          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
    if (options.timePasses)
      pm.enableTiming(phaseTiming);
    p.addPasses(pm, phase);
    if (failed(pm.run(*module)))
      return diagnostics.error(Twine("phase '") + p.name + "' failed");
    if (stopAfter == p.name)
      return writeMlir();
  }
  if (emit == EmitKind::MLIR)
    return writeMlir();

  // The manifest, completed with what only the driver knows.
  std::string error;
  FailureOr<codegen::Manifest> manifest =
      codegen::manifestFromAttr((*module)->getAttr(codegen::kManifestAttr), error);
  if (failed(manifest))
    return llvm::createStringError(error);
  manifest->compilerVersion = compilerVersion();
  manifest->target = (*target)->str();
  manifest->graphHash = moduleKey(inputs, options, manifest->target);

  TimingScope emitTiming = root.nest("emit");
  codegen::EmitKind kind = emit == EmitKind::LLVMIR     ? codegen::EmitKind::LLVMIR
                           : emit == EmitKind::Assembly ? codegen::EmitKind::Assembly
                                                        : codegen::EmitKind::Object;
  if (emit != EmitKind::SharedLibrary) {
    std::error_code ec;
    auto out = std::make_unique<llvm::ToolOutputFile>(
        outputPath, ec, emit == EmitKind::Object ? llvm::sys::fs::OF_None : llvm::sys::fs::OF_Text);
    if (ec)
      return llvm::createStringError("cannot write '" + outputPath + "': " + ec.message());
    if (llvm::Error e = (*target)->emit(*module, *manifest, phase.codegen, kind, out->os()))
      return e;
    out->keep();
    return llvm::Error::success();
  }
  // Object in a temporary file, linked next to the output, renamed into
  // place: a reader never sees half a module.
  llvm::SmallString<256> object, linked;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("mxc-module", "o", object))
    return llvm::createStringError("cannot create a temporary object file: " + ec.message());
  llvm::FileRemover removeObject(object);
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(object, ec);
    if (ec)
      return llvm::createStringError("cannot write '" + object + "': " + ec.message());
    if (llvm::Error e = (*target)->emit(*module, *manifest, phase.codegen, kind, os))
      return e;
  }
  emitTiming.stop();
  TimingScope linkTiming = root.nest("link");
  llvm::SmallString<256> absOut(outputPath);
  llvm::sys::fs::make_absolute(absOut);
  llvm::StringRef dir = llvm::sys::path::parent_path(absOut);
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          dir + "/" + llvm::sys::path::filename(absOut) + ".tmp-%%%%%%", linked))
    return llvm::createStringError("cannot create a file in '" + dir + "': " + ec.message());
  llvm::FileRemover removeLinked(linked);
  if (llvm::Error e = (*target)->link(object, linked))
    return e;
  if (std::error_code ec = llvm::sys::fs::rename(linked, absOut))
    return llvm::createStringError("cannot write '" + outputPath + "': " + ec.message());
  removeLinked.releaseFile();
  return llvm::Error::success();
}
