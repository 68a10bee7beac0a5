// executor.cc - a compiled module bound to arrays, pushing kernels to the engine.
//
// Binding resolves every value of the manifest to memory and engine
// variables once: arguments, auxiliary states, gradients and outputs to the
// bound NDArrays; temporaries to (arena buffer + offset), each buffer an
// NDArray of its own; the random state to a small array of the executor.
// Temporaries get a variable per block (a byte range a value occupies),
// and a kernel touching a block touches every block overlapping it too:
// kernels whose bytes overlap share a variable and run in push order, while
// kernels on disjoint bytes of one buffer still run in parallel. (A packed
// arena reuses bytes at many offsets; one variable per buffer would
// serialize every kernel.)
// A launch then is the kernel's function, its argument pointers and its
// read/write variables; forward() and backward() push one engine op per
// kernel. The plan is shared with the pushed ops, so an executor may be
// destroyed while its kernels are still queued.
#include "mxrt/module.h"

#include "mxrt/arena_blocks.h"
#include "mxrt/base.h"
#include "mxrt/engine.h"

#include <algorithm>
#include <cstring>
#include <random>

namespace mxrt {

struct Executor::Plan {
  struct Launch {
    mxc_kernel_fn fn;
    std::vector<void *> args;
    std::vector<VarHandle> reads, writes;
    std::string name;
  };
  std::shared_ptr<const Module> module; ///< keeps the code loaded
  std::vector<NDArray> arena;           ///< one per buffer
  std::vector<VarHandle> blockVars;     ///< one per block of the arena
  NDArray rng;                          ///< (seed, counter) as int64
  std::vector<Launch> entries[MXC_NUM_ENTRIES];

  ~Plan() {
    for (VarHandle v : blockVars)
      Engine::get()->deleteVar([] {}, Context::cpu(), v);
  }
};

namespace {

std::string describeArray(const TShape &shape, DType dtype) {
  return shape.str() + " " + std::string(dtypeName(dtype));
}

/// Checks a bound array against its manifest value.
void checkBound(const Module &m, int value, const NDArray &a, const char *what, Context ctx) {
  const char *name = m.manifest().values[value].name;
  if (a.isNone())
    fail("bind: ", what, " '", name, "' is missing (expected ",
         describeArray(m.shapeOf(value), m.dtypeOf(value)), ")");
  if (!(a.shape() == m.shapeOf(value)) || a.dtype() != m.dtypeOf(value))
    fail("bind: ", what, " '", name, "': expected ",
         describeArray(m.shapeOf(value), m.dtypeOf(value)), ", got ",
         describeArray(a.shape(), a.dtype()), " (the module was compiled for these shapes)");
  if (!(a.ctx() == ctx))
    fail("bind: ", what, " '", name, "' is on ", a.ctx().str(), ", the executor on ", ctx.str());
}

/// The engine variables a temporary's kernels touch, per temporary value:
/// its block's and those of every block overlapping it (see the top).
std::vector<std::vector<VarHandle>> arenaVars(const Module &m, std::vector<VarHandle> &blockVars) {
  const mxc_manifest &man = m.manifest();
  std::vector<ArenaRange> ranges(man.num_values);
  for (uint32_t v = 0; v < man.num_values; ++v) {
    const mxc_value &val = man.values[v];
    if (val.kind == MXC_VALUE_TEMP)
      ranges[v] = {val.buffer, val.offset,
                   val.offset + m.shapeOf(int(v)).numel() * int64_t(dtypeSize(m.dtypeOf(int(v))))};
  }
  ArenaBlocks blocks = arenaBlocks(ranges);
  for (size_t b = 0; b < blocks.overlapping.size(); ++b)
    blockVars.push_back(Engine::get()->newVar());
  std::vector<std::vector<VarHandle>> vars(man.num_values);
  for (uint32_t v = 0; v < man.num_values; ++v)
    if (int block = blocks.blockOf[v]; block >= 0)
      for (int b : blocks.overlapping[size_t(block)])
        vars[v].push_back(blockVars[size_t(b)]);
  return vars;
}

/// Binds `given` (or allocates) one array per value of `kind`.
std::vector<NDArray> bindKind(const Module &m, int kind, std::vector<NDArray> given,
                              const char *what, Context ctx, bool allocate) {
  std::vector<int> values = m.valuesOfKind(kind);
  if (given.empty() && allocate) {
    for (int v : values)
      given.emplace_back(m.shapeOf(v), ctx, m.dtypeOf(v));
    return given;
  }
  if (given.size() != values.size())
    fail(
        "bind: expected ", values.size(), " ", what, "s (",
        [&] {
          std::string s;
          for (const std::string &n : m.names(kind))
            s += (s.empty() ? "" : ", ") + n;
          return s;
        }(),
        "), got ", given.size());
  for (size_t i = 0; i < values.size(); ++i)
    checkBound(m, values[i], given[i], what, ctx);
  return given;
}

} // namespace

Executor::Executor(std::shared_ptr<const Module> module, Context ctx, std::vector<NDArray> args,
                   std::vector<NDArray> aux, std::vector<NDArray> argGrads,
                   std::vector<NDArray> outputs)
    : module_(std::move(module)), ctx_(ctx) {
  MXRT_CHECK(module_, "bind: the module is null");
  MXRT_CHECK(ctx.isHost(), "bind: module '", module_->path(), "' runs on the CPU, not on ",
             ctx.str());
  const Module &m = *module_;
  const mxc_manifest &man = m.manifest();
  args_ = bindKind(m, MXC_VALUE_ARG, std::move(args), "argument", ctx, false);
  aux_ = bindKind(m, MXC_VALUE_AUX, std::move(aux), "auxiliary state", ctx, false);
  outputs_ = bindKind(m, MXC_VALUE_OUTPUT, std::move(outputs), "output", ctx, true);
  headGrads_ = bindKind(m, MXC_VALUE_HEAD_GRAD, {}, "head gradient", ctx, true);

  // Gradients are given per argument; a gradient value without an array
  // (grad_req null) writes into one of the executor's.
  std::vector<int> argValues = m.valuesOfKind(MXC_VALUE_ARG);
  MXRT_CHECK(argGrads.empty() || argGrads.size() == argValues.size(), "bind: expected ",
             argValues.size(), " gradient arrays (one per argument, none for no gradient), got ",
             argGrads.size());
  grads_ = argGrads;
  std::vector<NDArray> storage(man.num_values);
  for (size_t i = 0; i < argValues.size(); ++i)
    storage[argValues[i]] = args_[i];
  for (auto [kind, arrays] : {std::pair{MXC_VALUE_AUX, &aux_},
                              {MXC_VALUE_OUTPUT, &outputs_},
                              {MXC_VALUE_HEAD_GRAD, &headGrads_}}) {
    std::vector<int> vs = m.valuesOfKind(kind);
    for (size_t i = 0; i < vs.size(); ++i)
      storage[vs[i]] = (*arrays)[i];
  }
  for (int v : m.valuesOfKind(MXC_VALUE_GRAD)) {
    int arg = man.values[v].grad_of;
    auto pos = std::find(argValues.begin(), argValues.end(), arg) - argValues.begin();
    NDArray g = argGrads.empty() ? NDArray() : argGrads[size_t(pos)];
    if (g.isNone()) {
      // Zeros: a module compiled with grad_req add accumulates into it.
      g = NDArray(m.shapeOf(v), ctx, m.dtypeOf(v));
      std::vector<char> zeros(g.nbytes(), 0);
      g.syncCopyFromCPU(zeros.data(), zeros.size());
    } else {
      checkBound(m, v, g, "gradient", ctx);
    }
    storage[v] = g;
  }

  plan_ = std::make_shared<Plan>();
  plan_->module = module_;
  for (uint32_t b = 0; b < man.num_buffers; ++b)
    plan_->arena.emplace_back(TShape{std::max<int64_t>(man.buffers[b].bytes, 1)}, ctx,
                              DType::UInt8);
  plan_->rng = NDArray(TShape{2}, ctx, DType::Int64);
  seed(std::random_device{}());

  // Each value's pointer and variables.
  std::vector<void *> ptr(man.num_values, nullptr);
  std::vector<std::vector<VarHandle>> var = arenaVars(m, plan_->blockVars);
  for (uint32_t v = 0; v < man.num_values; ++v) {
    const mxc_value &val = man.values[v];
    if (val.kind == MXC_VALUE_TEMP) {
      const NDArray &buf = plan_->arena[size_t(val.buffer)];
      ptr[v] = static_cast<char *>(buf.data().dptr) + val.offset;
    } else if (val.kind == MXC_VALUE_RNG) {
      ptr[v] = plan_->rng.data().dptr;
      var[v] = {plan_->rng.var()};
    } else {
      MXRT_CHECK(!storage[v].isNone(), "bind: value '", val.name, "' has no array");
      ptr[v] = storage[v].data().dptr;
      var[v] = {storage[v].var()};
    }
  }
  for (uint32_t e = 0; e < man.num_entries; ++e)
    for (int32_t k = 0; k < man.entries[e].num_kernels; ++k) {
      const mxc_kernel &kernel = man.entries[e].kernels[k];
      Plan::Launch l;
      l.fn = kernel.fn;
      l.name = std::string(kernel.name) + " (" + kernel.op + ")";
      for (int32_t a = 0; a < kernel.num_args; ++a) {
        l.args.push_back(ptr[kernel.args[a]]);
        auto &list = a < kernel.num_reads ? l.reads : l.writes;
        for (VarHandle h : var[kernel.args[a]])
          if (std::find(list.begin(), list.end(), h) == list.end())
            list.push_back(h);
      }
      // A variable both read and written is listed as written only.
      std::erase_if(l.reads, [&](VarHandle h) {
        return std::find(l.writes.begin(), l.writes.end(), h) != l.writes.end();
      });
      plan_->entries[e].push_back(std::move(l));
    }
}

Executor::~Executor() = default;

void Executor::seed(uint64_t s) {
  int64_t state[2] = {int64_t(s), 0};
  plan_->rng.syncCopyFromCPU(state, sizeof state);
}

void Executor::push(int entry) {
  Engine *engine = Engine::get();
  std::shared_ptr<Plan> plan = plan_;
  for (const Plan::Launch &l : plan->entries[entry]) {
    const Plan::Launch *launch = &l;
    engine->push(
        [plan, launch](RunContext) {
          launch->fn(launch->args.data());
          // A fallback kernel's error (module_abi.h): the engine stores it on
          // the kernel's outputs, and the next wait on them rethrows it.
          if (std::exception_ptr e = takeKernelError())
            std::rethrow_exception(e);
        },
        ctx_, launch->reads, launch->writes, FnProperty::Normal, 0, launch->name);
  }
}

void Executor::forward(bool isTrain) {
  int entry = isTrain ? MXC_ENTRY_FORWARD_TRAIN : MXC_ENTRY_FORWARD_INFER;
  if (isTrain && !module_->hasEntry(entry))
    fail("forward(is_train=True): module '", module_->path(),
         "' was compiled for inference only (compile with --train)");
  push(entry);
}

void Executor::backward(std::span<const NDArray> headGrads) {
  if (!module_->hasEntry(MXC_ENTRY_BACKWARD)) {
    // Compiled for training with every grad_req null: nothing to compute.
    if (module_->hasEntry(MXC_ENTRY_FORWARD_TRAIN))
      return;
    fail("backward: module '", module_->path(),
         "' has no backward entry (it was compiled for inference: compile it with --train)");
  }
  if (headGrads.size() != headGrads_.size()) {
    // As MXNet: outputs that are not loss layers need their head gradient.
    std::string names;
    for (const std::string &n : module_->names(MXC_VALUE_HEAD_GRAD))
      names += (names.empty() ? "" : ", ") + n;
    fail("backward: expected ", headGrads_.size(), " head gradients (", names, "), got ",
         headGrads.size(),
         headGrads.empty() ? ": outputs that are not loss layers need their head gradients" : "");
  }
  for (size_t i = 0; i < headGrads.size(); ++i) {
    const NDArray &h = headGrads[i];
    MXRT_CHECK(h.shape() == headGrads_[i].shape(), "backward: head gradient ", i, ": expected ",
               describeArray(headGrads_[i].shape(), headGrads_[i].dtype()), ", got ",
               describeArray(h.shape(), h.dtype()));
    h.copyTo(headGrads_[i]);
  }
  push(MXC_ENTRY_BACKWARD);
}

} // namespace mxrt
