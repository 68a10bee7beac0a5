// engine_api.cc - the C API's engine functions: variables of one's own and
// callbacks pushed with read/write dependencies.
#include "capi/c_api_internal.h"

#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

using namespace mxrt;
using namespace mxrt::capi;

namespace {

/// Variables made by mxrtEngineNewVar: only these may be deleted through
/// the C API (an array's variable belongs to the array).
struct OwnVars {
  std::mutex mu;
  std::unordered_set<VarHandle> vars;
};
OwnVars &ownVars() {
  static OwnVars *v = new OwnVars; // outlives static destructors that free vars
  return *v;
}

std::vector<VarHandle> varList(const mxrtVarHandle *vars, uint32_t n, const char *what) {
  MXRT_CHECK(vars || n == 0, "mxrtEnginePush: ", what, " is null but its count is ", n);
  std::vector<VarHandle> out;
  out.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    out.push_back(varOf(vars[i], "mxrtEnginePush"));
  return out;
}

} // namespace

extern "C" {

int mxrtEngineNewVar(mxrtVarHandle *out) {
  zero(out);
  MXRT_API_BEGIN();
  MXRT_CHECK(out, "mxrtEngineNewVar: out is null");
  VarHandle v = Engine::get()->newVar();
  {
    std::lock_guard lock(ownVars().mu);
    ownVars().vars.insert(v);
  }
  *out = reinterpret_cast<mxrtVarHandle>(v);
  MXRT_API_END();
}

int mxrtEngineDeleteVar(mxrtVarHandle var) {
  MXRT_API_BEGIN();
  VarHandle v = varOf(var, "mxrtEngineDeleteVar");
  {
    std::lock_guard lock(ownVars().mu);
    MXRT_CHECK(ownVars().vars.erase(v), "mxrtEngineDeleteVar: variable ", static_cast<void *>(v),
               " was not made by mxrtEngineNewVar, or was deleted already");
  }
  Engine::get()->deleteVar([] {}, Context::cpu(), v);
  MXRT_API_END();
}

int mxrtEnginePush(mxrtEngineFn fn, void *user_data, void (*deleter)(void *), int dev_type,
                   int dev_id, const mxrtVarHandle *reads, uint32_t num_reads,
                   const mxrtVarHandle *writes, uint32_t num_writes, const char *name) {
  // The deleter runs when the last copy of the op's closure goes, i.e.
  // after the op ran or was skipped -- or right here if the push fails.
  std::shared_ptr<void> user(user_data, [deleter](void *p) {
    if (deleter)
      deleter(p);
  });
  MXRT_API_BEGIN();
  MXRT_CHECK(fn, "mxrtEnginePush: fn is null");
  Context ctx = contextOf(dev_type, dev_id, "mxrtEnginePush");
  std::vector<VarHandle> r = varList(reads, num_reads, "reads");
  std::vector<VarHandle> w = varList(writes, num_writes, "writes");
  auto opName = std::make_shared<const std::string>(name ? name : "mxrtEnginePush callback");
  std::string_view nameView = *opName;
  Engine::get()->push(
      [fn, user, opName](RunContext rctx) {
        lastError().clear();
        int status = fn(user.get(), rctx.stream);
        if (status != 0)
          fail("engine callback '", *opName, "' failed with status ", status,
               lastError().empty() ? "" : ": ", lastError());
      },
      ctx, r, w, FnProperty::Normal, 0, nameView);
  MXRT_API_END();
}

int mxrtEngineWaitForVar(mxrtVarHandle var) {
  MXRT_API_BEGIN();
  Engine::get()->waitForVar(varOf(var, "mxrtEngineWaitForVar"));
  MXRT_API_END();
}

} // extern "C"
