// kvstore_local.cc - the "local" and "device" stores: init, push (reduce,
// then update or assign), pull (broadcast), and the update op.
#include "kvstore/kvstore_local.h"

#include "kvstore/key_groups.h"
#include "kvstore/reduce.h"
#include "mxrt/base.h"

#include <algorithm>
#include <atomic>
#include <unordered_set>

namespace mxrt::kvstore {
namespace {

/// Both contexts address the same memory (all host contexts do).
bool sameMemory(const Context &a, const Context &b) { return (a.isHost() && b.isHost()) || a == b; }

/// An array over `a`'s memory with a variable of its own; keeps `a` alive.
NDArray alias(const NDArray &a) {
  TBlob b = a.data();
  return NDArray::fromExternal(b.dptr, a.shape(), a.dtype(), a.ctx(), [keep = a] {});
}

/// The body of an update op, which holds recv (read) and stored (write).
/// The updater gets aliases of both; the op completes once every op the
/// updater pushed on them has run. That wait is a fence op writing the
/// aliases, followed by deleting a variable only the fence wrote:
/// deleteVar's callback runs whether or not the fence ran (it is skipped
/// when an updater op failed), so the update always completes, with an
/// error when the fence was skipped.
void runUpdate(int key, const std::string &name, bool named, const NDArray &recv,
               const NDArray &stored, const KVUpdater &updater, const OnComplete &done) {
  NDArray r = alias(recv), s = alias(stored);
  try {
    updater(key, named ? name.c_str() : nullptr, r, s);
  } catch (const std::exception &e) {
    throw Error(str("KVStore updater for key ", name, " failed: ", e.what()));
  }
  struct Fence {
    explicit Fence(const OnComplete &d) : done(d) {}
    OnComplete done;
    std::atomic<bool> ran{false};
  };
  auto fence = std::make_shared<Fence>(done);
  Engine *engine = Engine::get();
  VarHandle marker = engine->newVar();
  VarHandle writes[] = {r.var(), s.var(), marker};
  engine->push([fence](RunContext) { fence->ran.store(true, std::memory_order_release); },
               Context::cpu(), {}, writes, FnProperty::CPUPrioritized, 0, "KVStoreUpdateFence");
  engine->deleteVar(
      [fence, name] {
        if (fence->ran.load(std::memory_order_acquire))
          fence->done();
        else
          fence->done(std::make_exception_ptr(
              Error(str("KVStore updater for key ", name,
                        ": an op it pushed failed (its own error is reported by waitall)"))));
      },
      Context::cpu(), marker);
}

} // namespace

KVStoreLocal::KVStoreLocal(std::string type, bool onDevices)
    : KVStore(std::move(type)), onDevices_(onDevices),
      hostCtx_(numGPUs() > 0 ? Context::cpuPinned(0) : Context::cpu(0)),
      seq_(Engine::get()->newVar()), deviceLoad_(size_t(numGPUs()), 0) {}

KVStoreLocal::~KVStoreLocal() {
  try {
    Engine::get()->deleteVar({}, Context::cpu(), seq_);
  } catch (const std::exception &) {
    // The engine refused (it is shutting down): the variable is lost, no more.
  }
}

template <class Groups>
std::vector<KVStoreLocal::Entry *> KVStoreLocal::checkGroups(const Groups &groups, const char *what,
                                                             const char *role) {
  // Everything is checked before anything is pushed: a bad call does nothing.
  std::vector<Entry *> entries;
  for (const auto &g : groups) {
    auto it = store_.find(g.key);
    MXRT_CHECK(it != store_.end(), "KVStore ", what, ": key ", keyName(g.key),
               " has not been inited");
    const NDArray &stored = it->second.stored;
    for (const NDArray &a : g.arrays) {
      MXRT_CHECK(!a.isNone(), "KVStore ", what, ": the ", role, " array for key ", keyName(g.key),
                 " is none");
      MXRT_CHECK(a.shape() == stored.shape(), "KVStore ", what, ": key ", keyName(g.key),
                 " holds shape ", stored.shape().str(), " but the ", role, " array has shape ",
                 a.shape().str());
    }
    entries.push_back(&it->second);
  }
  return entries;
}

void KVStoreLocal::init(std::span<const int> keys, std::span<const NDArray> values) {
  MXRT_CHECK(keys.size() == values.size(), "KVStore init: ", keys.size(), " keys but ",
             values.size(), " values");
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::unordered_set<int> seen;
  for (size_t i = 0; i < keys.size(); ++i) {
    MXRT_CHECK(store_.find(keys[i]) == store_.end() && seen.insert(keys[i]).second,
               "duplicate init of key ", keyName(keys[i]),
               ". Please double check if you called kv.init or kv.broadcast with this key "
               "multiple times");
    MXRT_CHECK(!values[i].isNone(), "KVStore init: the value for key ", keyName(keys[i]),
               " is none");
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    Entry e;
    e.stored = NDArray(values[i].shape(), hostCtx_, values[i].dtype());
    values[i].copyTo(e.stored);
    store_.emplace(keys[i], std::move(e));
  }
}

void KVStoreLocal::place(Entry &e, std::span<const NDArray> values) {
  if (e.placed)
    return;
  e.placed = true;
  int best = -1;
  for (const NDArray &v : values) {
    Context c = v.ctx();
    if (c.isGPU() && (best < 0 || deviceLoad_[size_t(c.id)] < deviceLoad_[size_t(best)]))
      best = c.id;
  }
  if (best < 0)
    return; // host values only: reduce in host memory
  deviceLoad_[size_t(best)] += e.stored.nbytes();
  NDArray moved(e.stored.shape(), Context::gpu(best), e.stored.dtype());
  e.stored.copyTo(moved);
  e.stored = std::move(moved);
  e.merged = NDArray();
  e.staging.clear();
}

void KVStoreLocal::reduceInto(Entry &e, std::span<const NDArray> values, const NDArray &dst,
                              int priority) {
  const Context where = dst.ctx();
  std::vector<NDArray> srcs;
  for (size_t j = 0; j < values.size(); ++j) {
    const NDArray &v = values[j];
    if (sameMemory(v.ctx(), where) && v.dtype() == dst.dtype()) {
      srcs.push_back(v);
      continue;
    }
    if (e.staging.size() <= j)
      e.staging.resize(j + 1);
    NDArray &buf = e.staging[j];
    if (buf.isNone() || buf.ctx() != where || buf.dtype() != dst.dtype())
      buf = NDArray(dst.shape(), where, dst.dtype());
    v.copyTo(buf);
    srcs.push_back(buf);
  }
  if (srcs.size() == 1) {
    srcs[0].copyTo(dst);
    return;
  }
  std::vector<VarHandle> reads;
  for (const NDArray &s : srcs)
    reads.push_back(s.var());
  VarHandle writes[] = {dst.var()};
  Engine::get()->push(
      [srcs = std::move(srcs), dst](RunContext rc) {
        std::vector<TBlob> in;
        for (const NDArray &s : srcs)
          in.push_back(s.data());
        if (dst.ctx().isGPU())
          sumGPU(in, dst.data(), rc.stream);
        else
          sumHost(in, dst.data());
      },
      where, reads, writes, FnProperty::Normal, priority, "KVStoreReduce");
}

NDArray KVStoreLocal::reduceForUpdate(Entry &e, std::span<const NDArray> values, int priority) {
  const NDArray &stored = e.stored;
  if (values.size() == 1 && sameMemory(values[0].ctx(), stored.ctx()) &&
      values[0].dtype() == stored.dtype())
    return values[0];
  if (e.merged.isNone())
    e.merged = NDArray(stored.shape(), stored.ctx(), stored.dtype());
  reduceInto(e, values, e.merged, priority);
  return e.merged;
}

void KVStoreLocal::pushUpdate(int key, const NDArray &recv, const NDArray &stored,
                              UpdaterPtr updater, int priority) {
  VarHandle reads[] = {recv.var()};
  VarHandle writes[] = {stored.var(), seq_};
  Engine::get()->pushAsync(
      [key, name = keyName(key), named = keyKind() == KeyKind::Str, recv, stored,
       updater = std::move(updater)](RunContext, OnComplete done) {
        runUpdate(key, name, named, recv, stored, *updater, done);
      },
      Context::cpu(), reads, writes, FnProperty::Normal, priority, "KVStoreUpdate");
}

void KVStoreLocal::push(std::span<const int> keys, std::span<const NDArray> values, int priority) {
  std::vector<Group> groups = groupByKey(keys, values, "push");
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<Entry *> entries = checkGroups(groups, "push", "pushed");
  for (size_t i = 0; i < groups.size(); ++i) {
    Entry &e = *entries[i];
    if (onDevices_)
      place(e, groups[i].arrays);
    if (!updater_) {
      reduceInto(e, groups[i].arrays, e.stored, priority);
      continue;
    }
    NDArray recv = reduceForUpdate(e, groups[i].arrays, priority);
    pushUpdate(groups[i].key, recv, e.stored, updater_, priority);
  }
}

void KVStoreLocal::pull(std::span<const int> keys, std::span<const NDArray> outs, int, bool) {
  std::vector<Group> groups = groupByKey(keys, outs, "pull");
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<Entry *> entries = checkGroups(groups, "pull", "out");
  for (size_t i = 0; i < groups.size(); ++i)
    for (const NDArray &o : groups[i].arrays)
      entries[i]->stored.copyTo(o);
}

void KVStoreLocal::setUpdater(KVUpdater updater) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  updater_ = updater ? std::make_shared<const KVUpdater>(std::move(updater)) : nullptr;
}

bool KVStoreLocal::hasUpdater() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return updater_ != nullptr;
}

void KVStoreLocal::waitUpdates() { Engine::get()->waitForVar(seq_); }

} // namespace mxrt::kvstore
