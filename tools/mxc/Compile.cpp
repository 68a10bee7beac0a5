//===- Compile.cpp - `mxc compile`: symbol JSON -> compiled module --------===//
//
// Runs the pipeline (compiler/Pipeline.h) on a graph for the given input
// shapes and dtypes. The module goes through the compile cache (the path
// bind() takes) unless debugging output is asked for; --emit and
// --compile-to stop earlier and write MLIR, LLVM IR, assembly or an object.
//
//===----------------------------------------------------------------------===//
#include "Tool.h"
#include "compiler/Cache.h"
#include "compiler/Pipeline.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;
using mxc::tool::compileCommand;

cl::SubCommand mxc::tool::compileCommand("compile",
                                         "Compile MXNet symbol JSON into a module (.so)");

static cl::opt<std::string> input(cl::Positional, cl::desc("<model-symbol.json>"), cl::Required,
                                  cl::sub(compileCommand));
static cl::opt<std::string> output("o", cl::desc("Output file ('-': stdout, for text)"),
                                   cl::value_desc("file"), cl::sub(compileCommand));
static cl::list<std::string> shapes("shape", cl::desc("An input's shape, e.g. data=1,3,224,224"),
                                    cl::value_desc("name=dims"), cl::sub(compileCommand));
static cl::list<std::string> dtypes("dtype", cl::desc("An input's dtype (default float32)"),
                                    cl::value_desc("name=dtype"), cl::sub(compileCommand));
static cl::opt<std::string> target("target",
                                   cl::desc("cpu (the host), cpu:x86-64-v3, cpu:<llvm cpu>,+feat"),
                                   cl::init("cpu"), cl::sub(compileCommand));
static cl::opt<bool> train("train", cl::desc("Also compile the training entry points"),
                           cl::sub(compileCommand));
static cl::opt<std::string>
    gradReq("grad-req",
            cl::desc("With --train: grad_req per argument, e.g. data:null,fc1_weight:add "
                     "(write, add or null; default write)"),
            cl::value_desc("name:req,..."), cl::sub(compileCommand));
static cl::opt<bool> noPlanMemory("no-plan-memory",
                                  cl::desc("Give every temporary a buffer of its own"),
                                  cl::sub(compileCommand));
static cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0..3 (default 3)"), cl::Prefix,
                                  cl::init(3), cl::sub(compileCommand));
static cl::opt<std::string> gemm("gemm",
                                 cl::desc("Matrix products: library (default) or generated"),
                                 cl::init("library"), cl::sub(compileCommand));
static cl::opt<std::string> emit("emit",
                                 cl::desc("What to write: so (default), obj, asm, llvm, mlir"),
                                 cl::init("so"), cl::sub(compileCommand));
static cl::opt<std::string>
    compileTo("compile-to",
              cl::desc("Stop after this phase and write MLIR (import, infer, graph, outline, "
                       "linalg, bufferize, vector, llvm-dialect)"),
              cl::sub(compileCommand));
static cl::opt<bool> printIRAfterAll("print-ir-after-all",
                                     cl::desc("Print the IR after every pass"),
                                     cl::sub(compileCommand));
static cl::opt<bool> timePasses("time-passes", cl::desc("Time every phase and pass"),
                                cl::sub(compileCommand));
static cl::opt<bool> noCache("no-cache", cl::desc("Compile even if the module is cached"),
                             cl::sub(compileCommand));

static int error(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "mxc compile") << message << "\n";
  return 1;
}

/// --shape a=1,2 -> ("a", "1,2").
static bool split(const cl::list<std::string> &values, const char *flag,
                  std::vector<std::pair<std::string, std::string>> &out) {
  for (llvm::StringRef v : values) {
    auto [name, value] = v.split('=');
    if (name.empty() || !v.contains('=')) {
      error(llvm::Twine("--") + flag + " '" + v + "': expected name=value");
      return false;
    }
    out.emplace_back(name.str(), value.str());
  }
  return true;
}

/// Copies src to dst through a temporary file and a rename.
static llvm::Error copyAtomically(llvm::StringRef src, llvm::StringRef dst) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buf =
      llvm::MemoryBuffer::getFile(src, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!buf)
    return llvm::createStringError("cannot read '" + src + "': " + buf.getError().message());
  if (llvm::Error e = llvm::writeToOutput(dst, [&](llvm::raw_ostream &os) {
        os << (*buf)->getBuffer();
        return llvm::Error::success();
      }))
    return e;
  llvm::sys::fs::setPermissions(dst, llvm::sys::fs::perms(0755));
  return llvm::Error::success();
}

int mxc::tool::runCompile() {
  mxc::CompileInputs inputs;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(input, /*IsText=*/true);
  if (!buffer)
    return error("cannot read '" + input + "': " + buffer.getError().message());
  inputs.json = (*buffer)->getBuffer().str();
  inputs.fileName = input;
  if (!split(shapes, "shape", inputs.shapes) || !split(dtypes, "dtype", inputs.dtypes))
    return 1;

  mxc::CompileOptions options;
  options.target = target;
  options.train = train;
  if (!gradReq.empty() && !train)
    return error("--grad-req needs --train");
  options.gradReq = gradReq;
  options.planMemory = !noPlanMemory;
  options.optLevel = int(optLevel);
  options.printIRAfterAll = printIRAfterAll;
  options.timePasses = timePasses;
  if (gemm == "library")
    options.gemm = mxc::codegen::GemmPath::Library;
  else if (gemm == "generated")
    options.gemm = mxc::codegen::GemmPath::Generated;
  else
    return error("--gemm=" + gemm + ": expected library or generated");

  mxc::EmitKind kind;
  if (emit == "so")
    kind = mxc::EmitKind::SharedLibrary;
  else if (emit == "obj")
    kind = mxc::EmitKind::Object;
  else if (emit == "asm")
    kind = mxc::EmitKind::Assembly;
  else if (emit == "llvm")
    kind = mxc::EmitKind::LLVMIR;
  else if (emit == "mlir")
    kind = mxc::EmitKind::MLIR;
  else
    return error("--emit=" + emit + ": expected so, obj, asm, llvm or mlir");
  if (!compileTo.empty())
    kind = mxc::EmitKind::MLIR;
  bool text = kind == mxc::EmitKind::MLIR || kind == mxc::EmitKind::LLVMIR ||
              kind == mxc::EmitKind::Assembly;
  std::string out = output;
  if (out.empty()) {
    if (!text)
      return error("-o <file> is required for --emit=" + emit);
    out = "-";
  }
  if (out == "-" && !text)
    return error("cannot write a binary (--emit=" + emit + ") to stdout");

  if (kind == mxc::EmitKind::SharedLibrary && !noCache && !printIRAfterAll && !timePasses) {
    llvm::Expected<mxc::CachedModule> module = mxc::compileCached(inputs, options);
    if (!module)
      return error(llvm::toString(module.takeError()));
    if (llvm::Error e = copyAtomically(module->path, out))
      return error(llvm::toString(std::move(e)));
    return 0;
  }
  if (llvm::Error e = mxc::compileGraph(inputs, options, kind, out, compileTo))
    return error(llvm::toString(std::move(e)));
  return 0;
}
