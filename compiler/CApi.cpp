//===- CApi.cpp - the compiler's C interface ------------------------------===//
#include "compiler/Cache.h"
#include "mxc/compiler_api.h"

#include "llvm/ADT/StringExtras.h"

#include <exception>
#include <string>

namespace {

thread_local std::string lastError;
thread_local std::string lastPath;

int fail(const std::string &message) {
  lastError = message;
  return -1;
}

/// "a:1,2;b:3" -> {("a", "1,2"), ("b", "3")}.
bool parseNamed(const char *text, std::vector<std::pair<std::string, std::string>> &out,
                const char *what) {
  if (!text)
    return true;
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(text).split(parts, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef p : parts) {
    auto [name, value] = p.split(':');
    if (name.trim().empty() || !p.contains(':')) {
      lastError =
          std::string("mxcCompile: ") + what + ": expected name:value, got '" + p.str() + "'";
      return false;
    }
    out.emplace_back(name.trim().str(), value.trim().str());
  }
  return true;
}

bool parseOptions(const char *text, mxc::CompileOptions &o) {
  if (!text)
    return true;
  llvm::SmallVector<llvm::StringRef> flags;
  llvm::SplitString(text, flags);
  for (llvm::StringRef f : flags) {
    if (f.size() == 3 && f.starts_with("-O") && f[2] >= '0' && f[2] <= '3')
      o.optLevel = f[2] - '0';
    else if (f == "--train")
      o.train = true;
    else if (f.consume_front("--grad-req="))
      o.gradReq = f.str();
    else if (f == "--no-plan-memory")
      o.planMemory = false;
    else if (f == "--gemm=library")
      o.gemm = mxc::codegen::GemmPath::Library;
    else if (f == "--gemm=generated")
      o.gemm = mxc::codegen::GemmPath::Generated;
    else {
      lastError = "mxcCompile: unknown option '" + f.str() +
                  "' (expected -O0..-O3, --train, --grad-req=name:req,..., --no-plan-memory, "
                  "--gemm=library|generated)";
      return false;
    }
  }
  return true;
}

} // namespace

const char *mxcGetLastError(void) { return lastError.c_str(); }

int mxcCompile(const char *symbolJson, const char *shapes, const char *dtypes, const char *target,
               const char *options, const char **outPath, int *outCacheHit) {
  if (outPath)
    *outPath = nullptr;
  if (outCacheHit)
    *outCacheHit = 0;
  try {
    if (!symbolJson || !outPath)
      return fail("mxcCompile: symbol_json and out_path must not be null");
    mxc::CompileInputs inputs;
    inputs.json = symbolJson;
    mxc::CompileOptions opts;
    if (target && *target)
      opts.target = target;
    if (!parseNamed(shapes, inputs.shapes, "shapes") ||
        !parseNamed(dtypes, inputs.dtypes, "dtypes") || !parseOptions(options, opts))
      return -1;
    llvm::Expected<mxc::CachedModule> module = mxc::compileCached(inputs, opts);
    if (!module)
      return fail(llvm::toString(module.takeError()));
    lastPath = module->path;
    *outPath = lastPath.c_str();
    if (outCacheHit)
      *outCacheHit = module->hit ? 1 : 0;
    return 0;
  } catch (const std::exception &e) {
    return fail(std::string("mxcCompile: ") + e.what());
  }
}
