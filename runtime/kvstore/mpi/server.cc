// server.cc - a server process: key state on the communication thread,
// updates and commands on the main thread (see server.h).
#include "kvstore/mpi/server.h"

#include "kvstore/reduce.h"
#include "mxrt/base.h"

#include <algorithm>
#include <cstring>

namespace mxrt::kvstore::dist {

Server &Server::get() {
  static Server *server = [] {
    Transport &t = Transport::get();
    MXRT_CHECK(t.role() == Role::Server, "the distributed KVStore: ", t.name(t.rank()),
               " is a worker, not a server");
    auto *s = new Server(t); // lives as long as the transport
    t.setEndpoint(s);
    return s;
  }();
  return *server;
}

Server::Server(Transport &t)
    : tr_(t), name_(str("KVStore server ", t.roleRank())),
      workerClosed_(size_t(t.numWorkers()), false) {}

// ---- the communication thread -------------------------------------------------------

void Server::onMessage(int src, const Header &h) {
  if (tr_.workerOf(src) < 0) {
    tr_.fail(str(tr_.name(src), " sent message type ", int(h.type),
                 " to a server: servers talk to workers only"));
    return;
  }
  switch (h.type) {
  case Msg::Init:
    return onInit(src, h);
  case Msg::Push:
    return onPush(src, h);
  case Msg::Pull:
    return onPull(src, h);
  case Msg::Command:
    return onCommand(src, h);
  default:
    tr_.fail(str(tr_.name(src), " sent message type ", int(h.type),
                 " to a server: do all processes run the same mxc?"));
  }
}

void Server::reply(int dst, uint64_t req, std::exception_ptr error) {
  Header r;
  r.req = req;
  if (!error) {
    r.type = Msg::Ack;
    tr_.send(dst, r, nullptr);
    return;
  }
  auto text = std::make_shared<std::string>();
  try {
    std::rethrow_exception(error);
  } catch (const std::exception &e) {
    *text = e.what();
  } catch (...) {
    *text = "unknown error";
  }
  r.type = Msg::Error;
  r.bytes = text->size();
  tr_.send(dst, r, text->data(), [text](std::exception_ptr) {});
}

void Server::reject(int src, const Header &h, const std::string &why) {
  // The payload is dropped; the sender learns why, the others go on.
  uint64_t req = h.req;
  std::string text = str(name_, ": ", why);
  tr_.receive(src, h, nullptr, [this, src, req, text](std::exception_ptr e) {
    reply(src, req, std::make_exception_ptr(Error(text)));
  });
}

Server::Key *Server::find(int src, const Header &h, const char *what) {
  auto s = stores_.find(h.store);
  Key *found = nullptr;
  if (s != stores_.end()) {
    auto it = s->second.keys.find(h.key);
    if (it != s->second.keys.end() && it->second.ready)
      found = &it->second;
  }
  if (!found) {
    reject(src, h,
           str(what, " of key ", h.key,
               ": the key has not been inited (kv.init on every "
               "worker, in the same order, before push and pull)"));
    return nullptr;
  }
  Key &key = *found;
  if (h.offset != key.offset || h.count != key.count || h.total != key.total) {
    reject(src, h,
           str(what, " of ", key.what, ": the worker sent elements [", h.offset, ", ",
               h.offset + h.count, ") of ", h.total, " where this server holds [", key.offset, ", ",
               key.offset + key.count, ") of ", key.total,
               " (a shape other than the one kv.init gave)"));
    return nullptr;
  }
  if (DType(h.dtype) != key.dtype) {
    reject(src, h,
           str(what, " of ", key.what, ": dtype ", dtypeName(DType(h.dtype)),
               " where the key holds ", dtypeName(key.dtype)));
    return nullptr;
  }
  uint64_t want = h.type == Msg::Push ? uint64_t(key.count) * dtypeSize(key.dtype) : 0;
  if (h.bytes != want) {
    reject(src, h,
           str(what, " of ", key.what, ": ", h.bytes, " bytes where ", want, " were expected"));
    return nullptr;
  }
  return &key;
}

void Server::onInit(int src, const Header &h) {
  Store &s = stores_[h.store];
  if (s.keys.count(h.key)) {
    reject(src, h, str("duplicate init of key ", h.key));
    return;
  }
  if (h.dtype < 0 || h.dtype > int(DType::BFloat16) || h.count < 0 || h.offset < 0 ||
      h.offset + h.count > h.total || h.bytes != uint64_t(h.count) * dtypeSize(DType(h.dtype))) {
    reject(src, h,
           str("init of key ", h.key, ": a malformed part (dtype ", h.dtype, ", elements [",
               h.offset, ", ", h.offset + h.count, ") of ", h.total, ", ", h.bytes, " bytes)"));
    return;
  }
  s.sync = h.aux != 0;
  Key &k = s.keys[h.key];
  k.id = h.key;
  k.store = h.store;
  k.dtype = DType(h.dtype);
  k.offset = h.offset;
  k.count = h.count;
  k.total = h.total;
  k.what =
      str("key ", h.key, " (elements [", h.offset, ", ", h.offset + h.count, ") of ", h.total, ")");
  k.stored = NDArray(TShape({h.count}), Context::cpu(0), k.dtype);
  k.recv.resize(size_t(tr_.numWorkers()));
  Key *kp = &k;
  uint64_t req = h.req;
  tr_.receive(src, h, k.stored.data().dptr, [this, kp, src, req](std::exception_ptr e) {
    kp->ready = !e;
    reply(src, req, e);
  });
}

void Server::onPush(int src, const Header &h) {
  Key *k = find(src, h, "push");
  if (!k)
    return;
  Store &s = stores_[h.store];
  int w = tr_.workerOf(src);
  if (s.sync) {
    if (std::find(k->round.begin(), k->round.end(), w) != k->round.end()) {
      reject(src, h, str("push of ", k->what, ": a second push before every worker pushed"));
      return;
    }
    if (closedWorkers_ > 0) {
      reject(src, h,
             str("push of ", k->what, ": dist_sync needs every worker, and ", closedWorkers_,
                 " closed"));
      return;
    }
  }
  NDArray &buf = k->recv[size_t(w)];
  if (buf.isNone())
    buf = NDArray(TShape({k->count}), Context::cpu(0), k->dtype);
  Pending p{src, h.req};
  Store *sp = &s;
  tr_.receive(src, h, buf.data().dptr, [this, sp, k, w, p](std::exception_ptr e) {
    if (e)
      return reply(p.src, p.req, e);
    if (sp->sync) {
      k->round.push_back(w);
      k->roundReqs.push_back(p);
    } else {
      k->queue.emplace_back(w, p);
    }
    maybeUpdate(*sp, *k);
  });
}

void Server::onPull(int src, const Header &h) {
  Key *k = find(src, h, "pull");
  if (!k)
    return;
  Pending p{src, h.req};
  if (k->updating)
    k->pulls.push_back(p);
  else
    sendValue(stores_[h.store], *k, p);
}

void Server::sendValue(Store &s, Key &k, const Pending &p) {
  Header r;
  r.type = Msg::Data;
  r.req = p.req;
  r.store = k.store;
  r.key = k.id;
  r.dtype = int32_t(k.dtype);
  r.offset = k.offset;
  r.count = k.count;
  r.total = k.total;
  r.bytes = uint64_t(k.count) * dtypeSize(k.dtype);
  ++k.sending;
  Store *sp = &s;
  Key *kp = &k;
  tr_.send(p.src, r, k.stored.data().dptr, [this, sp, kp](std::exception_ptr) {
    if (--kp->sending == 0)
      maybeUpdate(*sp, *kp);
  });
}

bool Server::updateDue(const Store &s, const Key &k) const {
  if (k.updating || k.sending > 0)
    return false;
  return s.sync ? int(k.round.size()) == tr_.numWorkers() : !k.queue.empty();
}

void Server::maybeUpdate(Store &s, Key &k) {
  if (!updateDue(s, k))
    return;
  k.updating = true;
  std::vector<NDArray> inputs;
  if (s.sync) {
    // Worker order, whatever the arrival order: the sum is the one a single
    // process computes from the same values.
    for (const NDArray &r : k.recv)
      inputs.push_back(r);
    k.applying = std::move(k.roundReqs);
    k.roundReqs.clear();
    k.round.clear();
  } else {
    auto [w, p] = k.queue.front();
    k.queue.pop_front();
    inputs.push_back(k.recv[size_t(w)]);
    k.applying = {p};
  }
  if (inputs.size() > 1 && k.merged.isNone())
    k.merged = NDArray(TShape({k.count}), Context::cpu(0), k.dtype);
  Store *sp = &s;
  Key *kp = &k;
  task([this, sp, kp, store = k.store, key = k.id, sync = s.sync, inputs = std::move(inputs),
        merged = k.merged, stored = k.stored]() mutable {
    std::exception_ptr error;
    try {
      update(store, key, sync, std::move(inputs), merged, stored);
    } catch (...) {
      error = std::current_exception();
    }
    tr_.post([this, sp, kp, error] { updated(*sp, *kp, error); });
  });
}

void Server::updated(Store &s, Key &k, std::exception_ptr error) {
  k.updating = false;
  for (const Pending &p : k.applying)
    reply(p.src, p.req, error);
  k.applying.clear();
  // Pulls that waited go first: a stream of async pushes cannot starve them.
  std::deque<Pending> pulls;
  pulls.swap(k.pulls);
  for (const Pending &p : pulls)
    sendValue(s, k, p);
  maybeUpdate(s, k);
}

void Server::onCommand(int src, const Header &h) {
  int head = int(h.aux);
  int store = h.store;
  uint64_t req = h.req;
  tr_.receiveText(src, h, [this, src, head, store, req](std::string body) {
    if (head == kSyncMode || head == kSetMultiPrecision || head == kStopServer) {
      if (head == kSyncMode)
        stores_[store].sync = true;
      return reply(src, req, nullptr);
    }
    task([this, src, head, store, req, body = std::move(body)] {
      std::exception_ptr error;
      try {
        MXRT_CHECK(controller_, name_, ": no controller runs server command ", head);
        commandStore_ = store;
        (*controller_)(head, body);
      } catch (...) {
        error = std::current_exception();
      }
      commandStore_ = 0;
      tr_.post([this, src, req, error] { reply(src, req, error); });
    });
  });
}

void Server::onPeerClosed(int src) {
  int w = tr_.workerOf(src);
  if (w < 0 || workerClosed_[size_t(w)])
    return;
  workerClosed_[size_t(w)] = true;
  ++closedWorkers_;
  // dist_sync rounds that wait for this worker never complete: say so.
  for (auto &[id, s] : stores_) {
    if (!s.sync)
      continue;
    for (auto &[key, k] : s.keys) {
      if (k.round.empty() || std::find(k.round.begin(), k.round.end(), w) != k.round.end())
        continue;
      auto why = std::make_exception_ptr(Error(str(name_, ": push of ", k.what, ": ", tr_.name(src),
                                                   " closed without pushing it, and "
                                                   "dist_sync waits for every worker")));
      for (const Pending &p : k.roundReqs)
        reply(p.src, p.req, why);
      k.roundReqs.clear();
      k.round.clear();
    }
  }
  if (closedWorkers_ == tr_.numWorkers()) {
    std::lock_guard<std::mutex> lock(mu_);
    allClosed_ = true;
    cv_.notify_all();
  }
}

void Server::onFailure(const std::exception_ptr &error) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = error;
  cv_.notify_all();
}

// ---- the main thread ------------------------------------------------------------------

void Server::task(UniqueFunction<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  tasks_.push_back(std::move(fn));
  cv_.notify_all();
}

void Server::run(const KVStore::KVController &controller) {
  controller_ = &controller;
  for (;;) {
    UniqueFunction<void()> fn;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return !tasks_.empty() || allClosed_ || failure_; });
      if (failure_) {
        controller_ = nullptr;
        std::rethrow_exception(failure_);
      }
      if (tasks_.empty())
        break; // every worker closed
      fn = std::move(tasks_.front());
      tasks_.pop_front();
    }
    fn();
  }
  controller_ = nullptr;
}

void Server::update(int store, int key, bool sync, std::vector<NDArray> inputs, NDArray merged,
                    NDArray stored) {
  NDArray recv = inputs[0];
  if (inputs.size() > 1) {
    std::vector<TBlob> in;
    for (const NDArray &a : inputs)
      in.push_back(a.data());
    sumHost(in, merged.data());
    recv = merged;
  }
  auto it = updaters_.find(store);
  if (it == updaters_.end() || !*it->second) {
    std::memcpy(stored.data().dptr, recv.data().dptr, stored.nbytes());
    return;
  }
  try {
    (*it->second)(key, nullptr, recv, stored);
    // The updater pushed engine ops (an optimizer): they must be done with
    // recv and stored before either is reused or sent.
    stored.waitToRead();
    recv.waitToWrite();
  } catch (const std::exception &e) {
    fail(name_, ": the updater (set_optimizer) failed on key ", key, ": ", e.what());
  }
}

void Server::setUpdater(KVUpdater updater) {
  if (updater)
    updaters_[commandStore_] = std::make_shared<const KVUpdater>(std::move(updater));
  else
    updaters_.erase(commandStore_);
}

bool Server::hasUpdater() const { return updaters_.count(commandStore_) > 0; }

} // namespace mxrt::kvstore::dist
