// random.cc - the per-device generators behind mx.random.seed and the
// random ops (see mxrt/random.h).
//
// Generators are created on first use, seeded with the last global seed
// (0 at start, so a fresh process is deterministic, as MXNet). Their state
// is touched only by ops that write the generator's variable, or under the
// registry lock while it is created.
#include "mxrt/random.h"

#include "mxrt/base.h"

#include <map>
#include <memory>
#include <mutex>

namespace mxrt {
namespace {

/// splitmix64: decorrelates nearby seeds and devices.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

uint64_t keyFor(uint64_t seed, Context ctx) {
  return mix(seed ^ mix((uint64_t(ctx.type) << 32) | uint32_t(ctx.id)));
}

struct Generator {
  uint64_t key = 0;
  uint64_t next = 0;
  VarHandle var = nullptr;
};

struct Registry {
  std::mutex mu;
  uint64_t globalSeed = 0;
  std::map<std::pair<int, int>, std::unique_ptr<Generator>> gens;

  Generator &get(Context ctx) {
    std::lock_guard<std::mutex> lock(mu);
    auto &g = gens[{int(ctx.type), ctx.id}];
    if (!g) {
      g = std::make_unique<Generator>();
      g->key = keyFor(globalSeed, ctx);
      g->var = Engine::get()->newVar();
    }
    return *g;
  }
};

Registry &registry() {
  static Registry *r = new Registry(); // outlives static destructors of users
  return *r;
}

/// Host memory kinds share the CPU's generator.
Context genContext(Context ctx) { return ctx.isGPU() ? ctx : Context::cpu(0); }

void pushSeed(Generator &g, uint64_t key, Context ctx) {
  Generator *gp = &g;
  VarHandle v = g.var;
  Engine::get()->push(
      [gp, key](RunContext) {
        gp->key = key;
        gp->next = 0;
      },
      ctx, {}, {v}, FnProperty::Normal, 0, "random_seed");
}

/// The state ScopedRandomState installed on this thread, or null.
thread_local uint64_t *tOverride = nullptr;

} // namespace

ScopedRandomState::ScopedRandomState(uint64_t *state) : prev_(tOverride) { tOverride = state; }
ScopedRandomState::~ScopedRandomState() { tOverride = prev_; }

void randomSeed(uint64_t seed) {
  Registry &r = registry();
  std::vector<std::pair<Generator *, Context>> all;
  {
    std::lock_guard<std::mutex> lock(r.mu);
    r.globalSeed = seed;
    for (auto &[k, g] : r.gens)
      all.emplace_back(g.get(), Context{DeviceType(k.first), k.second});
  }
  for (auto &[g, ctx] : all)
    pushSeed(*g, keyFor(seed, ctx), ctx);
}

void randomSeed(uint64_t seed, Context ctx) {
  ctx = genContext(ctx);
  checkContext(ctx);
  pushSeed(registry().get(ctx), keyFor(seed, ctx), ctx);
}

VarHandle randomVar(Context ctx) { return registry().get(genContext(ctx)).var; }

RandomStream reserveRandom(Context ctx, uint64_t blocks) {
  if (uint64_t *state = tOverride) {
    RandomStream s{keyFor(state[0], ctx), state[1]};
    state[1] += blocks;
    return s;
  }
  Generator &g = registry().get(genContext(ctx));
  RandomStream s{g.key, g.next};
  g.next += blocks;
  return s;
}

} // namespace mxrt
