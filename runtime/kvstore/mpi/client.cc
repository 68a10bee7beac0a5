// client.cc - a worker's calls to the servers and their answers.
#include "kvstore/mpi/client.h"

#include "mxrt/base.h"

#include <vector>

namespace mxrt::kvstore::dist {

Client &Client::get() {
  static Client *client = [] {
    Transport &t = Transport::get();
    MXRT_CHECK(t.role() == Role::Worker, "the distributed KVStore: ", t.name(t.rank()),
               " is a server: it serves, it has no worker store");
    auto *c = new Client(t); // lives as long as the transport
    t.setEndpoint(c);
    return c;
  }();
  return *client;
}

void Client::call(int dest, Header h, const void *payload, void *dst, uint64_t dstBytes,
                  Done done) {
  if (auto err = tr_.failure()) {
    done(err);
    return;
  }
  uint64_t req = nextReq_++;
  h.req = req;
  calls_.emplace(req, Call{dest, dst, dstBytes, std::move(done)});
  tr_.send(dest, h, payload, [this, req](std::exception_ptr e) {
    if (e)
      finish(req, e);
  });
}

void Client::finish(uint64_t req, std::exception_ptr error) {
  auto it = calls_.find(req);
  if (it == calls_.end())
    return; // answered already (or failed with the transport)
  Done done = std::move(it->second.done);
  calls_.erase(it);
  done(error);
}

void Client::onMessage(int src, const Header &h) {
  switch (h.type) {
  case Msg::Ack:
    finish(h.req, nullptr);
    return;
  case Msg::Error:
    tr_.receiveText(src, h, [this, req = h.req](std::string text) {
      finish(req, std::make_exception_ptr(Error(text)));
    });
    return;
  case Msg::Data: {
    auto it = calls_.find(h.req);
    if (it == calls_.end() || it->second.dest != src || !it->second.dst) {
      tr_.fail(str(tr_.name(src), " answered request ", h.req,
                   " with data nobody asked for: do all processes run the same mxc?"));
      return;
    }
    if (h.bytes != it->second.bytes) {
      tr_.receive(src, h, nullptr, nullptr);
      finish(h.req, std::make_exception_ptr(Error(str("KVStore pull: ", tr_.name(src), " sent ",
                                                      h.bytes, " bytes for key ", h.key, " where ",
                                                      it->second.bytes, " were expected"))));
      return;
    }
    tr_.receive(src, h, it->second.dst,
                [this, req = h.req](std::exception_ptr e) { finish(req, e); });
    return;
  }
  default:
    tr_.fail(str(tr_.name(src), " sent message type ", int(h.type),
                 " to a worker: do all processes run the same mxc?"));
  }
}

void Client::onPeerClosed(int src) {
  std::vector<uint64_t> dead;
  for (auto &[req, c] : calls_)
    if (c.dest == src)
      dead.push_back(req);
  for (uint64_t req : dead)
    finish(req, std::make_exception_ptr(Error(
                    str("distributed KVStore: ", tr_.name(src), " closed before answering"))));
}

void Client::onFailure(const std::exception_ptr &error) {
  std::vector<uint64_t> all;
  for (auto &[req, c] : calls_)
    all.push_back(req);
  for (uint64_t req : all)
    finish(req, error);
}

} // namespace mxrt::kvstore::dist
