// random.h - per-device random generators and mx.random.seed.
//
// Every device has one generator: a seed and a position in its Philox
// stream (runtime/kernels/philox.h), plus an engine variable. Random ops
// write that variable, so on a device they run in push order and draw
// consecutive parts of the stream: the same seed reproduces the same
// numbers, whatever the thread count. Seeding is itself pushed as an op
// writing the variable, so it applies between the ops pushed before and
// after it, as MXNet's mx.random.seed.
#pragma once

#include "mxrt/context.h"
#include "mxrt/engine.h"

#include <cstdint>

namespace mxrt {

/// mx.random.seed(seed) (ctx='all'): reseeds every device's generator,
/// the ones not created yet included. Each device derives its own stream
/// from the seed.
void randomSeed(uint64_t seed);
/// mx.random.seed(seed, ctx): reseeds only ctx's device.
void randomSeed(uint64_t seed, Context ctx);

/// The engine variable of ctx's generator: random ops list it as written.
VarHandle randomVar(Context ctx);

/// A part of a generator's stream: `blocks` Philox blocks from `block`.
struct RandomStream {
  uint64_t key = 0;   ///< the Philox key (seed mixed with the device)
  uint64_t block = 0; ///< first block of this part
};
/// Reserves the next `blocks` blocks of ctx's stream. Call only from an op
/// that writes randomVar(ctx) (the engine then serializes the callers).
RandomStream reserveRandom(Context ctx, uint64_t blocks);

/// While alive, reserveRandom on this thread draws from `state` (a seed
/// and the next block, advanced by each reservation) instead of the
/// device's generator: a compiled module runs the runtime's random kernels
/// on its executor's own state, so its draws depend only on that seed.
class ScopedRandomState {
public:
  explicit ScopedRandomState(uint64_t *state);
  ~ScopedRandomState();
  ScopedRandomState(const ScopedRandomState &) = delete;
  ScopedRandomState &operator=(const ScopedRandomState &) = delete;

private:
  uint64_t *prev_;
};

} // namespace mxrt
