// kvstore_dist.cc - the worker's distributed store, the server process's
// store, and libmxrt_mpi's entry points (dist_loader.h).
#include "kvstore/mpi/kvstore_dist.h"

#include "kvstore/mpi/server.h"
#include "mxrt/base.h"

#include <atomic>
#include <future>
#include <unordered_set>

namespace mxrt::kvstore::dist {
namespace {

/// Stores are numbered in creation order, the same on every worker.
std::atomic<int> gNextStore{0};

/// MXNet's MXNET_KVSTORE_BIGARRAY_BOUND (MXC_ name first): values of at
/// least this many elements are split across the servers.
int64_t bigArrayBound() {
  long n = envInt("MXC_KVSTORE_BIGARRAY_BOUND", -1);
  if (n < 0)
    n = envInt("MXNET_KVSTORE_BIGARRAY_BOUND", 1000000);
  MXRT_CHECK(n > 0, "MXC_KVSTORE_BIGARRAY_BOUND must be positive");
  return n;
}

/// Runs fn on the communication thread and waits for the Done it is given.
void callAndWait(Transport &tr, UniqueFunction<void(Done)> fn) {
  auto done = std::make_shared<std::promise<void>>();
  auto fut = done->get_future();
  tr.post([fn = std::move(fn), done]() mutable {
    fn([done](std::exception_ptr e) {
      if (e)
        done->set_exception(e);
      else
        done->set_value();
    });
  });
  fut.get();
}

} // namespace

// ---- the worker's store ------------------------------------------------------------

KVStoreDist::KVStoreDist(std::string type)
    : KVStore(type), client_(Client::get()), tr_(client_.transport()), id_(gNextStore++),
      onDevices_(type.find("device") != std::string::npos),
      hostCtx_(numGPUs() > 0 ? Context::cpuPinned(0) : Context::cpu(0)),
      bigArrayBound_(bigArrayBound()) {
  MXRT_CHECK(tr_.numServers() > 0, "KVStore '", this->type(), "': the job has no server (",
             tr_.size(),
             " process(es)); start it with mxc-launch -n WORKERS -s SERVERS, or "
             "mpirun with MXC_NUM_SERVERS >= 1 and more processes than servers");
}

KVStoreDist::~KVStoreDist() {
  Engine *engine = Engine::get();
  for (auto &[key, k] : keys_) {
    try {
      engine->waitForVar(k.var); // the ops use this store's keys
    } catch (const std::exception &) {
      // reported (or to be reported) by a wait on a pulled array
    }
    engine->deleteVar({}, Context::cpu(), k.var);
  }
}

std::vector<KVStoreDist::Part> KVStoreDist::partition(int key, int64_t numel) const {
  int servers = tr_.numServers();
  if (numel < bigArrayBound_ || servers == 1) {
    int s = ((key % servers) + servers) % servers;
    return {{tr_.serverRank(s), 0, numel}};
  }
  std::vector<Part> parts;
  for (int s = 0; s < servers; ++s) {
    int64_t begin = numel * s / servers, end = numel * (s + 1) / servers;
    if (end > begin)
      parts.push_back({tr_.serverRank(s), begin, end - begin});
  }
  return parts;
}

std::vector<KVStoreDist::Key *> KVStoreDist::checkGroups(const std::vector<Group> &groups,
                                                         const char *what, const char *role) {
  std::vector<Key *> out;
  for (const Group &g : groups) {
    auto it = keys_.find(g.key);
    MXRT_CHECK(it != keys_.end(), "KVStore ", what, ": key ", keyName(g.key),
               " has not been inited");
    for (const NDArray &a : g.arrays) {
      MXRT_CHECK(!a.isNone(), "KVStore ", what, ": the ", role, " array for key ", keyName(g.key),
                 " is none");
      MXRT_CHECK(a.shape() == it->second.shape, "KVStore ", what, ": key ", keyName(g.key),
                 " holds shape ", it->second.shape.str(), " but the ", role, " array has shape ",
                 a.shape().str());
    }
    out.push_back(&it->second);
  }
  return out;
}

NDArray &KVStoreDist::bufferOf(Key &k) {
  if (k.buf.isNone())
    k.buf = NDArray(k.shape, hostCtx_, k.dtype);
  return k.buf;
}

void KVStoreDist::callParts(const Key &k, Header h, const NDArray &data, bool pull, Done done) {
  // On the communication thread, inside an engine op that holds data.
  auto gather = std::make_shared<Gather>(k.parts.size(), std::move(done));
  char *base = static_cast<char *>(data.data().dptr);
  size_t esize = dtypeSize(k.dtype);
  for (const Part &p : k.parts) {
    Header hp = h;
    hp.offset = p.offset;
    hp.count = p.count;
    hp.total = data.numel();
    char *at = base + size_t(p.offset) * esize;
    uint64_t bytes = uint64_t(p.count) * esize;
    hp.bytes = pull ? 0 : bytes;
    client_.call(p.server, hp, pull ? nullptr : at, pull ? at : nullptr, pull ? bytes : 0,
                 gather->part());
  }
}

void KVStoreDist::init(std::span<const int> keys, std::span<const NDArray> values) {
  MXRT_CHECK(keys.size() == values.size(), "KVStore init: ", keys.size(), " keys but ",
             values.size(), " values");
  std::vector<std::pair<int, NDArray>> hostValues;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::unordered_set<int> seen;
    for (size_t i = 0; i < keys.size(); ++i) {
      MXRT_CHECK(!keys_.count(keys[i]) && seen.insert(keys[i]).second, "duplicate init of key ",
                 keyName(keys[i]),
                 ". Please double check if you called kv.init or kv.broadcast with this key "
                 "multiple times");
      MXRT_CHECK(!values[i].isNone(), "KVStore init: the value for key ", keyName(keys[i]),
                 " is none");
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      Key k;
      k.shape = values[i].shape();
      k.dtype = values[i].dtype();
      k.parts = partition(keys[i], values[i].numel());
      k.var = Engine::get()->newVar();
      keys_.emplace(keys[i], std::move(k));
      if (rank() == 0)
        hostValues.emplace_back(keys[i], values[i].copy(Context::cpu(0)));
    }
  }
  // Rank 0's values are the servers' (MXNet); the others wait for them.
  std::exception_ptr error;
  if (!hostValues.empty()) {
    std::vector<std::pair<const Key *, Header>> sends;
    for (auto &[key, v] : hostValues) {
      v.waitToRead();
      const Key *k = &keys_.at(key);
      Header h;
      h.type = Msg::Init;
      h.store = id_;
      h.key = key;
      h.dtype = int32_t(k->dtype);
      h.aux = type().find("async") == std::string::npos ? 1 : 0; // dist_sync unless "_async"
      sends.emplace_back(k, h);
    }
    try {
      callAndWait(tr_, [this, &sends, &hostValues](Done done) {
        auto all = std::make_shared<Gather>(sends.size(), std::move(done));
        for (size_t i = 0; i < sends.size(); ++i)
          callParts(*sends[i].first, sends[i].second, hostValues[i].second, false, all->part());
      });
    } catch (...) {
      error = std::current_exception();
    }
  }
  barrier();
  if (error)
    std::rethrow_exception(error);
}

void KVStoreDist::push(std::span<const int> keys, std::span<const NDArray> values, int priority) {
  std::vector<Group> groups = groupByKey(keys, values, "push");
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Key *> ks = checkGroups(groups, "push", "pushed");
  for (size_t i = 0; i < groups.size(); ++i) {
    Key &k = *ks[i];
    const auto &arrays = groups[i].arrays;
    NDArray data;
    if (arrays.size() == 1 && arrays[0].ctx().isHost() && arrays[0].dtype() == k.dtype) {
      data = arrays[0]; // sent from where it is
    } else if (arrays.size() == 1) {
      data = bufferOf(k);
      arrays[0].copyTo(data);
    } else {
      // Several values: a local store sums them (on the devices for
      // "device" kinds), then the sum lands in the buffer.
      if (!local_)
        local_ = std::make_unique<KVStoreLocal>(onDevices_ ? "device" : "local", onDevices_);
      int key = groups[i].key;
      if (!k.inLocal) {
        NDArray zero(k.shape, hostCtx_, k.dtype);
        local_->init(std::span(&key, 1), std::span(&zero, 1));
        k.inLocal = true;
      }
      std::vector<int> same(arrays.size(), key);
      local_->push(same, arrays, priority);
      data = bufferOf(k);
      local_->pull(std::span(&key, 1), std::span(&data, 1), priority, true);
    }
    Header h;
    h.type = Msg::Push;
    h.store = id_;
    h.key = groups[i].key;
    h.dtype = int32_t(k.dtype);
    const Key *kp = &k;
    VarHandle reads[] = {data.var()};
    VarHandle writes[] = {k.var};
    Engine::get()->pushAsync(
        [this, kp, h, data](RunContext, OnComplete done) {
          tr_.post([this, kp, h, data, done] {
            callParts(*kp, h, data, false, [done](std::exception_ptr e) { done(e); });
          });
        },
        Context::cpu(), reads, writes, FnProperty::Normal, priority, "KVStoreDistPush");
  }
}

void KVStoreDist::pull(std::span<const int> keys, std::span<const NDArray> outs, int priority,
                       bool) {
  std::vector<Group> groups = groupByKey(keys, outs, "pull");
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Key *> ks = checkGroups(groups, "pull", "out");
  for (size_t i = 0; i < groups.size(); ++i) {
    Key &k = *ks[i];
    const auto &arrays = groups[i].arrays;
    // One host out array of the key's dtype receives the value directly.
    bool direct = arrays.size() == 1 && arrays[0].ctx().isHost() && arrays[0].dtype() == k.dtype;
    NDArray dst = direct ? arrays[0] : bufferOf(k);
    Header h;
    h.type = Msg::Pull;
    h.store = id_;
    h.key = groups[i].key;
    h.dtype = int32_t(k.dtype);
    const Key *kp = &k;
    VarHandle writes[] = {k.var, dst.var()};
    Engine::get()->pushAsync(
        [this, kp, h, dst](RunContext, OnComplete done) {
          tr_.post([this, kp, h, dst, done] {
            callParts(*kp, h, dst, true, [done](std::exception_ptr e) { done(e); });
          });
        },
        Context::cpu(), {}, writes, FnProperty::Normal, priority, "KVStoreDistPull");
    if (!direct)
      for (const NDArray &o : arrays)
        dst.copyTo(o);
  }
}

void KVStoreDist::setUpdater(KVUpdater updater) {
  std::lock_guard<std::mutex> lock(mu_);
  updater_ = updater ? std::make_shared<const KVUpdater>(std::move(updater)) : nullptr;
}

bool KVStoreDist::hasUpdater() const {
  std::lock_guard<std::mutex> lock(mu_);
  return updater_ != nullptr;
}

void KVStoreDist::waitUpdates() {
  std::vector<VarHandle> vars;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto &[key, k] : keys_)
      vars.push_back(k.var);
  }
  for (VarHandle v : vars)
    Engine::get()->waitForVar(v);
}

void KVStoreDist::barrier() { tr_.barrier(); }

void KVStoreDist::sendCommandToServers(int head, std::string_view body) {
  if (rank() != 0)
    return; // MXNet: rank 0 speaks for the workers
  std::string text(body);
  callAndWait(tr_, [this, head, &text](Done done) {
    auto all = std::make_shared<Gather>(size_t(tr_.numServers()), std::move(done));
    for (int s = 0; s < tr_.numServers(); ++s) {
      Header h;
      h.type = Msg::Command;
      h.store = id_;
      h.aux = head;
      h.bytes = text.size();
      client_.call(tr_.serverRank(s), h, text.data(), nullptr, 0, all->part());
    }
  });
}

// ---- the server process's store ------------------------------------------------------

KVStoreDistServer::KVStoreDistServer(std::string type)
    : KVStore(std::move(type)), server_(Server::get()) {}

int KVStoreDistServer::rank() const { return server_.transport().roleRank(); }
int KVStoreDistServer::numWorkers() const { return server_.transport().numWorkers(); }

void KVStoreDistServer::notForServers(const char *what) const {
  fail("KVStore ", what, ": this process is ", server_.transport().name(server_.transport().rank()),
       "; servers serve (runServer), only workers init, push and pull");
}

void KVStoreDistServer::init(std::span<const int>, std::span<const NDArray>) {
  notForServers("init");
}
void KVStoreDistServer::push(std::span<const int>, std::span<const NDArray>, int) {
  notForServers("push");
}
void KVStoreDistServer::pull(std::span<const int>, std::span<const NDArray>, int, bool) {
  notForServers("pull");
}
void KVStoreDistServer::setUpdater(KVUpdater updater) { server_.setUpdater(std::move(updater)); }
bool KVStoreDistServer::hasUpdater() const { return server_.hasUpdater(); }
void KVStoreDistServer::runServer(const KVController &controller) { server_.run(controller); }

} // namespace mxrt::kvstore::dist

// ---- entry points (dist_loader.h) ------------------------------------------------------

using namespace mxrt::kvstore::dist;

extern "C" __attribute__((visibility("default"))) mxrt::KVStore *
mxrtDistCreateKVStore(const char *type) {
  Transport &t = Transport::get();
  if (t.role() == Role::Server)
    return new KVStoreDistServer(type);
  return new KVStoreDist(type);
}

extern "C" __attribute__((visibility("default"))) int mxrtDistRole() {
  Transport &t = Transport::get();
  // The endpoint starts listening now: a server's may get messages before
  // its store exists.
  if (t.role() == Role::Server)
    Server::get();
  else
    Client::get();
  return int(t.role());
}
